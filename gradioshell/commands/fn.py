"""``fn N``: call an endpoint by its index, for events the app gave no api_name (Gradio 3.x).

The resolver (:mod:`gradioshell.targets`) reads ``fn INDEX`` as an endpoint, as it reads
``@SESSION fn INDEX``, so the statement runs as a call; the command is registered for its
help, its completion and the generated docs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gradioshell.errors import UsageError
from gradioshell.registry import Arg, Args, Grammar, command

if TYPE_CHECKING:
    from gradioshell.state import State


@command(
    "fn",
    "Call an endpoint by its index (for apps whose events have no api name)",
    Grammar(
        args=(Arg("index", "INDEX"), Arg("values", "VALUE", optional=True, many=True)),
        pairs=True,
    ),
    details="Gradio 3.x apps often leave events unnamed; 'endpoints' lists them as 'fn N'.",
)
async def fn(shell: State, args: Args) -> None:
    raise UsageError("usage: fn INDEX [VALUE...] [NAME=VALUE...]")  # resolved as a call
