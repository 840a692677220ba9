"""A Gradio app that streams long answers, as a language model's app does.

- ``llm(prompt, words, pause, hold)``: a Markdown answer growing a word at a time, ``words``
  words long, in paragraphs, ending with ``THE END``; after it, ``hold`` more seconds with
  nothing new (time to press Ctrl-C on a partial answer).
- ``status(prompt, words)``: two outputs, a status that changes and a text that grows.
- ``narrate(prompt, words)``: a growing answer with a ``gr.Info`` notice half-way.
- ``chat``: a ChatInterface whose reply streams.

Run: ``python streaming.py --port N``.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr


def answer_words(prompt: str, words: int) -> list[str]:
    """The words of the answer: ``word1`` … ``wordN``, a paragraph every twelve words."""
    out = [f"# On {prompt}\n\n"]
    for n in range(1, words + 1):
        out.append(f"**word{n}**" if n % 50 == 0 else f"word{n}")
        out.append("\n\n" if n % 12 == 0 else " ")
    out.append("THE END")
    return out


def llm(prompt: str, words: float = 200, pause: float = 0.0, hold: float = 0.0):
    """Answer a prompt, a word at a time."""
    text = ""
    for piece in answer_words(prompt, int(words)):
        text += piece
        yield text
        if pause:
            time.sleep(pause)
    # Holding, the answer is sent again now and then: a cancelled call stops at the next one
    # instead of keeping the app's one slot for /llm.
    end = time.monotonic() + hold
    while time.monotonic() < end:
        time.sleep(0.1)
        yield text


def status(prompt: str, words: float = 20):
    """A status that changes while a text grows."""
    pieces = answer_words(prompt, int(words))
    text = ""
    for n, piece in enumerate(pieces):
        text += piece
        yield ("writing" if n < len(pieces) - 1 else "done"), text


def narrate(prompt: str, words: float = 20):
    """A growing answer with a notice half-way (``gr.Info``)."""
    pieces = answer_words(prompt, int(words))
    text = ""
    for n, piece in enumerate(pieces):
        if n == len(pieces) // 2:
            gr.Info("half-way")
        text += piece
        yield text


def reply(message: str, history: list):
    text = ""
    for piece in answer_words(message, 30):
        text += piece
        yield text


def build() -> gr.Blocks:
    with gr.Blocks(title="streaming") as app:
        prompt = gr.Textbox(label="prompt")
        words = gr.Number(value=200, label="words")
        pause = gr.Number(value=0, label="pause")
        hold = gr.Number(value=0, label="hold")
        answer = gr.Markdown(label="answer")
        state = gr.Textbox(label="state")
        text = gr.Textbox(label="text")
        gr.Button("llm").click(llm, [prompt, words, pause, hold], answer, api_name="llm")
        gr.Button("status").click(status, [prompt, words], [state, text], api_name="status")
        gr.Button("narrate").click(narrate, [prompt, words], text, api_name="narrate")
        gr.ChatInterface(reply, api_name="chat")
    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=7862)
    args = parser.parse_args()
    build().queue().launch(server_name="127.0.0.1", server_port=args.port, show_error=False)


if __name__ == "__main__":
    main()
