"""One app that runs unchanged on every Gradio major version from 3.x to 6.x.

The conformance tests start it with each release's interpreter. ``--auth USER:PASSWORD``
protects it with a login; ``--no-queue`` leaves the 3.x queue off.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr

MAJOR = int(gr.__version__.split(".")[0])


def Op1(Duration):
    """Count the seconds of a duration, yielding as it goes."""
    yield f"Dur:{Duration}"
    start = time.time()
    while time.time() - start < float(Duration):
        time.sleep(0.5)
        yield str(round(time.time() - start, 1))
    yield "Finished"


def echo(text, n):
    return str(text) * int(n)


def fail(text):
    raise gr.Error(f"failed on purpose: {text}")


def direct(text):
    return f"direct:{text}"


def wait(seconds):
    """Wait, yielding often: between two values the app can stop a cancelled run."""
    start = time.time()
    while time.time() - start < float(seconds):
        yield "waiting"
        time.sleep(0.2)
    yield "waited"


def silent(seconds):
    """Work without a word: no yield, no progress, for a while."""
    time.sleep(float(seconds))
    return "spoke at last"


def upper_file(file):
    """A text file, upper-cased, as a new file (3.x hands over a temporary file object)."""
    path = Path(file if isinstance(file, str) else file.name)
    out = Path(tempfile.mkdtemp()) / f"upper-{path.name}"
    out.write_text(path.read_text(encoding="utf-8").upper(), encoding="utf-8")
    return str(out)


def flip(image):
    """An image, mirrored left to right."""
    from PIL import ImageOps

    return ImageOps.mirror(image)


def build(generators: bool = True) -> gr.Blocks:
    with gr.Blocks() as demo:
        duration = gr.Textbox(label="Duration, in, seconds", value="5")
        result = gr.Textbox(label="Resultado")
        if generators:
            # No api_name: named after the function from 4.0, unnamed (called by index) in 3.x.
            gr.Button("Op1").click(Op1, duration, result)
        text = gr.Textbox(label="Text")
        times = gr.Number(label="Times", value=2, precision=0)
        out = gr.Textbox(label="Echoed")
        gr.Button("echo").click(echo, [text, times], out, api_name="echo")
        gr.Button("fail").click(fail, text, out, api_name="fail")
        gr.Button("direct").click(direct, text, out, api_name="direct", queue=False)
        gr.Button("silent").click(silent, times, out, api_name="silent")
        file_in = gr.File(label="File", type="filepath" if MAJOR >= 4 else "file")
        file_out = gr.File(label="Upper")
        gr.Button("upper").click(upper_file, file_in, file_out, api_name="upper_file")
        image_in = gr.Image(label="Image", type="pil")
        image_out = gr.Image(label="Flipped", type="pil")
        gr.Button("flip").click(flip, image_in, image_out, api_name="flip")
        if generators:
            seconds = gr.Number(label="Seconds", value=30)
            gr.Button("wait").click(wait, seconds, out, api_name="wait")
    return demo


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--auth", help="USER:PASSWORD")
    parser.add_argument("--no-queue", action="store_true")
    parser.add_argument("--unload-file", help="written when a session leaves (4.44+)")
    args = parser.parse_args()
    demo = build(generators=not args.no_queue)  # 3.x runs generators only on its queue
    if args.unload_file:
        with demo:
            demo.unload(lambda: Path(args.unload_file).write_text("left", encoding="utf-8"))
    if not args.no_queue:
        demo = demo.queue()
    auth = tuple(args.auth.split(":", 1)) if args.auth else None
    demo.launch(server_name="127.0.0.1", server_port=args.port, auth=auth, show_error=False)


if __name__ == "__main__":
    main()
