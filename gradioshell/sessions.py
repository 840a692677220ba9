"""The registry of named sessions, one per connected app, with a current default."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gradioshell.errors import ShellError
from gradioshell.gradio.files import UploadCache

if TYPE_CHECKING:
    from gradioshell.gradio import GradioApp


@dataclass
class CallRecord:
    """A finished call, kept so the user can look back at it."""

    number: int
    session: str
    endpoint: str
    outputs: list[Any] | None
    error: str | None
    started: float
    duration: float
    #: Stopped by the user (Ctrl-C): ``outputs`` are the last values it had sent, if any.
    cancelled: bool = False
    #: The values the call was given, bound to the parameters, files as the user named them
    #: (for ``code``); None when not kept (a batch row, a call made with ``submit``).
    inputs: list[Any] | None = None


@dataclass
class Session:
    """A named connection to one app."""

    name: str
    target: str
    app: GradioApp
    aliases: list[str] = field(default_factory=list)
    calls: list[CallRecord] = field(default_factory=list)
    connected_at: float = field(default_factory=time.time)
    uploads: UploadCache = field(default_factory=UploadCache)
    #: Kept by ``save``; False for a session that cannot come back (the ``--demo`` app, whose
    #: port changes each run).
    saved: bool = True
    #: Chat mode's conversations, by endpoint name: ``chat`` again continues one.
    conversations: dict[str, Any] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.app.url


class SessionRegistry:
    """Sessions by name, in connect order; one of them is the default."""

    def __init__(self) -> None:
        self._sessions: dict[str, Session] = {}
        self.default: Session | None = None

    def __iter__(self) -> Iterator[Session]:
        return iter(list(self._sessions.values()))

    def __len__(self) -> int:
        return len(self._sessions)

    def next_name(self) -> str:
        n = 1
        while f"app{n}" in self._sessions:
            n += 1
        return f"app{n}"

    def add(self, session: Session) -> None:
        if session.name in self._sessions:
            raise ShellError(f"a session named {session.name!r} already exists")
        self._sessions[session.name] = session
        if self.default is None:
            self.default = session

    def names(self) -> list[str]:
        names = []
        for s in self._sessions.values():
            names.append(s.name)
            names.extend(s.aliases)
        return names

    def find(self, key: str) -> Session | None:
        """A session by name, alias or URL."""
        from gradioshell.gradio import normalize_url

        if key in self._sessions:
            return self._sessions[key]
        for s in self._sessions.values():
            if key in s.aliases:
                return s
        try:
            url = normalize_url(key)
        except Exception:
            url = None
        for s in self._sessions.values():
            if url is not None and s.url == url:
                return s
        return None

    def get(self, key: str) -> Session:
        session = self.find(key)
        if session is None:
            import difflib

            near = difflib.get_close_matches(key, self.names(), n=3, cutoff=0.5)
            hint = f"; did you mean {' or '.join(near)}?" if near else ""
            known = ""
            if self._sessions and not near:
                known = f" (sessions: {', '.join(self._sessions)})"
            raise ShellError(f"no session {key!r}{hint}{known}")
        return session

    def remove(self, session: Session) -> None:
        self._sessions.pop(session.name, None)
        if self.default is session:
            remaining = list(self._sessions.values())
            self.default = remaining[-1] if remaining else None
