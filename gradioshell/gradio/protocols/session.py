"""Gradio 4.9 and later (``sse_v1`` to ``sse_v3``): one event stream per session.

Each call is posted to ``queue/join``, which answers its ``event_id``; the session's single
``GET queue/data`` stream then carries the messages of all its calls, each tagged with its
``event_id``, and :class:`SessionStream` routes them to their calls. From ``sse_v2`` the
``process_generating`` messages after a call's first carry diffs; ``sse_v3`` ends every
stream with ``close_stream``, so a stream that ends without it was cut.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Any

import httpx

from gradioshell.gradio import sse
from gradioshell.gradio.call import SESSION_LOST, Call, MessageQueue, SessionNotFound, buffer_full
from gradioshell.gradio.errors import ConnectionFailed, GradioError, ProtocolError
from gradioshell.gradio.http import error_answer, status_error, transport_error
from gradioshell.gradio.limits import parse_json
from gradioshell.gradio.protocols.base import IdleClock, idle_error, inputs_payload
from gradioshell.gradio.protocols.catalog import DIFF_PROTOCOLS

if TYPE_CHECKING:
    from gradioshell.gradio.channel import Channel
    from gradioshell.gradio.models import Endpoint

log = logging.getLogger(__name__)


class SessionStream:
    """The session's single event stream (``queue/data``), shared by all its running calls.

    Messages are routed to calls by ``event_id``. The stream is opened while any call
    is pending and reopened if the server closes it early.

    What an app can make it hold is bounded: messages for calls not (yet) listening are
    kept up to ``MAX_EARLY`` calls, ``MAX_EARLY`` messages each and the buffer limit in
    bytes; a call's own messages not yet taken, up to the buffer limit. And each call has
    its own idle clock (:class:`~.base.IdleClock`): messages for other calls (or
    heartbeats) never keep it alive.

    ``protocol`` is the app's (``sse_v1`` … ``sse_v3``); the app keeps it current.
    """

    MAX_EMPTY_REOPENS = 5
    MAX_EARLY = 256

    def __init__(self, channel: Channel, protocol: str | None = None) -> None:
        self._channel = channel
        self.protocol = protocol
        self._listeners: dict[str, MessageQueue] = {}
        self._clock: IdleClock[str] = IdleClock(channel.timeouts.stream_idle)
        self._early: dict[str, list[tuple[dict[str, Any], int]]] = {}
        self._early_bytes = 0
        self._task: asyncio.Task[None] | None = None
        #: While the stream is read: the task reading it, and the timer of the idle clocks.
        self._reader: asyncio.Task[Any] | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._idle = False  # the timer stopped the reading

    # -- calls ------------------------------------------------------------------------

    async def submit(self, endpoint: Endpoint, data: list[Any]) -> Call:
        """Post the call to ``queue/join`` and listen for its messages on the stream."""
        channel = self._channel
        payload = {**inputs_payload(channel, endpoint, data), "trigger_id": None}
        response = await channel.request("POST", channel.api_url + "/queue/join", json=payload)
        event_id = _json(response, "queue/join", channel.limits.depth).get("event_id")
        if not isinstance(event_id, str):
            raise ProtocolError("the app did not return an event id for the call")
        queue = self.listen(event_id)
        return Call(
            endpoint,
            event_id,
            queue,
            diffs=self.protocol in DIFF_PROTOCOLS,
            on_cancel=self._cancel,
            on_finish=lambda call: self.forget(call.event_id),
            depth=channel.limits.depth,
        )

    async def _cancel(self, call: Call) -> None:
        channel = self._channel
        payload = {
            "session_hash": channel.session_hash,
            "fn_index": call.endpoint.fn_index,
            "event_id": call.event_id,
        }
        status = await channel.notify(channel.api_url + "/cancel", payload)
        if status in (404, 405):
            # Before 4.29 there is no /cancel; /reset stops the event instead.
            await channel.notify(channel.api_url + "/reset", {"event_id": call.event_id})

    def listen(self, event_id: str) -> MessageQueue:
        """The queue of ``event_id``'s messages (those already come first); the stream is
        opened if it is not."""
        queue = MessageQueue(self._channel.limits.buffer)
        for msg, size in self._early.pop(event_id, []):
            self._early_bytes -= size
            queue.put_sized(msg, size)
        self._listeners[event_id] = queue
        self._clock.start(event_id)
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run())
        return queue

    def forget(self, event_id: str | None) -> None:
        """``event_id``'s call ended or was abandoned: nothing more is kept for it."""
        if event_id is not None:
            self._listeners.pop(event_id, None)
            self._clock.stop(event_id)
            for _, size in self._early.pop(event_id, []):
                self._early_bytes -= size

    async def close(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task

    # -- the stream -------------------------------------------------------------------

    async def _run(self) -> None:
        channel = self._channel
        empty_reopens = 0
        try:
            while self._listeners:
                delivered, ended = await self._read_once()
                if ended == "idle":
                    continue  # nobody listened for a while: closed, reopened if need be
                if ended == "cut" and self.protocol == "sse_v3" and self._listeners:
                    # sse_v3 always ends a stream with close_stream: this one was cut.
                    raise ConnectionFailed(f"the connection to {channel.url} was lost")
                if delivered:
                    empty_reopens = 0
                    continue
                empty_reopens += 1
                if empty_reopens > self.MAX_EMPTY_REOPENS:
                    raise ProtocolError("the app closed its event stream with calls still pending")
                await asyncio.sleep(0.05 * empty_reopens)
        except asyncio.CancelledError:
            raise
        except GradioError as exc:
            if isinstance(exc, ConnectionFailed):
                channel.stale = True
            self._broadcast(exc)
        except httpx.HTTPError as exc:
            channel.stale = True
            self._broadcast(transport_error(exc, channel.api_url + "/queue/data"))
        except Exception as exc:  # a bug must not hang the calls waiting on this stream
            log.exception("event stream failed")
            self._broadcast(ProtocolError(f"event stream failed: {type(exc).__name__}: {exc}"))

    async def _read_once(self) -> tuple[int, str]:
        """Read the stream to its end: (messages delivered, how it ended: ``closed`` by
        close_stream, ``cut`` without it, or ``idle``: no call listened for the idle limit).

        The messages are read here, one after the other, with no task or wait of their own:
        the idle limit is kept by a timer beside the reading (:meth:`_on_timer`)."""
        channel = self._channel
        delivered = 0
        ended = "cut"
        params: dict[str, str | int] = {"session_hash": channel.session_hash}
        async with channel.event_stream(channel.api_url + "/queue/data", params) as response:
            if response.status_code >= 400:
                if response.status_code == 404:
                    channel.stale = True
                    raise SessionNotFound(SESSION_LOST)
                raise status_error(await error_answer(response))
            channel.answered()
            messages = sse.sized_messages(response, channel.limits.json, channel.limits.depth)
            self._reader = asyncio.current_task()
            self._idle = False
            self._arm(self._clock.remaining())
            try:
                async for msg, size in messages:
                    kind = msg.get("msg")
                    if kind == "close_stream":
                        ended = "closed"
                        break
                    channel.answered()
                    if kind == "heartbeat":
                        continue
                    event_id = msg.get("event_id")
                    if not isinstance(event_id, str):
                        if kind == "unexpected_error":
                            if msg.get("session_not_found"):
                                channel.stale = True
                            for queue in self._listeners.values():
                                queue.put_nowait(msg)
                            self._listeners.clear()
                            self._clock.stop_all()
                            delivered += 1
                        continue
                    delivered += 1
                    self._deliver(event_id, msg, size)
            except asyncio.CancelledError:
                if not self._idle or not _uncancelled(self._reader):
                    raise
                ended = "idle"  # the timer stopped the reading: nobody listened for a while
            finally:
                self._disarm()
                self._reader = None
                await messages.aclose()
        return delivered, ended

    def _arm(self, delay: float) -> None:
        self._timer = asyncio.get_running_loop().call_later(delay, self._on_timer)

    def _disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _on_timer(self) -> None:
        """The first idle clock may have run out. Clocks only ever move later, so the timer
        is set again for when the first one now runs out, if none has. When one has: the
        calls that had nothing but heartbeats (or nothing at all) for the stream idle limit
        are given up; when no call has listened for that long, the reading stops (the
        stream is not worth keeping open)."""
        self._timer = None
        remaining = self._clock.remaining()
        if remaining > 0:
            self._arm(remaining)
            return
        if not self._listeners:
            if self._reader is not None:
                self._idle = True
                self._reader.cancel()
            return
        error = idle_error(self._channel.url, self._clock.limit)
        for event_id in self._clock.expire():
            queue = self._listeners.pop(event_id, None)
            if queue is not None:
                queue.put_nowait(error)
        self._arm(self._clock.remaining())

    def _deliver(self, event_id: str, msg: dict[str, Any], size: int) -> None:
        terminal = msg.get("msg") in ("process_completed", "unexpected_error")
        queue = self._listeners.get(event_id)
        if queue is None:
            self._hold(event_id, msg, size)
            return
        self._clock.touch(event_id)
        if not queue.put_sized(msg, size):
            # The call is not taking its messages as fast as the app sends them.
            queue.put_nowait(buffer_full(self._channel.limits.buffer))
            terminal = True
        if terminal:
            self._listeners.pop(event_id, None)
            self._clock.stop(event_id)

    def _hold(self, event_id: str, msg: dict[str, Any], size: int) -> None:
        """Keep a message for a call that is not listening yet (it may be about to), bounded
        in calls, messages per call and bytes in all, whatever the app sends."""
        limit = self._channel.limits.buffer
        if size > limit:
            return
        if event_id not in self._early and len(self._early) >= self.MAX_EARLY:
            self._drop_early(next(iter(self._early)))
        while self._early and self._early_bytes + size > limit:
            self._drop_early(next(iter(self._early)))
        early = self._early.setdefault(event_id, [])
        early.append((msg, size))
        self._early_bytes += size
        if len(early) > self.MAX_EARLY:
            self._early_bytes -= early.pop(0)[1]

    def _drop_early(self, event_id: str) -> None:
        for _, size in self._early.pop(event_id, []):
            self._early_bytes -= size

    def _broadcast(self, exc: BaseException) -> None:
        for queue in self._listeners.values():
            queue.put_nowait(exc)
        self._listeners.clear()
        self._clock.stop_all()


def _uncancelled(task: asyncio.Task[Any] | None) -> bool:
    """Take back the one cancellation the idle timer made: whether no other is pending (a
    cancellation from elsewhere, which must go on). Before Python 3.11 they cannot be told
    apart; the timer's is the only one that can come while no call listens but close()."""
    uncancel = getattr(task, "uncancel", None)
    return uncancel is None or uncancel() == 0


def _json(response: httpx.Response, what: str, depth: int) -> dict[str, Any]:
    try:
        body = parse_json(response.content, depth, "answer to " + what)
    except ValueError:
        raise ProtocolError(f"the app's answer to {what} is not JSON") from None
    if not isinstance(body, dict):
        raise ProtocolError(f"the app's answer to {what} is not a JSON object")
    return body
