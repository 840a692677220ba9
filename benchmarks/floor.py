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

    async def stream(
        self, endpoint: str, data: list[Any], marks: int = 100
    ) -> tuple[list[Any], list[tuple[float, float]]]:
        """One streaming call whose updates are applied as a client must (the diffs of
        sse_v3): the final outputs, and (time.monotonic(), CPU seconds of this process)
        at the first update and at every ``marks``-th part of them, as the app marks its
        yields (``/stream_marks``)."""
        import time

        event_id = await self.join(endpoint, data)
        values: list[Any] = []
        seen: list[tuple[float, float]] = []
        updates = 0
        async with self.http.stream(
            "GET", self.api + "/queue/data", params={"session_hash": self.session_hash}
        ) as response:
            async for line in response.aiter_lines():
                if not line.startswith("data:"):
                    continue
                msg = json.loads(line[5:])
                if msg.get("event_id") != event_id:
                    continue
                kind = msg.get("msg")
                if kind == "process_generating":
                    output = msg["output"]["data"]
                    if updates == 0:
                        values = output
                    else:
                        values = [apply(v, d) for v, d in zip(values, output, strict=True)]
                    updates += 1
                    seen.append((time.monotonic(), time.process_time()))
                elif kind == "process_completed":
                    values = msg["output"].get("data", values)
                    break
        count = int(data[0])
        step = max(1, count // marks)
        chosen = [seen[i] for i in range(len(seen)) if i == 0 or (i + 1) % step == 0]
        return values, chosen

    async def call(self, endpoint: str, data: list[Any]) -> tuple[int, list[Any]]:
        """One call: (number of streamed updates, final outputs)."""
        event_id = await self.join(endpoint, data)
        return (await self.read({event_id}))[event_id]

    async def call_many(self, endpoint: str, datas: list[list[Any]]) -> list[list[Any]]:
        """Many calls at once, all in flight together, on the session's one stream."""
        event_ids = await asyncio.gather(*(self.join(endpoint, d) for d in datas))
        results = await self.read(set(event_ids))
        return [results[e][1] for e in event_ids]


def apply(value: Any, diff: Any) -> Any:
    """A streamed output's diff applied (``[[action, path, value], ...]``): what any client
    of a generator must do."""
    for action, path, new in diff:
        if not path:
            value = new if action == "replace" else value + new
            continue
        parent = value
        for key in path[:-1]:
            parent = parent[key]
        if action == "replace":
            parent[path[-1]] = new
        elif action == "append":
            parent[path[-1]] = parent[path[-1]] + new
        elif action == "add":
            if isinstance(parent, list):
                parent.insert(path[-1], new)
            else:
                parent[path[-1]] = new
        elif action == "delete":
            del parent[path[-1]]
    return value


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
