"""Rich renderables: the live call panel, and the view of every result a command shows."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from gradioshell.gradio import (
    Completed,
    Endpoint,
    Event,
    Failed,
    Generating,
    Log,
    Parameter,
    Progress,
    Queued,
    Started,
)
from gradioshell.syntax import example_call, files_as_names, how_to_write
from gradioshell.text import json_text, safe, safe_line

if TYPE_CHECKING:
    from gradioshell.registry import Command
    from gradioshell.renderers import Look
    from gradioshell.reports import CallReplay, Check, Overview
    from gradioshell.reports import Table as ResultTable
    from gradioshell.results import Result
    from gradioshell.sessions import Session

log = logging.getLogger(__name__)


def safe_text(value: str, style: str = "") -> Text:
    """One line of text from an app or the Hub as a rich ``Text``: sanitized, and never read
    as rich markup (``[link=…]`` and ``[/]`` are shown as they are)."""
    return Text(safe_line(value), style=style)


LOG_STYLES = {"warning": "yellow", "error": "red", "success": "green", "info": "cyan"}
MAX_LOG_LINES = 8
PROGRESS_BARS = 10
"""Progress bars shown at once by default (``[limits] progress_bars``)."""


class CallView:
    """The state of one call as a renderable: rich redraws it at its own pace."""

    def __init__(
        self,
        session_name: str,
        endpoint: Endpoint,
        *,
        preview: bool = False,
        progress_bars: int = PROGRESS_BARS,
        preview_pixels: int | None = None,
        theme: str = "dark",
        images: str = "blocks",
        framed: bool = True,
    ) -> None:
        self.session_name = session_name
        #: In a panel with a title and a status; unframed (a chat answer): the values alone,
        #: flowing, with the status only while nothing has come.
        self.framed = framed
        self.theme = theme
        self.images = images
        self.preview = preview
        self.progress_bars = progress_bars
        self.preview_pixels = preview_pixels
        self.endpoint = endpoint
        self.started = time.monotonic()
        self.run_started: float | None = None
        self.finished: float | None = None
        self.queue: Queued | None = None
        self.progress: Progress | None = None
        self.logs: list[Log] = []
        self.values: list[Any] = []
        self.error: Failed | None = None
        self.cancelled = False
        self.updates = 0
        #: Drawn as while it runs (long values by their end only), even once finished.
        self.live = False

    def apply(self, event: Event) -> None:
        if isinstance(event, Queued):
            self.queue = event
        elif isinstance(event, Started):
            self.run_started = time.monotonic()
        elif isinstance(event, Progress):
            self.progress = event
        elif isinstance(event, Log):
            self.logs.append(event)
            del self.logs[:-MAX_LOG_LINES]
        elif isinstance(event, Generating):
            self.values = event.data
            self.updates += 1
        elif isinstance(event, Completed):
            self.values = event.data
            self.finished = time.monotonic()
            self.progress = None
        elif isinstance(event, Failed):
            self.error = event
            self.finished = time.monotonic()
            self.progress = None

    def cancel(self) -> None:
        """Stopped by the user: what came so far stays, and the status says so."""
        self.finished = time.monotonic()
        self.cancelled = True
        self.progress = None

    def status(self) -> Text:
        from gradioshell.records import run_time

        now = self.finished or time.monotonic()
        took = run_time(self.started, self.run_started, now)
        if self.cancelled:
            return Text(f"✗ cancelled after {took}", style="bold yellow")
        if self.error is not None:
            return Text(f"✗ failed after {took}", style="bold red")
        if self.finished is not None:
            return Text(f"✓ done in {took}", style="bold green")
        if self.run_started is not None:
            return Text(f"● running {now - self.run_started:.1f}s", style="yellow")
        if self.queue is not None:
            text = "◌ queued"
            if self.queue.rank is not None:
                text += f": position {self.queue.rank + 1}"
                if self.queue.queue_size:
                    text += f" of {self.queue.queue_size}"
            if self.queue.eta:
                text += f", about {self.queue.eta:.0f}s"
            return Text(text, style="yellow")
        return Text("◌ sending…", style="dim")

    def headline(self) -> Text:
        """The call on one line: its endpoint, its session and its status."""
        line = safe_text(self.endpoint.api_name or self.endpoint.name, style="bold")
        line.append(f" · {safe_line(self.session_name)} ", style="dim")
        return line + self.status()

    def __rich__(self) -> RenderableType:
        if not self.framed:
            return self._unframed()
        title = safe_text(self.endpoint.api_name or self.endpoint.name, style="bold")
        title.append(f" · {safe_line(self.session_name)}", style="dim")
        border = (
            "yellow"
            if self.cancelled
            else "red"
            if self.error
            else ("green" if self.finished else "blue")
        )
        parts: list[RenderableType] = [self.status()]
        try:
            parts += self._body()
        except Exception as exc:  # one bad value must not stop the panel, nor the shell
            log.exception("cannot draw the call's panel")
            parts.append(safe_text(f"(cannot show this: {type(exc).__name__}: {exc})", "red"))
        return Panel(Group(*parts), title=title, title_align="left", border_style=border)

    def _unframed(self) -> RenderableType:
        parts: list[RenderableType] = []
        if self.finished is None and not self.values:
            parts.append(self.status())
        try:
            parts += self._body()
        except Exception as exc:
            log.exception("cannot draw the answer")
            parts.append(safe_text(f"(cannot show this: {type(exc).__name__}: {exc})", "red"))
        if self.cancelled:
            parts.append(Text("(stopped)", style="bold yellow"))
        return Group(*parts)

    def _values(self) -> RenderableType:
        from gradioshell.renderers import Look

        look = Look(
            preview=self.preview,
            preview_pixels=self.preview_pixels,
            theme=self.theme,
            live=self.finished is None or self.live,
            images=self.images,
            moving=self.finished is None,
        )
        if self.framed:
            return outputs_table(self.endpoint, self.values, look)
        from gradioshell.readable import output_kinds
        from gradioshell.renderers import render_output

        kinds = output_kinds(self.endpoint)
        drawn = [render_output(v, kinds[0] if kinds else None, look) for v in self.values]
        return Group(*(d.renderable for d in drawn))

    def _body(self) -> list[RenderableType]:
        parts: list[RenderableType] = []
        if self.progress is not None:
            parts.append(progress_bars(self.progress, self.progress_bars))
        for entry in self.logs:
            style = LOG_STYLES.get(entry.level, "cyan")
            line = Text(f"{safe_line(entry.level)}: ", style=style)
            if entry.title and entry.title.lower() != entry.level:
                line.append(safe_line(entry.title) + ": ", style="bold")
            line.append(safe(entry.message))
            parts.append(line)
        if self.values:
            parts.append(self._values())
        if self.error is not None:
            message = Text(safe_line(self.error.title or "Error") + ": ", style="bold red")
            message.append(safe(self.error.message), style="red")
            parts.append(message)
        return parts


def progress_bars(progress: Progress, shown: int = PROGRESS_BARS) -> RenderableType:
    """The first ``shown`` bars of a progress report, and how many more there are."""
    from rich.progress_bar import ProgressBar

    table = Table.grid(padding=(0, 1))
    for unit in progress.units[:shown]:
        total: float | None
        if unit.progress is not None:
            fraction = min(max(unit.progress, 0.0), 1.0)
            completed, total = fraction * 100, 100.0
            count = f"{fraction * 100:.0f}%"
        elif unit.index is not None and unit.length:
            completed, total = float(unit.index), float(unit.length)
            count = f"{unit.index}/{unit.length} {safe_line(unit.unit)}"
        else:
            completed, total = 0.0, None
            count = f"{unit.index or 0} {safe_line(unit.unit)}"
        table.add_row(
            Text(safe_line(unit.desc) or "progress", style="dim"),
            ProgressBar(total=total, completed=completed, width=30),
            Text(count),
        )
    hidden = len(progress.units) - shown
    if hidden > 0:
        table.add_row(Text(f"… {hidden} more", style="dim"), Text(""), Text(""))
    return table


def outputs_table(endpoint: Endpoint, values: list[Any], look: Look) -> RenderableType:
    """The outputs of a call, each drawn by its component's renderer: a short value beside
    its label, a block (Markdown, a transcript, a table, code) under it."""
    from gradioshell.readable import output_kinds
    from gradioshell.renderers import render_output

    kinds = output_kinds(endpoint)
    labels = [r.label for r in endpoint.returns]
    parts: list[RenderableType] = []
    table: Table | None = None
    for index, value in enumerate(values):
        label = labels[index] if index < len(labels) else f"output {index}"
        try:
            drawn = render_output(value, kinds[index] if index < len(kinds) else None, look)
        except Exception:  # a value its renderer cannot read: as JSON, as before
            log.exception("cannot draw an output by its component")
            drawn = render_output(value, None, look)
        if drawn.block:
            table = None
            parts.append(safe_text(label, style="bold magenta"))
            parts.append(Padding(drawn.renderable, (0, 0, 0, 2)))
            continue
        if table is None:
            table = Table.grid(padding=(0, 1))
            table.add_column(style="bold magenta", no_wrap=True)
            table.add_column(overflow="fold")
            parts.append(table)
        table.add_row(safe_text(label), drawn.renderable)
    return parts[0] if len(parts) == 1 else Group(*parts)


def format_value(
    value: Any, *, preview: bool = False, preview_pixels: int | None = None
) -> RenderableType:
    """An output value with no component known: text as is, files as paths (with image
    previews), the rest as JSON."""
    from gradioshell.renderers import Look, render_output

    return render_output(value, None, Look(preview, preview_pixels)).renderable


def json_view(value: Any, *, indent: int | None = 2) -> Text:
    """Raw JSON of an app's answer, highlighted, with its control characters kept escaped."""
    from rich.highlighter import JSONHighlighter

    text = Text(json_text(value, indent=indent), no_wrap=indent is None)
    JSONHighlighter().highlight(text)
    return text


