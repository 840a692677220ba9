"""Failed requests and error statuses, told in the user's words (``gradio/http.py``).

Every httpx error class and every status the shell treats apart, without a server: the
errors are built as httpx raises them, the answers as apps send them.
"""

from __future__ import annotations

import asyncio
import errno
import socket
import sys

import httpx
import pytest

from gradioshell.gradio import (
    AuthenticationRequired,
    ConnectionFailed,
    HTTPError,
    QueueFull,
    TooManyRequests,
    Unavailable,
    ValidationFailed,
)
from gradioshell.gradio.http import PROXY_LOGIN, error_answer, status_error, transport_error

URL = "http://app.test:7860/gradio_api/queue/join?session_hash=abc"
WHERE = "http://app.test:7860"


def _caused(exc: httpx.HTTPError, cause: BaseException) -> httpx.HTTPError:
    exc.__cause__ = cause
    return exc


REFUSED = ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused")

TRANSPORT_CASES = [
    (httpx.ProxyError("407 Proxy Authentication Required"), PROXY_LOGIN),
    (
        httpx.ProxyError("502 Bad Gateway"),
        f"the proxy refused to reach {WHERE}: 502 Bad Gateway",
    ),
    (httpx.ProxyError(""), f"the proxy refused to reach {WHERE}: proxy error"),
    (httpx.ConnectTimeout(""), f"timed out connecting to {WHERE}"),
    (
        _caused(httpx.ConnectError("All connection attempts failed"), REFUSED),
        f"cannot connect to {WHERE}: connection refused",
    ),
    (
        httpx.ConnectError("[Errno 111] Connection refused"),
        f"cannot connect to {WHERE}: connection refused",
    ),
    (httpx.ConnectError("[Errno -2] Name or service not known"), "cannot resolve host 'app.test'"),
    (
        _caused(httpx.ConnectError("lookup failed"), socket.gaierror(-3, "temporary")),
        "cannot resolve host 'app.test'",
    ),
    (
        httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"),
        f"TLS error talking to {WHERE}: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed",
    ),
    (httpx.ConnectError(""), f"cannot connect to {WHERE}: ConnectError"),
    (httpx.ReadTimeout(""), f"{WHERE} stopped answering (read timed out)"),
    (httpx.WriteTimeout(""), f"timed out talking to {WHERE}"),
    (httpx.PoolTimeout(""), f"timed out talking to {WHERE}"),
    (httpx.RemoteProtocolError("peer closed"), f"the connection to {WHERE} was lost"),
    (httpx.ReadError(""), f"the connection to {WHERE} was lost"),
    (httpx.WriteError(""), f"the connection to {WHERE} was lost"),
    (httpx.UnsupportedProtocol("no ftp"), f"request to {WHERE} failed: no ftp"),
    (httpx.DecodingError(""), f"request to {WHERE} failed: DecodingError"),
]


@pytest.mark.parametrize(("error", "message"), TRANSPORT_CASES, ids=lambda v: type(v).__name__)
def test_transport_errors(error: httpx.HTTPError, message: str) -> None:
    mapped = transport_error(error, URL)
    assert isinstance(mapped, ConnectionFailed)
    assert str(mapped) == message
    assert "session_hash" not in str(mapped) and "/queue/join" not in str(mapped)


@pytest.mark.skipif(sys.version_info < (3, 11), reason="exception groups are 3.11+")
def test_a_refusal_inside_an_exception_group_is_found() -> None:
    group = BaseExceptionGroup("attempts", [OSError("other"), REFUSED])  # noqa: F821
    error = _caused(httpx.ConnectError("All connection attempts failed"), group)
    assert str(transport_error(error, URL)) == f"cannot connect to {WHERE}: connection refused"


