"""Where the shell's results go: one :class:`~gradioshell.results.Output` per mode.

At the prompt (:class:`InteractiveOutput`) results are drawn with rich and calls are live
panels; in scripts (:class:`TextOutput`) values go to stdout as plain lines and messages to
stderr; with ``--json`` (:class:`JsonOutput`) everything is one JSON object per line. Commands
only hand over :class:`~gradioshell.results.Result` values: the output of the mode decides.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any, TextIO

from rich.console import Console
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
from gradioshell.results import Advance, JobNews, Output, Reporter, Result
from gradioshell.text import json_text, safe_line

if TYPE_CHECKING:
    from gradioshell.render import CallView

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
    ) -> None:
        self.console = console
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
        if isinstance(result, JobNews):
            if result.line is not None:
                line = Text(f"[{result.number}] ", style="bold")
                line.append(safe_line(result.line), style=result.style)
                self.console.print(line)
            return
        from gradioshell.render import view

        shown = view(result, self)
        if shown is not None:
            self.console.print(shown)

    def info(self, message: str) -> None:
        self.console.print(Text(safe_line(message), style="dim"))

    def warning(self, message: str) -> None:
        self.console.print(Text("warning: ", style="bold yellow") + Text(safe_line(message)))

    def error(self, message: str) -> None:
        self.console.print(Text("error: ", style="bold red") + Text(safe_line(message)))

    def reporter(self, session: str, endpoint: Endpoint) -> Reporter:
        return LiveReporter(self.console, self.view(session, endpoint))

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


class LiveReporter(Reporter):
    """One panel, redrawn in place at a fixed rate however fast events arrive."""

    def __init__(self, console: Console, view: CallView) -> None:
        from rich.live import Live

        self.view = view
        self.live = Live(
            self.view,
            console=console,
            refresh_per_second=REFRESH_PER_SECOND,
            transient=False,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self.live.start()

    def event(self, event: Event) -> None:
        self.view.apply(event)

    def cancelled(self) -> None:
        self.view.cancel()

    def close(self) -> None:
        self.live.refresh()
        self.live.stop()


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


class TextReporter(Reporter):
    """Writes each new value as it arrives; the final values once, at the end."""

    def __init__(self, output: TextOutput, endpoint: Endpoint) -> None:
        self.output = output
        self.labels = [r.label for r in endpoint.returns]
        self.kinds = output_kinds(endpoint)
        self.last: list[str] | None = None

    def event(self, event: Event) -> None:
        if isinstance(event, (Generating, Completed)):
            lines = self._lines(event.data)
            if lines != self.last:
                self.output.stdout.write("".join(line + "\n" for line in lines))
                self.output.stdout.flush()
                self.last = lines
        elif isinstance(event, Log):
            title = f"{event.title}: " if event.title and event.title.lower() != event.level else ""
            self.output.info(f"{event.level}: {title}{event.message}")
        elif isinstance(event, Failed):
            self.output.error(failure_text(event))

    def cancelled(self) -> None:
        self.output.error("cancelled")

    def _lines(self, data: list[Any]) -> list[str]:
        return value_lines(self.labels, data, self.kinds)


class JsonOutput(Output):
    """``--json``: one JSON object per line on stdout, for every event and every result."""

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


async def ask_at_terminal(question: str, *, secret: bool = False) -> str | None:
    """An answer typed in the terminal; None if the question is dismissed (Ctrl-C, Ctrl-D)."""
    from prompt_toolkit import PromptSession

    try:
        return await PromptSession[str]().prompt_async(question, is_password=secret)
    except (KeyboardInterrupt, EOFError):
        return None
