"""The interactive prompt in a pseudo-terminal, against two real Gradio apps: completion
menus and inserted text, the toolbar, switching sessions, help, history and config files."""

from __future__ import annotations

import os
import re
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from tests.conftest import APPS, RunningApp, start_app

GAP = r"(?:\x1b\[[0-9;?]*[A-Za-z]|\s)+"
ESC = r"(?:\x1b\[[0-9;?]*[A-Za-z])*"


def phrase(text: str) -> str:
    """A regex for the words of ``text``, with any styling or spacing between them."""
    return ESC + GAP.join(ESC.join(re.escape(ch) for ch in w) for w in text.split()) + ESC


@pytest.fixture(scope="module")
def words_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    app = start_app([str(APPS / "words.py")], tmp_path_factory.mktemp("words") / "log")
    yield app
    app.stop()


def quit_shell(child: pexpect.spawn) -> None:
    child.sendline("exit")
    child.expect(pexpect.EOF)
    child.wait()
    assert child.exitstatus == 0


def test_tab_completion_two_apps_and_use(
    spawn_shell, demo_url: str, words_app: RunningApp, shell_env: dict[str, str]
) -> None:
    child = spawn_shell()
    child.expect_exact("gradioshell>")
    child.sendline(f"connect {demo_url}")
    child.expect_exact("app1>")
    child.sendline(f"connect {words_app.url}")
    child.expect_exact("connected app2")
    child.expect_exact("app1>")

    # The first word: `gen` + Tab inserts `generateimage`; help then shows every parameter.
    child.send("help gen\t")
    child.expect(phrase("erateimage"))
    child.send("\r")
    child.expect(phrase("/generateimage · app1"))
    child.expect(phrase("prompt Textbox · string · required"))
    child.expect(phrase("width Number · integer · default 256"))
    child.expect(phrase("height Number · integer · default 192"))
    child.expect(phrase("image Image · filepath"))
    child.expect(phrase("generateimage prompt=Hello!! width=256 height=192"))
    child.expect_exact("app1>")

    # A parameter name: `p` + Tab gives `prompt=`, and the call runs with it.
    child.send("echo t\t")
    child.expect(phrase("ext="))
    child.send("hop n=2\r")
    child.expect_exact("hophop")
    child.expect_exact("app1>")

    # A Dropdown value: the menu lists the choices; Tab selects, Enter takes, Enter runs.
    child.send("pick color=\t")
    child.expect(phrase("red choice, default"))
    child.expect(phrase("green choice"))
    child.expect(phrase("blue choice"))
    child.send("\t\t")
    child.send("\r")
    child.send("\r")
    child.expect_exact("a medium green thing")
    child.expect_exact("app1>")

    # Another session's endpoints with @SESSION.
    child.send("@app2 tr\t")
    child.expect(phrase("anslate"))
    child.send(" hi language=Ge\t")
    child.expect(phrase("rman"))
    child.send("\r")
    child.expect_exact("hallo hi")
    child.expect_exact("app1>")

    # `use` switches the prompt and what completes.
    child.send("use ap\t")
    child.expect("app1" + GAP + r"http://127\.0\.0\.1")
    child.expect("app2" + GAP + r"http://127\.0\.0\.1")
    child.send("\x15")  # Ctrl-U: clear the line
    child.sendline("use app2")
    child.expect_exact("app2>")
    child.send("sho\t")
    child.expect(phrase("ut"))
    child.send(" loud exclaim=f\t")
    child.expect(phrase("alse"))
    child.send("\r")
    child.expect_exact("LOUD")
    child.expect_exact("app2>")
    child.sendline("sessions")
    child.expect(phrase("* │ app2"))
    quit_shell(child)

    history = Path(shell_env["XDG_DATA_HOME"]) / "gradioshell" / "history"
    assert stat.S_IMODE(os.stat(history.parent).st_mode) == 0o700
    lines = history.read_text()
    assert "use app2" in lines and f"connect {demo_url}" in lines


def test_toolbar_shows_session_and_current_parameter(spawn_shell, demo_url: str) -> None:
    # The toolbar needs the terminal's size below the prompt, which prompt_toolkit learns
    # by asking for the cursor position: this test answers like a terminal does.
    child = spawn_shell(demo_url, env={"PROMPT_TOOLKIT_NO_CPR": "0"})
    child.expect_exact("\x1b[6n")
    child.send("\x1b[20;1R")
    child.expect_exact("app1>")
    child.expect(phrase("app1 http://127.0.0.1:") + r"\d+" + GAP + phrase("· Gradio"))
    child.send("pick size=")
    child.expect(phrase('pick color="red", size="medium" → picked'))
    child.expect(phrase("size (Radio, string: small, medium, large)"))
    child.send("\x15")
    child.send("generateimage ")
    child.expect(phrase("prompt (Textbox, string)"))
    child.send("prompt=cat ")
    child.expect(phrase("Make a colourful gradient image"))
    child.send("\x15")
    quit_shell(child)


