"""The registry of built-in commands: help, completion and highlighting all read it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from gradioshell.errors import UsageError

if TYPE_CHECKING:
    from gradioshell.parser import Statement, Word
    from gradioshell.shell import Shell

Handler = Callable[["Shell", "Statement"], Awaitable[None]]


@dataclass(frozen=True)
class Command:
    """A built-in command. ``argument`` names what its first argument is, for completion:
    ``session``, ``target``, ``topic`` or ``None``."""

    name: str
    handler: Handler
    summary: str
    usage: str
    details: str = ""
    aliases: tuple[str, ...] = ()
    argument: str | None = None
    options: tuple[str, ...] = field(default_factory=tuple)


class CommandRegistry:
    def __init__(self) -> None:
        self._commands: dict[str, Command] = {}
        self._names: dict[str, Command] = {}

    def command(
        self,
        name: str,
        summary: str,
        usage: str = "",
        *,
        details: str = "",
        aliases: tuple[str, ...] = (),
        argument: str | None = None,
        options: tuple[str, ...] = (),
    ) -> Callable[[Handler], Handler]:
        """Register the decorated coroutine as the built-in command ``name``."""

        def register(handler: Handler) -> Handler:
            cmd = Command(
                name, handler, summary, usage or name, details, aliases, argument, options
            )
            self._commands[name] = cmd
            for key in (name, *aliases):
                self._names[key] = cmd
            return handler

        return register

    def get(self, name: str) -> Command | None:
        return self._names.get(name) or self._names.get(name.lower())

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(sorted(self._commands.values(), key=lambda c: c.name))

    def names(self) -> list[str]:
        return sorted(self._names)


COMMANDS = CommandRegistry()
command = COMMANDS.command


def positional(statement: Statement) -> list[str]:
    """The statement's words, for a command that takes no ``name=value``: one is a usage
    error that shows the command's usage."""
    spec = COMMANDS.get(statement.command)
    return plain_words(statement.args, statement.command, spec.usage if spec else None)


def plain_words(words: list[Word], what: str, usage: str | None) -> list[str]:
    """The values of ``words``, none of which may be ``name=value``."""
    for word in words:
        if word.name is not None:
            shown = f"; usage: {usage}" if usage else ""
            raise UsageError(f"{what}: unexpected {word.name}=...{shown}")
    return [w.value for w in words]
