"""The protocol's floor: the least a client must do to call a Gradio app (sse_v3).

``/config``, ``/info``, ``queue/join`` and ``queue/data``, with one kept-alive httpx client,
no shell, no value conversion, no rendering. Whatever this costs, any client pays; what the
shell spends above it is the shell's overhead.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import httpx

# Made once, as any client making many connections would: loading the CA bundle is not
# part of the protocol, and costs more than a local app's /config.
TLS = httpx.create_ssl_context()


class FloorClient:
    """A minimal asyncio client of one app, one session."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = httpx.AsyncClient(timeout=httpx.Timeout(120.0), verify=TLS)
        self.session_hash = uuid.uuid4().hex[:12]
        self.api = url
        self.fn_index: dict[str, int] = {}

    async def connect(self) -> FloorClient:
        config = (await self.http.get(self.url + "/config")).json()
        self.api = self.url + config.get("api_prefix", "")
        (await self.http.get(self.api + "/info")).raise_for_status()
        for dep in config["dependencies"]:
            if dep.get("api_name"):
                self.fn_index["/" + dep["api_name"]] = dep["id"]
        return self

    async def close(self) -> None:
        await self.http.aclose()

    async def join(self, endpoint: str, data: list[Any]) -> str:
        payload = {
            "data": data,
            "fn_index": self.fn_index[endpoint],
            "session_hash": self.session_hash,
            "event_data": None,
            "trigger_id": None,
        }
        response = await self.http.post(self.api + "/queue/join", json=payload)
        response.raise_for_status()
        return str(response.json()["event_id"])

    async def read(self, event_ids: set[str]) -> dict[str, tuple[int, list[Any]]]:
        """Read the session's stream until every event is complete: updates and outputs."""
        pending = set(event_ids)
        results: dict[str, tuple[int, list[Any]]] = {}
        updates = dict.fromkeys(pending, 0)
        while pending:
            async with self.http.stream(
                "GET", self.api + "/queue/data", params={"session_hash": self.session_hash}
            ) as response:
                async for line in response.aiter_lines():
                    if not line.startswith("data:"):
                        continue
                    msg = json.loads(line[5:])
                    kind = msg.get("msg")
                    if kind == "close_stream":
                        break
                    event_id = msg.get("event_id")
                    if event_id not in pending:
                        continue
                    if kind == "process_generating":
                        updates[event_id] += 1
                    elif kind == "process_completed":
                        pending.discard(event_id)
                        results[event_id] = (updates[event_id], msg["output"].get("data", []))
        return results

    async def call(self, endpoint: str, data: list[Any]) -> tuple[int, list[Any]]:
        """One call: (number of streamed updates, final outputs)."""
        event_id = await self.join(endpoint, data)
        return (await self.read({event_id}))[event_id]

    async def call_many(self, endpoint: str, datas: list[list[Any]]) -> list[list[Any]]:
        """Many calls at once, all in flight together, on the session's one stream."""
        event_ids = await asyncio.gather(*(self.join(endpoint, d) for d in datas))
        results = await self.read(set(event_ids))
        return [results[e][1] for e in event_ids]


async def connect(url: str) -> FloorClient:
    return await FloorClient(url).connect()


async def _main(url: str, endpoint: str, data: str) -> None:
    client = await connect(url)
    try:
        print(json.dumps((await client.call(endpoint, json.loads(data)))[1]))
    finally:
        await client.close()


if __name__ == "__main__":
    # One-shot use as a process: python -m benchmarks.floor URL /ENDPOINT '[values]'
    import sys

    asyncio.run(_main(*sys.argv[1:4]))