def sessions_table(sessions: list[Session], default: Session | None) -> FittedTable:
    from gradioshell.reports import Column

    columns = [
        Column("", key=True),
        Column("name", key=True),
        Column("url", rank=3),
        Column("gradio", wrap=False, rank=2),
        Column("protocol", wrap=False, rank=0),
        Column("endpoints", wrap=False, rank=1, align="right"),
        Column("calls", wrap=False, rank=1, align="right"),
    ]
    rows = []
    for s in sessions:
        name = s.name + (f" ({', '.join(s.aliases)})" if s.aliases else "")
        rows.append(
            [
                Text("*", style="bold green") if s is default else Text(""),
                safe_text(name, style="bold" if s is default else ""),
                safe_text(s.url),
                safe_text(s.app.version),
                safe_text(s.app.protocol),
                Text(str(len(s.app.endpoints))),
                Text(str(len(s.calls))),
            ]
        )
    return FittedTable(columns, rows, title="Sessions")


def endpoints_table(session: Session) -> Table:
    from gradioshell.targets import endpoint_word

    table = Table(
        title=safe_text(f"Endpoints of {session.name} ({session.url})"),
        title_justify="left",
        show_edge=False,
    )
    table.add_column("command", style="bold cyan", no_wrap=True)
    table.add_column("parameters")
    table.add_column("returns")
    for ep in session.app.endpoints:
        params = Text()
        for i, p in enumerate(ep.parameters):
            if i:
                params.append(", ")
            params.append(safe_line(p.name), style="bold" if p.required else "")
            if p.has_default:
                params.append("=" + safe_line(json_text(p.default)), style="dim")
        returns = ", ".join(safe_line(r.label) for r in ep.returns)
        # What to type: /NAME where a command has the name (chat, code...).
        typed = endpoint_word(ep.name) if ep.named else ep.name
        table.add_row(safe_text(typed), params, Text(returns))
    return table


