"""Long streamed answers: in scripts, at the prompt, and cancelled half-way.

Against ``apps/streaming.py``, whose ``llm`` endpoint grows a Markdown answer a word at a
time, as a language model's app does.
"""

from __future__ import annotations

import io
import itertools
import json
import re
import subprocess
import sys

import pexpect

from tests.apps.streaming import answer_words
from tests.waiting import wait_until


def answer(prompt: str, words: int) -> str:
    return "".join(answer_words(prompt, words))


# -- scripts ----------------------------------------------------------------------------------


def test_script_writes_a_streamed_answer_once(run_shell, streaming_url: str) -> None:
    result = run_shell("-c", f"connect {streaming_url}; llm tides words=300")
    assert result.returncode == 0, result.stderr
    assert result.stdout == answer("tides", 300) + "\n"


def test_script_writes_the_answer_as_it_arrives(streaming_url: str, shell_env) -> None:
    # The app holds the call open after its last word: the whole answer must be out by then.
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gradioshell",
            "-c",
            f"connect {streaming_url}; llm tea words=30 hold=60",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        env=shell_env,
    )
    assert process.stdout is not None
    seen = b""
    try:
        while not seen.endswith(b"THE END"):
            chunk = process.stdout.read1(4096)
            assert chunk, f"the shell ended before the answer was out: {seen!r}"
            seen += chunk
        assert process.poll() is None
    finally:
        process.kill()
        process.wait()
    assert seen.decode() == answer("tea", 30)


def test_script_writes_other_updates_on_new_lines(run_shell, streaming_url: str) -> None:
    result = run_shell("-c", f"connect {streaming_url}; status rain words=2")
    assert result.returncode == 0, result.stderr
    text = answer("rain", 2)
    grown_while_writing = "".join(answer_words("rain", 2)[:-1])
    assert result.stdout == (
        f"state: writing\ntext: {grown_while_writing}\nstate: done\ntext: {text}\n"
    )


def test_script_notices_do_not_break_the_answer(run_shell, streaming_url: str) -> None:
    result = run_shell("-c", f"connect {streaming_url}; narrate owls words=20")
    assert result.returncode == 0, result.stderr
    assert result.stdout == answer("owls", 20) + "\n"
    assert "info: half-way" in result.stderr


def test_script_chat_reply_streams_once(run_shell, streaming_url: str) -> None:
    result = run_shell("-c", f"connect {streaming_url}; chat hello; chat again")
    assert result.returncode == 0, result.stderr
    assert result.stdout == answer("hello", 30) + "\n" + answer("again", 30) + "\n"


def test_json_keeps_every_streamed_event(run_shell, streaming_url: str) -> None:
    result = run_shell("--json", "-c", f"connect {streaming_url}; llm sea words=20")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    grown = [r["data"][0] for r in records if r["event"] == "generating"]
    pieces = answer_words("sea", 20)
    assert len(grown) == len(pieces)  # every growing copy, each in full
    assert grown[-1] == answer("sea", 20)
    assert all(later.startswith(earlier) for earlier, later in itertools.pairwise(grown))


# -- at the prompt ----------------------------------------------------------------------------


def screen_lines(transcript: str, columns: int = 120, lines: int = 40) -> list[str]:
    """What a terminal shows after ``transcript``: its scrollback, then its screen."""
    import pyte

    screen = pyte.HistoryScreen(columns, lines, history=5000)
    pyte.Stream(screen).feed(transcript)
    above = ["".join(c.data for c in row.values()).rstrip() for row in screen.history.top]
    return above + [line.rstrip() for line in screen.display]


def recorded(child: pexpect.spawn) -> io.StringIO:
    log = io.StringIO()
    child.logfile_read = log
    return log


def test_ctrl_c_during_a_stream_keeps_the_partial_answer(spawn_shell, streaming_url: str) -> None:
    child = spawn_shell(streaming_url)
    log = recorded(child)
    child.expect_exact("app1>")
    child.sendline("llm tides words=30 hold=60")
    child.expect_exact("THE END")
    child.send("typed during the call")
    child.sendintr()
    child.expect_exact("app1>")
    child.sendline("results")
    child.expect(r"\$r1 .*cancelled")
    child.expect_exact("app1>")
    child.sendline("let kept = $r1")
    child.expect_exact("app1>")
    child.sendline("exit")
    child.expect(pexpect.EOF)
    shown = screen_lines(log.getvalue())
    text = "\n".join(shown)
    # One panel, closed once, its partial answer kept; the cancel said once; nothing typed
    # during the call landed in it.
    assert sum(line.startswith("╭─ /llm") for line in shown) == 1, text
    assert sum(line.startswith("╰─") for line in shown) == 1, text
    assert text.count("cancelled after") == 1, text
    assert text.count("cancelled") == 2, text  # the panel, and the row of 'results'
    assert "THE END" in text and "word30" in text
    assert "typed during" not in text
    assert "error" not in text, text


