"""What the first words of a statement address: a built-in command, or an endpoint of a session.

This is the one place that decides it. Running a statement, completion, highlighting, the
toolbar and the commands that take an endpoint (``submit``, ``batch``, ``help``) all ask
:func:`resolve`, so that what is highlighted while typing is what Enter will do. It works on
half-typed lines as well as whole ones and never touches the network.

The rules, in order:

- ``@NAME ENDPOINT ...`` and ``@NAME fn INDEX ...`` call an endpoint of the session NAME;
- ``/NAME ...`` calls an endpoint of the default session, even when NAME is also a command;
- an unquoted built-in name is that command (``fn INDEX ...`` calls an endpoint by index);
- anything else, quoted words included, is an endpoint of the default session.

A statement may ask for help instead of running (``asks_help``): ``ENDPOINT?``,
``ENDPOINT --help`` or ``ENDPOINT -h`` (unquoted), and ``COMMAND --help``. Such a statement
never reaches the app.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from gradioshell.errors import ShellError, UsageError
from gradioshell.gradio import UnknownEndpoint
from gradioshell.registry import COMMANDS, Command, CommandRegistry

if TYPE_CHECKING:
    from gradioshell.gradio import Endpoint, Parameter
    from gradioshell.parser import Statement, Word
    from gradioshell.sessions import Session, SessionRegistry

Kind = Literal["empty", "command", "endpoint", "session", "unknown"]

#: The built-in that calls an endpoint by its index (Gradio 3.x's unnamed events).
BY_INDEX = "fn"
#: How a word names a session: ``@app2``.
SESSION_MARK = "@"


@dataclass(frozen=True)
class Target:
    """What a statement's first words address.

    ``used`` is how many leading words name it (``@app2 echo`` is two, ``@app2 fn 3`` three);
    the words after them are the command's arguments or the endpoint's values. ``session``
    alone, without an endpoint, means ``@NAME`` was typed and an endpoint name is next.
    ``problem`` is the error to report when the statement is run as it stands.
    """

    kind: Kind
    used: int = 0
    command: Command | None = None
    session: Session | None = None
    endpoint: Endpoint | None = None
    problem: Exception | None = None
    #: The statement asks for this target's help (``echo?``, ``echo --help``): show it, never
    #: run or call.
    asks_help: bool = False

    @property
    def known(self) -> bool:
        return self.problem is None and self.kind in ("command", "endpoint")

    def arguments(self, words: Sequence[Word]) -> list[Word]:
        """The words of ``words`` after the ones naming the target."""
        return list(words[self.used :])

    def check(self) -> Target:
        """This target, or its problem raised."""
        if self.problem is not None:
            raise self.problem
        return self


#: Words that ask for help after an endpoint or a command, unquoted.
HELP_FLAGS = ("--help", "-h")
#: The mark after a name that asks for its help: ``echo?``.
HELP_MARK = "?"


def resolve(
    words: Sequence[Word],
    sessions: SessionRegistry,
    commands: CommandRegistry = COMMANDS,
) -> Target:
    """What ``words`` (a statement, whole or half typed) address; see the module's rules."""
    target = _resolve(words, sessions, commands)
    if target.known:
        rest = words[target.used :]
        calls = target.command is not None and target.command.grammar.call
        if target.kind == "endpoint" or calls:
            # An endpoint call (submit, batch too) never sends a help flag by accident.
            asked = any(_is_help_flag(w) for w in rest)
        else:
            asked = len(rest) == 1 and _is_help_flag(rest[0])
        return replace(target, asks_help=True) if asked else target
    named = words[target.used - 1] if 0 < target.used <= len(words) else None
    if (
        target.kind == "unknown"
        and named is not None
        and not named.quoted
        and named.name is None
        and len(named.value) > 1
        and named.value.endswith(HELP_MARK)
    ):
        stripped = list(words)
        stem = named.value[: -len(HELP_MARK)]
        stripped[target.used - 1] = replace(named, value=stem, end=named.end - len(HELP_MARK))
        again = _resolve(stripped, sessions, commands)
        if again.known and again.used == target.used:
            return replace(again, asks_help=True)
    return target


def _is_help_flag(word: Word) -> bool:
    return not word.quoted and word.name is None and word.value in HELP_FLAGS


