"""Making strings from an app safe to show, and turning output values into text."""

from __future__ import annotations

import json
import re
from typing import Any

# Escape sequences (CSI, OSC, other ESC forms) and every C0/C1 control character
# but newline and tab: a server must not be able to drive the user's terminal.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC
    r"|\x1b."  # other two-character escapes
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"
)


def safe(value: str) -> str:
    """``value`` with terminal escape sequences and control characters removed."""
    return _ESCAPES.sub("", value)


def unwrap(value: Any) -> Any:
    """The value inside a ``gr.update(...)`` dict, or the value itself."""
    if isinstance(value, dict) and value.get("__type__") == "update":
        return value.get("value")
    return value


def plain(value: Any) -> str:
    """A value as one piece of text for scripts: strings as they are, the rest as JSON."""
    value = unwrap(value)
    if isinstance(value, str):
        return safe(value)
    if isinstance(value, dict) and isinstance(value.get("path"), str) and "meta" in value:
        local = value.get("local_path")
        return safe(local if isinstance(local, str) else value.get("url") or value["path"])
    return safe(json.dumps(value, ensure_ascii=False))


def short(value: Any, width: int = 60) -> str:
    """A one-line preview of a value."""
    text = plain(value).replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"
