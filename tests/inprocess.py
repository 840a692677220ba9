"""A Gradio 6 app answered in process (httpx's MockTransport), for fast tests of the call path.

It speaks the sse_v3 protocol for a few endpoints: ``/echo`` (text, n → text repeated),
``/upper_file`` (a file → its text upper-cased, as a file), ``/count`` (a generator) and
``/fail``. The end-to-end tests use real Gradio servers; these cover the shell's own layers
(calls, jobs, transfers, output) quickly and deterministically.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import httpx

from gradioshell.gradio import GradioApp
from gradioshell.sessions import Session

URL = "http://app.test"
PREFIX = "/gradio_api"
FILEDATA = {
    "properties": {"path": {"type": "string"}, "meta": {"default": {"_type": "gradio.FileData"}}},
    "title": "FileData",
    "type": "object",
}

CONFIG = {
    "version": "6.31.0",
    "protocol": "sse_v3",
    "api_prefix": PREFIX,
    "enable_queue": True,
    "components": [
        {"id": 1, "type": "textbox", "props": {}, "skip_api": False},
        {"id": 2, "type": "number", "props": {}, "skip_api": False},
        {"id": 3, "type": "textbox", "props": {}, "skip_api": False},
        {"id": 4, "type": "file", "props": {}, "skip_api": False},
        {"id": 5, "type": "file", "props": {}, "skip_api": False},
    ],
    "dependencies": [
        {"id": 0, "api_name": "echo", "inputs": [1, 2], "outputs": [3]},
        {"id": 1, "api_name": "upper_file", "inputs": [4], "outputs": [5]},
        {"id": 2, "api_name": "count", "inputs": [2], "outputs": [3]},
        {"id": 3, "api_name": "fail", "inputs": [1], "outputs": [3]},
    ],
}


def _param(
    name: str, schema: dict[str, Any], component: str, default: Any = None
) -> dict[str, Any]:
    return {
        "label": name,
        "parameter_name": name,
        "parameter_has_default": default is not None,
        "parameter_default": default,
        "type": schema,
        "python_type": {"type": "", "description": ""},
        "component": component,
    }


INFO = {
    "named_endpoints": {
        "/echo": {
            "parameters": [
                _param("text", {"type": "string"}, "Textbox"),
                _param("n", {"type": "number"}, "Number", 1),
            ],
            "returns": [{"label": "out", "type": {"type": "string"}, "component": "Textbox"}],
        },
        "/upper_file": {
            "parameters": [_param("f", FILEDATA, "File")],
            "returns": [{"label": "upper", "type": FILEDATA, "component": "File"}],
        },
        "/count": {
            "parameters": [_param("n", {"type": "number"}, "Number")],
            "returns": [{"label": "out", "type": {"type": "string"}, "component": "Textbox"}],
        },
        "/fail": {
            "parameters": [_param("text", {"type": "string"}, "Textbox")],
            "returns": [{"label": "out", "type": {"type": "string"}, "component": "Textbox"}],
        },
    },
    "unnamed_endpoints": {},
}


@dataclass
class FakeApp:
    """The app's state: what it was sent, the files it holds, the calls waiting to be run."""

    files: dict[str, bytes] = field(default_factory=dict)
    uploads: int = 0
    calls: list[tuple[int, list[Any]]] = field(default_factory=list)
    pending: list[tuple[str, int, list[Any]]] = field(default_factory=list)

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/config":
            return httpx.Response(200, json=CONFIG)
        if path == PREFIX + "/info":
            return httpx.Response(200, json=INFO)
        if path == PREFIX + "/upload":
            self.uploads += 1
            name = f"/srv/upload-{self.uploads}"
            body = request.content
            marker = b"\r\n\r\n"
            start = body.index(marker) + len(marker)
            end = body.rindex(b"\r\n--")
            self.files[name] = body[start:end]
            return httpx.Response(200, json=[name])
        if path == PREFIX + "/queue/join":
            payload = json.loads(request.content)
            event_id = f"e{len(self.calls) + 1}"
            self.calls.append((payload["fn_index"], payload["data"]))
            self.pending.append((event_id, payload["fn_index"], payload["data"]))
            return httpx.Response(200, json={"event_id": event_id})
        if path == PREFIX + "/queue/data":
            return httpx.Response(
                200,
                headers={"content-type": "text/event-stream"},
                content=self._stream(),
            )
        if path.startswith(PREFIX + "/file="):
            name = path[len(PREFIX + "/file=") :]
            if name in self.files:
                return httpx.Response(200, content=self.files[name])
            return httpx.Response(404, json={"detail": "not found"})
        if path == PREFIX + "/cancel":
            return httpx.Response(200, json={"success": True})
        return httpx.Response(404, json={"detail": f"no route {path}"})

    def _stream(self) -> bytes:
        lines: list[dict[str, Any]] = []
        for event_id, fn_index, data in self.pending:
            lines.append({"msg": "estimation", "event_id": event_id, "rank": 0, "queue_size": 1})
            lines.append({"msg": "process_starts", "event_id": event_id})
            lines += self._run(event_id, fn_index, data)
        self.pending.clear()
        lines.append({"msg": "close_stream", "event_id": None})
        return b"".join(b"data: " + json.dumps(m).encode() + b"\n\n" for m in lines)

    def _run(self, event_id: str, fn_index: int, data: list[Any]) -> list[dict[str, Any]]:
        def done(value: Any, success: bool = True) -> dict[str, Any]:
            output = {"data": [value]} if success else {"error": value}
            return {
                "msg": "process_completed",
                "event_id": event_id,
                "success": success,
                "output": output,
            }

        if fn_index == 0:
            return [done(str(data[0]) * int(data[1]))]
        if fn_index == 1:
            name = data[0]["path"]
            upper = f"/srv/upper-{len(self.files)}.txt"
            self.files[upper] = self.files[name].upper()
            filedata = {
                "path": upper,
                "url": f"{URL}{PREFIX}/file={upper}",
                "orig_name": "upper.txt",
                "size": None,
                "mime_type": None,
                "meta": {"_type": "gradio.FileData"},
            }
            return [done(filedata)]
        if fn_index == 2:
            steps = [
                {
                    "msg": "process_generating",
                    "event_id": event_id,
                    "success": True,
                    "output": {"data": [str(i)]},
                }
                for i in range(int(data[0]))
            ]
            return [*steps, done("finished")]
        return [done(f"failed on {data[0]}", success=False)]


async def session(app: FakeApp, name: str = "app1") -> Session:
    """A session of the shell on ``app``, connected without a network."""
    client = httpx.AsyncClient(transport=httpx.MockTransport(app.handle))
    gradio = GradioApp(URL, client)
    await gradio.refresh()
    return Session(name=name, target=URL, app=gradio)
