"""``fn N``: call an endpoint by its index, for events the app gave no api_name (Gradio 3.x)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from gradioshell.commands.registry import command
from gradioshell.errors import ShellError, UsageError
from gradioshell.gradio import Endpoint, UnknownEndpoint

if TYPE_CHECKING:
    from gradioshell.parser import Statement, Word
    from gradioshell.sessions import Session
    from gradioshell.shell import Shell


def endpoint_by_index(session: Session, words: Sequence[Word]) -> tuple[Endpoint, Sequence[Word]]:
    """The endpoint ``words[0]`` points at, and the argument words after it."""
    if not words or words[0].name is not None or not words[0].value.isdigit():
        raise UsageError("usage: fn INDEX [VALUE...] [NAME=VALUE...]")
    try:
        return session.app.endpoint_at(int(words[0].value)), words[1:]
    except UnknownEndpoint as exc:
        raise ShellError(str(exc)) from None


@command(
    "fn",
    "Call an endpoint by its index (for apps whose events have no api name)",
    "fn INDEX [VALUE...] [NAME=VALUE...]",
    details="Gradio 3.x apps often leave events unnamed; 'endpoints' lists them as 'fn N'.",
)
async def fn(shell: Shell, statement: Statement) -> None:
    session = shell.require_session()
    endpoint, words = endpoint_by_index(session, statement.args)
    await shell.call(session, endpoint, words, background=statement.background)
