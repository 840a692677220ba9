"""What chat mode's slash commands are, in words: for ``/help``, ``help chat`` and the
docs, without importing chat mode itself."""

from __future__ import annotations

SLASH_INTRO = (
    "In chat mode a line is a message, sent as typed (no quoting). Alt-Enter starts a "
    "new line; pasted text is one message; // starts a message with a slash."
)
SLASH_ROWS = (
    ("/help", "these commands"),
    ("/exit", "back to the shell prompt (Ctrl-D too), the conversation kept"),
    ("/retry", "send the last message again"),
    ("/undo", "take back the last exchange (where the shell keeps history)"),
    ("/clear", "a new conversation (a new session where the app keeps it)"),
    ("/history", "the conversation so far"),
    ("/save FILE", "the conversation as Markdown (FILE.json: the messages)"),
    ("/load FILE", "a saved .json conversation back (where the shell keeps it)"),
    ("/set NAME VALUE", "one of the app's other inputs (temperature...), kept"),
    ("/settings", "those inputs and their values"),
    ("/attach PATH...", "files for the next message (multimodal apps)"),
)
SLASH_OUTRO = "Ctrl-C stops an answer (the app stops too) and keeps what came."
SLASH_HELP = "\n".join(
    [
        SLASH_INTRO.replace(" Alt-Enter", "\nAlt-Enter"),
        *(f"  {name:<17} {what}" for name, what in SLASH_ROWS),
        SLASH_OUTRO,
    ]
)

SLASH_COMMANDS = (
    "/help",
    "/exit",
    "/retry",
    "/undo",
    "/clear",
    "/history",
    "/save",
    "/load",
    "/set",
    "/settings",
    "/attach",
)