def test_a_long_stream_shows_its_newest_lines_then_all_of_it(
    spawn_shell, streaming_url: str
) -> None:
    child = spawn_shell(streaming_url)
    log = recorded(child)
    child.expect_exact("app1>")
    # 400 words are about 70 lines of panel on a screen of 40; the app then holds the call.
    child.sendline("llm waves words=400 hold=60")
    child.expect_exact("THE END")
    live = screen_lines(log.getvalue())[-40:]
    shown = "\n".join(live)
    assert "running" in shown and "earlier lines" in shown, shown
    assert "word400" in shown and "word1 " not in shown
    child.sendintr()
    child.expect_exact("app1>")
    child.sendline("llm tides words=400")
    child.expect_exact("done in")
    child.expect_exact("app1>")
    child.sendline("exit")
    child.expect(pexpect.EOF)
    lines = screen_lines(log.getvalue())
    text = "\n".join(lines)
    # Each call once in the scrollback, whole: every word of its answer.
    assert sum(line.startswith("╭─ /llm") for line in lines) == 2, text
    assert "earlier lines" not in text
    words = text.split()
    for n in (1, 2, 201, 399):
        assert words.count(f"word{n}") == 2, n
    assert text.count("THE END") == 2


def test_time_in_the_queue_is_told_apart(spawn_shell, streaming_url: str) -> None:
    child = spawn_shell(streaming_url)
    child.expect_exact("app1>")
    # /llm runs one call at a time: the second waits while the first holds the app.
    child.sendline("llm first words=1 hold=6 &")
    child.expect_exact("/llm started")
    child.sendline("llm second words=1")
    child.expect(r"done in \d+\.\ds \(queued (\d+\.\d)s\)")
    assert float(child.match.group(1)) >= 0.5
    child.expect_exact("app1>")
    child.sendline("llm third words=1")
    child.expect(r"done in \d+\.\ds(?! \(queued)")
    child.expect_exact("app1>")
    # A job's line says it too.
    child.sendline("llm fourth words=1 hold=6 &")
    child.expect_exact("app1>")
    child.sendline("llm fifth words=1 &")
    child.expect_exact("app1>")
    child.sendline("wait")
    child.expect(r"\[3\].*/llm done in \d+\.\ds \(queued \d+\.\ds\)")
    child.sendline("exit")
    child.expect(pexpect.EOF)


# -- result --raw, copy, the pager --------------------------------------------------------------


def test_result_raw_by_job_and_by_reference(run_shell, streaming_url: str) -> None:
    rain, snow = answer("rain", 2), answer("snow", 1)
    line = (
        f"connect {streaming_url}; status rain words=2; status snow words=1 &; wait; "
        "result $r1 --raw; result $_ text; result 1 state; result $r1[1] --raw"
    )
    result = run_shell("-c", line)
    assert result.returncode == 0, result.stderr
    # $_ is the last call that finished well: the job's.
    tail = f"state: done\ntext: {rain}\n{snow}\ndone\n{rain}\n"
    assert result.stdout.endswith(tail), result.stdout
    wrong = run_shell("-c", f"connect {streaming_url}; status a words=1; result $r1 nope")
    assert wrong.returncode != 0
    assert "no output labelled 'nope' (outputs: 'state', 'text')" in wrong.stderr
    assert "Traceback" not in wrong.stderr


def clipboard_of(child: pexpect.spawn) -> str:
    import base64

    child.expect(r"\x1b\]52;c;([A-Za-z0-9+/=]*)\x07")
    return base64.b64decode(child.match.group(1)).decode()


def test_copy_sends_a_result_to_the_terminal_clipboard(spawn_shell, streaming_url: str) -> None:
    child = spawn_shell(streaming_url)
    child.expect_exact("app1>")
    child.sendline("status rain words=2")
    child.expect_exact("done in")
    child.expect_exact("app1>")
    child.sendline("copy")
    assert clipboard_of(child) == f"state: done\ntext: {answer('rain', 2)}"
    child.expect_exact("copied")
    child.sendline("copy $r1 text")
    assert clipboard_of(child) == answer("rain", 2)
    child.sendline("copy state")
    assert clipboard_of(child) == "done"
    child.expect_exact("app1>")
    child.sendline("exit")
    child.expect(pexpect.EOF)


def test_copy_from_a_script_run_in_a_terminal(spawn_shell, streaming_url: str) -> None:
    child = spawn_shell("-c", f"connect {streaming_url}; chat hello; copy $r1")
    assert clipboard_of(child) == answer("hello", 30)
    child.expect(pexpect.EOF)


