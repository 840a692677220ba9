"""Where the shell's results go: one :class:`~gradioshell.results.Output` per mode.

At the prompt (:class:`InteractiveOutput`) results are drawn with rich and calls are live
panels; in scripts (:class:`TextOutput`) values go to stdout as plain lines and messages to
stderr; with ``--json`` (:class:`JsonOutput`) everything is one JSON object per line. Commands
only hand over :class:`~gradioshell.results.Result` values: the output of the mode decides.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any, TextIO

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.style import Style
from rich.text import Text

from gradioshell.gradio import (
    Completed,
    Endpoint,
    Event,
    Failed,
    Generating,
    Log,
)
from gradioshell.readable import output_kinds
from gradioshell.records import event_record, failure_text, value_lines
from gradioshell.results import Advance, ClearScreen, JobNews, Note, Output, Reporter, Result
from gradioshell.text import json_text, safe_line

if TYPE_CHECKING:
    import subprocess

    from rich.segment import Segment

    from gradioshell.render import CallView
    from gradioshell.settings import Settings

__all__ = [
    "InteractiveOutput",
    "JsonOutput",
    "Output",
    "Reporter",
    "TextOutput",
    "event_record",
    "failure_text",
]

REFRESH_PER_SECOND = 15


class InteractiveOutput(Output):
    """At the prompt: rich renderables on the terminal, calls in a live panel."""

    interactive = True

    def __init__(
        self,
        console: Console,
        *,
        preview: bool = False,
        progress_bars: int | None = None,
        preview_pixels: int | None = None,
        theme: str = "dark",
        images: str = "blocks",
        settings: Settings | None = None,
    ) -> None:
        self.console = console
        self.settings = settings
        #: The pager being read, and what is said once it closes (the news of background
        #: jobs, the line a paged result leaves).
        self.pager: subprocess.Popen[str] | None = None
        self.held: list[JobNews | Text] = []
        self.theme = theme
        self.images = images
        self.preview = preview
        self.progress_bars = progress_bars
        self.preview_pixels = preview_pixels

    def view(self, session: str, endpoint: Endpoint) -> CallView:
        """A call's panel, drawn within this output's limits."""
        from gradioshell.render import PROGRESS_BARS, CallView

        return CallView(
            session,
            endpoint,
            preview=self.preview,
            progress_bars=self.progress_bars or PROGRESS_BARS,
            preview_pixels=self.preview_pixels,
            theme=self.theme,
            images=self.images,
        )

    def emit(self, result: Result) -> None:
        if isinstance(result, ClearScreen):
            self.console.clear()
            return
        if isinstance(result, JobNews):
            if self.pager is not None:  # said when the pager closes, not over it
                self.held.append(result)
                return
            if result.line is not None:
                line = Text(f"[{result.number}] ", style="bold")
                line.append(safe_line(result.line), style=result.style)
                self.console.print(line)
            return
        from gradioshell.render import view

        shown = view(result, self)
        if shown is None:
            return
        no_wrap = isinstance(result, Note) and result.no_wrap
        if self.paged(shown, no_wrap=no_wrap):
            return
        # Code to copy keeps its lines whole: the terminal wraps what is too long.
        self.console.print(shown, soft_wrap=no_wrap)

    def paged(
        self, shown: RenderableType, *, no_wrap: bool = False, left: Text | None = None
    ) -> bool:
        """With ``ui.pager = "auto"``, show what is taller than the terminal in the pager
        and leave one line in the scrollback: whether it was paged."""
        if self.settings is None or self.settings.pager != "auto":
            return False
        if not self.console.is_terminal:
            return False
        lines = self.console.render_lines(shown, pad=False, new_lines=False)
        if len(lines) < self.console.size.height - 1:
            return False
        with self.console.capture() as captured:
            self.console.print(shown, soft_wrap=no_wrap)
        if self.run_pager(captured.get()):
            line = left.copy() if left is not None else Text()
            line.append(f"{' ' if left else ''}({len(lines)} lines, read in the pager)", "dim")
            self.held.insert(0, line)
            return True
        return False

    def info(self, message: str) -> None:
        self.console.print(Text(safe_line(message), style="dim"))

    def warning(self, message: str) -> None:
        self.console.print(Text("warning: ", style="bold yellow") + Text(safe_line(message)))

    def error(self, message: str) -> None:
        self.console.print(Text("error: ", style="bold red") + Text(safe_line(message)))

    def reporter(self, session: str, endpoint: Endpoint) -> Reporter:
        return LiveReporter(self, self.view(session, endpoint))

    def chat_reporter(self, session: str, endpoint: Endpoint) -> Reporter:
        view = self.view(session, endpoint)
        view.framed = False
        return LiveReporter(self, view)

    async def converse(self, shell: Any, conversation: Any) -> None:
        from gradioshell.chatmode import run_chat

        await run_chat(self, shell, conversation)

    @contextmanager
    def live(self, view: Callable[[], Result]) -> Iterator[None]:
        from rich.live import Live

        from gradioshell.render import view as draw

        with Live(
            console=self.console,
            refresh_per_second=4,
            transient=True,
            get_renderable=lambda: draw(view(), self) or Text(""),
        ):
            yield

    @contextmanager
    def transfer(self, total: int) -> Iterator[Advance | None]:
        from rich.progress import BarColumn, DownloadColumn, TextColumn, TransferSpeedColumn
        from rich.progress import Progress as Bar

        with Bar(
            TextColumn("uploading"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            console=self.console,
            transient=True,
        ) as bar:
            task = bar.add_task("upload", total=total)
            yield lambda n: bar.advance(task, n)

    @contextmanager
    def counter(self, label: str, total: int) -> Iterator[Callable[[int, int], None]]:
        import time

        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            TextColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as Bar

        bar = Bar(
            TextColumn(label),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("[red]{task.fields[failed]} failed"),
            TextColumn("{task.fields[rate]}"),
            TimeRemainingColumn(),
            console=self.console,
            transient=False,
        )
        task = bar.add_task(label, total=total, failed=0, rate="")
        started = time.monotonic()

        def update(finished: int, failed: int) -> None:
            rate = finished / max(time.monotonic() - started, 1e-6)
            bar.update(task, completed=finished, failed=failed, rate=f"{rate:.1f}/s")

        with bar:
            yield update

    @contextmanager
    def status(self) -> Iterator[Callable[..., None]]:
        with self.console.status("") as status:

            def update(text: str, line: str | None = None) -> None:
                status.update(Text(safe_line(text), style="yellow"))

            yield update

    async def ask(self, question: str, *, secret: bool = False) -> str | None:
        return await ask_at_terminal(question, secret=secret)

    def stream(self) -> Callable[[str], None]:
        return lambda line: self.console.print(Text(line))

    def redirected(self, stream: TextIO, *, to_file: str | None = None) -> Output:
        return RedirectedOutput(stream, self, to_file=to_file)

    def clipboard(self, text: str) -> bool:
        if not self.console.is_terminal:
            return terminal_clipboard(text)
        self.console.file.write(clipboard_sequence(text))
        self.console.file.flush()
        return True

    def page(self, result: Result) -> None:

        from gradioshell.render import view

        shown = view(result, self)
        if shown is None:
            return
        with self.console.capture() as captured:
            self.console.print(shown, soft_wrap=isinstance(result, Note) and result.no_wrap)
        self.run_pager(captured.get())

    def run_pager(self, text: str) -> bool:
        """``text`` (with its colours) in ``$PAGER``: whether the pager started. The shell
        goes on (background calls keep running) while it is read; the next statement waits
        for it (:meth:`settled`)."""
        import os
        import subprocess

        self._wait_pager()  # one pager at a time
        pager = os.environ.get("PAGER") or "less -R"
        env = {**os.environ, "LESS": os.environ.get("LESS", "-R")}  # keep the colours
        try:
            process = subprocess.Popen(
                pager, shell=True, stdin=subprocess.PIPE, text=True, encoding="utf-8", env=env
            )
        except OSError as exc:
            self.error(f"cannot run the pager {pager!r}: {exc.strerror or exc}")
            return False
        import threading

        def feed(stdin: TextIO) -> None:
            # A pager reads as the person scrolls: fed from a thread, the shell goes on.
            with contextlib.suppress(OSError):  # the pager was closed before the end
                stdin.write(text)
            with contextlib.suppress(OSError):
                stdin.close()

        assert process.stdin is not None
        threading.Thread(target=feed, args=(process.stdin,), daemon=True).start()
        # A shell prints what a missing command's status 127 means only once it ends.
        if process.poll() == 127:
            self._pager_failed(pager)
            return False
        self.pager = process
        return True

    def _pager_failed(self, pager: str) -> None:
        self.error(f"cannot run the pager {pager!r} (set $PAGER to one)")

    def _wait_pager(self) -> None:
        if self.pager is not None:
            self.pager.wait()
            self._pager_closed()

    def _pager_closed(self) -> None:
        process, self.pager = self.pager, None
        held, self.held = self.held, []
        if process is not None and process.returncode == 127:
            self._pager_failed(str(process.args))
            held = [said for said in held if isinstance(said, JobNews)]
        for said in held:
            if isinstance(said, JobNews):
                self.emit(said)
            else:
                self.console.print(said)

    async def settled(self) -> None:
        if self.pager is None:
            return
        import asyncio
        import signal

        # As a shell does while a command runs in the foreground: Ctrl-C is the pager's.
        try:
            previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        except ValueError:  # not the main thread
            previous = None
        try:
            await asyncio.get_running_loop().run_in_executor(None, self.pager.wait)
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)
            self._pager_closed()


class LiveReporter(Reporter):
    """One panel, redrawn in place at a fixed rate however fast events arrive.

    While the call runs, a panel taller than the terminal shows its newest lines (a long
    answer being streamed); when it ends, the whole panel is printed, to the scrollback.

    The panel is redrawn by a timer of the event loop that reads the events, between two
    events: never at the same time as one is read, and without a thread of its own
    contending with the loop for the interpreter. The first value is drawn as it arrives.
    """

    def __init__(self, output: InteractiveOutput, view: CallView) -> None:
        import asyncio

        from rich.live import Live

        self.output = output
        self.view = view
        try:
            self.loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:  # no loop to time the redraws: rich's own thread does
            self.loop = None
        self.timer: asyncio.TimerHandle | None = None
        self.live = Live(
            Following(view),
            console=output.console,
            refresh_per_second=REFRESH_PER_SECOND,
            auto_refresh=self.loop is None,
            transient=True,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self.live.start(refresh=self.loop is not None)
        self._schedule()

    def _schedule(self) -> None:
        if self.loop is not None:
            self.timer = self.loop.call_later(1 / REFRESH_PER_SECOND, self._tick)

    def _tick(self) -> None:
        self.timer = None
        if not self.live.is_started:
            return
        self.live.refresh()
        self._schedule()

    def _stop_timer(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def event(self, event: Event) -> None:
        shown = bool(self.view.values)
        self.view.apply(event)
        if not shown and self.view.values and self.live.is_started:
            # The first words are drawn as they come, not at the next tick of the refresh.
            self._stop_timer()
            self.live.refresh()
            self._schedule()

    def cancelled(self) -> None:
        self.view.cancel()
        self.output.told_cancelled = True

    def close(self) -> None:
        self._stop_timer()
        # Stopping redraws the live view once more before erasing it: drawn finished, a long
        # answer would be drawn whole, then again for the scrollback. It is drawn as the
        # live view was, its end only, with its final status.
        self.view.live = True
        try:
            self.live.stop()
        finally:
            self.view.live = False
        if not self.output.paged(self.view, left=self.view.headline()):
            self.output.console.print(self.view)


class Following:
    """A panel that keeps within the terminal's height by leaving out its middle lines: its
    title and status stay at the top, then how many lines are left out, then its newest
    lines. (A live view taller than the terminal cannot be redrawn in place.)"""

    def __init__(self, panel: Any) -> None:
        self.panel = panel

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.segment import Segment

        lines = console.render_lines(self.panel, options, pad=True)
        room = max(console.size.height - 1, 6)
        if len(lines) > room and not getattr(self.panel, "framed", True):
            # Unframed (a chat answer): no title nor border to keep, only the newest lines.
            tail = lines[len(lines) - (room - 1) :]
            note = f"… {len(lines) - len(tail)} earlier lines"
            lines = [[Segment(note[: options.max_width], Style(dim=True))], *tail]
        elif len(lines) > room:
            head, tail = lines[:2], lines[len(lines) - (room - 3) :]
            left_out = len(lines) - len(head) - len(tail)
            lines = [*head, self._elision(head[1], left_out), *tail]
        for line in lines:
            yield from line
            yield Segment.line()

    @staticmethod
    def _elision(status: list[Segment], count: int) -> list[Segment]:
        """A line saying how many lines are left out, inside the borders of ``status``."""
        from rich.segment import Segment

        width = Segment.get_line_length(status)
        left, right = status[0], status[-1]
        note = f" … {count} earlier line{'s' if count != 1 else ''}"
        note = note[: max(width - left.cell_length - right.cell_length, 0)]
        space = width - left.cell_length - right.cell_length - len(note)
        return [left, Segment(note, Style(dim=True)), Segment(" " * space), right]


class TextOutput(Output):
    """For scripts: output values on stdout as plain lines, everything else on stderr."""

    def __init__(self, stdout: TextIO | None = None, stderr: TextIO | None = None) -> None:
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr
        self.console = Console(file=self.stdout, highlight=False)

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

    def reporter(self, session: str, endpoint: Endpoint) -> Reporter:
        written = TextReporter(self, endpoint)
        if self.to_file is None or not isinstance(self.messages, InteractiveOutput):
            return written
        return FileReporter(written, self.messages.view(session, endpoint), self.to_file)

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


class FileReporter(Reporter):
    """``CALL > FILE`` at the prompt: the values go to the file as a script writes them,
    while the terminal shows the call's status on one live line, then where it went."""

    def __init__(self, written: TextReporter, view: CallView, to_file: str) -> None:
        from rich.live import Live

        assert isinstance(written.output, RedirectedOutput)
        assert isinstance(written.output.messages, InteractiveOutput)
        self.written = written
        self.output = written.output.messages
        self.view = view
        self.to_file = to_file
        self.live = Live(
            _Headline(view),
            console=self.output.console,
            refresh_per_second=REFRESH_PER_SECOND,
            transient=True,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self.live.start()

    def event(self, event: Event) -> None:
        self.view.apply(event)
        self.written.event(event)

    def cancelled(self) -> None:
        self.view.cancel()
        self.written.close()  # the status line says it once
        self.output.told_cancelled = True

    def close(self) -> None:
        self.live.stop()
        self.written.close()
        line = self.view.headline()
        line.append(" → ", style="dim")
        line.append(safe_line(self.to_file))
        self.output.console.print(line)


class _Headline:
    """A call's one line, drawn again at each refresh (its running time moves)."""

    def __init__(self, view: CallView) -> None:
        self.view = view

    def __rich__(self) -> Text:
        return self.view.headline()


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
