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

from gradioshell.gradio.call import Call, Message
from gradioshell.gradio.errors import AuthenticationRequired, ConnectionFailed, HTTPError
from gradioshell.gradio.limits import too_large
from gradioshell.gradio.models import Endpoint
from gradioshell.gradio.protocols.base import PerCallTransport, idle_limited

if TYPE_CHECKING:
    from gradioshell.gradio.client import GradioApp

log = logging.getLogger(__name__)

TERMINAL = ("process_completed", "queue_full")
#: Headers of the HTTP client that the websocket handshake must not copy.
SKIPPED_HEADERS = ("accept", "accept-encoding", "connection", "user-agent", "host")
#: The close code 3.x uses when a protected app gets a socket without a login.
POLICY_VIOLATION = 1008
#: The close code sent when a message is over the size limit.
MESSAGE_TOO_BIG = 1009


class WebSocketTransport(PerCallTransport):
    def __init__(self, app: GradioApp) -> None:
        super().__init__()
        self._app = app

    @property
    def url(self) -> str:
        api = httpx.URL(self._app.api_url + "/queue/join")
        return str(api.copy_with(scheme="wss" if api.scheme == "https" else "ws"))

    async def submit(self, endpoint: Endpoint, data: list[Any]) -> Call:
        async def feed(call: Call, queue: asyncio.Queue[Message]) -> None:
            await self._talk(endpoint, data, queue)

        return self.start(endpoint, feed, self._app.api_url, on_cancel=self._cancel)

    async def _headers(self) -> dict[str, str]:
        """The headers an HTTP request to the same route would carry: the client's own,
        its cookies (a login), and what its request hooks add (a Hub token)."""
        http = self._app.http
        request = http.build_request("GET", self._app.api_url + "/queue/join")
        for hook in http.event_hooks["request"]:
            await hook(request)
        return {k: v for k, v in request.headers.items() if k.lower() not in SKIPPED_HEADERS}

    def _ssl(self) -> ssl.SSLContext | None:
        if not self.url.startswith("wss:"):
            return None
        tls = self._app.tls
        context = tls if isinstance(tls, ssl.SSLContext) else ssl.create_default_context()
        if not self._app.verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context

    async def _talk(
        self, endpoint: Endpoint, data: list[Any], queue: asyncio.Queue[Message]
    ) -> None:
        from websockets.asyncio.client import connect
        from websockets.exceptions import ConnectionClosed, InvalidStatus, WebSocketException

        app = self._app
        hello = {"fn_index": endpoint.fn_index, "session_hash": app.session_hash}
        where = str(httpx.URL(app.url).copy_with(path="/")).rstrip("/")
        try:
            async with connect(
                self.url,
                additional_headers=await self._headers(),
                user_agent_header=app.http.headers.get("user-agent"),
                open_timeout=app.timeouts.connect,
                max_size=app.limits.json,
                ssl=self._ssl(),
            ) as socket:
                # 3.x sends no heartbeats: a call that says nothing for the idle limit is stuck.
                async for raw in idle_limited(socket, app.timeouts.stream_idle, app.url):
                    try:
                        msg = json.loads(raw)
                    except ValueError:
                        log.debug("ignoring a websocket message that is not JSON: %.200r", raw)
                        continue
                    if not isinstance(msg, dict):
                        continue
                    kind = msg.get("msg")
                    if kind == "send_hash":
                        await socket.send(json.dumps(hello))
                    elif kind == "send_data":
                        await socket.send(json.dumps({**hello, "data": data, "event_data": None}))
                    else:
                        queue.put_nowait(msg)
                        if kind in TERMINAL:
                            return
                code = socket.close_code
        except InvalidStatus as exc:
            status = exc.response.status_code
            if status in (401, 403):
                raise AuthenticationRequired("the app requires a login", status) from None
            raise HTTPError(f"/queue/join: HTTP {status}", status) from None
        except ConnectionClosed as exc:
            if exc.sent is not None and exc.sent.code == MESSAGE_TOO_BIG:
                raise too_large("stream message", app.limits.json) from None
            code = exc.rcvd.code if exc.rcvd is not None else None
        except (OSError, asyncio.TimeoutError, WebSocketException) as exc:
            reason = str(exc) or type(exc).__name__
            raise ConnectionFailed(f"cannot connect to {where}: {reason}") from None
        if code == POLICY_VIOLATION:
            raise AuthenticationRequired("the app requires a login")
        raise ConnectionFailed(f"the connection to {where} was lost during the call")

    async def _cancel(self, call: Call) -> None:
        payload = {"session_hash": self._app.session_hash, "fn_index": call.endpoint.fn_index}
        try:
            await self._app.http.post(self._app.api_url + "/reset", json=payload, timeout=3.0)
        except httpx.HTTPError as exc:
            log.debug("reset request failed: %s", exc)
