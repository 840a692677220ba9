"""A small Gradio app that needs no model and no network: the demo of gradioshell.

Run it with ``python -m gradioshell.demo.app [--port N]``. Needs the ``demo`` extra (gradio).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import time

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr


def Op1(Duration):
    """Count the seconds of a duration, yielding as it goes."""
    yield f"Dur:{Duration}"
    start = time.time()
    while time.time() - start < float(Duration):
        time.sleep(1)
        yield str(round(time.time() - start))
    yield "Finished"


def echo(text: str, n: int = 1) -> str:
    """Repeat a text n times."""
    return text * int(n)


def fail(message: str) -> str:
    """Always fail, with the given message."""
    raise gr.Error(f"failed on purpose: {message}")


def pick(color: str, size: str = "medium") -> str:
    """Choose a colour and a size from fixed lists."""
    return f"a {size} {color} thing"


def generateimage(prompt: str, width: int = 256, height: int = 192):
    """Make a colourful gradient image from a prompt (no model: the prompt seeds the colours)."""
    from PIL import Image

    digest = hashlib.sha256(prompt.encode()).digest()
    w, h = max(8, min(int(width), 2048)), max(8, min(int(height), 2048))
    image = Image.new("RGB", (w, h))
    a, b = digest[:3], digest[3:6]
    pixels = [
        tuple(int(a[c] + (b[c] - a[c]) * (x / w + y / h) / 2) for c in range(3))
        for y in range(h)
        for x in range(w)
    ]
    image.putdata(pixels)
    return image


def upper_file(f: str) -> str:
    """Upper-case a text file and return the result as a file."""
    with open(f, encoding="utf-8", errors="replace") as handle:
        text = handle.read()
    out = os.path.join(os.path.dirname(f), "upper_" + os.path.basename(f))
    with open(out, "w", encoding="utf-8") as handle:
        handle.write(text.upper())
    return out


def count(steps: int = 5, progress=gr.Progress()) -> str:  # noqa: B008 - Gradio's idiom
    """Count with a progress bar and log messages."""
    steps = int(steps)
    gr.Info(f"counting to {steps}")
    for _ in progress.tqdm(range(steps), desc="counting"):
        time.sleep(0.2)
    return f"counted {steps}"


def build() -> gr.Blocks:
    with gr.Blocks(title="gradioshell demo") as demo:
        gr.Markdown("# gradioshell demo\nEndpoints to try every feature of the shell.")
        with gr.Row():
            duration = gr.Textbox(label="Duration, in, seconds", value="5")
            result = gr.Textbox(label="Resultado")
        gr.Button("Op1").click(Op1, duration, result)
        with gr.Row():
            text = gr.Textbox(label="text")
            times = gr.Number(label="n", value=1, precision=0)
            echoed = gr.Textbox(label="echoed")
        gr.Button("echo").click(echo, [text, times], echoed, api_name="echo")
        gr.Button("fail").click(fail, text, echoed, api_name="fail")
        with gr.Row():
            color = gr.Dropdown(["red", "green", "blue"], label="color", value="red")
            size = gr.Radio(["small", "medium", "large"], label="size", value="medium")
            picked = gr.Textbox(label="picked")
        gr.Button("pick").click(pick, [color, size], picked, api_name="pick")
        with gr.Row():
            prompt = gr.Textbox(label="prompt")
            width = gr.Number(label="width", value=256, precision=0)
            height = gr.Number(label="height", value=192, precision=0)
            image = gr.Image(label="image", type="pil")
        gr.Button("generate").click(
            generateimage, [prompt, width, height], image, api_name="generateimage"
        )
        with gr.Row():
            infile = gr.File(label="file", type="filepath")
            outfile = gr.File(label="upper-cased file")
        gr.Button("upper").click(upper_file, infile, outfile, api_name="upper_file")
        with gr.Row():
            steps = gr.Number(label="steps", value=5, precision=0)
            counted = gr.Textbox(label="counted")
        gr.Button("count").click(count, steps, counted, api_name="count")
    return demo


def main() -> None:
    parser = argparse.ArgumentParser(description="The gradioshell demo app.")
    parser.add_argument("--port", type=int, default=7860)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    build().queue().launch(server_name=args.host, server_port=args.port, show_error=False)


if __name__ == "__main__":
    main()
