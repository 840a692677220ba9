"""The session heartbeat of Gradio 4.25 and later: ``GET {api}/heartbeat/{session_hash}``.

While this stream is open the app knows the session is alive; when it closes, the app runs
its unload events (``demo.unload``) and drops the session's state and pending events. The
browser and the official Python client keep it open; so does gradioshell, from a session's
first call (a connect alone costs nothing more) until the session is closed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    from gradioshell.gradio.channel import Channel

log = logging.getLogger(__name__)

#: The first release that serves the route.
SINCE = (4, 25)
#: The app writes a heartbeat every 15 s: a minute of silence means the stream is dead.
READ_TIMEOUT = 60.0
#: Longest wait between two attempts to reopen a dropped stream, in seconds.
MAX_BACKOFF = 30.0


class Heartbeat:
    """Keeps one heartbeat stream open for the channel's current session hash."""

    def __init__(self, channel: Channel) -> None:
        self._channel = channel
        self._task: asyncio.Task[None] | None = None
        self._session: str | None = None

    def ensure(self) -> None:
        """Open the stream if it is not open for the current session (cheap when it is)."""
        channel = self._channel
        if (
            self._session == channel.session_hash
            and self._task is not None
            and not self._task.done()
        ):
            return
        if self._task is not None:
            self._task.cancel()
        self._session = channel.session_hash
        self._task = asyncio.create_task(self._run(channel.session_hash))

    async def close(self) -> None:
        """Close the stream: the app ends the session (its unload events run)."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        self._task = None

    async def _run(self, session_hash: str) -> None:
        channel = self._channel
        url = f"{channel.api_url}/heartbeat/{session_hash}"
        timeout = httpx.Timeout(READ_TIMEOUT, connect=channel.timeouts.connect)
        backoff = 1.0
        while session_hash == channel.session_hash:
            try:
                async with channel.stream("GET", url, timeout=timeout) as response:
                    if response.status_code in (404, 405):
                        log.debug("%s has no heartbeat route", channel.url)
                        return
                    if response.status_code < 400:
                        backoff = 1.0
                        async for _ in response.aiter_raw():
                            pass  # the beats themselves carry nothing
            except httpx.HTTPError as exc:
                log.debug("heartbeat stream of %s dropped: %s", channel.url, exc)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF)


def wanted(version: tuple[int, ...]) -> bool:
    """Whether an app of this Gradio release serves the heartbeat route."""
    return version >= SINCE
