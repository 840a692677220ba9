"""A second small Gradio app for the tests: word tools with a Dropdown and a Checkbox.

Run: ``python words.py --port N``.
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr

LANGUAGES = ["French", "German", "Spanish"]
GREETINGS = {"French": "bonjour", "German": "hallo", "Spanish": "hola"}


def translate(text: str, language: str = "French") -> str:
    """Greet in another language (a fixed word, no model)."""
    return f"{GREETINGS.get(language, '?')} {text}"


def shout(text: str, exclaim: bool = True) -> str:
    """Upper-case a text, with an exclamation mark if asked."""
    return text.upper() + ("!" if exclaim else "")


def build() -> gr.Blocks:
    with gr.Blocks(title="words") as app:
        text = gr.Textbox(label="text")
        language = gr.Dropdown(LANGUAGES, value="French", label="language")
        exclaim = gr.Checkbox(value=True, label="exclaim")
        result = gr.Textbox(label="result")
        gr.Button("translate").click(translate, [text, language], result, api_name="translate")
        gr.Button("shout").click(shout, [text, exclaim], result, api_name="shout")
    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=7861)
    args = parser.parse_args()
    build().queue().launch(server_name="127.0.0.1", server_port=args.port, show_error=False)


if __name__ == "__main__":
    main()
