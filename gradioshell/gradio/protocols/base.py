"""What the per-call transports share: a call fed by one background task."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from gradioshell.gradio.call import Call, MessageQueue, buffer_full
from gradioshell.gradio.errors import GradioError, ProtocolError, TimedOut
from gradioshell.gradio.models import Endpoint

if TYPE_CHECKING:
    from gradioshell.gradio.client import GradioApp

log = logging.getLogger(__name__)

T = TypeVar("T")

#: The work of one call: reads the app's messages and puts them on the call's queue.
Feeder = Callable[[Call, MessageQueue], Coroutine[Any, Any, None]]


async def idle_limited(
    items: AsyncIterable[T],
    limit: float,
    who: str,
    heartbeat: Callable[[T], bool] | None = None,
) -> AsyncIterator[T]:
    """``items`` as they come, until ``limit`` seconds pass with nothing but heartbeats
    (or nothing at all): then :class:`TimedOut`, as the call is taken to be stuck."""
    iterator = aiter(items)
    last = time.monotonic()
    while True:
        remaining = last + limit - time.monotonic()
        try:
            item = await asyncio.wait_for(anext(iterator), max(remaining, 0.0))
        except StopAsyncIteration:
            return
        except asyncio.TimeoutError:
            what = "nothing but heartbeats" if heartbeat is not None else "nothing"
            raise TimedOut(
                f"{who} sent {what} for {limit:g} s (the stream idle limit); gave up waiting"
            ) from None
        if heartbeat is None or not heartbeat(item):
            last = time.monotonic()
        yield item


class PerCallTransport:
    """A transport that opens one connection per call (3.x websocket, 4.0–4.8 sse, http).

    The connection lives in a task; when the call ends, or is abandoned, the task is
    cancelled, which closes the connection.
    """

    def __init__(self, app: GradioApp) -> None:
        self._app = app
        self._tasks: set[asyncio.Task[None]] = set()

    def put(self, queue: MessageQueue, message: dict[str, Any], size: int) -> None:
        """Hand a message to its call, or fail the call if it holds too much already."""
        if not queue.put_sized(message, size):
            raise buffer_full(self._app.limits.buffer)

    def start(
        self,
        endpoint: Endpoint,
        feed: Feeder,
        where: str,
        on_cancel: Callable[[Call], Awaitable[None]] | None = None,
    ) -> Call:
        queue = MessageQueue(self._app.limits.buffer)
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
            depth=self._app.limits.depth,
        )
        task = asyncio.create_task(self._guard(feed(call, queue), queue, where))
        tasks.append(task)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return call

    @staticmethod
    async def _guard(work: Coroutine[Any, Any, None], queue: MessageQueue, where: str) -> None:
        from gradioshell.gradio.http import transport_error

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
