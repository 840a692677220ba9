"""A renderer per component: how an output value is drawn at the prompt, chosen by the
component it comes from (Markdown rendered, a Chatbot as a transcript, a Dataframe as a
table...). Unknown and custom components are shown as JSON; files as their saved paths
with previews (``preview.py``).

What every value says is read in ``readable.py``, which scripts share; this module only
draws. Every string an app sent is sanitized (``text.safe``) and never read as rich markup.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.text import Text

from gradioshell.readable import (
    Kind,
    Message,
    annotated_image,
    cell_text,
    chat_messages,
    confidences,
    looks_like_markdown,
    padded,
    spans,
    table_of,
)
from gradioshell.text import files_of, json_text, safe, safe_line, unwrap, with_paths

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult
    from rich.segment import Segment


@dataclass(frozen=True)
class Look:
    """How values are drawn: image previews (and their largest size), and the theme the
    colours of highlighted code suit (``dark`` or ``light``)."""

    preview: bool = False
    preview_pixels: int | None = None
    theme: str = "dark"
    #: Drawn many times a second while a call runs: long texts draw only their end.
    live: bool = False
    #: How images are drawn: ``blocks`` (half-blocks) or the terminal's image protocol.
    images: str = "blocks"
    #: Whether a live view is still redrawn (its last frame, once the call has ended, is
    #: drawn as a live one for its text, with its real images).
    moving: bool = True

    @property
    def protocol(self) -> str:
        """The image protocol to draw with now: half-blocks while the view is redrawn live
        (an image sent again at each refresh would flicker), real images once it is still."""
        return "blocks" if self.live and self.moving else self.images

    @property
    def code_theme(self) -> str:
        return "friendly" if self.theme == "light" else "monokai"


@dataclass
class Drawn:
    """A drawn output: ``block`` when it reads best under its label, not beside it."""

    renderable: RenderableType
    block: bool = False


def render_output(value: Any, kind: Kind | None = None, look: Look | None = None) -> Drawn:
    """An output value drawn by its component's renderer; as JSON (or files) if its
    component has none, or if the value is not shaped as its component says."""
    look = look or Look()
    value = unwrap(value)
    if value is None:
        return Drawn(Text("—", style="dim"))
    draw = RENDERERS.get(kind.type if kind else "")
    if draw is not None:
        drawn = draw(value, kind or Kind(), look)
        if drawn is not None:
            return drawn
    return Drawn(generic(value, look))


def generic(value: Any, look: Look) -> RenderableType:
    """A value with no renderer of its own: text as is, files as paths (with image
    previews), the rest as JSON."""
    if isinstance(value, str):
        return Text(safe(value))
    files = files_of(value)
    if files is not None:
        from gradioshell.preview import file_lines

        return file_lines(
            files,
            preview=look.preview,
            captions=captions(value),
            max_pixels=look.preview_pixels,
            protocol=look.protocol,
        )
    return json_value(value)


def captions(value: Any) -> list[str | None]:
    """The captions of a gallery's items (``{"image": ..., "caption": ...}``)."""
    items = value if isinstance(value, list) else [value]
    return [
        item["caption"] if isinstance(item, dict) and isinstance(item.get("caption"), str) else None
        for item in items
    ]


# -- Markdown and code ---------------------------------------------------------------------------


LIVE_ROWS = 2
"""While a call runs, Markdown is drawn only from about this many screenfuls before its
end (rows of its source, long lines counted as the rows they wrap to): the live view shows
its newest lines only, and drawing a long answer whole at every refresh would cost more
the longer it grows. The whole text is drawn when the call ends."""
LIVE_CHROME = 6
"""Rows of the live panel around a Markdown output: borders, status, label, the line that
says what is left out, and the prompt's line."""
LIVE_BLOCKS = 256
"""Drawn blocks of live Markdown kept for the next redraws (a block no longer changes once
the next one has begun)."""

