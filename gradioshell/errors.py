"""Errors of the shell itself, printed to the user as one line."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gradioshell.gradio import Failed


class ShellError(Exception):
    """A command could not do what was asked; the message is for the user."""

    exit_code = 1


class UsageError(ShellError):
    """A command was written wrongly."""

    exit_code = 2


class CallFailed(ShellError):
    """An endpoint call ended with an error that has already been shown."""


class AppFailed(CallFailed):
    """The app answered a call with an error: ``failure`` as shown, ``original`` as sent
    (the two differ where the shell explains a message, such as a GPU quota)."""

    def __init__(self, failure: Failed, original: Failed | None = None) -> None:
        super().__init__(failure.message)
        self.failure = failure
        self.original = original or failure


class ExitShell(Exception):
    """Leave the shell (``exit``, ``quit``)."""

    def __init__(self, code: int = 0) -> None:
        super().__init__(code)
        self.code = code
