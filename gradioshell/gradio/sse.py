"""Server-sent events: the ``data`` of each event of a streamed response, with a size cap.

Only what Gradio uses is kept: ``data`` fields (joined by newlines when an event has
several) and blank lines ending an event. Comments, ``event``, ``id`` and ``retry``
fields are skipped. Lines end with CRLF, LF or CR, and nothing else (a JSON string
may hold U+2028, which is not a line end here).
"""

from __future__ import annotations

import codecs
import logging
import re
from collections.abc import AsyncGenerator, AsyncIterator, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from gradioshell.gradio.limits import Limits, parse_json, too_large

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

_LINE_END = re.compile(r"\r\n|\n|\r")


class SSEDecoder:
    """Turns chunks of text into the data of complete events.

    ``limit`` caps the characters of one event (or one unfinished line): past it,
    :class:`~gradioshell.gradio.errors.ResponseTooLarge` is raised. Each chunk is scanned
    once, whatever the length of the line it continues: decoding is linear in the input.
    """

    def __init__(self, limit: int, what: str = "event stream") -> None:
        self.limit = limit
        self.what = what
        self._pending: list[str] = []  # the unfinished line, in pieces
        self._pending_size = 0
        self._after_cr = False  # the last chunk ended a line with CR: skip an LF next
        self._data: list[str] = []
        self._size = 0
        self._event = ""

    def feed(self, text: str) -> list[str]:
        """Feed a chunk; return the data of every event it completes."""
        return [data for _, data in self.feed_named(text)]

    def feed_named(self, text: str) -> list[tuple[str, str]]:
        """Feed a chunk; return (event name, data) of every event it completes (the name
        is ``""`` when the event has none)."""
        events: list[tuple[str, str]] = []
        if not text:
            return events
        if self._after_cr and text.startswith("\n"):
            text = text[1:]  # the second half of a CRLF split across chunks
        # Split in C; the last piece is what is left of an unfinished line ("" if none).
        if "\r" in text:
            lines = _LINE_END.split(text)
            self._after_cr = text.endswith("\r")
        else:
            lines = text.split("\n")
            self._after_cr = False
        rest = lines.pop()
        if lines and self._pending:
            self._pending.append(lines[0])
            lines[0] = "".join(self._pending)
            self._pending = []
            self._pending_size = 0
        for line in lines:
            if not line:
                if self._data:  # the end of an event
                    events.append((self._event, "\n".join(self._data)))
                    self._data = []
                    self._size = 0
                self._event = ""
            elif line.startswith("data: "):
                value = line[6:]
                self._data.append(value)
                self._size += len(value) + 1
                if self._size > self.limit:
                    raise too_large(self.what, self.limit)
            else:
                self._line(line)
        if rest:
            self._pending.append(rest)
            self._pending_size += len(rest)
        if self._pending_size + self._size > self.limit:
            raise too_large(self.what, self.limit)
        return events

    def close(self) -> list[str]:
        """End of the stream: a final unterminated event is dropped, as the standard says."""
        return [data for _, data in self.close_named()]

    def close_named(self) -> list[tuple[str, str]]:
        self._pending = []
        self._pending_size = 0
        self._after_cr = False
        self._data = []
        self._size = 0
        self._event = ""
        return []

    def _line(self, line: str) -> None:
        """A line that neither ends an event nor is ``data: ...`` (handled in the loop)."""
        if line.startswith(":"):
            return
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if name == "event":
            self._event = value[:200]
        elif name == "data":
            self._data.append(value)
            self._size += len(value) + 1
            if self._size > self.limit:
                raise too_large(self.what, self.limit)


def decode(chunks: Iterable[str], limit: int) -> Iterator[str]:
    """The events in ``chunks`` of text (for tests and simple uses)."""
    decoder = SSEDecoder(limit)
    for chunk in chunks:
        yield from decoder.feed(chunk)
    yield from decoder.close()


async def text(response: httpx.Response) -> AsyncIterator[str]:
    """The body of a streamed ``response`` as text, chunk by chunk as it comes (decoded as
    ``aiter_text`` would: the answer's charset, else UTF-8; bad bytes replaced), through one
    generator rather than httpx's three (raw, bytes, text), which an event stream of many
    small chunks pays for at each one."""
    decoder = codecs.getincrementaldecoder(response.encoding or "utf-8")(errors="replace")
    # httpx's own way when the body is still compressed (a client without this package's
    # hook) or was read already (an answer made whole).
    whole = "content-encoding" in response.headers or response.is_stream_consumed
    async for chunk in response.aiter_bytes() if whole else response.aiter_raw():
        if chunk:
            piece = decoder.decode(chunk)
            if piece:
                yield piece
    piece = decoder.decode(b"", True)
    if piece:
        yield piece


async def events(response: httpx.Response, limit: int, what: str) -> AsyncIterator[str]:
    """The data of each event of a streamed ``response``, each at most ``limit`` characters."""
    async for _, data in named_events(response, limit, what):
        yield data


async def named_events(
    response: httpx.Response, limit: int, what: str
) -> AsyncIterator[tuple[str, str]]:
    """(event name, data) of each event of a streamed ``response``, each at most ``limit``."""
    decoder = SSEDecoder(limit, what)
    async for chunk in text(response):
        for item in decoder.feed_named(chunk):
            yield item
    for item in decoder.close_named():
        yield item


async def messages(
    response: httpx.Response, limit: int, what: str = "event stream", depth: int = Limits.depth
) -> AsyncIterator[dict[str, Any]]:
    """The JSON object messages of a Gradio event stream; anything else is skipped and logged.

    A message nested deeper than ``depth`` ends the stream with a ProtocolError."""
    async for msg, _ in sized_messages(response, limit, depth, what):
        yield msg


async def sized_messages(
    response: httpx.Response, limit: int, depth: int, what: str = "event stream"
) -> AsyncGenerator[tuple[dict[str, Any], int], None]:
    """As :func:`messages`, each with its size in characters (what holding it costs).

    One generator from the body's bytes to the messages: a stream of thousands of small
    events (a streamed answer) resumes it once per chunk, and nothing else of this module."""
    decoder = SSEDecoder(limit, what)
    async for chunk in text(response):
        for _, data in decoder.feed_named(chunk):
            message = parse_message(data, depth, what)
            if message is not None:
                yield message, len(data)


def parse_message(data: str, depth: int, what: str = "event stream") -> dict[str, Any] | None:
    """One message of a stream, or None (logged) when it is not a JSON object; nested deeper
    than ``depth``, a ProtocolError."""
    try:
        msg = parse_json(data, depth, what)
    except ValueError:
        log.debug("ignoring a stream line that is not JSON: %.200r", data)
        return None
    return msg if isinstance(msg, dict) else None
