"""The benchmark suite of gradioshell: this shell against the protocol's floor, gradio_client
and ``gradio predict``, on real Gradio apps started on loopback. See docs/performance.md.
"""