def _resolve(
    words: Sequence[Word],
    sessions: SessionRegistry,
    commands: CommandRegistry,
) -> Target:
    if not words:
        return Target("empty")
    first = words[0]
    if not first.quoted and session_word(first.value) is not None:
        return _in_session(words, sessions)
    if first.value.startswith("/"):
        return _endpoint(words, 1, sessions.default, first.value)
    builtin = commands.get(first.value) if not first.quoted else None
    if builtin is not None:
        if builtin.name == BY_INDEX:
            return _by_index(words, 1, sessions.default)
        return Target("command", 1, command=builtin)
    if sessions.default is None:
        return Target("unknown", 1, problem=ShellError(unknown_message(first.value, sessions)))
    try:
        endpoint = sessions.default.app.endpoint(first.value)
    except UnknownEndpoint:
        return Target("unknown", 1, problem=ShellError(unknown_message(first.value, sessions)))
    return Target("endpoint", 1, session=sessions.default, endpoint=endpoint)


def session_word(text: str) -> str | None:
    """The session ``text`` names as ``@NAME``, or None when it names none."""
    return text[1:] if text.startswith(SESSION_MARK) and len(text) > 1 else None


#: The components whose value is text: an endpoint whose one required parameter is one of
#: them takes the rest of the line as that text (see :func:`free_text`).
TEXT_KINDS = ("textbox", "multimodaltextbox")


def free_text_parameter(endpoint: Endpoint) -> Parameter | None:
    """The parameter that takes the rest of the line unquoted: the endpoint's one required
    parameter, when it is text."""
    required = [p for p in endpoint.parameters if p.required]
    if len(required) == 1 and required[0].kind in TEXT_KINDS:
        return required[0]
    return None


def parse_statements(
    line: str, sessions: SessionRegistry, commands: CommandRegistry = COMMANDS
) -> list[Statement]:
    """:func:`~gradioshell.parser.parse_line`, except that a quote left open in the free text
    of an endpoint (``echo What's the capital of France?``) is a character of the text."""
    from gradioshell.parser import ParseError, parse_line

    try:
        return parse_line(line)
    except ParseError as exc:
        if not exc.incomplete or line[exc.position : exc.position + 1] not in ("'", '"'):
            raise
        try:
            statements = parse_line(line, stray_quotes=True)
        except ParseError:
            raise exc from None
        for statement in statements:
            words = statement.words
            if not words or not words[0].start <= exc.position < words[-1].end:
                continue
            target = resolve(words, sessions, commands)
            # Only a quote inside an unnamed word of the text (What's) is text; one that
            # opens a word or a NAME="... value opens a quoted value, going on below. An
            # endpoint not known yet (its app is connected earlier on the same line, as in
            # -c 'connect URL; chat What's up?') gets the benefit of the doubt.
            inside = [w for w in words[target.used :] if w.start < exc.position < w.end]
            takes_text = (
                target.kind == "unknown"
                or (
                    target.kind == "endpoint"
                    and target.endpoint is not None
                    and free_text_parameter(target.endpoint) is not None
                )
                or (target.command is not None and target.command.free_text)
            )
            if takes_text and inside and inside[0].name is None:
                return statements
        raise


def free_text(target: Target, statement: Statement) -> list[Word]:
    """The words of an endpoint call, with its free text made one word when the endpoint
    takes free text and ``fits`` says the words do not work as separate values.

    Only the unnamed words before the first ``NAME=VALUE`` one make the text, as typed
    between the first and the last of them.
    """
    words = target.arguments(statement.words)
    leading: list[Word] = []
    for word in words:
        if word.name is not None:
            break
        leading.append(word)
    if len(leading) < 1 or target.endpoint is None:
        return words
    param = free_text_parameter(target.endpoint)
    if param is None:
        return words
    base = statement.words[0].start
    raw = statement.text[leading[0].start - base : leading[-1].end - base]
    from gradioshell.parser import Word

    text = Word(raw, leading[0].start, leading[-1].end, None, True, leading[0].start)
    return [text, *words[len(leading) :]]


def endpoint_word(name: str, commands: CommandRegistry = COMMANDS) -> str:
    """How a statement names the endpoint ``name``: as it is (``echo``), or ``/NAME`` where a
    command has the name or the name would read as something else (``@x``, quoting)."""
    from gradioshell.parser import quote

    if commands.get(name) is None and quote(name) == name and session_word(name) is None:
        return name
    return quote("/" + name)


