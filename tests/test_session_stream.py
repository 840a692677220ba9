"""The session stream of Gradio 4.9 and later (sse_v1 to sse_v3), in-process.

A :class:`~tests.fake_app.FakeApp` stands on the far side of the channel and writes the
bytes of each ``queue/data`` stream, so routing, held messages, idle limits and the ends of
streams are checked without starting Gradio (the conformance suite does that, in
test_versions.py).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine
from typing import Any, TypeVar

import httpx
import pytest

from gradioshell.gradio import (
    Completed,
    ConnectionFailed,
    Generating,
    GradioError,
    ProtocolError,
    QueueFull,
    ResponseTooLarge,
    SessionNotFound,
    TimedOut,
)
from gradioshell.gradio.channel import Channel
from gradioshell.gradio.limits import Limits, Timeouts
from gradioshell.gradio.models import Endpoint
from gradioshell.gradio.protocols.session import SessionStream
from tests.fake_app import API, URL, FakeApp, Feed, until

T = TypeVar("T")

ENDPOINT = Endpoint("/echo", 3)
PREFIX = API.removeprefix(URL)
DATA = PREFIX + "/queue/data"
JOIN = PREFIX + "/queue/join"
IDLE = 0.3
QUICK = Timeouts(stream_idle=IDLE)

HEARTBEAT = {"msg": "heartbeat"}
CLOSE = {"msg": "close_stream", "event_id": None}


def generating(event_id: str, value: Any) -> dict[str, Any]:
    return {
        "msg": "process_generating",
        "event_id": event_id,
        "success": True,
        "output": {"data": [value]},
    }


def completed(event_id: str, value: Any) -> dict[str, Any]:
    return {
        "msg": "process_completed",
        "event_id": event_id,
        "success": True,
        "output": {"data": [value]},
    }


def run(work: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(work)


class Session:
    """A fake app, a channel to it and the session stream on that channel."""

    def __init__(
        self, protocol: str = "sse_v3", *, timeouts: Timeouts = QUICK, limits: Limits | None = None
    ) -> None:
        self.app = FakeApp()
        self.channel: Channel = self.app.channel(timeouts=timeouts, limits=limits)
        self.stream = SessionStream(self.channel, protocol)

    async def feed(self, number: int = 1) -> Feed:
        return await self.app.feed(DATA, number)

    async def __aenter__(self) -> Session:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stream.close()
        await self.channel.close()


# -- routing ---------------------------------------------------------------------------


def test_calls_share_one_stream_and_each_gets_its_own_messages() -> None:
    async def main() -> tuple[list[Any], list[Any], Session]:
        async with Session() as s:
            first = await s.stream.submit(ENDPOINT, ["a"])
            second = await s.stream.submit(ENDPOINT, ["b"])
            feed = await s.feed()
            feed.send(
                generating("e2", "b1"),
                HEARTBEAT,
                generating("e1", "a1"),
                completed("e2", "b2"),
                completed("e1", "a2"),
            )
            return [e async for e in first], [e async for e in second], s

    first, second, s = run(main())
    assert first == [Generating(data=["a1"]), Completed(data=["a2"])]
    assert second == [Generating(data=["b1"]), Completed(data=["b2"])]
    assert len(s.app.feeds[DATA]) == 1
    assert s.app.feeds[DATA][0].request.url.params["session_hash"] == s.channel.session_hash
    joins = s.app.posted(JOIN)
    assert [j["data"] for j in joins] == [["a"], ["b"]]
    assert all(j["fn_index"] == 3 and j["session_hash"] == s.channel.session_hash for j in joins)


def test_diffs_are_applied_from_sse_v2_only() -> None:
    async def main(protocol: str) -> list[Any]:
        async with Session(protocol) as s:
            call = await s.stream.submit(ENDPOINT, [])
            feed = await s.feed()
            diff = [[["append", [], " world"]]]
            later = {**generating("e1", None), "output": {"data": diff}}
            feed.send(generating("e1", "hello"), later, completed("e1", "hello world"))
            return [e async for e in call]

    assert run(main("sse_v3"))[1] == Generating(data=["hello world"])
    # sse_v1 sends full values: a list that looks like a diff is a value.
    assert run(main("sse_v1"))[1] == Generating(data=[[["append", [], " world"]]])


def test_a_long_stream_is_read_without_a_task_per_message() -> None:
    """A streamed answer is thousands of messages: each is read in the stream's own task,
    the idle clocks kept by a timer beside it, not by a task and a wait per message."""

    async def main() -> tuple[list[Any], int]:
        created = 0
        loop = asyncio.get_running_loop()

        def count(loop: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any) -> asyncio.Task[Any]:
            nonlocal created
            created += 1
            return asyncio.Task(coro, loop=loop, **kwargs)

        loop.set_task_factory(count)
        async with Session() as s:
            call = await s.stream.submit(ENDPOINT, [])
            feed = await s.feed()
            more = {**generating("e1", None), "output": {"data": [[["append", [], "x"]]]}}
            feed.send(generating("e1", ""), *[more] * 199, completed("e1", "x" * 199))
            events = [e async for e in call]
        return events, created

    events, created = run(main())
    assert len(events) == 201 and events[-2] == Generating(data=["x" * 199])
    assert created < 20


def test_messages_that_come_before_their_call_listens_are_kept_for_it() -> None:
    async def main() -> tuple[list[Any], list[Any]]:
        async with Session() as s:
            first = await s.stream.submit(ENDPOINT, [])
            feed = await s.feed()
            feed.send(generating("e2", "early"), completed("e2", "done"))
            await until(lambda: len(s.stream._early.get("e2", [])) == 2)
            second = await s.stream.submit(ENDPOINT, [])
            second_events = [e async for e in second]
            feed.send(completed("e1", "first"))
            return [e async for e in first], second_events

    first, second = run(main())
    assert second == [Generating(data=["early"]), Completed(data=["done"])]
    assert first == [Completed(data=["first"])]


def test_messages_for_calls_not_made_here_are_bounded() -> None:
    async def main() -> tuple[list[Any], int, int]:
        async with Session(limits=Limits(buffer=2000)) as s:
            call = await s.stream.submit(ENDPOINT, [])
            feed = await s.feed()
            for n in range(300):
                feed.send(generating(f"other{n}", "x" * 20))
            for _ in range(300):
                feed.send(generating("other0", "y"))
            feed.send(completed("e1", "mine"))
            result = await call.result()
            return result, s.stream._early_bytes, len(s.stream._early)

    result, held_bytes, held_calls = run(main())
    assert result == ["mine"]
    assert 0 < held_bytes <= 2000
    assert held_calls <= SessionStream.MAX_EARLY


def test_a_call_that_does_not_take_its_messages_fails_when_its_buffer_is_full() -> None:
    async def main() -> tuple[list[Any], BaseException]:
        async with Session(limits=Limits(buffer=300)) as s:
            call = await s.stream.submit(ENDPOINT, [])
            feed = await s.feed()
            feed.send(*(generating("e1", n) for n in range(20)))
            await until(lambda: "e1" not in s.stream._listeners)
            events: list[Any] = []
            with pytest.raises(ResponseTooLarge) as caught:
                async for event in call:
                    events.append(event)
            return events, caught.value

    events, error = run(main())
    assert 0 < len(events) < 20
    assert "the app sent more than 300 bytes for this call faster than it could be taken" in str(
        error
    )


def test_unexpected_error_without_an_event_id_ends_every_call() -> None:
    async def main(lost: bool) -> tuple[list[BaseException], bool]:
        async with Session() as s:
            calls = [await s.stream.submit(ENDPOINT, []) for _ in range(2)]
            feed = await s.feed()
            message = {"msg": "unexpected_error", "message": "Server stopped unexpectedly."}
            feed.send({**message, "session_not_found": lost})
            errors = []
            for call in calls:
                with pytest.raises(GradioError) as caught:
                    await call.result()
                errors.append(caught.value)
            return errors, s.channel.stale

    errors, stale = run(main(lost=False))
    assert [str(e) for e in errors] == ["Server stopped unexpectedly."] * 2 and not stale
    errors, stale = run(main(lost=True))
    assert all(isinstance(e, SessionNotFound) for e in errors) and stale


# -- idle limits -----------------------------------------------------------------------


def test_each_call_has_its_own_idle_clock() -> None:
    """Heartbeats and another call's messages never keep a call alive; a call with messages
    more often than the limit is never given up, however long it runs."""

    async def main() -> tuple[float, BaseException, list[Any], float]:
        async with Session() as s:
            started = time.monotonic()
            quiet = await s.stream.submit(ENDPOINT, [])
            busy = await s.stream.submit(ENDPOINT, [])
            feed = await s.feed()

            async def app() -> None:
                for n in range(12):  # 1.2 s: four idle limits
                    feed.send(HEARTBEAT, generating("e2", n))
                    await asyncio.sleep(IDLE / 3)
                feed.send(completed("e2", "done"))

            writer = asyncio.create_task(app())
            with pytest.raises(TimedOut) as caught:
                await quiet.result()
            quiet_after = time.monotonic() - started
            busy_result = await busy.result()
            await writer
            return quiet_after, caught.value, busy_result, time.monotonic() - started

    quiet_after, error, busy_result, busy_after = run(main())
    assert IDLE <= quiet_after < IDLE + 0.5
    assert "http://app.test sent nothing but heartbeats for 0.3 s (the stream idle limit)" in str(
        error
    )
    assert error.phase == "queue"  # type: ignore[attr-defined]
    assert busy_result == ["done"] and busy_after > 3 * IDLE


def test_a_stream_nobody_listens_to_is_closed_then_reopened_for_the_next_call() -> None:
    async def main() -> tuple[bool, float, list[Any]]:
        async with Session("sse_v2") as s:
            call = await s.stream.submit(ENDPOINT, [])
            feed = await s.feed()
            feed.send(completed("e1", 1))
            await call.result()
            done = time.monotonic()
            await until(lambda: feed.closed)
            closed_after = time.monotonic() - done
            still_running = s.stream._task is not None and not s.stream._task.done()
            call = await s.stream.submit(ENDPOINT, [])
            (await s.feed(2)).send(completed("e2", 2))
            return still_running, closed_after, await call.result()

    still_running, closed_after, result = run(main())
    assert IDLE * 0.9 <= closed_after < IDLE + 0.5
    assert not still_running
    assert result == [2]


# -- how streams end -------------------------------------------------------------------


def test_close_stream_ends_a_stream_and_pending_calls_get_a_new_one() -> None:
    async def main() -> tuple[list[Any], int]:
        async with Session("sse_v3") as s:
            call = await s.stream.submit(ENDPOINT, [])
            (await s.feed()).send(generating("e1", "a"), CLOSE)
            (await s.feed(2)).send(completed("e1", "b"), CLOSE)
            return await call.result(), len(s.app.feeds[DATA])

    assert run(main()) == (["b"], 2)


def test_an_sse_v3_stream_cut_without_close_stream_fails_its_calls() -> None:
    async def main() -> tuple[BaseException, bool]:
        async with Session("sse_v3") as s:
            call = await s.stream.submit(ENDPOINT, [])
            (await s.feed()).end()
            with pytest.raises(ConnectionFailed) as caught:
                await call.result()
            return caught.value, s.channel.stale

    error, stale = run(main())
    assert str(error) == "the connection to http://app.test was lost"
    assert stale


def test_before_sse_v3_a_stream_that_ends_is_reopened() -> None:
    async def main() -> list[Any]:
        async with Session("sse_v2") as s:
            call = await s.stream.submit(ENDPOINT, [])
            (await s.feed()).end()
            (await s.feed(2)).send(completed("e1", "again"))
            return await call.result()

    assert run(main()) == ["again"]


def test_an_app_that_keeps_closing_empty_streams_fails_the_calls() -> None:
    async def main() -> tuple[BaseException, int]:
        async with Session("sse_v2") as s:
            s.app.routes[DATA] = lambda request: httpx.Response(
                200, headers={"content-type": "text/event-stream"}, content=b""
            )
            call = await s.stream.submit(ENDPOINT, [])
            with pytest.raises(ProtocolError) as caught:
                await call.result()
            opened = sum(1 for r in s.app.requests if r.url.path == DATA)
            return caught.value, opened

    error, opened = run(main())
    assert str(error) == "the app closed its event stream with calls still pending"
    assert opened == SessionStream.MAX_EMPTY_REOPENS + 1


def test_a_session_the_app_no_longer_knows() -> None:
    async def main() -> tuple[BaseException, bool]:
        async with Session() as s:
            s.app.routes[DATA] = lambda request: httpx.Response(404, json={"detail": "Not Found"})
            call = await s.stream.submit(ENDPOINT, [])
            with pytest.raises(SessionNotFound) as caught:
                await call.result()
            return caught.value, s.channel.stale

    error, stale = run(main())
    assert "the app was restarted and lost this call" in str(error)
    assert stale


def test_a_lost_connection_to_the_stream_fails_the_calls_and_marks_the_session() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused")

    async def main() -> tuple[BaseException, bool]:
        async with Session() as s:
            s.app.routes[DATA] = refuse
            call = await s.stream.submit(ENDPOINT, [])
            with pytest.raises(ConnectionFailed) as caught:
                await call.result()
            return caught.value, s.channel.stale

    error, stale = run(main())
    assert str(error) == "cannot connect to http://app.test: connection refused"
    assert stale


# -- submitting and cancelling ---------------------------------------------------------


def test_queue_join_refused_or_without_an_event_id() -> None:
    async def main(answer: httpx.Response) -> BaseException:
        async with Session() as s:
            s.app.routes[JOIN] = lambda request: answer
            with pytest.raises(GradioError) as caught:
                await s.stream.submit(ENDPOINT, [])
            return caught.value

    full = run(main(httpx.Response(503, json={"detail": "Queue is full"})))
    assert (
        isinstance(full, QueueFull) and str(full) == "the app's queue is full (503): Queue is full"
    )
    missing = run(main(httpx.Response(200, json={"other": 1})))
    assert isinstance(missing, ProtocolError)
    assert str(missing) == "the app did not return an event id for the call"
    not_json = run(main(httpx.Response(200, content=b"<html>")))
    assert str(not_json) == "the app's answer to queue/join is not JSON"


@pytest.mark.parametrize("has_cancel", [True, False])
def test_cancel_asks_the_app_to_stop_the_call(has_cancel: bool) -> None:
    async def main() -> tuple[list[dict[str, Any]], list[dict[str, Any]], str]:
        async with Session() as s:
            if not has_cancel:  # before 4.29
                s.app.routes[PREFIX + "/cancel"] = lambda request: httpx.Response(404)
            call = await s.stream.submit(ENDPOINT, [])
            await call.cancel()
            return (
                s.app.posted(PREFIX + "/cancel"),
                s.app.posted(PREFIX + "/reset"),
                s.channel.session_hash,
            )

    cancels, resets, session = run(main())
    assert cancels == [{"session_hash": session, "fn_index": 3, "event_id": "e1"}]
    assert resets == ([] if has_cancel else [{"event_id": "e1"}])
