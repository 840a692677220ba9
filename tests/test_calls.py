"""End to end: the real shell, run from scripts, against the real demo app."""

from __future__ import annotations

import json
import subprocess
import sys
import time


def test_streaming_generator_prints_updates_as_they_happen(demo_url: str, shell_env) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "gradioshell", "-c", f"connect {demo_url}; op1 Duration=2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=shell_env,
    )
    assert process.stdout is not None
    # Timed as the text arrives: a value's line ends only when the next value shows that it
    # did not grow (an answer streamed a word at a time stays on one line).
    seen: list[tuple[float, bytes]] = []
    while chunk := process.stdout.read1(4096):
        seen.append((time.monotonic(), chunk))
    assert process.wait(timeout=30) == 0
    lines = b"".join(chunk for _, chunk in seen).decode().splitlines()
    assert lines[0] == "Dur:2"
    assert lines[-1] == "Finished"
    assert lines.count("Finished") == 1
    assert len(lines) >= 4  # Dur:2, at least two elapsed seconds, Finished
    # The updates arrived spread over the run, not all at once at the end.
    assert seen[-1][0] - seen[0][0] > 1.5


def test_json_events(run_shell, demo_url: str) -> None:
    result = run_shell("--json", "-c", f"connect {demo_url}; echo text=hi n=3")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records[0]["event"] == "connected" and "/echo" in records[0]["endpoints"]
    complete = [r for r in records if r["event"] == "complete"]
    assert complete == [
        {"event": "complete", "session": "app1", "endpoint": "/echo", "data": ["hihihi"]}
    ]


def test_json_streams_every_generator_value(run_shell, demo_url: str) -> None:
    result = run_shell("--json", "-c", f"connect {demo_url}; op1 1")
    assert result.returncode == 0, result.stderr
    values = [json.loads(line) for line in result.stdout.splitlines()]
    generated = [r["data"][0] for r in values if r["event"] == "generating"]
    assert generated[0] == "Dur:1" and generated[-1] == "Finished"
    assert values[-1]["event"] == "complete" and values[-1]["data"] == ["Finished"]


def test_app_error_message_and_exit_status(run_shell, demo_url: str) -> None:
    result = run_shell("-c", f"connect {demo_url}; fail message=oops")
    assert result.returncode == 1
    assert "failed on purpose: oops" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_commands_from_stdin_and_script_file(run_shell, demo_url: str, tmp_path) -> None:
    result = run_shell(input=f"connect {demo_url}\necho hi n=2\npick color=blue\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["hihi", "a medium blue thing"]

    script = tmp_path / "run.gsh"
    script.write_text(f"# a comment\nconnect {demo_url} as demo\n\necho text=x  # twice\n")
    result = run_shell(str(script))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["x"]


def test_script_stops_at_first_failure_unless_keep_going(run_shell, demo_url: str) -> None:
    line = f"connect {demo_url}; fail x; echo text=after"
    stopped = run_shell("-c", line)
    assert stopped.returncode == 1 and "after" not in stopped.stdout
    kept = run_shell("--keep-going", "-c", line)
    assert kept.returncode == 1 and kept.stdout.splitlines() == ["after"]


def test_multi_line_json_value_in_script(run_shell, demo_url: str) -> None:
    result = run_shell(input=f'connect {demo_url}\necho text="multi\nline" n=1\n')
    assert result.returncode == 0, result.stderr
    assert result.stdout == "multi\nline\n"


def test_sessions_use_and_at_syntax(run_shell, demo_url: str) -> None:
    result = run_shell(
        "--json",
        "-c",
        f"connect {demo_url}; connect {demo_url}/ as second; use second; sessions; "
        "@app1 echo text=one; echo text=two; close second; sessions",
    )
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    listings = [r["sessions"] for r in records if r["event"] == "sessions"]
    assert [(s["session"], s["default"]) for s in listings[0]] == [
        ("app1", False),
        ("second", True),
    ]
    assert [s["session"] for s in listings[1]] == ["app1"]
    completes = [(r["session"], r["data"]) for r in records if r["event"] == "complete"]
    assert completes == [("app1", ["one"]), ("second", ["two"])]


def test_case_insensitive_endpoint_and_slash_form(run_shell, demo_url: str) -> None:
    result = run_shell("-c", f"connect {demo_url[len('http://') :]}; OP1 0; /echo text=k")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "k"


def test_python_dash_m_and_version(run_shell) -> None:
    result = run_shell("--version")
    assert result.returncode == 0 and result.stdout.startswith("gradioshell ")


def test_progress_and_logs_reach_stderr(run_shell, demo_url: str) -> None:
    result = run_shell("-c", f"connect {demo_url}; count steps=2")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "counted 2"
    assert "counting to 2" in result.stderr


def test_results_feed_the_next_call(run_shell, demo_url: str) -> None:
    result = run_shell(
        "-c",
        f"connect {demo_url}; echo text=ab n=2; echo $_[0] n=2; echo text=$r1[0]; echo '$_'",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["abab", "abababab", "abab", "$_"]
    missing = run_shell("-c", f"connect {demo_url}; echo $r7")
    assert missing.returncode == 1 and "$r7: no such result" in missing.stderr
