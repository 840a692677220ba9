"""Results that describe things: tables, panels of details, help, listings of sessions and
endpoints, a call shown again, a transcript, a report of checks.

Like every :class:`~gradioshell.results.Result` they are data, drawn by the output of the
mode; they live apart from the results every call makes so that a script's start-up does
not create classes that only listings and help use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gradioshell.results import Result

if TYPE_CHECKING:
    from gradioshell.gradio import Endpoint, Event
    from gradioshell.registry import Command
    from gradioshell.sessions import Session


@dataclass(frozen=True)
class Column:
    """A column of a :class:`Table`. ``key`` columns are never shortened; ``wrap`` folds long
    cells over several lines instead of cutting them. In a narrow terminal the columns of
    least ``rank`` are shortened first (then left out), the rightmost first among equals."""

    name: str
    style: str = ""
    key: bool = False
    wrap: bool = True
    #: ``right`` for numbers.
    align: str = "left"
    rank: int = 1


@dataclass(frozen=True)
class Cell:
    """A table cell with a style (``bold``, ``green``, ``dim``...)."""

    text: str
    style: str = ""


@dataclass
class Table(Result):
    """Rows of cells under named columns."""

    columns: list[Column] = field(default_factory=list)
    rows: list[list[str | Cell]] = field(default_factory=list)
    title: str = ""
    #: Drawn inside a box (a listing that stands alone, such as a Hub search).
    boxed: bool = False


@dataclass
class JsonValue(Result):
    """A JSON value, highlighted at the prompt (on one line if ``compact``)."""

    value: Any = None
    compact: bool = False


@dataclass
class Details(Result):
    """A titled panel of labelled lines (a Space, a model, an account)."""

    title: str = ""
    rows: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Endpoints(Result):
    """The endpoints of a session, as a table."""

    session: Session | None = None


@dataclass
class Sessions(Result):
    sessions: list[Session] = field(default_factory=list)
    default: Session | None = None


@dataclass
class EndpointHelp(Result):
    session: Session | None = None
    endpoint: Endpoint | None = None


@dataclass
class CommandHelp(Result):
    command: Command | None = None


@dataclass
class Overview(Result):
    """``help`` alone: the commands, and the endpoints of the default session."""

    commands: list[Command] = field(default_factory=list)
    session: Session | None = None
    syntax: str = ""


@dataclass
class CallReplay(Result):
    """A finished call shown again as its panel (``result N``): its events, in order."""

    session: str = ""
    endpoint: Endpoint | None = None
    events: list[Event] = field(default_factory=list)
    cancelled: bool = False
    failure: str | None = None
    times: tuple[float, float | None, float | None] = (0.0, None, None)


@dataclass
class Transcript(Result):
    """A conversation (chat mode's /history): messages with a role, drawn as a Chatbot's."""

    messages: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Check:
    """One line of a report: ``status`` is ``ok``, ``info``, ``warn`` or ``problem``."""

    status: str
    name: str
    detail: str
    next: str | None = None


@dataclass
class Checks(Result):
    """A report of checks, one per line, each with what to do next when it is a problem."""

    checks: list[Check] = field(default_factory=list)