_FENCE_LINE = re.compile(r"^ {0,3}(```|~~~)", re.M)


def markdown(text: str, look: Look, style: str = "") -> RenderableType:
    """Markdown rendered, code blocks highlighted. Links are written out (``text (url)``),
    never sent to the terminal as hyperlinks. While the call runs (``look.live``), only the
    end that the live view has room for is drawn (:class:`LiveMarkdown`)."""
    if look.live:
        return LiveMarkdown(text, look, style)
    return _markdown(text, look, style)


def _markdown(text: str, look: Look, style: str) -> RenderableType:
    from rich.markdown import Markdown

    _use_plain_code_blocks()
    return Markdown(
        html_as_text(safe(text)), code_theme=look.code_theme, hyperlinks=False, style=style
    )


_drawn_blocks: OrderedDict[tuple[str, int, str, str], list[list[Segment]]] = OrderedDict()


class LiveMarkdown:
    """Markdown that is still growing, drawn so that each redraw costs the same however
    long the text has grown: only from a block's start a little more than the terminal's
    height before its end (a code block cut at its start reopened with its fence), and
    block by block, each block that is followed by another (it can no longer change) drawn
    once and kept. Blocks are drawn one blank line apart, as rich draws them together."""

    def __init__(self, text: str, look: Look, style: str = "") -> None:
        self.text = text
        self.look = look
        self.style = style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.segment import Segment

        width = max(options.max_width, 20)
        # The panel around it takes a few rows (its borders, status, label, the prompt):
        # drawn within the rest, it is not cut again, and says itself what it leaves out.
        height = max(console.size.height - LIVE_CHROME, 4)
        tail, left_out = markdown_tail(self.text, int(height * LIVE_ROWS), width)
        blocks = markdown_blocks(tail)
        options = options.update(width=width, height=None)
        # From the last block up, until the terminal's height is filled: the blocks above
        # are not drawn at all.
        shown: list[list[list[Segment]]] = []
        rows = 0
        index = len(blocks)
        while index > 0 and rows < height:
            index -= 1
            lines = self._block(console, options, blocks[index], index < len(blocks) - 1)
            if lines:
                shown.append(lines)
                rows += len(lines) + 1
        left_out += sum(block.count("\n") + 2 for block in blocks[:index])
        drawn: list[list[Segment]] = []
        for lines in reversed(shown):
            if drawn:
                drawn.append([])
            drawn.extend(lines)
        if len(drawn) > height:
            left_out += len(drawn) - height  # the rows cut from the top block
            drawn = drawn[len(drawn) - height :]
        if left_out:
            yield Text(f"… {left_out} earlier lines", style="dim")
        for line in drawn:
            yield from line
            yield Segment.line()

    def _block(
        self, console: Console, options: ConsoleOptions, block: str, complete: bool
    ) -> list[list[Segment]]:
        """A block's lines, drawn once if it is ``complete`` (followed by another)."""
        key = (block, options.max_width, self.look.code_theme, self.style)
        lines = _drawn_blocks.get(key)
        if lines is not None:
            _drawn_blocks.move_to_end(key)
            return lines
        drawn = _markdown(block, self.look, self.style)
        lines = _trimmed(console.render_lines(drawn, options, pad=False))
        if complete:  # the same at every redraw
            _drawn_blocks[key] = lines
            while len(_drawn_blocks) > LIVE_BLOCKS:
                _drawn_blocks.popitem(last=False)
        return lines


def _trimmed(lines: list[list[Segment]]) -> list[list[Segment]]:
    """Lines without the blank ones at their start and end."""

    def blank(line: list[Segment]) -> bool:
        return not "".join(segment.text for segment in line).strip()

    start, end = 0, len(lines)
    while start < end and blank(lines[start]):
        start += 1
    while end > start and blank(lines[end - 1]):
        end -= 1
    return lines[start:end]


