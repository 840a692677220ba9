"""End to end: background jobs, batches and the low-level commands, against real apps."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from tests.conftest import APPS, RunningApp, start_app
from tests.standin_hub import StandInHub
from tests.test_interactive import GAP
from tests.waiting import wait_until


@pytest.fixture(scope="module")
def jobs_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    app = start_app([str(APPS / "jobs_app.py")], tmp_path_factory.mktemp("jobs") / "log")
    yield app
    app.stop()


@pytest.fixture(scope="module")
def jobs_url(jobs_app: RunningApp) -> str:
    return jobs_app.url


# Between the cells of a table row: spaces, rules and escape sequences.
CELLS = r"(?:\x1b\[[0-9;?]*[A-Za-z]|[\s│┃])+"
ESCAPES = r"(?:\x1b\[[0-9;?]*[A-Za-z])*"


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_twenty_background_jobs_overlap(run_shell, jobs_url: str) -> None:
    calls = "; ".join(f"slow j{i} 1 &" for i in range(20))
    result = run_shell("--json", "-c", f"connect {jobs_url}; {calls}; wait", timeout=120)
    assert result.returncode == 0, result.stderr
    records = json_lines(result.stdout)
    started = [r for r in records if r["event"] == "job"]
    assert [r["job"] for r in started] == list(range(1, 21))
    done = [r for r in records if r["event"] == "complete"]
    assert sorted(r["job"] for r in done) == list(range(1, 21))
    timings = [r["data"][0] for r in done]
    assert sorted(t["label"] for t in timings) == sorted(f"j{i}" for i in range(20))
    # The most calls running at one moment, from the times the app recorded.
    edges = sorted([(t["start"], 1) for t in timings] + [(t["end"], -1) for t in timings])
    running = most = 0
    for _, step in edges:
        running += step
        most = max(most, running)
    assert most > 1, "the jobs ran one after another"
    assert most <= 5, "the app's concurrency_limit of 5 was exceeded"


def test_scripts_print_each_jobs_final_outputs(run_shell, demo_url: str) -> None:
    result = run_shell("-c", f"connect {demo_url}; op1 Duration=2 &; op1 Duration=2 &; wait")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["Finished", "Finished"]
    assert "[1] /Op1" in result.stderr and "[2] /Op1" in result.stderr


def test_script_waits_for_jobs_before_exiting(run_shell, jobs_url: str) -> None:
    result = run_shell("-c", f"connect {jobs_url}; square x=7 seconds=1 &")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["49.0"]


def test_failed_job_fails_wait(run_shell, jobs_url: str) -> None:
    result = run_shell("-c", f"connect {jobs_url}; square x=-1 &; wait; square x=2")
    assert result.returncode == 1
    assert "job 1 (/square) failed: negative input: -1" in result.stderr
    assert "4.0" not in result.stdout


def test_cancel_a_queued_and_a_running_job(spawn_shell, jobs_url: str) -> None:
    child = spawn_shell(jobs_url)
    child.expect_exact("app1>")
    child.sendline(f"connect {jobs_url} as other")
    child.expect_exact("app1>")
    child.sendline("block qa 60 &")
    child.expect(r"\[1\]" + GAP + r"/block started")
    # Another session's call waits for the app's one /block slot.
    child.sendline("@other block qb 60 &")
    child.expect(r"\[2\]" + GAP + r"/block queued at position 1")
    # Leaving with jobs running asks first; no keeps the shell.
    child.sendeof()
    child.expect_exact("2 jobs are still running; exit and cancel? [y/N]")
    child.sendline("n")
    child.expect_exact("app1>")
    child.sendline("cancel 2")
    child.expect(r"\[2\]" + GAP + r"/block cancelled")
    child.sendline("cancel 1")
    child.expect(r"\[1\]" + GAP + r"/block cancelled")
    child.sendline("jobs")
    child.expect("1" + CELLS + "app1" + CELLS + "/block" + CELLS + "cancelled")
    child.expect("2" + CELLS + "other" + CELLS + "/block" + CELLS + "cancelled")
    # The running call was stopped on the app: the one slot is free for the next call.
    child.sendline("block qc 0.3")
    child.expect_exact("qc finished")
    child.expect_exact("app1>")
    # The queued call never started on the app.
    child.sendline("started")
    child.expect(r'"qa",' + CELLS + r'"qc"')
    child.expect_exact("app1>")
    # In one session, a queued job is cancelled when it starts: cancelling it at once
    # would stop the session's running call of the same endpoint too.
    child.sendline("block qd 60 &")
    child.expect(r"\[3\]" + GAP + r"/block started")
    child.sendline("block qe 60 &")
    child.expect(r"\[4\]" + GAP + r"/block queued")
    child.sendline("cancel 4")
    child.expect_exact("job 4 will be cancelled when it starts")
    child.sendline("cancel 3")
    child.expect(r"\[3\]" + GAP + r"/block cancelled")
    child.expect(r"\[4\]" + GAP + r"/block cancelled")
    child.sendline("block qf 0.3")
    child.expect_exact("qf finished")
    child.expect_exact("app1>")
    # Two running calls of one endpoint in one session: the app cancels both together,
    # and the shell says so instead of leaving the other job waiting forever.
    child.sendline("slow s1 60 &")
    child.expect(r"\[5\]" + GAP + r"/slow started")
    child.sendline("slow s2 60 &")
    child.expect(r"\[6\]" + GAP + r"/slow started")
    child.sendline("cancel 5")
    child.expect_exact("job(s) 6 cancelled too")
    child.sendline("jobs")
    child.expect("5" + CELLS + "app1" + CELLS + "/slow" + CELLS + "cancelled")
    child.expect("6" + CELLS + "app1" + CELLS + "/slow" + CELLS + "cancelled")
    child.expect_exact("app1>")
    child.sendline("exit")
    child.expect(pexpect.EOF)


def test_typing_while_a_background_job_finishes(spawn_shell, jobs_url: str) -> None:
    child = spawn_shell(jobs_url)
    child.expect_exact("app1>")
    child.sendline("slow typing 2 &")
    child.expect(r"\[1\]" + GAP + r"/slow started")
    child.expect_exact("app1>")
    child.send("square x=1")
    child.expect(r"\[1\]" + GAP + r"/slow done in")
    # The half-typed line is drawn again below the job's line, intact.
    child.expect("square" + GAP + "x" + ESCAPES + "=" + ESCAPES + "1")
    child.send("2\r")
    child.expect_exact("144.0")
    child.expect_exact("app1>")
    child.sendline("result 1")
    child.expect(r'"label"' + ESCAPES + ":" + CELLS + r'"typing"')
    child.expect_exact("app1>")
    child.sendline("exit")
    child.expect(pexpect.EOF)


def test_batch_of_100_rows_with_3_failures(run_shell, jobs_url: str, tmp_path: Path) -> None:
    failing = {7, 50, 99}
    source = tmp_path / "in.jsonl"
    source.write_text(
        "".join(json.dumps({"x": -i if i in failing else i}) + "\n" for i in range(1, 101))
    )
    out = tmp_path / "out.jsonl"
    result = run_shell(
        "-c",
        f"connect {jobs_url}; batch square --input {source} --output {out} --concurrency 8",
        timeout=180,
    )
    assert result.returncode == 1  # some rows failed
    assert "batch finished: 97 done, 3 failed" in result.stderr
    rows = json_lines(out.read_text())
    assert [r["row"] for r in rows] == list(range(1, 101))
    for i, row in enumerate(rows, 1):
        if i in failing:
            assert row == {
                "row": i,
                "inputs": {"x": -i},
                "outputs": None,
                "error": f"negative input: {-i}",
            }
        else:
            assert row == {"row": i, "inputs": {"x": i}, "outputs": [float(i * i)], "error": None}


def test_batch_from_csv_by_name_and_by_position(run_shell, jobs_url: str, tmp_path: Path) -> None:
    named = tmp_path / "named.csv"
    named.write_text("seconds,x\n0,3\n,4\n")
    positional = tmp_path / "positional.csv"
    positional.write_text("5,0\n6,0\n")
    result = run_shell(
        "-c",
        f"connect {jobs_url}; batch square --input {named}; batch square --input {positional}",
    )
    assert result.returncode == 0, result.stderr
    rows = json_lines(result.stdout)
    assert [(r["row"], r["outputs"], r["error"]) for r in rows] == [
        (1, [9.0], None),
        (2, [16.0], None),
        (1, [25.0], None),
        (2, [36.0], None),
    ]
    assert rows[0]["inputs"] == {"seconds": "0", "x": "3"}
    assert rows[2]["inputs"] == ["5", "0"]
    bad = tmp_path / "bad.csv"
    bad.write_text("x,colour\n1,red\n")
    result = run_shell("-c", f"connect {jobs_url}; batch square --input {bad}")
    assert result.returncode == 1
    assert "column 'colour' is not a parameter of /square" in result.stderr
    assert "Traceback" not in result.stderr


def test_batch_interrupted_keeps_every_finished_row(
    shell_env: dict[str, str], jobs_url: str, tmp_path: Path
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"x": i, "seconds": 0.3}) + "\n" for i in range(200)))
    out = tmp_path / "out.jsonl"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gradioshell",
            "-c",
            f"connect {jobs_url}; batch square --input {source} --output {out} --concurrency 4",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=shell_env,
    )
    try:
        wait_until(
            lambda: out.exists() and len(out.read_text().splitlines()) >= 8, 60, "batch rows"
        )
    except AssertionError:
        process.kill()
        pytest.fail("the batch wrote no rows")
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    match = re.search(r"batch stopped: (\d+) done, 0 failed, (\d+) not run", stderr)
    assert match, stderr
    done = int(match.group(1))
    rows = json_lines(out.read_text())
    assert len(rows) == done and 8 <= done < 200
    assert len({r["row"] for r in rows}) == done
    assert [r["row"] for r in rows] == sorted(r["row"] for r in rows)
    for row in rows:
        x = row["row"] - 1
        assert row == {
            "row": x + 1,
            "inputs": {"x": x, "seconds": 0.3},
            "outputs": [float(x * x)],
            "error": None,
        }


def test_submit_then_events(run_shell, jobs_url: str) -> None:
    result = run_shell("-c", f"connect {jobs_url}; submit block ev 0.3; events 1")
    assert result.returncode == 0, result.stderr
    first, *rest = result.stdout.splitlines()
    number, event_id = first.split()
    assert number == "1" and re.fullmatch(r"[0-9a-f]{16,}", event_id)
    events = [json.loads(line) for line in rest]
    assert all(e["job"] == 1 for e in events)
    kinds = [e["event"] for e in events]
    assert "started" in kinds and kinds.index("started") < kinds.index("generating")
    assert events[-1] == {"event": "complete", "data": ["ev finished"], "job": 1}
    assert {"event": "generating", "data": ["ev started"], "job": 1} in events


def test_json_submit_and_info(run_shell, jobs_url: str) -> None:
    result = run_shell(
        "--json", "-c", f"connect {jobs_url}; submit square 3; info; info {jobs_url}"
    )
    assert result.returncode == 0, result.stderr
    records = json_lines(result.stdout)
    submitted = next(r for r in records if r["event"] == "submitted")
    assert submitted["job"] == 1 and submitted["endpoint"] == "/square"
    infos = [r for r in records if r["event"] == "info"]
    assert len(infos) == 2
    for record in infos:
        assert "/slow" in record["info"]["named_endpoints"]
    assert infos[0]["session"] == "app1"


def test_let_and_script_arguments(run_shell, jobs_url: str, tmp_path: Path) -> None:
    script = tmp_path / "squares.gsh"
    script.write_text(
        f"connect {jobs_url}\n"
        "let n = $1\n"
        "square x=$n\n"
        "let y = $_[0]\n"
        "square $y\n"
        "let labels = [1, 2]\n"
        "square x=$labels[1]\n"
        "square x=$2\n"
    )
    result = run_shell(str(script), "3")
    assert result.returncode == 1
    assert result.stdout.splitlines() == ["9.0", "81.0", "4.0"]
    assert "$2: the script was given no argument 2" in result.stderr


def test_ctrl_c_on_a_call_ends_the_jobs_the_app_stops_with_it(spawn_shell, jobs_url: str) -> None:
    child = spawn_shell(jobs_url)
    child.expect_exact("app1>")
    child.sendline("slow bg 60 &")
    child.expect(r"\[1\]" + GAP + r"/slow started")
    child.sendline("slow fg 60")
    child.expect_exact("running")
    child.sendintr()
    child.expect_exact("job(s) 1 cancelled too")
    child.expect(r"\[1\]" + GAP + r"/slow cancelled")
    child.sendline("jobs")
    child.expect("1" + CELLS + "app1" + CELLS + "/slow" + CELLS + "cancelled")
    child.expect_exact("app1>")
    child.sendline("slow z 60 &")
    child.expect(r"\[2\]" + GAP + r"/slow started")
    child.sendline("exit")
    child.expect_exact("1 job is still running; exit and cancel? [y/N]")
    child.sendline("y")
    child.expect(pexpect.EOF)


def test_result_prints_a_jobs_outputs_again(run_shell, jobs_url: str) -> None:
    result = run_shell("-c", f"connect {jobs_url}; square x=5 &; wait; result 1; result 2")
    assert result.returncode == 1
    assert result.stdout.splitlines() == ["25.0", "25.0"]
    assert "no job 2 (jobs: 1 to 1)" in result.stderr
    failed = run_shell("--keep-going", "-c", f"connect {jobs_url}; square x=-5 &; wait; result 1")
    assert failed.returncode == 1
    assert failed.stderr.count("job 1 (/square) failed: negative input: -5") == 2


def test_closing_a_session_cancels_its_jobs(run_shell, jobs_url: str) -> None:
    line = f"connect {jobs_url}; connect {jobs_url} as other; @other slow c 60 &; close other; jobs"
    result = run_shell("--json", "-c", line)
    assert result.returncode == 0, result.stderr
    records = json_lines(result.stdout)
    assert {"event": "cancelled", "job": 1, "session": "other", "endpoint": "/slow"} in records
    listed = next(r for r in records if r["event"] == "jobs")["jobs"]
    assert [(j["job"], j["status"]) for j in listed] == [(1, "cancelled")]


def expect_answering_cpr(child: pexpect.spawn, pattern: str) -> None:
    """Expect ``pattern``, answering every cursor position request on the way, as a
    terminal does (prompt_toolkit asks at each redraw of the prompt)."""
    while child.expect([re.escape("\x1b[6n"), pattern]) == 0:
        child.send("\x1b[20;1R")


def test_toolbar_counts_running_jobs(spawn_shell, jobs_url: str) -> None:
    # The toolbar needs the terminal's size below the prompt, which prompt_toolkit learns
    # by asking for the cursor position.
    child = spawn_shell(jobs_url, env={"PROMPT_TOOLKIT_NO_CPR": "0"})
    expect_answering_cpr(child, "app1>")
    child.sendline("slow t1 30 &")
    expect_answering_cpr(child, r"\[1\]" + GAP + r"/slow started")
    child.sendline("slow t2 30 &")
    expect_answering_cpr(child, "· 2" + GAP + "jobs" + GAP + "running")
    child.sendline("cancel all")
    expect_answering_cpr(child, r"\[2\]" + GAP + r"/slow cancelled")
    child.sendline("exit")
    child.expect(pexpect.EOF)


def test_wait_shows_jobs_live_and_ctrl_c_stops_only_the_waiting(spawn_shell, jobs_url: str) -> None:
    child = spawn_shell(jobs_url)
    child.expect_exact("app1>")
    child.sendline("slow w1 30 &")
    child.expect(r"\[1\]" + GAP + r"/slow started")
    child.sendline("slow w2 0.5 &")
    child.sendline("wait")
    child.expect("1" + CELLS + "app1" + CELLS + "/slow" + CELLS + "running")
    child.expect(r"\[2\]" + GAP + r"/slow done in")
    child.sendintr()
    child.expect_exact("stopped waiting; 1 job(s) still running")
    child.sendline("jobs")
    child.expect("1" + CELLS + "app1" + CELLS + "/slow" + CELLS + "running")
    child.expect("2" + CELLS + "app1" + CELLS + "/slow" + CELLS + "done")
    child.sendline("cancel all")
    child.expect(r"\[1\]" + GAP + r"/slow cancelled")
    child.sendline("exit")
    child.expect(pexpect.EOF)


def test_info_of_a_space_by_id(run_shell, hub: StandInHub) -> None:
    result = run_shell("-c", "info rrg92/diffusers-labs", env={"HF_ENDPOINT": hub.endpoint + "/"})
    assert result.returncode == 0, result.stderr
    assert "/generateimage" in json.loads(result.stdout)["named_endpoints"]


def test_batch_uploads_file_cells_and_keeps_local_paths(
    run_shell, demo_url: str, tmp_path: Path
) -> None:
    rows = []
    for i in range(3):
        path = tmp_path / f"note{i}.txt"
        path.write_text(f"note {i}\n")
        rows.append({"f": str(path)})
    source = tmp_path / "files.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "out.jsonl"
    result = run_shell(
        "-c", f"connect {demo_url}; batch upper_file --input {source} --output {out}"
    )
    assert result.returncode == 0, result.stderr
    records = json_lines(out.read_text())
    assert [r["inputs"] for r in records] == rows
    for i, record in enumerate(records):
        assert record["error"] is None
        local = Path(record["outputs"][0])
        assert local.is_file() and local.read_text() == f"NOTE {i}\n"
