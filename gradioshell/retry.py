"""Calls that try again: transient faults retried with back-off, GPU quotas waited for.

A call is retried only for faults that say nothing about the call itself: the app's queue
is full or stopped (503), too many requests (429), a proxy or the app is unavailable for
now (502, 503, 504), the connection was refused or lost, the app was restarted and lost the
call, or a ZeroGPU Space had no GPU free. An error of the app (``gr.Error``), bad inputs
(422) and a call that timed out (slow, not failing) are never retried. Every retry is
shown, with its reason and delay.

A ZeroGPU quota error is not a fault to retry at once: with ``--wait-quota`` (or the config
key) the call waits until the quota comes back, with a countdown, then runs again. A batch
always does so, and pauses every row while it waits (:class:`QuotaGate`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from gradioshell.errors import AppFailed, UsageError
from gradioshell.parser import Word
from gradioshell.results import Reporter

if TYPE_CHECKING:
    from gradioshell import quota
    from gradioshell.context import CallContext
    from gradioshell.gradio import Call, Endpoint, Event
    from gradioshell.sessions import CallRecord, Session
    from gradioshell.settings import Settings


@dataclass(frozen=True)
class RetryPolicy:
    """How often to retry a transient fault, and whether to wait for a GPU quota.

    The delay before retry ``n`` is ``backoff * 2 ** (n - 1)`` seconds, at most
    ``max_backoff``, and never less than what a 429 answer's ``Retry-After`` asks.
    """

    retries: int = 0
    wait_quota: bool = False
    backoff: float = 1.0
    max_backoff: float = 30.0

    def delay(self, attempt: int, error: BaseException | None = None) -> float:
        from gradioshell.gradio import TooManyRequests

        delay = min(self.max_backoff, self.backoff * 2.0 ** (attempt - 1))
        if isinstance(error, TooManyRequests) and error.retry_after is not None:
            delay = max(delay, error.retry_after)
        return delay


def policy(settings: Settings) -> RetryPolicy:
    """The policy of a single call, from the settings (``--retries``, ``--wait-quota``)."""
    return RetryPolicy(retries=settings.retries, wait_quota=settings.wait_quota)


CALL_OPTIONS = ("--retries", "--wait-quota", "--no-wait-quota")


def take_options(words: list[Word], base: RetryPolicy) -> tuple[list[Word], RetryPolicy]:
    """A call's own ``--retries N`` and ``--wait-quota`` (unquoted words), taken out of its
    argument words; the rest are the endpoint's values."""
    kept: list[Word] = []
    result = base
    items = iter(words)
    for word in items:
        text = word.value
        if word.quoted or word.name is not None or not text.startswith("--"):
            kept.append(word)
            continue
        key, eq, inline = text.partition("=")
        if key == "--wait-quota" and not eq:
            result = replace(result, wait_quota=True)
        elif key == "--no-wait-quota" and not eq:
            result = replace(result, wait_quota=False)
        elif key == "--retries":
            value = inline if eq else next(items, Word("", 0, 0)).value
            if not value.isdigit():
                raise UsageError(f"--retries needs a number of retries, not {value!r}")
            result = replace(result, retries=int(value))
        else:
            kept.append(word)
    return kept, result


def transient(error: BaseException) -> bool:
    """Whether ``error`` is a fault that a later try of the same call may not meet."""
    from gradioshell import quota
    from gradioshell.gradio import (
        ConnectionFailed,
        QueueFull,
        SessionNotFound,
        TimedOut,
        TooManyRequests,
        Unavailable,
    )

    if isinstance(error, AppFailed):
        failure = error.original
        found = quota.parse(failure.message, failure.title)
        return failure.title == "Queue full" or (found is not None and found.kind == "no_gpu")
    if isinstance(error, (QueueFull, TooManyRequests, Unavailable, SessionNotFound)):
        return True
    if isinstance(error, ConnectionFailed) and not isinstance(error, TimedOut):
        text = str(error)
        return "was lost" in text or "connection refused" in text
    return False


def quota_of(error: BaseException) -> quota.GpuQuota | None:
    """The GPU quota that stopped a call, if waiting brings it back."""
    from gradioshell import quota

    if not isinstance(error, AppFailed):
        return None
    found = quota.parse(error.original.message, error.original.title)
    return found if found is not None and found.waitable else None


