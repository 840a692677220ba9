"""The Hugging Face Hub: its endpoint, token discovery, and one small client for its API.

Like the protocol layer, this module knows nothing of the terminal. The token is sent only
where :class:`TokenHeaders` allows it: the Hub endpoint, and the host of a Space resolved
through the Hub (or a URL the user explicitly opted in for). It is attached per request, by
origin, so that a redirect to another host never carries it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import ssl
import time
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from gradioshell.gradio.errors import GradioError
from gradioshell.gradio.http import RequestHook as RequestHook
from gradioshell.gradio.http import deadline, new_client
from gradioshell.gradio.limits import Limits, parse_json, read_capped

log = logging.getLogger(__name__)

DEFAULT_ENDPOINT = "https://huggingface.co"
TOKEN_HEADERS = ("Authorization", "X-HF-Authorization")

RUNNING_STAGES = frozenset({"RUNNING", "RUNNING_BUILDING", "RUNNING_APP_STARTING"})
STARTING_STAGES = frozenset({"BUILDING", "APP_STARTING"})
ASLEEP_STAGES = frozenset({"SLEEPING", "STOPPED"})
ERROR_STAGES = frozenset({"BUILD_ERROR", "RUNTIME_ERROR", "CONFIG_ERROR", "NO_APP_FILE"})

_NAME = r"[A-Za-z0-9][A-Za-z0-9_.-]*"
_SPACE_ID = re.compile(rf"^(?P<owner>{_NAME})/(?P<name>{_NAME})$")


# -- errors --------------------------------------------------------------------------------


class HubError(GradioError):
    """The Hub refused or failed a request; the message is for the user."""

    def __init__(self, message: str, status: int | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


class RateLimited(HubError):
    """429: ``reset`` is the number of seconds until the limit resets, when the Hub says."""

    def __init__(self, message: str, reset: int | None) -> None:
        super().__init__(message, 429, "RateLimited")
        self.reset = reset


class SpaceUnavailable(HubError):
    """The Space cannot be used as it is (paused, failed, not a Gradio app, timed out)."""

    def __init__(self, message: str, stage: str | None = None) -> None:
        super().__init__(message)
        self.stage = stage


_RATELIMIT = re.compile(r"\bt\s*=\s*(\d+)")


def hub_error(
    response: httpx.Response, what: str | None = None, *, with_token: bool = False
) -> HubError:
    """A user-facing error for an error answer of the Hub, from its headers and JSON body."""
    status = response.status_code
    code = response.headers.get("X-Error-Code")
    message = response.headers.get("X-Error-Message") or _body_error(response)
    subject = what or response.request.url.path
    if status == 429:
        match = _RATELIMIT.search(response.headers.get("RateLimit", ""))
        reset = int(match.group(1)) if match else None
        if reset is None and response.headers.get("Retry-After", "").isdigit():
            reset = int(response.headers["Retry-After"])
        when = f"; the limit resets in {reset} s" if reset is not None else "; wait and retry"
        return RateLimited(f"the Hub is rate limiting requests (429){when}", reset)
    lowered = (message or "").lower()
    if status == 401 and "invalid" in lowered and "credential" in lowered:
        return HubError(
            "the Hub rejected the token (invalid credentials): check it with 'token', "
            "or replace it with 'token set'",
            status,
            code or "InvalidCredentials",
        )
    if code == "GatedRepo" or (status == 403 and message and "gated" in message.lower()):
        return HubError(
            f"{subject} is gated: ask for access on its page on the Hub, then use a token "
            "of an account that has it",
            status,
            code,
        )
    if code in ("RepoNotFound", "EntryNotFound", "RevisionNotFound") or status in (401, 404):
        hint = (
            "the current token has no access to it"
            if with_token
            else "a private repo needs a token: see 'token set'"
        )
        return HubError(
            f"{subject} was not found on the Hub, or it is private ({hint})", status, code
        )
    detail = f": {message}" if message else ""
    return HubError(f"the Hub answered HTTP {status} for {subject}{detail}", status, code)


def _body_error(response: httpx.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, str):
            return error[:300]
    return None


# -- endpoint and tokens -------------------------------------------------------------------


def hub_endpoint(env: Mapping[str, str] | None = None) -> str:
    """The Hub's base URL: ``HF_ENDPOINT`` if set, else https://huggingface.co."""
    env = os.environ if env is None else env
    value = (env.get("HF_ENDPOINT") or "").strip()
    return (value or DEFAULT_ENDPOINT).rstrip("/")


