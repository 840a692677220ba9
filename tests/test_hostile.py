"""A hostile app cannot drive the user's terminal: its strings are shown as plain text.

The real shell runs in a pseudo-terminal against a real Gradio app whose labels,
descriptions, outputs, log and error messages and file names carry escape sequences,
control characters and rich markup; everything the terminal receives is checked.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import pexpect
import pytest

from tests.conftest import APPS, RunningApp, start_app

# What the app's strings carry, and must never reach the terminal as bytes.
FORBIDDEN = {
    "256-colour CSI": "\x1b[38;5;199m",
    "window title (OSC 0)": "\x1b]0;pwned",
    "clipboard write (OSC 52)": "\x1b]52;",
    "bell": "\x07",
    "backspace": "\x08",
    "8-bit CSI": "\x9b",
}


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    app = start_app([str(APPS / "hostile.py")], tmp_path_factory.mktemp("hostile") / "log")
    yield app
    app.stop()


def assert_harmless(screen: str) -> None:
    for name, sequence in FORBIDDEN.items():
        assert sequence not in screen, f"{name} reached the terminal"


def test_hostile_strings_are_shown_as_text_at_the_prompt(
    spawn_shell, hostile_app: RunningApp
) -> None:
    child = spawn_shell(hostile_app.url)
    screen = io.StringIO()
    child.logfile_read = screen
    child.expect_exact("app1>")
    child.sendline("help shout")
    child.expect_exact("Example")
    child.expect_exact("app1>")
    child.sendline("shout hello")
    child.expect_exact("done in")
    child.expect_exact("app1>")
    child.sendline("boom x")
    child.expect_exact("exploded")
    child.expect_exact("app1>")
    child.sendline("evilfile x")
    child.expect_exact("app1>")
    child.sendline("info")  # the app's raw /info, drawn as JSON
    child.expect_exact("named_endpoints")
    child.expect_exact("app1>")
    child.sendline("exit")
    child.expect(pexpect.EOF)
    text = screen.getvalue()
    assert_harmless(text)
    # The text around the sequences is there, and rich markup is shown, not applied.
    assert text.count("PINK") >= 5  # label, description, output, warning, error
    assert "[blink]MARKUP[/blink]" in text
    assert "careful" in text and "exploded" in text
    assert "name[red]x[/red].txt" in text


def test_hostile_strings_in_script_output(run_shell, hostile_app: RunningApp) -> None:
    result = run_shell("-c", f"connect {hostile_app.url}; shout hello; pair two; boom x")
    assert result.returncode == 1
    assert_harmless(result.stdout + result.stderr)
    assert "other PINK" in result.stdout  # labels of several outputs
    assert "hello PINK" in result.stdout and "[blink]MARKUP[/blink]" in result.stdout
    assert "exploded PINK" in result.stderr


def test_hostile_strings_in_raw_json_commands(run_shell, hostile_app: RunningApp) -> None:
    # 'events' and 'info' print JSON even without --json; escapes stay escaped, not raw.
    result = run_shell(
        "-c", f"connect {hostile_app.url}; submit shout hello; wait 1; events 1; info"
    )
    assert result.returncode == 0, result.stderr
    assert_harmless(result.stdout + result.stderr)
    assert "\\u009b31m" in result.stdout  # the 8-bit CSI, escaped but kept


def test_hostile_version_and_stream_messages(spawn_shell, run_shell, broken_url: str) -> None:
    url = broken_url
    child = spawn_shell(f"{url}/hostile")
    screen = io.StringIO()
    child.logfile_read = screen
    child.expect_exact("app1>")
    child.sendline("predict x")
    child.expect_exact("failed after")
    child.expect_exact("app1>")
    child.sendline("exit")
    child.expect(pexpect.EOF)
    assert_harmless(screen.getvalue())
    assert screen.getvalue().count("PINK") >= 3  # version, log, error
    result = run_shell("--json", "-c", f"connect {url}/hostile; predict x")
    assert_harmless(result.stdout + result.stderr)
