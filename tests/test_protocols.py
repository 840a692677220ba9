"""Which transport carries a call, decided from the app's config alone."""

import pytest

from gradioshell.gradio.errors import UnsupportedApp
from gradioshell.gradio.models import Endpoint, parse_config
from gradioshell.gradio.protocols import check_supported, protocol_name, transport_name


def config(**extra):  # type: ignore[no-untyped-def]
    base = {"version": "x", "dependencies": [{"api_name": "a"}, {"api_name": "b", "queue": False}]}
    return parse_config({**base, **extra})


QUEUED, UNQUEUED = Endpoint("/a", 0), Endpoint("/b", 1)


@pytest.mark.parametrize("protocol", ["sse_v1", "sse_v2", "sse_v2.1", "sse_v3"])
def test_session_stream_protocols(protocol: str) -> None:
    app = config(protocol=protocol)
    assert protocol_name(app) == protocol
    assert transport_name(app, QUEUED) is None and transport_name(app, UNQUEUED) is None


def test_gradio_4_0_to_4_8_uses_one_stream_per_call() -> None:
    assert transport_name(config(protocol="sse"), QUEUED) == "sse"


def test_gradio_3_uses_the_websocket_queue_or_http() -> None:
    queued = config(enable_queue=True)
    assert protocol_name(queued) == "websocket"
    assert transport_name(queued, QUEUED) == "websocket"
    assert transport_name(queued, UNQUEUED) == "http"
    no_queue = config(enable_queue=False)
    assert protocol_name(no_queue) == "http"
    assert transport_name(no_queue, QUEUED) == "http"


def test_unknown_protocol_is_refused_with_the_version() -> None:
    with pytest.raises(UnsupportedApp, match="Gradio x with protocol 'sse_v9'"):
        check_supported(config(protocol="sse_v9"))


def test_unknown_protocol_of_a_recent_release_falls_back_to_the_call_routes() -> None:
    app = config(protocol="sse_v9", version="7.1.0")
    check_supported(app)
    assert transport_name(app, QUEUED) == "call"
    assert protocol_name(app) == "sse_v9 (via /call)"
