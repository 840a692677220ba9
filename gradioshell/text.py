"""Making strings from an app safe to show, and turning output values into text."""

from __future__ import annotations

import json
import re
from typing import Any

from gradioshell.gradio.files import find_files, is_file_data, map_files

# Escape sequences (CSI, OSC, other ESC forms) and every C0/C1 control character
# but newline and tab: a server must not be able to drive the user's terminal.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC
    r"|\x1b."  # other two-character escapes
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"
)


_C1 = re.compile("[\x80-\x9f]")


def json_text(value: Any, *, indent: int | None = None) -> str:
    """``value`` as JSON that is safe to print: JSON escapes C0 controls itself, and C1 ones
    (an 8-bit CSI...) are escaped here too, so the data stays the same and a terminal
    showing it cannot be driven by it."""
    text = json.dumps(value, ensure_ascii=False, default=str, indent=indent)
    return _C1.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def safe(value: str) -> str:
    """``value`` with terminal escape sequences and control characters removed."""
    return _ESCAPES.sub("", value)


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
