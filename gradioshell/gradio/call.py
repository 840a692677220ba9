"""A running call: the raw protocol messages of one job, turned into typed events."""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any

from gradioshell.gradio.diff import DiffError, apply_diff
from gradioshell.gradio.errors import GradioError, ProtocolError, ResponseTooLarge, TimedOut
from gradioshell.gradio.events import (
    Completed,
    Event,
    Failed,
    Generating,
    Log,
    Progress,
    ProgressUnit,
    Queued,
    Started,
)
from gradioshell.gradio.limits import Limits, check_depth, size_text

if TYPE_CHECKING:
    from gradioshell.gradio.models import Endpoint

log = logging.getLogger(__name__)

#: What a transport puts on a call's queue: a message dict, or an error that ends the call.
Message = dict[str, Any] | BaseException

#: Numbers from an app beyond this are not counts, ranks or seconds; they are ignored.
LARGEST_NUMBER = 2**53


class MessageQueue(asyncio.Queue[Message]):
    """A call's messages not yet taken, with their bytes counted against ``limit``."""

    def __init__(self, limit: int | None = None) -> None:
        super().__init__()
        self.limit = limit
        self.held = 0
        self._sizes: dict[int, int] = {}

    def put_sized(self, message: dict[str, Any], size: int) -> bool:
        """Put ``message`` (``size`` bytes on the wire); False, and nothing put, if the call
        would then hold more than its limit. One message alone is always taken: its size is
        capped already, by the JSON limit."""
        if self.limit is not None and self.held and self.held + size > self.limit:
            return False
        self._sizes[id(message)] = size
        self.held += size
        self.put_nowait(message)
        return True

    def _get(self) -> Message:
        item = super()._get()
        self.held -= self._sizes.pop(id(item), 0)
        return item


def buffer_full(limit: int) -> ResponseTooLarge:
    return ResponseTooLarge(
        f"the app sent more than {size_text(limit)} for this call faster than it could be "
        "taken; gave up (the buffer limit can be raised in the settings)",
        limit,
    )


SESSION_LOST = "the app was restarted and lost this call; run it again (the next call reconnects)"

HIDDEN_ERROR = "the app failed without saying why (it does not send its error messages)"


class SessionNotFound(GradioError):
    """The app no longer knows this session (it was restarted)."""


