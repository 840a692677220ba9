"""Gradio 4.0–4.8 (``protocol: sse``): one ``GET queue/join`` event stream per call.

The app sends ``send_data`` with the call's ``event_id``; the inputs then go by
``POST queue/data``, and the rest of the call comes on the stream. Closing the stream makes
the app drop the call; ``POST reset`` also stops a running generator.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from gradioshell.gradio import sse
from gradioshell.gradio.errors import ConnectionFailed
from gradioshell.gradio.http import error_answer, status_error
from gradioshell.gradio.protocols.base import PerCallTransport, idle_limited, inputs_payload

if TYPE_CHECKING:
    from gradioshell.gradio.call import Call, MessageQueue
    from gradioshell.gradio.channel import Channel
    from gradioshell.gradio.models import Endpoint

log = logging.getLogger(__name__)

TERMINAL = ("process_completed", "queue_full", "unexpected_error")


class SSETransport(PerCallTransport):
    def __init__(self, channel: Channel) -> None:
        super().__init__(channel)

    async def submit(self, endpoint: Endpoint, data: list[Any]) -> Call:
        url = self._channel.api_url + "/queue/join"

        async def feed(call: Call, queue: MessageQueue) -> None:
            await self._stream(call, url, endpoint, data, queue)

        return self.start(endpoint, feed, url, on_cancel=self._cancel)

    async def _stream(
        self,
        call: Call,
        url: str,
        endpoint: Endpoint,
        data: list[Any],
        queue: MessageQueue,
    ) -> None:
        channel = self._channel
        params: dict[str, str | int] = {
            "fn_index": endpoint.fn_index,
            "session_hash": channel.session_hash,
        }
        async with channel.event_stream(url, params) as response:
            if response.status_code >= 400:
                raise status_error(await error_answer(response))
            stream = sse.sized_messages(response, channel.limits.json, channel.limits.depth)
            async for msg, size in idle_limited(
                stream, channel.timeouts.stream_idle, channel.url, _heartbeat
            ):
                kind = msg.get("msg")
                if kind == "heartbeat":
                    continue
                if kind == "send_data":
                    event_id = msg.get("event_id")
                    call.event_id = event_id if isinstance(event_id, str) else None
                    payload = {**inputs_payload(channel, endpoint, data), "event_id": event_id}
                    await channel.request("POST", channel.api_url + "/queue/data", json=payload)
                    continue
                self.put(queue, msg, size)
                if kind in TERMINAL:
                    return
        raise ConnectionFailed(f"the connection to {channel.url} was lost during the call")

    async def _cancel(self, call: Call) -> None:
        if call.event_id is None:
            return
        await self._channel.notify(self._channel.api_url + "/reset", {"event_id": call.event_id})


def _heartbeat(item: tuple[dict[str, Any], int]) -> bool:
    return item[0].get("msg") == "heartbeat"