def endpoint_help(session: Session, endpoint: Endpoint) -> RenderableType:
    """Everything about one endpoint, like ``Get-Help -Full``: description, each parameter
    (label, component, type, required or default, choices, example, description), the
    returns and a ready-to-type example call. One block per parameter, so it reads well
    in a narrow terminal."""
    parts: list[RenderableType] = []
    if endpoint.description:
        parts.append(Text(safe(endpoint.description)))
        parts.append(Text(""))
    parts.append(Text("Parameters", style="bold"))
    if endpoint.parameters:
        params = Table.grid(padding=(0, 2))
        params.add_column(no_wrap=True)
        params.add_column(overflow="fold")
        for p in endpoint.parameters:
            params.add_row(safe_text("  " + p.name, style="bold cyan"), parameter_details(p))
        parts.append(params)
    else:
        parts.append(Text("  none", style="dim"))
    parts.append(Text("Returns", style="bold"))
    if endpoint.returns:
        returns = Table.grid(padding=(0, 2))
        returns.add_column(no_wrap=True)
        returns.add_column(overflow="fold")
        for r in endpoint.returns:
            kind = safe_text(r.component or "value")
            if r.python_type:
                kind.append(f" · {safe_line(r.python_type)}", style="dim")
            returns.add_row(safe_text("  " + (r.label or "output"), style="bold magenta"), kind)
        parts.append(returns)
    else:
        parts.append(Text("  nothing", style="dim"))
    parts.append(Text("Example", style="bold"))
    parts.append(safe_text("  " + example_call(endpoint), style="green"))
    title = safe_text(endpoint.api_name or endpoint.name, style="bold")
    title.append(f" · {safe_line(session.name)}", style="dim")
    return Panel(Group(*parts), title=title, title_align="left")


