"""The app most benchmarks call: trivial, streaming, slow and file endpoints.

The endpoints do as little work as they can, so that what is measured is the client.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
import time

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr

CHUNK = 1 << 20


def echo(text: str) -> str:
    """Return the text unchanged."""
    return text


async def stream(n: str):  # type: ignore[no-untyped-def]
    """Yield n small updates as fast as the server can send them."""
    for i in range(int(n)):
        yield str(i)


def answer_text(size: int = 25_000) -> str:
    """A long Markdown answer, as a chat model writes one: headings, paragraphs, lists and
    code blocks, about ``size`` characters."""
    parts = ["Quokka: here is the plan, step by step.\n\n"]
    section = 0
    while sum(map(len, parts)) < size:
        section += 1
        parts.append(f"## Part {section}: what to change\n\n")
        parts.append(
            f"Step **{section}** keeps the *old* behaviour where it matters and changes "
            "`only` what the measurements show, so that a reader can follow every decision "
            "from the profile to the code and back again.\n\n"
        )
        for item in range(4):
            parts.append(f"- item {item + 1} of part {section}: check the figure, then commit\n")
        parts.append("\n```python\n")
        parts.append(f"def step_{section}(values: list[int]) -> int:\n")
        parts.append("    total = 0\n    for value in values:\n        total += value * 2\n")
        parts.append("    return total\n```\n\n")
        parts.append(f"1. first, measure part {section}\n2. then, change one thing\n\n")
    return "".join(parts)


ANSWER = answer_text()
MARKS: dict[str, list[float]] = {"yields": []}


async def stream_markdown(n: str, delay_ms: str):  # type: ignore[no-untyped-def]
    """Yield a growing Markdown answer in n updates (about 25 KB at the end), one every
    delay_ms milliseconds at most. The monotonic time of the first yield and of every
    hundredth part of the updates is kept for /stream_marks."""
    count = max(1, int(n))
    delay = float(delay_ms) / 1000
    marks: list[float] = []
    MARKS["yields"] = marks
    step = max(1, count // 100)
    text = ""
    first = ANSWER.index(" ") + 1  # the first update is one word, "Quokka: "
    for i in range(count):
        end = first + (len(ANSWER) - first) * i // max(count - 1, 1)
        text = ANSWER[: max(end, first)]
        if i == 0 or (i + 1) % step == 0:
            marks.append(time.monotonic())
        yield text
        if delay:
            await asyncio.sleep(delay)


async def chat_markdown(message: str, history: list):  # type: ignore[no-untyped-def]
    """The same growing answer as a ChatInterface's reply: the message is ``N DELAY_MS``."""
    n, _, delay_ms = message.partition(" ")
    async for text in stream_markdown(n, delay_ms or "0"):
        yield text


def stream_marks() -> str:
    """The monotonic times of the last stream_markdown's first yield and every hundredth."""
    return json.dumps(MARKS["yields"])


async def slow(seconds: str) -> str:
    """Wait, without holding a worker thread, then answer."""
    await asyncio.sleep(float(seconds))
    return "done"


def make_file(megabytes: str) -> str:
    """A file of the given size in megabytes, to download."""
    size = int(float(megabytes) * CHUNK)
    path = os.path.join(tempfile.gettempdir(), f"bench-{size}.bin")
    if not os.path.exists(path) or os.path.getsize(path) != size:
        block = os.urandom(CHUNK)
        with open(path, "wb") as handle:
            written = 0
            while written < size:
                part = block[: size - written]
                handle.write(part)
                written += len(part)
    return path


def file_size(f: str) -> str:
    """The size in bytes of an uploaded file."""
    return str(os.path.getsize(f))


def build() -> gr.Blocks:
    with gr.Blocks(title="gradioshell benchmark") as demo:
        text = gr.Textbox(label="text")
        out = gr.Textbox(label="out")
        gr.Button("echo").click(echo, text, out, api_name="echo")
        gr.Button("stream").click(stream, text, out, api_name="stream")
        count = gr.Textbox(label="n")
        delay = gr.Textbox(label="delay_ms")
        answer = gr.Markdown(label="answer")
        gr.Button("stream_markdown").click(
            stream_markdown, [count, delay], answer, api_name="stream_markdown"
        )
        gr.Button("stream_marks").click(stream_marks, None, out, api_name="stream_marks")
        gr.Button("slow").click(slow, text, out, api_name="slow", concurrency_limit=100)
        outfile = gr.File(label="file out")
        gr.Button("make_file").click(make_file, text, outfile, api_name="make_file")
        infile = gr.File(label="file in", type="filepath")
        gr.Button("file_size").click(file_size, infile, out, api_name="file_size")
        gr.ChatInterface(chat_markdown)  # the same answer, in chat mode: chat /chat_markdown
    return demo


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=7860)
    args = parser.parse_args()
    build().queue(default_concurrency_limit=100).launch(
        server_name="127.0.0.1",
        server_port=args.port,
        max_threads=200,
        max_file_size="1gb",
        quiet=True,
    )


if __name__ == "__main__":
    main()
