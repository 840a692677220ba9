"""File and result commands: ``upload`` (files to an app, without calling) and ``results``."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text

from gradioshell.commands.registry import command
from gradioshell.errors import ShellError, UsageError
from gradioshell.gradio.files import FileError, expand, local_file, upload
from gradioshell.output import TextOutput
from gradioshell.text import safe, short

if TYPE_CHECKING:
    from gradioshell.parser import Statement
    from gradioshell.shell import Shell


@command(
    "upload",
    "Upload files to the default app without calling it, and print their FileData",
    "upload PATH... [@SESSION]",
    details=(
        "Globs are expanded. The FileData printed is what an endpoint takes for a file;\n"
        "it is kept as $_ (and $rN), so 'upload a.png; size image=$_' sends the\n"
        "uploaded file by its server path."
    ),
)
async def upload_(shell: Shell, statement: Statement) -> None:
    names: list[str] = []
    session_name: str | None = None
    for word in statement.args:
        if word.name is not None:
            raise UsageError("usage: upload PATH... [@SESSION]")
        if word.value.startswith("@") and not word.quoted and len(word.value) > 1:
            session_name = word.value[1:]
        else:
            names.append(word.value)
    if not names:
        raise UsageError("usage: upload PATH... [@SESSION]")
    session = shell.require_session(session_name)
    config = session.app.config
    limit = config.max_file_size if config else None
    try:
        files = [local_file(path, max_size=limit) for name in names for path in expand(name)]
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
    lines = [safe(json.dumps(d, ensure_ascii=False)) for d in results]
    record = {"event": "upload", "session": session.name, "files": results}
    if isinstance(shell.output, TextOutput):
        # One FileData per line, never wrapped, for scripts to read.
        shell.output.stdout.write("".join(line + "\n" for line in lines))
        shell.output.stdout.flush()
    else:
        shell.output.show(Text("\n".join(lines)), record)


@command(
    "results", "List the finished calls: number, endpoint, status, duration, outputs", "results"
)
async def results(shell: Shell, statement: Statement) -> None:
    if statement.args:
        raise UsageError("usage: results")
    records = shell.results
    if not records:
        if shell.output.json:
            shell.output.show(Text(""), {"event": "results", "results": []})
        else:
            shell.output.info("no calls yet")
        return
    table = Table(title="Results", title_justify="left", show_edge=False)
    for column in ("", "session", "endpoint", "status", "time", "outputs"):
        table.add_column(column, no_wrap=column != "outputs", overflow="ellipsis")
    for record in records:
        if record.error is None:
            status = Text("ok", style="green")
            outputs = ", ".join(short(v, 40) for v in record.outputs or [])
        else:
            status = Text("failed", style="red")
            outputs = short(record.error, 60)
        table.add_row(
            f"$r{record.number}",
            Text(safe(record.session)),
            Text(safe(record.endpoint)),
            status,
            f"{record.duration:.1f}s",
            Text(outputs),
        )
    shell.output.show(
        table,
        {
            "event": "results",
            "results": [
                {
                    "number": r.number,
                    "session": r.session,
                    "endpoint": r.endpoint,
                    "ok": r.error is None,
                    "error": r.error,
                    "duration": round(r.duration, 3),
                    "outputs": r.outputs,
                }
                for r in records
            ],
        },
    )
