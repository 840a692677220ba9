"""Commands for jobs and the low-level layer: jobs, wait, result, cancel, submit, events,
info, let and batch."""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text

from gradioshell.commands.registry import command, positional
from gradioshell.errors import CallFailed, ShellError, UsageError
from gradioshell.jobs import CANCELLED, DONE, FAILED, RUNNING, Job, cancelling, event_json
from gradioshell.text import json_text, safe, safe_text

if TYPE_CHECKING:
    from gradioshell.parser import Statement, Word
    from gradioshell.sessions import Session
    from gradioshell.shell import Shell

STATUS_STYLES = {DONE: "green", FAILED: "red", CANCELLED: "red", RUNNING: "yellow"}


def jobs_table(jobs: list[Job]) -> Table:
    table = Table(show_edge=False)
    for column in ("job", "session", "endpoint", "status", "rank", "elapsed"):
        table.add_column(column)
    for job in jobs:
        table.add_row(
            str(job.number),
            Text(safe(job.session.name)),
            Text(safe(job.endpoint.api_name)),
            Text(job.status, style=STATUS_STYLES.get(job.status, "")),
            "" if job.rank is None else str(job.rank + 1),
            f"{job.elapsed:.1f}s",
        )
    return table


@command(
    "jobs",
    "List the background jobs: number, session, endpoint, status, queue rank, elapsed",
    "jobs",
    details="Start a job by ending a call with '&' (op1 Duration=3 &), or with 'submit'.",
)
async def jobs(shell: Shell, statement: Statement) -> None:
    if positional(statement):
        raise UsageError("usage: jobs")
    items = list(shell.jobs)
    if not items and not shell.output.json:
        shell.output.info("no jobs: end a call with '&' to run it in the background")
        return
    shell.output.show(jobs_table(items), {"event": "jobs", "jobs": [j.summary() for j in items]})


@command(
    "wait",
    "Wait for background jobs to end (all of them when no number is given)",
    "wait [N...]",
    details="At the prompt it shows the jobs live; Ctrl-C stops waiting, not the jobs. "
    "Fails when a job it waited for failed.",
)
async def wait(shell: Shell, statement: Statement) -> None:
    selected = shell.jobs.select(positional(statement))
    pending = [job for job in selected if not job.finished]
    from gradioshell.output import InteractiveOutput

    output = shell.output
    try:
        if pending and isinstance(output, InteractiveOutput):
            from rich.live import Live

            with Live(
                jobs_table(selected),
                console=output.console,
                refresh_per_second=4,
                transient=True,
                get_renderable=lambda: jobs_table(selected),
            ):
                await shell.jobs.wait(pending)
        else:
            await shell.jobs.wait(pending)
    except asyncio.CancelledError:
        current = asyncio.current_task()
        if cancelling(current) > 1:  # the shell itself is being stopped
            raise
        uncancel = getattr(current, "uncancel", None)  # Python 3.11+
        if uncancel is not None:
            uncancel()
        left = [job for job in selected if not job.finished]
        shell.output.info(f"stopped waiting; {len(left)} job(s) still running (see 'jobs')")
        return
    if shell.interactive and not output.json and selected:
        output.show(jobs_table(selected))
    failed = [job for job in selected if job.status == FAILED]
    if failed:
        raise CallFailed(f"job {', '.join(str(j.number) for j in failed)} failed")


@command(
    "result",
    "Show the outputs of a finished job, as a call in the foreground would",
    "result N",
)
async def result(shell: Shell, statement: Statement) -> None:
    args = positional(statement)
    if len(args) != 1:
        raise UsageError("usage: result N")
    job = shell.jobs.get(args[0])
    if not job.finished:
        raise ShellError(
            f"job {job.number} is still {job.status} (wait for it with 'wait {job.number}')"
        )
    output = shell.output
    from gradioshell.output import InteractiveOutput

    if output.json:
        output.show(Text(""), shell.jobs.final_record(job))
    elif isinstance(output, InteractiveOutput):
        view = output.view(job.session.name, job.endpoint)
        for event in job.events:
            view.apply(event)
        if job.status == CANCELLED:
            view.cancel()
        elif job.status == FAILED and view.error is None:
            from gradioshell.gradio import Failed

            view.apply(Failed(message=job.error or "failed", title="Error"))
        view.started, view.run_started, view.finished = job.created, job.started_at, job.finished_at
        output.show(view)
    else:
        shell.jobs.final_text(job)
    if job.status != DONE:
        raise CallFailed(f"job {job.number} {job.status}")