def test_result_in_the_pager(spawn_shell, streaming_url: str, tmp_path) -> None:
    paged = tmp_path / "paged"
    child = spawn_shell(streaming_url, env={"PAGER": f"cat > {paged}"})
    child.expect_exact("app1>")
    child.sendline("llm tides words=60")
    child.expect_exact("done in")
    child.expect_exact("app1>")
    child.sendline("result $r1 --pager")
    child.expect_exact("app1>")
    child.sendline("result $_ --raw --pager")
    child.expect_exact("app1>")
    child.sendline("exit")
    child.expect(pexpect.EOF)
    assert paged.read_text() == answer("tides", 60) + "\n"


def test_background_calls_go_on_while_the_pager_is_read(
    spawn_shell, streaming_url: str, demo_url: str, tmp_path
) -> None:
    paged, seen, saved = tmp_path / "paged", tmp_path / "seen", tmp_path / "saved"
    # The pager is read until the background call's image is saved (at most 20 s): only a
    # shell that goes on while the pager is open saves it by then.
    pager = (
        f'cat > {paged}; i=0; while [ -z "$(ls {saved})" ] && [ $i -lt 200 ]; '
        f"do sleep 0.1; i=$((i+1)); done; ls {saved} > {seen}"
    )
    child = spawn_shell(streaming_url, env={"PAGER": pager})
    child.expect_exact("app1>")
    child.sendline(f"set files.download_dir {saved}")
    child.expect_exact("app1>")
    child.sendline(f"connect {demo_url} as demo")
    child.expect_exact("connected demo")
    child.expect_exact("app1>")
    child.sendline("llm tides words=3")
    child.expect_exact("app1>")
    child.sendline('@demo generateimage prompt="a red car" &')
    child.expect_exact("app1>")
    child.sendline("result $r1 --pager")
    # The job's news is held while the pager is open, and said when it closes.
    child.expect(r"\[1\] [^\r\n]*done")
    assert seen.read_text().strip(), "the call stood still while the pager was open"
    child.expect_exact("app1>")
    assert "THE END" in paged.read_text()
    child.sendline("exit")
    child.expect(pexpect.EOF)


def test_results_taller_than_the_screen_open_in_the_pager_when_set(
    spawn_shell, streaming_url: str, tmp_path
) -> None:
    paged = tmp_path / "paged"
    child = spawn_shell(streaming_url, env={"PAGER": f"cat > {paged}"}, dimensions=(30, 100))
    child.expect_exact("app1>")
    child.sendline("set ui.pager auto")
    child.expect_exact("ui.pager = auto")
    child.sendline("llm short words=3")  # fits the screen: the scrollback, as always
    child.expect_exact("THE END")
    child.expect_exact("app1>")
    assert not paged.exists()
    child.sendline("llm tides words=400")
    child.expect(r"\((\d+) lines, read in the pager\)")
    lines = int(child.match.group(1))
    left = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", child.before).splitlines()[-1]
    assert left.startswith("/llm · app1 ✓ done in"), left
    child.expect_exact("app1>")
    assert lines > 30
    whole = paged.read_text()
    assert "tides" in whole and "word399" in whole and "THE END" in whole
    assert "done in" in whole  # the panel as it would have been printed
    paged.unlink()
    child.sendline("help")  # a command's result taller than the screen too
    child.expect(r"\((\d+) lines, read in the pager\)")
    child.expect_exact("app1>")
    assert "connect" in paged.read_text()
    child.sendline("set ui.pager never")
    child.expect_exact("app1>")
    paged.unlink()
    child.sendline("llm tides words=400")
    child.expect_exact("THE END")
    child.expect_exact("app1>")
    assert not paged.exists()
    child.sendline("exit")
    child.expect(pexpect.EOF)


# -- CMD > FILE, CMD | COMMAND ------------------------------------------------------------------


def test_script_sends_a_statement_to_a_file_and_a_command(
    run_shell, streaming_url: str, tmp_path
) -> None:
    out = tmp_path / "answer.txt"
    line = (
        f"connect {streaming_url}; llm tides words=100 > {out}; llm more words=2 >> {out}; "
        "chat hello | tr a-z A-Z; status x words=1 | head -1; llm last words=1"
    )
    result = run_shell("-c", line)
    assert result.returncode == 0, result.stderr
    assert out.read_text() == answer("tides", 100) + "\n" + answer("more", 2) + "\n"
    assert result.stdout == (
        answer("hello", 30).upper() + "\nstate: writing\n" + answer("last", 1) + "\n"
    )
    failed = run_shell("-c", f"connect {streaming_url}; llm a words=1 | false; llm b words=1")
    assert failed.returncode != 0 and failed.stdout == ""
    nowhere = run_shell("-c", f"connect {streaming_url}; llm a words=1 > {tmp_path}/no/such")
    assert nowhere.returncode != 0
    assert "cannot write to" in nowhere.stderr and "Traceback" not in nowhere.stderr


