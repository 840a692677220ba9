"""One Gradio app: its config and endpoints, login, and its calls, each sent through the
transport its release needs, all on the app's one :class:`~gradioshell.gradio.channel.Channel`."""

from __future__ import annotations

import functools
import logging
import ssl
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import httpx

from gradioshell.gradio import heartbeat
from gradioshell.gradio.channel import Channel
from gradioshell.gradio.errors import (
    ConnectionFailed,
    LoginFailed,
    NotAGradioApp,
    ProtocolError,
    UnknownEndpoint,
)
from gradioshell.gradio.http import new_client, status_error, tls_context
from gradioshell.gradio.legacy_files import FileCodec, codec_for
from gradioshell.gradio.limits import Limits, Timeouts, parse_json
from gradioshell.gradio.models import (
    AppConfig,
    Endpoint,
    parse_config,
    parse_info,
    undocumented_endpoint,
)
from gradioshell.gradio.protocols import (
    Transport,
    check_supported,
    load,
    protocol_name,
    transport_name,
    version_tuple,
)
from gradioshell.gradio.protocols.session import SessionStream

if TYPE_CHECKING:
    from gradioshell.gradio.call import Call

log = logging.getLogger(__name__)

__all__ = ["GradioApp", "normalize_url"]


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
    """A connected Gradio app. Create with :meth:`connect`; close with :meth:`close`.

    It reads the app's config and endpoints, and runs calls through the transport the app's
    release needs (``protocols/``), all of them on its :attr:`channel`: the connection and
    session that the transports, the heartbeat and the file functions are given.
    """

    #: After this many seconds without an answer, a call first checks the app was not restarted.
    REVALIDATE_AFTER = 10.0

    def __init__(
        self,
        url: str,
        http: httpx.AsyncClient,
        *,
        timeouts: Timeouts | None = None,
        limits: Limits | None = None,
        tls: ssl.SSLContext | bool = True,
    ) -> None:
        self.url = url
        #: The app's connection and session, as its transports use them.
        self.channel = Channel(url, http, timeouts=timeouts, limits=limits, tls=tls)
        self._config: AppConfig | None = None
        self.endpoints: list[Endpoint] = []
        self.info: dict[str, Any] = {}
        #: Who the app logged in, when it asked for a login.
        self.user: str | None = None
        #: How file values travel to and from this app's release (None: as FileData).
        self.file_codec: FileCodec | None = None
        self._heartbeat: heartbeat.Heartbeat | None = None
        #: The transport of 4.9 and later; the others are made when first needed.
        self._stream = SessionStream(self.channel)
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
        tls = tls_context() if verify is True else verify
        http = new_client(
            timeout=timeouts.httpx(),
            limit=max(limits.json, limits.file),
            verify=tls,
            on_request=on_request,
            headers=headers,
        )
        app = cls(url, http, timeouts=timeouts, limits=limits, tls=tls)
        try:
            if auth is not None:
                await app.login(*auth)
            await app.refresh()
        except BaseException:
            await http.aclose()
            raise
        return app

    # -- what the channel holds, as the shell reads it ---------------------------------

    @property
    def http(self) -> httpx.AsyncClient:
        return self.channel.http

    @property
    def timeouts(self) -> Timeouts:
        return self.channel.timeouts

    @property
    def limits(self) -> Limits:
        return self.channel.limits

    @property
    def session_hash(self) -> str:
        return self.channel.session_hash

    @property
    def stale(self) -> bool:
        """Whether the app may have been restarted: the next call refreshes first."""
        return self.channel.stale

    @stale.setter
    def stale(self, value: bool) -> None:
        self.channel.stale = value

    @property
    def api_url(self) -> str:
        return self.channel.api_url

    # -- config and endpoints ------------------------------------------------------------

    @property
    def config(self) -> AppConfig | None:
        return self._config

    @config.setter
    def config(self, config: AppConfig | None) -> None:
        """The app's config, and with it what the transports must know of it."""
        self._config = config
        self.channel.api_url = self.url + (config.api_prefix if config else "")
        self.channel.upload_limit = config.max_file_size if config else None
        self._stream.protocol = config.protocol if config else None

    @property
    def version(self) -> str:
        return self.config.version if self.config else "unknown"

    @property
    def protocol(self) -> str:
        return protocol_name(self.config) if self.config else "unknown"

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
        self.file_codec = codec_for(config, self.api_url)
        if heartbeat.wanted(version_tuple(config.version)):
            self._heartbeat = self._heartbeat or heartbeat.Heartbeat(self.channel)

    async def revalidate(self) -> None:
        """Make sure config and endpoints are current before a call.

        After a lost connection, or a quiet spell in which the app may have been restarted
        (its ``/config`` then has a new ``app_id`` or other endpoints), read ``/config``
        and ``/info`` again and start a new session: the old one is gone with the old process.
        """
        if not self.stale:
            if time.monotonic() - self.channel.last_answer < self.REVALIDATE_AFTER:
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
        self.channel.new_session()

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
        import difflib  # only for a name that is not there

        by_lower = {ep.name.lower(): ep.name for ep in self.endpoints}
        near = [
            by_lower[m]
            for m in difflib.get_close_matches(wanted.lower(), list(by_lower), n=3, cutoff=0.5)
        ]
        message = f"no endpoint {wanted!r}"
        if near:
            message += f"; did you mean {' or '.join(near)}?"
        raise UnknownEndpoint(message, near)

    # -- calls ---------------------------------------------------------------------------

    async def submit(self, endpoint: Endpoint, data: list[Any]) -> Call:
        """Queue a call of ``endpoint`` with ``data`` (one value per parameter)."""
        if self.stale or time.monotonic() - self.channel.last_answer >= self.REVALIDATE_AFTER:
            await self.revalidate()
            endpoint = self._current(endpoint)
        if self._heartbeat is not None:
            self._heartbeat.ensure()
        codec = self.file_codec
        if codec is not None:
            data = await codec.encode(self.channel, endpoint, data)
        call = await self._transport(endpoint).submit(endpoint, endpoint.wire_inputs(data))
        if codec is not None:
            call.decode = functools.partial(codec.decode, endpoint)
        return call

    def _transport(self, endpoint: Endpoint) -> Transport:
        """The transport for a call of ``endpoint``: the session stream, or one per call."""
        name = transport_name(self.config, endpoint) if self.config is not None else None
        if name is None:
            return self._stream
        transport = self._transports.get(name)
        if transport is None:
            transport = self._transports[name] = load(name, self.channel)
        return transport

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

    # -- requests ------------------------------------------------------------------------

    async def request(
        self,
        method: str,
        url: str,
        *,
        check: bool = True,
        within: float | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """A request on the app's channel (:meth:`Channel.request`)."""
        return await self.channel.request(method, url, check=check, within=within, **kwargs)

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
        await self.channel.close()


def _fingerprint(config: AppConfig) -> tuple[Any, ...]:
    """What changes when the app behind a URL is restarted or replaced."""
    return (config.raw.get("app_id"), config.version, sorted(config.api_names.items()))
