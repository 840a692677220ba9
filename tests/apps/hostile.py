"""A Gradio app whose strings try to drive the terminal: in labels, descriptions, outputs,
log messages, error messages and file names. Run: ``python hostile.py --port N``.
"""

from __future__ import annotations

import argparse
import os
import tempfile

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr

# Colours, a window title (OSC 0), a clipboard write (OSC 52), a bell, a backspace, a
# carriage return, an 8-bit CSI, and rich markup: none of it may reach the terminal as such.
HOSTILE = (
    "\x1b[38;5;199mPINK\x1b]0;pwned-title\x07\x1b]52;c;cHduZWQ=\x07\x08\r"
    "\x9b31m[blink]MARKUP[/blink]"
)


def shout(text: str) -> str:
    return f"{text} {HOSTILE}"


def pair(text: str) -> tuple[str, str]:
    return text, text


def boom(text: str) -> str:
    gr.Warning("careful " + HOSTILE)
    raise gr.Error("exploded " + HOSTILE)


def evilfile(text: str) -> str:
    directory = tempfile.mkdtemp()
    path = os.path.join(directory, "\x1b]0;pwned-file\x07name[red]x[/red].txt")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    return path


def build() -> gr.Blocks:
    with gr.Blocks() as demo:
        text = gr.Textbox(label="words " + HOSTILE)
        out = gr.Textbox(label="said " + HOSTILE)
        gr.Button("shout").click(shout, text, out, api_name="shout", api_description=HOSTILE)
        other = gr.Textbox(label="other " + HOSTILE)
        gr.Button("pair").click(pair, text, [out, other], api_name="pair")
        gr.Button("boom").click(boom, text, out, api_name="boom")
        gr.Button("file").click(evilfile, text, gr.File(label="file"), api_name="evilfile")
    return demo


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    build().queue().launch(server_name="127.0.0.1", server_port=args.port, show_error=True)
