"""The demo app after an upgrade: ``echo`` moved (another function now has its old index)
and answers ``v2:...``, and there is a new ``shout``. Run: ``python restarted.py --port N``.
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr


def wrong(text: str, n: int = 1) -> str:
    return "WRONG: called through a stale index"


def echo(text: str, n: int = 1) -> str:
    return "v2:" + text * int(n)


def shout(text: str) -> str:
    return text.upper() + "!"


def build() -> gr.Blocks:
    with gr.Blocks() as demo:
        text = gr.Textbox(label="text")
        times = gr.Number(label="n", value=1, precision=0)
        out = gr.Textbox(label="out")
        gr.Button("a").click(wrong, [text, times], out, api_name="wrong")
        gr.Button("b").click(wrong, [text, times], out, api_name="wrong_too")
        gr.Button("c").click(shout, text, out, api_name="shout")
        gr.Button("d").click(echo, [text, times], out, api_name="echo")
    return demo


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    build().queue().launch(server_name="127.0.0.1", server_port=args.port)