def test_multi_line_json_and_secret_kept_out_of_history(
    spawn_shell, demo_url: str, shell_env: dict[str, str]
) -> None:
    child = spawn_shell(demo_url)
    child.expect_exact("app1>")
    child.send('echo text=["a",\r')
    child.expect_exact(".. ")  # the continuation prompt
    child.send('"b"] n=2\r')
    # The value keeps its line break: the text is `["a",\n"b"]`, twice.
    child.expect_exact('"b"]["a",')
    child.expect_exact("app1>")
    child.sendline("echo text=hf_abcdefghijklmnop")
    child.expect_exact("hf_abcdefghijklmnop")
    child.expect_exact("app1>")
    quit_shell(child)
    history = (Path(shell_env["XDG_DATA_HOME"]) / "gradioshell" / "history").read_text()
    assert '"b"] n=2' in history
    assert "hf_abcdefghijklmnop" not in history


def test_history_suggestion_and_recent_connect_targets(spawn_shell, demo_url: str) -> None:
    child = spawn_shell()
    child.expect_exact("gradioshell>")
    child.sendline(f"connect {demo_url} as first")
    child.expect_exact("first>")
    child.sendline("close")
    child.expect_exact("gradioshell>")
    # The recent target completes after `connect`.
    child.send("connect \t")
    child.expect_exact(demo_url.split("://")[1])
    child.send(" as again\r")
    child.expect_exact("again>")
    # A suggestion from history, taken with the right arrow.
    child.send("echo text=suggested n=3\r")
    child.expect_exact("suggestedsuggestedsuggested")
    child.expect_exact("again>")
    child.send("echo text=sug")
    child.expect_exact("gested n=3")
    child.send("\x1b[C\r")
    child.expect_exact("suggestedsuggestedsuggested")
    quit_shell(child)


def test_config_aliases_startup_and_vi_mode(
    spawn_shell, demo_url: str, shell_env: dict[str, str]
) -> None:
    config = Path(shell_env["XDG_CONFIG_HOME"]) / "gradioshell" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(
        "[ui]\nvi_mode = true\n\n"
        f'[targets]\ndemoapp = "{demo_url}"\n\n'
        '[startup]\ncommands = ["connect demoapp as d"]\n'
    )
    child = spawn_shell()
    child.expect_exact(f"connected d → {demo_url}")
    child.expect_exact("d>")
    child.send("connect dem\t")
    child.expect(phrase("oapp"))
    # vi mode: Escape, then `0D` deletes the line; `i` inserts again.
    child.send("\x1b")
    child.send("0D")
    child.send("iecho text=vi\r")
    child.expect_exact("vi")
    child.expect_exact("d>")
    quit_shell(child)


def test_malformed_config_names_file_and_line(spawn_shell, shell_env: dict[str, str]) -> None:
    config = Path(shell_env["XDG_CONFIG_HOME"]) / "gradioshell" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[ui]\ntheme = "dark"\nvi_mode = yes please\n')
    # Wide enough for the long temporary path on one line.
    child = spawn_shell(dimensions=(40, 300), env={"COLUMNS": "300"})
    child.expect_exact(f"{config}, line 3: not valid TOML")
    child.expect_exact("using the defaults")
    child.expect_exact("gradioshell>")
    quit_shell(child)


def test_refresh_reads_the_endpoints_again(run_shell, demo_url: str) -> None:
    result = run_shell("-c", f"connect {demo_url}; refresh; refresh nosuch")
    assert "refreshed app1: 7 endpoints" in result.stderr
    assert "no session 'nosuch'" in result.stderr
    assert result.returncode != 0


def test_help_names_the_config_file(run_shell, shell_env: dict[str, str], tmp_path) -> None:
    # Under the home directory, the path is written with ~.
    assert Path(shell_env["XDG_CONFIG_HOME"]) == Path(shell_env["HOME"]) / ".config"
    result = run_shell("--help", env={"COLUMNS": "300"})
    assert "~/.config/gradioshell/config.toml" in result.stdout
    elsewhere = tmp_path / "elsewhere"
    result = run_shell("--help", env={"COLUMNS": "300", "XDG_CONFIG_HOME": str(elsewhere)})
    assert str(elsewhere / "gradioshell" / "config.toml") in result.stdout


COLOUR = re.compile(r"\x1b\[[0-9;]*;3[0-7]")


def test_no_color_flag(shell_env: dict[str, str]) -> None:
    env = {k: v for k, v in shell_env.items() if k != "NO_COLOR"}

    def prompt_output(*args: str) -> str:
        child = pexpect.spawn(
            sys.executable, ["-m", "gradioshell", *args], env=env, encoding="utf-8", timeout=30
        )
        child.expect_exact("gradioshell>")
        output = child.before + child.after
        quit_shell(child)
        return output

    assert COLOUR.search(prompt_output())
    assert not COLOUR.search(prompt_output("--no-color"))
