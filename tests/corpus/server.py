"""Serve every corpus app of the running Gradio release from one process.

Run by a release's own interpreter: ``python tests/corpus/server.py --port N``. Each app is
mounted at ``/<name>`` of one FastAPI app with ``gr.mount_gradio_app`` (this works on 3.50,
4.44, 5.50 and 6.31 alike, for the shell and for ``gradio_client`` both). ``GET /corpus``
answers once every app is mounted: the release, the apps served and the ones that could not
be built on it, with the reason. ``--fixtures DIR`` also serves the cases' files at
``/fixtures/NAME``, for cases that give a URL (``{base}/fixtures/NAME``); ``--workdir DIR``
is where everything the apps and Gradio write goes.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import traceback
from pathlib import Path

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--fixtures", help="a folder served at /fixtures, for cases given URLs")
    parser.add_argument("--workdir", help="where the apps and Gradio write (default: a new one)")
    args = parser.parse_args()
    # Whatever the apps write (flags, temporary files) and Gradio's uploads and cache go to
    # one folder, which the test run owns and removes.
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="gradioshell-corpus-server-"))
    (workdir / "tmp").mkdir(parents=True, exist_ok=True)
    os.chdir(workdir)
    tempfile.tempdir = str(workdir / "tmp")
    os.environ["GRADIO_TEMP_DIR"] = str(workdir / "gradio")

    import gradio as gr
    import uvicorn
    from fastapi import FastAPI

    from tests.corpus.apps import all_apps

    served: list[str] = []
    failed: dict[str, str] = {}
    server = FastAPI()

    @server.get("/corpus")
    def manifest() -> dict[str, object]:
        return {"version": gr.__version__, "served": served, "failed": failed}

    if args.fixtures:
        from fastapi.staticfiles import StaticFiles

        server.mount("/fixtures", StaticFiles(directory=args.fixtures), name="fixtures")

    major = int(gr.__version__.split(".")[0])
    for corpus_app in all_apps():
        if not corpus_app.runs_on(gr.__version__):
            continue
        try:
            blocks = corpus_app.build()
            if major == 3:
                blocks.queue()  # 3.x runs generators (a ChatInterface's events too) only there
            server = gr.mount_gradio_app(server, blocks, path=f"/{corpus_app.name}")
        except Exception:
            failed[corpus_app.name] = traceback.format_exc(limit=-3)
        else:
            served.append(corpus_app.name)
    uvicorn.run(server, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