def parameter_details(p: Parameter) -> Text:
    text = Text()
    text.append(safe_line(p.component or "value"))
    text.append(f" · {safe_line(p.type_name)} · ", style="dim")
    if p.required:
        text.append("required", style="yellow")
    else:
        text.append("default " + safe_line(json_text(p.default)))
    if p.label and p.label != p.name:
        text.append("\nlabel: ", style="dim")
        text.append(safe_line(p.label))
    choices = p.choices
    if choices:
        text.append("\nchoices: ", style="dim")
        shown = ", ".join(safe_line(str(c)) for c in choices[:20])
        text.append(shown + (f", … ({len(choices)} in all)" if len(choices) > 20 else ""))
    if p.example is not None and p.example != p.default:
        text.append("\nexample: ", style="dim")
        text.append(safe_line(json_text(files_as_names(p.example))))
    how = how_to_write(p)
    if how:
        text.append("\nwrite: ", style="dim")
        text.append(how)
    if p.description:
        text.append("\n" + safe(p.description), style="italic")
    return text


# -- results, as the prompt draws them ----------------------------------------------------------


def view(result: Result, output: Any = None) -> RenderableType | None:
    """The renderable of a command's result (None: nothing to draw for it here)."""
    from gradioshell import reports as r
    from gradioshell import results

    if isinstance(result, results.Note):
        return Text(safe(result.body), style=result.style)  # its lines, each sanitized
    if isinstance(result, r.Table):
        return table_view(result)
    if isinstance(result, r.JsonValue):
        return json_view(result.value, indent=None if result.compact else 2)
    if isinstance(result, r.Details):
        return details_view(result.title, result.rows)
    if isinstance(result, results.Connected):
        interactive = getattr(output, "interactive", False)
        return endpoints_table(result.session) if interactive and result.session else None
    if isinstance(result, r.Endpoints) and result.session is not None:
        return endpoints_table(result.session)
    if isinstance(result, r.Sessions):
        return sessions_table(result.sessions, result.default)
    if isinstance(result, r.EndpointHelp) and result.session and result.endpoint:
        return endpoint_help(result.session, result.endpoint)
    if isinstance(result, r.CommandHelp) and result.command is not None:
        return command_help(result.command)
    if isinstance(result, r.Overview):
        return overview(result)
    if isinstance(result, r.CallReplay) and result.endpoint is not None:
        return call_replay(result, output)
    if isinstance(result, r.Checks):
        return checks_view(result.checks)
    if isinstance(result, r.Transcript):
        from gradioshell.readable import chat_messages
        from gradioshell.renderers import Look, transcript

        look = Look(theme=getattr(output, "theme", "dark"), preview=False)
        return transcript(chat_messages(result.messages) or [], look)
    return None


CHECK_SYMBOLS = {
    "ok": ("✓", "green"),
    "info": ("·", "cyan"),
    "warn": ("!", "yellow"),
    "problem": ("✗", "bold red"),
}


def checks_view(checks: list[Check]) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True, style="bold")
    table.add_column(overflow="fold")
    for check in checks:
        symbol, style = CHECK_SYMBOLS.get(check.status, ("?", ""))
        detail = safe_text(check.detail)
        if check.next:
            detail.append("\n→ " + safe_line(check.next), style="yellow")
        table.add_row(Text(symbol, style=style), safe_text(check.name), detail)
    return table


def table_view(data: ResultTable) -> FittedTable:
    rows = [
        [
            safe_text(cell.text, style=cell.style) if not isinstance(cell, str) else safe_text(cell)
            for cell in row
        ]
        for row in data.rows
    ]
    return FittedTable(data.columns, rows, title=data.title, boxed=data.boxed)


FOLDED_WIDTH = 16
"""The narrowest a column of long text (folded over lines) is made in a narrow terminal."""
CUT_WIDTH = 4
"""The narrowest a column cut with an ellipsis is made (three characters and the ``…``)."""


