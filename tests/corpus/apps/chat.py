"""Chat apps: ChatInterface in its forms, and Blocks built around a Chatbot.

A ChatInterface keeps the history in a gr.State of the session: its second answer says what
the first turn left there, so an app that lost the history answers differently. Its function
is named ``chat`` everywhere: 3.x, 4.x and 5.x name the endpoint ``/chat``, 6.x after the
function.
"""

from __future__ import annotations

from tests.corpus.model import WITH_3, File, JsonFile, Prev, app, call, case

MESSAGES = (4, 5, 6)  # type="messages" came in 4.x; from 6.0 it is the only format
TYPED_HISTORY = '[{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]'
TWO_TURNS = case(
    "two turns: the second sees the first",
    call("/chat", "message=hi", "hi"),
    call("/chat", "message=again", "again"),
)


@app(
    TWO_TURNS,
    case("one turn in a new session", call("/chat", 'message="fresh start"', "fresh start")),
    releases=WITH_3,
)
def chat_echo():
    """A ChatInterface that echoes and counts the turns it was shown."""
    import gradio as gr

    from tests.corpus.apps.compat import user_turns

    def chat(message, history):
        return f"turn {user_turns(history) + 1}: {message}"

    return gr.ChatInterface(chat, title="Echo")


@app(
    case(
        "two streamed turns",
        call("/chat", "message=hey", "hey", stream=True),
        call("/chat", "message=you", "you", stream=True),
    ),
    releases=WITH_3,
)
def chat_streaming():
    """A ChatInterface whose function yields the answer a little more each time."""
    import gradio as gr

    from tests.corpus.apps.compat import user_turns

    def chat(message, history):
        answer = f"[{user_turns(history) + 1}] You typed: {message}"
        for end in range(len(answer) - len(message), len(answer) + 1):
            yield answer[:end]

    return gr.ChatInterface(chat)


@app(
    case(
        "extra inputs given",
        call("/chat", 'message=hi system_prompt="Be loud" repeat=2', "hi", "Be loud", 2),
    ),
    # 3.x's API has no defaults: its client, like the shell, needs every value.
    case(
        "extra inputs left to their defaults", call("/chat", "message=hi", "hi"), releases=(4, 5, 6)
    ),
    case(
        "two turns with extra inputs",
        call("/chat", 'message=one system_prompt="Be brief" repeat=1', "one", "Be brief", 1),
        call("/chat", 'message=two system_prompt="Be brief" repeat=3', "two", "Be brief", 3),
    ),
    releases=WITH_3,
)
def chat_additional():
    """A ChatInterface with additional inputs: a system prompt and a slider."""
    import gradio as gr

    from tests.corpus.apps.compat import user_turns

    def chat(message, history, system_prompt, repeat):
        said = " ".join([message] * int(repeat))
        return f"({system_prompt}) turn {user_turns(history) + 1}: {said}"

    return gr.ChatInterface(
        chat,
        additional_inputs=[
            gr.Textbox("Be brief", label="System prompt"),
            gr.Slider(1, 3, value=1, step=1, label="Repeat"),
        ],
    )


@app(TWO_TURNS, releases=MESSAGES)
def chat_messages():
    """A ChatInterface of the messages format whose answer quotes the last answer it saw."""
    import gradio as gr

    from tests.corpus.apps.compat import messages

    def chat(message, history):
        last = history[-1] if history else "nothing"
        if isinstance(last, dict):
            last = last["content"]
        return f"after {len(history)} messages (last: {last}): {message}"

    return gr.ChatInterface(chat, **messages())


@app(
    case("text only", call("/chat", "message=hello", {"text": "hello", "files": []})),
    case(
        "text and a file",
        call(
            "/chat",
            'message="describe this" message.files=cat.png',
            {"text": "describe this", "files": [File("cat.png")]},
        ),
    ),
    case(
        "json message with two files",
        call(
            "/chat",
            'message=\'{"text": "two", "files": ["cat.png", "dog.png"]}\'',
            {"text": "two", "files": [File("cat.png"), File("dog.png")]},
        ),
    ),
    case(
        "a file, then a turn that sees it in the history",
        call(
            "/chat",
            "message=look message.files=halves.png",
            {"text": "look", "files": [File("halves.png")]},
        ),
        call("/chat", "message=and?", {"text": "and?", "files": []}),
    ),
    releases=MESSAGES,
)
def chat_multimodal():
    """A multimodal ChatInterface: text and files in, a description of both out."""
    import os

    import gradio as gr

    def chat(message, history):
        files = message.get("files") or []
        sizes = ", ".join(str(os.path.getsize(_path(f))) for f in files)
        return (
            f"{len(history)} in history; {message.get('text')!r} with {len(files)} files ({sizes})"
        )

    return gr.ChatInterface(chat, multimodal=True)


