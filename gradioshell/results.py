"""What commands show, as data: the output of the current mode decides how and where.

A command builds a :class:`Result` and hands it to ``shell.output.emit``. At the prompt it is
drawn with rich (``render.view``); in a script it is written as plain text (``plain``, or the
view without colour); under ``--json`` it is its ``record``, one JSON object per line. No
command asks which mode it runs in, and nothing here knows rich or the terminal.

The :class:`Output` and :class:`Reporter` interfaces are here too, so that the commands and
the call path depend on them, not on the terminal code that implements them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from gradioshell.gradio import Endpoint, Event
    from gradioshell.sessions import Session


@dataclass
class Result:
    """Something to show. ``record`` is what ``--json`` writes (None: nothing); ``plain`` is
    what a script gets on stdout, as is (None: the view drawn without colour; "": nothing)."""

    record: dict[str, Any] | None = field(default=None, kw_only=True)
    plain: str | None = field(default=None, kw_only=True)
    #: In a script, an error line on stderr (at the prompt the view says it).
    error: str | None = field(default=None, kw_only=True)


@dataclass
class Note(Result):
    """A block of text, as it is (sanitized on the way out)."""

    body: str = ""
    style: str = ""
    #: Lines kept whole, never folded (code to copy): the terminal wraps what is too long.
    no_wrap: bool = False


@dataclass
class ClearScreen(Result):
    """The screen cleared, at the prompt (a script or --json gets nothing)."""


@dataclass
class Connected(Result):
    """A new session: at the prompt, its endpoints."""

    session: Session | None = None


# -- the interfaces the output of each mode implements ---------------------------------------


class Reporter:
    """Receives the events of one call."""

    def __enter__(self) -> Reporter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def event(self, event: Event) -> None:
        raise NotImplementedError

    def cancelled(self) -> None:
        pass

    def close(self) -> None:
        pass


Advance = Callable[[int], None]
"""Called with the number of bytes just sent."""


class Output:
    """Where everything the shell says goes. One implementation per mode (the prompt,
    plain script output, JSON lines); commands use only this interface."""

    #: Whether a person is at the prompt (questions can be asked, views can move).
    interactive = False
    #: Whether a system command (``!CMD``) may write to this output's stdout as it is; where
    #: not (``--json``), what it writes comes back as a result.
    passes_commands = True

    def emit(self, result: Result) -> None:
        raise NotImplementedError

    def info(self, message: str) -> None:
        raise NotImplementedError

    def warning(self, message: str) -> None:
        self.info(message)

    def error(self, message: str) -> None:
        raise NotImplementedError

    def record(self, record: dict[str, Any]) -> None:
        """A record only ``--json`` writes (what happened, for programs reading it)."""
        self.emit(Result(record=record, plain=""))

    def reporter(self, session: str, endpoint: Endpoint) -> Reporter:
        raise NotImplementedError

    def chat_reporter(self, session: str, endpoint: Endpoint) -> Reporter:
        """The reporter of a chat answer (``endpoint`` returns the answer alone): at the
        prompt it flows as Markdown, without a panel; elsewhere it is a call's reporter."""
        return self.reporter(session, endpoint)

    async def converse(self, shell: Any, conversation: Any) -> None:
        """Chat mode, with a :class:`gradioshell.chat.Conversation` and the state it runs
        in: read lines until the user leaves (:func:`gradioshell.chat.handle_line` runs
        each). Only where a person types (the prompt); elsewhere a one-line error."""
        from gradioshell.errors import UsageError

        raise UsageError('chat mode is for the prompt; in a script, send a turn: chat "MESSAGE"')

    def clipboard(self, text: str) -> bool:
        """Put ``text`` on the clipboard of the terminal the shell runs in; False when there
        is no terminal to ask."""
        return False

    def redirected(self, stream: TextIO, *, to_file: str | None = None) -> Output:
        """An output that writes plain values to ``stream`` as a script would (``CMD > FILE``,
        ``CMD | COMMAND``), and says everything else here. ``to_file``: the file written, when
        it is one (at the prompt, a call's status is then shown here as it runs)."""
        raise NotImplementedError

    def page(self, result: Result) -> None:
        """Show ``result`` in a pager where a person reads it; elsewhere as ``emit`` does."""
        self.emit(result)

    async def settled(self) -> None:
        """Wait until what this output opened for the person is done with (a pager being
        read): the next statement draws after it. Nothing to wait for elsewhere."""

    #: Set when a call's reporter has said that it was cancelled, so it is said once.
    told_cancelled = False

    def cancelled(self) -> None:
        """A statement was stopped (Ctrl-C): say so, unless its call's reporter did."""
        if self.told_cancelled:
            self.told_cancelled = False
            return
        self.info("cancelled")

    def live(self, view: Callable[[], Result]) -> AbstractContextManager[None]:
        """While the block runs, keep ``view()`` on screen, redrawn (at the prompt only)."""
        from contextlib import nullcontext

        return nullcontext()

    def transfer(self, total: int) -> AbstractContextManager[Advance | None]:
        """A progress bar for a transfer of ``total`` bytes, where one can be shown."""
        from contextlib import nullcontext

        return nullcontext()

    def counter(self, label: str, total: int) -> AbstractContextManager[Callable[[int, int], None]]:
        """A bar counting ``total`` things done (and how many of them failed), with their
        rate, at the prompt; nothing elsewhere. Yields ``update(finished, failed)``."""
        from contextlib import nullcontext

        return nullcontext(lambda finished, failed: None)

    def status(self) -> AbstractContextManager[Callable[..., None]]:
        """A status line for a wait. Yields ``update(text, line=None)``: at the prompt
        ``text`` is shown on one line updated in place; in a script ``line``, when given, is
        written once (a new stage, say), and the ticking of a countdown is left out."""
        from contextlib import contextmanager

        @contextmanager
        def lines() -> Iterator[Callable[..., None]]:
            def update(text: str, line: str | None = None) -> None:
                if line is not None:
                    self.info(line)

            yield update

        return lines()

    async def ask(self, question: str, *, secret: bool = False) -> str | None:
        """The answer typed at the prompt; None when no one can answer (a script), or when
        the question is dismissed (Ctrl-C, Ctrl-D)."""
        return None

    def stream(self) -> Callable[[str], None]:
        """Write lines as they come (a log followed), one per call, each as it is given."""
        return self.info

    async def drain(self, lines: AsyncIterator[str]) -> None:
        write = self.stream()
        async for line in lines:
            write(line)


@dataclass
class JobNews(Result):
    """A background job changed: at the prompt ``line`` (one short line, ``[N] ...``); in a
    script ``plain`` (its outputs, when it ended well), ``note`` on stderr (its number, when
    it starts) or ``error`` (when it failed); under ``--json`` its ``record``."""

    number: int = 0
    line: str | None = None
    style: str = ""
    note: str | None = None
