"""File and result commands: ``upload`` (files to an app, without calling) and ``results``."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

from gradioshell.errors import ShellError
from gradioshell.registry import Arg, Args, Grammar, command
from gradioshell.results import Note
from gradioshell.text import safe, short

if TYPE_CHECKING:
    from gradioshell.readable import Kind
    from gradioshell.state import State


@command(
    "upload",
    "Upload files to the default app without calling it, and print their FileData",
    Grammar(
        args=(
            Arg("paths", "PATH", kind="file", many=True),
            Arg("session", "SESSION", kind="session", optional=True, at=True),
        )
    ),
    details=(
        "Globs are expanded. The FileData printed is what an endpoint takes for a file;\n"
        "it is kept as $_ (and $rN), so 'upload a.png; size image=$_' sends the\n"
        "uploaded file by its server path."
    ),
)
async def upload_(shell: State, args: Args) -> None:
    from gradioshell.gradio.files import FileError, expand, local_file, upload

    session = shell.require_session(args.session)
    config = session.app.config
    limit = config.max_file_size if config else None
    try:
        files = [local_file(path, max_size=limit) for name in args.paths for path in expand(name)]
    except FileError as exc:
        raise ShellError(str(exc)) from None
    started = time.monotonic()
    from gradioshell.transfers import ORIGIN, ResultFile, upload_progress

    with upload_progress(shell, sum(f.size for f in files)) as progress:
        uploaded = await upload(
            session.app.channel, files, cache=session.uploads, progress=progress
        )
    results: list[Any] = [ResultFile({**data, ORIGIN: session.url}, session) for data in uploaded]
    for data in results:
        data[ORIGIN] = session.url
    shell.record(session, "upload", results, None, started)
    # One FileData per line, never wrapped, for scripts to read.
    lines = "\n".join(safe(json.dumps(d, ensure_ascii=False)) for d in results)
    record = {"event": "upload", "session": session.name, "files": results}
    shell.output.emit(Note(body=lines, record=record, plain=lines))


def _kinds(shell: State, session_name: str, endpoint_name: str) -> list[Kind]:
    """The components of an earlier call's outputs, while its session is open."""
    from gradioshell.readable import output_kinds

    session = shell.sessions.find(session_name)
    if session is None:
        return []
    for endpoint in session.app.endpoints:
        if endpoint.name == endpoint_name:
            return output_kinds(endpoint)
    return []


@command("results", "List the finished calls: number, endpoint, status, duration, outputs")
async def results(shell: State, args: Args) -> None:
    from gradioshell.readable import summary
    from gradioshell.reports import Cell, Column, Table

    records = shell.results
    record = {
        "event": "results",
        "results": [
            {
                "number": r.number,
                "session": r.session,
                "endpoint": r.endpoint,
                "ok": r.error is None and not r.cancelled,
                "cancelled": r.cancelled,
                "error": r.error,
                "duration": round(r.duration, 3),
                "outputs": r.outputs,
            }
            for r in records
        ],
    }
    if not records:
        shell.output.info("no calls yet")
        shell.output.record(record)
        return
    rows: list[list[str | Cell]] = []
    for call in records:
        if call.error is None:
            status = Cell("cancelled", "yellow") if call.cancelled else Cell("ok", "green")
            kinds = _kinds(shell, call.session, call.endpoint)
            outputs = ", ".join(
                summary(v, kinds[i] if i < len(kinds) else None)
                for i, v in enumerate(call.outputs or [])
            )
        else:
            status = Cell("failed", "red")
            outputs = short(call.error, 60)
        rows.append(
            [
                f"$r{call.number}",
                call.session,
                call.endpoint,
                status,
                f"{call.duration:.1f}s",
                outputs,
            ]
        )
    columns = [
        Column("", key=True),
        Column("session", wrap=False, rank=0),
        Column("endpoint", wrap=False, rank=3),
        Column("status", wrap=False, rank=4),
        Column("time", wrap=False, rank=1, align="right"),
        Column("outputs", rank=2),
    ]
    shell.output.emit(Table(columns=columns, rows=rows, title="Results", record=record))
