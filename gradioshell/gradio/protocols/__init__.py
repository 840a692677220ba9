"""How a call travels to a Gradio app: one module per transport, chosen from ``/config``.

=============  ===========================  ==============================================
transport      Gradio                       how
=============  ===========================  ==============================================
``sse_v1``…    4.9 → 6.x (``sse_v1``,       :mod:`.session`: ``POST queue/join`` + one
``sse_v3``     ``sse_v2``, ``sse_v2.1``,    multiplexed ``GET queue/data`` stream per
               ``sse_v3``)                  session; the hot path
``sse``        4.0 – 4.8                    :mod:`.sse`: one ``GET queue/join`` stream per call
``websocket``  3.x, queued events           :mod:`.websocket`: ``WS queue/join``
``http``       3.x, events off the queue    :mod:`.run`: ``POST run/<api_name>``
``call``       4.20+ with a protocol not    :mod:`.call_route`: ``POST call/<api_name>`` +
               known here (a fallback)      ``GET call/<api_name>/<event_id>``
=============  ===========================  ==============================================

Every transport is built on a :class:`~gradioshell.gradio.channel.Channel` (never on the
app itself) and hands back the same :class:`~gradioshell.gradio.call.Call`, fed with the
same ``msg`` dictionaries, so nothing above this package knows which one a session uses.
Which one an app needs is decided from its config alone (:mod:`.catalog`); what they share
(the idle limit, the task that feeds a call) is in :mod:`.base`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gradioshell.gradio.protocols.base import Transport
from gradioshell.gradio.protocols.catalog import (
    DIFF_PROTOCOLS,
    QUEUE_PROTOCOLS,
    check_supported,
    has_call_routes,
    protocol_name,
    transport_name,
    version_tuple,
)

if TYPE_CHECKING:
    from gradioshell.gradio.channel import Channel

__all__ = [
    "DIFF_PROTOCOLS",
    "QUEUE_PROTOCOLS",
    "Transport",
    "check_supported",
    "has_call_routes",
    "load",
    "protocol_name",
    "transport_name",
    "version_tuple",
]


def load(name: str, channel: Channel) -> Transport:
    """Create the per-call transport ``name`` on ``channel``; its module is imported only now.

    The session stream of 4.9 and later is not loaded by name: every app has one
    (:class:`~gradioshell.gradio.protocols.session.SessionStream`).
    """
    if name == "sse":
        from gradioshell.gradio.protocols.sse import SSETransport

        return SSETransport(channel)
    if name == "websocket":
        from gradioshell.gradio.protocols.websocket import WebSocketTransport

        return WebSocketTransport(channel)
    if name == "http":
        from gradioshell.gradio.protocols.run import RunTransport

        return RunTransport(channel)
    if name == "call":
        from gradioshell.gradio.protocols.call_route import CallRouteTransport

        return CallRouteTransport(channel)
    raise ValueError(f"no transport {name!r}")