def _answer(
    status: int,
    *,
    json: object = None,
    text: str | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    request = httpx.Request("POST", "http://app.test/gradio_api/queue/join")
    if text is not None:
        return httpx.Response(status, text=text, headers=headers, request=request)
    return httpx.Response(status, json=json, headers=headers, request=request)


def test_401_asks_for_a_login_with_the_apps_detail() -> None:
    error = status_error(_answer(401, json={"detail": {"error": "Not authenticated"}}))
    assert isinstance(error, AuthenticationRequired)
    assert (str(error), error.status, error.detail) == (
        "the app requires a login",
        401,
        "Not authenticated",
    )


def test_407_says_how_to_give_the_proxy_a_login() -> None:
    error = status_error(_answer(407, text=""))
    assert type(error) is HTTPError and str(error) == PROXY_LOGIN


@pytest.mark.parametrize(
    ("detail", "kind", "message"),
    [
        (None, QueueFull, "the app's queue is full (503)"),
        ("Queue is full", QueueFull, "the app's queue is full (503): Queue is full"),
        (
            "Queue is stopped",
            QueueFull,
            "the app's queue is stopped (503): Queue is stopped; the app is restarting or "
            "shutting down, try again in a moment",
        ),
        (
            "upstream down",
            Unavailable,
            "/gradio_api/queue/join: HTTP 503 Service Unavailable: upstream down",
        ),
    ],
)
def test_503_tells_a_full_or_stopped_queue_from_an_unavailable_app(
    detail: str | None, kind: type, message: str
) -> None:
    answer = _answer(503, json={"detail": detail}) if detail else _answer(503, text="")
    error = status_error(answer)
    assert type(error) is kind and str(error) == message
    if kind is QueueFull:
        assert error.stopped == ("stopped" in (detail or ""))  # type: ignore[attr-defined]


@pytest.mark.parametrize("status", [502, 504])
def test_gateways_are_unavailable(status: int) -> None:
    error = status_error(_answer(status, text="<html>Bad gateway</html>"))
    assert isinstance(error, Unavailable) and error.status == status
    assert error.detail is None  # an HTML page is not an explanation


def test_422_lists_the_rejected_inputs() -> None:
    gradio = {"detail": [{"is_valid": False, "message": "too long", "parameter_name": "text"}]}
    error = status_error(_answer(422, json=gradio))
    assert isinstance(error, ValidationFailed)
    assert str(error) == "the app rejected the inputs: text: too long"
    assert error.errors == [("text", "too long")]
    fastapi = {"detail": [{"loc": ["body", "data"], "msg": "field required"}]}
    assert status_error(_answer(422, json=fastapi)).errors == [("body.data", "field required")]  # type: ignore[attr-defined]
    plain = status_error(_answer(422, json={"detail": "nope"}))
    assert type(plain) is HTTPError
    assert str(plain) == "/gradio_api/queue/join: HTTP 422 Unprocessable Entity: nope"


@pytest.mark.parametrize(
    ("retry_after", "seconds", "hint"),
    [
        ("7", 7.0, "retry after 7 s"),
        ("Wed, 21 Oct 2026 07:28:00 GMT", None, "retry after Wed, 21 Oct 2026 07:28:00 GMT s"),
        (None, None, "wait a moment and retry"),
    ],
)
def test_429_says_when_to_retry(retry_after: str | None, seconds: float | None, hint: str) -> None:
    headers = {"Retry-After": retry_after} if retry_after else None
    error = status_error(_answer(429, text="slow down", headers=headers))
    assert isinstance(error, TooManyRequests)
    assert str(error) == f"too many requests (429); {hint}"
    assert error.retry_after == seconds and error.detail == "slow down"


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"error": "boom"}, "boom"),
        ({"message": "m"}, "m"),
        ({"detail": "d" * 500}, "d" * 300),
        ([1, 2], None),
    ],
)
def test_other_statuses_carry_the_apps_detail(body: object, detail: str | None) -> None:
    error = status_error(_answer(500, json=body))
    assert type(error) is HTTPError and error.detail == detail
    suffix = f": {detail}" if detail else ""
    assert str(error) == f"/gradio_api/queue/join: HTTP 500 Internal Server Error{suffix}"


def test_an_error_page_is_read_only_in_part() -> None:
    """A streamed error answer is read for its explanation, never whole."""
    sent: list[int] = []

    class Endless(httpx.AsyncByteStream):
        async def __aiter__(self):  # type: ignore[no-untyped-def]
            for _ in range(10_000):
                sent.append(1)
                yield b"x" * 1024

    async def main() -> HTTPError:
        def handler(request: httpx.Request) -> httpx.Response:
            return httpx.Response(500, stream=Endless())

        http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
        async with http, http.stream("GET", "http://app.test/x") as response:
            return status_error(await error_answer(response))

    error = asyncio.run(main())
    assert error.status == 500 and error.detail is None  # past 64 KiB the page is dropped
    assert len(sent) <= 65
