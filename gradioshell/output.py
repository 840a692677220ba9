"""Where the shell's results go: one :class:`~gradioshell.results.Output` per mode.

At the prompt (:class:`~gradioshell.prompt_output.InteractiveOutput`, in a module of its own
so that scripts never import rich) results are drawn with rich and calls are live panels; in
scripts (:class:`TextOutput`) values go to stdout as plain lines and messages to stderr; with
``--json`` (:class:`JsonOutput`) everything is one JSON object per line. Commands only hand
over :class:`~gradioshell.results.Result` values: the output of the mode decides.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any, TextIO

from gradioshell.gradio.events import Completed, Failed, Generating, Log
from gradioshell.readable import output_kinds
from gradioshell.records import event_record, failure_text, value_lines
from gradioshell.results import JobNews, Output, Reporter, Result
from gradioshell.text import json_text, safe_line

if TYPE_CHECKING:
    from rich.console import Console

    from gradioshell.gradio import Endpoint, Event

__all__ = [
    "JsonOutput",
    "Output",
    "Reporter",
    "TextOutput",
    "event_record",
    "failure_text",
]


class TextOutput(Output):
    """For scripts: output values on stdout as plain lines, everything else on stderr."""

    def __init__(self, stdout: TextIO | None = None, stderr: TextIO | None = None) -> None:
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr

    @functools.cached_property
    def console(self) -> Console:
        """For results that are not plain text (a table, say), drawn without colour."""
        from rich.console import Console

        return Console(file=self.stdout, highlight=False)

    def emit(self, result: Result) -> None:
        if isinstance(result, JobNews) and result.note:
            self.info(result.note)
        if result.error:
            self.error(result.error)
        if result.plain is not None:
            if result.plain:
                self.write(result.plain)
            return
        from gradioshell.render import view

        shown = view(result, self)
        if shown is not None:
            self.console.print(shown)

    async def ask(self, question: str, *, secret: bool = False) -> str | None:
        # A script run in a terminal can still be answered there (a login's password).
        return await ask_at_terminal(question, secret=secret) if sys.stdin.isatty() else None

    def write(self, text: str) -> None:
        """Text as it is, on stdout, ending with a newline."""
        self.stdout.write(text if text.endswith("\n") else text + "\n")
        self.stdout.flush()

    def info(self, message: str) -> None:
        print(safe_line(message), file=self.stderr, flush=True)

    def warning(self, message: str) -> None:
        print(f"warning: {safe_line(message)}", file=self.stderr, flush=True)

    def error(self, message: str) -> None:
        print(f"error: {safe_line(message)}", file=self.stderr, flush=True)

    def reporter(self, session: str, endpoint: Endpoint) -> Reporter:
        return TextReporter(self, endpoint)

    def stream(self) -> Callable[[str], None]:
        return self.write

    def redirected(self, stream: TextIO, *, to_file: str | None = None) -> Output:
        return RedirectedOutput(stream, self)

    def clipboard(self, text: str) -> bool:
        return terminal_clipboard(text)


class TextReporter(Reporter):
    """Writes each new value as it arrives; the final values once, at the end.

    An update that only extends the text written so far (a streamed answer growing) writes
    only what is new, on the same line, so a streamed answer is written once, as it comes;
    any other update starts a new line with the whole new value.
    """

    def __init__(self, output: TextOutput, endpoint: Endpoint) -> None:
        self.output = output
        self.labels = [r.label for r in endpoint.returns]
        self.kinds = output_kinds(endpoint)
        self.last: str | None = None
        #: Whether the value last written still wants its closing line break.
        self.open = False

    def event(self, event: Event) -> None:
        if isinstance(event, (Generating, Completed)):
            self._show("\n".join(self._lines(event.data)))
            if isinstance(event, Completed):
                self._end_line()
        elif isinstance(event, Log):
            # On stderr: the text being written on stdout goes on where it was.
            title = f"{event.title}: " if event.title and event.title.lower() != event.level else ""
            self.output.info(f"{event.level}: {title}{event.message}")
        elif isinstance(event, Failed):
            self._end_line()
            self.output.error(failure_text(event))

    def _show(self, text: str) -> None:
        stdout = self.output.stdout
        if self.last is None or not text.startswith(self.last):
            if self.open:
                stdout.write("\n")
            stdout.write(text)
        elif text == self.last:
            return
        else:
            stdout.write(text[len(self.last) :])
        stdout.flush()
        self.last = text
        self.open = True

    def _end_line(self) -> None:
        if self.open:
            self.output.stdout.write("\n")
            self.output.stdout.flush()
            self.open = False

    def cancelled(self) -> None:
        self._end_line()
        self.output.error("cancelled")
        self.output.told_cancelled = True

    def close(self) -> None:
        self._end_line()

    def _lines(self, data: list[Any]) -> list[str]:
        return value_lines(self.labels, data, self.kinds)


class RedirectedOutput(TextOutput):
    """A statement's output sent to a file or a command (``CMD > FILE``, ``CMD | COMMAND``):
    its plain values go there as a script writes them; messages, questions and the news of
    background jobs still go to the output it stands in for."""

    def __init__(self, stream: TextIO, messages: Output, *, to_file: str | None = None) -> None:
        super().__init__(stdout=stream)
        self.messages = messages
        self.to_file = to_file

    def emit(self, result: Result) -> None:
        if isinstance(result, JobNews):
            self.messages.emit(result)
        else:
            super().emit(result)

    def info(self, message: str) -> None:
        self.messages.info(message)

    def warning(self, message: str) -> None:
        self.messages.warning(message)

    def error(self, message: str) -> None:
        self.messages.error(message)

    async def ask(self, question: str, *, secret: bool = False) -> str | None:
        return await self.messages.ask(question, secret=secret)

    def status(self) -> AbstractContextManager[Callable[..., None]]:
        return self.messages.status()

    def clipboard(self, text: str) -> bool:
        return self.messages.clipboard(text)

    @property
    def told_cancelled(self) -> bool:
        return self.messages.told_cancelled

    @told_cancelled.setter
    def told_cancelled(self, told: bool) -> None:
        self.messages.told_cancelled = told


class JsonOutput(Output):
    """``--json``: one JSON object per line on stdout, for every event and every result."""

    passes_commands = False

    def __init__(self, stdout: TextIO | None = None) -> None:
        self.stdout = stdout or sys.stdout

    def write(self, record: dict[str, Any]) -> None:
        self.stdout.write(json_text(record) + "\n")
        self.stdout.flush()

    async def ask(self, question: str, *, secret: bool = False) -> str | None:
        return await ask_at_terminal(question, secret=secret) if sys.stdin.isatty() else None

    def emit(self, result: Result) -> None:
        if result.record is not None:
            self.write(result.record)

    def info(self, message: str) -> None:
        pass

    def error(self, message: str) -> None:
        self.write({"event": "error", "message": message})

    def reporter(self, session: str, endpoint: Endpoint) -> Reporter:
        return JsonReporter(self, session, endpoint)

    def stream(self) -> Callable[[str], None]:
        return lambda line: None

    def redirected(self, stream: TextIO, *, to_file: str | None = None) -> Output:
        return RedirectedOutput(stream, self)

    def clipboard(self, text: str) -> bool:
        return terminal_clipboard(text)

    def status(self) -> AbstractContextManager[Callable[..., None]]:
        @contextmanager
        def quiet() -> Iterator[Callable[..., None]]:
            yield lambda text, line=None: None

        return quiet()


class JsonReporter(Reporter):
    def __init__(self, output: JsonOutput, session: str, endpoint: Endpoint) -> None:
        self.output = output
        self.base = {"session": session, "endpoint": endpoint.api_name or endpoint.name}

    def event(self, event: Event) -> None:
        self.output.write({**event_record(event), **self.base})

    def cancelled(self) -> None:
        self.output.write({"event": "cancelled", **self.base})


def clipboard_sequence(text: str) -> str:
    """The OSC 52 sequence that puts ``text`` on the terminal's clipboard, also through tmux
    and screen (wrapped for them to pass on). What is copied is sanitized as shown text is."""
    import base64
    import os

    from gradioshell.text import safe

    encoded = base64.b64encode(safe(text).encode("utf-8")).decode("ascii")
    sequence = f"\x1b]52;c;{encoded}\x07"
    if os.environ.get("TMUX"):
        # tmux takes the plain sequence itself with set-clipboard on; passed through
        # (allow-passthrough on), the outer terminal takes it too.
        return sequence + "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"
    if os.environ.get("STY"):
        return "\x1bP" + sequence + "\x1b\\"
    return sequence


def terminal_clipboard(text: str) -> bool:
    """Send ``text`` to the clipboard of the shell's terminal, when its output is not that
    terminal (a script); False when the shell has no terminal."""
    try:
        with open("/dev/tty", "w", encoding="utf-8") as tty:
            tty.write(clipboard_sequence(text))
    except OSError:
        return False
    return True


async def ask_at_terminal(question: str, *, secret: bool = False) -> str | None:
    """An answer typed in the terminal; None if the question is dismissed (Ctrl-C, Ctrl-D)."""
    from prompt_toolkit import PromptSession

    try:
        return await PromptSession[str]().prompt_async(question, is_password=secret)
    except (KeyboardInterrupt, EOFError):
        return None
