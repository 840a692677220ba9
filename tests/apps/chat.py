"""Chat apps of each shape, answering so that a test can tell they saw the earlier turns.

Every answer starts ``turn N`` (N: the user messages in the history the app was given, plus
one) and says the previous message (``before: ...``). Endpoints (Gradio 6 names):

- ``/chat``: a ChatInterface (the history kept by the app, in a gr.State).
- ``/stream``: a ChatInterface whose answer streams a word at a time; a message with
  ``long`` in it answers 400 words slowly (time to press Ctrl-C).
- ``/tuned``: a ChatInterface with additional inputs (a system prompt, a temperature, a
  style to choose), which the answer repeats.
- ``/look``: a multimodal ChatInterface; the answer names the files it was sent.
- ``/think``: a ChatInterface answering with a thinking message, the answer and a picture
  (Gradio 6). ``/chat`` fails, as an app does, when the message says ``fail``, and as a ZeroGPU
  Space whose quota is used up when it says ``quota``.
- ``/bot``: Blocks with a Chatbot, the history a parameter, the Chatbot returned (with a
  picture when the message asks for one).
- ``/pairs``: the same in the tuples format (Gradio 5 and earlier only; 3.x has no other).

Run: ``python chat.py --port N``.
"""

from __future__ import annotations

import argparse
import inspect
import os
import tempfile
import time

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr

MAJOR = int(gr.__version__.split(".")[0])
FOLDER = tempfile.mkdtemp(prefix="chat-app-")


def _text(content: object) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, dict):  # a text part; a file part says nothing
        return str(content.get("text", ""))
    if isinstance(content, (list, tuple)):
        return " ".join(t for t in (_text(c) for c in content) if t)
    return ""


def users(history: list) -> list[str]:
    """The user messages of a history in any format."""
    found = []
    for item in history or []:
        if isinstance(item, dict):
            if item.get("role") == "user" and _text(item.get("content")):
                found.append(_text(item.get("content")))
        elif isinstance(item, (list, tuple)) and item and item[0] is not None:
            found.append(_text(item[0]))
    return found


def _message_text(message: object) -> str:
    return message.get("text", "") if isinstance(message, dict) else str(message)


def answer(message: object, history: list) -> str:
    said = users(history)
    before = said[-1] if said else "nothing"
    return f"turn {len(said) + 1}: you said {_message_text(message)}; before: {before}"


def chat(message: str, history: list) -> str:
    if "fail" in message:
        raise gr.Error("the model is busy, try again")
    if "quota" in message:  # as a ZeroGPU Space says it (the spaces package, 0.3x)
        raise gr.Error(
            "You have exceeded your free ZeroGPU quota (60s requested vs. 12s left). "
            "Try again in 0:01:05."
        )
    return answer(message, history)


def _picture() -> str:
    from PIL import Image

    path = os.path.join(FOLDER, "dot.png")
    Image.new("RGB", (8, 8), (200, 30, 30)).save(path)
    return path


def think(message: str, history: list):
    """A thinking message (a titled one), then the answer, then a picture."""
    steps = "\n\n".join(f"step {n}: weighing {message}" for n in range(1, 9))
    thinking = {"role": "assistant", "content": steps, "metadata": {"title": "Thinking"}}
    yield [thinking]
    yield [thinking, {"role": "assistant", "content": answer(message, history)}]
    yield [
        thinking,
        {"role": "assistant", "content": answer(message, history)},
        {"role": "assistant", "content": {"path": _picture()}},
    ]


def stream(message: str, history: list):
    words = answer(message, history).split(" ")
    if "long" in message:
        words += [f"**word{n}**" if n % 50 == 0 else f"word{n}" for n in range(1, 401)]
        words.append("THE END")
    text = ""
    for n, word in enumerate(words):
        text += ("" if n == 0 else " ") + word
        yield text
        if "long" in message:
            time.sleep(0.03)


def tuned(message: str, history: list, system: str, temperature: float, style: str) -> str:
    return f"{answer(message, history)} | system={system} temperature={temperature} style={style}"


def look(message: dict, history: list) -> str:
    names = [
        os.path.basename(f if isinstance(f, str) else f.get("path", ""))
        for f in message.get("files", [])
    ]
    return f"{answer(message, history)} | files: {', '.join(names) or 'none'}"


def pairs(message: str, history: list):
    history = list(history or [])
    return "", [*history, [message, answer(message, history)]]


def bot(message: str, history: list):
    history = list(history or [])
    reply = answer(message, history)
    new = [{"role": "user", "content": message}, {"role": "assistant", "content": reply}]
    if "picture" in message:
        new.append({"role": "assistant", "content": {"path": _picture()}})
    return "", [*history, *new]


def _chat_interface(fn, name: str, **kwargs) -> gr.ChatInterface:
    params = inspect.signature(gr.ChatInterface).parameters
    if "api_name" in params:
        kwargs["api_name"] = name
    if "type" in params:
        kwargs["type"] = "messages"
    return gr.ChatInterface(fn, **kwargs)


def build(shape: str) -> gr.Blocks:
    """``all`` (Gradio 6: every ChatInterface in one app, and /bot), or one shape by name
    (older releases name every ChatInterface's endpoint /chat)."""
    with gr.Blocks(title="chat") as app:
        if shape in ("all", "chat"):
            _chat_interface(chat, "chat")
        if shape in ("all", "stream"):
            _chat_interface(stream, "stream")
        if shape in ("all", "tuned"):
            _chat_interface(
                tuned,
                "tuned",
                additional_inputs=[
                    gr.Textbox("be brief", label="system"),
                    gr.Slider(0, 1, value=0.7, label="temperature"),
                    gr.Dropdown(["plain", "fancy"], value="plain", label="style"),
                ],
            )
        if (
            shape in ("all", "look")
            and "multimodal" in inspect.signature(gr.ChatInterface).parameters
        ):
            _chat_interface(look, "look", multimodal=True)
        if shape == "all" and MAJOR >= 6:
            _chat_interface(think, "think")
        if shape in ("all", "bot") and MAJOR >= 4:
            message = gr.Textbox(label="message")
            kwargs = {"type": "messages"} if MAJOR < 6 else {}
            history = gr.Chatbot(label="history", **kwargs)
            gr.Button("bot").click(bot, [message, history], [message, history], api_name="bot")
        if shape in ("all", "bot") and MAJOR < 6:
            pairs_message = gr.Textbox(label="message")
            kwargs = {"type": "tuples"} if MAJOR >= 4 else {}
            pairs_history = gr.Chatbot(label="history", **kwargs)
            gr.Button("pairs").click(
                pairs,
                [pairs_message, pairs_history],
                [pairs_message, pairs_history],
                api_name="pairs",
            )
    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--shape", default="all")
    args = parser.parse_args()
    build(args.shape).queue().launch(server_name="127.0.0.1", server_port=args.port)