class QuotaGate:
    """Shared by the rows of a batch: when one meets the GPU quota, every row waits until
    it comes back, so that no row fails for it and none is lost."""

    def __init__(self, shell: CallContext, pending: Callable[[], int] | None = None) -> None:
        self.shell = shell
        self.until = 0.0
        self.pauses = 0
        self._pending = pending

    async def wait(self) -> None:
        while (remaining := self.until - time.monotonic()) > 0:
            await asyncio.sleep(min(remaining, 1.0))

    async def pause(self, found: quota.GpuQuota) -> None:
        from gradioshell import quota

        seconds = found.seconds_to_wait()
        until = time.monotonic() + seconds
        if until > self.until + 1.0:
            self.until = until
            self.pauses += 1
            at = time.strftime("%H:%M:%S", time.localtime(time.time() + seconds))
            waiting = f"; {self._pending()} rows waiting" if self._pending else ""
            say(
                self.shell,
                f"batch paused: GPU quota used up; resuming in {quota.duration(seconds)} "
                f"(at {at}){waiting}",
                {"event": "batch_paused", "seconds": round(seconds, 1)},
            )
            mine = self.until
            await self.wait()
            if self.until == mine:
                say(self.shell, "batch resumed", {"event": "batch_resumed"})
            return
        await self.wait()


async def run(
    shell: CallContext,
    session: Session,
    endpoint: Endpoint,
    data: list[Any],
    reporter: Callable[[], Reporter],
    rules: RetryPolicy,
    *,
    gate: QuotaGate | None = None,
    label: str = "",
) -> CallRecord:
    """:func:`gradioshell.calls.run`, tried again as ``rules`` allow; a new reporter per try."""
    from gradioshell import calls, quota
    from gradioshell.gradio import GradioError

    attempt = 0
    waits = gate is not None or rules.wait_quota
    token = quota.WAITING.set(waits)
    try:
        while True:
            if gate is not None:
                await gate.wait()
            try:
                if rules.retries or waits:
                    # A refused try leaves no panel behind: it opens once the app took the call.
                    deferred = _Deferred(reporter)
                    return await calls.run(
                        shell, session, endpoint, data, deferred, on_submit=deferred.accepted
                    )
                return await calls.run(shell, session, endpoint, data, reporter())
            except (AppFailed, GradioError) as exc:
                found = quota_of(exc)
                if found is not None and waits:
                    if gate is not None:
                        await gate.pause(found)
                    else:
                        await countdown(shell, found.seconds_to_wait())
                    continue
                if attempt >= rules.retries or not transient(exc):
                    raise
                attempt += 1
                delay = rules.delay(attempt, exc)
                prefix = f"{label}: " if label else ""
                say(
                    shell,
                    f"{prefix}retry {attempt} of {rules.retries} in {delay:g} s: {exc}",
                    {
                        "event": "retry",
                        "attempt": attempt,
                        "retries": rules.retries,
                        "delay": delay,
                        "reason": str(exc),
                        **({"row": label} if label else {}),
                    },
                )
                await asyncio.sleep(delay)
    finally:
        quota.WAITING.reset(token)


class _Deferred(Reporter):
    """A reporter made only when the app has accepted the call (or sends its first event)."""

    def __init__(self, factory: Callable[[], Reporter]) -> None:
        self._factory = factory
        self._real: Reporter | None = None

    def open(self) -> Reporter:
        if self._real is None:
            self._real = self._factory()
        return self._real

    def accepted(self, call: Call) -> None:
        self.open()

    def event(self, event: Event) -> None:
        self.open().event(event)

    def cancelled(self) -> None:
        if self._real is not None:
            self._real.cancelled()

    def close(self) -> None:
        if self._real is not None:
            self._real.close()


def say(shell: CallContext, message: str, record: dict[str, Any]) -> None:
    """A line about retrying: a message at the prompt and in scripts, a record in --json."""
    shell.output.info(message)
    shell.output.record(record)


async def countdown(shell: CallContext, seconds: float) -> None:
    """Wait ``seconds`` for the GPU quota, showing the time left; Ctrl-C stops waiting."""
    from gradioshell import quota

    at = time.strftime("%H:%M:%S", time.localtime(time.time() + seconds))
    deadline = time.monotonic() + seconds
    waiting = (
        f"waiting {quota.clock(seconds)} for the GPU quota to come back (until {at}), "
        "then trying again; Ctrl-C stops waiting"
    )
    shell.output.record({"event": "quota_wait", "seconds": round(seconds, 1)})
    with shell.output.status() as show:
        show(f"GPU quota back in {quota.clock(seconds)} (Ctrl-C stops waiting)", waiting)
        while (remaining := deadline - time.monotonic()) > 0:
            show(f"GPU quota back in {quota.clock(remaining)} (Ctrl-C stops waiting)")
            await asyncio.sleep(min(remaining, 1.0))
    say(shell, "GPU quota back: trying again", {"event": "quota_back"})
