"""A Gradio app with one slow generator that runs one call at a time.

``tick(seconds, tag)`` appends ``tag`` to the marker file when it starts, then yields a
line a second. With a concurrency limit of 1, a second call waits in the queue while a
first one runs: tests use it to check that Ctrl-C really stops (or dequeues) the job on
the server. Run: ``python slow.py --marker FILE --port N``.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr

MARKER = ""


def tick(seconds: str, tag: str):
    with open(MARKER, "a", encoding="utf-8") as handle:
        handle.write(tag + "\n")
    yield f"started {tag}"
    start = time.monotonic()
    n = 0
    while time.monotonic() - start < float(seconds):
        time.sleep(0.25)
        n += 1
        if n % 4 == 0:
            yield f"tick {n // 4}"
    yield f"finished {tag}"


def build() -> gr.Blocks:
    with gr.Blocks() as demo:
        seconds = gr.Textbox(label="seconds", value="1")
        tag = gr.Textbox(label="tag", value="x")
        out = gr.Textbox(label="out")
        gr.Button("tick").click(tick, [seconds, tag], out, api_name="tick", concurrency_limit=1)
    return demo


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--marker", required=True)
    args = parser.parse_args()
    MARKER = args.marker
    build().queue().launch(server_name="127.0.0.1", server_port=args.port)
