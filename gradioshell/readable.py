"""Output values read by their component: what a Chatbot, a Dataframe, a Label or highlighted
text holds, and their plain text for scripts.

The prompt draws these with rich (``renderers.py``); a script prints :func:`plain_text`.
Both read the value through the same functions here, so that they agree on what a value
says. Nothing here knows the terminal: ``--json`` keeps the app's values as they are.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gradioshell.gradio.files import is_file_data
from gradioshell.text import plain, safe, safe_line, short, shown_path, unwrap

if TYPE_CHECKING:
    from gradioshell.gradio import Endpoint


@dataclass(frozen=True)
class Kind:
    """The component an output comes from: its type (``markdown``, ``chatbot``...) in lower
    case without spaces, and the few properties the app's ``/config`` gave of it."""

    type: str = ""
    props: dict[str, Any] = field(default_factory=dict)


def output_kinds(endpoint: Endpoint) -> list[Kind]:
    """The component of each output the user sees, in order (``Kind()`` where unknown)."""
    shown = [c for c in endpoint.outputs if not c.skip_api]
    kinds = []
    for index, ret in enumerate(endpoint.returns):
        kind = ret.component.lower().replace(" ", "").replace("_", "")
        component = shown[index] if index < len(shown) else None
        if component is not None and (not kind or component.type.replace("_", "") == kind):
            kinds.append(Kind(kind or component.type, component.props))
        else:
            kinds.append(Kind(kind))
    if not endpoint.returns:
        kinds = [Kind(c.type, c.props) for c in shown]
    return kinds


# -- Markdown ---------------------------------------------------------------------------------

_FENCE = re.compile(r"^(```|~~~)[^\n]*\n.*?^\1[ \t]*$", re.M | re.S)
_MARKS = (
    re.compile(r"^#{1,6} \S", re.M),  # a heading
    re.compile(r"\*\*\S[^*\n]*\*\*|__\S[^_\n]*__"),  # bold
    re.compile(r"^[ \t]*(?:[-*+]|\d+\.) \S.*\n[ \t]*(?:[-*+]|\d+\.) \S", re.M),  # a list
    re.compile(r"\[[^\]\n]+\]\(https?://[^)\s]+\)"),  # a link
    re.compile(r"^\|.*\|[ \t]*\n\|[ \t:|-]+\|[ \t]*$", re.M),  # a table
    re.compile(r"`[^`\n]+`"),  # inline code
)


def looks_like_markdown(text: str) -> bool:
    """Whether a Textbox's text is clearly Markdown: a fenced code block, or two different
    marks of it (a heading, bold, a list, a link, a table, inline code). A lone ``*`` or a
    ``#`` in prose is not enough."""
    if "\n" not in text.strip():
        return False
    if _FENCE.search(text):
        return True
    return sum(1 for mark in _MARKS if mark.search(text)) >= 2


# -- Chatbot ------------------------------------------------------------------------------------


@dataclass
class Message:
    """One message of a conversation: its role, its parts (text, or a file as the app's
    FileData), and the title and status of a thinking or tool message (``metadata``)."""

    role: str
    parts: list[str | dict[str, Any]] = field(default_factory=list)
    title: str = ""
    status: str = ""


def chat_messages(value: Any) -> list[Message] | None:
    """The messages of a Chatbot's value, in either format (``messages``: dicts with a role;
    ``tuples``: pairs of user and assistant messages); None if it is neither."""
    value = unwrap(value)
    if not isinstance(value, list):
        return None
    if all(isinstance(m, dict) and isinstance(m.get("role"), str) for m in value):
        messages = []
        for m in value:
            metadata = m.get("metadata") if isinstance(m.get("metadata"), dict) else {}
            title = metadata.get("title")
            status = metadata.get("status")
            messages.append(
                Message(
                    role=m["role"],
                    parts=_parts(m.get("content")),
                    title=title if isinstance(title, str) else "",
                    status=status if isinstance(status, str) else "",
                )
            )
        return messages
    if all(isinstance(pair, (list, tuple)) and len(pair) == 2 for pair in value):
        messages = []
        for user, assistant in value:
            for role, content in (("user", user), ("assistant", assistant)):
                if content is not None:
                    messages.append(Message(role=role, parts=_parts(content)))
        return messages
    return None


def _parts(content: Any) -> list[str | dict[str, Any]]:
    """The text and files of a message's content, whatever the release wrote it as."""
    if content is None:
        return []
    if isinstance(content, str):
        return [content]
    if is_file_data(content):
        return [content]
    if isinstance(content, (list, tuple)):
        if (
            len(content) in (1, 2)
            and isinstance(content[0], str)
            and (len(content) == 1 or content[1] is None or isinstance(content[1], str))
            and not any(isinstance(c, dict) for c in content)
        ):
            # A tuples-format file: (path, alt text)
            return [{"path": content[0], "orig_name": content[0].rsplit("/", 1)[-1]}]
        found: list[str | dict[str, Any]] = []
        for item in content:
            found += _parts(item)
        return found
    if isinstance(content, dict):
        if isinstance(content.get("text"), str):
            return [content["text"]]
        if "file" in content:
            file = content["file"]
            if is_file_data(file):
                return [file]
            if isinstance(file, str):
                return [{"path": file}]
        if "component" in content:
            return _parts(content.get("value"))
    return [plain(content)]


