"""Fixtures: real Gradio apps on free loopback ports, and ways to run the real shell."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from gradioshell.demo.server import free_port

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
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"app {args} exited early:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url + path, timeout=2.0, verify=False).status_code < 500:
                return app
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    app.stop()
    raise RuntimeError(f"app {args} did not start:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def demo_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    """The bundled demo app (streaming Op1, echo, fail, pick, generateimage, upper_file...)."""
    app = start_app(["-m", "gradioshell.demo.app"], tmp_path_factory.mktemp("demo") / "log")
    yield app
    app.stop()


@pytest.fixture(scope="session")
def demo_url(demo_app: RunningApp) -> str:
    return demo_app.url


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
