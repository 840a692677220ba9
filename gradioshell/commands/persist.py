"""Commands that keep sessions between runs: save, restore."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gradioshell import saved
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
        "reconnects them."
    ),
)
async def save(shell: State, args: Args) -> None:
    path, count = saved.save(shell)
    shell.output.info(f"saved {count} session{'s' if count != 1 else ''} to {path}")


@command(
    "restore",
    "Reconnect the sessions remembered with save",
    details="Connects to all of them at once and says which could not be reached.",
)
async def restore(shell: State, args: Args) -> None:
    if await saved.restore(shell):
        raise CallFailed("some saved sessions could not be restored")