def message_text(message: Message) -> str:
    """A message's text parts together, files left out."""
    return "\n\n".join(p for p in message.parts if isinstance(p, str))


# -- Dataframe ----------------------------------------------------------------------------------


def table_of(value: Any) -> tuple[list[str], list[list[Any]]] | None:
    """A Dataframe's headers and rows (``{"headers": [...], "data": [[...]]}``, or rows
    alone); None if the value is not a table."""
    value = unwrap(value)
    headers: Any = []
    rows: Any = value
    if isinstance(value, dict):
        headers, rows = value.get("headers") or [], value.get("data")
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        return None
    if not isinstance(headers, list):
        headers = []
    width = max([len(headers), *(len(r) for r in rows)], default=0)
    names = [str(h) for h in headers] + [str(i) for i in range(len(headers), width)]
    return names, rows


def cell_text(cell: Any) -> str:
    """A table cell as one line of text."""
    if cell is None:
        return ""
    if isinstance(cell, str):
        return safe_line(cell)
    if isinstance(cell, float) and cell.is_integer() and abs(cell) < 1e15:
        return f"{cell:.1f}"
    return safe_line(plain(cell))


# -- Label, HighlightedText, AnnotatedImage -------------------------------------------------------


def confidences(value: Any) -> tuple[str, list[tuple[str, float]]] | None:
    """A Label's top label and its confidences, highest first; None if not a label."""
    value = unwrap(value)
    if not isinstance(value, dict) or "label" not in value:
        return None
    found = []
    for item in value.get("confidences") or []:
        score = item.get("confidence") if isinstance(item, dict) else None
        if isinstance(score, (int, float)) and math.isfinite(score):
            found.append((str(item.get("label")), float(score)))
    found.sort(key=lambda pair: -pair[1])
    label = value.get("label")
    return ("" if label is None else str(label)), found


def spans(value: Any) -> list[tuple[str, str | float | None]] | None:
    """HighlightedText as (text, class or confidence) pairs; None if it is not that."""
    value = unwrap(value)
    if isinstance(value, dict) and isinstance(value.get("data"), list):
        value = value["data"]  # Gradio 3 sent it inside a dict now and then
    if not isinstance(value, list):
        return None
    found: list[tuple[str, str | float | None]] = []
    for item in value:
        if isinstance(item, dict) and "token" in item:
            token, mark = item.get("token"), item.get("class_or_confidence")
        elif isinstance(item, (list, tuple)) and len(item) == 2:
            token, mark = item
        else:
            return None
        if not isinstance(token, str):
            return None
        if mark is not None and not isinstance(mark, (str, int, float)):
            mark = str(mark)
        found.append((token, mark if not isinstance(mark, int) else float(mark)))
    return found


def annotated_image(value: Any) -> tuple[dict[str, Any] | None, list[str]] | None:
    """An AnnotatedImage's base image and the labels of its annotations."""
    value = unwrap(value)
    if isinstance(value, dict) and "annotations" in value:
        image = value.get("image")
        found = value.get("annotations") or []
        labels = [str(a.get("label")) for a in found if isinstance(a, dict)]
        return (image if is_file_data(image) else None), labels
    return None


# -- plain text, for scripts ----------------------------------------------------------------------


def plain_text(value: Any, kind: Kind | None = None) -> str:
    """An output value as readable text, for a script's stdout: a Chatbot as a transcript,
    a Dataframe as a table, a Label as ``label: 0.93`` lines, highlighted text with its
    labels; text, Markdown and code as they are; the rest as :func:`~gradioshell.text.plain`.
    Nothing in it is markup, and nothing an app sent reaches the terminal raw."""
    value = unwrap(value)
    type_ = kind.type if kind else ""
    if isinstance(value, str) and type_ not in _BY_KIND:
        return safe(value)  # text, Markdown, code: what plain() makes of any text
    try:
        shown = _plain_by_kind(value, type_)
    except Exception:  # a value not shaped as its component says: as it came
        shown = None
    return shown if shown is not None else plain(value)


_BY_KIND = frozenset(("chatbot", "dataframe", "label", "highlightedtext", "plot", "annotatedimage"))
"""The components whose values :func:`_plain_by_kind` writes its own way."""


