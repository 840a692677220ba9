"""The protocol layer: everything about talking to a Gradio app.

It knows nothing of the terminal; the shell imports it, never the reverse. Each name below
is imported from its module when it is first asked for, so that a start-up that needs only
some of the layer (its errors, say) does not pay for all of it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

#: Where each name of the layer is defined.
_WHERE = {
    "AppConfig": "models",
    "ArgumentError": "errors",
    "AuthenticationRequired": "errors",
    "Call": "call",
    "Completed": "events",
    "ConnectionFailed": "errors",
    "Endpoint": "models",
    "Event": "events",
    "Failed": "events",
    "FileError": "files",
    "Generating": "events",
    "GradioApp": "client",
    "GradioError": "errors",
    "HIDDEN_ERROR": "call",
    "HTTPError": "errors",
    "Limits": "limits",
    "Log": "events",
    "LoginFailed": "errors",
    "NotAGradioApp": "errors",
    "Parameter": "models",
    "Progress": "events",
    "ProgressUnit": "events",
    "ProtocolError": "errors",
    "QueueFull": "errors",
    "Queued": "events",
    "ResponseTooLarge": "errors",
    "Return": "models",
    "SessionNotFound": "call",
    "Started": "events",
    "TimedOut": "errors",
    "Timeouts": "limits",
    "TooManyRequests": "errors",
    "Unavailable": "errors",
    "UnknownEndpoint": "errors",
    "UnsupportedApp": "errors",
    "ValidationFailed": "errors",
    "bind": "values",
    "convert": "values",
    "file_kind": "files",
    "is_file_parameter": "files",
    "normalize_url": "client",
}

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


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
