"""Which protocol an app speaks, and which transport carries its calls, from ``/config`` alone."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from gradioshell.gradio.errors import UnsupportedApp

if TYPE_CHECKING:
    from gradioshell.gradio.models import AppConfig, Endpoint

#: Protocols served by the session stream (:mod:`.session`).
QUEUE_PROTOCOLS = ("sse_v1", "sse_v2", "sse_v2.1", "sse_v3")
#: Protocols whose ``process_generating`` messages after the first carry diffs.
DIFF_PROTOCOLS = ("sse_v2", "sse_v2.1", "sse_v3")


def protocol_name(config: AppConfig) -> str:
    """The protocol an app speaks, as shown to the user: 3.x has no ``protocol`` key."""
    if config.protocol in (*QUEUE_PROTOCOLS, "sse"):
        return config.protocol
    if config.protocol:
        return f"{config.protocol} (via /call)"
    return "websocket" if config.enable_queue else "http"


def transport_name(config: AppConfig, endpoint: Endpoint) -> str | None:
    """The transport for a call of ``endpoint``; None for the session stream (:mod:`.session`),
    which every app of 4.9 and later uses."""
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
