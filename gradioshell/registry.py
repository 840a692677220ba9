"""The registry of built-in commands, each with its grammar declared once.

A command's :class:`Grammar` says what it takes: positional arguments (with what each one
is, for completion), ``--options``, subcommands, or an endpoint call after its arguments.
Dispatch parses a statement with it (:meth:`Grammar.parse`), ``help`` and the generated
docs print its usage (:meth:`Grammar.usage`), completion completes it, and the lexer colours
its subcommands and options. No usage string is typed by hand.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gradioshell.errors import UsageError

if TYPE_CHECKING:
    from gradioshell.parser import Statement, Word

Handler = Callable[..., Awaitable[None]]


@dataclass(frozen=True)
class Arg:
    """A positional argument. ``kind`` says what it is, for completion: ``text``,
    ``session``, ``target`` (a URL, Space id or configured name), ``topic`` (a command or
    endpoint), ``endpoint``, ``file``, ``job``, ``space``, ``chat`` (``/NAME`` of a chat
    endpoint, then free text) or ``value`` (any word, kept with its quoting)."""

    name: str
    metavar: str = ""
    kind: str = "text"
    optional: bool = False
    #: Takes every remaining positional word (at least one unless optional).
    many: bool = False
    #: A literal word that comes before it: ``as`` in ``connect TARGET [as NAME]``.
    keyword: str | None = None
    choices: tuple[str, ...] = ()
    #: A session written ``@NAME``, anywhere among the positionals (its value: NAME).
    at: bool = False
    #: Left out of the usage line (a word taken only to refuse it with a better message).
    hidden: bool = False

    @property
    def shown(self) -> str:
        return ("@" if self.at else "") + (self.metavar or self.name.upper())


@dataclass(frozen=True)
class Opt:
    """An option such as ``--user NAME`` (with a value) or ``--save`` (without)."""

    flag: str
    metavar: str | None = None
    kind: str = "text"
    #: May be given several times (``--secret K=V --secret K2=V2``): a list of values.
    many: bool = False
    help: str = ""
    #: Must be given (shown without brackets).
    required: bool = False
    #: Left out of the usage line (another spelling of an option that is shown).
    hidden: bool = False

    @property
    def name(self) -> str:
        return self.flag.lstrip("-").replace("-", "_")


@dataclass(frozen=True)
class Grammar:
    """What a command takes. ``call`` means its arguments end with an endpoint call,
    ``[@SESSION] ENDPOINT [VALUES...]`` (``submit``, ``batch``); ``pairs`` that it takes
    ``KEY=VALUE`` words (``hub get``)."""

    args: tuple[Arg, ...] = ()
    options: tuple[Opt, ...] = ()
    call: bool = False
    pairs: bool = False
    subcommands: tuple[Sub, ...] = ()
    #: Without a subcommand the command takes ``args`` (``token`` alone shows the token).
    bare: bool = True
    #: The endpoint call takes values (``submit``); a batch's rows give them instead.
    call_values: bool = True
    #: The arguments as the usage line shows them, where the plain form would mislead.
    shown: str = ""
    #: The endpoint call may be left out (``code`` alone shows the last call).
    call_optional: bool = False
    #: ``NAME=VALUE`` words are plain words too (``alias`` reads its statement as typed).
    named_as_plain: bool = False

    def usage(self, name: str) -> str:
        """The usage line, such as ``connect TARGET [as NAME] [--token] [--user NAME]``."""
        if self.subcommands:
            # Subcommands that take the same arguments share one form: hub models|spaces ...
            forms: dict[str, list[str]] = {}
            for sub in self.subcommands:
                forms.setdefault(_tail(sub.grammar), []).append(sub.name)
            shown = [f"{name} {'|'.join(names)}{tail}" for tail, names in forms.items()]
            if self.bare:
                shown.insert(0, name + _tail(self))
            return " | ".join(shown)
        return name + _tail(self)

    def all_options(self) -> list[Opt]:
        """Every option, the subcommands' included, each once."""
        found: dict[str, Opt] = {opt.flag: opt for opt in self.options}
        for sub in self.subcommands:
            for opt in sub.grammar.all_options():
                found.setdefault(opt.flag, opt)
        return list(found.values())

    def option(self, flag: str) -> Opt | None:
        for opt in self.options:
            if opt.flag == flag:
                return opt
        return None

    def sub(self, name: str) -> Sub | None:
        for sub in self.subcommands:
            if sub.name == name:
                return sub
        return None

    def parse(self, name: str, words: Sequence[Word]) -> Args:
        """Read ``words`` (the statement after the command's name) as this grammar says;
        a :class:`UsageError` with the usage line when they do not fit."""
        usage = self.usage(name)
        grammar = self
        sub: str | None = None
        if self.subcommands:
            found = self.sub(words[0].value) if words and not words[0].quoted else None
            if found is not None:
                sub, grammar, words = found.name, found.grammar, words[1:]
                usage = f"{name} {found.name}{_tail(grammar)}"
            elif not self.bare or words:
                raise UsageError(f"usage: {usage}")
        return grammar._read(words, usage, sub)

    def _read(self, words: Sequence[Word], usage: str, sub: str | None) -> Args:
        def fail(why: str = "") -> UsageError:
            return UsageError((f"{why}; " if why else "") + f"usage: {usage}")

        values: dict[str, Any] = {opt.name: [] if opt.many else None for opt in self.options}
        values.update({opt.name: False for opt in self.options if opt.metavar is None})
        pairs: dict[str, str] = {}
        plain: list[Word] = []
        call: list[Word] = []
        index = 0
        while index < len(words):
            word = words[index]
            index += 1
            calling = self.call and (bool(call) or len(plain) >= _fixed(self.args))
            is_option = not word.quoted and word.name is None and word.value.startswith("--")
            flag, has_value, value = word.value.partition("=")
            opt = self.option(flag) if is_option else None
            if opt is None and calling:
                # The endpoint call: its name, then its values (and options of its own).
                call.append(word)
                continue
            if is_option:
                if opt is None:
                    raise fail(f"unknown option {flag}")
                if opt.metavar is None:
                    if has_value:
                        raise fail(f"{flag} takes no value")
                    values[opt.name] = True
                    continue
                if not has_value:
                    if index >= len(words):
                        raise fail(f"{flag} needs a value ({opt.metavar})")
                    taken = words[index]
                    # --secret KEY=VALUE: the word reads as a named one; its whole text counts.
                    value = f"{taken.name}={taken.value}" if taken.name else taken.value
                    index += 1
                if opt.many:
                    values[opt.name].append(value)
                else:
                    values[opt.name] = value
                continue
            if word.name is not None and self.named_as_plain and plain:
                plain.append(_word(f"{word.name}={word.value}", word, quoted=word.quoted))
                continue
            if word.name is not None:
                if self.pairs:
                    pairs[word.name] = word.value
                    continue
                equals = self._equals_arg()
                if equals is not None and not plain:
                    plain.append(_word(word.name, word))
                    plain.append(_word("=", word))
                    plain.append(_word(word.value, word, quoted=word.quoted))
                    continue
                raise fail(f"unexpected {word.name}=...")
            plain.append(word)
        self._assign(plain, values, fail)
        if self.call and not call and not self.call_optional:
            raise fail()
        return Args(values, pairs=pairs, call=call, sub=sub)

    def _equals_arg(self) -> Arg | None:
        for arg in self.args:
            if arg.keyword == "=":
                return arg
        return None

    def _assign(
        self, words: list[Word], values: dict[str, Any], fail: Callable[..., UsageError]
    ) -> None:
        queue = list(words)
        for arg in self.args:
            if arg.at:
                found = [w for w in queue if not w.quoted and w.value.startswith("@")]
                if len(found) > 1 or (found and len(found[0].value) < 2):
                    raise fail()
                values[arg.name] = found[0].value[1:] if found else None
                if not found and not arg.optional:
                    raise fail()
                queue = [w for w in queue if w not in found]
        for arg in self.args:
            if arg.at:
                continue
            if arg.keyword is not None:
                if not queue or queue[0].value != arg.keyword or queue[0].quoted:
                    if arg.optional:
                        values[arg.name] = None
                        continue
                    raise fail()
                queue.pop(0)
            if arg.many:
                if not queue and not arg.optional:
                    raise fail()
                values[arg.name] = [_value(arg, w) for w in queue]
                queue = []
                continue
            if not queue:
                if not arg.optional:
                    raise fail()
                values[arg.name] = None
                continue
            word = queue.pop(0)
            if arg.choices and word.value not in arg.choices:
                raise fail(f"{word.value!r} is not one of {', '.join(arg.choices)}")
            values[arg.name] = _value(arg, word)
        if queue:
            raise fail(f"unexpected {queue[0].value!r}")


