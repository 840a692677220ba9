"""Limits on what an app may send: the size of JSON answers, stream events and files.

An app is code written by a stranger; none of its answers may fill the user's memory
or disk. Every answer is read through these helpers, which stop at a cap.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from gradioshell.gradio.errors import ResponseTooLarge

MiB = 1024 * 1024
GiB = 1024 * MiB


@dataclass(frozen=True)
class Limits:
    """Largest answers accepted, in bytes: a JSON answer or stream event, and a file."""

    json: int = 64 * MiB
    file: int = 1 * GiB


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
