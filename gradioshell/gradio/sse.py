"""Server-sent events: the ``data`` of each event of a streamed response, with a size cap.

Only what Gradio uses is kept: ``data`` fields (joined by newlines when an event has
several) and blank lines ending an event. Comments, ``event``, ``id`` and ``retry``
fields are skipped. Lines end with CRLF, LF or CR, and nothing else (a JSON string
may hold U+2028, which is not a line end here).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

import httpx

from gradioshell.gradio.limits import too_large

log = logging.getLogger(__name__)

_LINE_END = re.compile(r"\r\n|\n|\r")


class SSEDecoder:
    """Turns chunks of text into the data of complete events.

    ``limit`` caps the characters of one event (or one unfinished line): past it,
    :class:`~gradioshell.gradio.errors.ResponseTooLarge` is raised.
    """

    def __init__(self, limit: int, what: str = "event stream") -> None:
        self.limit = limit
        self.what = what
        self._pending = ""
        self._data: list[str] = []
        self._size = 0
        self._event = ""

    def feed(self, text: str) -> list[str]:
        """Feed a chunk; return the data of every event it completes."""
        return [data for _, data in self.feed_named(text)]

    def feed_named(self, text: str) -> list[tuple[str, str]]:
        """Feed a chunk; return (event name, data) of every event it completes (the name
        is ``""`` when the event has none)."""
        self._pending += text
        events: list[tuple[str, str]] = []
        start = 0
        for match in _LINE_END.finditer(self._pending):
            if match.group() == "\r" and match.end() == len(self._pending):
                break  # maybe the first half of a CRLF split across chunks
            event = self._line(self._pending[start : match.start()])
            if event is not None:
                events.append(event)
            start = match.end()
        self._pending = self._pending[start:]
        if len(self._pending) + self._size > self.limit:
            raise too_large(self.what, self.limit)
        return events

    def close(self) -> list[str]:
        """End of the stream: a final unterminated event is dropped, as the standard says."""
        return [data for _, data in self.close_named()]

    def close_named(self) -> list[tuple[str, str]]:
        events = self.feed_named("\n") if self._pending.endswith("\r") else []
        self._pending = ""
        self._data = []
        self._size = 0
        self._event = ""
        return events

    def _line(self, line: str) -> tuple[str, str] | None:
        if not line:
            if not self._data:
                self._event = ""
                return None
            data = "\n".join(self._data)
            event = self._event
            self._data = []
            self._size = 0
            self._event = ""
            return event, data
        if line.startswith(":"):
            return None
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
        return None


def decode(chunks: Iterable[str], limit: int) -> Iterator[str]:
    """The events in ``chunks`` of text (for tests and simple uses)."""
    decoder = SSEDecoder(limit)
    for chunk in chunks:
        yield from decoder.feed(chunk)
    yield from decoder.close()


async def events(response: httpx.Response, limit: int, what: str) -> AsyncIterator[str]:
    """The data of each event of a streamed ``response``, each at most ``limit`` characters."""
    async for _, data in named_events(response, limit, what):
        yield data


async def named_events(
    response: httpx.Response, limit: int, what: str
) -> AsyncIterator[tuple[str, str]]:
    """(event name, data) of each event of a streamed ``response``, each at most ``limit``."""
    decoder = SSEDecoder(limit, what)
    async for text in response.aiter_text():
        for item in decoder.feed_named(text):
            yield item
    for item in decoder.close_named():
        yield item


async def messages(
    response: httpx.Response, limit: int, what: str = "event stream"
) -> AsyncIterator[dict[str, Any]]:
    """The JSON object messages of a Gradio event stream; anything else is skipped and logged."""
    async for data in events(response, limit, what):
        try:
            msg = json.loads(data)
        except ValueError:
            log.debug("ignoring a stream line that is not JSON: %.200r", data)
            continue
        if isinstance(msg, dict):
            yield msg
