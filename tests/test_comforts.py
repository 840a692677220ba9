"""The comforts of the shell, end to end: help that never calls, sessions that do not
double, code for a call, settings, history and free text."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import APPS, RunningApp, start_app


@pytest.fixture(scope="module")
def counted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """``apps/counted.py``: its URL and the file where it writes down each call it gets."""
    directory = tmp_path_factory.mktemp("counted")
    marker = directory / "calls"
    marker.touch()
    app: RunningApp = start_app(
        [str(APPS / "counted.py"), "--marker", str(marker)], directory / "log"
    )
    yield app.url, marker
    app.stop()


def calls_of(marker: Path) -> list[str]:
    return marker.read_text(encoding="utf-8").splitlines()


# -- never call by accident ----------------------------------------------------------------


def test_help_forms_show_help_and_never_reach_the_app(run_shell, counted) -> None:
    url, marker = counted
    forms = [
        "ask --help",
        "ask -h",
        "ask?",
        "help ask",
        "@app1 ask?",
        "@app1 ask -h",
        "help @app1 ask",
        "ask text-before --help",
    ]
    result = run_shell(url, "-c", "; ".join(forms) + "; ask control-call")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("/ask · app1") == len(forms)
    assert "asked: control-call" in result.stdout
    seen = calls_of(marker)
    assert "control-call" in seen  # the app does count the calls it gets
    assert not [line for line in seen if "help" in line or line in ("-h", "text-before")]


def test_command_help_flag_shows_its_usage(run_shell) -> None:
    result = run_shell("-c", "connect --help")
    assert result.returncode == 0, result.stderr
    assert "connect TARGET [as NAME]" in result.stdout
    assert "connecting" not in result.stderr


def test_a_quoted_help_flag_is_a_value(run_shell, counted) -> None:
    url, _ = counted
    result = run_shell(url, "-c", "ask '--help'")
    assert result.returncode == 0, result.stderr
    assert "asked: --help" in result.stdout


@pytest.mark.parametrize("word", ["clos", "clear-all", "exi", "cancle"])
def test_a_guess_for_an_unknown_word_never_destroys(run_shell, counted, word: str) -> None:
    url, _ = counted
    result = run_shell(url, "-c", word)
    assert result.returncode != 0
    error = result.stderr.strip().splitlines()[-1]
    assert error.startswith(f"error: unknown command or endpoint {word!r}")
    for destructive in ("close", "exit", "quit", "cancel"):
        assert destructive not in error.split(word, 1)[1]


# -- sessions ------------------------------------------------------------------------------


def test_connecting_to_an_open_app_switches_to_it(run_shell, demo_url: str, counted) -> None:
    url, _ = counted
    result = run_shell(
        "--json",
        "-c",
        f"connect {demo_url}; connect {url}; connect {demo_url.replace('127.0.0.1', 'localhost')};"
        f" connect {demo_url}/; sessions; connect {demo_url} --new; sessions",
    )
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    listings = [e["sessions"] for e in events if e["event"] == "sessions"]
    assert [s["session"] for s in listings[0]] == ["app1", "app2", "app3"]
    # 'localhost' is another URL; the same one with a final slash is app1 again, now the default.
    assert [s["session"] for s in listings[0] if s["default"]] == ["app1"]
    assert [s["session"] for s in listings[1]] == ["app1", "app2", "app3", "app4"]
    again = [e for e in events if e.get("already_open")]
    assert [e["session"] for e in again] == ["app1"]
    said = run_shell(demo_url, "-c", f"connect {demo_url}")
    assert said.returncode == 0, said.stderr
    assert f"already connected to {demo_url} as app1: it is now the default" in said.stderr


def test_save_leaves_out_the_demo_session(run_shell, shell_env, counted) -> None:
    url, _ = counted
    result = run_shell("--demo", "--connect", url, "-c", "sessions; save", timeout=180)
    assert result.returncode == 0, result.stderr
    assert "demo" in result.stdout  # the demo session was open
    assert "saved 1 session" in result.stderr and "not demo" in result.stderr
    saved = json.loads(
        (Path(shell_env["XDG_DATA_HOME"]) / "gradioshell" / "sessions.json").read_text()
    )
    assert saved["sessions"] == [{"name": "app1", "target": url}]
