"""The comforts of the shell, end to end: help that never calls, sessions that do not
double, code for a call, settings, history and free text."""

from __future__ import annotations

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
