"""Bad input and server faults: one clear line, no traceback, the right exit status."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from gradioshell.demo.server import free_port
from tests.conftest import start_demo


def one_error(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr + result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    return errors[0]


@pytest.mark.parametrize(
    ("command", "expected", "status"),
    [
        ("op2 Duration=1", "unknown command or endpoint 'op2'; did you mean Op1?", 1),
        ("echo text=a nn=2", "no parameter 'nn' (parameters: text, n)", 2),
        ("echo n=2", "missing required parameter text", 2),
        ("echo text=a n=two", "n: expected an integer, got 'two'", 2),
        ('echo text="abc', 'unclosed quote " (at column', 2),
        ("pick color=purple", "color: 'purple' is not one of the choices", 2),
        ("use nowhere", "no session 'nowhere'", 1),
    ],
)
def test_bad_input(run_shell, demo_url: str, command: str, expected: str, status: int) -> None:
    result = run_shell("-c", f"connect {demo_url}; {command}")
    assert result.returncode == status
    assert expected in one_error(result)


def test_unknown_command_without_session(run_shell) -> None:
    result = run_shell("-c", "frobnicate")
    assert "no app connected" in one_error(result)
    assert result.returncode == 1


def test_connect_to_closed_port(run_shell) -> None:
    port = free_port()
    result = run_shell("-c", f"connect 127.0.0.1:{port}")
    assert result.returncode == 1
    assert f"cannot connect to http://127.0.0.1:{port}: connection refused" in one_error(result)


def test_connect_to_unresolvable_host(run_shell) -> None:
    result = run_shell("-c", "connect http://no-such-host.invalid")
    assert result.returncode == 1
    assert "no-such-host.invalid" in one_error(result)


def test_not_a_gradio_app(run_shell, broken_url: str) -> None:
    result = run_shell("-c", f"connect {broken_url}/notjson")
    assert "is not a Gradio app" in one_error(result)


def test_http_error_shows_server_detail(run_shell, broken_url: str) -> None:
    result = run_shell("-c", f"connect {broken_url}/err500")
    assert "HTTP 500" in (line := one_error(result)) and "kaboom in config" in line


def test_malformed_info(run_shell, broken_url: str) -> None:
    result = run_shell("-c", f"connect {broken_url}/badinfo")
    assert "named_endpoints" in one_error(result)


def test_queue_full_and_validation_errors(run_shell, broken_url: str) -> None:
    full = run_shell("-c", f"connect {broken_url}/queuefull; predict x")
    assert "queue is full" in one_error(full)
    invalid = run_shell("-c", f"connect {broken_url}/invalid; predict x")
    assert "text: too long" in one_error(invalid)


def test_malformed_stream_lines_are_skipped(run_shell, broken_url: str) -> None:
    result = run_shell("-c", f"connect {broken_url}/garbage; predict x")
    assert result.returncode == 0, result.stderr
    # The bad diff is dropped, the last full value arrives (extending the first: written
    # as what it adds, so the value is on one line, once).
    assert result.stdout.splitlines() == ["partial done"]


def test_stream_cut_by_the_server(run_shell, broken_url: str) -> None:
    result = run_shell("-c", f"connect {broken_url}/dies; predict x")
    assert result.returncode == 1
    assert "connection to" in (line := one_error(result)) and "was lost" in line


def test_server_killed_mid_stream(shell_env, tmp_path) -> None:
    app = start_demo(tmp_path / "log")
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "gradioshell", "-c", f"connect {app.url}; op1 Duration=30"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            env=shell_env,
        )
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "Dur:30"
        app.process.kill()
        started = time.monotonic()
        _stdout, stderr = process.communicate(timeout=30)
        assert time.monotonic() - started < 15
    finally:
        app.stop()
    assert process.returncode == 1
    assert "Traceback" not in stderr
    assert "error:" in stderr and ("lost" in stderr or "closed" in stderr)


def test_debug_writes_a_log_file(run_shell, shell_env) -> None:
    result = run_shell("--debug", "-c", "frobnicate")
    assert "writing a debug log to" in result.stderr
    path = result.stderr.split("writing a debug log to ", 1)[1].splitlines()[0]
    assert path.startswith(shell_env["HOME"])
