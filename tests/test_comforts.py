"""The comforts of the shell, end to end: help that never calls, sessions that do not
double, code for a call, settings, history and free text."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pexpect
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
        "submit ask --help",
        "batch ask -h",
    ]
    result = run_shell(url, "-c", "; ".join(forms) + "; ask control-call")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("/ask · app1") == len(forms) - 2
    assert (
        "submit [@SESSION] ENDPOINT" in result.stdout
        and "batch [@SESSION] ENDPOINT" in result.stdout
    )
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


# -- code ----------------------------------------------------------------------------------


def _events(text: str) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _run_python(code: str, tmp_path: Path) -> str:
    script = tmp_path / "call.py"
    script.write_text(code)
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def _run_shell_form(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    assert code.startswith("gradioshell ")
    command = f"{shlex.quote(sys.executable)} -m {code}"
    return subprocess.run(
        ["bash", "-c", command], capture_output=True, text=True, timeout=120, env=env
    )


def test_code_of_a_call_runs_as_printed_with_the_same_result(
    run_shell, shell_env, demo_url: str, tmp_path: Path
) -> None:
    text = 'it\'s "quoted"; a $_ & 1 > 2 | x'
    upload = tmp_path / "in put.txt"
    upload.write_text("some words\n")
    result = run_shell(
        demo_url,
        "--json",
        "-c",
        f"echo {shlex.quote(text)} n=2; code; upper_file {shlex.quote(str(upload))}; code",
    )
    assert result.returncode == 0, result.stderr
    events = _events(result.stdout)
    completed = [e for e in events if e["event"] == "complete"]
    codes = [e for e in events if e["event"] == "code"]
    assert [c["call"] for c in codes] == [1, 2]
    assert set(codes[0]["code"]) == {"python", "js", "curl", "shell"}

    # The echo: Python and the one-liner give what the call gave.
    echoed = completed[0]["data"][0]
    assert echoed == text * 2
    assert _run_python(codes[0]["code"]["python"], tmp_path) == echoed
    shell_form = _run_shell_form(codes[0]["code"]["shell"], shell_env)
    assert shell_form.returncode == 0, shell_form.stderr
    assert shell_form.stdout.strip() == echoed

    # A file: handle_file(...) in Python, the path in the one-liner; the same file back.
    assert "handle_file(" in codes[1]["code"]["python"]
    assert "handle_file(" in codes[1]["code"]["js"]
    assert "/upload" in codes[1]["code"]["curl"]
    expected = "SOME WORDS\n"
    from_python = Path(_run_python(codes[1]["code"]["python"], tmp_path))
    assert from_python.read_text() == expected
    shell_form = _run_shell_form(codes[1]["code"]["shell"], shell_env)
    assert shell_form.returncode == 0, shell_form.stderr
    assert Path(shell_form.stdout.strip().splitlines()[-1]).read_text() == expected


def test_code_for_typed_values_does_not_call(run_shell, counted) -> None:
    url, marker = counted
    result = run_shell(url, "-c", "code ask never-sent --python; code ask also-never --shell")
    assert result.returncode == 0, result.stderr
    assert "'never-sent',  # question" in result.stdout
    assert "api_name='/ask'" in result.stdout
    assert "-c 'ask question=also-never'" in result.stdout
    assert not [line for line in calls_of(marker) if "never" in line]


def test_code_of_a_background_call(run_shell, demo_url: str) -> None:
    result = run_shell(demo_url, "-c", "echo in-the-background n=3 &; wait; code --shell")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].endswith("-c 'echo text=in-the-background n=3'")


def test_code_says_what_is_wrong(run_shell, demo_url: str) -> None:
    result = run_shell(demo_url, "-c", "code")
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1].startswith("error: no call yet")
    result = run_shell(demo_url, "-c", "echo hi; code 7")
    assert "error: no call 7: the calls are 1 to 1" in result.stderr


# -- clear, history, !CMD, set --------------------------------------------------------------

GAP = r"(?:\x1b\[[0-9;?]*[A-Za-z]|\s)+"


def test_set_changes_a_setting_for_this_run(run_shell, demo_url: str, tmp_path: Path) -> None:
    upload = tmp_path / "a.txt"
    upload.write_text("abc\n")
    result = run_shell(
        demo_url,
        "-c",
        f"set files.download false; set download; upper_file {upload}; set calls.retries 2; "
        "set retries",
    )
    assert "files.download = false" in result.stderr
    assert "files.download = false" in result.stdout  # 'set download' shows it
    # Files are no longer downloaded: the result is the app's URL.
    assert re.search(r"http://127\.0\.0\.1:\d+/gradio_api/file=\S+upper_a\.txt", result.stdout)
    assert "'retries' is in several tables: write batch.retries or calls.retries" in result.stderr
    listing = run_shell("--json", "-c", "set calls.retries 3; set")
    settings = [json.loads(line) for line in listing.stdout.splitlines()][-1]["settings"]
    assert settings["calls.retries"] == 3
    assert settings["ui.theme"] == "dark"


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("set x = 3", "'set' changes settings; a variable is set with 'let x = ...'"),
        ("set ui.theme blue", "ui.theme must be one of 'dark', 'light'"),
        ("set timeouts.read -1", "timeouts.read must be a positive number of seconds"),
        ("set tmeouts.read 3", "no setting 'tmeouts.read'; did you mean timeouts.read"),
    ],
)
def test_set_says_what_is_wrong(run_shell, line: str, error: str) -> None:
    result = run_shell("-c", line)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1].startswith(f"error: {error}")


def test_system_command_takes_the_rest_of_the_line(run_shell, tmp_path: Path) -> None:
    result = run_shell("-c", f"!cd {tmp_path} && echo one; echo 'two; three' > out.txt")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["one"]
    assert (tmp_path / "out.txt").read_text() == "two; three\n"
    failed = run_shell("-c", "!exit 3")
    assert failed.returncode != 0
    assert "error: !exit 3 exited with status 3" in failed.stderr


def test_system_command_under_json_is_a_record(run_shell) -> None:
    """Under --json every line of stdout is JSON: what a command writes comes back in one."""
    import json

    result = run_shell("--json", "-c", "!echo one; printf 'two\\n'")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records[0] == {
        "event": "system",
        "command": "echo one; printf 'two\\n'",
        "status": 0,
        "output": "one\ntwo\n",
    }
    failed = run_shell("--json", "-c", "!echo partial; exit 3")
    records = [json.loads(line) for line in failed.stdout.splitlines()]
    assert records[0]["output"] == "partial\n" and records[0]["status"] == 3
    assert records[1]["event"] == "error" and "exited with status 3" in records[1]["message"]


def test_clear_history_and_set_at_the_prompt(spawn_shell, demo_url: str) -> None:
    child = spawn_shell(demo_url)
    child.expect_exact("app1>")
    child.sendline("echo first-line")
    child.expect_exact("app1>")
    child.sendline("!echo from-the-system")
    child.expect_exact("from-the-system")
    child.expect_exact("app1>")
    child.sendline("history 3")
    child.expect(r"1" + GAP + "echo first-line")
    child.expect(r"2" + GAP + "!echo from-the-system")
    child.expect(r"3" + GAP + "history 3")
    child.expect_exact("app1>")
    # Completion of a key (its value now as meta), then of a value.
    child.send("set calls.wa\t")
    child.expect_exact("it_quota")
    child.send(" t\t")
    child.expect_exact("rue")
    child.send("\r")
    child.expect_exact("calls.wait_quota = true")
    child.expect_exact("app1>")
    child.sendline("clear")
    child.expect_exact("\x1b[2J")
    child.expect_exact("app1>")
    child.sendline("exit")
    child.expect(pexpect.EOF)


def test_every_config_key_can_be_read_back_by_set() -> None:
    from gradioshell import config
    from gradioshell.settings import Settings

    assert set(config.READERS) == {config.key_name(key) for key in config.KEYS}
    settings = Settings()
    for key in config.KEYS:
        config.current(settings, key)


# -- free text -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "printed"),
    [
        ("echo What's the capital of France?", ["What's the capital of France?"]),
        ("echo hello world", ["hello world"]),
        ("echo hi 2", ["hihi"]),  # values that fit are values, as before
        ("echo hi there n=2", ["hi therehi there"]),
        ('echo say "hi"  there', ['say "hi"  there']),
        ("echo don't; echo stop", ["don't", "stop"]),
        ('echo "quoted; kept"', ["quoted; kept"]),
    ],
)
def test_free_text_after_an_endpoint_of_one_text(
    run_shell, demo_url: str, line: str, printed: list[str]
) -> None:
    result = run_shell(demo_url, "-c", line)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == printed


def test_free_text_only_where_text_is_the_one_required_value(run_shell, demo_url: str) -> None:
    # pick takes a colour from a list: an open quote is still an error there.
    result = run_shell(demo_url, "-c", "pick what's")
    assert result.returncode != 0
    assert "unclosed quote '" in result.stderr


def test_free_text_on_the_line_that_connects_and_into_a_file(run_shell, counted, tmp_path) -> None:
    # The app is not connected yet when the line is read: its quote is still text, and the
    # answer goes to the file named after '>'.
    url, marker = counted
    out = tmp_path / "answer.txt"
    result = run_shell("-c", f"connect {url}; ask What's up? > {out}; ask and you | wc -l")
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8") == "asked: What's up?\n"
    assert result.stdout.strip() == "1"
    assert "What's up?" in calls_of(marker)


def test_free_text_at_the_prompt_runs_without_a_continuation(spawn_shell, counted) -> None:
    url, marker = counted
    child = spawn_shell(url)
    child.expect_exact("app1>")
    child.sendline("ask What's the weather like, today?")
    child.expect_exact("asked: What's the weather like, today?")
    child.expect_exact("app1>")
    child.sendline("exit")
    child.expect(pexpect.EOF)
    assert "What's the weather like, today?" in calls_of(marker)


# -- completion ----------------------------------------------------------------------------


def test_completion_of_references_and_files(
    spawn_shell, demo_url: str, shell_env: dict[str, str]
) -> None:
    home = Path(shell_env["HOME"])
    (home / "table-of-rows.csv").write_text("text\nhi\n")
    child = spawn_shell(demo_url, dimensions=(40, 400))  # the path fits on one line
    child.expect_exact("app1>")
    child.sendline("echo first n=2")
    child.expect_exact("firstfirst")
    child.expect_exact("app1>")
    child.sendline("let greeting = hello")
    child.expect_exact("app1>")
    # $ lists the last result, each result with what it gave, and the variables.
    child.send("echo $\t")
    child.expect(r"\$_" + GAP + r"last result: echo → \"firstfirst\"")
    child.expect(r"\$r1" + GAP + r"echo → \"firstfirst\"")
    child.expect(r"\$greeting" + GAP + r"variable: \"hello\"")
    child.send("\x15")  # Ctrl-U
    child.send("echo $gr\t")
    child.expect_exact("eeting")
    child.send(" n=3\r")
    child.expect_exact("hellohellohello")
    child.expect_exact("app1>")
    # Files after --input.
    child.send(f"batch echo --input {home}/table-of\t")
    child.expect_exact("-rows.csv")
    child.send("\x15")
    child.sendline("exit")
    child.expect(pexpect.EOF)


# -- editor and history --------------------------------------------------------------------


def test_up_recalls_the_last_line_starting_with_what_is_typed(spawn_shell, demo_url: str) -> None:
    child = spawn_shell(demo_url)
    child.expect_exact("app1>")
    for line in ("echo alpha", "pick red", "echo beta", "pick blue"):
        child.sendline(line)
        child.expect_exact("app1>")
    child.send("ech")
    # The prompt reads its history in the background as it starts; once the suggestion
    # from it shows, Up finds it too (a person is never quicker than that).
    child.expect_exact("o beta")
    child.send("\x1b[A")  # Up: the last line starting with 'ech', not 'pick blue'
    child.send("\x1b[A")  # Up again: the one before it
    child.expect_exact("alpha")
    child.send(" n=2\r")
    child.expect_exact("alphaalpha")
    child.expect_exact("app1>")
    child.sendline("exit")
    child.expect(pexpect.EOF)


@pytest.mark.parametrize("keys", ["\x18\x05", "\x1bOS"], ids=["ctrl-x-ctrl-e", "f4"])
def test_the_line_is_edited_in_the_editor_then_run(
    spawn_shell, demo_url: str, tmp_path: Path, keys: str
) -> None:
    editor = tmp_path / "editor.sh"
    seen = tmp_path / "seen.txt"
    # The editor keeps what it was given, and saves a longer line in its place.
    editor.write_text(f'#!/bin/sh\ncat "$1" > {seen}\nprintf "echo edited-line n=2" > "$1"\n')
    editor.chmod(0o755)
    child = spawn_shell(demo_url, env={"EDITOR": str(editor), "VISUAL": str(editor)})
    child.expect_exact("app1>")
    child.send("echo typed")
    child.send(keys)
    child.expect_exact("edited-lineedited-line")
    child.expect_exact("app1>")
    assert seen.read_text().strip() == "echo typed"
    child.sendline("exit")
    child.expect(pexpect.EOF)


def test_a_pasted_block_runs_a_statement_per_line(spawn_shell, demo_url: str) -> None:
    child = spawn_shell(demo_url)
    child.expect_exact("app1>")
    # Bracketed paste: the block stays text until Enter, then each line runs on its own.
    child.send("\x1b[200~echo one\recho two n=2\rpick red\x1b[201~")
    child.send("\r")
    child.expect_exact("› echo one")
    child.expect("echoed" + GAP + "one")
    child.expect_exact("› echo two n=2")
    child.expect_exact("twotwo")
    child.expect_exact("› pick red")
    child.expect_exact("a medium red thing")
    child.expect_exact("app1>")
    child.sendline("exit")
    child.expect(pexpect.EOF)


# -- aliases -------------------------------------------------------------------------------


def test_an_alias_is_saved_listed_completed_and_run(
    run_shell, spawn_shell, shell_env: dict[str, str], demo_url: str
) -> None:
    defined = run_shell(demo_url, "-c", 'alias twice = echo $1 n=2; twice "two words"; alias')
    assert defined.returncode == 0, defined.stderr
    assert defined.stdout.splitlines()[0] == "two wordstwo words"
    assert "twice" in defined.stdout and "echo $1 n=2" in defined.stdout
    saved = Path(shell_env["XDG_CONFIG_HOME"]) / "gradioshell" / "config.toml"
    assert 'twice = "echo $1 n=2"' in saved.read_text()

    # A later run has it from the config file, completes it like a command, and runs it.
    child = spawn_shell(demo_url)
    child.expect_exact("app1>")
    child.send("twi\t")
    child.expect_exact("ce")
    child.send(" again\r")
    child.expect_exact("againagain")
    child.expect_exact("app1>")
    child.sendline("alias twice =")
    child.expect_exact("alias twice removed")
    child.expect_exact("app1>")
    child.sendline("exit")
    child.expect(pexpect.EOF)
    assert "twice" not in saved.read_text()


def test_aliases_say_what_is_wrong(run_shell, demo_url: str) -> None:
    result = run_shell(demo_url, "--keep-going", "-c", "alias help = x; alias me = me; me")
    assert "error: 'help' cannot be an alias: a command has that name" in result.stderr
    assert "error: alias 'me' stands for itself, in a loop" in result.stderr


def test_a_chat_interface_takes_free_text_and_its_call_as_code_runs(
    run_shell, counted, tmp_path: Path
) -> None:
    url, marker = counted
    result = run_shell(
        url, "--json", "-c", "chat What's new, today?; chat and again; code 1; code 2 --shell"
    )
    assert result.returncode == 0, result.stderr
    events = _events(result.stdout)
    answers = [e["data"][0] for e in events if e["event"] == "complete"]
    assert answers == ["turn 1: What's new, today?", "turn 2: and again"]  # history kept
    codes = [e["code"] for e in events if e["event"] == "code"]
    assert _run_python(codes[0]["python"], tmp_path) == answers[0]
    # The built-in 'chat' takes the word: the endpoint is written /chat.
    assert codes[1]["shell"].endswith("-c '/chat message=\"and again\"'")
    assert "What's new, today?" in calls_of(marker)


def expect_answering_cpr(child: pexpect.spawn, pattern: str) -> None:
    """Expect ``pattern``, answering the cursor position requests of each redraw as a terminal
    does (the toolbar is drawn only when prompt_toolkit knows the room below the prompt)."""
    while child.expect([re.escape("\x1b[6n"), pattern]) == 0:
        child.send("\x1b[20;1R")


def test_the_toolbar_says_how_to_close_an_open_quote(spawn_shell, demo_url: str) -> None:
    child = spawn_shell(demo_url, env={"PROMPT_TOOLKIT_NO_CPR": "0"})
    expect_answering_cpr(child, "app1>")
    child.send('pick "blue')
    words = ["unclosed", "quote", '"', "at", "column", "6:", "type", '"', "to", "close", "it"]
    expect_answering_cpr(child, GAP.join(words))
    child.send('"\r')
    expect_answering_cpr(child, "a medium blue thing")
    expect_answering_cpr(child, "app1>")
    child.sendline("exit")
    child.expect(pexpect.EOF)


def test_a_file_example_comes_after_the_files_as_the_url_it_stands_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    from gradioshell.completer import ShellCompleter
    from gradioshell.gradio import Endpoint, Parameter
    from gradioshell.output import TextOutput
    from gradioshell.shell import Shell
    from tests.test_completer import make_session

    url = "https://example.test/file=cat.png"
    example = {"path": url, "url": url, "meta": {"_type": "gradio.FileData"}}
    param = Parameter("image", "image", "Image", {"type": "string"}, "filepath", example=example)
    shell = Shell(TextOutput())
    shell.sessions.add(make_session("app1", [Endpoint("/look", 0, (param,), ())], "http://x"))
    (tmp_path / "photo.png").write_bytes(b"")
    monkeypatch.chdir(tmp_path)
    completer = ShellCompleter(shell, list)
    found = list(
        completer.get_completions(Document("look image="), CompleteEvent(completion_requested=True))
    )
    from gradioshell.parser import quote

    assert [c.text for c in found] == ["photo.png", quote(url)]  # the real choices first
    assert found[-1].display_meta_text == "example"


def test_values_seen_before_are_offered_for_a_parameter(spawn_shell, demo_url: str) -> None:
    child = spawn_shell(demo_url)
    child.expect_exact("app1>")
    child.sendline("echo remembered-words n=2")
    child.expect_exact("remembered-wordsremembered-words")
    child.expect_exact("app1>")
    # What echo was given before, and what it gave (a Textbox, as its text parameter).
    child.send("echo text=\t")
    child.expect("remembered-words" + GAP + "given in call 1")
    child.expect(r"\$r1" + GAP + 'echo echoed: "remembered-wordsremembered-words"')
    child.send("\x15")
    child.sendline("exit")
    child.expect(pexpect.EOF)


def test_code_never_runs_what_an_app_named_or_a_value_holds(tmp_path: Path) -> None:
    from gradioshell.gradio import Endpoint, Parameter
    from gradioshell.gradio.values import FileInput
    from gradioshell.snippets import snippets
    from tests.test_completer import make_session

    hostile = "a$(touch PWNED1);touch PWNED2`touch PWNED3`"
    params = (
        Parameter("x\nimport os; os.system('touch PWNED4')", "x", "Textbox", {}, "str"),
        Parameter("f", "f", "File", {}, "filepath"),
    )
    endpoint = Endpoint(hostile, 0, params, ())
    session = make_session("app1", [endpoint], "http://127.0.0.1:9")
    upload = tmp_path / "in.txt"
    upload.write_text("x")
    values = ['$(touch PWNED5)"; touch PWNED6 #`touch PWNED7`', FileInput(str(upload))]
    made = {s.form: s.code for s in snippets(session, endpoint, values)}
    compile(made["python"], "snippet.py", "exec")  # one call, its comments on their lines
    assert "\nimport os" not in made["python"]
    # The curl and shell forms run with stand-ins that do nothing: nothing else runs.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("curl", "gradioshell"):
        (bin_dir / name).write_text("#!/bin/sh\nexit 0\n")
        (bin_dir / name).chmod(0o755)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin"}
    for form in ("curl", "shell"):
        subprocess.run(["bash", "-c", made[form]], cwd=tmp_path, env=env, timeout=30)
    assert not list(tmp_path.glob("PWNED*"))


def test_connecting_to_an_open_space_switches_to_it(run_shell, hub, demo_url: str) -> None:
    result = run_shell(
        "-c",
        f"connect rrg92/diffusers-labs; connect {demo_url}; connect RRG92/Diffusers-Labs; sessions",
        env={"HF_ENDPOINT": hub.endpoint},
    )
    assert result.returncode == 0, result.stderr
    assert (
        "already connected to" in result.stderr
        and "as app1: it is now the default" in result.stderr
    )
    rows = [line for line in result.stdout.splitlines() if "│ app" in line]
    assert len(rows) == 2 and rows[0].lstrip().startswith("*")


def test_an_alias_is_not_highlighted_as_unknown() -> None:
    from prompt_toolkit.document import Document

    from gradioshell.lexer import PromptLexer
    from gradioshell.output import TextOutput
    from gradioshell.shell import Shell

    shell = Shell(TextOutput())
    lexer = PromptLexer.for_shell(shell)

    def styles(text: str) -> str:
        return " ".join(style for style, _ in lexer.lex_document(Document(text))(0))

    assert "error" in styles("twice hi")
    shell.settings.aliases["twice"] = "echo $1 n=2"
    assert "error" not in styles("twice hi")
