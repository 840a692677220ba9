"""The protocol layer: everything about talking to a Gradio app.

It knows nothing of the terminal; the shell imports it, never the reverse.
"""

from gradioshell.gradio.call import HIDDEN_ERROR, Call, SessionNotFound
from gradioshell.gradio.client import GradioApp, normalize_url
from gradioshell.gradio.errors import (
    ArgumentError,
    AuthenticationRequired,
    ConnectionFailed,
    GradioError,
    HTTPError,
    LoginFailed,
    NotAGradioApp,
    ProtocolError,
    QueueFull,
    ResponseTooLarge,
    TimedOut,
    TooManyRequests,
    Unavailable,
    UnknownEndpoint,
    UnsupportedApp,
    ValidationFailed,
)
from gradioshell.gradio.events import (
    Completed,
    Event,
    Failed,
    Generating,
    Log,
    Progress,
    ProgressUnit,
    Queued,
    Started,
)
from gradioshell.gradio.files import FileError, file_kind, is_file_parameter
from gradioshell.gradio.limits import Limits, Timeouts
from gradioshell.gradio.models import AppConfig, Endpoint, Parameter, Return
from gradioshell.gradio.values import bind, convert

__all__ = [
    "HIDDEN_ERROR",
    "AppConfig",
    "ArgumentError",
    "AuthenticationRequired",
    "Call",
    "Completed",
    "ConnectionFailed",
    "Endpoint",
    "Event",
    "Failed",
    "FileError",
    "Generating",
    "GradioApp",
    "GradioError",
    "HTTPError",
    "Limits",
    "Log",
    "LoginFailed",
    "NotAGradioApp",
    "Parameter",
    "Progress",
    "ProgressUnit",
    "ProtocolError",
    "QueueFull",
    "Queued",
    "ResponseTooLarge",
    "Return",
    "SessionNotFound",
    "Started",
    "TimedOut",
    "Timeouts",
    "TooManyRequests",
    "Unavailable",
    "UnknownEndpoint",
    "UnsupportedApp",
    "ValidationFailed",
    "bind",
    "convert",
    "file_kind",
    "is_file_parameter",
    "normalize_url",
]
