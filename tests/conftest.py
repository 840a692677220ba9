"""Fixtures: real Gradio apps on free loopback ports, and ways to run the real shell."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from gradioshell.demo.server import free_port
from tests.standin_hub import StandInHub
from tests.waiting import wait_until

TESTS = Path(__file__).parent
APPS = TESTS / "apps"


@dataclass
class RunningApp:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_app(
    args: list[str],
    log: Path,
    *,
    python: str = sys.executable,
    timeout: float = 120.0,
    path: str = "/config",
    scheme: str = "http",
    port: int | None = None,
) -> RunningApp:
    """Start ``python ARGS --port N`` and wait until its ``/config`` answers."""
    port = port or free_port()
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "PYTHONUNBUFFERED": "1"}
    with open(log, "wb") as handle:
        process = subprocess.Popen(
            [python, *args, "--port", str(port)],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"{scheme}://127.0.0.1:{port}"
    app = RunningApp(url, process, log)

    def answers() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"app {args} exited early:\n{log.read_text()[-3000:]}")
        try:
            return httpx.get(url + path, timeout=2.0, verify=False).status_code < 500
        except httpx.HTTPError:
            return False

    try:
        wait_until(answers, timeout, f"app {args} to answer on {path}", interval=0.1)
    except AssertionError:
        app.stop()
        raise RuntimeError(f"app {args} did not start:\n{log.read_text()[-3000:]}") from None
    return app


@pytest.fixture(scope="session")
def demo_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    """The bundled demo app (streaming Op1, echo, fail, pick, generateimage, upper_file...)."""
    app = start_app(["-m", "gradioshell.demo.app"], tmp_path_factory.mktemp("demo") / "log")
    yield app
    app.stop()


@pytest.fixture(scope="session")
def demo_url(demo_app: RunningApp) -> str:
    return demo_app.url


def start_demo(log: Path, *, port: int | None = None) -> RunningApp:
    """Another process of the demo app, for a test that stops, kills or restarts it."""
    return start_app(["-m", "gradioshell.demo.app"], log, port=port)


@pytest.fixture(scope="session")
def broken_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    """The deliberately broken server (``apps/broken.py``), one scenario per path prefix.

    Shared by every test: what it records (``GET /requests``) is told apart by the
    scenario's prefix, and each scenario whose requests a test counts is used by that test
    alone.
    """
    app = start_app(
        [str(APPS / "broken.py")], tmp_path_factory.mktemp("broken") / "log", path="/ok/config"
    )
    yield app
    app.stop()


@pytest.fixture(scope="session")
def broken_url(broken_app: RunningApp) -> str:
    return broken_app.url


@pytest.fixture(scope="module")
def slow_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningApp, Path]]:
    """``apps/slow.py`` (one call at a time) and the file it marks each call's start in; one
    per test module, since the tests read the marker and hold the app's one slot."""
    directory = tmp_path_factory.mktemp("slow")
    marker = directory / "started"
    marker.touch()
    app = start_app([str(APPS / "slow.py"), "--marker", str(marker)], directory / "log")
    yield app, marker
    app.stop()


@pytest.fixture(scope="session")
def streaming_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``apps/streaming.py``: long answers streamed a word at a time, and a ChatInterface."""
    app = start_app([str(APPS / "streaming.py")], tmp_path_factory.mktemp("streaming") / "log")
    yield app.url
    app.stop()


@pytest.fixture()
def hub_backends(demo_app: RunningApp) -> tuple[str, str | None]:
    """The apps behind the stand-in Hub's Spaces: the demo app, and no ZeroGPU app (a test
    module that needs one overrides this fixture)."""
    return demo_app.url, None


@pytest.fixture()
def hub(hub_backends: tuple[str, str | None]) -> Iterator[StandInHub]:
    """A stand-in Hugging Face Hub of the test's own: its Spaces' stages and what it saw
    start afresh in each test."""
    backend, zero_backend = hub_backends
    with StandInHub(backend, zero_backend=zero_backend) as server:
        yield server


@pytest.fixture()
def shell_env(tmp_path: Path) -> dict[str, str]:
    """An environment with its own home and XDG directories, and no colour."""
    home = tmp_path / "home"
    home.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("XDG_", "HF_", "HUGGING_FACE", "GRADIOSHELL_"))
    }
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local/share"),
        XDG_STATE_HOME=str(home / ".local/state"),
        XDG_CACHE_HOME=str(home / ".cache"),
        NO_COLOR="1",
        TERM="xterm-256color",
        PROMPT_TOOLKIT_NO_CPR="1",
        COLUMNS="120",
        LINES="40",
    )
    return env


@pytest.fixture()
def run_shell(shell_env: dict[str, str]):  # type: ignore[no-untyped-def]
    """Run the real ``gradioshell`` process with arguments and optional stdin."""

    def run(
        *args: str,
        input: str | None = None,
        timeout: float = 60.0,
        env: dict[str, str] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "gradioshell", *args],
            input=input if input is not None else "",
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**shell_env, **(env or {})},
        )

    return run


@pytest.fixture()
def spawn_shell(shell_env: dict[str, str]):  # type: ignore[no-untyped-def]
    """Start the real shell in a pseudo-terminal (pexpect)."""
    import pexpect

    children: list[pexpect.spawn] = []

    def spawn(
        *args: str, env: dict[str, str] | None = None, dimensions: tuple[int, int] = (40, 120)
    ) -> pexpect.spawn:
        child = pexpect.spawn(
            sys.executable,
            ["-m", "gradioshell", *args],
            env={**shell_env, **(env or {})},
            encoding="utf-8",
            timeout=30,
            dimensions=dimensions,
        )
        children.append(child)
        return child

    yield spawn
    for child in children:
        if child.isalive():
            child.terminate(force=True)


# -- how the run is ordered and shared out --------------------------------------------------


def pytest_configure(config: pytest.Config) -> None:
    from tests import scheduling

    config.pluginmanager.register(scheduling, "gradioshell-scheduling")
