"""The shell's own layers in process, against an app answered by httpx's MockTransport:
calls (values in, records kept), jobs, transfers (uploads and downloads) and the output of
each mode. Fast and exact; the end-to-end tests cover the same against real Gradio."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from gradioshell.output import JsonOutput, TextOutput
from gradioshell.prompt_output import InteractiveOutput
from gradioshell.reports import Cell, Column, JsonValue, Table
from gradioshell.results import JobNews, Note
from gradioshell.settings import Settings
from gradioshell.shell import Shell
from tests.inprocess import FakeApp, session


def run(work: Any) -> Any:
    return asyncio.run(work)


async def shell_on(app: FakeApp, output: Any, tmp_path: Path) -> Shell:
    settings = Settings(download_dir=str(tmp_path / "downloads"))
    shell = Shell(output, settings)
    shell.sessions.add(await session(app))
    return shell


def records(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_call_converts_its_values_and_keeps_its_record(tmp_path: Path) -> None:
    app, out = FakeApp(), io.StringIO()

    async def go() -> Shell:
        shell = await shell_on(app, JsonOutput(out), tmp_path)
        assert await shell.run_line("echo ab n=2; echo $_ 2") == 0
        return shell

    shell = run(go())
    assert app.calls == [(0, ["ab", 2]), (0, ["abab", 2])]  # n sent as a number; $_ the text
    assert [r.outputs for r in shell.results] == [["abab"], ["abababab"]]
    events = [r["event"] for r in records(out)]
    assert events == ["queued", "started", "complete"] * 2


def test_a_failure_is_one_error_and_a_failed_record(tmp_path: Path) -> None:
    app, out, err = FakeApp(), io.StringIO(), io.StringIO()

    async def go() -> tuple[int, Shell]:
        shell = await shell_on(app, TextOutput(out, err), tmp_path)
        return await shell.run_line("fail boom"), shell

    code, shell = run(go())
    assert code == 1
    assert err.getvalue().strip() == "error: failed on boom"
    assert shell.results[0].error == "failed on boom"


def test_files_are_uploaded_once_and_results_saved(tmp_path: Path) -> None:
    app, out = FakeApp(), io.StringIO()
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")

    async def go() -> None:
        shell = await shell_on(app, TextOutput(out, io.StringIO()), tmp_path)
        assert await shell.run_line(f"upper_file {notes}; upper_file {notes}; upper_file $_") == 0

    run(go())
    assert app.uploads == 1  # the same file again: by the path it had
    sent = [data[0]["path"] for index, data in app.calls if index == 1]
    assert sent[0] == sent[1] == "/srv/upload-1" and sent[2].startswith("/srv/upper-")
    saved = [Path(line) for line in out.getvalue().splitlines()]
    assert saved[0].parent == tmp_path / "downloads" and saved[0].read_text() == "HELLO"


def test_jobs_run_in_the_background_and_report(tmp_path: Path) -> None:
    app, out = FakeApp(), io.StringIO()

    async def go() -> Shell:
        shell = await shell_on(app, JsonOutput(out), tmp_path)
        assert await shell.run_line("count 3 &; echo x 3 &; wait") == 0
        assert await shell.run_line("result 1") == 0
        return shell

    shell = run(go())
    assert [job.status for job in shell.jobs] == ["done", "done"]
    kinds = [(r["event"], r.get("job")) for r in records(out)]
    assert ("job", 1) in kinds and ("job", 2) in kinds
    finals = [r for r in records(out) if r["event"] == "complete"]
    assert {tuple(r["data"]) for r in finals} == {("finished",), ("xxx",)}


def test_each_mode_writes_a_result_its_way() -> None:
    table = Table(
        columns=[Column("name", key=True), Column("state")],
        rows=[["a", Cell("ok", "green")]],
        record={"event": "t", "rows": 1},
    )
    note = Note(body="shown", plain="for scripts", record={"event": "n"})
    value = JsonValue(value={"k": [1]}, record={"event": "v"}, plain='{"k": [1]}')
    news = JobNews(number=3, line="/echo done", note="[3] /echo", record={"event": "job"})

    terminal = io.StringIO()
    prompt = InteractiveOutput(Console(file=terminal, width=60, color_system=None))
    scripts_out, scripts_err = io.StringIO(), io.StringIO()
    scripts = TextOutput(scripts_out, scripts_err)
    json_out = io.StringIO()
    as_json = JsonOutput(json_out)
    for output in (prompt, scripts, as_json):
        for result in (table, note, value, news):
            output.emit(result)

    shown = terminal.getvalue()
    assert "name" in shown and "ok" in shown and "shown" in shown and "[3] /echo done" in shown
    assert "for scripts" not in shown
    assert scripts_out.getvalue().splitlines()[-2:] == ["for scripts", '{"k": [1]}']
    assert "a" in scripts_out.getvalue() and "[3] /echo" in scripts_err.getvalue()
    assert [r["event"] for r in records(json_out)] == ["t", "n", "v", "job"]


@pytest.mark.parametrize("line", ["jobs", "results", "sessions"])
def test_empty_lists_are_a_message_or_an_empty_record(tmp_path: Path, line: str) -> None:
    out, err = io.StringIO(), io.StringIO()

    async def go() -> None:
        await Shell(TextOutput(out, err)).run_line(line)
        await Shell(JsonOutput(out)).run_line(line)

    run(go())
    assert err.getvalue().strip()  # one line on stderr, in a script
    (record,) = records(out)  # and under --json, the empty list
    assert record["event"] == line and record[line] == []