def _fixed(args: tuple[Arg, ...]) -> int:
    return sum(1 for a in args if not a.optional and not a.many)


def _value(arg: Arg, word: Word) -> Any:
    return word if arg.kind == "value" else word.value


def _word(text: str, like: Word, *, quoted: bool = False) -> Word:
    from gradioshell.parser import Word

    return Word(text, like.start, like.end, None, quoted, like.start)


def _tail(grammar: Grammar) -> str:
    if grammar.shown:
        return " " + grammar.shown
    parts: list[str] = []
    for arg in grammar.args:
        if arg.hidden:
            continue
        shown = arg.shown + ("..." if arg.many else "")
        if arg.keyword is not None:
            shown = f"{arg.keyword} {shown}"
        parts.append(f"[{shown}]" if arg.optional else shown)
    if grammar.call:
        parts.append("[@SESSION] ENDPOINT" + (" [VALUES...]" if grammar.call_values else ""))
    if grammar.pairs:
        parts.append("[KEY=VALUE...]")
    for opt in grammar.options:
        if opt.hidden:
            continue
        shown = opt.flag + (f" {opt.metavar}" if opt.metavar else "")
        parts.append((shown if opt.required else f"[{shown}]") + ("..." if opt.many else ""))
    return "".join(" " + p for p in parts)


