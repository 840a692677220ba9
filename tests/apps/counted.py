"""A Gradio app that writes down every call it gets, for the tests that prove a statement
never reached it.

``ask(question)`` (one required text parameter) appends the question to the marker file and
answers it; ``chat`` is a ChatInterface that also writes down each message.
Run: ``python counted.py --marker FILE --port N``.
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr

MARKER = ""


def ask(question: str) -> str:
    """Answer a question (by repeating it)."""
    with open(MARKER, "a", encoding="utf-8") as handle:
        handle.write(question.replace("\n", " ") + "\n")
    return f"asked: {question}"


def chat(message: str, history: list) -> str:
    """A chat that counts the turns it was shown (its history lives in the session)."""
    with open(MARKER, "a", encoding="utf-8") as handle:
        handle.write(message.replace("\n", " ") + "\n")
    return f"turn {sum(1 for turn in history if turn.get('role') == 'user') + 1}: {message}"


def build() -> gr.Blocks:
    with gr.Blocks() as demo:
        question = gr.Textbox(label="question")
        answer = gr.Textbox(label="answer")
        gr.Button("ask").click(ask, question, answer, api_name="ask")
        gr.ChatInterface(chat)
    return demo


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--marker", required=True)
    args = parser.parse_args()
    MARKER = args.marker
    build().queue().launch(server_name="127.0.0.1", server_port=args.port)