def origin(url: str | httpx.URL) -> str:
    """``scheme://host:port`` of ``url``, with the default port made explicit."""
    parsed = httpx.URL(url) if isinstance(url, str) else url
    port = parsed.port or {"http": 80, "https": 443}.get(parsed.scheme, 0)
    return f"{parsed.scheme}://{parsed.host.lower()}:{port}"


@dataclass(frozen=True)
class Token:
    """A Hugging Face token and where it was found. Its value never shows in repr or str."""

    value: str = field(repr=False)
    source: str

    def masked(self) -> str:
        """The first and last characters only."""
        if len(self.value) < 12:
            return "…" * 3
        return f"{self.value[:5]}…{self.value[-3:]}"

    def __str__(self) -> str:
        return f"token {self.masked()} from {self.source}"

    def __repr__(self) -> str:
        return f"Token(source={self.source!r}, value={self.masked()!r})"


def hf_home(env: Mapping[str, str]) -> Path:
    cache = env.get("XDG_CACHE_HOME") or os.path.join("~", ".cache")
    return Path(os.path.expanduser(env.get("HF_HOME") or os.path.join(cache, "huggingface")))


def token_path(env: Mapping[str, str] | None = None) -> Path:
    """The token file: ``HF_TOKEN_PATH``, else ``$HF_HOME/token``, else the cache's."""
    env = os.environ if env is None else env
    explicit = env.get("HF_TOKEN_PATH")
    if explicit:
        return Path(os.path.expanduser(explicit))
    return hf_home(env) / "token"


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.replace("\r", "").replace("\n", "").strip()
    return value or None


def find_token(env: Mapping[str, str] | None = None) -> Token | None:
    """The token huggingface_hub would use: environment first, then the token file."""
    env = os.environ if env is None else env
    for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"):
        value = _clean(env.get(name))
        if value:
            return Token(value, f"the {name} environment variable")
    path = token_path(env)
    try:
        value = _clean(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None
    return Token(value, f"the file {path}") if value else None


def save_token(value: str, env: Mapping[str, str] | None = None) -> Path:
    """Write the token file, readable by the user only."""
    path = token_path(env)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value)
    os.chmod(path, 0o600)
    return path


class TokenStore:
    """The token in use: one set for this run, or none by choice, else the discovered one."""

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        self._env = env
        self._chosen: Token | None = None
        self._cleared = False

    @property
    def env(self) -> Mapping[str, str]:
        return os.environ if self._env is None else self._env

    def current(self) -> Token | None:
        if self._chosen is not None:
            return self._chosen
        if self._cleared:
            return None
        return find_token(self.env)

    def set(self, token: Token) -> None:
        self._chosen = token
        self._cleared = False

    def clear(self) -> None:
        self._chosen = None
        self._cleared = True

    def __repr__(self) -> str:
        return f"TokenStore(current={self.current()!r})"


class TokenHeaders:
    """An httpx request hook: the token on requests to the allowed origins, and only there.

    This is the one place that decides where the token goes. Hooks run for every hop of a
    redirect chain, so a header copied onto a redirect to another origin (httpx keeps custom
    headers such as X-HF-Authorization) is removed again; a connection made outside httpx
    (the websocket of Gradio 3.x) asks it for each of its hops through
    :func:`gradioshell.gradio.http.headers_for`.
    """

    def __init__(self, token: Token, origins: Iterable[str]) -> None:
        self._token = token
        self._origins = {origin(o) for o in origins}

    def allow(self, url: str) -> None:
        self._origins.add(origin(url))

    def allows(self, url: str | httpx.URL) -> bool:
        return origin(url) in self._origins

    async def __call__(self, request: httpx.Request) -> None:
        bearer = f"Bearer {self._token.value}"
        if origin(request.url) in self._origins:
            for name in TOKEN_HEADERS:
                request.headers[name] = bearer
            return
        for name in TOKEN_HEADERS:
            if request.headers.get(name) == bearer:
                del request.headers[name]

    def __repr__(self) -> str:
        return f"TokenHeaders({sorted(self._origins)!r})"


# -- Spaces --------------------------------------------------------------------------------


