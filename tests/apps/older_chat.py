"""Chatbots as Gradio 5 sends them: the tuples format (pairs of user and assistant
messages, a file as a one-item tuple) and the messages format with string contents and a
thinking message. Run with a Gradio 5 environment (``tests/gradio_versions.py``)."""

from __future__ import annotations

import argparse
import os
import tempfile

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr

FOLDER = tempfile.mkdtemp(prefix="older-chat-")


def _note() -> str:
    path = os.path.join(FOLDER, "note.txt")
    with open(path, "w") as handle:
        handle.write("a note\n")
    return path


def pairs(word: str) -> list:
    return [["Hi **there**", "Hello! How can I help?"], [(_note(),), "Thanks for the note."]]


def messages(word: str) -> list:
    return [
        {"role": "user", "content": "What is 6 x 7?"},
        {"role": "assistant", "content": "Multiplying.", "metadata": {"title": "Tool: calculator"}},
        {"role": "assistant", "content": "It is **42**."},
    ]


def build() -> gr.Blocks:
    with gr.Blocks() as demo:
        word = gr.Textbox(label="word")
        old = gr.Chatbot(type="tuples", label="pairs")
        new = gr.Chatbot(type="messages", label="messages")
        gr.Button("pairs").click(pairs, word, old, api_name="pairs")
        gr.Button("messages").click(messages, word, new, api_name="messages")
    return demo


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    build().queue().launch(server_name="127.0.0.1", server_port=args.port, show_error=True)
