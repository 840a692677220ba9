"""The connection to one Gradio app: config, endpoints, calls, over one kept-alive HTTP client."""

from __future__ import annotations

import asyncio
import contextlib
import difflib
import functools
import logging
import ssl
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from gradioshell.gradio import sse
from gradioshell.gradio.call import SESSION_LOST, Call, MessageQueue, SessionNotFound, buffer_full
from gradioshell.gradio.errors import (
    ConnectionFailed,
    GradioError,
    LoginFailed,
    NotAGradioApp,
    ProtocolError,
    TimedOut,
    UnknownEndpoint,
)
from gradioshell.gradio.http import (
    deadline,
    error_answer,
    headers_for,
    new_client,
    status_error,
    tls_context,
    transport_error,
)
from gradioshell.gradio.limits import Limits, Timeouts, parse_json, read_capped
from gradioshell.gradio.models import (
    AppConfig,
    Endpoint,
    parse_config,
    parse_info,
    undocumented_endpoint,
)
from gradioshell.gradio.protocols import (
    DIFF_PROTOCOLS,
    QUEUE_PROTOCOLS,
    Transport,
    check_supported,
    protocol_name,
    transport_name,
    version_tuple,
)
from gradioshell.gradio.protocols import load as load_transport

if TYPE_CHECKING:
    from gradioshell.gradio.heartbeat import Heartbeat
    from gradioshell.gradio.legacy_files import FileCodec

log = logging.getLogger(__name__)

__all__ = ["DIFF_PROTOCOLS", "QUEUE_PROTOCOLS", "GradioApp", "Timeouts"]


def normalize_url(target: str) -> str:
    """``127.0.0.1:7860/`` → ``http://127.0.0.1:7860``; keeps a path prefix such as ``/myapp``."""
    url = target.strip()
    if "://" not in url:
        url = "http://" + url
    parsed = httpx.URL(url)
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ConnectionFailed(f"{target!r} is not an http(s) URL")
    return str(parsed.copy_with(query=None, fragment=None)).rstrip("/")