def space_id_of(target: str, endpoint: str | None = None) -> str | None:
    """The Space id a connect target names, or None if it is a plain URL.

    ``owner/name`` and ``{hub}/spaces/owner/name`` (also with https://huggingface.co) name
    Spaces; ``localhost/x`` and anything with a dot, colon or scheme in its first part do not.
    """
    text = target.strip().rstrip("/")
    match = _SPACE_ID.match(text)
    if match:
        owner = match.group("owner")
        if "." in owner or owner.lower() == "localhost":
            return None
        return text
    for base in {hub_endpoint() if endpoint is None else endpoint, DEFAULT_ENDPOINT}:
        for prefix in (base + "/spaces/", re.sub(r"^https?://", "", base) + "/spaces/"):
            if text.lower().startswith(prefix.lower()):
                rest = text[len(prefix) :].split("?")[0].split("#")[0]
                parts = rest.split("/")
                candidate = "/".join(parts[:2])
                if _SPACE_ID.match(candidate):
                    return candidate
    return None


def space_host(space_id: str) -> str:
    """The host a Space is served from when the Hub does not say."""
    return "https://" + re.sub(r"[/_.]", "-", space_id.lower()) + ".hf.space"


@dataclass
class SpaceInfo:
    """What the Hub says about a Space (``GET /api/spaces/{id}``)."""

    id: str
    sdk: str | None
    host: str
    private: bool
    stage: str
    hardware: str | None
    error_message: str | None
    sdk_version: str | None
    likes: int | None
    models: list[str]
    author: str | None
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_payload(cls, payload: dict[str, Any], requested: str) -> SpaceInfo:
        space_id = str(payload.get("id") or requested)
        runtime = _dict(payload.get("runtime"))
        card = _dict(payload.get("cardData"))
        host = payload.get("host")
        hardware = runtime.get("hardware")
        if isinstance(hardware, dict):
            hardware = hardware.get("current") or hardware.get("requested")
        models = payload.get("models")
        return cls(
            id=space_id,
            sdk=payload.get("sdk") if isinstance(payload.get("sdk"), str) else None,
            host=str(host).rstrip("/") if isinstance(host, str) and host else space_host(space_id),
            private=bool(payload.get("private")),
            stage=str(runtime.get("stage") or "UNKNOWN"),
            hardware=hardware if isinstance(hardware, str) else None,
            error_message=_str_or_none(runtime.get("errorMessage")),
            sdk_version=_str_or_none(card.get("sdk_version") or payload.get("sdkVersion")),
            likes=payload.get("likes") if isinstance(payload.get("likes"), int) else None,
            models=[str(m) for m in models] if isinstance(models, list) else [],
            author=_str_or_none(payload.get("author")),
            raw=payload,
        )


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def stage_error(space_id: str, stage: str, error_message: str | None) -> SpaceUnavailable:
    detail = f": {error_message.strip()}" if error_message else ""
    return SpaceUnavailable(f"the Space {space_id} is in stage {stage}{detail}", stage)


# -- the client ----------------------------------------------------------------------------


