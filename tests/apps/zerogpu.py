"""A Gradio app that behaves like a ZeroGPU Space: its calls use up a GPU quota.

``generate(prompt)`` costs 60 s of "GPU time"; once the quota is used up it raises the
errors the ``spaces`` package raises (0.51 wording, title "ZeroGPU quota exceeded"), worded
for an anonymous caller or a signed-in one, as the Space proxy tells it in the
``X-IP-Token`` header (the stand-in Hub sets ``user:NAME`` or ``anonymous``).
``configure(free_calls, block_seconds)`` sets how many calls succeed before the quota is
used up, and for how long it then stays used up. ``busy(prompt)`` fails with the
"No GPU was available" error the first ``busy_failures`` times it is called.

Run: ``python zerogpu.py --port N``.
"""

from __future__ import annotations

import argparse
import math
import os
import threading
import time
from datetime import timedelta

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr

LOCK = threading.Lock()
STATE = {"free": 1.0e9, "block": 3.0, "until": 0.0, "busy_failures": 0, "calls": 0}
REQUESTED = 60
TOKENS_SETTINGS_URL = "https://huggingface.co/settings/tokens"
SUBSCRIBE_TO_PRO_URL = "https://huggingface.co/subscribe/pro?from=ZeroGPU"


def _quota_error(request: gr.Request | None, wait: float) -> gr.Error:
    token = (request.headers.get("x-ip-token") if request is not None else None) or ""
    signed_in = token.startswith("user:")
    gpu = "free ZeroGPU" if signed_in else "ZeroGPU"
    message = (
        f"You have exceeded your {gpu} quota "
        f"({REQUESTED}s requested vs. {0 if signed_in else 12}s left). "
        f"Try again in {timedelta(seconds=math.ceil(wait))}. "
    )
    if signed_in:
        message += (
            f"Subscribe to Hugging Face PRO to get 40 min of ZeroGPU quota a day - "
            f"{SUBSCRIBE_TO_PRO_URL}"
        )
    else:
        message += f"Authenticate with a Hugging Face token for more quota - {TOKENS_SETTINGS_URL}"
    return gr.Error(message, title="ZeroGPU quota exceeded", print_exception=False)


def generate(prompt: str, request: gr.Request) -> str:
    with LOCK:
        now = time.monotonic()
        if now < STATE["until"]:
            raise _quota_error(request, STATE["until"] - now)
        if STATE["free"] <= 0:
            STATE["until"] = now + STATE["block"]
            STATE["free"] = 1.0e9
            raise _quota_error(request, STATE["block"])
        STATE["free"] -= 1
        STATE["calls"] += 1
    gr.Info("Successfully acquired a GPU", title="ZeroGPU queue")
    return f"image of {prompt}"


def busy(prompt: str) -> str:
    with LOCK:
        if STATE["busy_failures"] > 0:
            STATE["busy_failures"] -= 1
            raise gr.Error("No GPU was available", title="ZeroGPU client error")
    return f"busy {prompt}"


def configure(free_calls: float, block_seconds: float, busy_failures: float) -> str:
    with LOCK:
        STATE.update(
            free=int(free_calls),
            block=float(block_seconds),
            until=0.0,
            busy_failures=int(busy_failures),
        )
    return "configured"


def build() -> gr.Blocks:
    with gr.Blocks() as demo:
        prompt = gr.Textbox(label="prompt")
        out = gr.Textbox(label="image")
        gr.Button("generate").click(generate, prompt, out, api_name="generate")
        gr.Button("busy").click(busy, prompt, out, api_name="busy")
        free = gr.Number(label="free_calls", value=0)
        block = gr.Number(label="block_seconds", value=3)
        failures = gr.Number(label="busy_failures", value=0)
        gr.Button("configure").click(configure, [free, block, failures], out, api_name="configure")
    return demo


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    build().queue().launch(server_name="127.0.0.1", server_port=args.port)