def _path(item):  # type: ignore[no-untyped-def]
    return item if isinstance(item, str) else item.get("path") or item.get("name")


@app(
    case("thoughts, then the answer", call("/chat", "message=why", "why", stream=True)),
    releases=MESSAGES,
    since="4.44",
)
def chat_thinking():
    """A ChatInterface that streams a 'thinking' message with metadata, then its answer."""
    import gradio as gr

    from tests.corpus.apps.compat import messages

    def chat(message, history):
        thought = gr.ChatMessage(
            role="assistant",
            content="",
            metadata={"title": "Thinking", "id": 0, "status": "pending"},
        )
        for step in ("first", "then"):
            thought.content += f"{step} "
            yield thought
        thought.metadata["status"] = "done"
        yield [thought, gr.ChatMessage(role="assistant", content=f"Because of {message}.")]

    return gr.ChatInterface(chat, **messages())


@app(
    case("a picture in the answer", call("/chat", "message=draw", "draw")),
    releases=(5, 6),
)
def chat_file_reply():
    """A ChatInterface answering with an image component made by the app."""
    import os
    import tempfile

    import gradio as gr
    from PIL import Image

    def chat(message, history):
        # The API answers with the component's update, which names the file by its path on
        # the server: a fixed one, so that both clients are shown the same answer.
        path = os.path.join(tempfile.gettempdir(), f"drawn-{message}.png")
        Image.new("RGB", (6, 4), (len(message) * 20, 90, 30)).save(path)
        return gr.Image(value=path)

    return gr.ChatInterface(chat, type="messages") if _before_6() else gr.ChatInterface(chat)


def _before_6() -> bool:
    from tests.corpus.apps.compat import major

    return major() < 6


@app(
    case("a message like an example", call("/chat", "message=hello", "hello")),
    releases=WITH_3,
)
def chat_examples():
    """A ChatInterface with examples (not cached): the examples add events of their own."""
    import gradio as gr

    def chat(message, history):
        return message[::-1]

    return gr.ChatInterface(chat, examples=["hello", "goodbye"], cache_examples=False)


@app(
    case(
        "two turns through the history",
        call("/respond", "message=hi history='[]'", "hi", []),
        call("/respond", "message=again history=$_[1]", "again", Prev(1)),
    ),
    case(
        "a history typed as json",
        call(
            "/respond",
            f"message=next history='{TYPED_HISTORY}'",
            "next",
            [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}],
        ),
        releases=(4, 5),
    ),
    # 6.0 made a message's content a list of parts; the words typed stay the same.
    case(
        "a history typed as json",
        call(
            "/respond",
            f"message=next history='{TYPED_HISTORY}'",
            "next",
            [
                {"role": "user", "content": [{"type": "text", "text": "hi"}]},
                {"role": "assistant", "content": [{"type": "text", "text": "hello"}]},
            ],
        ),
        releases=(6,),
    ),
    releases=MESSAGES,
)
def blocks_chatbot_messages():
    """Blocks: a Textbox and a messages Chatbot; the function takes and returns the history."""
    import gradio as gr

    from tests.corpus.apps.compat import messages

    def respond(message, history):
        answer = f"you said {message} after {len(history)} messages"
        return "", [
            *history,
            {"role": "user", "content": message},
            {"role": "assistant", "content": answer},
        ]

    with gr.Blocks() as demo:
        history = gr.Chatbot(label="history", **messages())
        message = gr.Textbox(label="message")
        message.submit(respond, [message, history], [message, history], api_name="respond")
    return demo


@app(
    case(
        "two turns through the history",
        call("/respond", "message=hi history='[]'", "hi", []),
        call("/respond", "message=again history=$_[1]", "again", Prev(1)),
        releases=(4, 5),
    ),
    case(
        "a history typed as json pairs",
        call("/respond", 'message=next history=\'[["hi", "hello"]]\'', "next", [["hi", "hello"]]),
        releases=(4, 5),
    ),
    # The 3.x client takes (and returns) a Chatbot's value as the path of a JSON file.
    case(
        "two turns through the history",
        call("/respond", "message=hi history='[]'", "hi", File("history_empty.json")),
        call("/respond", "message=again history=$_[1]", "again", JsonFile(Prev(1))),
        releases=(3,),
    ),
    case(
        "a history typed as json pairs",
        call(
            "/respond",
            'message=next history=\'[["hi", "hello"]]\'',
            "next",
            File("history_pairs.json"),
        ),
        releases=(3,),
    ),
    releases=(3, 4, 5),
)
def blocks_chatbot_tuples():
    """Blocks: a Textbox and a tuples Chatbot (gone in 6.0), history in and out."""
    import gradio as gr

    from tests.corpus.apps.compat import tuples

    def respond(message, history):
        return "", [*history, [message, f"you said {message} after {len(history)} turns"]]

    with gr.Blocks() as demo:
        history = gr.Chatbot(label="history", **tuples())
        message = gr.Textbox(label="message")
        message.submit(respond, [message, history], [message, history], api_name="respond")
    return demo


