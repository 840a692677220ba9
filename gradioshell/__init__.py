"""gradioshell: an interactive shell for Gradio apps."""

__version__ = "0.1.0"
