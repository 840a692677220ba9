"""Background jobs: endpoint calls that run while the prompt, or the script, goes on.

A statement ending in ``&`` (and ``submit``) starts a :class:`Job`. Jobs share the call
flow of foreground calls (:func:`gradioshell.calls.run`), so they get files, records and
cancellation for free. The :class:`JobManager`, held by the shell, numbers them, tells the
user of their state changes and waits for or cancels them.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gradioshell.errors import CallFailed, ShellError
from gradioshell.gradio.events import Failed, Queued, Started
from gradioshell.readable import output_kinds, summary
from gradioshell.records import event_record, run_time, value_lines
from gradioshell.results import JobNews, Reporter
from gradioshell.text import short

if TYPE_CHECKING:
    from gradioshell.context import CallContext
    from gradioshell.gradio import Call, Endpoint, Event
    from gradioshell.sessions import CallRecord, Session

log = logging.getLogger(__name__)

SENDING, QUEUED, RUNNING = "sending", "queued", "running"
DONE, FAILED, CANCELLED = "done", "failed", "cancelled"
FINISHED = (DONE, FAILED, CANCELLED)
MAX_EVENTS = 10_000
"""Events kept per job for ``events N``; a long stream keeps its first and last ones."""


@dataclass(eq=False)
class Job:
    """One call running in the background."""

    number: int
    session: Session
    endpoint: Endpoint
    status: str = SENDING
    rank: int | None = None
    queue_size: int | None = None
    event_id: str | None = None
    created: float = field(default_factory=time.monotonic)
    started_at: float | None = None
    finished_at: float | None = None
    outputs: list[Any] | None = None
    error: str | None = None
    record: CallRecord | None = None
    events: list[Event] = field(default_factory=list)
    quiet: bool = False
    cancel_on_start: bool = False
    stopping: bool = False
    task: asyncio.Task[None] | None = field(default=None, repr=False)
    _updated: asyncio.Event = field(default_factory=asyncio.Event, repr=False)

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def elapsed(self) -> float:
        return (self.finished_at or time.monotonic()) - self.created

    def changed(self) -> None:
        """Wake whoever waits on this job."""
        self._updated.set()
        self._updated = asyncio.Event()

    async def next_change(self) -> None:
        await self._updated.wait()

    def submitted(self, call: Call) -> None:
        self.event_id = call.event_id
        if self.status == SENDING:
            self.status = QUEUED
        self.changed()

    async def follow(self) -> AsyncIterator[Event]:
        """The job's events, those already received and then the rest as they arrive."""
        index = 0
        while True:
            while index < len(self.events):
                yield self.events[index]
                index += 1
            if self.finished:
                return
            await self.next_change()

    def summary(self) -> dict[str, Any]:
        return {
            "job": self.number,
            "session": self.session.name,
            "endpoint": self.endpoint.api_name,
            "status": self.status,
            "rank": self.rank,
            "event_id": self.event_id,
            "elapsed": round(self.elapsed, 3),
            "error": self.error,
        }


class JobReporter(Reporter):
    """Records a job's events and state; passes them on to ``inner`` when there is one."""

    def __init__(self, manager: JobManager, job: Job) -> None:
        self.manager = manager
        self.job = job

    def event(self, event: Event) -> None:
        job = self.job
        if len(job.events) < MAX_EVENTS:
            job.events.append(event)
        else:
            job.events[-1] = event
        if isinstance(event, Queued):
            first = job.status != QUEUED or job.rank is None
            job.rank, job.queue_size = event.rank, event.queue_size
            job.status = QUEUED
            if first:
                self.manager.announce(job)
        elif isinstance(event, Started) and job.status != RUNNING:
            job.status = RUNNING
            job.rank = None
            job.started_at = time.monotonic()
            self.manager.announce(job)
            if job.cancel_on_start:
                self.manager.cancel(job)
        job.changed()


