"""Built-in commands. Importing this package registers them all in :data:`COMMANDS`."""

from gradioshell.commands import (
    chat,
    code,
    core,
    doctor,
    files,
    fn,
    hub,
    jobs,
    persist,
    shelltools,
    space,
)
from gradioshell.registry import COMMANDS, Command, command

__all__ = [
    "COMMANDS",
    "Command",
    "chat",
    "code",
    "command",
    "core",
    "doctor",
    "files",
    "fn",
    "hub",
    "jobs",
    "persist",
    "shelltools",
    "space",
]
