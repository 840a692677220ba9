"""A Gradio app with one endpoint per output component, each answering a fixed value.

Every endpoint takes a word (so it can be called with anything) and returns what its
component shows: Markdown with a code block, a Chatbot conversation with a thinking
message and a file, a tall and a wide Dataframe, a Label's confidences, highlighted text,
JSON nested deep, Python code, a colour, a sound, a gallery with captions.
"""

from __future__ import annotations

import argparse
import math
import os
import struct
import tempfile
import wave

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr

MARKDOWN = """# Release notes

Some **bold words**, some *italic ones* and a [link](https://example.com).

- first point
- second point

```python
def greet(name):
    return f"hello {name}"
```

<p align="center"><b>Signed</b>, the team</p>
"""

CODE = 'def area(r):\n    """The area of a circle."""\n    return 3.14159 * r ** 2\n'

FOLDER = tempfile.mkdtemp(prefix="outputs-app-")


def _tone() -> str:
    """A half-second 440 Hz tone, as a WAV file."""
    path = os.path.join(FOLDER, "tone.wav")
    if not os.path.exists(path):
        with wave.open(path, "wb") as sound:
            sound.setnchannels(1)
            sound.setsampwidth(2)
            sound.setframerate(8000)
            frames = b"".join(
                struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / 8000)))
                for i in range(4000)
            )
            sound.writeframes(frames)
    return path


def _picture(name: str, colour: str) -> str:
    from PIL import Image

    path = os.path.join(FOLDER, name)
    if not os.path.exists(path):
        Image.new("RGB", (16, 12), colour).save(path)
    return path


def markdown(word: str) -> str:
    return MARKDOWN


def chat(word: str) -> list:
    return [
        {"role": "user", "content": "What is **2+2**?"},
        {
            "role": "assistant",
            "content": "Adding two and two.",
            "metadata": {"title": "Thinking", "status": "done"},
        },
        {"role": "assistant", "content": "It is **4**.\n\n```python\nprint(2 + 2)\n```"},
        {"role": "user", "content": {"path": _picture("sum.png", "green")}},
        {"role": "assistant", "content": "A green square."},
    ]


def tall(word: str) -> list:
    return [[i, f"name {i}", i * 1.5] for i in range(1, 31)]


def wide(word: str) -> list:
    return [[row * 100 + col for col in range(50)] for row in range(3)]


def label(word: str) -> dict:
    return {"cat": 0.93, "dog": 0.05, "bird": 0.02}


def highlighted(word: str) -> list:
    # A labelled token with its trailing space, as taggers often give them.
    return [("The ", None), ("cat ", "ANIMAL"), ("sat in ", None), ("Paris", "PLACE"), (".", None)]


def nested(word: str) -> dict:
    return {"name": "ada", "tags": ["a", "b"], "deep": {"one": {"two": {"three": {"four": 4}}}}}


def code(word: str) -> str:
    return CODE


def colour(word: str) -> str:
    return "#ff8800"


def sound(word: str) -> str:
    return _tone()


def gallery(word: str) -> list:
    return [(_picture("red.png", "red"), "a red one"), (_picture("blue.png", "blue"), "a blue one")]


def text_markdown(word: str) -> str:
    return "## Summary\n\nThe answer is **yes**.\n\n```bash\necho hi\n```\n"


def text_plain(word: str) -> str:
    return "2 * 3 = 6, and *that* is all"


HOSTILE = "\x1b[2J\x1b]0;owned\x07[bold red]markup[/] \u202eevil"


def hostile_markdown(word: str) -> str:
    return f"# Title {HOSTILE}\n\n- item {HOSTILE}\n- two\n\n```\n{HOSTILE}\n```\n"


def hostile_table(word: str) -> dict:
    import pandas as pd

    return pd.DataFrame({f"[b]{HOSTILE}": [HOSTILE, "x"], "n": [1, 2]})


def hostile_chat(word: str) -> list:
    return [
        {"role": "user", "content": HOSTILE},
        {"role": "assistant", "content": HOSTILE, "metadata": {"title": HOSTILE}},
    ]


def hostile_label(word: str) -> dict:
    return {HOSTILE: 0.7, "b": 0.3}


def stream(word: str):  # type: ignore[no-untyped-def]
    """A long Markdown answer (about 3,000 words), streamed a part at a time."""
    import time

    text = ""
    words = " ".join(f"word{i} **bold{i}** `code{i}`" for i in range(25))
    for part in range(40):
        text += f"## Part {part}\n\n{words}\n\n```python\nprint({part})\n```\n\n"
        time.sleep(0.05)
        yield text