def markdown_blocks(text: str) -> list[str]:
    """A Markdown text split at its blank lines outside code blocks."""
    blocks = []
    start = position = 0
    while True:
        gap = text.find("\n\n", position)
        if gap < 0:
            blocks.append(text[start:])
            return [block for block in blocks if block.strip()]
        if len(_FENCE_LINE.findall(text, start, gap)) % 2 == 0:
            blocks.append(text[start:gap])
            start = gap + 2
        position = gap + 2


def markdown_tail(text: str, rows: int, width: int) -> tuple[str, int]:
    """The end of a Markdown text that fills about ``rows`` rows ``width`` cells wide, from
    the start of a line (of a paragraph where one starts near it), and how many lines come
    before it. Inside a code block, the block's opening fence is put back before it."""
    start = len(text)
    used = 0
    while start > 0 and used < rows:
        line_start = text.rfind("\n", 0, start - 1) + 1
        length = start - line_start
        used += max(1, -(-length // width))
        if used > rows and length > width:
            # One long line: start within it, at a word, about as many rows before its end.
            cut = start - (rows - (used - max(1, -(-length // width)))) * width
            space = text.find(" ", max(cut, line_start), start)
            start = space + 1 if space >= 0 else line_start
            break
        start = line_start
    if start <= 0:
        return text, 0
    # A paragraph's start a few lines up reads better than the middle of one.
    blank = text.rfind("\n\n", max(0, start - 4 * width), start)
    if blank >= 0 and "```" not in text[blank:start] and "~~~" not in text[blank:start]:
        start = blank + 2
    fences = _FENCE_LINE.findall(text, 0, start)
    tail = text[start:]
    if len(fences) % 2:
        # Inside a code block: reopen it with its own fence line (and language).
        opener = list(_FENCE_LINE.finditer(text, 0, start))[-1]
        line_end = text.find("\n", opener.start())
        tail = text[opener.start() : line_end + 1] + tail
    return tail, text.count("\n", 0, start)


_HTML_LINE = re.compile(r"^ {0,3}</?[A-Za-z][^>]*>")
_TAG = re.compile(r"</?[A-Za-z][^>]*>|<!--.*?-->")


def html_as_text(text: str) -> str:
    """Markdown with its lines of HTML (``<div align="center"><h1>Title</h1></div>``, which
    the renderer would leave out) reduced to their text; code blocks are left as they are."""
    if "<" not in text:
        return text
    lines = []
    fenced = False
    for line in text.split("\n"):
        if _FENCE_LINE.match(line):
            fenced = not fenced
        elif not fenced and _HTML_LINE.match(line):
            line = _TAG.sub("", line).strip()
            if not line:
                continue
        lines.append(line)
    return "\n".join(lines)


_patched = False


def _use_plain_code_blocks() -> None:
    """Code blocks on the terminal's own background (a dark theme's block on a light
    terminal reads badly), indented instead of boxed."""
    global _patched
    if _patched:
        return
    from rich.markdown import CodeBlock, Markdown
    from rich.syntax import Syntax

    class PlainCodeBlock(CodeBlock):
        def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
            yield Syntax(
                str(self.text).rstrip(),
                self.lexer_name,
                theme=self.theme,
                word_wrap=True,
                padding=(0, 0, 0, 2),
                background_color="default",
            )

    Markdown.elements = {**Markdown.elements, "fence": PlainCodeBlock, "code_block": PlainCodeBlock}
    _patched = True


def draw_markdown(value: Any, kind: Kind, look: Look) -> Drawn | None:
    if not isinstance(value, str):
        return None
    return Drawn(markdown(value, look), block=True)


def draw_textbox(value: Any, kind: Kind, look: Look) -> Drawn | None:
    if isinstance(value, str) and looks_like_markdown(value):
        return Drawn(markdown(value, look), block=True)
    return None


def json_value(value: Any) -> Text:
    from rich.highlighter import JSONHighlighter

    text = Text(safe(json_text(with_paths(value), indent=2)))
    JSONHighlighter().highlight(text)
    return text


FOLD_DEPTH = 4
"""JSON nested deeper than this is folded (``{…} 3 keys``)."""


def json_folded(value: Any, depth: int = FOLD_DEPTH) -> Text:
    """JSON highlighted, with what is nested deeper than ``depth`` folded to a count."""
    from rich.highlighter import JSONHighlighter

    folds: dict[str, str] = {}

    def fold(item: Any, level: int) -> Any:
        if isinstance(item, (dict, list)) and item and level >= depth:
            marker = f"\ufdd0fold{len(folds)}\ufdd0"
            count = len(item)
            if isinstance(item, dict):
                folds[marker] = f"{{…}} {count} key{'s' if count != 1 else ''}"
            else:
                folds[marker] = f"[…] {count} item{'s' if count != 1 else ''}"
            return marker
        if isinstance(item, dict):
            return {k: fold(v, level + 1) for k, v in item.items()}
        if isinstance(item, list):
            return [fold(v, level + 1) for v in item]
        return item

    shown = json_text(fold(with_paths(value), 0), indent=2)
    # json_text writes the non-character U+FDD0 as the escape \ufdd0.
    for marker, summary in folds.items():
        shown = shown.replace(json_text(marker), summary)
    text = Text(safe(shown))
    JSONHighlighter().highlight(text)
    for summary in set(folds.values()):
        text.highlight_words([summary], style="dim")
    return text


def draw_json(value: Any, kind: Kind, look: Look) -> Drawn | None:
    if kind.props.get("visible") is False:
        # An output only the API sees: in Gradio 5 and later, a ChatInterface's reply (text,
        # one message, or several), which its page shows as a chat message does: Markdown.
        if isinstance(value, str):
            return Drawn(markdown(value, look), block=True)
        replies = [value] if isinstance(value, dict) else value
        if isinstance(replies, list) and replies and all(isinstance(m, dict) for m in replies):
            messages = chat_messages(replies)  # dicts with a role, or None
        else:
            messages = None
        if messages:
            return Drawn(transcript(messages, look), block=True)
    if isinstance(value, (dict, list)):
        return Drawn(json_folded(value))
    # Text in a Json output: Markdown, when it clearly is.
    return draw_textbox(value, kind, look)


def draw_code(value: Any, kind: Kind, look: Look) -> Drawn | None:
    """Code highlighted by the language the component names."""
    if not isinstance(value, str):
        return None
    from rich.syntax import Syntax

    language = kind.props.get("language")
    lexer = language if isinstance(language, str) and language else "text"
    return Drawn(
        Syntax(
            safe(value).rstrip("\n"),
            _lexer_name(lexer),
            theme=look.code_theme,
            word_wrap=True,
            background_color="default",
        ),
        block=True,
    )


def _lexer_name(language: str) -> str:
    """Pygments' name for a gr.Code language (``typescript``, ``sql-mySQL``...)."""
    language = language.lower()
    if language.startswith("sql"):
        return "sql"
    return {"shell": "bash", "jinja2": "jinja", "markdown": "md"}.get(language, language)


# -- Chatbot -------------------------------------------------------------------------------------

LIVE_MESSAGES = 6
"""While a call runs, a conversation shows its last messages only (all of it once it ends)."""
ROLE_STYLES = {"user": "bold cyan", "assistant": "bold green", "system": "bold yellow"}


def draw_chatbot(value: Any, kind: Kind, look: Look) -> Drawn | None:
    if isinstance(value, str):  # one reply, as some chat endpoints give it
        return Drawn(markdown(value, look), block=True)
    messages = chat_messages(value)
    if messages is None:
        return None
    if not messages:
        return Drawn(Text("(no messages)", style="dim"))
    return Drawn(transcript(messages, look), block=True)


def transcript(messages: list[Message], look: Look) -> RenderableType:
    """A conversation: each message under its role; a thinking or tool message (one with
    a ``metadata.title``) dimmed under its title; files as saved paths with previews."""
    from gradioshell.preview import file_lines

    parts: list[RenderableType] = []
    if look.live and len(messages) > LIVE_MESSAGES:
        earlier = len(messages) - LIVE_MESSAGES
        parts.append(Text(f"… {earlier} earlier messages", style="dim"))
        messages = messages[-LIVE_MESSAGES:]
    for message in messages:
        thinking = bool(message.title)
        head = Text(safe_line(message.role), style=ROLE_STYLES.get(message.role, "bold"))
        if thinking:
            head.stylize("dim")
            head.append(f" · {safe_line(message.title)}", style="dim italic")
            if message.status:
                head.append(f" ({safe_line(message.status)})", style="dim")
        parts.append(head)
        body: list[RenderableType] = []
        for part in message.parts:
            if isinstance(part, str):
                body.append(markdown(part, look, style="dim" if thinking else ""))
            else:
                body.append(
                    file_lines(
                        [part],
                        preview=look.preview,
                        max_pixels=look.preview_pixels,
                        protocol=look.protocol,
                    )
                )
        parts.append(Padding(Group(*body), (0, 0, 0, 2)))
    return Group(*parts)


# -- Dataframe -----------------------------------------------------------------------------------

HEAD_ROWS = 5
TAIL_ROWS = 3
MAX_ROWS = HEAD_ROWS + TAIL_ROWS + 2
"""A table of more rows than this shows its first and last ones and says how many are hidden."""
MAX_CELL = 24
"""A cell is cut to this many characters in the terminal's table (scripts get it whole)."""


class DataTable:
    """A Dataframe as a table as wide as the space given: the middle rows elided (and
    counted), and the columns that do not fit left out (and counted)."""

    def __init__(self, headers: list[str], rows: list[list[Any]]) -> None:
        self.headers = headers
        self.rows = rows

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich import box
        from rich.table import Table

        rows = self.rows
        hidden_rows = 0
        if len(rows) > MAX_ROWS:
            hidden_rows = len(rows) - HEAD_ROWS - TAIL_ROWS
            rows = rows[:HEAD_ROWS] + rows[-TAIL_ROWS:]
        cells = [
            [_cut(cell_text(row[i]) if i < len(row) else "") for row in rows]
            for i in range(len(self.headers))
        ]
        heads = [_cut(safe_line(h)) for h in self.headers]
        widths = [
            max([len(h), *(len(c) for c in col)]) for h, col in zip(heads, cells, strict=True)
        ]
        # Columns that fit, from the left: each takes its width and 3 cells of rule and padding.
        budget = options.max_width - 1
        shown = 0
        used = 0
        for width in widths:
            need = width + 3
            if shown and used + need > budget - (6 if shown < len(widths) - 1 else 0):
                break
            used += need
            shown += 1
        hidden_columns = len(widths) - shown
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold")
        for index in range(shown):
            numeric = all(
                isinstance(row[index], (int, float))
                for row in rows
                if index < len(row) and row[index] is not None
            )
            table.add_column(
                Text(heads[index]),
                justify="right" if numeric and rows else "left",
                no_wrap=True,
                overflow="ellipsis",
            )
        if hidden_columns:
            table.add_column("…", style="dim", no_wrap=True)
        for number, _ in enumerate(rows):
            if hidden_rows and number == HEAD_ROWS:
                table.add_row(
                    *(Text("⋮", style="dim") for _ in range(shown + bool(hidden_columns)))
                )
            line = [Text(cells[i][number]) for i in range(shown)]
            if hidden_columns:
                line.append(Text("…"))
            table.add_row(*line)
        yield table
        notes = []
        if hidden_rows:
            notes.append(f"{len(self.rows)} rows, {hidden_rows} hidden")
        if hidden_columns:
            notes.append(f"{len(self.headers)} columns, {hidden_columns} hidden")
        if notes:
            yield Text("; ".join(notes), style="dim")


def _cut(text: str) -> str:
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def draw_dataframe(value: Any, kind: Kind, look: Look) -> Drawn | None:
    table = table_of(value)
    if table is None:
        return None
    headers, rows = table
    if not rows:
        return Drawn(Text("(no rows)", style="dim"))
    return Drawn(DataTable(headers, rows), block=True)


# -- Label, HighlightedText, AnnotatedImage, ColorPicker -------------------------------------------

BAR = 20
"""The width of a Label's confidence bars, in cells."""
PALETTE = ("cyan", "magenta", "green", "yellow", "blue", "red")


def draw_label(value: Any, kind: Kind, look: Look) -> Drawn | None:
    """The top label, then a bar for each confidence."""
    from rich.table import Table

    found = confidences(value)
    if found is None:
        return None
    top, scores = found
    if not scores:
        return Drawn(Text(safe_line(top), style="bold"))
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True, overflow="ellipsis", max_width=24)
    table.add_column(no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    for name, score in scores:
        fraction = min(max(score, 0.0), 1.0)
        filled = round(fraction * BAR)
        bar = Text("█" * filled, style="green" if name == top else "cyan")
        bar.append("░" * (BAR - filled), style="dim")
        table.add_row(
            Text(safe_line(name), style="bold" if name == top else ""),
            bar,
            Text(f"{score * 100:.0f}%"),
        )
    return Drawn(table)


def _class_styles(marks: list[str]) -> dict[str, str]:
    styles: dict[str, str] = {}
    for mark in marks:
        if mark not in styles:
            styles[mark] = PALETTE[len(styles) % len(PALETTE)]
    return styles


def draw_highlighted(value: Any, kind: Kind, look: Look) -> Drawn | None:
    """The text, with each labelled span in its label's colour and the label after it."""
    found = spans(value)
    if found is None:
        return None
    styles = _class_styles([m for _, m in found if isinstance(m, str)])
    text = Text()
    for token, mark in found:
        if mark is None:
            text.append(safe(token))
        elif isinstance(mark, float):
            colour = "green" if mark >= 0 else "red"
            text.append(safe(token), style=f"bold {colour}" if abs(mark) >= 0.5 else colour)
        else:
            colour = styles[mark]
            lead, core, trail = padded(token)
            text.append(safe(lead))
            text.append(safe(core), style=f"bold {colour} underline")
            text.append(f" {safe_line(mark)}", style=f"{colour} dim")
            text.append(safe(trail))
    return Drawn(text)


def draw_annotated(value: Any, kind: Kind, look: Look) -> Drawn | None:
    """The base image (its path, a preview) and its annotations' labels in colour."""
    found = annotated_image(value)
    if found is None:
        return None
    image, labels = found
    parts: list[RenderableType] = []
    if image is not None:
        from gradioshell.preview import file_lines

        parts.append(
            file_lines(
                [image],
                preview=look.preview,
                max_pixels=look.preview_pixels,
                protocol=look.protocol,
            )
        )
    styles = _class_styles(labels)
    line = Text("labels: ", style="dim")
    for index, label in enumerate(labels):
        if index:
            line.append(", ")
        line.append(safe_line(label), style=f"bold {styles[label]}")
    if labels:
        parts.append(line)
    return Drawn(Group(*parts))


def draw_colour(value: Any, kind: Kind, look: Look) -> Drawn | None:
    """A swatch of the colour, then its value."""
    from rich.color import Color, ColorParseError

    if not isinstance(value, str):
        return None
    try:
        colour = Color.parse(value.strip())
    except ColorParseError:
        return None
    text = Text("    ", style=f"on {colour.name}")
    text.append(" " + safe_line(value))
    return Drawn(text)


# -- Gallery ---------------------------------------------------------------------------------------

THUMB_WIDTH = 16
THUMB_ROWS = 6
MAX_THUMBS = 12
"""A gallery draws at most this many thumbnails (every item's path is listed)."""


class Thumbnails:
    """Images side by side, as many to a row as the width holds, each over its caption."""

    def __init__(
        self, items: list[tuple[str, str]], max_pixels: int | None, protocol: str = "blocks"
    ) -> None:
        self.items = items
        self.max_pixels = max_pixels
        self.protocol = protocol

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.table import Table

        from gradioshell.preview import MAX_PIXELS, ImagePreview

        per_row = max(1, (options.max_width + 1) // (THUMB_WIDTH + 1))
        table = Table.grid(padding=(0, 1))
        for _ in range(min(per_row, len(self.items))):
            table.add_column(width=THUMB_WIDTH, no_wrap=True, overflow="ellipsis")
        for start in range(0, len(self.items), per_row):
            table.add_row(
                *(
                    Group(
                        ImagePreview(
                            path, THUMB_ROWS, self.max_pixels or MAX_PIXELS, self.protocol
                        ),
                        Text(safe_line(caption), style="italic", no_wrap=True, overflow="ellipsis"),
                    )
                    for path, caption in self.items[start : start + per_row]
                )
            )
        yield table


def draw_gallery(value: Any, kind: Kind, look: Look) -> Drawn | None:
    """Every item's path (and caption) on a line, then a grid of thumbnails."""
    from gradioshell.preview import file_lines, is_image

    files = files_of(value)
    if files is None:
        return None
    names = captions(value)
    lines = file_lines(files, preview=False, captions=names)
    if not look.preview:
        return Drawn(lines)
    thumbs: list[tuple[str, str]] = []
    for index, data in enumerate(files):
        local = data.get("local_path")
        if isinstance(local, str) and is_image(local) and len(thumbs) < MAX_THUMBS:
            caption = names[index] if index < len(names) else None
            thumbs.append((local, caption or f"#{index + 1}"))
    if not thumbs:
        return Drawn(lines)
    return Drawn(Group(lines, Thumbnails(thumbs, look.preview_pixels, look.protocol)), block=True)


# -- Plot ------------------------------------------------------------------------------------------


def draw_plot(value: Any, kind: Kind, look: Look) -> Drawn | None:
    """A plot the app drew as an image (matplotlib): its image, saved and previewed; one it
    sent as a chart's description (plotly, altair, bokeh): a page that draws it, saved, to
    open in a browser."""
    from gradioshell.plots import plot_file, plot_library

    found = plot_library(value)
    if found is None:
        return None
    library = safe_line(found)
    plot: str = value["plot"]
    path = plot_file(value)
    if plot.startswith("data:image/"):
        if path is None:
            return Drawn(Text(f"{library} plot (an image that cannot be read)", style="dim"))
        from gradioshell.preview import file_lines

        lines = file_lines(
            [{"path": path, "local_path": path}],
            preview=look.preview,
            captions=[f"{library} plot"],
            max_pixels=look.preview_pixels,
            protocol=look.protocol,
        )
        return Drawn(lines, block=look.preview)
    from gradioshell.gradio.files import human_size

    line = Text(f"{library} chart", style="bold")
    if path is None:
        line.append(f"  a description of {human_size(len(plot))}", style="dim")
        return Drawn(line)
    line.append("  a page that draws it, to open in a browser:", style="dim")
    line.append("\n" + safe_line(path))
    return Drawn(line)


RENDERERS: dict[str, Callable[[Any, Kind, Look], Drawn | None]] = {
    "markdown": draw_markdown,
    "textbox": draw_textbox,
    "chatbot": draw_chatbot,
    "dataframe": draw_dataframe,
    "label": draw_label,
    "highlightedtext": draw_highlighted,
    "annotatedimage": draw_annotated,
    "json": draw_json,
    "code": draw_code,
    "colorpicker": draw_colour,
    "gallery": draw_gallery,
    "imageslider": draw_gallery,
    "plot": draw_plot,
}
