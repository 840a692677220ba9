"""The HTTP clients that talk to apps (and to the Hub): one place for what every request may
carry and for how an answer is read, whatever sends it.

* Credentials are never client-wide headers. They are added by the ``on_request`` hook,
  which httpx runs before every request *and every redirect hop*, so the hook alone decides
  which origin gets what. :func:`headers_for` asks the same hook (and the cookie jar) for the
  headers of a request made outside httpx (the websocket of Gradio 3.x), hop by hop too.
* Answers are decompressed here, not by httpx: in pieces of at most :data:`PIECE` bytes
  through any number of ``Content-Encoding`` layers, so a small compressed answer can never
  become gigabytes before a size cap sees it, and the whole decoded answer is capped too.
* :func:`deadline` bounds a whole request, where httpx's timeouts bound each read only.
* What goes wrong is told in the user's words here, beside the code that meets it:
  :func:`transport_error` for a request that failed, :func:`status_error` for an error
  status (with the app's own explanation when it gives one).
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import errno
import functools
import os
import socket
import ssl
import sys
import threading
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from typing import Any, TypeVar

import httpx

from gradioshell import __version__
from gradioshell.gradio.errors import (
    AuthenticationRequired,
    ConnectionFailed,
    GradioError,
    HTTPError,
    QueueFull,
    TooManyRequests,
    Unavailable,
    ValidationFailed,
)
from gradioshell.gradio.limits import read_capped, too_large

T = TypeVar("T")

RequestHook = Callable[[httpx.Request], Awaitable[None]]

#: The encodings asked for, and the only ones accepted: each can be read in bounded pieces.
ACCEPT_ENCODING = "gzip, deflate"
#: Largest piece of decompressed data produced at once, whatever the compression ratio.
PIECE = 64 * 1024
#: More layers of compression than this is not an answer but an attack.
MAX_LAYERS = 4
#: Headers of a request that a connection made outside httpx must not copy.
TRANSPORT_HEADERS = ("accept", "accept-encoding", "connection", "user-agent", "host")


@functools.cache
def tls_context(cafile: str | None = None) -> ssl.SSLContext:
    """The verifying TLS context every session shares: with the CA bundle ``cafile``, else
    the default one (``SSL_CERT_DIR``, or the certificates httpx bundles).

    Loading a CA bundle is most of the cost of a new httpx client (tens of milliseconds,
    more than the /config and /info requests of a local app), so it is done once, and only
    when the first TLS connection is made: an app on ``http://`` never pays for it. A bundle
    the user named must be readable now, so that a missing one is said before anything is
    sent.
    """
    if cafile:
        with open(cafile, "rb"):
            pass
        return TrustOnFirstUse(cafile=cafile)
    return TrustOnFirstUse(capath=os.environ.get("SSL_CERT_DIR") or None)


class TrustOnFirstUse(ssl.SSLContext):
    """A verifying client context that reads its CA certificates at its first handshake.

    Every TLS connection (httpx's, through anyio or asyncio, and the websockets library's)
    wraps its socket or memory BIO with the context, so the certificates are there before
    any peer is verified. Otherwise made as ``ssl.create_default_context`` makes one; with
    neither a file nor a directory it trusts the certificates httpx bundles (certifi).
    """

    _lock = threading.Lock()
    _where: tuple[str | None, str | None]
    _loaded: bool

    def __new__(cls, cafile: str | None = None, capath: str | None = None) -> TrustOnFirstUse:
        context = super().__new__(cls, ssl.PROTOCOL_TLS_CLIENT)
        context._where = (cafile, capath)
        context._loaded = False
        return context

    def _load(self) -> None:
        if self._loaded:
            return
        with self._lock:
            if self._loaded:
                return
            cafile, capath = self._where
            if cafile is None and capath is None:
                import certifi

                cafile = certifi.where()
            try:
                self.load_verify_locations(cafile=cafile, capath=capath)
            except (OSError, ssl.SSLError) as exc:
                reason = getattr(exc, "strerror", None) or str(exc)
                # With an error code, so that the error reads as its message, not a tuple.
                message = f"cannot read the CA bundle {cafile or capath}: {reason}"
                raise ssl.SSLError(ssl.SSL_ERROR_SSL, message) from None
            keylog = os.environ.get("SSLKEYLOGFILE")
            if keylog and not sys.flags.ignore_environment:
                self.keylog_filename = keylog
            self._loaded = True

    def wrap_socket(self, *args: Any, **kwargs: Any) -> ssl.SSLSocket:
        self._load()
        return super().wrap_socket(*args, **kwargs)

    def wrap_bio(self, *args: Any, **kwargs: Any) -> ssl.SSLObject:
        self._load()
        return super().wrap_bio(*args, **kwargs)

    def get_ca_certs(self, binary_form: bool = False) -> Any:
        self._load()
        return super().get_ca_certs(binary_form)

    def cert_store_stats(self) -> dict[str, int]:
        self._load()
        return super().cert_store_stats()


def new_client(
    *,
    timeout: httpx.Timeout,
    limit: int,
    verify: bool | object = True,
    on_request: RequestHook | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.AsyncClient:
    """A client whose answers are decompressed in bounded pieces and at most ``limit`` bytes
    each (event streams excepted: their events are capped one by one), and whose only
    credentials are what ``on_request`` adds to each request, redirect hops included."""
    return httpx.AsyncClient(
        headers={
            "User-Agent": f"gradioshell/{__version__}",
            "Accept-Encoding": ACCEPT_ENCODING,
            **(headers or {}),
        },
        follow_redirects=True,
        timeout=timeout,
        verify=verify,  # type: ignore[arg-type]
        event_hooks={
            "request": [on_request] if on_request is not None else [],
            "response": [BoundedDecoding(limit)],
        },
    )


async def headers_for(http: httpx.AsyncClient, url: str) -> dict[str, str]:
    """The headers ``http`` would send to ``url``: its own, the cookies its jar has for that
    URL, and what its request hooks add there (credentials, for allowed origins only)."""
    target = httpx.URL(url)
    if target.scheme in ("ws", "wss"):
        target = target.copy_with(scheme="https" if target.scheme == "wss" else "http")
    request = http.build_request("GET", target)
    for hook in http.event_hooks["request"]:
        await hook(request)
    return {k: v for k, v in request.headers.items() if k.lower() not in TRANSPORT_HEADERS}


async def error_answer(response: httpx.Response) -> httpx.Response:
    """A streamed error answer with the start of its body read (for the app's explanation of
    the error), never more: what :func:`status_error` reads."""
    try:
        body = await read_capped(response, 64 * 1024, "error page")
    except (GradioError, httpx.HTTPError):
        body = b""
    headers = {"content-type": response.headers.get("content-type", "")}
    return httpx.Response(
        response.status_code, headers=headers, content=body, request=response.request
    )


# -- errors in the user's words -----------------------------------------------------------


PROXY_LOGIN = (
    "the proxy asks for a login (407): give it in the proxy's URL, "
    "HTTPS_PROXY=http://USER:PASSWORD@HOST:PORT"
)


def transport_error(exc: httpx.HTTPError, url: str) -> GradioError:
    """A user-facing error for a failed request."""
    where = str(httpx.URL(url).copy_with(path="/", query=None)).rstrip("/")
    if isinstance(exc, httpx.ProxyError):
        # The proxy's own answer (e.g. 407 Proxy Authentication Required); never its URL,
        # which may carry a password.
        if "407" in str(exc):
            return ConnectionFailed(PROXY_LOGIN)
        return ConnectionFailed(f"the proxy refused to reach {where}: {str(exc) or 'proxy error'}")
    if isinstance(exc, httpx.ConnectTimeout):
        return ConnectionFailed(f"timed out connecting to {where}")
    if isinstance(exc, httpx.ConnectError):
        text = " ".join(str(e) for e in _chain(exc))
        errnos = {getattr(e, "errno", None) for e in _chain(exc)}
        if errno.ECONNREFUSED in errnos or "refused" in text.lower():
            return ConnectionFailed(f"cannot connect to {where}: connection refused")
        if isinstance(exc.__cause__, socket.gaierror) or any(
            marker in text
            for marker in (
                "Name or service not known",
                "nodename nor servname",
                "getaddrinfo",
                "Temporary failure in name resolution",
                "No address associated",
            )
        ):
            return ConnectionFailed(f"cannot resolve host {httpx.URL(url).host!r}")
        if "CERTIFICATE" in text.upper() or "SSL" in text.upper():
            return ConnectionFailed(f"TLS error talking to {where}: {str(exc) or text}")
        return ConnectionFailed(f"cannot connect to {where}: {str(exc) or type(exc).__name__}")
    if isinstance(exc, httpx.ReadTimeout):
        return ConnectionFailed(f"{where} stopped answering (read timed out)")
    if isinstance(exc, httpx.TimeoutException):
        return ConnectionFailed(f"timed out talking to {where}")
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)):
        return ConnectionFailed(f"the connection to {where} was lost")
    return ConnectionFailed(f"request to {where} failed: {str(exc) or type(exc).__name__}")


_GROUP: Any = getattr(builtins, "BaseExceptionGroup", ())


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        if isinstance(current, _GROUP):
            for inner in current.exceptions:
                yield from _chain(inner)
        current = current.__cause__ or current.__context__


def status_error(response: httpx.Response) -> HTTPError:
    """A user-facing error for an error status, with the server's own detail when it gives one."""
    status = response.status_code
    detail = _detail(response)
    path = response.request.url.path
    if status == 401:
        return _auth_error(detail)
    if status == 407:
        return HTTPError(PROXY_LOGIN, status, detail)
    if status == 503 and "stopped" in (detail or "").lower():
        return QueueFull(
            f"the app's queue is stopped (503): {detail}; the app is restarting or shutting "
            "down, try again in a moment",
            503,
            detail,
        )
    if status == 503 and (not detail or "queue" in detail.lower()):
        return QueueFull(
            f"the app's queue is full (503){': ' + detail if detail else ''}", 503, detail
        )
    if status == 422:
        errors = _validation_errors(response)
        if errors:
            listed = "; ".join(f"{name}: {message}" for name, message in errors)
            return ValidationFailed(f"the app rejected the inputs: {listed}", errors)
    if status == 429:
        retry = response.headers.get("retry-after")
        seconds = float(retry) if retry and retry.strip().isdigit() else None
        hint = f"; retry after {retry} s" if retry else "; wait a moment and retry"
        return TooManyRequests(f"too many requests (429){hint}", seconds, detail)
    reason = response.reason_phrase or "error"
    message = f"{path}: HTTP {status} {reason}"
    if detail:
        message += f": {detail}"
    if status in (502, 503, 504):
        return Unavailable(message, status, detail)
    return HTTPError(message, status, detail)


