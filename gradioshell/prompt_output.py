"""The output at the prompt: results drawn with rich on the terminal, calls in live panels,
a long result in the pager, and ``CALL > FILE``'s one live status line.

Kept apart from :mod:`gradioshell.output` so that scripts, which write plain text, never
import the terminal's libraries.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TextIO

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.style import Style
from rich.text import Text

from gradioshell.gradio import (
    Endpoint,
    Event,
)
from gradioshell.output import (
    RedirectedOutput,
    TextReporter,
    ask_at_terminal,
    clipboard_sequence,
    terminal_clipboard,
)
from gradioshell.results import Advance, ClearScreen, JobNews, Note, Output, Reporter, Result
from gradioshell.text import safe_line

if TYPE_CHECKING:
    import subprocess

    from rich.segment import Segment

    from gradioshell.render import CallView
    from gradioshell.settings import Settings

__all__ = ["FileReporter", "InteractiveOutput", "LiveReporter"]

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
        return PromptRedirect(stream, self, to_file=to_file)

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


class PromptRedirect(RedirectedOutput):
    """A redirected statement at the prompt: ``CALL > FILE`` keeps a live status line."""

    def reporter(self, session: str, endpoint: Endpoint) -> Reporter:
        written = TextReporter(self, endpoint)
        if self.to_file is None or not isinstance(self.messages, InteractiveOutput):
            return written
        return FileReporter(written, self.messages.view(session, endpoint), self.to_file)


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
