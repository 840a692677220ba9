"""A differential corpus: small apps of real-world shapes, each called by the official
``gradio_client`` and by the shell with the same inputs, and the answers compared.

``model.py`` is the vocabulary (apps, cases, steps), ``apps/`` the apps, ``server.py`` serves
them all from one process per Gradio release, ``client_runner.py`` makes the official
client's calls inside that release's environment, and ``harness.py`` runs both sides and
compares them. ``tests/test_corpus.py`` is the test.
"""
