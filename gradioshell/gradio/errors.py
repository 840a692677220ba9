"""Errors raised by the protocol layer, each with a message written for the user."""

from __future__ import annotations


class GradioError(Exception):
    """Base class: anything that went wrong talking to a Gradio app."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ConnectionFailed(GradioError):
    """The app could not be reached (refused, DNS, TLS, timeout, dropped)."""


class TimedOut(ConnectionFailed):
    """A call gave up waiting. ``phase`` says where: ``queue`` (it never started) or
    ``run`` (it started and then said nothing); the app itself was still answering."""

    def __init__(self, message: str, phase: str = "run") -> None:
        super().__init__(message)
        self.phase = phase


class NotAGradioApp(GradioError):
    """Something answered, but it is not a Gradio app."""


class HTTPError(GradioError):
    """The app answered with an error status."""

    def __init__(self, message: str, status: int, detail: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.detail = detail


class AuthenticationRequired(HTTPError):
    """The app is protected by a login and this client is not logged in."""

    def __init__(self, message: str, status: int = 401, detail: str | None = None) -> None:
        super().__init__(message, status, detail)


class LoginFailed(AuthenticationRequired):
    """The app refused the user name or password."""


class QueueFull(HTTPError):
    """The app's queue refused the call (503): full, or stopped while the app restarts."""

    @property
    def stopped(self) -> bool:
        return "stopped" in (self.detail or "").lower()


class TooManyRequests(HTTPError):
    """429: ``retry_after`` is the number of seconds the server asks to wait, when it says."""

    def __init__(
        self, message: str, retry_after: float | None = None, detail: str | None = None
    ) -> None:
        super().__init__(message, 429, detail)
        self.retry_after = retry_after


class Unavailable(HTTPError):
    """502, 503 (not from the queue) or 504: the app or a proxy in front of it is not
    answering for now; the same request may work a moment later."""


class ValidationFailed(HTTPError):
    """The app rejected the inputs (422); ``errors`` pairs parameter names with messages."""

    def __init__(self, message: str, errors: list[tuple[str, str]]) -> None:
        super().__init__(message, 422)
        self.errors = errors


class ProtocolError(GradioError):
    """The app sent something this client cannot understand."""


class ResponseTooLarge(ProtocolError):
    """An answer of the app went past a size limit and was cut off."""

    def __init__(self, message: str, limit: int) -> None:
        super().__init__(message)
        self.limit = limit


class UnsupportedApp(GradioError):
    """The app speaks a protocol this client does not implement."""


class ArgumentError(GradioError):
    """Arguments given for an endpoint do not fit its parameters."""


class UnknownEndpoint(ArgumentError):
    """No endpoint of that name."""

    def __init__(self, message: str, suggestions: list[str]) -> None:
        super().__init__(message)
        self.suggestions = suggestions
