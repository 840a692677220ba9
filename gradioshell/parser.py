"""The shell's command-line grammar, shared by the prompt, ``-c`` and script files.

A line holds statements separated by ``;`` or by new lines (outside quotes and brackets).
A statement is words separated by spaces.
A word may be ``name=value``. Quotes work as in a POSIX shell: '...' is literal,
"..." allows ``\\"`` and ``\\\\``. A value starting with ``[`` or ``{`` runs to its
matching bracket, so JSON can be written without quoting: ``data=[1, {"a": 2}]``.
A ``#`` at the start of a word begins a comment. A final ``&`` runs in the background.
Outside quotes, a word starting with ``>`` (or ``>>``) sends the statement's plain output to
the file named after it, and one starting with ``|`` sends it to the system shell command
that follows, up to the next ``;``.
A statement starting with ``!`` is a system command: the rest of the line, as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_NAME = re.compile(r"[A-Za-z_][\w.-]*=")
#: A parameter name that can be written as ``NAME=value``.
NAME_WORD = re.compile(r"[A-Za-z_][\w.-]*")
_CLOSERS = {"[": "]", "{": "}"}
#: A statement starting with it runs the rest of the line as a system command: ``!ls``.
SYSTEM = "!"


class ParseError(ValueError):
    """The line cannot be parsed. ``position`` is the offending column; ``incomplete`` means
    more input (a closing quote or bracket) would fix it."""

    def __init__(self, message: str, position: int, *, incomplete: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.position = position
        self.incomplete = incomplete

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Word:
    """One word of a statement. ``value`` is the text after quotes are removed."""

    value: str
    start: int
    end: int
    name: str | None = None
    quoted: bool = False
    value_start: int = 0

    @property
    def is_named(self) -> bool:
        return self.name is not None


@dataclass(frozen=True)
class Redirect:
    """Where a statement's plain output goes: ``>`` or ``>>`` a file, ``|`` a command."""

    kind: str
    target: str


@dataclass
class Statement:
    """A parsed command: its words, whether it ends with ``&``, and where its output goes."""

    words: list[Word]
    text: str
    start: int = 0
    background: bool = False
    comment: str | None = field(default=None, repr=False)
    redirect: Redirect | None = None

    @property
    def command(self) -> str:
        return self.words[0].value if self.words else ""

    @property
    def args(self) -> list[Word]:
        return self.words[1:]


def parse_line(line: str, *, stray_quotes: bool = False) -> list[Statement]:
    """Parse a whole line into its statements (empty statements are dropped).

    With ``stray_quotes``, a quote that is never closed is a character of its word
    (``What's``) instead of an error.
    """
    statements: list[Statement] = []
    words: list[Word] = []
    start = 0
    i = 0
    n = len(line)
    background = False
    redirect: Redirect | None = None

    def close_statement(end: int) -> None:
        nonlocal words, background, redirect
        if words:
            if background and redirect is not None:
                raise ParseError(f"'&' cannot run a command sent with '{redirect.kind}'", end - 1)
            text = line[start:end].strip()
            statements.append(Statement(words, text, start, background, redirect=redirect))
        elif background:
            raise ParseError("'&' must follow a command", end - 1)
        words = []
        background = False
        redirect = None

    while i < n:
        ch = line[i]
        if ch in " \t\r":
            i += 1
            continue
        if ch in ";\n":  # a pasted block: a statement per line
            close_statement(i)
            i += 1
            start = i
            continue
        if ch == "#":
            end = line.find("\n", i)
            i = n if end < 0 else end
            continue
        if ch == SYSTEM and not words:
            # !CMD: the rest of the line is a system command, ';' and quotes included.
            end = line.find("\n", i)
            end = n if end < 0 else end
            command = line[i + 1 : end].strip()
            words.append(Word(SYSTEM, i, i + 1))
            if command:
                words.append(Word(command, i + 1, end, None, True, i + 1))
            i = end
            continue
        if background:
            raise ParseError("'&' can only end a command", i)
        if ch == "&" and (i + 1 == n or line[i + 1] in " \t\r\n;#"):
            background = True
            i += 1
            continue
        if redirect is not None:
            raise ParseError(f"'{redirect.kind}' and what follows it end a command", i)
        if ch in ">|":
            if not words:
                raise ParseError(f"'{ch}' must follow a command", i)
            redirect, i = _read_redirect(line, i)
            continue
        word, i = _read_word(line, i, stray_quotes)
        words.append(word)
    close_statement(n)
    return statements