def is_session_name(name: str) -> bool:
    """Whether ``name`` can name a session: not empty, no space, not ``@...`` or ``/...``."""
    return bool(name) and not name.startswith((SESSION_MARK, "/")) and " " not in name


def resolve_topic(words: Sequence[Word], sessions: SessionRegistry) -> Target:
    """What ``help``'s words address: a command by its name, else an endpoint
    (``help echo``, ``help /connect``, ``help @app2 echo``)."""
    if len(words) == 1 and not words[0].quoted:
        builtin = COMMANDS.get(words[0].value)
        if builtin is not None and not words[0].value.startswith(("/", SESSION_MARK)):
            return Target("command", 1, command=builtin)
    return resolve_endpoint(words, sessions)


def resolve_endpoint(words: Sequence[Word], sessions: SessionRegistry) -> Target:
    """What ``[@SESSION] ENDPOINT ...`` addresses where only an endpoint may come (``submit``,
    ``batch``, ``help``): built-in names are taken as endpoint names here."""
    if words and not words[0].quoted and session_word(words[0].value) is not None:
        return resolve(words, sessions)
    if words and words[0].value == BY_INDEX and not words[0].quoted:
        return _by_index(words, 1, sessions.default)
    return _endpoint(words, 1, sessions.default, words[0].value if words else "")


def _in_session(words: Sequence[Word], sessions: SessionRegistry) -> Target:
    key = words[0].value[1:]
    session = sessions.find(key)
    if session is None:
        try:
            sessions.get(key)  # the registry words the message (with suggestions)
        except ShellError as exc:
            return Target("unknown", 1, problem=exc)
    assert session is not None
    if len(words) < 2:
        usage = UsageError(f"usage: @{session.name} ENDPOINT [ARGS...]")
        return Target("session", 1, session=session, problem=usage)
    if words[1].value == BY_INDEX and not words[1].quoted:
        return _by_index(words, 2, session)
    return _endpoint(words, 2, session, words[1].value)


def _endpoint(words: Sequence[Word], used: int, session: Session | None, name: str) -> Target:
    if session is None:
        return Target("unknown", used, problem=ShellError("no app connected: try 'connect URL'"))
    try:
        endpoint = session.app.endpoint(name)
    except UnknownEndpoint as exc:
        return Target("unknown", used, session=session, problem=exc)
    return Target("endpoint", used, session=session, endpoint=endpoint)


def _by_index(words: Sequence[Word], at: int, session: Session | None) -> Target:
    """``fn INDEX``: the endpoint of an event the app gave no name (Gradio 3.x)."""
    usage = UsageError("usage: fn INDEX [VALUE...] [NAME=VALUE...]")
    if session is None:
        return Target("unknown", at, problem=ShellError("no app connected: try 'connect URL'"))
    if len(words) <= at or words[at].name is not None or not words[at].value.isdigit():
        return Target("unknown", at, session=session, problem=usage)
    try:
        endpoint = session.app.endpoint_at(int(words[at].value))
    except UnknownEndpoint as exc:
        return Target("unknown", at + 1, session=session, problem=ShellError(str(exc)))
    return Target("endpoint", at + 1, session=session, endpoint=endpoint)


def unknown_message(
    name: str, sessions: SessionRegistry, commands: CommandRegistry = COMMANDS
) -> str:
    """Why ``name`` is neither a command nor an endpoint, with the nearest names, if any."""
    candidates = commands.guesses()
    if sessions.default is not None:
        candidates += [ep.name for ep in sessions.default.app.endpoints]
    message = f"unknown command or endpoint {name!r}"
    near = nearest(name, candidates)
    if near:
        message += f"; did you mean {' or '.join(near)}?"
    if sessions.default is None:
        return message + " (no app connected: try 'connect URL')"
    return message if near else message + " (see 'help')"


def nearest(word: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """The candidates closest to ``word``, ignoring case: those that share most of its
    letters (a typo), not any short name with two letters in common (``echo``, ``copy``)."""
    import difflib

    by_lower: dict[str, str] = {}
    for candidate in candidates:
        by_lower.setdefault(candidate.lower(), candidate)
    matches = difflib.get_close_matches(word.lower(), list(by_lower), n=n, cutoff=0.6)
    return [by_lower[m] for m in matches]