class GradioApp:
    """A connected Gradio app. Create with :meth:`connect`; close with :meth:`close`."""

    def __init__(
        self,
        url: str,
        http: httpx.AsyncClient,
        *,
        timeouts: Timeouts | None = None,
        limits: Limits | None = None,
    ) -> None:
        self.url = url
        self.http = http
        self.timeouts = timeouts or Timeouts()
        self.limits = limits or Limits()
        self.session_hash = uuid.uuid4().hex[:12]
        # Set when the app may have been restarted: the next call refreshes first.
        self.stale = False
        self._last_answer = time.monotonic()
        self.config: AppConfig | None = None
        self.endpoints: list[Endpoint] = []
        self.info: dict[str, Any] = {}
        self.verify = True
        #: What verifies the app's certificate (False: nothing): for its other connections.
        self.tls: ssl.SSLContext | bool = True
        #: Who the app logged in, when it asked for a login.
        self.user: str | None = None
        #: Server paths of this session's uploads → the local files they came from.
        self.uploaded_from: dict[str, Path] = {}
        #: How file values travel to and from this app's release (None: as FileData).
        self.file_codec: FileCodec | None = None
        self._heartbeat: Heartbeat | None = None
        self._stream = _SessionStream(self)
        self._transports: dict[str, Transport] = {}

    def __repr__(self) -> str:
        return f"GradioApp({self.url!r}, version={self.version!r})"

    @classmethod
    async def connect(
        cls,
        target: str,
        *,
        headers: dict[str, str] | None = None,
        timeouts: Timeouts | None = None,
        limits: Limits | None = None,
        verify: bool | ssl.SSLContext = True,
        auth: tuple[str, str] | None = None,
        on_request: Callable[[httpx.Request], Awaitable[None]] | None = None,
    ) -> GradioApp:
        """Reach the app at ``target``, log in with ``auth`` (user, password) if the app
        asks for a login, and read its config and endpoints.

        ``on_request`` runs before every request, redirect hops included (credentials that
        must only reach one origin are added there, not as client-wide headers). ``verify``
        is False to skip TLS verification, or a context with the CA bundle to verify with.
        """
        url = normalize_url(target)
        timeouts = timeouts or Timeouts()
        limits = limits or Limits()
        http = new_client(
            timeout=timeouts.httpx(),
            limit=max(limits.json, limits.file),
            verify=tls_context() if verify is True else verify,
            on_request=on_request,
            headers=headers,
        )
        app = cls(url, http, timeouts=timeouts, limits=limits)
        app.verify = verify is not False
        app.tls = tls_context() if verify is True else verify
        try:
            if auth is not None:
                await app.login(*auth)
            await app.refresh()
        except BaseException:
            await http.aclose()
            raise
        return app

    @property
    def version(self) -> str:
        return self.config.version if self.config else "unknown"

    @property
    def protocol(self) -> str:
        return protocol_name(self.config) if self.config else "unknown"

    @property
    def api_url(self) -> str:
        return self.url + (self.config.api_prefix if self.config else "")

    async def refresh(self) -> None:
        """Fetch ``/config`` and ``/info`` again."""
        config_payload = await self._get_json(self.url + "/config", what="config")
        config = parse_config(config_payload)
        check_supported(config)
        self.config = config
        # 3.x describes the values sent on the wire only when asked not to "serialize".
        query = "?serialize=False" if config.protocol is None else ""
        info = await self._get_json(self.api_url + "/info" + query, what="API description")
        self.endpoints = parse_info(info, config)
        self.info = info
        self.stale = False
        from gradioshell.gradio import heartbeat
        from gradioshell.gradio.legacy_files import codec_for

        self.file_codec = codec_for(config, self.api_url)
        if heartbeat.wanted(version_tuple(config.version)):
            self._heartbeat = self._heartbeat or heartbeat.Heartbeat(self)

    #: After this many seconds without an answer, a call first checks the app was not restarted.
    REVALIDATE_AFTER = 10.0

    async def revalidate(self) -> None:
        """Make sure config and endpoints are current before a call.

        After a lost connection, or a quiet spell in which the app may have been restarted
        (its ``/config`` then has a new ``app_id`` or other endpoints), read ``/config``
        and ``/info`` again and start a new session: the old one is gone with the old process.
        """
        if not self.stale:
            if time.monotonic() - self._last_answer < self.REVALIDATE_AFTER:
                return
            payload = await self._get_json(self.url + "/config", what="config")
            if self.config is not None and _fingerprint(parse_config(payload)) == _fingerprint(
                self.config
            ):
                return
            log.info("%s was restarted; reading its endpoints again", self.url)
        await self.refresh()
        self.new_session()

    def new_session(self) -> None:
        """Take a new session hash (the app no longer knows the old one)."""
        self.session_hash = uuid.uuid4().hex[:12]

    async def login(self, user: str, password: str) -> None:
        """Log in with the app's ``/login`` form; the client keeps the cookies it sets."""
        url = self.url + "/login"
        response = await self.request(
            "POST",
            url,
            check=False,
            data={"username": user, "password": password},
            follow_redirects=False,
        )
        if response.is_redirect:
            return  # the app has no login: it sends the browser to its page
        if response.status_code in (400, 401, 403):
            raise LoginFailed(f"{self.url} refused the user name or password", 400)
        if response.status_code >= 400:
            raise status_error(response)
        self.user = user

    def endpoint_at(self, fn_index: int) -> Endpoint:
        """An endpoint by its index (``fn N``), for events the app gave no api_name."""
        for ep in self.endpoints:
            if ep.fn_index == fn_index:
                return ep
        known = ", ".join(str(ep.fn_index) for ep in self.endpoints if not ep.named)
        hint = f" (unnamed endpoints: {known})" if known else ""
        raise UnknownEndpoint(f"no endpoint with index {fn_index}{hint}", [])

    def endpoint(self, name: str) -> Endpoint:
        """An endpoint by name, with or without its slash; case-insensitive if unambiguous."""
        wanted = name.lstrip("/")
        for ep in self.endpoints:
            if ep.name == wanted:
                return ep
        folded = [ep for ep in self.endpoints if ep.name.lower() == wanted.lower()]
        if len(folded) == 1:
            return folded[0]
        hidden = undocumented_endpoint(self.config, wanted) if self.config else None
        if hidden is not None:
            return hidden
        by_lower = {ep.name.lower(): ep.name for ep in self.endpoints}
        near = [
            by_lower[m]
            for m in difflib.get_close_matches(wanted.lower(), list(by_lower), n=3, cutoff=0.5)
        ]
        message = f"no endpoint {wanted!r}"
        if near:
            message += f"; did you mean {' or '.join(near)}?"
        raise UnknownEndpoint(message, near)

    async def submit(self, endpoint: Endpoint, data: list[Any]) -> Call:
        """Queue a call of ``endpoint`` with ``data`` (one value per parameter)."""
        if self.stale or time.monotonic() - self._last_answer >= self.REVALIDATE_AFTER:
            await self.revalidate()
            endpoint = self._current(endpoint)
        if self._heartbeat is not None:
            self._heartbeat.ensure()
        codec = self.file_codec
        if codec is not None:
            data = await codec.encode(self, endpoint, data)
        call = await self._start(endpoint, endpoint.wire_inputs(data))
        if codec is not None:
            call.decode = functools.partial(codec.decode, endpoint)
        return call

    async def _start(self, endpoint: Endpoint, data: list[Any]) -> Call:
        """Send the call over the app's transport: the session stream, or one per call."""
        if self.config is not None:
            name = transport_name(self.config, endpoint)
            if name is not None:
                transport = self._transports.get(name)
                if transport is None:
                    transport = self._transports[name] = load_transport(name, self)
                return await transport.submit(endpoint, data)
        payload = {
            "data": data,
            "fn_index": endpoint.fn_index,
            "session_hash": self.session_hash,
            "event_data": None,
            "trigger_id": None,
        }
        response = await self.request("POST", self.api_url + "/queue/join", json=payload)
        event_id = _json(response, "queue/join", self.limits.depth).get("event_id")
        if not isinstance(event_id, str):
            raise ProtocolError("the app did not return an event id for the call")
        queue = self._stream.listen(event_id)
        return Call(
            endpoint,
            event_id,
            queue,
            diffs=self.protocol in DIFF_PROTOCOLS,
            on_cancel=self._cancel,
            on_finish=lambda call: self._stream.forget(call.event_id),
            depth=self.limits.depth,
        )

    def _current(self, endpoint: Endpoint) -> Endpoint:
        """``endpoint`` as the app describes it now (after a refresh its index may differ)."""
        for ep in self.endpoints:
            if (
                ep.api_name == endpoint.api_name
                if endpoint.named
                else ep.fn_index == endpoint.fn_index
            ):
                return ep
        hidden = undocumented_endpoint(self.config, endpoint.api_name) if self.config else None
        if hidden is not None and endpoint.named:
            return hidden
        raise UnknownEndpoint(f"the app no longer has the endpoint {endpoint.name!r}", [])

    async def _cancel(self, call: Call) -> None:
        payload = {
            "session_hash": self.session_hash,
            "fn_index": call.endpoint.fn_index,
            "event_id": call.event_id,
        }
        status = await self.notify(self.api_url + "/cancel", payload)
        if status in (404, 405):
            # Before 4.29 there is no /cancel; /reset stops the event instead.
            await self.notify(self.api_url + "/reset", {"event_id": call.event_id})

    async def notify(self, url: str, payload: dict[str, Any]) -> int | None:
        """POST ``payload`` to a route whose answer hardly matters (cancel, reset): briefly,
        reading little of the answer. Its status, or None if it failed (logged)."""
        follow = "the answer to " + httpx.URL(url).path

        async def send() -> int:
            async with self.http.stream("POST", url, json=payload, timeout=3.0) as response:
                await read_capped(response, 64 * 1024, follow)
                return response.status_code

        try:
            return await deadline(send(), 5.0, follow, "")
        except (httpx.HTTPError, GradioError) as exc:
            log.debug("request to %s failed: %s", url, exc)
            return None

    async def headers_for(self, url: str) -> dict[str, str]:
        """The headers (cookies and credentials included) a request to ``url`` carries from
        this app's client: what a connection made outside it (a websocket) must send."""
        return await headers_for(self.http, url)

    async def request(
        self,
        method: str,
        url: str,
        *,
        check: bool = True,
        within: float | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """Send a request; raise a :class:`GradioError` for faults, and for error statuses
        unless ``check`` is false (the caller reads the app's answer to a failure itself).

        The answer is read whole, up to the JSON size limit, all within ``within`` seconds
        (by default the request deadline of the settings).
        """
        seconds = self.timeouts.request if within is None else within
        path = httpx.URL(url).path

        follow = kwargs.pop("follow_redirects", True)

        async def send() -> tuple[httpx.Response, bytes]:
            request = self.http.build_request(method, url, **kwargs)
            response = await self.http.send(request, stream=True, follow_redirects=follow)
            try:
                what = "answer to " + request.url.path  # parsed once, by build_request
                return response, await read_capped(response, self.limits.json, what)
            finally:
                await response.aclose()

        try:
            response, body = await deadline(send(), seconds, f"the answer to {path}")
        except httpx.HTTPError as exc:
            self.stale = True
            raise transport_error(exc, url) from exc
        self._last_answer = time.monotonic()
        headers = [
            (k, v)
            for k, v in response.headers.multi_items()
            if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")
        ]
        response = httpx.Response(
            response.status_code, headers=headers, content=body, request=response.request
        )
        if check and response.status_code >= 400:
            raise status_error(response)
        return response

    async def _get_json(self, url: str, *, what: str) -> Any:
        response = await self.request("GET", url)
        try:
            return parse_json(response.content, self.limits.depth, what)
        except ValueError:
            if what == "config":
                raise NotAGradioApp(
                    f"{self.url} answered, but is not a Gradio app (its /config is not JSON)"
                ) from None
            raise ProtocolError(f"the app's {what} is not valid JSON") from None

    async def close(self) -> None:
        if self._heartbeat is not None:
            await self._heartbeat.close()
        for transport in self._transports.values():
            await transport.close()
        await self._stream.close()
        await self.http.aclose()


class _SessionStream:
    """The session's single event stream (``queue/data``), shared by all its running calls.

    Messages are routed to calls by ``event_id``. The stream is opened while any call
    is pending and reopened if the server closes it early.

    What an app can make it hold is bounded: messages for calls not (yet) listening are
    kept up to ``MAX_EARLY`` calls, ``MAX_EARLY`` messages each and the buffer limit in
    bytes; a call's own messages not yet taken, up to the buffer limit. And each call has
    its own idle clock: messages for other calls (or heartbeats) never keep it alive.
    """

    MAX_EMPTY_REOPENS = 5
    MAX_EARLY = 256

    def __init__(self, app: GradioApp) -> None:
        self._app = app
        self._listeners: dict[str, MessageQueue] = {}
        #: When each listening call last had a message (or started listening).
        self._active: dict[str, float] = {}
        self._early: dict[str, list[tuple[dict[str, Any], int]]] = {}
        self._early_bytes = 0
        #: When the last call stopped listening (the stream idles from then on).
        self._quiet = time.monotonic()
        self._task: asyncio.Task[None] | None = None

    def listen(self, event_id: str) -> MessageQueue:
        queue = MessageQueue(self._app.limits.buffer)
        for msg, size in self._early.pop(event_id, []):
            self._early_bytes -= size
            queue.put_sized(msg, size)
        self._listeners[event_id] = queue
        self._active[event_id] = time.monotonic()
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run())
        return queue

    def forget(self, event_id: str | None) -> None:
        if event_id is not None:
            self._listeners.pop(event_id, None)
            self._active.pop(event_id, None)
            self._quiet = time.monotonic()
            for _, size in self._early.pop(event_id, []):
                self._early_bytes -= size

    async def close(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task

    async def _run(self) -> None:
        app = self._app
        empty_reopens = 0
        try:
            while self._listeners:
                delivered, ended = await self._read_once()
                if ended == "idle":
                    continue  # nobody listened for a while: closed, reopened if need be
                if ended == "cut" and app.protocol == "sse_v3" and self._listeners:
                    # sse_v3 always ends a stream with close_stream: this one was cut.
                    raise ConnectionFailed(f"the connection to {app.url} was lost")
                if delivered:
                    empty_reopens = 0
                    continue
                empty_reopens += 1
                if empty_reopens > self.MAX_EMPTY_REOPENS:
                    raise ProtocolError("the app closed its event stream with calls still pending")
                await asyncio.sleep(0.05 * empty_reopens)
        except asyncio.CancelledError:
            raise
        except GradioError as exc:
            if isinstance(exc, ConnectionFailed):
                app.stale = True
            self._broadcast(exc)
        except httpx.HTTPError as exc:
            app.stale = True
            self._broadcast(transport_error(exc, app.api_url + "/queue/data"))
        except Exception as exc:  # a bug must not hang the calls waiting on this stream
            log.exception("event stream failed")
            self._broadcast(ProtocolError(f"event stream failed: {type(exc).__name__}: {exc}"))

    async def _read_once(self) -> tuple[int, str]:
        """Read the stream to its end: (messages delivered, how it ended: ``closed`` by
        close_stream, ``cut`` without it, or ``idle``: no call listened for the idle limit)."""
        app = self._app
        delivered = 0
        ended = "cut"
        timeout = httpx.Timeout(app.timeouts.stream_idle, connect=app.timeouts.connect)
        async with app.http.stream(
            "GET",
            app.api_url + "/queue/data",
            params={"session_hash": app.session_hash},
            headers={"Accept": "text/event-stream", "Cache-Control": "no-store"},
            timeout=timeout,
        ) as response:
            if response.status_code >= 400:
                if response.status_code == 404:
                    app.stale = True
                    raise SessionNotFound(SESSION_LOST)
                raise status_error(await error_answer(response))
            app._last_answer = time.monotonic()
            messages = sse.sized_messages(response, app.limits.json, app.limits.depth)
            iterator = aiter(messages)
            pending: asyncio.Future[tuple[dict[str, Any], int]] | None = None
            try:
                while True:
                    if pending is None:
                        pending = asyncio.ensure_future(anext(iterator))
                    ready = await self._wait(pending)
                    if ready is None:
                        ended = "idle"
                        break
                    if not ready:
                        continue  # idle calls were given up; the others go on
                    try:
                        msg, size = pending.result()
                    except StopAsyncIteration:
                        break
                    finally:
                        pending = None
                    kind = msg.get("msg")
                    if kind == "close_stream":
                        ended = "closed"
                        break
                    app._last_answer = time.monotonic()
                    if kind == "heartbeat":
                        continue
                    event_id = msg.get("event_id")
                    if not isinstance(event_id, str):
                        if kind == "unexpected_error":
                            if msg.get("session_not_found"):
                                app.stale = True
                            for queue in self._listeners.values():
                                queue.put_nowait(msg)
                            self._listeners.clear()
                            self._active.clear()
                            self._quiet = time.monotonic()
                            delivered += 1
                        continue
                    delivered += 1
                    self._deliver(event_id, msg, size)
            finally:
                if pending is not None:
                    pending.cancel()
                    await asyncio.wait({pending})
                await messages.aclose()
        return delivered, ended

    async def _wait(self, pending: asyncio.Future[Any]) -> bool | None:
        """Wait for the next message (True). False when, first, some call has had nothing
        but heartbeats (or nothing at all) for the stream idle limit: it is given up. None
        when no call has listened for that long: the stream is not worth keeping open."""
        limit = self._app.timeouts.stream_idle
        now = time.monotonic()
        oldest = min((self._active.get(e, now) for e in self._listeners), default=self._quiet)
        remaining = oldest + limit - now
        done, _ = await asyncio.wait({pending}, timeout=max(remaining, 0.0))
        if done:
            return True
        if not self._listeners:
            return None
        now = time.monotonic()
        error = TimedOut(
            f"{self._app.url} sent nothing but heartbeats for {limit:g} s "
            "(the stream idle limit); gave up waiting"
        )
        for event_id in [e for e in self._listeners if now - self._active.get(e, now) >= limit]:
            self._listeners.pop(event_id).put_nowait(error)
            self._active.pop(event_id, None)
        self._quiet = now
        return False

    def _deliver(self, event_id: str, msg: dict[str, Any], size: int) -> None:
        terminal = msg.get("msg") in ("process_completed", "unexpected_error")
        queue = self._listeners.get(event_id)
        if queue is None:
            self._hold(event_id, msg, size)
            return
        self._active[event_id] = time.monotonic()
        if not queue.put_sized(msg, size):
            # The call is not taking its messages as fast as the app sends them.
            queue.put_nowait(buffer_full(self._app.limits.buffer))
            terminal = True
        if terminal:
            self._listeners.pop(event_id, None)
            self._active.pop(event_id, None)
            self._quiet = time.monotonic()

    def _hold(self, event_id: str, msg: dict[str, Any], size: int) -> None:
        """Keep a message for a call that is not listening yet (it may be about to), bounded
        in calls, messages per call and bytes in all, whatever the app sends."""
        limit = self._app.limits.buffer
        if size > limit:
            return
        if event_id not in self._early and len(self._early) >= self.MAX_EARLY:
            self._drop_early(next(iter(self._early)))
        while self._early and self._early_bytes + size > limit:
            self._drop_early(next(iter(self._early)))
        early = self._early.setdefault(event_id, [])
        early.append((msg, size))
        self._early_bytes += size
        if len(early) > self.MAX_EARLY:
            self._early_bytes -= early.pop(0)[1]

    def _drop_early(self, event_id: str) -> None:
        for _, size in self._early.pop(event_id, []):
            self._early_bytes -= size

    def _broadcast(self, exc: BaseException) -> None:
        for queue in self._listeners.values():
            queue.put_nowait(exc)
        self._listeners.clear()
        self._active.clear()
        self._quiet = time.monotonic()


def _fingerprint(config: AppConfig) -> tuple[Any, ...]:
    """What changes when the app behind a URL is restarted or replaced."""
    return (config.raw.get("app_id"), config.version, sorted(config.api_names.items()))


def _json(response: httpx.Response, what: str, depth: int) -> dict[str, Any]:
    try:
        body = parse_json(response.content, depth, "answer to " + what)
    except ValueError:
        raise ProtocolError(f"the app's answer to {what} is not JSON") from None
    if not isinstance(body, dict):
        raise ProtocolError(f"the app's answer to {what} is not a JSON object")
    return body