def _auth_error(detail: str | None) -> HTTPError:
    return AuthenticationRequired("the app requires a login", 401, detail)


def _detail(response: httpx.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip()
        return text[:300] if text and not text.startswith("<") else None
    if isinstance(body, dict):
        for key in ("detail", "error", "message"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return value[:300]
            if isinstance(value, dict) and isinstance(value.get("error"), str):
                return str(value["error"])[:300]
    return None


def _validation_errors(response: httpx.Response) -> list[tuple[str, str]]:
    try:
        body = response.json()
    except ValueError:
        return []
    detail = body.get("detail") if isinstance(body, dict) else None
    errors = []
    for item in detail if isinstance(detail, list) else []:
        if isinstance(item, dict) and item.get("is_valid") is False:
            errors.append((str(item.get("parameter_name", "?")), str(item.get("message", ""))))
        elif isinstance(item, dict) and "msg" in item:
            loc = item.get("loc")
            where = ".".join(map(str, loc)) if isinstance(loc, list) else "?"
            errors.append((where, str(item["msg"])))
    return errors


# -- deadlines -----------------------------------------------------------------------------


async def deadline(
    work: Awaitable[T], seconds: float | None, what: str, which: str = "the request deadline"
) -> T:
    """The result of ``work``, or :class:`ConnectionFailed` once ``seconds`` have passed
    (saying that ``what`` took longer than ``which``).

    A server that sends one byte at a time passes every per-read timeout; this bounds the
    whole exchange. ``work`` is cancelled (and its clean-up awaited) at the deadline, and
    when the caller is cancelled.
    """
    if seconds is None:
        return await work
    task = asyncio.ensure_future(work)
    try:
        done, _ = await asyncio.wait({task}, timeout=seconds)
    except asyncio.CancelledError:
        task.cancel()
        await asyncio.wait({task})
        raise
    if not done:
        task.cancel()
        await asyncio.wait({task})
        with contextlib.suppress(asyncio.CancelledError, Exception):
            task.result()
        why = f" ({which})" if which else ""
        raise ConnectionFailed(f"{what} took longer than {seconds:g} s{why}; gave up")
    return task.result()


# -- bounded decompression -----------------------------------------------------------------


class _Layer:
    """One layer of ``gzip`` or ``deflate``, giving its output in pieces of at most PIECE."""

    def __init__(self, encoding: str) -> None:
        self._deflate = encoding == "deflate"
        wbits = zlib.MAX_WBITS | 16 if encoding in ("gzip", "x-gzip") else zlib.MAX_WBITS
        self._decoder = zlib.decompressobj(wbits)
        self._started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        while True:
            try:
                out = self._decoder.decompress(data, PIECE)
            except zlib.error as exc:
                if self._deflate and not self._started:
                    # "deflate" is sometimes sent raw, without the zlib header.
                    self._decoder = zlib.decompressobj(-zlib.MAX_WBITS)
                    self._started = True
                    continue
                raise httpx.DecodingError(
                    f"the answer is not valid compressed data: {exc}"
                ) from None
            self._started = True
            data = self._decoder.unconsumed_tail
            if out:
                yield out
            if self._decoder.eof:
                return  # anything after the end of the compressed data is ignored
            if not data and len(out) < PIECE:
                return  # all input taken and no output pending
            # Else: more input to take, or output still pending (asked for again).

    def feed_all(self, pieces: Iterable[bytes]) -> Iterator[bytes]:
        for piece in pieces:
            yield from self.feed(piece)

    def flush(self) -> Iterator[bytes]:
        try:
            tail = self._decoder.flush()
        except zlib.error as exc:
            raise httpx.DecodingError(f"the answer is not valid compressed data: {exc}") from None
        for start in range(0, len(tail), PIECE):
            yield tail[start : start + PIECE]


class _DecodedStream(httpx.AsyncByteStream):
    """The body of an answer, decompressed through ``layers`` and counted against ``limit``
    (None: no total, for event streams)."""

    def __init__(self, raw: httpx.AsyncByteStream, encodings: list[str], limit: int | None) -> None:
        self._raw = raw
        # The last encoding listed was applied last: it is undone first.
        self._layers = [_Layer(e) for e in reversed(encodings)]
        self._limit = limit

    async def __aiter__(self) -> AsyncIterator[bytes]:
        received = 0
        decoded = 0
        async for chunk in self._raw:
            received += len(chunk)
            if self._limit is not None and received > self._limit:
                raise too_large("answer", self._limit)
            for piece in self._through(chunk):
                decoded += len(piece)
                if self._limit is not None and decoded > self._limit:
                    raise too_large("answer", self._limit)
                yield piece
        for piece in self._finish():
            decoded += len(piece)
            if self._limit is not None and decoded > self._limit:
                raise too_large("answer", self._limit)
            yield piece

    def _through(self, chunk: bytes) -> Iterator[bytes]:
        pieces: Iterator[bytes] = iter((chunk,))
        for layer in self._layers:
            pieces = layer.feed_all(pieces)
        return pieces

    def _finish(self) -> Iterator[bytes]:
        for index, layer in enumerate(self._layers):
            pieces = layer.flush()
            for later in self._layers[index + 1 :]:
                pieces = later.feed_all(pieces)
            yield from pieces

    async def aclose(self) -> None:
        await self._raw.aclose()


class BoundedDecoding:
    """An httpx response hook: the body is decompressed by :class:`_DecodedStream` instead
    of by httpx (which decompresses a whole network chunk, through every layer, at once)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit

    async def __call__(self, response: httpx.Response) -> None:
        encodings = [
            e.strip().lower()
            for e in response.headers.get_list("content-encoding", split_commas=True)
            if e.strip() and e.strip().lower() != "identity"
        ]
        unknown = [e for e in encodings if e not in ("gzip", "x-gzip", "deflate")]
        if unknown:
            raise httpx.DecodingError(
                f"the answer is compressed as {unknown[0][:40]!r}, which was not asked for",
                request=response.request,
            )
        if len(encodings) > MAX_LAYERS:
            raise httpx.DecodingError(
                f"the answer is compressed {len(encodings)} times over", request=response.request
            )
        if encodings:
            del response.headers["content-encoding"]
            if "content-length" in response.headers:
                del response.headers["content-length"]
        streaming = "text/event-stream" in response.request.headers.get("accept", "")
        if streaming and not encodings:
            return  # nothing to undo, and no total: the body as it comes, one layer less
        raw = response.stream
        assert isinstance(raw, httpx.AsyncByteStream)
        response.stream = _DecodedStream(raw, encodings, None if streaming else self.limit)
