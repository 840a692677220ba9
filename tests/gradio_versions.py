"""Virtual environments holding one Gradio release each, built on first use and cached.

The cache lives in ``$GRADIOSHELL_TEST_VENVS`` when set, else in the user cache directory
(``~/.cache/gradioshell/test-venvs`` on Linux). Nothing depends on it existing: a missing or
half-built environment is (re)built, under a file lock so parallel runs do not collide.

The test run builds the ones its tests need in the background as soon as it has collected
them (see ``conftest.py``), a few at a time, while the tests that need none run. Run
``python -m tests.gradio_versions [VERSION...]`` to build them ahead of the tests and see how
long each takes.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

# The pins that let releases older than 5.0 install and start on Python 3.11: newer
# huggingface_hub lost HfFolder, newer fastapi/starlette/pydantic/httpx break the old servers.
OLD_PINS = (
    "huggingface_hub<0.26",
    "fastapi<0.113",
    "starlette<0.39",
    "pydantic<2.10",
    "httpx<0.28",
)


#: Releases before 5.0 predate Python 3.13 (and its removal of modules they import).
OLD_PYTHON = (3, 12)


@dataclass(frozen=True)
class Release:
    """A Gradio release under test and what it speaks."""

    version: str
    protocol: str
    requirements: tuple[str, ...]
    #: The newest Python the release installs and starts on.
    newest_python: tuple[int, int] = (3, 99)

    @property
    def major(self) -> int:
        return int(self.version.split(".")[0])

    def key(self, interpreter: str) -> str:
        return hashlib.sha256(json.dumps([interpreter, *self.requirements]).encode()).hexdigest()


RELEASES = {
    r.version: r
    for r in (
        Release("3.50.2", "websocket", ("gradio==3.50.2", *OLD_PINS), OLD_PYTHON),
        Release("4.8.0", "sse", ("gradio==4.8.0", *OLD_PINS), OLD_PYTHON),
        Release("4.16.0", "sse_v1", ("gradio==4.16.0", *OLD_PINS), OLD_PYTHON),
        Release("4.20.1", "sse_v2", ("gradio==4.20.1", *OLD_PINS), OLD_PYTHON),
        Release("4.21.0", "sse_v2.1", ("gradio==4.21.0", *OLD_PINS), OLD_PYTHON),
        Release("4.44.1", "sse_v3", ("gradio==4.44.1", *OLD_PINS), OLD_PYTHON),
        Release("5.50.0", "sse_v3", ("gradio==5.50.0",)),
        Release("6.31.0", "sse_v3", ("gradio==6.31.0",)),
    )
}


def cache_root() -> Path:
    configured = os.environ.get("GRADIOSHELL_TEST_VENVS")
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("gradioshell")) / "test-venvs"


def python_for(version: str) -> Path:
    """The interpreter of the environment holding Gradio ``version``, building it if needed."""
    release = RELEASES[version]
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    venv = root / f"gradio-{version}"
    python = venv / "bin" / "python"
    marker = venv / ".ready"
    base = interpreter_for(release)
    # Keyed on the Python installation, not on the path of the venv running the tests.
    key = release.key(
        f"{sys.base_prefix} {sys.version}" if base == sys.executable else os.path.realpath(base)
    )
    with open(root / f".gradio-{version}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if marker.exists() and marker.read_text() == key and python.exists():
            return python
        shutil.rmtree(venv, ignore_errors=True)
        _run([base, "-m", "venv", str(venv)], f"create the venv for Gradio {version}")
        # Without byte-compiling every module of every package: that was most of the time
        # of a build, and only the modules a test imports are ever compiled (on first use).
        _run(
            [str(python), "-m", "pip", "install", "-q", "--no-compile", *release.requirements],
            f"install Gradio {version}",
        )
        marker.write_text(key)
    return python


def is_ready(version: str) -> bool:
    """Whether the environment of ``version`` is built (without waiting for a build)."""
    venv = cache_root() / f"gradio-{version}"
    return (venv / ".ready").exists() and (venv / "bin" / "python").exists()


#: How many environments are built at once: each build is mostly unpacking, on two cores.
PARALLEL_BUILDS = 3


def build_in_background(versions: Iterable[str]) -> dict[str, Future[Path]]:
    """Start building the environments of ``versions`` that are not built, a few at a time,
    in this order; return at once. A test that needs one meanwhile waits on its lock."""
    missing = [v for v in dict.fromkeys(versions) if v in RELEASES and not is_ready(v)]
    if not missing:
        return {}
    pool = ThreadPoolExecutor(max_workers=PARALLEL_BUILDS, thread_name_prefix="gradio-venv")
    futures = {version: pool.submit(python_for, version) for version in missing}
    pool.shutdown(wait=False)  # the threads finish their builds; the process waits for them
    return futures


def interpreter_for(release: Release) -> str:
    """This Python if the release runs on it, else an older python3.X found on PATH."""
    if sys.version_info[:2] <= release.newest_python:
        return sys.executable
    major, newest = release.newest_python
    for minor in range(newest, 9, -1):
        found = shutil.which(f"python{major}.{minor}")
        if found:
            return found
    raise RuntimeError(
        f"Gradio {release.version} needs Python {major}.{newest} or older: "
        f"install python{major}.{newest} (or 3.10 / 3.11) and put it on PATH"
    )


def _run(command: list[str], what: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"could not {what}:\n{(done.stdout + done.stderr)[-4000:]}")


def main(argv: list[str]) -> int:
    started = time.monotonic()
    versions = argv or list(RELEASES)
    futures = build_in_background(versions)
    for version in versions:
        future = futures.get(version)
        if future is not None:
            future.result()
        print(f"Gradio {version}: ready after {time.monotonic() - started:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
