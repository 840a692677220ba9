"""Hostile servers for tests, run in the test's own process on free loopback ports.

A :class:`Server` answers each request with a Python function, so a test decides every byte
an attacker would send. On it are built :class:`FakeGradio` (a Gradio 6 app speaking the
``sse_v3`` protocol, whose endpoints answer with scripted messages), :class:`FakeGradio3`
(a Gradio 3.x app: ``/run`` without the queue, a websocket ``/queue/join`` with it) and
:class:`FakeHub` (the parts of the Hugging Face Hub API the shell reads). Every request is
recorded, headers and body included, so tests can assert on what the shell sent.
"""

from __future__ import annotations

import contextlib
import json
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from tests.waiting import wait_until

FILE_META = {"_type": "gradio.FileData"}


@dataclass
class Seen:
    """One request the server received."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


class Request(BaseHTTPRequestHandler):
    """The request being answered, with helpers to answer it."""

    protocol_version = "HTTP/1.1"
    server: _HTTPServer

    def log_message(self, *args: object) -> None:
        pass

    # -- answering -----------------------------------------------------------------------

    def send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        given = {k.lower() for k in (headers or {})}
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if "content-type" not in given:
            self.send_header("Content-Type", "application/octet-stream")
        if "content-length" not in given:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send(status, body, {"Content-Type": "application/json", **(headers or {})})

    def start_stream(self, status: int = 200, headers: dict[str, str] | None = None) -> None:
        """Headers of a body that ends when the connection closes."""
        self.send_response(status)
        for key, value in {"Content-Type": "text/event-stream", **(headers or {})}.items():
            self.send_header(key, value)
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True

    def write(self, data: bytes) -> bool:
        """Write to the client; False once it has gone away."""
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except OSError:
            return False
        return True

    def sse(self, messages: Iterable[Any]) -> None:
        """A whole event stream: each message as one ``data:`` event (bytes are sent raw)."""
        self.start_stream()
        for message in messages:
            if isinstance(message, bytes):
                chunk = message
            else:
                text = message if isinstance(message, str) else json.dumps(message)
                chunk = f"data: {text}\n\n".encode()
            if not self.write(chunk):
                return

    # -- dispatch ------------------------------------------------------------------------

    def _handle(self) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.seen = Seen(
            self.command,
            unquote(url.path),
            parse_qs(url.query),
            {k.lower(): v for k, v in self.headers.items()},
            body,
        )
        with self.server.owner.lock:
            self.server.owner.seen.append(self.seen)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.server.owner.handle(self)

    do_GET = do_POST = do_PUT = do_DELETE = _handle


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    owner: Server


class Server:
    """An HTTP server on a free loopback port that answers with :meth:`handle`.

    ``routes`` maps ``"METHOD /path"`` (or ``"METHOD /prefix*"``) to a function taking the
    :class:`Request`; :meth:`handle` may be overridden for anything else.
    """

    def __init__(self) -> None:
        self.routes: dict[str, Callable[[Request], None]] = {}
        self.seen: list[Seen] = []
        self.lock = threading.Lock()
        self._http = _HTTPServer(("127.0.0.1", 0), Request)
        self._http.owner = self
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._http.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        # Polled often, so that stop() returns at once rather than after half a second.
        self._thread = threading.Thread(
            target=self._http.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._http.shutdown()
        self._http.server_close()

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def route(self, key: str) -> Callable[[Callable[[Request], None]], Callable[[Request], None]]:
        def register(handler: Callable[[Request], None]) -> Callable[[Request], None]:
            self.routes[key] = handler
            return handler

        return register

    def find_route(self, request: Request) -> Callable[[Request], None] | None:
        key = f"{request.command} {request.seen.path}"
        if key in self.routes:
            return self.routes[key]
        for pattern, handler in self.routes.items():
            if pattern.endswith("*") and key.startswith(pattern[:-1]):
                return handler
        return None

    def handle(self, request: Request) -> None:
        handler = self.find_route(request)
        if handler is None:
            request.send_json(404, {"detail": "Not Found"})
        else:
            handler(request)

    def requests(self, path_prefix: str = "") -> list[Seen]:
        with self.lock:
            return [s for s in self.seen if s.path.startswith(path_prefix)]

    def wait_for(self, path_prefix: str, timeout: float = 30.0) -> Seen:
        """The first request to ``path_prefix``, waiting for it to come."""
        found = wait_until(
            lambda: self.requests(path_prefix), timeout, f"a request to {path_prefix}"
        )
        return found[0]


# -- a Gradio 6 app ------------------------------------------------------------------------


def textbox(name: str, **extra: Any) -> dict[str, Any]:
    """A parameter (or return) described as Gradio 6 describes a Textbox."""
    return {
        "label": name,
        "parameter_name": name,
        "parameter_has_default": False,
        "parameter_default": None,
        "type": {"type": "string"},
        "python_type": {"type": "str", "description": ""},
        "component": "Textbox",
        **extra,
    }


def file_param(name: str) -> dict[str, Any]:
    return {
        **textbox(name),
        "type": {
            "title": "FileData",
            "type": "object",
            "properties": {"path": {"type": "string"}, "meta": {"type": "object"}},
        },
        "python_type": {"type": "filepath", "description": ""},
        "component": "File",
    }


def dropdown(name: str, choices: list[str]) -> dict[str, Any]:
    return {
        **textbox(name),
        "type": {"type": "string", "enum": choices},
        "component": "Dropdown",
        "parameter_has_default": True,
        "parameter_default": choices[0],
    }


def file_data(path: str, url: str | None, name: str | None = None, **extra: Any) -> dict[str, Any]:
    """A FileData as a Gradio 6 app puts it in an output."""
    return {
        "path": path,
        "url": url,
        "size": None,
        "orig_name": name,
        "mime_type": None,
        "is_stream": False,
        "meta": dict(FILE_META),
        **extra,
    }


Script = Callable[[list[Any], str], Iterable[Any]]
"""What an endpoint answers: given the call's inputs and event id, the messages to stream
(dicts get the event id when they have none; bytes and strings go on the stream raw)."""


@dataclass
class FakeEndpoint:
    name: str
    script: Script
    parameters: list[dict[str, Any]] = field(
        default_factory=lambda: [textbox("text", parameter_has_default=True, parameter_default="")]
    )
    returns: list[dict[str, Any]] = field(default_factory=lambda: [textbox("output")])
    description: str = ""


def outputs(*values: Any) -> Script:
    """A script that completes at once with ``values``."""

    def script(data: list[Any], event_id: str) -> Iterator[Any]:
        yield {"msg": "process_starts"}
        yield {"msg": "process_completed", "success": True, "output": {"data": list(values)}}

    return script


def echo(data: list[Any], event_id: str) -> Iterator[Any]:
    yield {"msg": "process_completed", "success": True, "output": {"data": [data[0]]}}


class FakeGradio(Server):
    """A Gradio 6.31 app (``sse_v3``) with scripted endpoints.

    Calls (``queue/join``) are kept as :attr:`calls` (name, inputs); uploads are kept whole
    in :attr:`uploads`; :attr:`files` maps a server path to what ``/file=`` serves for it.
    """

    PREFIX = "/gradio_api"

    def __init__(self, endpoints: list[FakeEndpoint], **config: Any) -> None:
        super().__init__()
        self.endpoints = endpoints
        self.calls: list[tuple[str, list[Any]]] = []
        self.uploads: list[bytes] = []
        self.files: dict[str, bytes] = {}
        self._pending: dict[str, list[tuple[str, FakeEndpoint, list[Any]]]] = {}
        self.config_extra = config

    def config(self) -> dict[str, Any]:
        return {
            "version": "6.31.0",
            "protocol": "sse_v3",
            "api_prefix": self.PREFIX,
            "enable_queue": True,
            "components": [],
            "dependencies": [{"id": n, "api_name": ep.name} for n, ep in enumerate(self.endpoints)],
            **self.config_extra,
        }

    def info(self) -> dict[str, Any]:
        return {
            "named_endpoints": {
                "/" + ep.name: {
                    "parameters": ep.parameters,
                    "returns": ep.returns,
                    "description": ep.description,
                }
                for ep in self.endpoints
            },
            "unnamed_endpoints": {},
        }

    def file_url(self, path: str) -> str:
        return f"{self.url}{self.PREFIX}/file={path}"

    def handle(self, request: Request) -> None:
        if self.find_route(request) is not None:
            super().handle(request)
            return
        path = request.seen.path
        p = self.PREFIX
        if path == "/config":
            request.send_json(200, self.config())
        elif path == p + "/info":
            request.send_json(200, self.info())
        elif path == p + "/queue/join":
            self._join(request)
        elif path == p + "/queue/data":
            self._data(request)
        elif path == p + "/upload":
            with self.lock:
                self.uploads.append(request.seen.body)
            request.send_json(200, [f"/tmp/gradio/{uuid.uuid4().hex}/upload.bin"])
        elif path.startswith(p + "/file="):
            content = self.files.get(path.removeprefix(p + "/file="))
            if content is None:
                request.send_json(404, {"detail": "File not found."})
            else:
                request.send(200, content)
        elif path == p + "/cancel":
            request.send_json(200, {"success": True})
        else:
            request.send_json(404, {"detail": "Not Found"})

    def _join(self, request: Request) -> None:
        payload = json.loads(request.seen.body)
        endpoint = self.endpoints[payload["fn_index"]]
        event_id = uuid.uuid4().hex
        with self.lock:
            self.calls.append((endpoint.name, payload["data"]))
            self._pending.setdefault(payload["session_hash"], []).append(
                (event_id, endpoint, payload["data"])
            )
        request.send_json(200, {"event_id": event_id})

    def _data(self, request: Request) -> None:
        session = request.seen.query.get("session_hash", [""])[0]
        request.start_stream()
        while True:
            with self.lock:
                pending = self._pending.get(session) or []
                item = pending.pop(0) if pending else None
            if item is None:
                break
            event_id, endpoint, data = item
            for message in endpoint.script(data, event_id):
                if isinstance(message, dict):
                    message = {"event_id": event_id, **message}
                    chunk = f"data: {json.dumps(message)}\n\n".encode()
                elif isinstance(message, str):
                    chunk = f"data: {message}\n\n".encode()
                else:
                    chunk = message
                if not request.write(chunk):
                    return
        request.write(b'data: {"msg": "close_stream", "event_id": null}\n\n')


# -- a Gradio 3.x app ----------------------------------------------------------------------


class FakeGradio3(Server):
    """A Gradio 3.50 app: endpoints answered by ``POST /run/<name>`` (queue off), or a
    websocket ``/queue/join`` handled by ``routes["GET /queue/join"]`` (queue on)."""

    def __init__(self, endpoints: dict[str, list[Any]], *, queue: bool = False) -> None:
        super().__init__()
        self.endpoints = endpoints  # name → the outputs /run answers with
        self.queue = queue

    def handle(self, request: Request) -> None:
        if self.find_route(request) is not None:
            super().handle(request)
            return
        path = request.seen.path
        names = list(self.endpoints)
        if path == "/config":
            request.send_json(
                200,
                {
                    "version": "3.50.2",
                    "enable_queue": self.queue,
                    "components": [],
                    "dependencies": [
                        {"id": n, "api_name": name, "queue": None} for n, name in enumerate(names)
                    ],
                },
            )
        elif path == "/info":
            request.send_json(
                200,
                {
                    "named_endpoints": {
                        "/" + name: {
                            "parameters": [
                                {
                                    "label": "text",
                                    "type": {"type": "string"},
                                    "component": "Textbox",
                                }
                            ],
                            "returns": [
                                {"label": "output", "type": {"type": "string"}, "component": "File"}
                            ],
                        }
                        for name in names
                    },
                    "unnamed_endpoints": {},
                },
            )
        elif path.startswith("/run/"):
            request.send_json(200, {"data": self.endpoints[path.removeprefix("/run/")]})
        else:
            request.send_json(404, {"detail": "Not Found"})


# -- the Hub -------------------------------------------------------------------------------


class FakeHub(Server):
    """The Hub API calls the shell makes, answered from :attr:`models` and :attr:`spaces`.

    ``spaces`` maps a requested Space id to its ``/api/spaces/{id}`` payload; a payload's
    ``stages`` list (not sent) gives the stage of each ``runtime`` poll in turn.
    """

    def __init__(self) -> None:
        super().__init__()
        self.models: list[dict[str, Any]] = []
        self.spaces: dict[str, dict[str, Any]] = {}
        self._polls: dict[str, int] = {}

    def handle(self, request: Request) -> None:
        if self.find_route(request) is not None:
            super().handle(request)
            return
        path = request.seen.path
        if path == "/api/models":
            request.send_json(200, self.models)
        elif path.startswith("/api/models/"):
            wanted = path.removeprefix("/api/models/")
            found = [m for m in self.models if m.get("requested", m.get("id")) == wanted]
            if found:
                request.send_json(200, found[0])
            else:
                request.send_json(404, {"error": "Repository not found"})
        elif path.startswith("/api/spaces/"):
            rest = path.removeprefix("/api/spaces/")
            space_id, action = rest, ""
            if rest.endswith("/runtime"):
                space_id, action = rest.removesuffix("/runtime"), "runtime"
            space = self.spaces.get(space_id)
            if space is None:
                request.send_json(404, {"error": "Repository not found"})
                return
            payload = {k: v for k, v in space.items() if k != "stages"}
            stages = space.get("stages") or ["RUNNING"]
            if action == "runtime":
                polls = self._polls.get(space_id, 0)
                self._polls[space_id] = polls + 1
                stage = stages[min(polls, len(stages) - 1)]
                request.send_json(200, {**payload.get("runtime", {}), "stage": stage})
            else:
                payload["runtime"] = {**payload.get("runtime", {}), "stage": stages[0]}
                request.send_json(200, payload)
        elif path == "/api/whoami-v2":
            request.send_json(200, {"name": "someone", "orgs": []})
        else:
            request.send_json(404, {"error": "Not found"})
