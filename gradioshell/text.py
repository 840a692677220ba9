"""Making strings from an app safe to show, and turning output values into text."""

from __future__ import annotations

import json
import math
import re
from typing import Any

from gradioshell.gradio.files import find_files, is_file_data, map_files

# Escape sequences (CSI, OSC, other ESC forms) are removed whole: a server must not be able
# to drive the user's terminal, and their text (a colour code) means nothing to a reader.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC
    r"|\x1b."  # other two-character escapes
)
# Characters that are never shown as themselves, but made visible as escapes (\x07,
# \u202e): C0 and C1 controls and DEL (a bell, a backspace, a carriage return, an 8-bit
# CSI), bidi overrides and isolates, zero-width and other invisible format characters,
# line and paragraph separators, tag characters, and lone surrogates (which cannot even be
# written out). One-line text also shows its line breaks this way, so that nothing an app
# sends can start a line of its own (a forged "error:" line).
_INVISIBLE = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891"
    "\u08e2\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2028-\u202e\u2060-\u206f"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb\ud800-\udfff\U000110bd\U000110cd"
    "\U00013430-\U0001345f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
)
_HIDDEN = re.compile(f"[{_INVISIBLE}]")
_HIDDEN_LINE = re.compile(f"[{_INVISIBLE}\n]")


def _visible(match: re.Match[str]) -> str:
    return ascii(match.group())[1:-1]


def _safe(value: str) -> str:
    return _HIDDEN.sub(_visible, _ESCAPES.sub("", value))


GROWING = 2048
"""Texts at least this long are remembered by :func:`safe` (the last few), so that a text
that grows (a streamed answer, made safe at each update) costs only its new part."""
_GROWN: list[tuple[str, str]] = []


def safe(value: str) -> str:
    """``value`` fit for the terminal: escape sequences removed, every other control,
    invisible or direction-changing character shown as an escape. Line breaks and tabs stay.

    A long text that extends one made safe just before is made safe from where that one
    ended (when it had no escape character, which a sequence could have continued)."""
    if len(value) < GROWING:
        return _safe(value)
    for before, shown in _GROWN:
        if value.startswith(before):
            result = shown + _safe(value[len(before) :])
            break
    else:
        result = _safe(value)
    if "\x1b" not in value:
        _GROWN.insert(0, (value, result))
        del _GROWN[4:]
    return result


def safe_line(value: str) -> str:
    """As :func:`safe`, for text that must stay on one line (names, labels, messages):
    line breaks are shown as ``\\n`` too."""
    return _HIDDEN_LINE.sub(_visible, _ESCAPES.sub("", value))


# In JSON, every character :func:`safe` would show as an escape is written as a JSON escape:
# the data stay the same, and a terminal showing them cannot be driven by them.
# (C0 controls, line breaks and tabs among them, never come out of json.dumps raw.)
_JSON_HIDDEN = _HIDDEN


def json_text(value: Any, *, indent: int | None = None) -> str:
    """``value`` as valid JSON that is safe to print: controls and invisible characters
    escaped (JSON escapes C0 itself), and numbers JSON cannot hold (NaN, ±Infinity) written as
    the strings ``"NaN"``, ``"Infinity"`` and ``"-Infinity"``."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=str, indent=indent, allow_nan=False)
    except ValueError:
        text = json.dumps(
            _finite(value), ensure_ascii=False, default=str, indent=indent, allow_nan=False
        )
    return _JSON_HIDDEN.sub(_json_escape, text)


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code > 0xFFFF:  # as a surrogate pair, the way JSON writes it
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def _finite(value: Any) -> Any:
    """``value`` with every float that is not finite replaced by its name as a string."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def unwrap(value: Any) -> Any:
    """The value inside a ``gr.update(...)`` dict, or the value itself."""
    if isinstance(value, dict) and value.get("__type__") == "update":
        return value.get("value")
    return value


def plain(value: Any) -> str:
    """A value as one piece of text for scripts: strings as they are, the rest as JSON.

    A file is its local path once downloaded (else its URL); a list of files (a gallery)
    is one path per line; files deeper inside a value are their paths in its JSON.
    """
    value = unwrap(value)
    if isinstance(value, str):
        return safe(value)
    files = files_of(value)
    if files is not None:
        return "\n".join(safe(shown_path(f)) for f in files)
    return safe(json.dumps(with_paths(value), ensure_ascii=False))


def shown_path(data: dict[str, Any]) -> str:
    """What stands for a file: its ``local_path`` once downloaded, else its URL or path."""
    local = data.get("local_path")
    if isinstance(local, str):
        return local
    url = data.get("url")
    if isinstance(url, str) and url.startswith("data:"):
        # Sent inline (Gradio 3.x) and not saved: there is no path or URL to give.
        return f"{data.get('orig_name') or 'file'} (inline, not saved)"
    if isinstance(url, str) and url:
        return url
    return str(data.get("path", ""))


def files_of(value: Any) -> list[dict[str, Any]] | None:
    """The files of a value that is a file, or a list each of whose items holds one file."""
    if is_file_data(value):
        return [value]
    if not isinstance(value, list) or not value:
        return None
    found = []
    for item in value:
        inner = list(find_files(item))
        if len(inner) != 1:
            return None
        found.append(inner[0])
    return found


def with_paths(value: Any) -> Any:
    """``value`` with every file replaced by :func:`shown_path`."""
    return map_files(value, shown_path)


def short(value: Any, width: int = 60) -> str:
    """A one-line preview of a value."""
    text = plain(value).replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"
