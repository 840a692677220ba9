"""Highlighting of the command line as it is typed.

:class:`ShellLexer` is a pygments lexer of the shell's own grammar (the one ``parser.py``
reads): a command or endpoint, ``name=value`` arguments, strings, numbers, JSON,
``$`` references, ``;``, ``&`` and comments. :class:`PromptLexer` wraps it for
prompt_toolkit and marks a command or endpoint that the shell does not know in the error
style, before Enter is pressed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from prompt_toolkit.lexers import Lexer
from prompt_toolkit.styles.pygments import pygments_token_to_classname
from pygments.lexer import RegexLexer, bygroups, include
from pygments.token import (
    Comment,
    Error,
    Keyword,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Text,
    Whitespace,
)

from gradioshell.errors import UsageError
from gradioshell.parser import ParseError, Statement, parse_line
from gradioshell.refs import REFERENCE_PATTERN
from gradioshell.targets import resolve

if TYPE_CHECKING:
    from prompt_toolkit.document import Document
    from prompt_toolkit.formatted_text import StyleAndTextTuples

    from gradioshell.state import State as Shell

log = logging.getLogger(__name__)

_WORD_END = r"(?=[\s;]|$)"
_REFERENCE = REFERENCE_PATTERN.replace("?P<name>", "?:").replace("?P<path>", "?:")
_NUMBER = r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?" + _WORD_END


class ShellLexer(RegexLexer):
    """The gradioshell command line."""

    name = "gradioshell"
    aliases = ["gradioshell"]  # noqa: RUF012 - pygments reads a class attribute

    tokens = {  # noqa: RUF012 - pygments reads a class attribute
        "root": [
            (r"\s+", Whitespace),
            (r"#.*$", Comment.Single),
            (r";", Punctuation),
            (
                r"(@[^\s;#]+)(\s+)([^\s;#]+)",
                bygroups(Name.Namespace, Whitespace, Name.Function),
                "args",
            ),
            (r"@[^\s;#]*", Name.Namespace, "args"),
            (r"[\"'][^\"']*[\"']?", Name.Function, "args"),
            (r"[^\s;#=]+", Name.Function, "args"),
        ],
        "args": [
            (r"[ \t]+", Whitespace),
            (r"\n", Whitespace),
            (r";", Punctuation, "#pop"),
            (r"&(?=\s*(?:[;#]|$))", Operator),
            (r"#.*$", Comment.Single),
            (r"([A-Za-z_][\w.-]*)(=)", bygroups(Name.Attribute, Operator), "value"),
            (r"", Text, "value"),
        ],
        "value": [
            (r"(?=[\s;])", Text, "#pop"),
            include("json"),
            # A reference is what the shell resolves: ``$x.a-b`` is text, not ``$x.a``.
            (_REFERENCE + _WORD_END, Name.Variable),
            (r"(?:true|false|null)" + _WORD_END, Keyword.Constant),
            (_NUMBER, Number),
            (r"[^\s;\"'\[\]{}]+", String.Other),
            (r"[\]}]", Error),
        ],
        "json": [
            (r'"(?:\\.|[^"\\])*"?', String.Double),
            (r"'[^']*'?", String.Single),
            (r"[\[{]", Punctuation, "bracket"),
        ],
        "bracket": [
            (r"\s+", Whitespace),
            include("json"),
            (r"[\]}]", Punctuation, "#pop"),
            (r"[,:]", Punctuation),
            (r"(?:true|false|null)\b", Keyword.Constant),
            (r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?", Number),
            (r"\$[\w]+(?:\[[^\]\s]*\]|\.[\w-]+)*", Name.Variable),
            (r"[^\s\"'\[\]{},:]+", Error),
        ],
    }


class PromptLexer(Lexer):
    """prompt_toolkit lexer: :class:`ShellLexer`, plus unknown commands in the error style.

    ``known(word, session)`` tells whether a first word names a command or endpoint (of
    ``session`` for ``@SESSION ENDPOINT``); ``has_session(name)`` whether a session exists.
    :meth:`for_shell` asks the resolver instead, about whole statements, so that what is
    marked is what Enter will do (a quoted built-in name is no command, ``fn 3`` is one).
    """

    def __init__(
        self,
        known: Callable[[str, str | None], bool],
        has_session: Callable[[str], bool] = lambda name: True,
        *,
        unknown_heads: Callable[[str], set[int]] | None = None,
    ) -> None:
        self.known = known
        self.has_session = has_session
        self.unknown_heads = unknown_heads
        self.pygments = ShellLexer(stripnl=False, ensurenl=False)

    @classmethod
    def for_shell(cls, shell: Shell) -> PromptLexer:
        def unknown_heads(text: str) -> set[int]:
            """Where, in ``text``, a statement names something that is neither a command nor
            an endpoint (the offset of that word)."""
            bad: set[int] = set()
            for statement in _statements(text):
                first = statement.words[0] if statement.words else None
                if first is not None and not first.quoted and first.value in shell.settings.aliases:
                    continue  # an alias of the user's
                target = resolve(statement.words, shell.sessions)
                if target.kind in ("command", "endpoint", "session", "empty"):
                    continue
                if isinstance(target.problem, UsageError):
                    continue  # not finished yet (fn without its index)
                word = statement.words[max(target.used, 1) - 1]
                bad.add(word.start)
            return bad

        return cls(lambda word, session: True, unknown_heads=unknown_heads)

    def lex_document(self, document: Document) -> Callable[[int], StyleAndTextTuples]:
        try:
            return self._lex(document)
        except Exception:  # highlighting must never break the prompt: plain text then
            log.exception("highlighting failed")
            plain: list[StyleAndTextTuples] = [[("", line)] for line in document.lines]
            return lambda number: plain[number] if number < len(plain) else []

    def _lex(self, document: Document) -> Callable[[int], StyleAndTextTuples]:
        lines: list[StyleAndTextTuples] = [[]]
        session: str | None = None
        bad = self.unknown_heads(document.text) if self.unknown_heads is not None else None
        for offset, token, value in self.pygments.get_tokens_unprocessed(document.text):
            if bad is not None:
                if token in (Name.Namespace, Name.Function) and offset in bad:
                    token = Error
            elif token is Name.Namespace:
                session = value[1:]
                if not session or not self.has_session(session):
                    token = Error
            elif token is Name.Function:
                word = value.strip("\"'")
                if not self.known(word, session):
                    token = Error
                session = None
            elif token is Punctuation and value == ";":
                session = None
            style = pygments_token_to_classname(token)
            parts = value.split("\n")
            for i, part in enumerate(parts):
                if i:
                    lines.append([])
                if part:
                    lines[-1].append((f"class:{style}", part))

        def get_line(number: int) -> StyleAndTextTuples:
            return lines[number] if number < len(lines) else []

        return get_line


def _statements(text: str) -> list[Statement]:
    """The statements of a line being typed: those before an unclosed quote or bracket too."""
    try:
        return parse_line(text)
    except ParseError as exc:
        try:
            return parse_line(text[: exc.position])
        except ParseError:
            return []
