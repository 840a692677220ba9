"""Commands for jobs and the low-level layer: jobs, wait, result, cancel, submit, events,
info, let and batch."""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

from gradioshell.errors import CallFailed, ShellError, UsageError
from gradioshell.jobs import CANCELLED, DONE, FAILED, RUNNING
from gradioshell.readable import output_kinds
from gradioshell.records import value_lines
from gradioshell.registry import Arg, Args, Grammar, Opt, command
from gradioshell.results import Note, Result
from gradioshell.targets import resolve_endpoint
from gradioshell.text import json_text

if TYPE_CHECKING:
    from gradioshell.gradio import Endpoint
    from gradioshell.jobs import Job
    from gradioshell.parser import Word
    from gradioshell.reports import Table
    from gradioshell.sessions import Session
    from gradioshell.state import State

STATUS_STYLES = {DONE: "green", FAILED: "red", CANCELLED: "red", RUNNING: "yellow"}
JOB = Arg("job", "N", kind="job")


def jobs_table(jobs: list[Job], **extra: Any) -> Table:
    from gradioshell.reports import Cell, Column, Table

    rows: list[list[str | Cell]] = [
        [
            str(job.number),
            job.session.name,
            job.endpoint.api_name,
            Cell(job.status, STATUS_STYLES.get(job.status, "")),
            "" if job.rank is None else str(job.rank + 1),
            f"{job.elapsed:.1f}s",
        ]
        for job in jobs
    ]
    columns = [
        Column("job", key=True),
        Column("session", wrap=False, rank=0),
        Column("endpoint", wrap=False, rank=2),
        Column("status", wrap=False, rank=3),
        Column("rank", wrap=False, rank=1, align="right"),
        Column("elapsed", wrap=False, rank=1, align="right"),
    ]
    return Table(columns=columns, rows=rows, **extra)


@command(
    "jobs",
    "List the background jobs: number, session, endpoint, status, queue rank, elapsed",
    details="Start a job by ending a call with '&' (op1 Duration=3 &), or with 'submit'.",
)
async def jobs(shell: State, args: Args) -> None:
    items = list(shell.jobs)
    record = {"event": "jobs", "jobs": [j.summary() for j in items]}
    if not items:
        shell.output.info("no jobs: end a call with '&' to run it in the background")
        shell.output.record(record)
        return
    shell.output.emit(jobs_table(items, record=record))


@command(
    "wait",
    "Wait for background jobs to end (all of them when no number is given)",
    Grammar(args=(Arg("jobs", "N", kind="job", optional=True, many=True),)),
    details="At the prompt it shows the jobs live; Ctrl-C stops waiting, not the jobs. "
    "Fails when a job it waited for failed.",
)
async def wait(shell: State, args: Args) -> None:
    from gradioshell.jobs import cancelling

    selected = shell.jobs.select(args.jobs or [])
    pending = [job for job in selected if not job.finished]
    try:
        if pending:
            with shell.output.live(lambda: jobs_table(selected)):
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
    if selected:
        shell.output.emit(jobs_table(selected, plain=""))  # at the prompt: how they ended
    failed = [job for job in selected if job.status == FAILED]
    if failed:
        raise CallFailed(f"job {', '.join(str(j.number) for j in failed)} failed")


SOURCE = Arg("job", "N|$REF", kind="job")
OUTPUT = Arg("output", "OUTPUT", optional=True)
SOURCE_DETAILS = (
    "N is a background job's number; $REF a result ($_ the last call that finished well, "
    "$r3 call 3, or a part of one: $r3[0]). OUTPUT picks one output, by label or number "
    "(from 0)."
)


@command(
    "result",
    "Show the outputs of a finished job or call, as a call in the foreground would",
    Grammar(
        args=(SOURCE, OUTPUT),
        options=(
            Opt("--raw", help="the plain values, without borders (one output: as it is)"),
            Opt("--pager", help="in $PAGER (default: less -R)"),
        ),
    ),
    details=SOURCE_DETAILS,
)
async def result(shell: State, args: Args) -> None:
    picked = _pick(shell, args.job)
    shown = picked.shown
    if args.raw or args.output is not None or shown is None:
        shown = _raw(picked, args.output)
    if args.pager:
        shell.output.page(shown)
    else:
        shell.output.emit(shown)
    if picked.failure is not None:
        raise CallFailed(picked.failure)


@command(
    "copy",
    "Put a result on the clipboard, through the terminal (also over SSH and in tmux)",
    Grammar(args=(Arg("job", "N|$REF", kind="job", optional=True), OUTPUT)),
    details="Without N the last call that finished well ($_). "
    + SOURCE_DETAILS
    + " The text is the one 'result --raw' shows. It is sent with the terminal's OSC 52 "
    "sequence: some terminals ask first, or need it allowed (tmux: set -g set-clipboard on).",
)
async def copy(shell: State, args: Args) -> None:
    source, output = args.job, args.output
    if source is not None and output is None and not _is_source(source):
        source, output = None, source  # copy answer: an output of the last result
    picked = _pick(shell, source or "$_")
    labels, outputs = _select(picked, output)
    text = "\n".join(value_lines(labels, outputs))
    if not shell.output.clipboard(text):
        raise ShellError("copy needs a terminal to send the text to (it goes through it)")
    lines = text.count("\n") + 1
    shell.output.info(
        f"copied {len(text)} character{'s' if len(text) != 1 else ''}"
        + (f" ({lines} lines)" if lines > 1 else "")
    )
    shell.output.record({"event": "copied", "characters": len(text)})


