"""Where the shell's results go: live panels at the prompt, lines or JSON for scripts."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, TextIO

from rich.console import Console, RenderableType
from rich.text import Text

from gradioshell.gradio import (
    Completed,
    Endpoint,
    Event,
    Failed,
    Generating,
    Log,
    Progress,
    Queued,
    Started,
)
from gradioshell.text import json_text, plain, safe_line

if TYPE_CHECKING:
    from gradioshell.render import CallView

REFRESH_PER_SECOND = 15


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


class Output:
    """The interface the commands write through."""

    json = False

    def info(self, message: str) -> None:
        raise NotImplementedError

    def error(self, message: str) -> None:
        raise NotImplementedError

    def show(self, renderable: RenderableType, data: Any = None) -> None:
        raise NotImplementedError

    def reporter(self, session: str, endpoint: Endpoint) -> Reporter:
        raise NotImplementedError


class InteractiveOutput(Output):
    """At the prompt: rich renderables on the terminal, calls in a live panel."""

    def __init__(
        self,
        console: Console,
        *,
        preview: bool = False,
        progress_bars: int | None = None,
        preview_pixels: int | None = None,
    ) -> None:
        self.console = console
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
        )

    def info(self, message: str) -> None:
        self.console.print(Text(safe_line(message), style="dim"))

    def error(self, message: str) -> None:
        self.console.print(Text("error: ", style="bold red") + Text(safe_line(message)))

    def show(self, renderable: RenderableType, data: Any = None) -> None:
        self.console.print(renderable)

    def reporter(self, session: str, endpoint: Endpoint) -> Reporter:
        return LiveReporter(self.console, self.view(session, endpoint))


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

    def info(self, message: str) -> None:
        print(safe_line(message), file=self.stderr, flush=True)

    def error(self, message: str) -> None:
        print(f"error: {safe_line(message)}", file=self.stderr, flush=True)

    def show(self, renderable: RenderableType, data: Any = None) -> None:
        self.console.print(renderable)

    def reporter(self, session: str, endpoint: Endpoint) -> Reporter:
        return TextReporter(self, endpoint)


class TextReporter(Reporter):
    """Writes each new value as it arrives; the final values once, at the end."""

    def __init__(self, output: TextOutput, endpoint: Endpoint) -> None:
        self.output = output
        self.labels = [r.label for r in endpoint.returns]
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
        if len(data) == 1:
            return [plain(data[0])]
        return [
            f"{safe_line(self.labels[i]) if i < len(self.labels) else f'output {i}'}: {plain(v)}"
            for i, v in enumerate(data)
        ]


class JsonOutput(Output):
    """``--json``: one JSON object per line on stdout, for every event and every result."""

    json = True

    def __init__(self, stdout: TextIO | None = None) -> None:
        self.stdout = stdout or sys.stdout

    def emit(self, record: dict[str, Any]) -> None:
        self.stdout.write(json_text(record) + "\n")
        self.stdout.flush()

    def info(self, message: str) -> None:
        pass

    def error(self, message: str) -> None:
        self.emit({"event": "error", "message": message})

    def show(self, renderable: RenderableType, data: Any = None) -> None:
        if data is not None:
            self.emit(data)

    def reporter(self, session: str, endpoint: Endpoint) -> Reporter:
        return JsonReporter(self, session, endpoint)


class JsonReporter(Reporter):
    def __init__(self, output: JsonOutput, session: str, endpoint: Endpoint) -> None:
        self.output = output
        self.base = {"session": session, "endpoint": endpoint.api_name or endpoint.name}

    def event(self, event: Event) -> None:
        self.output.emit({**event_record(event), **self.base})

    def cancelled(self) -> None:
        self.output.emit({"event": "cancelled", **self.base})


def failure_text(event: Failed) -> str:
    """A failed call as one line: the app's title when it gave one (``gr.Error(title=...)``)
    and its message; the default title says nothing the ``error:`` prefix does not."""
    title = event.title.strip()
    if not title or title.lower() == "error":
        return event.message
    return f"{title}: {event.message}"


def event_record(event: Event) -> dict[str, Any]:
    """An event as a JSON object: what ``--json`` writes for it."""
    record: dict[str, Any] = {"event": event.kind}
    if isinstance(event, (Generating, Completed)):
        record["data"] = event.data
    elif isinstance(event, Queued):
        record.update(rank=event.rank, queue_size=event.queue_size, eta=event.eta)
    elif isinstance(event, Started):
        record["eta"] = event.eta
    elif isinstance(event, Progress):
        record["progress"] = [
            {
                "index": u.index,
                "length": u.length,
                "unit": u.unit,
                "progress": u.progress,
                "desc": u.desc,
            }
            for u in event.units
        ]
    elif isinstance(event, Log):
        record.update(level=event.level, message=event.message, title=event.title)
    elif isinstance(event, Failed):
        record.update(message=event.message, title=event.title)
    return record
