"""What a transport sees of an app: where it is, the session, and one way to send to it.

A :class:`Channel` is owned by a :class:`~gradioshell.gradio.client.GradioApp`, and it is
all that the transports (``protocols/``), the heartbeat and the file functions get: the
app's URL and API URL, the session hash, the bounds and timeouts, and the app's HTTP client
behind :meth:`~Channel.request` (a whole answer, bounded and with a deadline) and
:meth:`~Channel.stream` (an answer read as it comes). Credentials are not its business:
the client's request hook adds them, per request and per redirect hop, and
:meth:`~Channel.headers_for` asks that hook for a connection made outside httpx.

Whether the app still knows this session is tracked here too, as requests come and go:
``stale`` after a lost connection, and ``last_answer``. The app reads them before a call.
"""

from __future__ import annotations

import contextlib
import logging
import ssl
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx

from gradioshell.gradio.errors import GradioError
from gradioshell.gradio.http import deadline, headers_for, status_error, transport_error
from gradioshell.gradio.limits import Limits, Timeouts, read_capped

log = logging.getLogger(__name__)

#: Headers of a request for an event stream: no answer from a cache, ever.
EVENT_STREAM = {"Accept": "text/event-stream", "Cache-Control": "no-store"}


def new_session_hash() -> str:
    return uuid.uuid4().hex[:12]


class Channel:
    """One app's connection and session, as its transports use them.

    ``api_url`` is ``url`` with the app's API prefix (``/gradio_api`` from 5.0), and
    ``upload_limit`` the app's own limit per uploaded file: the app sets both from its
    config. ``tls`` is what verifies the app's certificate (False: nothing), for the
    connections made outside the client (a websocket, a file on another host).
    """

    def __init__(
        self,
        url: str,
        http: httpx.AsyncClient,
        *,
        timeouts: Timeouts | None = None,
        limits: Limits | None = None,
        tls: ssl.SSLContext | bool = True,
    ) -> None:
        self.url = url
        self.api_url = url
        self.http = http
        self.timeouts = timeouts or Timeouts()
        self.limits = limits or Limits()
        self.tls = tls
        self.session_hash = new_session_hash()
        #: Set when the app may have been restarted: the next call refreshes first.
        self.stale = False
        #: When the app last answered anything (a request, a stream message).
        self.last_answer = time.monotonic()
        self.upload_limit: int | None = None
        #: Server paths of this session's uploads → the local files they came from.
        self.uploaded_from: dict[str, Path] = {}

    def __repr__(self) -> str:
        return f"Channel({self.url!r})"

    @property
    def verify(self) -> bool:
        """Whether the app's certificate is verified."""
        return self.tls is not False

    @property
    def user_agent(self) -> str | None:
        agent: str | None = self.http.headers.get("user-agent")
        return agent

    def new_session(self) -> None:
        """Take a new session hash (the app no longer knows the old one)."""
        self.session_hash = new_session_hash()

    def answered(self) -> None:
        """The app just answered: it is up, and knows the session as far as can be told."""
        self.last_answer = time.monotonic()

    async def request(
        self,
        method: str,
        url: str,
        *,
        check: bool = True,
        within: float | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """Send a request; raise a :class:`GradioError` for faults, and for error statuses
        unless ``check`` is false (the caller reads the app's answer to a failure itself).

        The answer is read whole, up to the JSON size limit, all within ``within`` seconds
        (by default the request deadline of the settings).
        """
        seconds = self.timeouts.request if within is None else within
        path = httpx.URL(url).path

        follow = kwargs.pop("follow_redirects", True)

        async def send() -> tuple[httpx.Response, bytes]:
            request = self.http.build_request(method, url, **kwargs)
            response = await self.http.send(request, stream=True, follow_redirects=follow)
            try:
                what = "answer to " + request.url.path  # parsed once, by build_request
                return response, await read_capped(response, self.limits.json, what)
            finally:
                await response.aclose()

        try:
            response, body = await deadline(send(), seconds, f"the answer to {path}")
        except httpx.HTTPError as exc:
            self.stale = True
            raise transport_error(exc, url) from exc
        self.answered()
        headers = [
            (k, v)
            for k, v in response.headers.multi_items()
            if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")
        ]
        response = httpx.Response(
            response.status_code, headers=headers, content=body, request=response.request
        )
        if check and response.status_code >= 400:
            raise status_error(response)
        return response

    def stream(
        self, method: str, url: str, **kwargs: Any
    ) -> contextlib.AbstractAsyncContextManager[httpx.Response]:
        """An answer to read as it comes (``async with``); its status is the caller's to check."""
        return self.http.stream(method, url, **kwargs)

    @contextlib.asynccontextmanager
    async def event_stream(
        self, url: str, params: dict[str, str | int] | None = None
    ) -> AsyncIterator[httpx.Response]:
        """``GET url`` as a server-sent event stream: each read may wait as long as a stream
        may idle (the idle limit itself is kept by the transport, per call)."""
        timeout = httpx.Timeout(self.timeouts.stream_idle, connect=self.timeouts.connect)
        async with self.http.stream(
            "GET", url, params=params, headers=EVENT_STREAM, timeout=timeout
        ) as response:
            yield response

    async def notify(self, url: str, payload: dict[str, Any]) -> int | None:
        """POST ``payload`` to a route whose answer hardly matters (cancel, reset): briefly,
        reading little of the answer. Its status, or None if it failed (logged)."""
        follow = "the answer to " + httpx.URL(url).path

        async def send() -> int:
            async with self.http.stream("POST", url, json=payload, timeout=3.0) as response:
                await read_capped(response, 64 * 1024, follow)
                return response.status_code

        try:
            return await deadline(send(), 5.0, follow, "")
        except (httpx.HTTPError, GradioError) as exc:
            log.debug("request to %s failed: %s", url, exc)
            return None

    async def headers_for(self, url: str) -> dict[str, str]:
        """The headers (cookies and credentials included) a request to ``url`` carries from
        this app's client: what a connection made outside it (a websocket) must send."""
        return await headers_for(self.http, url)

    async def close(self) -> None:
        await self.http.aclose()
