"""Gradio apps the benchmarks start on loopback (``python -m benchmarks.apps.NAME --port N``)."""