def parse_statement(line: str) -> Statement | None:
    """Parse a line that must hold at most one statement."""
    statements = parse_line(line)
    if len(statements) > 1:
        raise ParseError("expected one command", statements[1].start)
    return statements[0] if statements else None


def _read_redirect(line: str, i: int) -> tuple[Redirect, int]:
    """``> FILE``, ``>> FILE`` or ``| COMMAND`` at ``i``; and where it ends."""
    n = len(line)
    if line[i] == ">":
        kind = ">>" if line.startswith(">>", i) else ">"
        j = i + len(kind)
        while j < n and line[j] in " \t":
            j += 1
        if j >= n or line[j] in ";#\r\n":
            raise ParseError(f"'{kind}' needs a file name after it", i)
        word, j = _read_word(line, j)
        target = f"{word.name}={word.value}" if word.name is not None else word.value
        return Redirect(kind, target), j
    # The command as written (its quotes are its own), up to an unquoted ';', '#' or new line.
    j = i + 1
    while j < n and line[j] not in ";#\n":
        if line[j] in " \t\r\n":
            j += 1
            continue
        _, j = _read_word(line, j)
    command = line[i + 1 : j].strip()
    if not command:
        raise ParseError("'|' needs a command after it", i)
    return Redirect("|", command), j


def _read_word(line: str, i: int, stray_quotes: bool = False) -> tuple[Word, int]:
    start = i
    name = None
    match = _NAME.match(line, i)
    if match:
        name = match.group()[:-1]
        i = match.end()
    value_start = i
    parts: list[str] = []
    quoted = False
    n = len(line)
    while i < n:
        ch = line[i]
        if ch in " \t\r\n;":
            break
        if ch in "'\"" and stray_quotes and line.find(ch, i + 1) < 0:
            parts.append(ch)
            i += 1
        elif ch == "'":
            end = line.find("'", i + 1)
            if end < 0:
                raise ParseError("unclosed quote '", i, incomplete=True)
            parts.append(line[i + 1 : end])
            quoted = True
            i = end + 1
        elif ch == '"':
            text, i = _read_double(line, i)
            parts.append(text)
            quoted = True
        elif ch in _CLOSERS and i == value_start:
            end = _match_bracket(line, i)
            parts.append(line[i:end])
            i = end
        elif ch == "\\" and i + 1 < n:
            parts.append(line[i + 1])
            i += 2
        else:
            parts.append(ch)
            i += 1
    return Word("".join(parts), start, i, name, quoted, value_start), i


def _read_double(line: str, i: int) -> tuple[str, int]:
    parts = []
    j = i + 1
    n = len(line)
    while j < n:
        ch = line[j]
        if ch == "\\" and j + 1 < n and line[j + 1] in '"\\$`':
            parts.append(line[j + 1])
            j += 2
            continue
        if ch == '"':
            return "".join(parts), j + 1
        parts.append(ch)
        j += 1
    raise ParseError('unclosed quote "', i, incomplete=True)


def _match_bracket(line: str, i: int) -> int:
    """Index just past the bracket matching ``line[i]``, skipping JSON strings."""
    stack = [_CLOSERS[line[i]]]
    j = i + 1
    n = len(line)
    while j < n:
        ch = line[j]
        if ch == '"':
            j += 1
            while j < n and line[j] != '"':
                j += 2 if line[j] == "\\" else 1
            if j >= n:
                raise ParseError('unclosed quote " inside brackets', i, incomplete=True)
        elif ch in _CLOSERS:
            stack.append(_CLOSERS[ch])
        elif ch in "]}":
            if ch != stack[-1]:
                raise ParseError(f"mismatched {ch!r}", j)
            stack.pop()
            if not stack:
                return j + 1
        j += 1
    raise ParseError(f"unclosed {line[i]!r}", i, incomplete=True)


def quote(value: str) -> str:
    """Quote ``value`` so that parsing it gives back one word with exactly that value: never
    a reference (``$_``), a ``name=value`` pair, a comment, two statements or two words, nor
    a system command (``!CMD``) when it is the first word."""
    if value and not value.startswith(("$", SYSTEM)) and not _SPECIAL.search(value):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


_SPECIAL = re.compile(r"[\s;'\"\\#&|>\[\]{}=\x00-\x1f\x7f-\x9f]")
