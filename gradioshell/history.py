"""The prompt's history file, which never keeps a line that carries a secret."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from prompt_toolkit.history import FileHistory

from gradioshell.parser import ParseError, parse_line
from gradioshell.text import safe

# A line is kept out of the history when it sets a token, passes one, or holds one.
_SECRET = re.compile(
    r"""
    (?:^|[;\s])token\s+(?:set|add|login)\b   # token set hf_...
    | (?:^|[;\s])login\b                     # login ...
    | --(?:token|password|api-key|auth|secret)\b  # --token X, --secret K=V
    | \b(?:token|password|api_key|hf_token|auth)\s*=  # token=..., password=...
    | \bhf_[A-Za-z0-9]{8,}                   # a Hugging Face token anywhere
    | \bBearer\s+\S
    """,
    re.IGNORECASE | re.VERBOSE,
)


def carries_secret(line: str) -> bool:
    """Whether ``line`` holds something that must not be written to disk."""
    return bool(_SECRET.search(line))


def history_path(directory: Path) -> Path:
    return directory / "history"


class ShellHistory(FileHistory):
    """A :class:`FileHistory` in a private file that skips lines carrying secrets."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            os.close(fd)
        super().__init__(str(path))

    def append_string(self, string: str) -> None:
        if carries_secret(string):
            return
        super().append_string(string)

    def store_string(self, string: str) -> None:
        # A line can hold an app's text (a value put there by completion): the file gets it
        # as the terminal would show it, escape sequences and invisible characters made
        # visible, so that showing the file can never drive a terminal.
        super().store_string(safe(string))


def recent_targets(lines: Iterable[str], limit: int = 50) -> list[str]:
    """Targets of ``connect`` commands in history ``lines`` (newest first, no repeats)."""
    targets: list[str] = []
    for line in lines:
        if "connect" not in line:
            continue
        try:
            statements = parse_line(line)
        except ParseError:
            continue
        for statement in statements:
            if statement.command == "connect" and len(statement.words) > 1:
                target = statement.words[1].value
                if target and target not in targets:
                    targets.append(target)
        if len(targets) >= limit:
            break
    return targets