class HubClient:
    """One kept-alive client for the Hub's API. Use as ``async with HubClient(...) as hub``."""

    def __init__(
        self,
        endpoint: str | None = None,
        token: Token | None = None,
        *,
        timeout: float = 30.0,
        verify: bool | ssl.SSLContext = True,
        deadline: float = 120.0,
        limits: Limits | None = None,
    ) -> None:
        self.endpoint = (endpoint or hub_endpoint()).rstrip("/")
        self.token = token
        self.deadline = deadline
        self.limits = limits or Limits()
        self.verify = verify
        self.http = new_client(
            timeout=httpx.Timeout(timeout),
            limit=self.limits.json,
            verify=verify,
            on_request=TokenHeaders(token, [self.endpoint]) if token is not None else None,
        )

    def __repr__(self) -> str:
        return f"HubClient({self.endpoint!r}, token={self.token!r})"

    async def __aenter__(self) -> HubClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.http.aclose()

    def url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        path = path if path.startswith("/") else "/" + path
        if not path.startswith("/api/"):
            path = "/api" + path
        return self.endpoint + path

    async def request(
        self, method: str, path: str, *, what: str | None = None, **kwargs: Any
    ) -> httpx.Response:
        """Send a request to the Hub; raise :class:`HubError` for faults and error answers."""
        from gradioshell.gradio.http import transport_error

        url = self.url(path)

        async def send() -> httpx.Response:
            async with self.http.stream(method, url, **kwargs) as response:
                body = await read_capped(response, self.limits.json, "answer")
            headers = [
                (k, v)
                for k, v in response.headers.multi_items()
                if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")
            ]
            return httpx.Response(
                response.status_code, headers=headers, content=body, request=response.request
            )

        try:
            response = await deadline(send(), self.deadline, f"the Hub's answer to {what or path}")
        except httpx.HTTPError as exc:
            raise transport_error(exc, url) from None
        if response.status_code >= 400:
            raise hub_error(response, what, with_token=self.token is not None)
        return response

    async def get_json(self, path: str, *, what: str | None = None, **kwargs: Any) -> Any:
        response = await self.request("GET", path, what=what, **kwargs)
        return self.parse(response, what or path)

    def parse(self, response: httpx.Response, what: str) -> Any:
        """The Hub's JSON answer, nested at most as deep as any app's may be."""
        try:
            return parse_json(response.content, self.limits.depth, f"Hub's answer for {what}")
        except ValueError:
            raise HubError(f"the Hub's answer for {what} is not JSON") from None

    async def pages(
        self, path: str, params: list[tuple[str, str]], limit: int
    ) -> AsyncIterator[dict[str, Any]]:
        """Items of a listing, following the ``Link: rel="next"`` pages up to ``limit`` items.

        A next page on another origin is fetched without the token (see TokenHeaders).
        """
        url: str | None = self.url(path)
        first = True
        count = 0
        while url is not None and count < limit:
            response = await self.request("GET", url, params=params if first else None)
            first = False
            items = self.parse(response, path)
            if not isinstance(items, list):
                raise HubError(f"the Hub's answer for {path} is not a list")
            for item in items:
                if isinstance(item, dict):
                    yield item
                    count += 1
                    if count >= limit:
                        return
            next_url = response.links.get("next", {}).get("url")
            url = str(response.url.join(next_url)) if next_url else None

    async def whoami(self) -> dict[str, Any]:
        if self.token is None:
            raise HubError("no Hugging Face token: set one with 'token set' or HF_TOKEN")
        data = await self.get_json("/api/whoami-v2", what="the token")
        if not isinstance(data, dict):
            raise HubError("the Hub's whoami answer is not a JSON object")
        return data

    async def space(self, space_id: str) -> SpaceInfo:
        data = await self.get_json(f"/api/spaces/{space_id}", what=f"the Space {space_id}")
        if not isinstance(data, dict):
            raise HubError(f"the Hub's answer for the Space {space_id} is not a JSON object")
        return SpaceInfo.from_payload(data, space_id)

    async def runtime(self, space_id: str) -> dict[str, Any]:
        data = await self.get_json(f"/api/spaces/{space_id}/runtime", what=f"the Space {space_id}")
        return data if isinstance(data, dict) else {}

    async def restart(self, space_id: str) -> None:
        if self.token is None:
            raise HubError("restarting a Space needs the owner's token: see 'token set'")
        await self.request("POST", f"/api/spaces/{space_id}/restart", what=f"the Space {space_id}")

    async def wake(self, space: SpaceInfo) -> None:
        """Ask a sleeping Space to start, by a request to its host (the token if private)."""
        hook = TokenHeaders(self.token, [space.host]) if self.token is not None else None
        async with new_client(
            timeout=httpx.Timeout(15.0), limit=64 * 1024, verify=self.verify, on_request=hook
        ) as http:
            try:
                await deadline(http.get(space.host + "/"), 30.0, "waking the Space")
            except (httpx.HTTPError, GradioError) as exc:
                log.debug("waking %s: %s", space.id, type(exc).__name__)

    async def wait_running(
        self,
        space_id: str,
        *,
        timeout: float,
        on_stage: Callable[[str], None] | None = None,
        interval: float = 1.0,
        max_interval: float = 5.0,
    ) -> str:
        """Poll the Space's runtime until it runs; return the stage it reached.

        Raises :class:`SpaceUnavailable` for an error stage, a pause, or the timeout.
        Cancelling the task (Ctrl-C) stops the wait.
        """
        deadline = time.monotonic() + timeout
        delay = interval
        last: str | None = None
        while True:
            runtime = await self.runtime(space_id)
            stage = str(runtime.get("stage") or "UNKNOWN")
            if stage != last and on_stage is not None:
                on_stage(stage)
            last = stage
            if stage in RUNNING_STAGES:
                return stage
            if stage in ERROR_STAGES:
                raise stage_error(space_id, stage, _str_or_none(runtime.get("errorMessage")))
            if stage == "PAUSED":
                raise SpaceUnavailable(f"the Space {space_id} is paused", stage)
            if time.monotonic() + delay > deadline:
                raise SpaceUnavailable(
                    f"the Space {space_id} is still {stage} after {timeout:.0f} s; "
                    f"try again later or 'space wait {space_id}'",
                    stage,
                )
            await asyncio.sleep(delay)
            delay = min(delay * 1.5, max_interval)
