"""Limits on what an app may send: the size of answers, stream events and files, how deep
its JSON may nest, how much is held for a call, how many files one result may save, and how
long to wait for it (:class:`Timeouts`).

An app is code written by a stranger; none of its answers may fill the user's memory or
disk, or exhaust the interpreter's stack. Every answer is read through these helpers, which
stop at a cap, and every JSON value from an app is parsed by :func:`parse_json`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx

from gradioshell.gradio.errors import ProtocolError, ResponseTooLarge

MiB = 1024 * 1024
GiB = 1024 * MiB


@dataclass(frozen=True)
class Limits:
    """Largest answers accepted, in bytes (after decompression, however many layers of it),
    and the other bounds on what an app may make this client hold.

    ``json``: one JSON answer, one stream event, one line of an event stream.
    ``file``: one downloaded file. ``depth``: nesting of lists and objects in any JSON value.
    ``buffer``: stream messages held for one call, and for calls not (yet) made here.
    ``result_files`` and ``result``: files saved from one result, and their bytes in all.
    """

    json: int = 64 * MiB
    file: int = 1 * GiB
    depth: int = 100
    buffer: int = 128 * MiB
    result_files: int = 100
    result: int = 2 * GiB


@dataclass(frozen=True)
class Timeouts:
    """Seconds to wait: to connect, for each read of an answer, and on an event stream.

    ``stream_idle`` is how long a call's event stream may go with no message for the call
    but heartbeats (or nothing at all) before the call is given up as stuck. ``request`` and
    ``transfer`` bound a whole request (an answer, a file's download or upload), which
    per-read timeouts do not: a server may send one byte just before each read times out.
    """

    connect: float = 10.0
    read: float = 60.0
    stream_idle: float = 300.0
    request: float = 120.0
    transfer: float = 3600.0

    def httpx(self) -> httpx.Timeout:
        return httpx.Timeout(self.read, connect=self.connect)


def size_text(size: int) -> str:
    """``67108864`` → ``64 MiB``."""
    for unit, factor in (("GiB", GiB), ("MiB", MiB), ("KiB", 1024)):
        if size >= factor:
            value = size / factor
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{size} bytes"


def too_large(what: str, limit: int) -> ResponseTooLarge:
    return ResponseTooLarge(
        f"the app's {what} is larger than {size_text(limit)}; stopped reading it "
        "(the limit can be raised in the settings)",
        limit,
    )


async def read_capped(response: httpx.Response, limit: int, what: str) -> bytes:
    """The body of a streamed ``response``, or :class:`ResponseTooLarge` past ``limit`` bytes."""
    length = response.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > limit:
        raise too_large(what, limit)
    chunks: list[bytes] = []
    received = 0
    async for chunk in response.aiter_bytes():
        received += len(chunk)
        if received > limit:
            raise too_large(what, limit)
        chunks.append(chunk)
    return b"".join(chunks)


def too_deep(what: str, depth: int) -> ProtocolError:
    return ProtocolError(
        f"the app's {what} is nested deeper than {depth} levels; it was refused "
        "(the limit can be raised in the settings)"
    )


def parse_json(text: str | bytes, depth: int, what: str) -> Any:
    """``text`` parsed as JSON whose lists and objects nest at most ``depth`` deep.

    A ValueError says it is not JSON; :class:`ProtocolError` that it nests too deep (which
    the walks over values elsewhere rely on: none of them can exhaust the stack).
    """
    try:
        value = json.loads(text)
    except RecursionError:
        raise too_deep(what, depth) from None
    if _openings(text) > depth:  # else it cannot nest that deep: no walk needed
        check_depth(value, depth, what)
    return value


def _openings(text: str | bytes) -> int:
    """How many ``[`` and ``{`` are in ``text``, in strings or not: at least as many as the
    levels its JSON value nests (counted in C, far quicker than walking the value)."""
    if isinstance(text, str):
        return text.count("[") + text.count("{")
    return text.count(b"[") + text.count(b"{")


def check_depth(value: Any, depth: int, what: str) -> None:
    """Raise :class:`ProtocolError` if ``value`` nests lists and objects deeper than ``depth``
    (checked without recursion, so any value can be checked).

    Level by level: the containers of each level are gathered by one comprehension per
    container, about twice as quick as a stack of (item, level) pairs on a large ``/config``.
    The values are JSON's, whose lists and objects are exactly ``list`` and ``dict``.
    """
    level = [value] if isinstance(value, (dict, list, tuple)) else []
    for _ in range(depth):
        if not level:
            return
        deeper: list[Any] = []
        for item in level:
            children = item.values() if isinstance(item, dict) else item
            deeper += [child for child in children if type(child) in (dict, list)]
        level = deeper
    if level:
        raise too_deep(what, depth)
