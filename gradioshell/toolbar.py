"""The bottom toolbar: the default session, other status, and the endpoint being typed.

Other parts of the shell add status by appending a callable to ``Shell.status_items``
(for example a count of running jobs); each returns a short text, or None to show nothing.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from gradioshell.completer import endpoint_under_cursor
from gradioshell.text import safe, short

if TYPE_CHECKING:
    from prompt_toolkit.formatted_text import StyleAndTextTuples

    from gradioshell.gradio import Endpoint
    from gradioshell.shell import Shell


def toolbar(shell: Shell, text: str, width: int = 80) -> StyleAndTextTuples:
    """The toolbar for the command line ``text`` (the text before the cursor)."""
    # Each piece of the first line with its rank: in a narrow terminal the pieces of least
    # rank are left out first, whole, and the URL is shortened last; the session stays.
    pieces: list[tuple[str, str, int]] = []
    default = shell.sessions.default
    if default is None:
        pieces.append(("class:toolbar.dim", " not connected: connect URL ", KEY))
    else:
        pieces.append(("class:toolbar.session", f" {default.name} ", KEY))
        pieces.append(("class:toolbar", f" {safe(default.url)}", URL))
        pieces.append(("class:toolbar", f" · Gradio {safe(default.app.version)}", 0))
        others = len(shell.sessions) - 1
        if others > 0:
            more = f" · {others} more session{'s' * (others > 1)}"
            pieces.append(("class:toolbar.dim", more, 1))
    for item in shell.status_items:
        try:
            status = item()
        except Exception:  # a status must never break the prompt
            status = None
        if status:
            pieces.append(("class:toolbar.status", f" · {safe(status)}", 2))
    parts: StyleAndTextTuples = list(fitted(pieces, width))
    hint = open_hint(shell, text)
    if hint is not None:
        parts.append(("", "\n"))
        parts.append(("class:toolbar.status", " " + hint))
    found = endpoint_under_cursor(shell, text)
    if found is not None:
        endpoint, current = found
        parts.append(("", "\n"))
        parts.extend(signature(endpoint, current, width))
    return parts


KEY, URL = 9, 8


def fitted(pieces: list[tuple[str, str, int]], width: int) -> list[tuple[str, str]]:
    """The pieces that fit in ``width`` columns: those of least rank left out first (the
    rightmost first among equals), then the URL shortened; the key piece is kept."""
    from prompt_toolkit.utils import get_cwidth

    kept = list(pieces)
    room = width - 1  # the last column: a line filled to it wraps in some terminals

    def length() -> int:
        return sum(get_cwidth(text) for _, text, _ in kept)

    for piece in sorted(pieces, key=lambda p: (p[2], -pieces.index(p))):
        if length() <= room or piece[2] >= URL:
            break
        kept.remove(piece)
    over = length() - room
    for index, (style, text, rank) in enumerate(kept):
        if rank == URL and over > 0:
            left = len(text) - over
            kept[index] = (style, text[: left - 1] + "…", rank) if left > 8 else (style, "", rank)
    return [(style, text) for style, text, _ in kept if text]


_CLOSING = {"'": "'", '"': '"', "[": "]", "{": "}"}


def open_hint(shell: Shell, text: str) -> str | None:
    """How to close a quote or bracket left open in ``text`` (a quote in an endpoint's free
    text is not open: it is text)."""
    from gradioshell.parser import ParseError
    from gradioshell.targets import parse_statements

    try:
        parse_statements(text, shell.sessions)
    except ParseError as exc:
        closing = _CLOSING.get(text[exc.position : exc.position + 1])
        if exc.incomplete and closing is not None:
            return (
                f"{exc.message} at column {exc.position + 1}: type {closing} to close it "
                "(Enter goes on to a new line; Ctrl-C drops the line)"
            )
    return None


def signature(endpoint: Endpoint, current: str | None, width: int) -> StyleAndTextTuples:
    """``name(prompt, width=256) -> image``, the current parameter highlighted, and a
    description: the current parameter's, else the endpoint's."""
    parts: StyleAndTextTuples = [("class:toolbar.endpoint", f" {safe(endpoint.name)}"), ("", " ")]
    for i, p in enumerate(endpoint.parameters):
        if i:
            parts.append(("class:toolbar.dim", ", "))
        style = "class:toolbar.current" if p.name == current else "class:toolbar.param"
        label = p.name
        if p.has_default:
            label += "=" + json.dumps(p.default, ensure_ascii=False)
        parts.append((style, safe(short(label, 30))))
    outs = ", ".join(r.label or "output" for r in endpoint.returns) or "nothing"
    parts.append(("class:toolbar.dim", f" → {safe(outs)}"))
    described = None
    if current is not None:
        param = endpoint.parameter(current)
        if param is not None:
            kind = f"{param.component or 'value'}, {param.type_name}"
            if param.choices:
                kind += ": " + ", ".join(map(str, param.choices[:8]))
                if len(param.choices) > 8:
                    kind += ", …"
            about = param.description or (param.label if param.label != param.name else "")
            described = f"{param.name}: {about} ({kind})" if about else f"{param.name} ({kind})"
    elif endpoint.description:
        described = endpoint.description
    if described:
        parts.append(("", "\n"))
        parts.append(("class:toolbar.dim", " " + safe(short(described, max(20, width - 2)))))
    return parts