class JobManager:
    """The shell's jobs, numbered from 1 in the order they start."""

    def __init__(self, shell: CallContext) -> None:
        self.shell = shell
        self._jobs: dict[int, Job] = {}

    def __iter__(self) -> Iterator[Job]:
        return iter(list(self._jobs.values()))

    def __len__(self) -> int:
        return len(self._jobs)

    def running(self) -> list[Job]:
        return [job for job in self._jobs.values() if not job.finished]

    def status(self) -> str | None:
        """A short text for the toolbar: how many jobs are running, or None."""
        count = len(self.running())
        return f"{count} job{'s' if count != 1 else ''} running" if count else None

    def get(self, key: str | int) -> Job:
        text = str(key).lstrip("%")
        if not text.isdigit() or int(text) not in self._jobs:
            known = f" (jobs: 1 to {len(self._jobs)})" if self._jobs else " (no jobs yet)"
            raise ShellError(f"no job {key}{known}")
        return self._jobs[int(text)]

    def select(self, keys: Iterable[str]) -> list[Job]:
        """Jobs by number; all of them when ``keys`` is empty."""
        keys = list(keys)
        if not keys:
            return list(self._jobs.values())
        return [self.get(key) for key in keys]

    # -- starting ------------------------------------------------------------------------

    def start(
        self,
        session: Session,
        endpoint: Endpoint,
        data: list[Any],
        *,
        quiet: bool = False,
        inputs: list[Any] | None = None,
    ) -> Job:
        """Start a call of ``endpoint`` in the background; return its job at once.

        A quiet job (``submit``) says nothing when it changes state or ends.
        """
        job = Job(number=len(self._jobs) + 1, session=session, endpoint=endpoint, quiet=quiet)
        self._jobs[job.number] = job
        job.task = self.shell.spawn(self._run(job, data, inputs))
        return job

    async def _run(self, job: Job, data: list[Any], inputs: list[Any] | None = None) -> None:
        from gradioshell import calls
        from gradioshell.gradio import GradioError

        reporter = JobReporter(self, job)
        shell = self.shell
        try:
            job.record = await calls.run(
                shell, job.session, job.endpoint, data, reporter, on_submit=job.submitted
            )
            job.record.inputs = inputs  # as typed, for 'code N'
        except CallFailed as exc:
            self._finish(job, FAILED, error=str(exc))
        except asyncio.CancelledError:
            # The app's cancel stops the session's other running calls of this endpoint.
            self.stopped_on_app(job.session, job.endpoint)
            self._finish(job, CANCELLED)
        except (ShellError, GradioError) as exc:
            self._finish(job, FAILED, error=str(exc))
        except Exception as exc:  # a bug must end the job, not hang its waiters
            log.exception("job %d failed", job.number)
            self._finish(job, FAILED, error=f"internal error: {type(exc).__name__}: {exc}")
        else:
            self._finish(job, DONE, outputs=job.record.outputs)

    def _finish(
        self, job: Job, status: str, *, outputs: list[Any] | None = None, error: str | None = None
    ) -> None:
        job.status = status
        job.outputs = outputs
        job.error = error
        job.finished_at = time.monotonic()
        job.changed()
        self.announce(job)

    # -- telling the user ----------------------------------------------------------------

    def say_started(self, job: Job) -> None:
        """Say that a job was started: its number, at once."""
        self.shell.output.emit(
            JobNews(
                number=job.number,
                line=f"{job.endpoint.api_name} · {job.session.name}",
                style="dim",
                note=f"[{job.number}] {job.endpoint.api_name}",
                record={"event": "job", **job.summary()},
                plain="",
            )
        )

    def announce(self, job: Job) -> None:
        """Tell the user of a job's new state: at the prompt one short line per change; in
        scripts only its end, with the final outputs as a foreground call would print them."""
        if job.quiet:
            return
        try:
            self.shell.output.emit(self.news(job))
        except Exception:  # telling must never break the job
            log.debug("could not report job %d", job.number, exc_info=True)

    def news(self, job: Job) -> JobNews:
        """The job's state as each output tells it."""
        line, style = self._state_line(job)
        news = JobNews(number=job.number, line=line, style=style, plain="")
        if not job.finished:
            return news
        news.record = self.final_record(job)
        name = job.endpoint.api_name
        if job.status == DONE:
            labels = [r.label for r in job.endpoint.returns]
            news.plain = "\n".join(
                value_lines(labels, job.outputs or [], output_kinds(job.endpoint))
            )
        elif job.status == CANCELLED:
            news.error = f"job {job.number} ({name}) cancelled"
        else:
            news.error = f"job {job.number} ({name}) failed: {job.error}"
        return news

    def final_record(self, job: Job) -> dict[str, Any]:
        base = {"job": job.number, "session": job.session.name, "endpoint": job.endpoint.api_name}
        if job.status == DONE:
            return {"event": "complete", **base, "data": job.outputs}
        if job.status == CANCELLED:
            return {"event": "cancelled", **base}
        return {"event": "error", **base, "message": job.error}

    def _state_line(self, job: Job) -> tuple[str | None, str]:
        name = job.endpoint.api_name
        if job.status == QUEUED:
            where = f" at position {job.rank + 1}" if job.rank is not None else ""
            return f"{name} queued{where}", "yellow"
        if job.status == RUNNING:
            return f"{name} started", "yellow"
        if job.status == DONE:
            kinds = output_kinds(job.endpoint)
            preview = ", ".join(
                summary(v, kinds[i] if i < len(kinds) else None)
                for i, v in enumerate(job.outputs or [])
            )
            took = run_time(job.created, job.started_at, job.finished_at or time.monotonic())
            text = f"{name} done in {took}"
            return text + (f": {short(preview, 60)}" if preview else ""), "green"
        if job.status == CANCELLED:
            return f"{name} cancelled", "red"
        if job.status == FAILED:
            return f"{name} failed: {short(job.error or '', 80)}", "red"
        return None, ""

    # -- waiting and cancelling ----------------------------------------------------------

    async def wait(self, jobs: Iterable[Job]) -> list[Job]:
        """Wait until every job given has ended; return them."""
        jobs = list(jobs)
        for job in jobs:
            while not job.finished:
                await job.next_change()
        return jobs

    async def wait_submitted(self, job: Job) -> None:
        """Wait until the app has accepted the job (it has an event id) or it has ended."""
        while job.event_id is None and not job.finished:
            await job.next_change()

    def cancel(self, job: Job) -> list[Job]:
        """Cancel a job; return the jobs whose cancelling has begun (the caller may await them).

        Gradio's cancel stops every *running* call of an endpoint in a session at once. So
        cancelling a running job cancels the other running jobs of that endpoint and session
        with it (rather than leave them waiting for an end that never comes), and a queued
        job is only cancelled on the app once it starts if such jobs are running meanwhile.
        """
        if job.finished:
            return []
        siblings = [
            other
            for other in self.running()
            if other is not job
            and other.status == RUNNING
            and other.session is job.session
            and other.endpoint.fn_index == job.endpoint.fn_index
        ]
        if siblings and job.status != RUNNING:
            job.cancel_on_start = True
            numbers = ", ".join(str(other.number) for other in siblings)
            self.shell.output.info(
                f"job {job.number} will be cancelled when it starts: the app cancels the "
                f"running calls of {job.endpoint.api_name} in {job.session.name} together, "
                f"and job(s) {numbers} are running"
            )
            return []
        # Its running siblings end with it: see stopped_on_app.
        self._stop(job)
        return [job, *siblings]

    def _stop(self, job: Job) -> None:
        if job.task is not None and not job.stopping:
            job.stopping = True
            job.task.cancel()

    def stopped_on_app(self, session: Session, endpoint: Endpoint) -> None:
        """A call of ``endpoint`` in ``session`` was cancelled on the app, which stops every
        running call of that endpoint in the session: end the running jobs among them."""
        current = asyncio.current_task()
        stopped = [
            job
            for job in self.running()
            if job.status == RUNNING
            and job.session is session
            and job.endpoint.fn_index == endpoint.fn_index
            and job.task is not current
            and not job.stopping
        ]
        if not stopped:
            return
        for job in stopped:
            self._stop(job)
        numbers = ", ".join(str(job.number) for job in stopped)
        self.shell.output.info(
            f"the app stops every running call of {endpoint.api_name} in {session.name} "
            f"together: job(s) {numbers} cancelled too"
        )

    async def stop_session(self, session: Session) -> None:
        """Cancel the jobs of a session that is being closed, and let them end."""
        jobs = [job for job in self.running() if job.session is session]
        for job in jobs:
            self._stop(job)
        await asyncio.gather(*(job.task for job in jobs if job.task), return_exceptions=True)

    def cancel_all(self) -> list[Job]:
        running = self.running()
        for job in running:
            self._stop(job)
        return running

    async def finish(self, status: int) -> int:
        """At the end of a script: wait for the jobs still running (Ctrl-C cancels them).

        Returns ``status``, or 1 if it was 0 and a job failed.
        """
        running = self.running()
        if not running:
            return status
        try:
            await self.shell.interruptible(self.wait(running))
        except asyncio.CancelledError:
            if cancelling(asyncio.current_task()):
                raise
            self.cancel_all()
            await asyncio.gather(*(j.task for j in running if j.task), return_exceptions=True)
            return status or 130
        if not status and any(job.status == FAILED for job in running):
            return 1
        return status


def event_json(job: Job, event: Event) -> dict[str, Any]:
    """An event of a job as the JSON object ``events N`` writes."""
    record = {**event_record(event), "job": job.number}
    if isinstance(event, Failed) and not record.get("title"):
        record.pop("title", None)
    return record


def cancelling(task: asyncio.Task[Any] | None) -> int:
    """How many cancel requests ``task`` has pending (0 where Python cannot tell: 3.10)."""
    count = getattr(task, "cancelling", None)
    return int(count()) if count is not None else 0