class Picked:
    """The outputs a ``result`` or ``copy`` is about, and how ``result`` shows them."""

    def __init__(
        self,
        labels: list[str],
        outputs: list[Any],
        shown: Result | None = None,
        failure: str | None = None,
    ) -> None:
        self.labels = labels
        self.outputs = outputs
        self.shown = shown
        #: Set for a job that did not end well: the command fails after showing it.
        self.failure = failure


def _is_source(key: str) -> bool:
    return key.lstrip("%").isdigit() or key.startswith("$")


def _pick(shell: State, key: str) -> Picked:
    from gradioshell.gradio.values import ResultValue
    from gradioshell.refs import call_record, parse_reference, resolve
    from gradioshell.reports import CallReplay

    if not key.startswith("$"):
        job = shell.jobs.get(key)
        if not job.finished:
            raise ShellError(
                f"job {job.number} is still {job.status} (wait for it with 'wait {job.number}')"
            )
        labels = [r.label for r in job.endpoint.returns]
        failure = None if job.status == DONE else f"job {job.number} {job.status}"
        return Picked(labels, job.outputs or [], _replay(shell, job), failure)
    reference = parse_reference(key)
    if reference is None:
        raise UsageError(f"{key!r} is not a result: write $_, $r3 or $r3[0]")
    record = None if reference.path else call_record(shell, reference.name)
    if record is None:
        value = resolve(shell, reference)
        return Picked([key], [value.value if isinstance(value, ResultValue) else value])
    outputs = record.outputs or []
    endpoint = _endpoint_of(shell, record.session, record.endpoint)
    if endpoint is None:  # its session was closed: the values alone
        return Picked([f"output {i}" for i in range(len(outputs))], outputs)
    labels = [r.label for r in endpoint.returns]
    plain = "\n".join(value_lines(labels, outputs))
    from gradioshell.gradio import Completed

    replay = CallReplay(
        session=record.session,
        endpoint=endpoint,
        events=[Completed(data=outputs)],
        cancelled=record.cancelled,
        times=(record.started, None, record.started + record.duration),
        record={"event": "result", "number": record.number, "data": outputs},
        plain=plain,
    )
    return Picked(labels, outputs, replay)


def _endpoint_of(shell: State, session_name: str, endpoint: str) -> Endpoint | None:
    session = shell.sessions.find(session_name)
    if session is None:
        return None
    for candidate in session.app.endpoints:
        if candidate.name == endpoint:
            return candidate
    return None


def _select(picked: Picked, output: str | None) -> tuple[list[str], list[Any]]:
    """The labels and values of the one output named ``output`` (all when None)."""
    if output is None:
        return picked.labels, picked.outputs
    count = len(picked.outputs)
    index: int | None = None
    if output.lstrip("-").isdigit():
        index = int(output)
        if not -count <= index < count:
            raise UsageError(f"no output {output} (there {'is' if count == 1 else 'are'} {count})")
    else:
        folded = [i for i, label in enumerate(picked.labels) if label.lower() == output.lower()]
        if not folded:
            known = ", ".join(repr(label) for label in picked.labels) or "none"
            raise UsageError(f"no output labelled {output!r} (outputs: {known})")
        index = folded[0]
    return [picked.labels[index]], [picked.outputs[index]]


def _raw(picked: Picked, output: str | None) -> Result:
    """Plain values, without borders: what a script would have printed."""
    labels, outputs = _select(picked, output)
    text = "\n".join(value_lines(labels, outputs))
    return Note(body=text, plain=text, record={"event": "result", "data": outputs})


def _replay(shell: State, job: Job) -> Result:
    from gradioshell.reports import CallReplay

    record = shell.jobs.final_record(job)
    error = None
    if job.status != DONE:
        what = "cancelled" if job.status == CANCELLED else f"failed: {job.error}"
        error = f"job {job.number} ({job.endpoint.api_name}) {what}"
    labels = [r.label for r in job.endpoint.returns]
    plain = (
        "\n".join(value_lines(labels, job.outputs or [], output_kinds(job.endpoint)))
        if job.status == DONE
        else ""
    )
    return CallReplay(
        session=job.session.name,
        endpoint=job.endpoint,
        events=list(job.events),
        cancelled=job.status == CANCELLED,
        failure=(job.error or "failed") if job.status == FAILED else None,
        times=(job.created, job.started_at, job.finished_at),
        record=record,
        plain=plain,
        error=error,
    )