class Call:
    """One call of an endpoint. Iterate it for its events; ``cancel()`` stops it.

    The last event is always :class:`Completed` or :class:`Failed`; a transport fault
    raises a :class:`GradioError` from the iteration instead.
    """

    def __init__(
        self,
        endpoint: Endpoint,
        event_id: str | None,
        messages: asyncio.Queue[Message],
        *,
        diffs: bool,
        on_cancel: Callable[[Call], Awaitable[None]] | None = None,
        on_finish: Callable[[Call], None] | None = None,
        depth: int = Limits.depth,
    ) -> None:
        self.endpoint = endpoint
        self.depth = depth
        self.event_id = event_id
        self.outputs: list[Any] | None = None
        self.error: Failed | None = None
        self._messages = messages
        self._diffs = diffs
        self._on_cancel = on_cancel
        self._on_finish = on_finish
        self._last: list[Any] | None = None
        self._stale = False
        self._finished = False
        self.cancelled = False
        #: Whether the app started running the call (it left the queue).
        self.started = False
        #: Turns the outputs of an older release into the current shapes (files), if set.
        self.decode: Callable[[list[Any]], list[Any]] | None = None

    @property
    def finished(self) -> bool:
        return self._finished

    def __aiter__(self) -> AsyncIterator[Event]:
        return self.events()

    async def events(self) -> AsyncIterator[Event]:
        try:
            while not self._finished:
                item = await self._messages.get()
                if isinstance(item, BaseException):
                    self._finish()
                    raise self._with_phase(item)
                for event in self._translate(item):
                    if isinstance(event, (Completed, Failed)):
                        self._finish()
                        if isinstance(event, Completed):
                            self.outputs = event.data
                        else:
                            self.error = event
                    yield event
        finally:
            if not self._finished:
                # The consumer stopped early (Ctrl-C, an exception): the call is abandoned.
                self._finish()

    async def result(self) -> list[Any]:
        """Run the call to its end and return its outputs; raise GradioError if it failed."""
        async for event in self.events():
            if isinstance(event, Failed):
                raise GradioError(event.message)
        return self.outputs or []

    async def cancel(self) -> None:
        """Ask the app to stop the call, and stop reading its events."""
        if self.cancelled:
            return
        self.cancelled = True
        self._finish()
        self._messages.put_nowait(GradioError("the call was cancelled"))
        if self._on_cancel is not None:
            await self._on_cancel(self)

    def _with_phase(self, error: BaseException) -> BaseException:
        """A stream that went quiet, told as where the call was: queued, or running.

        Slow is not dead: the app kept the connection open, so say what to do instead."""
        if not isinstance(error, TimedOut):
            return error
        phase = "run" if self.started else "queue"
        where = "while the call ran" if self.started else "in the app's queue"
        advice = (
            "the app is up and this call may just be slow"
            if self.started
            else "the app is up but busy; try again later"
        )
        return TimedOut(
            f"timed out {where}: {error.message}. Slow is not dead: {advice}, "
            "or wait longer with [timeouts] stream_idle",
            phase,
        )

    def _finish(self) -> None:
        if not self._finished:
            self._finished = True
            if self._on_finish is not None:
                self._on_finish(self)

    def _translate(self, msg: dict[str, Any]) -> list[Event]:
        kind = msg.get("msg")
        if kind == "estimation":
            return [
                Queued(
                    rank=_int(msg.get("rank")),
                    queue_size=_int(msg.get("queue_size")),
                    eta=_float(msg.get("rank_eta")),
                )
            ]
        if kind == "process_starts":
            self.started = True
            return [Started(eta=_float(msg.get("eta")))]
        if kind == "progress":
            self.started = True
            return [Progress(units=tuple(_progress_units(msg.get("progress_data"))))]
        if kind == "log":
            return [
                Log(
                    message=_str(msg.get("log")),
                    level=_str(msg.get("level")) or "info",
                    title=_str(msg.get("title")),
                )
            ]
        if kind in ("process_generating", "process_streaming"):
            self.started = True
            return self._generating(msg)
        if kind == "process_completed":
            return [self._completed(msg)]
        if kind == "unexpected_error":
            if msg.get("session_not_found"):
                raise SessionNotFound(SESSION_LOST)
            return [Failed(message=_str(msg.get("message")) or "unexpected error in the app")]
        if kind == "queue_full":
            return [Failed(message="the app's queue is full; try again later", title="Queue full")]
        log.debug("ignoring a message of unknown type %.80r", kind)
        return []

    def _generating(self, msg: dict[str, Any]) -> list[Event]:
        output = msg.get("output")
        if not isinstance(output, dict):
            return []
        if msg.get("success") is False:
            return [self._failure(msg, output)]
        data = output.get("data")
        if not isinstance(data, list) or self._stale:
            return []
        if self._diffs and self._last is not None:
            try:
                if len(data) != len(self._last):
                    raise DiffError("diff count does not match outputs")
                data = [apply_diff(old, diff) for old, diff in zip(self._last, data, strict=False)]
                # Each diff is bounded, but diffs may pile up: the sum is checked too (flat
                # outputs, a streamed text, cannot nest).
                if any(isinstance(v, (dict, list)) for v in data):
                    check_depth(data, self.depth, "streamed output")
            except (DiffError, ProtocolError) as exc:
                log.debug("diff does not apply (%s); waiting for the next full value", exc)
                self._stale = True
                return []
        self._last = data
        return [Generating(data=self._shown(data))]

    def _completed(self, msg: dict[str, Any]) -> Event:
        output = msg.get("output")
        if not isinstance(output, dict):
            output = {}
        if msg.get("success") is False or "error" in output:
            return self._failure(msg, output)
        data = output.get("data")
        if not isinstance(data, list):
            data = self._last or []
        return Completed(data=self._shown(data), duration=_float(output.get("duration")))

    def _shown(self, data: list[Any]) -> list[Any]:
        """The outputs as users see them, from the values the app sent (diffs applied)."""
        data = self.endpoint.shown_outputs(data)
        return self.decode(data) if self.decode is not None else data

    def _failure(self, msg: dict[str, Any], output: dict[str, Any]) -> Failed:
        message = _str(output.get("error")) or HIDDEN_ERROR
        if len(message) > 1 and message[0] == message[-1] == "'":
            message = message[1:-1]  # Gradio before 4.9 sends repr() of gr.Error's message
        title = _str(msg.get("title")) or _str(output.get("title")) or "Error"
        return Failed(message=message, title=title)


def _progress_units(raw: Any) -> list[ProgressUnit]:
    units = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, dict):
            units.append(
                ProgressUnit(
                    index=_int(item.get("index")),
                    length=_int(item.get("length")),
                    unit=_str(item.get("unit")),
                    progress=_float(item.get("progress")),
                    desc=_str(item.get("desc")),
                )
            )
    return units


def _int(value: Any) -> int | None:
    """A whole number the app sent, if it is one of sensible size."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) <= LARGEST_NUMBER:
        return value
    return None


def _float(value: Any) -> float | None:
    """A number the app sent, if it is finite and of sensible size (not NaN, not 10**4000)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, int) and abs(value) > LARGEST_NUMBER:
        return None
    number = float(value)
    return number if math.isfinite(number) and abs(number) <= LARGEST_NUMBER else None


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""
