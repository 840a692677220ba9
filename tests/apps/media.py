"""A Gradio app for file tests: lists of files, galleries, images in, and crafted file names."""

from __future__ import annotations

import argparse
import os
import tempfile

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr
from gradio.data_classes import FileData

WORK = tempfile.mkdtemp(prefix="media-app-")


def concat(files: list[str]) -> str:
    """Join the text of several files, one per line, in the order given."""
    parts = []
    for path in files or []:
        with open(path, encoding="utf-8") as handle:
            parts.append(handle.read().strip())
    return "\n".join(parts)


def split_lines(text: str) -> list[str]:
    """Write each line of a text into its own file and return them all."""
    out = []
    for i, line in enumerate(text.splitlines()):
        path = os.path.join(WORK, f"line{i}.txt")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(line)
        out.append(path)
    return out


def tiles(n: int = 3) -> list:
    """A gallery of n small single-colour images."""
    from PIL import Image

    images = []
    for i in range(int(n)):
        images.append((Image.new("RGB", (16 + i, 8), (40 * i, 100, 200)), f"tile {i}"))
    return images


def image_size(image: str) -> str:
    """The size of an image, as WIDTHxHEIGHT."""
    from PIL import Image

    with Image.open(image) as img:
        return f"{img.width}x{img.height}"


def climb(name: str) -> dict:
    """Return a real file, but with a crafted original name (as a raw FileData value)."""
    path = os.path.join(WORK, "payload.txt")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("payload")
    return FileData(path=path, orig_name=name).model_dump()


def build() -> gr.Blocks:
    with gr.Blocks() as demo:
        files_in = gr.File(file_count="multiple", type="filepath", label="files")
        joined = gr.Textbox(label="joined")
        gr.Button("concat").click(concat, files_in, joined, api_name="concat")
        text = gr.Textbox(label="text")
        files_out = gr.File(file_count="multiple", label="line files")
        gr.Button("split").click(split_lines, text, files_out, api_name="split_lines")
        n = gr.Number(value=3, precision=0, label="n")
        gallery = gr.Gallery(label="tiles")
        gr.Button("tiles").click(tiles, n, gallery, api_name="tiles")
        image = gr.Image(type="filepath", label="image")
        size = gr.Textbox(label="size")
        gr.Button("size").click(image_size, image, size, api_name="image_size")
        name = gr.Textbox(label="name")
        crafted = gr.JSON(label="crafted")
        gr.Button("climb").click(climb, name, crafted, api_name="climb")
    return demo


def main() -> None:
    import uvicorn
    from fastapi import FastAPI, Request

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=7861)
    parser.add_argument("--max-file-size", default="10kb")
    args = parser.parse_args()
    app = FastAPI()
    uploads = {"count": 0}

    @app.middleware("http")
    async def count_uploads(request: Request, call_next):  # type: ignore[no-untyped-def]
        if request.method == "POST" and request.url.path.endswith("/upload"):
            uploads["count"] += 1
        return await call_next(request)

    @app.get("/upload-count")
    def upload_count() -> dict:
        """How many upload requests the app has received, for the tests."""
        return uploads

    app = gr.mount_gradio_app(
        app, build().queue(), path="/", max_file_size=args.max_file_size, allowed_paths=[WORK]
    )
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
