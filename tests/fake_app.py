"""An app on the far side of a :class:`~gradioshell.gradio.channel.Channel`, in-process.

The channel's HTTP client sends its requests to a :class:`FakeApp` (through
``httpx.MockTransport``) instead of a server: the test decides every answer and writes the
bytes of each event stream as it goes, so the transports run as they do against Gradio,
without starting it, and with timings of a fraction of a second.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx

from gradioshell.gradio.channel import Channel
from gradioshell.gradio.limits import Limits, Timeouts

URL = "http://app.test"
API = URL + "/gradio_api"

#: How the test answers one path itself (an answer, or an error raised as httpx would).
Route = Callable[[httpx.Request], Awaitable[httpx.Response] | httpx.Response]


class Feed(httpx.AsyncByteStream):
    """The body of one streamed answer, written by the test as it goes."""

    def __init__(self, request: httpx.Request) -> None:
        self.request = request
        self._chunks: asyncio.Queue[bytes | None] = asyncio.Queue()
        self.closed = False

    def send(self, *messages: dict[str, Any]) -> None:
        """Write each message as one SSE event (``data: <json>``)."""
        for message in messages:
            self.write(f"data: {json.dumps(message)}\n\n".encode())

    def write(self, raw: bytes) -> None:
        self._chunks.put_nowait(raw)

    def end(self) -> None:
        """End the answer, as a server closing the connection."""
        self._chunks.put_nowait(None)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while True:
            chunk = await self._chunks.get()
            if chunk is None:
                return
            yield chunk

    async def aclose(self) -> None:
        self.closed = True


class FakeApp:
    """Answers a channel's requests: from :attr:`routes` (path → answer) if the test set
    one; else ``queue/join`` with the next event id, a GET of an event stream or a heartbeat
    with a new :class:`Feed` (kept in :attr:`feeds`, by path), anything else with 200 ``{}``.
    Every request is kept in :attr:`requests`.
    """

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.feeds: dict[str, list[Feed]] = {}
        self.routes: dict[str, Route] = {}
        self.event_ids = (f"e{n}" for n in range(1, 1000))

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path
        route = self.routes.get(path)
        if route is not None:
            answer = route(request)
            return await answer if isinstance(answer, Awaitable) else answer
        streamed = "text/event-stream" in request.headers.get("accept", "")
        if request.method == "GET" and (streamed or "/heartbeat/" in path):
            feed = Feed(request)
            self.feeds.setdefault(path, []).append(feed)
            return httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=feed)
        if path.endswith("/queue/join"):
            return httpx.Response(200, json={"event_id": next(self.event_ids)})
        return httpx.Response(200, json={})

    def posted(self, path: str) -> list[dict[str, Any]]:
        """The JSON bodies POSTed to ``path``."""
        return [
            json.loads(r.content)
            for r in self.requests
            if r.method == "POST" and r.url.path == path
        ]

    async def feed(self, path: str, number: int = 1) -> Feed:
        """The ``number``-th stream opened on ``path`` (1: the first), once it is open."""
        await until(lambda: len(self.feeds.get(path, [])) >= number)
        return self.feeds[path][number - 1]

    def channel(self, *, timeouts: Timeouts | None = None, limits: Limits | None = None) -> Channel:
        """A channel to this app (with the API prefix of Gradio 5 and later)."""
        http = httpx.AsyncClient(transport=httpx.MockTransport(self.handle))
        channel = Channel(URL, http, timeouts=timeouts, limits=limits)
        channel.api_url = API
        return channel


async def until(condition: Callable[[], object], timeout: float = 5.0) -> None:
    """Wait until ``condition()`` is true (checked at every turn of the loop)."""
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise AssertionError("the condition was not met in time")
        await asyncio.sleep(0.005)