def _plain_by_kind(value: Any, type_: str) -> str | None:
    if type_ == "chatbot":
        messages = chat_messages(value)
        return None if messages is None else plain_transcript(messages)
    if type_ == "dataframe":
        table = table_of(value)
        return None if table is None else plain_table(*table)
    if type_ == "label":
        label = confidences(value)
        if label is None:
            return None
        top, scores = label
        if not scores:
            return safe_line(top)
        return "\n".join(f"{safe_line(name)}: {score:.2f}" for name, score in scores)
    if type_ == "highlightedtext":
        found = spans(value)
        if found is None:
            return None
        out = []
        for token, mark in found:
            if mark is None:
                out.append(safe(token))
            else:
                lead, core, trail = padded(token)
                out.append(f"{safe(lead)}[{safe(core)}: {_mark_text(mark)}]{safe(trail)}")
        return "".join(out)
    if type_ == "plot":
        from gradioshell.plots import plot_file

        return plot_file(value)  # the image, or a page drawing the chart: a path to open
    if type_ == "annotatedimage":
        found_image = annotated_image(value)
        if found_image is None:
            return None
        image, labels = found_image
        lines = [safe(shown_path(image))] if image else []
        if labels:
            lines.append("labels: " + ", ".join(safe_line(label) for label in labels))
        return "\n".join(lines)
    return None


def padded(token: str) -> tuple[str, str, str]:
    """A labelled token's leading space, its text, and its trailing space: the label goes
    with the text (``hello `` is ``[hello: long] ``)."""
    core = token.strip()
    if not core:
        return "", token, ""
    start = token.index(core)
    return token[:start], core, token[start + len(core) :]


def _mark_text(mark: str | float) -> str:
    return f"{mark:.2f}" if isinstance(mark, float) else safe_line(mark)


def plain_transcript(messages: list[Message]) -> str:
    """A conversation as lines: ``role: text``, a longer message indented under its role,
    a thinking message's title in brackets, files as their saved paths."""
    lines = []
    for message in messages:
        head = safe_line(message.role)
        if message.title:
            head += f" [{safe_line(message.title)}]"
        body: list[str] = []
        for part in message.parts:
            body += (safe(part) if isinstance(part, str) else safe(shown_path(part))).split("\n")
        while body and not body[-1].strip():
            body.pop()
        if len(body) == 1:
            lines.append(f"{head}: {body[0]}")
        else:
            lines.append(f"{head}:")
            lines += [f"  {line}" if line else "" for line in body]
    return "\n".join(lines)


def plain_table(headers: list[str], rows: list[list[Any]]) -> str:
    """A table as aligned columns, a line per row under a line of headers, every row."""
    cells = [[safe_line(h) for h in headers]] + [
        [cell_text(row[i]) if i < len(row) else "" for i in range(len(headers))] for row in rows
    ]
    widths = [max(len(line[i]) for line in cells) for i in range(len(headers))]
    numeric = [
        all(isinstance(row[i], (int, float)) for row in rows if i < len(row) and row[i] is not None)
        and any(i < len(row) for row in rows)
        for i in range(len(headers))
    ]
    out = []
    for line in cells:
        out.append(
            "  ".join(
                cell.rjust(widths[i]) if numeric[i] else cell.ljust(widths[i])
                for i, cell in enumerate(line)
            ).rstrip()
        )
    return "\n".join(out)


# -- one line ----------------------------------------------------------------------------------


def summary(value: Any, kind: Kind | None = None, width: int = 40) -> str:
    """An output value in one short line, as its component says it (a job's line, the list
    of results): ``cat (93%)``, ``30 rows × 3 columns``, ``5 messages: …``."""
    value = unwrap(value)
    type_ = kind.type if kind else ""
    try:
        line = _summary_by_kind(value, type_)
    except Exception:  # not shaped as its component says
        line = None
    return short(value, width) if line is None else short(line, width)


def _summary_by_kind(value: Any, type_: str) -> str | None:
    if type_ == "label":
        label = confidences(value)
        if label is None:
            return None
        top, scores = label
        best = dict(scores).get(top)
        return top if best is None else f"{top} ({best * 100:.0f}%)"
    if type_ == "dataframe":
        table = table_of(value)
        if table is None:
            return None
        headers, rows = table
        return f"{len(rows)} row{'s' if len(rows) != 1 else ''} × {len(headers)} columns"
    if type_ == "chatbot":
        messages = chat_messages(value)
        if not messages:
            return None
        last = message_text(messages[-1]).replace("\n", " ") or "(a file)"
        return f"{len(messages)} messages: {last}"
    if type_ == "highlightedtext":
        found = spans(value)
        return None if found is None else "".join(token for token, _ in found)
    if type_ == "annotatedimage":
        found_image = annotated_image(value)
        if found_image is None:
            return None
        return "image; labels: " + ", ".join(found_image[1])
    if type_ == "plot" and isinstance(value, dict):
        library = str(value.get("type") or "")
        return f"{library} plot" if library else None
    return None
