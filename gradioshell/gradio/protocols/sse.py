"""Gradio 4.0–4.8 (``protocol: sse``): one ``GET queue/join`` event stream per call.

The app sends ``send_data`` with the call's ``event_id``; the inputs then go by
``POST queue/data``, and the rest of the call comes on the stream. Closing the stream makes
the app drop the call; ``POST reset`` also stops a running generator.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import httpx

from gradioshell.gradio.call import Call, Message
from gradioshell.gradio.errors import ConnectionFailed
from gradioshell.gradio.models import Endpoint
from gradioshell.gradio.protocols.base import PerCallTransport, idle_limited

if TYPE_CHECKING:
    from gradioshell.gradio.client import GradioApp

log = logging.getLogger(__name__)

TERMINAL = ("process_completed", "queue_full", "unexpected_error")


class SSETransport(PerCallTransport):
    def __init__(self, app: GradioApp) -> None:
        super().__init__()
        self._app = app

    async def submit(self, endpoint: Endpoint, data: list[Any]) -> Call:
        url = self._app.api_url + "/queue/join"

        async def feed(call: Call, queue: asyncio.Queue[Message]) -> None:
            await self._stream(call, url, endpoint, data, queue)

        return self.start(endpoint, feed, url, on_cancel=self._cancel)

    async def _stream(
        self,
        call: Call,
        url: str,
        endpoint: Endpoint,
        data: list[Any],
        queue: asyncio.Queue[Message],
    ) -> None:
        from gradioshell.gradio import sse
        from gradioshell.gradio.client import status_error

        app = self._app
        params: dict[str, str | int] = {
            "fn_index": endpoint.fn_index,
            "session_hash": app.session_hash,
        }
        timeout = httpx.Timeout(app.timeouts.stream_idle, connect=app.timeouts.connect)
        headers = {"Accept": "text/event-stream", "Cache-Control": "no-store"}
        async with app.http.stream(
            "GET", url, params=params, headers=headers, timeout=timeout
        ) as response:
            if response.status_code >= 400:
                await response.aread()
                raise status_error(response)
            stream = sse.messages(response, app.limits.json)
            async for msg in idle_limited(stream, app.timeouts.stream_idle, app.url, _heartbeat):
                kind = msg.get("msg")
                if kind == "heartbeat":
                    continue
                if kind == "send_data":
                    event_id = msg.get("event_id")
                    call.event_id = event_id if isinstance(event_id, str) else None
                    payload = {
                        "data": data,
                        "event_data": None,
                        "fn_index": endpoint.fn_index,
                        "session_hash": app.session_hash,
                        "event_id": event_id,
                    }
                    await app.request("POST", app.api_url + "/queue/data", json=payload)
                    continue
                queue.put_nowait(msg)
                if kind in TERMINAL:
                    return
        raise ConnectionFailed(f"the connection to {app.url} was lost during the call")

    async def _cancel(self, call: Call) -> None:
        if call.event_id is None:
            return
        try:
            await self._app.http.post(
                self._app.api_url + "/reset", json={"event_id": call.event_id}, timeout=3.0
            )
        except httpx.HTTPError as exc:
            log.debug("reset request failed: %s", exc)


def _heartbeat(msg: dict[str, Any]) -> bool:
    return msg.get("msg") == "heartbeat"