def annotated(word: str) -> tuple:
    return _picture("street.png", "gray"), [((1, 1, 6, 6), "car"), ((8, 2, 14, 10), "tree")]


def slider(word: str) -> tuple:
    return _picture("before.png", "black"), _picture("after.png", "white")


def clip(word: str) -> str:
    """An MP4 file of 2.5 seconds by its header (a movie box and nothing to play)."""
    path = os.path.join(FOLDER, "clip.mp4")
    if not os.path.exists(path):
        ftyp = struct.pack(">I4s4sI4s4s", 24, b"ftyp", b"isom", 512, b"isom", b"mp41")
        body = struct.pack(">B3xIIII", 0, 0, 0, 1000, 2500)  # timescale 1000, duration 2500
        body += b"\0" * 80
        mvhd = struct.pack(">I4s", 8 + len(body), b"mvhd") + body
        moov = struct.pack(">I4s", 8 + len(mvhd), b"moov") + mvhd
        with open(path, "wb") as handle:
            handle.write(ftyp + moov)
    return path


def plot(word: str):  # type: ignore[no-untyped-def]
    """A plot as matplotlib sends it: a PNG, base64-encoded (drawn here without matplotlib)."""
    import base64
    import io

    from gradio.components.plot import PlotData
    from PIL import Image

    png = io.BytesIO()
    Image.new("RGB", (32, 16), "orange").save(png, format="PNG")
    url = "data:image/png;base64," + base64.b64encode(png.getvalue()).decode()
    return PlotData(type="matplotlib", plot=url)


def chart(word: str):  # type: ignore[no-untyped-def]
    """A plot as plotly sends it: a chart's description in JSON."""
    import json

    from gradio.components.plot import PlotData

    spec = {"data": [{"type": "bar", "x": ["a", "b"], "y": [1, 2]}], "layout": {}}
    return PlotData(type="plotly", plot=json.dumps(spec))


def frames(word: str):  # type: ignore[no-untyped-def]
    """A picture generated in steps: each step's image is sent as it is made."""
    for step, colour in enumerate(("red", "green", "blue"), 1):
        yield _picture(f"step{step}.png", colour)


def build() -> gr.Blocks:
    endpoints = {
        "markdown": (markdown, gr.Markdown(label="notes")),
        "chat": (chat, gr.Chatbot(label="conversation")),
        "tall": (tall, gr.Dataframe(headers=["id", "name", "score"], label="rows")),
        "wide": (wide, gr.Dataframe(headers=[f"c{i}" for i in range(50)], label="grid")),
        "label": (label, gr.Label(label="verdict")),
        "highlighted": (highlighted, gr.HighlightedText(label="entities")),
        "nested": (nested, gr.JSON(label="data")),
        "code": (code, gr.Code(language="python", label="source")),
        "colour": (colour, gr.ColorPicker(label="colour")),
        "sound": (sound, gr.Audio(type="filepath", label="tone")),
        "gallery": (gallery, gr.Gallery(label="pictures")),
        "text_markdown": (text_markdown, gr.Textbox(label="reply")),
        "text_plain": (text_plain, gr.Textbox(label="sum")),
        "plot": (plot, gr.Plot(label="figure")),
        "chart": (chart, gr.Plot(label="figure")),
        "frames": (frames, gr.Image(type="filepath", label="picture")),
        "clip": (clip, gr.Video(label="video")),
        "annotated": (annotated, gr.AnnotatedImage(label="scene")),
        "slider": (slider, gr.ImageSlider(type="filepath", label="compare")),
        "stream": (stream, gr.Markdown(label="answer")),
        "hostile_markdown": (hostile_markdown, gr.Markdown(label="notes")),
        "hostile_table": (hostile_table, gr.Dataframe(label="rows")),
        "hostile_chat": (hostile_chat, gr.Chatbot(label="conversation")),
        "hostile_label": (hostile_label, gr.Label(label="verdict")),
    }
    with gr.Blocks() as demo:
        word = gr.Textbox(label="word")
        for name, (fn, component) in endpoints.items():
            component.render()
            gr.Button(name).click(fn, word, component, api_name=name)
        gr.ChatInterface(answer)
    return demo


def answer(message: str, history: list) -> str | dict:
    """A chat reply in Markdown, as language models write them (``title``: a heading and a
    line only; ``message``: one message with a file)."""
    if message == "title":
        return "## Tides\nThe sea rises twice a day."
    if message == "message":
        return {"role": "assistant", "content": "A *short* note."}
    return f"You said **{message}**.\n\n```python\nprint({message!r})\n```\n"


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    build().queue().launch(server_name="127.0.0.1", server_port=args.port, show_error=True)
