"""Property tests over what an app sends: SSE text, /config and /info, stream messages.

Whatever arrives, the protocol layer answers with values or its own typed errors, never
with another exception.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradioshell.gradio import (
    Call,
    Endpoint,
    Event,
    NotAGradioApp,
    ProtocolError,
    ResponseTooLarge,
    SessionNotFound,
)
from gradioshell.gradio.models import parse_config, parse_info
from gradioshell.gradio.sse import SSEDecoder, decode

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)


# -- SSE -------------------------------------------------------------------------------


def splits(text: str, cuts: list[int]) -> list[str]:
    points = sorted({c % (len(text) + 1) for c in cuts})
    return [text[a:b] for a, b in zip([0, *points], [*points, len(text)], strict=True)]


def test_sse_basics() -> None:
    stream = ': comment\ndata: {"a": 1}\n\nevent: x\ndata: one\ndata: two\r\n\r\ndata:tight\r\r'
    assert list(decode([stream], 1000)) == ['{"a": 1}', "one\ntwo", "tight"]
    assert list(decode(["data: \u2028 stays\n\n"], 1000)) == ["\u2028 stays"]
    assert list(decode(["data: never ended\n"], 1000)) == []


def test_sse_event_names() -> None:
    """The /call routes name their events; a name lasts for one event only."""
    decoder = SSEDecoder(1000)
    stream = "event: generating\ndata: [1]\n\ndata: [2]\n\nevent: heartbeat\n\nevent: complete\r\n"
    assert decoder.feed_named(stream) == [("generating", "[1]"), ("", "[2]")]
    assert decoder.feed_named("data: null\n\n") == [("complete", "null")]


@settings(deadline=None)
@given(st.lists(json_values, max_size=5), st.lists(st.integers(0, 10_000), max_size=8))
def test_sse_events_survive_any_chunking(values: list[Any], cuts: list[int]) -> None:
    stream = "".join(f"data: {json.dumps(v)}\r\n\r\n" for v in values)
    decoded = list(decode(splits(stream, cuts), 1 << 20))
    assert [json.loads(d) for d in decoded] == values


@settings(deadline=None)
@given(st.text(), st.lists(st.integers(0, 1000), max_size=5))
def test_sse_any_text_decodes_or_hits_the_cap(text: str, cuts: list[int]) -> None:
    try:
        for data in decode(splits(text, cuts), 64):
            assert len(data) <= 64
    except ResponseTooLarge:
        pass


def test_sse_cap_counts_unfinished_lines_and_events() -> None:
    decoder = SSEDecoder(100)
    with pytest.raises(ResponseTooLarge, match="larger than 100 bytes"):
        decoder.feed("data: " + "x" * 200)
    decoder = SSEDecoder(100)
    with pytest.raises(ResponseTooLarge):
        for _ in range(20):
            decoder.feed("data: " + "y" * 10 + "\n")


# -- /config and /info ------------------------------------------------------------------


@settings(deadline=None)
@given(json_values | st.dictionaries(st.sampled_from(["dependencies", "components"]), json_values))
def test_any_config_parses_or_says_it_is_not_gradio(payload: Any) -> None:
    try:
        config = parse_config(payload)
    except NotAGradioApp:
        return
    assert isinstance(config.api_prefix, str)


info_like = st.fixed_dictionaries(
    {"named_endpoints": st.dictionaries(st.text(max_size=5), json_values, max_size=3)}
)


@settings(deadline=None)
@given(json_values | info_like)
def test_any_info_parses_or_raises_protocol_error(payload: Any) -> None:
    config = parse_config({"dependencies": [{"id": 0, "api_name": k} for k in "abc"]})
    try:
        endpoints = parse_info(payload, config)
    except ProtocolError:
        return
    for endpoint in endpoints:
        endpoint.signature()
        for parameter in endpoint.parameters:
            _ = parameter.type_name, parameter.choices, parameter.required


# -- stream messages --------------------------------------------------------------------


message_kinds = st.sampled_from(
    [
        "estimation",
        "process_starts",
        "progress",
        "log",
        "process_generating",
        "process_streaming",
        "process_completed",
        "unexpected_error",
        "queue_full",
        "heartbeat",
        "something_new",
    ]
)
messages = st.fixed_dictionaries(
    {"msg": message_kinds},
    optional={
        "output": json_values
        | st.fixed_dictionaries({}, optional={"data": json_values, "error": json_values}),
        "success": json_values,
        "rank": json_values,
        "progress_data": json_values,
        "log": json_values,
        "session_not_found": json_values,
    },
)


@settings(deadline=None)
@given(st.lists(messages | json_values.filter(lambda v: isinstance(v, dict)), max_size=8))
def test_any_messages_give_events_or_a_typed_error(items: list[dict[str, Any]]) -> None:
    queue: asyncio.Queue[Any] = asyncio.Queue()
    for item in items:
        queue.put_nowait(item)
    queue.put_nowait({"msg": "process_completed", "success": True, "output": {"data": []}})
    call = Call(Endpoint(api_name="/x", fn_index=0), "e1", queue, diffs=True)

    async def consume() -> list[Event]:
        return [event async for event in call]

    try:
        events = asyncio.run(consume())
    except SessionNotFound:
        return
    assert events and events[-1].kind in ("complete", "error")
