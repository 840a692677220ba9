"""Gradio 3.x with the queue: one websocket on ``queue/join`` per call.

The app asks ``send_hash`` (we answer with fn_index and session_hash), reports the queue
(``estimation``), asks ``send_data`` (we send the inputs), then streams ``process_starts``,
``process_generating`` and ``process_completed``, the same messages later versions send
over SSE. Closing the socket makes the app drop the call; ``POST reset`` stops a generator.

Uses the ``websockets`` library, imported only when a 3.x app is called.
"""

from __future__ import annotations

import asyncio
import json
import logging
import ssl
from typing import TYPE_CHECKING, Any

import httpx

from gradioshell.gradio.errors import AuthenticationRequired, ConnectionFailed, HTTPError
from gradioshell.gradio.limits import too_large
from gradioshell.gradio.protocols.base import PerCallTransport, idle_limited
from gradioshell.gradio.sse import parse_message

if TYPE_CHECKING:
    from gradioshell.gradio.call import Call, MessageQueue
    from gradioshell.gradio.channel import Channel
    from gradioshell.gradio.models import Endpoint

log = logging.getLogger(__name__)

TERMINAL = ("process_completed", "queue_full")
#: The close code 3.x uses when a protected app gets a socket without a login.
POLICY_VIOLATION = 1008
#: The close code sent when a message is over the size limit.
MESSAGE_TOO_BIG = 1009


#: Redirects of the handshake followed at most.
MAX_REDIRECTS = 10


class _Redirected(Exception):
    """The handshake was redirected to ``location``: the next hop is made afresh, with the
    credentials the app's client gives that URL (never those of the previous hop)."""

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


def _connect_class() -> Any:
    """websockets' ``connect``, made to hand redirects back instead of following them: on a
    redirect it would keep every header but Authorization and Cookie (X-HF-Authorization
    among them) for the next origin."""
    from websockets.asyncio.client import connect

    class HopByHop(connect):
        def process_redirect(self, exc: Exception) -> Exception | str:
            target = super().process_redirect(exc)
            return _Redirected(target) if isinstance(target, str) else target

    return HopByHop


class WebSocketTransport(PerCallTransport):
    def __init__(self, channel: Channel) -> None:
        super().__init__(channel)

    @property
    def url(self) -> str:
        api = httpx.URL(self._channel.api_url + "/queue/join")
        return str(api.copy_with(scheme="wss" if api.scheme == "https" else "ws"))

    async def submit(self, endpoint: Endpoint, data: list[Any]) -> Call:
        async def feed(call: Call, queue: MessageQueue) -> None:
            await self._talk(endpoint, data, queue)

        return self.start(endpoint, feed, self._channel.api_url, on_cancel=self._cancel)

    def _ssl(self, url: str) -> ssl.SSLContext | None:
        if not url.startswith("wss:"):
            return None
        tls = self._channel.tls
        context = tls if isinstance(tls, ssl.SSLContext) else ssl.create_default_context()
        if not self._channel.verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context

    async def _talk(self, endpoint: Endpoint, data: list[Any], queue: MessageQueue) -> None:
        from websockets.exceptions import ConnectionClosed, InvalidStatus, WebSocketException

        channel = self._channel
        hello = {"fn_index": endpoint.fn_index, "session_hash": channel.session_hash}
        where = str(httpx.URL(channel.url).copy_with(path="/")).rstrip("/")
        connect = _connect_class()
        url = self.url
        code: int | None = None
        try:
            for _ in range(MAX_REDIRECTS + 1):
                log.debug("websocket handshake with %s", url)
                try:
                    async with connect(
                        url,
                        additional_headers=await channel.headers_for(url),
                        user_agent_header=channel.user_agent,
                        open_timeout=channel.timeouts.connect,
                        max_size=channel.limits.json,
                        ssl=self._ssl(url),
                    ) as socket:
                        finished, code = await self._exchange(socket, hello, data, queue)
                        if finished:
                            return
                        break
                except _Redirected as hop:
                    log.debug("the websocket handshake was redirected to %s", hop.location)
                    url = hop.location
            else:
                raise ConnectionFailed(f"{where} redirected the call too many times")
        except InvalidStatus as exc:
            status = exc.response.status_code
            if status in (401, 403):
                raise AuthenticationRequired("the app requires a login", status) from None
            raise HTTPError(f"/queue/join: HTTP {status}", status) from None
        except ConnectionClosed as exc:
            if exc.sent is not None and exc.sent.code == MESSAGE_TOO_BIG:
                raise too_large("stream message", channel.limits.json) from None
            code = exc.rcvd.code if exc.rcvd is not None else None
        except (OSError, asyncio.TimeoutError, WebSocketException) as exc:
            reason = str(exc) or type(exc).__name__
            raise ConnectionFailed(f"cannot connect to {where}: {reason}") from None
        if code == POLICY_VIOLATION:
            raise AuthenticationRequired("the app requires a login")
        raise ConnectionFailed(f"the connection to {where} was lost during the call")

    async def _exchange(
        self, socket: Any, hello: dict[str, Any], data: list[Any], queue: MessageQueue
    ) -> tuple[bool, int | None]:
        """Talk the call through: (True, None) when it ended, else (False, the close code of
        the socket)."""
        channel = self._channel
        # 3.x sends no heartbeats: a call that says nothing for the idle limit is stuck.
        async for raw in idle_limited(socket, channel.timeouts.stream_idle, channel.url):
            msg = parse_message(raw, channel.limits.depth, "stream message")
            if msg is None:
                continue
            kind = msg.get("msg")
            if kind == "send_hash":
                await socket.send(json.dumps(hello))
            elif kind == "send_data":
                await socket.send(json.dumps({**hello, "data": data, "event_data": None}))
            else:
                self.put(queue, msg, len(raw))
                if kind in TERMINAL:
                    return True, None
        code: int | None = socket.close_code
        return False, code

    async def _cancel(self, call: Call) -> None:
        payload = {"session_hash": self._channel.session_hash, "fn_index": call.endpoint.fn_index}
        await self._channel.notify(self._channel.api_url + "/reset", payload)