@command("cancel", "Cancel a background job, or all of them", "cancel N|all")
async def cancel(shell: Shell, statement: Statement) -> None:
    args = positional(statement)
    if not args:
        raise UsageError("usage: cancel N|all")
    if args == ["all"]:
        cancelled = shell.jobs.cancel_all()
        if not cancelled:
            shell.output.info("no job is running")
    else:
        cancelled = []
        for key in args:
            job = shell.jobs.get(key)
            if job.finished:
                shell.output.info(f"job {job.number} has already ended ({job.status})")
                continue
            cancelled += shell.jobs.cancel(job)
    # Let the cancelled jobs finish (and say so) before the next command runs.
    await asyncio.gather(*(j.task for j in cancelled if j.task), return_exceptions=True)


@command(
    "submit",
    "Start a call without waiting: print its job number and event id",
    "submit ENDPOINT [ARGS...]",
    details="Follow it with 'events N', 'wait N' and 'result N'. Use @SESSION ENDPOINT for "
    "another session.",
)
async def submit(shell: Shell, statement: Statement) -> None:
    words = statement.args
    if not words or words[0].name is not None:
        raise UsageError("usage: submit ENDPOINT [ARGS...]")
    session, endpoint_name, rest = _target(shell, words)
    endpoint = session.app.endpoint(endpoint_name)
    from gradioshell import calls

    data = await calls.prepare(shell, session, endpoint, rest)
    job = shell.jobs.start(session, endpoint, data, quiet=True)
    await shell.jobs.wait_submitted(job)
    if job.event_id is None:
        raise ShellError(f"job {job.number}: {job.error or 'the app did not accept the call'}")
    record = {
        "event": "submitted",
        "job": job.number,
        "event_id": job.event_id,
        "session": session.name,
        "endpoint": endpoint.api_name,
    }
    text = f"{job.number} {job.event_id}"
    if shell.interactive:
        text = f"[{job.number}] submitted {endpoint.api_name}, event id {job.event_id}"
    shell.output.show(safe_text(text), record)


def _target(shell: Shell, words: list[Word]) -> tuple[Session, str, list[Word]]:
    first = words[0].value
    if first.startswith("@") and len(first) > 1:
        if len(words) < 2:
            raise UsageError("usage: submit @SESSION ENDPOINT [ARGS...]")
        return shell.sessions.get(first[1:]), words[1].value, list(words[2:])
    return shell.require_session(), first, list(words[1:])


@command(
    "events",
    "Write the events of a job as JSON lines as they arrive, until it ends",
    "events N",
    details="Events already received come first, so it may follow a 'submit' at any time.",
)
async def events(shell: Shell, statement: Statement) -> None:
    args = positional(statement)
    if len(args) != 1:
        raise UsageError("usage: events N")
    job = shell.jobs.get(args[0])
    write = _json_writer(shell)
    async for event in job.follow():
        write(event_json(job, event))
    if job.status == CANCELLED:
        write({"event": "cancelled", "job": job.number})
    elif job.status == FAILED and not any(e.kind == "error" for e in job.events[-1:]):
        write({"event": "error", "job": job.number, "message": job.error})


def _json_writer(shell: Shell) -> Any:
    output = shell.output
    if output.json:
        return lambda record: output.show(Text(""), record)
    from gradioshell.output import InteractiveOutput

    if isinstance(output, InteractiveOutput):
        from gradioshell.render import json_view

        console = output.console
        return lambda record: console.print(json_view(record, indent=None))
    import sys

    def write(record: dict[str, Any]) -> None:
        sys.stdout.write(json_text(record) + "\n")
        sys.stdout.flush()

    return write


