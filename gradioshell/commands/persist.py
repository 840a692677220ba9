"""Commands that keep sessions between runs: save, restore."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gradioshell.errors import CallFailed
from gradioshell.registry import Args, command

if TYPE_CHECKING:
    from gradioshell.state import State


@command(
    "save",
    "Remember the open sessions, to reconnect them later with --restore",
    details=(
        "Keeps each session's name and target (never tokens or passwords) in the data\n"
        "directory, replacing what was saved before. 'gradioshell --restore' or 'restore'\n"
        "reconnects them. The --demo session is left out: its app runs only as long as the\n"
        "shell, on a new port each time."
    ),
)
async def save(shell: State, args: Args) -> None:
    from gradioshell import saved

    path, count, left_out = saved.save(shell)
    message = f"saved {count} session{'s' if count != 1 else ''} to {path}"
    if left_out:
        message += f" (not {', '.join(left_out)}: it runs only as long as this shell)"
    shell.output.info(message)


@command(
    "restore",
    "Reconnect the sessions remembered with save",
    details="Connects to all of them at once and says which could not be reached.",
)
async def restore(shell: State, args: Args) -> None:
    from gradioshell import saved

    if await saved.restore(shell):
        raise CallFailed("some saved sessions could not be restored")
