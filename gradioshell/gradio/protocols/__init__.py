"""How a call travels to a Gradio app: one module per transport, chosen from ``/config``.

=============  ===========================  ==============================================
transport      Gradio                       how
=============  ===========================  ==============================================
``sse_v1``…    4.9 → 6.x (``sse_v1``,       ``POST queue/join`` + one multiplexed
``sse_v3``     ``sse_v2``, ``sse_v2.1``,    ``GET queue/data`` stream per session: the
               ``sse_v3``)                  ``_SessionStream`` of :mod:`..client`, the hot path
``sse``        4.0 – 4.8                    :mod:`.sse`: one ``GET queue/join`` stream per call
``websocket``  3.x, queued events           :mod:`.websocket`: ``WS queue/join``
``http``       3.x, events off the queue    :mod:`.run`: ``POST run/<api_name>``
``call``       4.20+ with a protocol not    :mod:`.call_route`: ``POST call/<api_name>`` +
               known here (a fallback)      ``GET call/<api_name>/<event_id>``
=============  ===========================  ==============================================

Every transport hands back the same :class:`~gradioshell.gradio.call.Call`, fed with the
same ``msg`` dictionaries, so nothing above this package knows which one a session uses.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Protocol

from gradioshell.gradio.errors import UnsupportedApp

if TYPE_CHECKING:
    from gradioshell.gradio.call import Call
    from gradioshell.gradio.client import GradioApp
    from gradioshell.gradio.models import AppConfig, Endpoint

#: Protocols served by the session stream in client.py.
QUEUE_PROTOCOLS = ("sse_v1", "sse_v2", "sse_v2.1", "sse_v3")
#: Protocols whose ``process_generating`` messages after the first carry diffs.
DIFF_PROTOCOLS = ("sse_v2", "sse_v2.1", "sse_v3")


class Transport(Protocol):
    """One way of running calls for an app."""

    async def submit(self, endpoint: Endpoint, data: list[Any]) -> Call: ...

    async def close(self) -> None: ...


def protocol_name(config: AppConfig) -> str:
    """The protocol an app speaks, as shown to the user: 3.x has no ``protocol`` key."""
    if config.protocol in (*QUEUE_PROTOCOLS, "sse"):
        return config.protocol
    if config.protocol:
        return f"{config.protocol} (via /call)"
    return "websocket" if config.enable_queue else "http"


def transport_name(config: AppConfig, endpoint: Endpoint) -> str | None:
    """The transport for a call of ``endpoint``; None for the session stream of client.py."""
    protocol = config.protocol
    if protocol in QUEUE_PROTOCOLS:
        return None
    if protocol == "sse":
        return "sse"
    if protocol is None:
        return "http" if endpoint.fn_index in config.unqueued else "websocket"
    check_supported(config)
    return "call"


def has_call_routes(config: AppConfig) -> bool:
    """Whether the app serves ``/call/<api_name>`` (from 4.20)."""
    return version_tuple(config.version) >= (4, 20)


def check_supported(config: AppConfig) -> None:
    """Raise :class:`UnsupportedApp` when no transport here can talk to the app."""
    known = config.protocol is None or config.protocol in (*QUEUE_PROTOCOLS, "sse")
    if not known and not has_call_routes(config):
        raise UnsupportedApp(
            f"this app runs Gradio {config.version} with protocol {config.protocol!r}, "
            "which this version of gradioshell does not know"
        )


def load(name: str, app: GradioApp) -> Transport:
    """Create the transport ``name`` for ``app``; its module is imported only now."""
    if name == "sse":
        from gradioshell.gradio.protocols.sse import SSETransport

        return SSETransport(app)
    if name == "websocket":
        from gradioshell.gradio.protocols.websocket import WebSocketTransport

        return WebSocketTransport(app)
    if name == "http":
        from gradioshell.gradio.protocols.run import RunTransport

        return RunTransport(app)
    if name == "call":
        from gradioshell.gradio.protocols.call_route import CallRouteTransport

        return CallRouteTransport(app)
    raise ValueError(f"no transport {name!r}")


def version_tuple(text: str) -> tuple[int, ...]:
    """``"4.44.1"`` → ``(4, 44)``: the release's major and minor numbers.

    Only ASCII digits count, and a number of more than 9 of them is no release's (``4.²`` or
    a 5,000-digit version from a hostile app is ``(4, 0)`` or ``(0, ...)``, not an error).
    """
    parts = []
    for piece in text.split(".", 2)[:2]:
        match = _LEADING_DIGITS.match(piece)
        digits = match.group() if match else ""
        parts.append(int(digits) if 0 < len(digits) <= 9 else 0)
    return tuple(parts)


_LEADING_DIGITS = re.compile(r"[0-9]+")
