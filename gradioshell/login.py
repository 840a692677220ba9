"""Logging in to apps protected by a password: ``connect URL --user NAME``.

The password comes from ``GRADIOSHELL_PASSWORD`` or is asked with hidden input; it is
never echoed, logged or kept after the login (the app's cookies are).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager

from gradioshell.errors import ShellError, UsageError
from gradioshell.gradio import AuthenticationRequired, LoginFailed

PASSWORD_VARIABLE = "GRADIOSHELL_PASSWORD"


def take_user(args: list[str]) -> tuple[str | None, list[str]]:
    """Split ``--user NAME`` (or ``--user=NAME``) out of a command's words."""
    user: str | None = None
    rest: list[str] = []
    words = iter(args)
    for word in words:
        if word == "--user":
            user = next(words, None)
            if not user:
                raise UsageError("--user needs a user name: --user NAME")
        elif word.startswith("--user="):
            user = word.split("=", 1)[1]
            if not user:
                raise UsageError("--user needs a user name: --user NAME")
        else:
            rest.append(word)
    return user, rest


async def credentials(
    user: str | None, target: str, ask: Callable[..., Awaitable[str | None]]
) -> tuple[str, str] | None:
    """The user and password to log in with, asking for the password (with ``ask``, hidden)
    if need be."""
    if user is None:
        return None
    password = os.environ.get(PASSWORD_VARIABLE)
    if password is None:
        if not sys.stdin.isatty():
            raise ShellError(
                f"a password is needed: set {PASSWORD_VARIABLE}, or run the shell in a terminal"
            )
        password = await ask(f"password for {user} at {target}: ", secret=True)
        if password is None:
            raise ShellError("login cancelled")
    return user, password


@contextmanager
def explained(target: str, user: str | None) -> Iterator[None]:
    """Turn the protocol layer's login errors into messages that say what to type."""
    try:
        yield
    except LoginFailed:
        raise ShellError(
            f"{target} refused the login: wrong password for --user {user}, or no such user"
        ) from None
    except AuthenticationRequired:
        if user is None:
            raise ShellError(
                f"{target} requires a login: connect {target} --user NAME "
                f"(the password is asked, or read from {PASSWORD_VARIABLE})"
            ) from None
        raise
