"""The few spellings that changed between the Gradio releases the corpus runs on."""

from __future__ import annotations

from typing import Any

from tests.corpus.model import gradio_version


def major() -> int:
    return gradio_version()[0]


def undocumented() -> dict[str, Any]:
    """Event options for an endpoint callable by name but left out of the API page."""
    return {"api_visibility": "undocumented"} if major() >= 6 else {"show_api": False}


def messages() -> dict[str, Any]:
    """Chatbot/ChatInterface options for the messages format (the only one from 6.0)."""
    return {} if major() >= 6 else {"type": "messages"}


def tuples() -> dict[str, Any]:
    """Chatbot/ChatInterface options for the tuples format (3.x only had it; gone in 6.0)."""
    return {} if major() == 3 else {"type": "tuples"}


def flagging(manual: bool = True) -> dict[str, Any]:
    """Interface options that turn on the flag button."""
    if major() >= 5:
        return {"flagging_mode": "manual" if manual else "never"}
    return {"allow_flagging": "manual" if manual else "never"}


def filepath() -> str:
    """``gr.File``'s type for a path on disk (3.x hands over a temporary file object)."""
    return "file" if major() == 3 else "filepath"


def path_of(value: Any) -> str:
    """The path of what a 3.x or later gr.File hands the function."""
    return value if isinstance(value, str) else value.name


def user_turns(history: list[Any]) -> int:
    """How many messages the user has sent in a chat history, in either format."""
    if not history:
        return 0
    first = history[0]
    if isinstance(first, dict) or hasattr(first, "role"):
        return sum(1 for m in history if _role(m) == "user")
    return len(history)


def _role(message: Any) -> Any:
    return message.get("role") if isinstance(message, dict) else getattr(message, "role", None)
