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
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

import httpx
import uvicorn

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

    @property
    def stage(self) -> str:
        return self.stages[min(self.polls, len(self.stages) - 1)]


def _bind() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


class StandInHub:
    def __init__(self, backend: str) -> None:
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
            ]
        }
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
        self._by_port = {s.getsockname()[1]: name for name, s in self._sockets.items()}
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._proxy: httpx.AsyncClient | None = None

    # -- addresses ---------------------------------------------------------------------

    def url(self, where: str) -> str:
        return f"http://127.0.0.1:{self._sockets[where].getsockname()[1]}"

    @property
    def endpoint(self) -> str:
        return self.url("hub")

    def host(self, space_id: str) -> str:
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
            self.app, interface="asgi3", log_level="warning", lifespan="off", access_log=False
        )
        self._server = uvicorn.Server(config)
        sockets = list(self._sockets.values())
        self._thread = threading.Thread(
            target=lambda: asyncio.run(self._server.serve(sockets=sockets)),  # type: ignore[union-attr]
            daemon=True,
        )
        self._thread.start()
        for _ in range(200):
            if self._server.started:
                return
            threading.Event().wait(0.05)
        raise RuntimeError("the stand-in Hub did not start")

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)

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
        if where == "hub":
            await self._hub(scope, headers, receive, send)
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
        if path.startswith("/api/spaces/"):
            await self._space_api(path.removeprefix("/api/spaces/"), method, auth, send)
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

    async def _space_api(self, rest: str, method: str, auth: bool | None, send: Any) -> None:
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
        await _not_found(send)

    def _runtime(self, space: Space) -> dict[str, Any]:
        runtime: dict[str, Any] = {
            "stage": space.stage,
            "hardware": {"current": "cpu-basic", "requested": "cpu-basic"},
            "storage": None,
            "gcTimeout": 172800,
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
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        if self._proxy is None:
            self._proxy = httpx.AsyncClient(timeout=httpx.Timeout(120.0, connect=10.0))
        forward = {
            k: v
            for k, v in headers.items()
            if k not in HOP_BY_HOP and k not in ("authorization", "x-hf-authorization")
        }
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
                async for chunk in response.aiter_raw():
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