@app(
    case(
        "a message with a file, then the bot's streamed answer",
        call(
            "/add_message",
            "history='[]' message=look message.files=cat.png",
            [],
            {"text": "look", "files": [File("cat.png")]},
        ),
        call("/bot", "history=$_[0]", File(Prev(0)), stream=True),
    ),
    case(
        "text only",
        call("/add_message", "history='[]' message=hello", [], {"text": "hello", "files": []}),
    ),
    releases=MESSAGES,
)
def chatbot_multimodal_blocks():
    """Blocks: a MultimodalTextbox feeding a messages Chatbot, then a streaming bot."""
    import gradio as gr

    from tests.corpus.apps.compat import messages

    def add_message(history, message):
        for item in message["files"]:
            history.append({"role": "user", "content": {"path": _path(item)}})
        if message["text"]:
            history.append({"role": "user", "content": message["text"]})
        return history, gr.MultimodalTextbox(value=None, interactive=False)

    def bot(history):
        answer = f"{len(history)} messages so far"
        history.append({"role": "assistant", "content": ""})
        for character in answer:
            history[-1]["content"] += character
            yield history

    with gr.Blocks() as demo:
        chatbot = gr.Chatbot(label="history", **messages())
        box = gr.MultimodalTextbox(file_count="multiple", label="message")
        sent = box.submit(add_message, [chatbot, box], [chatbot, box], api_name="add_message")
        sent.then(bot, chatbot, chatbot, api_name="bot")
    return demo


@app(
    case("plain text", call("/summary", "message=hi", {"text": "hi", "files": []})),
    case(
        "text and a file",
        call(
            "/summary",
            'message="describe this" message.files=cat.png',
            {"text": "describe this", "files": [File("cat.png")]},
        ),
    ),
    case(
        "files as a json list",
        call(
            "/summary",
            'message=two message.files=\'["cat.png", "dog.png"]\'',
            {"text": "two", "files": [File("cat.png"), File("dog.png")]},
        ),
    ),
    case(
        "files by a glob",
        call(
            "/summary",
            "message=txt message.files=*.txt",
            {"text": "txt", "files": [File("more.txt"), File("notes.txt")]},
        ),
    ),
    case(
        "a json object",
        call(
            "/summary",
            'message=\'{"text": "obj", "files": ["dog.png"]}\'',
            {"text": "obj", "files": [File("dog.png")]},
        ),
    ),
    case(
        "echoed back",
        call(
            "/shout",
            'message="quiet please" message.files=notes.txt',
            {"text": "quiet please", "files": [File("notes.txt")]},
        ),
    ),
    releases=MESSAGES,
)
def multimodal_textbox():
    """A MultimodalTextbox in; a summary, and the message upper-cased as a MultimodalTextbox."""
    import os

    import gradio as gr

    def summary(message):
        files = message.get("files") or []
        names = ", ".join(os.path.basename(_path(f)) for f in files)
        return f"{message.get('text')!r} + [{names}]"

    def shout(message):
        return {"text": message["text"].upper(), "files": message.get("files") or []}

    with gr.Blocks() as demo:
        box = gr.MultimodalTextbox(file_count="multiple", label="message")
        text = gr.Textbox(label="Summary")
        out = gr.MultimodalTextbox(label="Shouted")
        gr.Button("Summary").click(summary, box, text, api_name="summary")
        gr.Button("Shout").click(shout, box, out, api_name="shout")
    return demo


@app(
    case("a conversation out", call("/conversation", "topic=cats", "cats")),
    releases=MESSAGES,
)
def chatbot_output():
    """Text in; a messages Chatbot out, with a thought (metadata) and an image message."""
    import os
    import tempfile

    import gradio as gr
    from PIL import Image

    from tests.corpus.apps.compat import messages

    def conversation(topic):
        path = os.path.join(tempfile.mkdtemp(), f"{topic}.png")
        Image.new("RGB", (5, 5), (200, 100, len(topic) * 10)).save(path)
        return [
            {"role": "user", "content": f"Tell me about {topic}"},
            {"role": "assistant", "content": "Looking it up", "metadata": {"title": "Search"}},
            {"role": "assistant", "content": {"path": path}},
            {"role": "assistant", "content": f"{topic} are nice."},
        ]

    with gr.Blocks() as demo:
        topic = gr.Textbox(label="topic")
        chatbot = gr.Chatbot(label="Conversation", **messages())
        gr.Button("Talk").click(conversation, topic, chatbot, api_name="conversation")
    return demo