class FittedTable:
    """A table that fits the width it is drawn in: the columns of least rank are shortened
    first (cut with an ellipsis, or folded when they hold long text), then left out, and a
    key column is never shortened (the name of a session, the number of a result)."""

    def __init__(
        self, columns: list[Any], rows: list[list[Text]], *, title: str = "", boxed: bool = False
    ) -> None:
        self.columns = columns
        self.rows = rows
        self.title = title
        self.boxed = boxed

    def __rich_console__(self, console: Any, options: Any) -> Any:
        widths = [self._natural(i) for i in range(len(self.columns))]
        floors = [self._floor(i, widths[i]) for i in range(len(self.columns))]
        shown = list(range(len(self.columns)))
        room = options.max_width - (4 if self.boxed else 0)

        def overhead(count: int) -> int:
            return 3 * count - 1

        order = sorted(shown, key=lambda i: (self.columns[i].rank, -i))
        while sum(floors[i] for i in shown) + overhead(len(shown)) > room:
            droppable = [i for i in order if i in shown and not self.columns[i].key]
            if not droppable or len(shown) <= 1:
                break
            shown.remove(droppable[0])
        excess = sum(widths[i] for i in shown) + overhead(len(shown)) - room
        for i in order:
            if excess <= 0:
                break
            if i in shown and not self.columns[i].key:
                cut = min(excess, widths[i] - floors[i])
                widths[i] -= cut
                excess -= cut
        yield self._table(shown, widths)

    def _natural(self, index: int) -> int:
        from rich.cells import cell_len

        column = self.columns[index]
        cells = [row[index] for row in self.rows if index < len(row)]
        longest = max(
            (cell_len(line) for cell in cells for line in cell.plain.split("\n")), default=0
        )
        return max(cell_len(column.name), longest, 1)

    def _floor(self, index: int, natural: int) -> int:
        column = self.columns[index]
        if column.key:
            return natural
        return min(natural, FOLDED_WIDTH if column.wrap else CUT_WIDTH)

    def _table(self, shown: list[int], widths: list[int]) -> Table:
        table = Table(
            title=safe_text(self.title) if self.title else None,
            title_justify="center" if self.boxed else "left",
            show_edge=self.boxed,
        )
        for i in shown:
            column = self.columns[i]
            table.add_column(
                column.name,
                style=column.style,
                no_wrap=not column.wrap,
                overflow="fold" if column.wrap else "ellipsis",
                justify="right" if column.align == "right" else "left",
                width=widths[i],
            )
        for row in self.rows:
            table.add_row(*(row[i] for i in shown if i < len(row)))
        return table


def details_view(title: str, rows: list[tuple[str, str]]) -> Panel:
    table = Table(show_header=False, box=None, padding=(0, 2))
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    for key, value in rows:
        table.add_row(safe_text(key), safe_text(value))
    return Panel(table, title=safe_text(title, style="bold"), title_align="left")


def command_help(command: Command) -> Text:
    text = safe_text(command.usage, style="bold")
    text.append("\n" + command.summary)
    if command.details:
        text.append("\n" + command.details)
    return text


def overview(result: Overview) -> Group:
    table = Table(show_header=False, box=None, padding=(0, 2))
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    for cmd in result.commands:
        table.add_row(cmd.name, cmd.summary)
    parts: list[RenderableType] = [Text("Commands", style="bold"), table, Text("")]
    session = result.session
    if session is not None:
        eps = Table(show_header=False, box=None, padding=(0, 2))
        eps.add_column(style="bold green", no_wrap=True)
        eps.add_column()
        for ep in session.app.endpoints:
            eps.add_row(safe_text(ep.name), safe_text(ep.signature()))
        parts += [safe_text(f"Endpoints of {session.name}", style="bold"), eps]
    parts.append(Text("\n" + result.syntax, style="dim"))
    return Group(*parts)


def call_replay(result: CallReplay, output: Any) -> CallView:
    """A finished call's panel again, from its events."""
    assert result.endpoint is not None
    make = getattr(output, "view", None)
    panel = (
        make(result.session, result.endpoint) if make else CallView(result.session, result.endpoint)
    )
    for event in result.events:
        panel.apply(event)
    if result.cancelled:
        panel.cancel()
    elif result.failure is not None and panel.error is None:
        panel.apply(Failed(message=result.failure, title="Error"))
    panel.started, panel.run_started, panel.finished = result.times
    return panel
