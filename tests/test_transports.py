"""The channel, the idle limit, the per-call transports and the heartbeat, in-process.

The session stream has its own file (test_session_stream.py); the 3.x websocket is left to
the conformance suite, which runs it against a real 3.x server.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Coroutine
from typing import Any, TypeVar

import httpx
import pytest

from gradioshell.gradio import (
    HIDDEN_ERROR,
    Completed,
    ConnectionFailed,
    Failed,
    Generating,
    HTTPError,
    ResponseTooLarge,
    TimedOut,
)
from gradioshell.gradio.channel import Channel
from gradioshell.gradio.heartbeat import Heartbeat
from gradioshell.gradio.limits import Limits, Timeouts
from gradioshell.gradio.models import Endpoint
from gradioshell.gradio.protocols import Transport, base, load
from gradioshell.gradio.protocols.base import IdleClock, idle_limited
from tests.fake_app import API, URL, FakeApp, until

T = TypeVar("T")

PREFIX = API.removeprefix(URL)
ECHO = Endpoint("/echo", 2)
IDLE = 0.3
QUICK = Timeouts(stream_idle=IDLE)


def run(work: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(work)


# -- the idle clock ----------------------------------------------------------------------


def test_idle_clock_keeps_one_clock_per_call(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [100.0]
    monkeypatch.setattr(base.time, "monotonic", lambda: now[0])
    clock: IdleClock[str] = IdleClock(10.0)
    assert clock.remaining() == 10.0  # nobody waits: the stream's own clock
    clock.start("a")
    now[0] = 104.0
    clock.start("b")
    assert clock.remaining() == 6.0  # a's runs out first
    now[0] = 109.0
    clock.touch("a")  # a message for a
    clock.touch("nobody")  # for a call not waiting: no clock
    assert clock.remaining() == 5.0  # now b's
    now[0] = 114.0
    assert clock.expire() == ["b"]
    assert clock.remaining() == 5.0  # a goes on
    clock.stop("a")
    assert clock.remaining() == 10.0  # the stream idles from a's end
    now[0] = 130.0
    assert clock.remaining() == 0.0 and clock.expire() == []


async def _items(*plan: tuple[float, str]) -> AsyncIterator[str]:
    """Each item after its delay in seconds."""
    for delay, item in plan:
        await asyncio.sleep(delay)
        yield item


def _collect(
    items: AsyncIterator[str], heartbeat: bool
) -> tuple[list[str], float, Exception | None]:
    async def main() -> tuple[list[str], float, Exception | None]:
        started = time.monotonic()
        got: list[str] = []
        predicate = (lambda item: item == "beat") if heartbeat else None
        try:
            async for item in idle_limited(items, IDLE, "the app", predicate):
                got.append(item)
        except TimedOut as exc:
            return got, time.monotonic() - started, exc
        return got, time.monotonic() - started, None

    return run(main())


def test_idle_limited_gives_up_on_heartbeats_alone() -> None:
    plan = [(0.0, "data"), *[(IDLE / 4, "beat")] * 12]
    got, after, error = _collect(_items(*plan), heartbeat=True)
    assert isinstance(error, TimedOut)
    assert str(error) == (
        "the app sent nothing but heartbeats for 0.3 s (the stream idle limit); gave up waiting"
    )
    assert got[0] == "data" and IDLE <= after < IDLE + 0.3


def test_idle_limited_without_heartbeats_gives_up_on_silence() -> None:
    got, after, error = _collect(_items((0.0, "a"), (IDLE * 3, "late")), heartbeat=False)
    assert got == ["a"] and IDLE <= after < IDLE + 0.3
    assert str(error).startswith("the app sent nothing for 0.3 s")


def test_idle_limited_lets_a_stream_run_as_long_as_it_says_something() -> None:
    plan = [(IDLE / 2, f"item{n}") for n in range(8)]  # 1.2 s in all: four idle limits
    got, after, error = _collect(_items(*plan), heartbeat=True)
    assert error is None and len(got) == 8 and after > 3 * IDLE


# -- the channel -------------------------------------------------------------------------


def test_channel_request_reads_bounded_answers_and_maps_failures() -> None:
    async def main() -> dict[str, Any]:
        app = FakeApp()
        app.routes["/ok"] = lambda request: httpx.Response(200, json={"a": 1})
        app.routes["/bad"] = lambda request: httpx.Response(404, json={"detail": "gone"})
        app.routes["/big"] = lambda request: httpx.Response(200, content=b"x" * 2000)

        def refuse(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("[Errno 111] Connection refused")

        app.routes["/down"] = refuse
        channel = app.channel(limits=Limits(json=1000))
        out: dict[str, Any] = {}
        try:
            before = channel.last_answer
            out["ok"] = (await channel.request("GET", URL + "/ok")).json()
            out["answered"] = channel.last_answer > before
            with pytest.raises(HTTPError) as bad:
                await channel.request("GET", URL + "/bad")
            out["bad"] = str(bad.value)
            out["unchecked"] = (await channel.request("GET", URL + "/bad", check=False)).status_code
            with pytest.raises(ResponseTooLarge) as big:
                await channel.request("GET", URL + "/big")
            out["big"] = str(big.value)
            out["stale_before"] = channel.stale
            with pytest.raises(ConnectionFailed) as down:
                await channel.request("GET", URL + "/down")
            out["down"] = str(down.value)
            out["stale_after"] = channel.stale
        finally:
            await channel.close()
        return out

    out = run(main())
    assert out["ok"] == {"a": 1} and out["answered"]
    assert out["bad"] == "/bad: HTTP 404 Not Found: gone" and out["unchecked"] == 404
    assert out["big"].startswith("the app's answer to /big is larger than 1000 bytes")
    assert out["down"] == "cannot connect to http://app.test: connection refused"
    assert not out["stale_before"] and out["stale_after"]


def test_channel_notify_says_the_status_or_nothing() -> None:
    async def main() -> tuple[int | None, int | None]:
        app = FakeApp()
        app.routes["/gone"] = lambda request: httpx.Response(405)

        def fail(request: httpx.Request) -> httpx.Response:
            raise httpx.ReadError("reset")

        app.routes["/fails"] = fail
        channel = app.channel()
        try:
            return await channel.notify(URL + "/gone", {}), await channel.notify(URL + "/fails", {})
        finally:
            await channel.close()

    assert run(main()) == (405, None)


def test_channel_headers_for_come_from_the_request_hook_per_origin() -> None:
    async def hook(request: httpx.Request) -> None:
        if request.url.host == "app.test":
            request.headers["Authorization"] = "Bearer hf_x"

    async def main() -> tuple[dict[str, str], dict[str, str]]:
        http = httpx.AsyncClient(event_hooks={"request": [hook]})
        channel = Channel(URL, http)
        try:
            mine = await channel.headers_for("ws://app.test/queue/join")
            other = await channel.headers_for("wss://elsewhere.test/queue/join")
            return mine, other
        finally:
            await channel.close()

    mine, other = run(main())
    assert mine.get("authorization") == "Bearer hf_x"
    assert "authorization" not in other


def test_a_new_session_is_a_new_hash() -> None:
    channel = Channel(URL, None)  # type: ignore[arg-type]  # no request is made
    first = channel.session_hash
    channel.new_session()
    assert channel.session_hash != first and len(channel.session_hash) == 12


# -- the per-call transports ---------------------------------------------------------------


def _call_routes() -> tuple[FakeApp, Channel, Transport]:
    """An app whose ``call/echo`` answers the event id ``c1``, and its /call transport."""
    app = FakeApp()
    app.routes[f"{PREFIX}/call/echo"] = lambda request: httpx.Response(200, json={"event_id": "c1"})
    channel = app.channel(timeouts=QUICK)
    return app, channel, load("call", channel)


def test_call_routes_stream_full_values_and_errors() -> None:
    """4.20+ with an unknown protocol: POST call/<name>, then its event stream."""

    async def main(last: bytes) -> tuple[list[Any], dict[str, Any]]:
        app, channel, transport = _call_routes()
        try:
            call = await transport.submit(ECHO, ["hi"])
            feed = await app.feed(f"{PREFIX}/call/echo/c1")
            feed.write(b'event: heartbeat\ndata: null\n\nevent: generating\ndata: ["h"]\n\n')
            feed.write(last)
            events = [e async for e in call]
            return events, app.posted(f"{PREFIX}/call/echo")[0]
        finally:
            await transport.close()
            await channel.close()

    events, posted = run(main(b'event: complete\ndata: ["hi"]\n\n'))
    assert posted == {"data": ["hi"]}
    assert events == [Generating(data=["h"]), Completed(data=["hi"])]
    events, _ = run(main(b"event: error\ndata: null\n\n"))
    assert events[-1] == Failed(message=HIDDEN_ERROR, title="Error")
    events, _ = run(main(b'event: error\ndata: "Out of memory"\n\n'))
    assert events[-1] == Failed(message="Out of memory", title="Error")


def test_call_routes_give_up_on_heartbeats_alone() -> None:
    async def main() -> BaseException:
        app, channel, transport = _call_routes()
        try:
            call = await transport.submit(ECHO, [])
            feed = await app.feed(f"{PREFIX}/call/echo/c1")

            async def beat() -> None:
                while True:
                    feed.write(b"event: heartbeat\ndata: null\n\n")
                    await asyncio.sleep(IDLE / 4)

            beating = asyncio.create_task(beat())
            with pytest.raises(TimedOut) as caught:
                await call.result()
            beating.cancel()
            return caught.value
        finally:
            await transport.close()
            await channel.close()

    assert "http://app.test sent nothing but heartbeats for 0.3 s" in str(run(main()))


def test_gradio_4_0_sends_the_inputs_when_the_app_asks_for_them() -> None:
    """4.0 – 4.8: one queue/join stream per call; send_data asks for the inputs."""

    async def main() -> tuple[list[Any], list[dict[str, Any]], str | None, str]:
        app = FakeApp()
        channel = app.channel(timeouts=QUICK)
        transport = load("sse", channel)
        try:
            call = await transport.submit(ECHO, ["hi"])
            feed = await app.feed(f"{PREFIX}/queue/join")
            feed.send({"msg": "send_data", "event_id": "s1"})
            await until(lambda: app.posted(f"{PREFIX}/queue/data"))
            feed.send(
                {"msg": "process_starts"},
                {"msg": "process_completed", "success": True, "output": {"data": ["hi"]}},
            )
            events = [e async for e in call]
            params = feed.request.url.params
            assert params["fn_index"] == "2"
            return events, app.posted(f"{PREFIX}/queue/data"), call.event_id, params["session_hash"]
        finally:
            await transport.close()
            await channel.close()

    events, posted, event_id, session = run(main())
    assert [e.kind for e in events] == ["started", "complete"] and events[-1].data == ["hi"]  # type: ignore[attr-defined]
    assert posted == [
        {
            "data": ["hi"],
            "event_data": None,
            "fn_index": 2,
            "session_hash": session,
            "event_id": "s1",
        }
    ]
    assert event_id == "s1"


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (200, {"data": ["hi"], "is_generating": False}, Completed(data=["hi"])),
        (500, {"error": "boom"}, Failed(message="boom", title="Error")),
        (500, {"error": None}, Failed(message=HIDDEN_ERROR, title="Error")),
    ],
)
def test_gradio_3_without_queue_posts_run(status: int, body: Any, expected: Any) -> None:
    async def main() -> tuple[list[Any], dict[str, Any]]:
        app = FakeApp()
        app.routes[f"{PREFIX}/run/echo"] = lambda request: httpx.Response(status, json=body)
        channel = app.channel()
        transport = load("http", channel)
        try:
            events = [e async for e in await transport.submit(ECHO, ["hi"])]
            return events, app.posted(f"{PREFIX}/run/echo")[0]
        finally:
            await transport.close()
            await channel.close()

    events, posted = run(main())
    assert events == [expected]
    assert posted["data"] == ["hi"] and posted["fn_index"] == 2


def test_a_per_call_transport_turns_a_lost_connection_into_the_calls_error() -> None:
    async def main() -> BaseException:
        app = FakeApp()

        def drop(request: httpx.Request) -> httpx.Response:
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.")

        app.routes[f"{PREFIX}/run/echo"] = drop
        channel = app.channel()
        transport = load("http", channel)
        try:
            with pytest.raises(ConnectionFailed) as caught:
                await (await transport.submit(ECHO, [])).result()
            return caught.value
        finally:
            await transport.close()
            await channel.close()

    assert str(run(main())) == "the connection to http://app.test was lost"


# -- the heartbeat -----------------------------------------------------------------------


def test_the_heartbeat_follows_the_session_and_ends_with_it() -> None:
    async def main() -> tuple[list[str], list[bool], str, str]:
        app = FakeApp()
        channel = app.channel()
        heartbeat = Heartbeat(channel)
        try:
            first_hash = channel.session_hash
            heartbeat.ensure()
            heartbeat.ensure()  # already open: nothing more
            first = await app.feed(f"{PREFIX}/heartbeat/{first_hash}")
            channel.new_session()
            heartbeat.ensure()
            second = await app.feed(f"{PREFIX}/heartbeat/{channel.session_hash}")
            await until(lambda: first.closed)
            await heartbeat.close()
            await until(lambda: second.closed)
            opened = [r.url.path for r in app.requests]
            return opened, [first.closed, second.closed], first_hash, channel.session_hash
        finally:
            await heartbeat.close()
            await channel.close()

    opened, closed, first, second = run(main())
    assert opened == [f"{PREFIX}/heartbeat/{first}", f"{PREFIX}/heartbeat/{second}"]
    assert closed == [True, True]


def test_no_heartbeat_route_means_no_retries() -> None:
    async def main() -> int:
        app = FakeApp()
        channel = app.channel()
        app.routes[f"{PREFIX}/heartbeat/{channel.session_hash}"] = lambda request: httpx.Response(
            404
        )
        heartbeat = Heartbeat(channel)
        try:
            heartbeat.ensure()
            await until(lambda: heartbeat._task is not None and heartbeat._task.done())
            return len(app.requests)
        finally:
            await heartbeat.close()
            await channel.close()

    assert run(main()) == 1