def test_prompt_sends_a_statement_to_a_file_and_a_command(
    spawn_shell, streaming_url: str, tmp_path
) -> None:
    out = tmp_path / "answer.txt"
    child = spawn_shell(streaming_url)
    child.expect_exact("app1>")
    child.sendline(f"llm tides words=100 pause=0.01 > {out}")
    # The terminal shows how the call goes, then where its answer went; not the answer.
    child.expect(r"/llm(\x1b\[[0-9;]*m)* · app1 (\x1b\[[0-9;]*m)*(●|◌) ")
    child.expect(r"✓ done in [^\r\n]*→ [^\r\n]*answer\.txt")
    child.expect_exact("app1>")
    assert "word50" not in child.before
    child.sendline(f"llm waves words=400 pause=0.02 hold=30 > {out}")
    child.expect_exact("● running")
    # Ctrl-C once part of the answer is in the file: the part that came stays there.
    wait_until(lambda: out.read_text().startswith("# On waves"), what="the answer's start")
    child.sendcontrol("c")
    child.expect(r"✗ cancelled after [^\r\n]*→ [^\r\n]*answer\.txt")
    child.expect_exact("app1>")
    assert "error" not in child.before  # said once, by the status line
    assert out.read_text().startswith("# On waves")
    child.sendline(f"llm tides words=100 > {out}")
    child.expect_exact("app1>")
    child.sendline("llm tides words=100 | wc -w")
    child.expect_exact(f"{len(answer('tides', 100).split())}\r\n")
    child.expect_exact("app1>")
    child.sendline("results")
    child.expect(r"\$r4 .*ok")
    child.sendline("exit")
    child.expect(pexpect.EOF)
    assert out.read_text() == answer("tides", 100) + "\n"


# -- narrow terminals -------------------------------------------------------------------------


def test_tables_at_50_columns(spawn_shell, streaming_url: str) -> None:
    child = spawn_shell(streaming_url, dimensions=(40, 50), env={"COLUMNS": "50"})
    log = recorded(child)
    child.expect_exact("app1>")
    child.sendline(f"connect {streaming_url} as second-session-name")
    child.expect_exact("connected second-session-name")
    child.expect_exact("app1>")
    child.sendline("status rain words=3")
    child.expect_exact("done in")
    child.expect_exact("app1>")
    child.sendline("llm sea words=2 &")
    child.expect_exact("app1>")
    child.sendline("wait")
    child.expect_exact("done in")
    child.expect_exact("app1>")
    for command, shown in (("sessions", "Sessions"), ("results", "Results"), ("jobs", "elapsed")):
        child.sendline(command)
        child.expect_exact(shown)
        child.expect_exact("app1>")
    lines = screen_lines(log.getvalue(), columns=50, lines=40)
    text = "\n".join(lines)
    url = streaming_url.removeprefix("http://")
    # sessions: the key (name) whole, and the URL kept.
    assert any("second-session-name" in line and url in line for line in lines), text
    # results: the number and the outputs kept, headers not folded over two lines.
    assert any(line.startswith(" $r1 ") and "done, # On rain" in line for line in lines), text
    assert not any(line.rstrip().endswith(("outpu", "endpoin", "elapse")) for line in lines)
    # jobs: number, endpoint and status.
    assert any(line.startswith(" 1 ") and "/llm" in line and "done" in line for line in lines)
    child.sendline("exit")
    child.expect(pexpect.EOF)


def test_toolbar_keeps_whole_pieces_in_a_narrow_terminal() -> None:
    from gradioshell.toolbar import KEY, URL, fitted

    pieces = [
        ("session", " app1 ", KEY),
        ("", " http://127.0.0.1:7860", URL),
        ("", " · Gradio 6.31.0", 0),
        ("", " · 1 more session", 1),
        ("", " · 2 jobs running", 2),
    ]

    def line(width: int) -> str:
        return "".join(text for _, text in fitted(pieces, width))

    assert (
        line(120)
        == " app1  http://127.0.0.1:7860 · Gradio 6.31.0 · 1 more session · 2 jobs running"
    )
    assert line(50) == " app1  http://127.0.0.1:7860 · 2 jobs running"
    assert line(30) == " app1  http://127.0.0.1:7860"
    assert line(20) == " app1  http://127.…"
    assert line(8) == " app1 "
