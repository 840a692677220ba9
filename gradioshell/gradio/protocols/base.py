"""What the transports share: the stream idle limit, and a call fed by one background task."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Coroutine, Hashable
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

import httpx

from gradioshell.gradio.call import Call, MessageQueue, buffer_full
from gradioshell.gradio.errors import GradioError, ProtocolError, TimedOut
from gradioshell.gradio.http import transport_error

if TYPE_CHECKING:
    from gradioshell.gradio.channel import Channel
    from gradioshell.gradio.models import Endpoint

log = logging.getLogger(__name__)

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)

#: The work of one call: reads the app's messages and puts them on the call's queue.
Feeder = Callable[[Call, MessageQueue], Coroutine[Any, Any, None]]


class Transport(Protocol):
    """One way of running calls for an app."""

    async def submit(self, endpoint: Endpoint, data: list[Any]) -> Call: ...

    async def close(self) -> None: ...


def inputs_payload(channel: Channel, endpoint: Endpoint, data: list[Any]) -> dict[str, Any]:
    """The body that carries a call's inputs to every queue and route: the values, the event
    (by index) and the session."""
    return {
        "data": data,
        "fn_index": endpoint.fn_index,
        "session_hash": channel.session_hash,
        "event_data": None,
    }


# -- the stream idle limit ---------------------------------------------------------------


def idle_error(who: str, limit: float, heartbeats: bool = True) -> TimedOut:
    """The error of a call whose stream went quiet for ``limit`` seconds: ``who`` sent
    nothing but heartbeats (or, on a transport without them, nothing at all)."""
    what = "nothing but heartbeats" if heartbeats else "nothing"
    return TimedOut(f"{who} sent {what} for {limit:g} s (the stream idle limit); gave up waiting")


class IdleClock(Generic[K]):
    """The stream idle limit, kept per call on a stream that may serve several.

    A call's clock starts when it starts waiting (:meth:`start`) and starts again with each
    message for it (:meth:`touch`); heartbeats and messages for other calls leave it as it
    is, so they never keep a call alive. With no call on it, the stream has a clock of its
    own, running from when the last call stopped: a stream nobody has waited on for the
    limit is not worth keeping open.

    Both kinds of stream use it: the session stream of 4.9+ with one clock per event id,
    and :func:`idle_limited`, for a stream of one call, with one clock.
    """

    def __init__(self, limit: float) -> None:
        self.limit = limit
        self._last: dict[K, float] = {}
        self._quiet = time.monotonic()

    def start(self, key: K) -> None:
        """``key``'s call starts waiting: its clock starts."""
        self._last[key] = time.monotonic()

    def touch(self, key: K) -> None:
        """A message for ``key``'s call: its clock starts again (if it has one)."""
        if key in self._last:
            self._last[key] = time.monotonic()

    def stop(self, key: K) -> None:
        """``key``'s call stopped waiting (it ended, or was abandoned)."""
        self._last.pop(key, None)
        self._quiet = time.monotonic()

    def stop_all(self) -> None:
        self._last.clear()
        self._quiet = time.monotonic()

    def remaining(self) -> float:
        """Seconds until the first clock runs out (0 if one has)."""
        now = time.monotonic()
        oldest = min(self._last.values(), default=self._quiet)
        return max(oldest + self.limit - now, 0.0)

    async def wait(self, pending: asyncio.Future[Any]) -> bool:
        """Wait for ``pending`` until the first clock runs out: whether it came in time."""
        done, _ = await asyncio.wait({pending}, timeout=self.remaining())
        return bool(done)

    def expire(self) -> list[K]:
        """Stop the clocks that ran out and return their keys (the stream idles from now)."""
        now = time.monotonic()
        expired = [key for key, last in self._last.items() if now - last >= self.limit]
        for key in expired:
            del self._last[key]
        self._quiet = now
        return expired


async def idle_limited(
    items: AsyncIterable[T],
    limit: float,
    who: str,
    heartbeat: Callable[[T], bool] | None = None,
) -> AsyncIterator[T]:
    """``items`` as they come, until ``limit`` seconds pass with nothing but heartbeats
    (or nothing at all): then :class:`TimedOut`, as the call is taken to be stuck."""
    clock: IdleClock[None] = IdleClock(limit)
    clock.start(None)
    iterator = aiter(items)
    while True:
        pending = asyncio.ensure_future(anext(iterator))
        try:
            if not await clock.wait(pending):
                raise idle_error(who, limit, heartbeats=heartbeat is not None)
            try:
                item = pending.result()
            except StopAsyncIteration:
                return
        finally:
            if not pending.done():
                pending.cancel()
                await asyncio.wait({pending})
        if heartbeat is None or not heartbeat(item):
            clock.touch(None)
        yield item


# -- transports with one connection per call ---------------------------------------------


class PerCallTransport:
    """A transport that opens one connection per call (3.x websocket, 4.0–4.8 sse, http).

    The connection lives in a task; when the call ends, or is abandoned, the task is
    cancelled, which closes the connection.
    """

    def __init__(self, channel: Channel) -> None:
        self._channel = channel
        self._tasks: set[asyncio.Task[None]] = set()

    def put(self, queue: MessageQueue, message: dict[str, Any], size: int) -> None:
        """Hand a message to its call, or fail the call if it holds too much already."""
        if not queue.put_sized(message, size):
            raise buffer_full(self._channel.limits.buffer)

    def start(
        self,
        endpoint: Endpoint,
        feed: Feeder,
        where: str,
        on_cancel: Callable[[Call], Awaitable[None]] | None = None,
    ) -> Call:
        queue = MessageQueue(self._channel.limits.buffer)
        tasks: list[asyncio.Task[None]] = []

        def finish(call: Call) -> None:
            for task in tasks:
                if not task.done() and task is not asyncio.current_task():
                    task.cancel()

        call = Call(
            endpoint,
            None,
            queue,
            diffs=False,
            on_cancel=on_cancel,
            on_finish=finish,
            depth=self._channel.limits.depth,
        )
        task = asyncio.create_task(self._guard(feed(call, queue), queue, where))
        tasks.append(task)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return call

    @staticmethod
    async def _guard(work: Coroutine[Any, Any, None], queue: MessageQueue, where: str) -> None:
        try:
            await work
        except asyncio.CancelledError:
            raise
        except GradioError as exc:
            queue.put_nowait(exc)
        except httpx.HTTPError as exc:
            queue.put_nowait(transport_error(exc, where))
        except Exception as exc:  # a bug must not hang the call waiting on this task
            log.exception("call transport failed")
            queue.put_nowait(ProtocolError(f"the call failed: {type(exc).__name__}: {exc}"))

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