@command(
    "cancel",
    "Cancel a background job, or all of them",
    Grammar(args=(Arg("jobs", "N|all", kind="job", many=True),)),
    destructive=True,
)
async def cancel(shell: State, args: Args) -> None:
    if args.jobs == ["all"]:
        cancelled = shell.jobs.cancel_all()
        if not cancelled:
            shell.output.info("no job is running")
    else:
        cancelled = []
        for key in args.jobs:
            job = shell.jobs.get(key)
            if job.finished:
                shell.output.info(f"job {job.number} has already ended ({job.status})")
                continue
            cancelled += shell.jobs.cancel(job)
    # Let the cancelled jobs finish (and say so) before the next command runs.
    await asyncio.gather(*(j.task for j in cancelled if j.task), return_exceptions=True)


def call_target(shell: State, words: list[Word]) -> tuple[Session, Endpoint, list[Word]]:
    """The session, endpoint and value words of ``[@SESSION] ENDPOINT [VALUES...]``."""
    target = resolve_endpoint(words, shell.sessions).check()
    assert target.session is not None and target.endpoint is not None
    return target.session, target.endpoint, target.arguments(words)


@command(
    "submit",
    "Start a call without waiting: print its job number and event id",
    Grammar(call=True),
    details="Follow it with 'events N', 'wait N' and 'result N'. Use @SESSION ENDPOINT for "
    "another session.",
)
async def submit(shell: State, args: Args) -> None:
    session, endpoint, rest = call_target(shell, args.call)
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
    shell.output.emit(
        Note(
            body=f"[{job.number}] submitted {endpoint.api_name}, event id {job.event_id}",
            plain=f"{job.number} {job.event_id}",
            record=record,
        )
    )


@command(
    "events",
    "Write the events of a job as JSON lines as they arrive, until it ends",
    Grammar(args=(JOB,)),
    details="Events already received come first, so it may follow a 'submit' at any time.",
)
async def events(shell: State, args: Args) -> None:
    from gradioshell.jobs import event_json
    from gradioshell.reports import JsonValue

    job = shell.jobs.get(args.job)

    def write(record: dict[str, Any]) -> None:
        shell.output.emit(
            JsonValue(value=record, compact=True, record=record, plain=json_text(record))
        )

    async for event in job.follow():
        write(event_json(job, event))
    if job.status == CANCELLED:
        write({"event": "cancelled", "job": job.number})
    elif job.status == FAILED and not any(e.kind == "error" for e in job.events[-1:]):
        write({"event": "error", "job": job.number, "message": job.error})


@command(
    "info",
    "Show an app's raw API description (/info) as JSON",
    Grammar(args=(Arg("target", "URL|SPACE|SESSION", kind="session", optional=True),)),
)
async def info(shell: State, args: Args) -> None:
    from gradioshell.reports import JsonValue

    session = shell.sessions.find(args.target) if args.target else shell.require_session()
    if session is not None:
        payload, where = session.app.info, {"session": session.name, "url": session.url}
    else:
        from gradioshell.connecting import open_app

        # As 'connect' finds it: a [targets] alias, a URL or a Space id.
        app = await open_app(shell, args.target)
        try:
            payload, where = app.info, {"url": app.url}
        finally:
            await app.close()
    record = {"event": "info", **where, "info": payload}
    shell.output.emit(JsonValue(value=payload, record=record, plain=json_text(payload, indent=2)))


@command(
    "let",
    "Set a variable, used later as $NAME",
    Grammar(args=(Arg("name"), Arg("value", kind="value", keyword="="))),
    details='VALUE may be a reference ($_, $r2[0], $other, $1), JSON ([1, 2], {"a": 1}) '
    "or text. e.g. let img = $_",
)
async def let(shell: State, args: Args) -> None:
    name = args.name
    if not name.isidentifier() or name in ("_", "null") or (name[0] == "r" and name[1:].isdigit()):
        raise UsageError(f"{name!r} cannot be a variable name")
    shell.variables[name] = _value(shell, args.value)


def _value(shell: State, word: Word) -> Any:
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
    Grammar(
        call=True,
        call_values=False,
        options=(
            Opt("--input", "FILE", kind="file", required=True),
            Opt("--concurrency", "N"),
            Opt("--output", "FILE", kind="file"),
            Opt("--retries", "N"),
        ),
    ),
    details="Columns (or keys) name parameters; a CSV without a header, or JSON arrays, give "
    "them by position. Results are JSON Lines in input order (row, inputs, outputs, error), "
    "on stdout or in --output. A failed row never stops the others; Ctrl-C stops cleanly, "
    "keeping every finished row. A transient fault (full queue, 429, 503...) is retried up to "
    "--retries times (default 3, [batch] retries); a ZeroGPU quota error pauses the whole "
    "batch until the quota comes back, and no row is lost.",
)
async def batch(shell: State, args: Args) -> None:
    from gradioshell.batch import BatchOptions, run_batch

    session, endpoint, rest = call_target(shell, args.call)
    if rest:
        raise UsageError(f"batch: unexpected {rest[0].value!r}; the rows give the values")
    if args.input is None:
        raise UsageError(
            "usage: batch [@SESSION] ENDPOINT --input FILE [--concurrency N] [--output FILE] "
            "[--retries N]"
        )
    options = BatchOptions.read(args.input, args.output, args.concurrency, args.retries)
    await run_batch(shell, session, endpoint, options)
