"""Each output drawn by its component, on a real app (``tests/apps/outputs.py``): at the
prompt in a pseudo-terminal, and as readable text in a script. ``--json`` keeps the app's
values as they came."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pexpect
import pytest

from tests.conftest import APPS, RunningApp, start_app

# Escape sequences a terminal program writes between and inside words.
ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\r")


@pytest.fixture(scope="module")
def outputs_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    app: RunningApp = start_app(
        [str(APPS / "outputs.py")], tmp_path_factory.mktemp("outputs") / "log"
    )
    yield app.url
    app.stop()


def screen(child: pexpect.spawn, line: str, *, keep_escapes: bool = False) -> str:
    """What the shell drew for ``line``, up to the next prompt (escapes removed unless kept)."""
    child.sendline(line)
    child.expect_exact("done in")
    child.expect_exact("app1>")
    drawn = child.before
    return drawn if keep_escapes else ESCAPES.sub("", drawn)


def prompt(spawn_shell, url: str, **kwargs) -> pexpect.spawn:  # type: ignore[no-untyped-def]
    child = spawn_shell(url, **kwargs)
    child.expect_exact("app1>")
    return child


def script(run_shell, url: str, line: str) -> str:  # type: ignore[no-untyped-def]
    done = run_shell("-c", f"connect {url}; {line}")
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_markdown_is_rendered_at_the_prompt(spawn_shell, outputs_url: str) -> None:
    child = prompt(spawn_shell, outputs_url)
    shown = screen(child, "markdown x")
    assert "Some bold words, some italic ones" in shown
    assert "link (https://example.com)" in shown
    assert "• first point" in shown
    assert 'return f"hello {name}"' in shown
    assert "**" not in shown and "```" not in shown and "# Release" not in shown
    # A Textbox's text is Markdown only when it clearly is.
    shown = screen(child, "text_markdown x")
    assert "The answer is yes." in shown and "**" not in shown and "```" not in shown
    shown = screen(child, "text_plain x")
    assert "2 * 3 = 6, and *that* is all" in shown


def test_markdown_code_blocks_are_highlighted(spawn_shell, outputs_url: str) -> None:
    child = prompt(spawn_shell, outputs_url, env={"NO_COLOR": "", "COLORTERM": "truecolor"})
    shown = screen(child, "markdown x", keep_escapes=True)
    # The keyword and the function's name are coloured apart.
    keyword = re.search(r"\x1b\[([0-9;]*)mdef\x1b", shown)
    name = re.search(r"\x1b\[([0-9;]*)mgreet\x1b", shown)
    assert keyword and name and keyword.group(1) != name.group(1), shown


def test_markdown_in_a_script_is_its_text(run_shell, outputs_url: str) -> None:
    out = script(run_shell, outputs_url, "markdown x; text_plain x")
    assert "Some **bold words**" in out and "```python" in out
    assert "2 * 3 = 6, and *that* is all" in out


def test_json_output_keeps_the_values_as_they_came(run_shell, outputs_url: str) -> None:
    done = run_shell("--json", "-c", f"connect {outputs_url}; label x; markdown x")
    records = map(json.loads, done.stdout.splitlines())
    data = [r["data"] for r in records if r["event"] == "complete"]
    assert data[0] == [
        {
            "label": "cat",
            "confidences": [
                {"label": "cat", "confidence": 0.93},
                {"label": "dog", "confidence": 0.05},
                {"label": "bird", "confidence": 0.02},
            ],
        }
    ]
    assert data[1][0].startswith("# Release notes\n\nSome **bold words**")