@dataclass(frozen=True)
class Sub:
    """A subcommand, such as ``set`` in ``token set [--save]``."""

    name: str
    grammar: Grammar = field(default_factory=lambda: Grammar())
    summary: str = ""


class Args:
    """What a statement gave a command, by the names its grammar declares: ``args.target``,
    ``args.user``; ``args.sub`` is the subcommand, ``args.call`` the words of an endpoint call,
    ``args.pairs`` the ``KEY=VALUE`` words."""

    def __init__(
        self,
        values: dict[str, Any],
        *,
        pairs: dict[str, str] | None = None,
        call: list[Word] | None = None,
        sub: str | None = None,
    ) -> None:
        self._values = values
        #: The statement the words came from, for a command that reads it as typed (alias).
        self.statement: Statement | None = None
        self.pairs = pairs or {}
        self.call = call or []
        self.sub = sub

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __repr__(self) -> str:
        return f"Args({self._values!r}, sub={self.sub!r})"


@dataclass(frozen=True)
class Command:
    """A built-in command: its handler, what it is for, and its grammar."""

    name: str
    handler: Handler
    summary: str
    grammar: Grammar = field(default_factory=Grammar)
    details: str = ""
    aliases: tuple[str, ...] = ()
    #: Undoes something (closes a session, cancels a job, leaves): never offered as a guess
    #: for a word the shell does not know.
    destructive: bool = False
    #: Its words are free text, as typed: a quote inside a word (What's) is a character.
    free_text: bool = False

    @property
    def usage(self) -> str:
        return self.grammar.usage(self.name)

    def parse(self, statement: Statement) -> Args:
        args = self.grammar.parse(self.name, statement.args)
        args.statement = statement
        return args


class CommandRegistry:
    def __init__(self) -> None:
        self._commands: dict[str, Command] = {}
        self._names: dict[str, Command] = {}

    def command(
        self,
        name: str,
        summary: str,
        grammar: Grammar | None = None,
        *,
        details: str = "",
        aliases: tuple[str, ...] = (),
        destructive: bool = False,
        free_text: bool = False,
    ) -> Callable[[Handler], Handler]:
        """Register the decorated coroutine ``handler(shell, args)`` as the command ``name``."""

        def register(handler: Handler) -> Handler:
            cmd = Command(
                name,
                handler,
                summary,
                grammar or Grammar(),
                details,
                aliases,
                destructive,
                free_text,
            )
            self._commands[name] = cmd
            for key in (name, *aliases):
                self._names[key] = cmd
            return handler

        return register

    def get(self, name: str) -> Command | None:
        return self._names.get(name) or self._names.get(name.lower())

    def __iter__(self) -> Iterator[Command]:
        return iter(sorted(self._commands.values(), key=lambda c: c.name))

    def names(self) -> list[str]:
        return sorted(self._names)

    def guesses(self) -> list[str]:
        """The names that may be offered for a word the shell does not know: every one but
        those of destructive commands, so that a typo never leads to closing something."""
        return sorted(name for name, cmd in self._names.items() if not cmd.destructive)


COMMANDS = CommandRegistry()
command = COMMANDS.command
