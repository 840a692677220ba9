"""A Gradio app for the jobs and batch tests: timed calls with concurrency limits.

``slow`` (up to 5 at once) returns when it ran, by the server's clock, so tests can check
that calls overlapped; ``block`` (one at a time) records which labels started, read back
with ``started``; ``square`` fails on purpose for negative numbers.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr

STARTED: list[str] = []


def slow(label: str, seconds: float = 1.0) -> dict:
    start = time.time()
    time.sleep(float(seconds))
    return {"label": label, "start": start, "end": time.time()}


def block(label: str, seconds: float = 60.0):
    STARTED.append(label)
    yield f"{label} started"
    deadline = time.time() + float(seconds)
    while time.time() < deadline:
        time.sleep(0.1)
        yield f"{label} running"
    yield f"{label} finished"


def started() -> list:
    return list(STARTED)


def square(x: float, seconds: float = 0.0) -> float:
    if float(seconds) > 0:
        time.sleep(float(seconds))
    if float(x) < 0:
        raise gr.Error(f"negative input: {x}")
    return float(x) * float(x)


def build() -> gr.Blocks:
    with gr.Blocks() as demo:
        label = gr.Textbox(label="label")
        seconds = gr.Number(label="seconds", value=1.0)
        timing = gr.JSON(label="timing")
        gr.Button("slow").click(
            slow, [label, seconds], timing, api_name="slow", concurrency_limit=5
        )
        state = gr.Textbox(label="state")
        gr.Button("block").click(
            block, [label, seconds], state, api_name="block", concurrency_limit=1
        )
        labels = gr.JSON(label="labels")
        gr.Button("started").click(started, None, labels, api_name="started")
        x = gr.Number(label="x")
        pause = gr.Number(label="seconds", value=0.0)
        y = gr.Number(label="y")
        gr.Button("square").click(square, [x, pause], y, api_name="square", concurrency_limit=8)
    return demo


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=7860)
    args = parser.parse_args()
    build().queue(default_concurrency_limit=1).launch(
        server_name="127.0.0.1", server_port=args.port, show_error=True
    )


if __name__ == "__main__":
    main()
