"""What the per-call transports share: a call fed by one background task."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import httpx

from gradioshell.gradio.call import Call, Message
from gradioshell.gradio.errors import GradioError, ProtocolError
from gradioshell.gradio.models import Endpoint

log = logging.getLogger(__name__)

#: The work of one call: reads the app's messages and puts them on the call's queue.
Feeder = Callable[[Call, "asyncio.Queue[Message]"], Coroutine[Any, Any, None]]


class PerCallTransport:
    """A transport that opens one connection per call (3.x websocket, 4.0–4.8 sse, http).

    The connection lives in a task; when the call ends, or is abandoned, the task is
    cancelled, which closes the connection.
    """

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def start(
        self,
        endpoint: Endpoint,
        feed: Feeder,
        where: str,
        on_cancel: Callable[[Call], Awaitable[None]] | None = None,
    ) -> Call:
        queue: asyncio.Queue[Message] = asyncio.Queue()
        tasks: list[asyncio.Task[None]] = []

        def finish(call: Call) -> None:
            for task in tasks:
                if not task.done() and task is not asyncio.current_task():
                    task.cancel()

        call = Call(endpoint, None, queue, diffs=False, on_cancel=on_cancel, on_finish=finish)
        task = asyncio.create_task(self._guard(feed(call, queue), queue, where))
        tasks.append(task)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return call

    @staticmethod
    async def _guard(
        work: Coroutine[Any, Any, None], queue: asyncio.Queue[Message], where: str
    ) -> None:
        from gradioshell.gradio.client import transport_error

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
            queue.put_nowait(ProtocolError(f"the call failed: {exc}"))

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
