"""The events a running call yields, whatever protocol the app speaks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Event:
    """Base class of call events. ``kind`` is the name used in ``--json`` output."""

    kind = "event"


@dataclass(frozen=True)
class Queued(Event):
    """The call waits in the app's queue."""

    rank: int | None = None
    queue_size: int | None = None
    eta: float | None = None
    kind = "queued"


@dataclass(frozen=True)
class Started(Event):
    """The app started running the call."""

    eta: float | None = None
    kind = "started"


@dataclass(frozen=True)
class ProgressUnit:
    """One bar of a ``gr.Progress`` report."""

    index: int | None
    length: int | None
    unit: str
    progress: float | None
    desc: str


@dataclass(frozen=True)
class Progress(Event):
    """The app reported progress (``gr.Progress``)."""

    units: tuple[ProgressUnit, ...] = ()
    kind = "progress"


@dataclass(frozen=True)
class Log(Event):
    """A message the app logged with ``gr.Info`` / ``gr.Warning`` and similar."""

    message: str = ""
    level: str = "info"
    title: str = ""
    kind = "log"


@dataclass(frozen=True)
class Generating(Event):
    """An intermediate value of a generator: the full current value of every output."""

    data: list[Any] = field(default_factory=list)
    kind = "generating"


@dataclass(frozen=True)
class Completed(Event):
    """The call finished; ``data`` holds the final value of every output."""

    data: list[Any] = field(default_factory=list)
    duration: float | None = None
    kind = "complete"


@dataclass(frozen=True)
class Failed(Event):
    """The call ended with an error: the app's own (``gr.Error``) or a transport fault."""

    message: str = ""
    title: str = ""
    kind = "error"


TERMINAL = (Completed, Failed)
