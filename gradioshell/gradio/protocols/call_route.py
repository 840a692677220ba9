"""The ``/call/<api_name>`` routes (4.20+): a fallback for apps whose queue protocol is unknown.

``POST call/<api_name>`` with ``{"data": [...]}`` answers ``{"event_id"}``; then
``GET call/<api_name>/<event_id>`` streams ``event: generating|complete|error|heartbeat``
with ``data: <json>``: full values, never diffs. Only named endpoints have these routes;
cancelling closes the stream (the app has no way to be told).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from gradioshell.gradio import sse
from gradioshell.gradio.errors import ConnectionFailed, ProtocolError, UnknownEndpoint
from gradioshell.gradio.http import error_answer, status_error
from gradioshell.gradio.limits import parse_json
from gradioshell.gradio.protocols.base import PerCallTransport, idle_limited

if TYPE_CHECKING:
    from gradioshell.gradio.call import Call, MessageQueue
    from gradioshell.gradio.channel import Channel
    from gradioshell.gradio.models import Endpoint

log = logging.getLogger(__name__)


class CallRouteTransport(PerCallTransport):
    def __init__(self, channel: Channel) -> None:
        super().__init__(channel)

    async def submit(self, endpoint: Endpoint, data: list[Any]) -> Call:
        if not endpoint.named:
            raise UnknownEndpoint(f"{endpoint.name} has no api_name, so cannot be called", [])
        url = f"{self._channel.api_url}/call/{endpoint.api_name.lstrip('/')}"

        async def feed(call: Call, queue: MessageQueue) -> None:
            await self._stream(call, url, data, queue)

        return self.start(endpoint, feed, url)

    async def _stream(self, call: Call, url: str, data: list[Any], queue: MessageQueue) -> None:
        channel = self._channel
        response = await channel.request("POST", url, json={"data": data})
        try:
            event_id = parse_json(response.content, channel.limits.depth, "answer").get("event_id")
        except (ValueError, AttributeError):
            event_id = None
        if not isinstance(event_id, str):
            raise ProtocolError("the app did not return an event id for the call")
        call.event_id = event_id
        async with channel.event_stream(f"{url}/{event_id}") as response:
            if response.status_code >= 400:
                raise status_error(await error_answer(response))
            stream = sse.named_events(response, channel.limits.json, "event stream")
            async for event, text in idle_limited(
                stream, channel.timeouts.stream_idle, channel.url, _heartbeat
            ):
                try:
                    value = parse_json(text, channel.limits.depth, "event") if text else None
                except ValueError:
                    log.debug("ignoring a stream line that is not JSON: %.200r", text)
                    continue
                size = len(text)
                if event == "generating" and isinstance(value, list):
                    generating = {"msg": "process_generating", "output": {"data": value}}
                    self.put(queue, generating, size)
                elif event == "complete":
                    output = {"data": value} if isinstance(value, list) else {}
                    self.put(queue, {"msg": "process_completed", "output": output}, size)
                    return
                elif event == "error":
                    failed = {"msg": "process_completed", "success": False, "output": _error(value)}
                    self.put(queue, failed, size)
                    return
        raise ConnectionFailed(f"the connection to {channel.url} was lost during the call")


def _error(value: Any) -> dict[str, Any]:
    """The ``error`` event's data: the output dict (6.13+), a message, or null before."""
    if isinstance(value, dict):
        return value
    if isinstance(value, str):
        return {"error": value}
    return {"error": None}


def _heartbeat(item: tuple[str, str]) -> bool:
    return item[0] == "heartbeat"
