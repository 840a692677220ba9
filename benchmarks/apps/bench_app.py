"""The app most benchmarks call: trivial, streaming, slow and file endpoints.

The endpoints do as little work as they can, so that what is measured is the client.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile

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
        gr.Button("slow").click(slow, text, out, api_name="slow", concurrency_limit=100)
        outfile = gr.File(label="file out")
        gr.Button("make_file").click(make_file, text, outfile, api_name="make_file")
        infile = gr.File(label="file in", type="filepath")
        gr.Button("file_size").click(file_size, infile, out, api_name="file_size")
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
