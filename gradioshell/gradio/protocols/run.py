"""3.x events that skip the queue: ``POST run/<api_name>`` answers with the outputs."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

import httpx

from gradioshell.gradio.http import status_error
from gradioshell.gradio.limits import parse_json
from gradioshell.gradio.protocols.base import PerCallTransport, inputs_payload

if TYPE_CHECKING:
    from gradioshell.gradio.call import Call, MessageQueue
    from gradioshell.gradio.channel import Channel
    from gradioshell.gradio.models import Endpoint


class RunTransport(PerCallTransport):
    """One HTTP request per call; cancelling abandons it (the app has no way to stop it)."""

    def __init__(self, channel: Channel) -> None:
        super().__init__(channel)

    async def submit(self, endpoint: Endpoint, data: list[Any]) -> Call:
        # Unnamed events go through the generic route with their fn_index.
        route = endpoint.api_name.lstrip("/") if endpoint.named else "predict"
        url = f"{self._channel.api_url}/run/{route}"

        async def feed(call: Call, queue: MessageQueue) -> None:
            await self._post(url, endpoint, data, queue)

        return self.start(endpoint, feed, url)

    async def _post(
        self, url: str, endpoint: Endpoint, data: list[Any], queue: MessageQueue
    ) -> None:
        channel = self._channel
        payload = inputs_payload(channel, endpoint, data)
        # One answer at the end of the whole run: it may take as long as a stream may idle,
        # and then as long as any answer to come.
        timeout = httpx.Timeout(channel.timeouts.stream_idle, connect=channel.timeouts.connect)
        within = channel.timeouts.stream_idle + channel.timeouts.request
        response = await channel.request(
            "POST", url, check=False, json=payload, timeout=timeout, within=within
        )
        body: Any = None
        with contextlib.suppress(ValueError):
            body = parse_json(response.content, channel.limits.depth, "answer")
        if response.status_code == 500 and isinstance(body, dict) and "error" in body:
            # The function raised: {"error": message, or null unless show_error}.
            message = {"msg": "process_completed", "success": False, "output": body}
            self.put(queue, message, len(response.content))
            return
        if response.status_code >= 400:
            raise status_error(response)
        if not isinstance(body, dict):
            body = {}
        message = {"msg": "process_completed", "success": True, "output": body}
        self.put(queue, message, len(response.content))