@command(
    "info",
    "Show an app's raw API description (/info) as JSON",
    "info [URL|SPACE|SESSION]",
    argument="session",
)
async def info(shell: Shell, statement: Statement) -> None:
    args = positional(statement)
    if len(args) > 1:
        raise UsageError("usage: info [URL|SPACE|SESSION]")
    session = shell.sessions.find(args[0]) if args else shell.require_session()
    if session is not None:
        payload, where = session.app.info, {"session": session.name, "url": session.url}
    else:
        from gradioshell.commands.hub import resolve_connect
        from gradioshell.gradio import GradioApp
        from gradioshell.network import tls_verify

        # As 'connect' finds it: a [targets] alias, a URL or a Space id.
        given = shell.settings.targets.get(args[0], args[0])
        target = await resolve_connect(shell, given)
        app = await GradioApp.connect(
            target.url,
            timeouts=shell.settings.timeouts,
            limits=shell.settings.limits,
            verify=tls_verify(shell.settings),
            on_request=target.on_request,
        )
        try:
            payload, where = app.info, {"url": app.url}
        finally:
            await app.close()
    if shell.output.json:
        shell.output.show(Text(""), {"event": "info", **where, "info": payload})
        return
    from gradioshell.output import InteractiveOutput

    if isinstance(shell.output, InteractiveOutput):
        from gradioshell.render import json_view

        shell.output.show(json_view(payload))
        return
    import sys

    sys.stdout.write(json_text(payload, indent=2) + "\n")
    sys.stdout.flush()


@command(
    "let",
    "Set a variable, used later as $NAME",
    "let NAME = VALUE",
    details='VALUE may be a reference ($_, $r2[0], $other, $1), JSON ([1, 2], {"a": 1}) '
    "or text. e.g. let img = $_",
)
async def let(shell: Shell, statement: Statement) -> None:
    words = statement.args
    if len(words) == 1 and words[0].name is not None:
        name, value_word = words[0].name, words[0]
    elif len(words) == 3 and words[1].value == "=" and not words[1].quoted and not words[0].name:
        name, value_word = words[0].value, words[2]
    else:
        raise UsageError("usage: let NAME = VALUE")
    if not name.isidentifier() or name in ("_", "null") or (name[0] == "r" and name[1:].isdigit()):
        raise UsageError(f"{name!r} cannot be a variable name")
    shell.variables[name] = _value(shell, value_word)


def _value(shell: Shell, word: Word) -> Any:
    from gradioshell.refs import parse_reference, resolve

    text = word.value
    if word.quoted:
        return text
    if text.startswith("$"):
        reference = parse_reference(text)
        if reference is not None:
            return resolve(shell, reference)
    if text[:1] in "[{":
        try:
            return json.loads(text)
        except ValueError as exc:
            raise UsageError(f"not valid JSON: {exc}") from None
    return text


@command(
    "batch",
    "Call an endpoint once per row of a JSON Lines or CSV file",
    "batch ENDPOINT --input FILE [--concurrency N] [--output FILE] [--retries N]",
    details="Columns (or keys) name parameters; a CSV without a header, or JSON arrays, give "
    "them by position. Results are JSON Lines in input order (row, inputs, outputs, error), "
    "on stdout or in --output. A failed row never stops the others; Ctrl-C stops cleanly, "
    "keeping every finished row. A transient fault (full queue, 429, 503...) is retried up to "
    "--retries times (default 3, [batch] retries); a ZeroGPU quota error pauses the whole "
    "batch until the quota comes back, and no row is lost.",
    options=("--input", "--concurrency", "--output", "--retries"),
)
async def batch(shell: Shell, statement: Statement) -> None:
    from gradioshell.batch import BatchOptions, run_batch

    options = BatchOptions.parse(positional(statement))
    first = options.endpoint[0]
    if first.startswith("@") and len(options.endpoint) == 2:
        session, name = shell.sessions.get(first[1:]), options.endpoint[1]
    elif len(options.endpoint) == 1:
        session, name = shell.require_session(), first
    else:
        raise UsageError("usage: batch [@SESSION] ENDPOINT --input FILE ...")
    endpoint = session.app.endpoint(name)
    await run_batch(shell, session, endpoint, options)
