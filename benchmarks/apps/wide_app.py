"""A wide API: 300 endpoints of 20 parameters each, for completion and memory figures.

Endpoints are API-only (``gr.api``), so the app starts quickly however many there are.
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr

ENDPOINTS = 300
PARAMETERS = 20
VERBS = [
    "generate",
    "resize",
    "translate",
    "classify",
    "summarize",
    "detect",
    "render",
    "score",
    "convert",
    "segment",
    "caption",
    "embed",
    "rank",
    "filter",
    "upscale",
]
NOUNS = [
    "image",
    "text",
    "audio",
    "video",
    "mask",
    "prompt",
    "table",
    "graph",
    "frame",
    "label",
    "token",
    "style",
    "scene",
    "voice",
    "chart",
    "batch",
    "query",
    "layer",
    "patch",
    "map",
]
PARAMS = [
    "width",
    "height",
    "seed",
    "steps",
    "scale",
    "strength",
    "language",
    "model",
    "prompt",
    "negative_prompt",
    "temperature",
    "top_p",
    "top_k",
    "max_tokens",
    "format",
    "quality",
    "sampler",
    "guidance",
    "threshold",
    "padding",
]


def endpoint_names() -> list[str]:
    names = []
    for i in range(ENDPOINTS):
        verb = VERBS[i % len(VERBS)]
        noun = NOUNS[(i // len(VERBS)) % len(NOUNS)]
        names.append(f"{verb}_{noun}")
    return names


def make_function(name: str):  # type: ignore[no-untyped-def]
    params = ", ".join(f"{p}: str = ''" for p in PARAMS[:PARAMETERS])
    source = f"def {name}({params}) -> str:\n    return {PARAMS[0]}\n"
    namespace: dict[str, object] = {}
    exec(source, namespace)
    return namespace[name]


def build() -> gr.Blocks:
    with gr.Blocks(title="wide API") as demo:
        for name in endpoint_names():
            gr.api(make_function(name), api_name=name)
    return demo


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=7860)
    args = parser.parse_args()
    # launch() gives up when its own HEAD / takes over 3 s, as rendering this page can on a
    # busy machine; the benchmark reaches the app on loopback and waits for /config itself.
    import gradio.networking

    gradio.networking.url_ok = lambda url: True
    build().queue().launch(server_name="127.0.0.1", server_port=args.port, quiet=True)


if __name__ == "__main__":
    main()
