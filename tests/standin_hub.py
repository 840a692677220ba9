"""A stand-in Hugging Face Hub on loopback, for tests.

One ASGI app listens on several ports: the Hub API itself, one port per Space host (a
streaming reverse proxy to a real Gradio app that, like the real Space proxy, refuses a
private Space without the token), and an "elsewhere" origin that should never see a token.
Every request is recorded with whether it carried the token, so tests can assert on it.
The payloads follow the shapes and headers of the real Hub API.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import socket
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

import httpx
import uvicorn

from tests.waiting import wait_until

USER = "standin-user"
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "upgrade", "host", "te"}


@dataclass
class Seen:
    """A request the stand-in received."""

    where: str  # "hub", "elsewhere" or a Space id
    method: str
    path: str
    query: str
    authorization: str | None
    x_hf_authorization: str | None


@dataclass
class Space:
    id: str
    backend: str | None = None  # the Gradio app behind the Space host
    sdk: str = "gradio"
    private: bool = False
    stages: list[str] = field(default_factory=lambda: ["RUNNING"])  # one per /runtime poll
    error_message: str | None = None
    wakes_to: list[str] | None = None  # stages after a request reaches a sleeping host
    port: int = 0
    polls: int = 0
    hardware: str = "cpu-basic"
    requested_hardware: str | None = None
    sleep_time: int | None = 172800
    zero_gpu: bool = False  # the host tells the app who calls (X-IP-Token), as ZeroGPU needs
    full_joins: int = 0  # the next N /queue/join answer 503 "Queue is full."
    limited_joins: int = 0  # the next N /queue/join answer 429 with Retry-After
    run_logs: list[str] = field(default_factory=list)
    build_logs: list[str] = field(default_factory=list)
    live_logs: int = 0  # lines the run log goes on writing, one every 0.3 s, once read

    @property
    def stage(self) -> str:
        return self.stages[min(self.polls, len(self.stages) - 1)]


def _bind() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


RUN_LOGS = [
    "===== Application Startup at 2025-05-01 12:00:00 =====",
    "* Running on local URL:  http://0.0.0.0:7860, with SSR ⚡ (experimental)",
    "To create a public link, set `share=True` in `launch()`.",
    # What a hostile or careless app prints: colours, a window title, a clipboard write.
    "\x1b[31mred\x1b[0m \x1b]0;pwned-title\x07\x1b]52;c;cHduZWQ=\x07[blink]MARKUP[/blink] done",
]
BUILD_LOGS = [
    "--> FROM docker.io/library/python:3.10@sha256:0123",
    "--> RUN pip install --no-cache-dir -r requirements.txt",
    "Successfully installed gradio-5.9.1",
    "--> Pushing image",
]
HARDWARE = [
    # GET /api/spaces/hardware: name, prettyName, cpu, ram, accelerator, unit cost.
    ("cpu-basic", "CPU basic", "2 vCPU", "16 GB", None, 0),
    ("cpu-upgrade", "CPU upgrade", "8 vCPU", "32 GB", None, 30000),
    ("zero-a10g", "ZeroGPU", "-", "-", {"model": "H200", "vram": "70 GB"}, 0),
    ("t4-small", "Nvidia T4 - small", "4 vCPU", "15 GB", {"model": "T4", "vram": "16 GB"}, 400000),
    ("a100-large", "Nvidia A100 - large", "12 vCPU", "142 GB", {"model": "A100"}, 2500000),
]
SPARES = 3  # ports kept for Spaces created by duplication


class StandInHub:
    def __init__(self, backend: str, zero_backend: str | None = None) -> None:
        self.token = "hf_" + secrets.token_hex(16)
        self.seen: list[Seen] = []
        self.spaces: dict[str, Space] = {
            s.id: s
            for s in [
                Space("rrg92/diffusers-labs", backend),
                Space("standin-user/private-space", backend, private=True),
                Space(
                    "owner/building-space",
                    backend,
                    stages=["BUILDING", "BUILDING", "APP_STARTING", "RUNNING"],
                ),
                Space(
                    "owner/sleepy-space",
                    backend,
                    stages=["SLEEPING"],
                    wakes_to=["APP_STARTING", "RUNNING"],
                ),
                Space("standin-user/paused-space", backend, stages=["PAUSED"]),
                Space(
                    "owner/broken-space",
                    backend,
                    stages=["RUNTIME_ERROR"],
                    error_message="Exit code: 1. Reason: ModuleNotFoundError: No module named 'x'",
                ),
                Space("owner/streamlit-space", backend, sdk="streamlit"),
                Space("owner/forever-building", backend, stages=["BUILDING"]),
                Space("owner/new-stage-space", backend, stages=["SOMETHING_NEW"]),
                Space("owner/busy-space", backend, run_logs=list(RUN_LOGS)),
                Space(
                    "standin-user/logged-space",
                    backend,
                    run_logs=list(RUN_LOGS),
                    build_logs=list(BUILD_LOGS),
                    live_logs=200,
                ),
            ]
        }
        if zero_backend is not None:
            self.spaces["owner/zero-space"] = Space(
                "owner/zero-space", zero_backend, hardware="zero-a10g", zero_gpu=True
            )
        for space in self.spaces.values():
            if space.stages[0] in ("BUILDING", "SOMETHING_NEW") or "building" in space.id:
                space.build_logs = space.build_logs or list(BUILD_LOGS)
        #: The bodies of duplicate, hardware and sleep time requests, as the Hub got them.
        self.posted: list[tuple[str, dict[str, Any]]] = []
        self.renamed = {"old-owner/old-name": "rrg92/diffusers-labs"}
        self.models = [
            {
                "id": f"meta-llama/Llama-{i}",
                "author": "meta-llama",
                "downloads": 1000 * (13 - i) + i,
                "likes": 10 * i,
                "pipeline_tag": "text-generation",
                "lastModified": f"2025-0{1 + i % 9}-01T00:00:00.000Z",
                "tags": ["transformers", "llama"],
            }
            for i in range(1, 13)
        ] + [
            {
                "id": "openai-community/gpt2",
                "author": "openai-community",
                "downloads": 5,
                "likes": 3,
                "pipeline_tag": "text-generation",
                "lastModified": "2024-02-19T10:57:45.000Z",
                "tags": ["transformers"],
            }
        ]
        self.page_size = 2
        self._sockets: dict[str, socket.socket] = {"hub": _bind(), "elsewhere": _bind()}
        for space in self.spaces.values():
            self._sockets[space.id] = _bind()
            space.port = self._sockets[space.id].getsockname()[1]
        self._spares = [f"spare-{n}" for n in range(SPARES)]
        for name in self._spares:
            self._sockets[name] = _bind()
        self._by_port = {s.getsockname()[1]: name for name, s in self._sockets.items()}
        self._aliases: dict[str, str] = {}  # a spare port → the Space it now serves
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._proxy: httpx.AsyncClient | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None  # set when stop() is called

    # -- addresses ---------------------------------------------------------------------

    def url(self, where: str) -> str:
        return f"http://127.0.0.1:{self._sockets[where].getsockname()[1]}"

    @property
    def endpoint(self) -> str:
        return self.url("hub")

    def host(self, space_id: str) -> str:
        for spare, target in self._aliases.items():
            if target == space_id:
                return self.url(spare)
        return self.url(space_id)

    def requests_to(self, where: str) -> list[Seen]:
        return [s for s in self.seen if s.where == where]

    def with_token(self, where: str) -> list[Seen]:
        return [
            s
            for s in self.requests_to(where)
            if self.token in (s.authorization or "") or self.token in (s.x_hf_authorization or "")
        ]

    def any_token_header(self, where: str) -> list[Seen]:
        return [s for s in self.requests_to(where) if s.authorization or s.x_hf_authorization]

    # -- running -----------------------------------------------------------------------

    def start(self) -> None:
        config = uvicorn.Config(
            self.app,
            interface="asgi3",
            log_level="warning",
            lifespan="off",
            access_log=False,
            timeout_graceful_shutdown=5,  # a bound only: open streams end when stop() is called
        )
        self._server = uvicorn.Server(config)
        sockets = list(self._sockets.values())
        self._thread = threading.Thread(
            target=lambda: asyncio.run(self._serve(sockets)), daemon=True
        )
        self._thread.start()
        wait_until(lambda: self._server.started, 10, "the stand-in Hub to start")  # type: ignore[union-attr]

    async def _serve(self, sockets: list[socket.socket]) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        try:
            await self._server.serve(sockets=sockets)  # type: ignore[union-attr]
        finally:
            if self._proxy is not None:
                await self._proxy.aclose()

    def stop(self) -> None:
        """Stop at once: the responses that would stay open (a log stream the shell left
        open, a call stream still proxied from a Space's app) end first, so that the server's
        graceful shutdown has nothing to wait for."""
        if self._loop is not None and self._stopping is not None:
            self._loop.call_soon_threadsafe(self._stopping.set)
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
            if self._thread.is_alive():
                raise RuntimeError("the stand-in Hub did not stop")

    def __enter__(self) -> StandInHub:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- ASGI --------------------------------------------------------------------------

    async def app(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        where = self._by_port.get(scope["server"][1], "?")
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        self.seen.append(
            Seen(
                where,
                scope["method"],
                scope["path"],
                scope.get("query_string", b"").decode(),
                headers.get("authorization"),
                headers.get("x-hf-authorization"),
            )
        )
        where = self._aliases.get(where, where)
        if where == "hub":
            await self._hub(scope, headers, receive, send)
        elif where not in self.spaces and where != "elsewhere":
            await _send(send, 404, b"no Space here", {})
        elif where == "elsewhere":
            await _send_json(send, 200, [{"id": "elsewhere/model", "downloads": 1}])
        else:
            await self._space_host(self.spaces[where], scope, headers, receive, send)

    def _authorized(self, headers: dict[str, str]) -> bool | None:
        """True with the right token, False with a wrong one, None without any."""
        value = headers.get("authorization")
        if not value:
            return None
        return value == f"Bearer {self.token}"

    async def _hub(
        self, scope: dict[str, Any], headers: dict[str, str], receive: Any, send: Any
    ) -> None:
        path: str = scope["path"]
        method: str = scope["method"]
        query = parse_qsl(scope.get("query_string", b"").decode())
        auth = self._authorized(headers)
        if auth is False:
            await _send_json(
                send,
                401,
                {"error": "Invalid credentials in Authorization header"},
                {"X-Error-Message": "Invalid credentials in Authorization header"},
            )
            return
        if path == "/api/whoami-v2":
            if auth is None:
                await _send_json(send, 401, {"error": "Invalid username or password."})
                return
            await _send_json(
                send,
                200,
                {
                    "type": "user",
                    "id": "0123",
                    "name": USER,
                    "fullname": "Stand-in User",
                    "orgs": [{"type": "org", "name": "standin-org"}],
                    "auth": {
                        "type": "access_token",
                        "accessToken": {"displayName": "tests", "role": "write"},
                    },
                },
            )
            return
        if path.startswith("/_standin/") and method == "POST":
            # For runs by hand (the docs): make a Space's queue full or rate limited.
            space = self.spaces.get(path.removeprefix("/_standin/"))
            if space is None:
                await _not_found(send)
                return
            for key, value in query:
                if key in ("full_joins", "limited_joins"):
                    setattr(space, key, int(value))
            await _send_json(send, 200, {"ok": True})
            return
        if path == "/api/spaces/hardware":
            await _send_json(send, 200, [_flavor(*row) for row in HARDWARE])
            return
        if path.startswith("/api/spaces/"):
            body = await _read_body(receive)
            await self._space_api(path.removeprefix("/api/spaces/"), method, auth, send, body)
            return
        if path in ("/api/models", "/api/spaces", "/api/datasets"):
            await self._listing(path, query, send)
            return
        if path.startswith("/api/models/"):
            model_id = path.removeprefix("/api/models/")
            if model_id == "meta-llama/gated-model":
                await _send_json(
                    send,
                    403,
                    {"error": "Access to model meta-llama/gated-model is restricted."},
                    {"X-Error-Code": "GatedRepo", "X-Error-Message": "Access restricted"},
                )
                return
            for model in self.models:
                if model["id"] == model_id:
                    await _send_json(send, 200, {**model, "library_name": "transformers"})
                    return
            await _not_found(send)
            return
        await _send_json(send, 404, {"error": "Sorry, we can't find the page you are looking for."})

    async def _space_api(
        self, rest: str, method: str, auth: bool | None, send: Any, body: bytes = b""
    ) -> None:
        parts = rest.split("/")
        space_id, action = "/".join(parts[:2]), "/".join(parts[2:])
        if space_id in self.renamed:
            target = f"/api/spaces/{self.renamed[space_id]}" + (f"/{action}" if action else "")
            await _send(send, 307, b"", {"Location": target})
            return
        if space_id == "moved/away":
            await _send(send, 307, b"", {"Location": self.url("elsewhere") + "/api/spaces/x/y"})
            return
        if space_id == "limited/space":
            await _send_json(
                send,
                429,
                {"error": "You have exceeded our hourly quotas for action 'api'."},
                {
                    "RateLimit": '"api";r=0;t=42',
                    "RateLimit-Policy": '"fixed window";"api";q=500;w=300',
                },
            )
            return
        space = self.spaces.get(space_id)
        if space is None or (space.private and not auth):
            await _not_found(send)
            return
        if action == "runtime" and method == "GET":
            await _send_json(send, 200, self._runtime(space))
            space.polls += 1
            return
        if action == "restart" and method == "POST":
            if not auth or not space_id.startswith(USER + "/"):
                await _send_json(send, 403, {"error": "You don't have the rights to restart"})
                return
            space.stages, space.polls = ["APP_STARTING", "RUNNING"], 0
            await _send_json(send, 200, {"stage": "APP_STARTING"})
            return
        if action == "":
            await _send_json(send, 200, self._space_payload(space))
            return
        if action in ("logs/run", "logs/build") and method == "GET":
            await self._logs(space, action.endswith("build"), send)
            return
        if action == "duplicate" and method == "POST":
            await self._duplicate(space, auth, _json_body(body), send)
            return
        if action in ("pause", "hardware", "sleeptime") and method == "POST":
            if not auth or not space_id.startswith(USER + "/"):
                await _send_json(
                    send, 403, {"error": f"You don't have the rights to {action} this Space"}
                )
                return
            payload = _json_body(body)
            self.posted.append((f"{space_id}/{action}", payload))
            if action == "pause":
                space.stages, space.polls = ["PAUSED"], 0
            elif action == "hardware":
                space.requested_hardware = str(payload.get("flavor"))
            else:
                space.sleep_time = int(payload.get("seconds", 0))
            await _send_json(send, 200, self._runtime(space))
            return
        await _not_found(send)

    async def _duplicate(
        self, source: Space, auth: bool | None, payload: dict[str, Any], send: Any
    ) -> None:
        if not auth:
            await _send_json(send, 401, {"error": "Invalid username or password."})
            return
        new_id = str(payload.get("repository", ""))
        if new_id.split("/")[0] not in (USER, "standin-org"):
            await _send_json(send, 403, {"error": f"You cannot create a repo in {new_id!r}"})
            return
        if new_id in self.spaces:
            await _send_json(send, 409, {"error": "You already created this space repo"})
            return
        if not self._spares:
            await _send_json(send, 500, {"error": "the stand-in has no port left"})
            return
        self.posted.append((f"{source.id}/duplicate", payload))
        hardware = str(payload.get("hardware") or "cpu-basic")
        self.spaces[new_id] = Space(
            new_id,
            source.backend,
            private=payload.get("private") is True or payload.get("visibility") == "private",
            stages=["BUILDING", "BUILDING", "APP_STARTING", "RUNNING"],
            hardware=hardware,
            requested_hardware=hardware,
            build_logs=list(BUILD_LOGS),
            run_logs=list(RUN_LOGS),
        )
        self._aliases[self._spares.pop(0)] = new_id
        await _send_json(send, 200, {"url": f"{self.endpoint}/spaces/{new_id}"})

    async def _logs(self, space: Space, build: bool, send: Any) -> None:
        """Server-sent events, as the Hub sends them: ``data: {"data", "timestamp"}``, with
        empty ``data:`` keep-alives, and the stream left open for lines still to come."""
        from email.utils import formatdate

        headers = [
            (b"content-type", b"text/event-stream"),
            (b"cache-control", b"no-cache"),
            (b"date", formatdate(usegmt=True).encode()),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})

        async def line(text: str, stamp: str) -> None:
            event = json.dumps({"data": text + "\n", "timestamp": stamp})
            await send(
                {
                    "type": "http.response.body",
                    "body": f"data: {event}\n\n".encode(),
                    "more_body": True,
                }
            )

        old = "2025-05-01T12:00:00.000Z"
        for text in space.build_logs if build else space.run_logs:
            await line(text, old)
        try:
            for n in range(0 if build else space.live_logs):
                if await self._stopped_within(0.3):
                    break
                await send({"type": "http.response.body", "body": b"data: \n\n", "more_body": True})
                await line(f"live line {n + 1}", _now())
            for _ in range(100):
                if await self._stopped_within(0.3):
                    break
                await send({"type": "http.response.body", "body": b"data: \n\n", "more_body": True})
        except OSError:
            return
        await send({"type": "http.response.body", "body": b""})

    async def _stopped_within(self, seconds: float) -> bool:
        """Wait ``seconds``, or less if the stand-in stops meanwhile: whether it stops."""
        assert self._stopping is not None
        try:
            await asyncio.wait_for(self._stopping.wait(), seconds)
        except asyncio.TimeoutError:
            return False
        return True

    async def _until_stopped(self, chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
        """The chunks of a proxied response, cut short when the stand-in stops."""
        assert self._stopping is not None
        stopping = asyncio.ensure_future(self._stopping.wait())
        try:
            while True:
                following = asyncio.ensure_future(chunks.__anext__())
                await asyncio.wait({following, stopping}, return_when=asyncio.FIRST_COMPLETED)
                if not following.done():
                    following.cancel()
                    return
                try:
                    chunk = following.result()
                except StopAsyncIteration:
                    return
                yield chunk
        finally:
            stopping.cancel()

    def _runtime(self, space: Space) -> dict[str, Any]:
        running = space.stage.startswith("RUNNING")
        runtime: dict[str, Any] = {
            "stage": space.stage,
            "hardware": {
                "current": space.hardware if running else None,
                "requested": space.requested_hardware or space.hardware,
            },
            "storage": None,
            "gcTimeout": space.sleep_time,
            "replicas": {"current": 1, "requested": 1},
            "devMode": False,
            "domains": [{"domain": space.id.replace("/", "-") + ".hf.space", "stage": "READY"}],
            "sdk": space.sdk,
            "sdkVersion": "5.9.1",
        }
        if space.error_message:
            runtime["errorMessage"] = space.error_message
        return runtime

    def _space_payload(self, space: Space) -> dict[str, Any]:
        owner = space.id.split("/")[0]
        return {
            "_id": "65f0" + secrets.token_hex(8),
            "id": space.id,
            "author": owner,
            "sha": "0" * 40,
            "lastModified": "2025-05-01T12:00:00.000Z",
            "private": space.private,
            "gated": False,
            "disabled": False,
            "host": self.host(space.id),
            "subdomain": space.id.replace("/", "-").lower(),
            "likes": 42,
            "sdk": space.sdk,
            "tags": [space.sdk, "region:us"],
            "cardData": {"title": space.id, "sdk": space.sdk, "sdk_version": "5.9.1"},
            "runtime": self._runtime(space),
            "models": ["stabilityai/sd-turbo"],
            "createdAt": "2024-01-01T00:00:00.000Z",
        }

    async def _listing(self, path: str, pairs: list[tuple[str, str]], send: Any) -> None:
        query = dict(pairs)
        filters = [v for k, v in pairs if k == "filter"]
        if query.get("search") == "ratelimit":
            await _send_json(send, 429, {"error": "rate limited"}, {"RateLimit": '"api";r=0;t=42'})
            return
        if path == "/api/models":
            items = list(self.models)
        elif path == "/api/spaces":
            items = [
                {
                    "id": s.id,
                    "author": s.id.split("/")[0],
                    "likes": len(s.id),
                    "sdk": s.sdk,
                    "lastModified": "2025-05-01T12:00:00.000Z",
                    "tags": [s.sdk],
                }
                for s in self.spaces.values()
            ]
        else:
            items = [
                {
                    "id": "rajpurkar/squad",
                    "author": "rajpurkar",
                    "downloads": 70000,
                    "likes": 300,
                    "lastModified": "2024-03-04T00:00:00.000Z",
                    "tags": ["task_categories:question-answering"],
                }
            ]
        if query.get("search") == "cross":
            # A next page on another origin: it must be fetched without the token, if at all.
            link = f'<{self.url("elsewhere")}{path}?offset=1>; rel="next"'
            await _send_json(send, 200, items[:1], {"Link": link})
            return
        if query.get("author"):
            items = [m for m in items if m["author"] == query["author"]]
        if query.get("search"):
            items = [m for m in items if query["search"].lower() in m["id"].lower()]
        for f in filters:
            items = [m for m in items if f in m["tags"] or m.get("pipeline_tag") == f]
        sort = query.get("sort")
        if sort:
            items.sort(key=lambda m: m.get(sort, 0), reverse=True)  # always descending
        offset = int(query.get("offset", "0"))
        limit = int(query.get("limit", "1000"))
        size = min(limit, self.page_size)
        page = items[offset : offset + size]
        extra: dict[str, str] = {}
        if offset + size < len(items):
            following = urlencode(
                [(k, v) for k, v in pairs if k != "offset"] + [("offset", str(offset + size))]
            )
            extra["Link"] = f'<{self.endpoint}{path}?{following}>; rel="next"'
        await _send_json(send, 200, page, extra)

    async def _space_host(
        self, space: Space, scope: dict[str, Any], headers: dict[str, str], receive: Any, send: Any
    ) -> None:
        if space.stage in ("SLEEPING", "STOPPED") and space.wakes_to:
            space.stages, space.polls = list(space.wakes_to), 0
            await _send(send, 503, b"waking up", {"Content-Type": "text/plain"})
            return
        if space.private:
            token = headers.get("x-hf-authorization") or headers.get("authorization")
            if token != f"Bearer {self.token}":
                await _send(send, 404, b"Not found", {"Content-Type": "text/plain"})
                return
        if space.backend is None:
            await _send(send, 502, b"no backend", {})
            return
        body = await _read_body(receive)
        if scope["method"] == "POST" and scope["path"].endswith("/queue/join"):
            if space.full_joins > 0:
                space.full_joins -= 1
                # Gradio's own answer when its queue is at max_size.
                detail = "Queue is full. Max size is 1 and size is 1."
                await _send_json(send, 503, {"detail": detail})
                return
            if space.limited_joins > 0:
                space.limited_joins -= 1
                await _send_json(send, 429, {"error": "Too many requests"}, {"Retry-After": "1"})
                return
        if self._proxy is None:
            self._proxy = httpx.AsyncClient(timeout=httpx.Timeout(120.0, connect=10.0))
        forward = {
            k: v
            for k, v in headers.items()
            if k not in HOP_BY_HOP and k not in ("authorization", "x-hf-authorization")
        }
        if space.zero_gpu:
            # The real Space proxy tells a ZeroGPU app who calls, in a signed X-IP-Token.
            token = headers.get("x-hf-authorization") or headers.get("authorization")
            signed_in = token == f"Bearer {self.token}"
            forward["x-ip-token"] = f"user:{USER}" if signed_in else "anonymous"
        query = scope.get("query_string", b"").decode()
        url = space.backend + scope["path"] + (f"?{query}" if query else "")
        request = self._proxy.build_request(scope["method"], url, headers=forward, content=body)
        response = await self._proxy.send(request, stream=True)
        try:
            out = [
                (k.encode(), v.encode())
                for k, v in response.headers.multi_items()
                if k.lower() not in HOP_BY_HOP
            ]
            await send(
                {"type": "http.response.start", "status": response.status_code, "headers": out}
            )
            try:
                async for chunk in self._until_stopped(response.aiter_raw()):
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
            except httpx.HTTPError:
                pass  # the Space stopped mid-stream (a held stream at teardown): end it here too
            await send({"type": "http.response.body", "body": b""})
        finally:
            await response.aclose()


async def _send(send: Any, status: int, body: bytes, headers: dict[str, str]) -> None:
    raw = [(k.encode(), v.encode()) for k, v in headers.items()]
    raw.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


async def _send_json(
    send: Any, status: int, payload: Any, headers: dict[str, str] | None = None
) -> None:
    await _send(
        send,
        status,
        json.dumps(payload).encode(),
        {"Content-Type": "application/json", **(headers or {})},
    )


async def _not_found(send: Any) -> None:
    await _send_json(
        send,
        401,
        {"error": "Invalid username or password."},
        {"X-Error-Code": "RepoNotFound", "X-Error-Message": "Repository not found"},
    )


async def _read_body(receive: Any) -> bytes:
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            return body


def _json_body(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body or b"{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _now() -> str:
    import datetime

    now = datetime.datetime.now(datetime.timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def _flavor(
    name: str, pretty: str, cpu: str, ram: str, gpu: dict[str, str] | None, micro_per_hour: int
) -> dict[str, Any]:
    per_minute = micro_per_hour / 60
    return {
        "name": name,
        "prettyName": pretty,
        "cpu": cpu,
        "ram": ram,
        "ephemeralStorage": "50 GB",
        "accelerator": {"type": "gpu", "quantity": "1", "manufacturer": "Nvidia", **gpu}
        if gpu
        else None,
        "unitCostMicroUSD": round(per_minute),
        "unitCostUSD": per_minute / 1e6,
        "unitLabel": "minute",
    }
