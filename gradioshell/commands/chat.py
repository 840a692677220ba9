"""``chat``: talk to an app's chat endpoint, one turn from a script or chat mode at the
prompt (see :mod:`gradioshell.chat`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gradioshell.chathelp import SLASH_HELP
from gradioshell.registry import Arg, Args, Grammar, command
from gradioshell.targets import session_word

if TYPE_CHECKING:
    from gradioshell.chat import Conversation
    from gradioshell.parser import Word
    from gradioshell.sessions import Session
    from gradioshell.state import State


def conversation(session: Session, name: str | None) -> Conversation:
    """The conversation with the session's chat endpoint ``name`` (or its only one)."""
    from gradioshell.chat import Conversation, find_endpoint

    endpoint = find_endpoint(session, name)
    found = session.conversations.get(endpoint.name)
    if not isinstance(found, Conversation) or found.endpoint != endpoint:
        found = Conversation(session, endpoint)
        session.conversations[endpoint.name] = found
    return found


def _split(session: Session, words: list[Word], text: str) -> tuple[str | None, str | None]:
    """The endpoint named first (``/NAME``, or the name of a chat endpoint), and the
    message: the other words as typed (one quoted word: its text)."""
    from gradioshell.chat import is_chat_endpoint

    name: str | None = None
    words = [w for w in words if w.quoted or w.name is not None or session_word(w.value) is None]
    if words and not words[0].quoted and words[0].name is None:
        first = words[0].value
        if first.startswith("/") or (
            len(words) > 1
            and any(e.name == first and is_chat_endpoint(e) for e in session.app.endpoints)
        ):
            name, words = first, words[1:]
    if not words:
        return name, None
    if len(words) == 1 and words[0].name is None:
        return name, words[0].value
    return name, text[words[0].start : words[-1].end]


@command(
    "chat",
    "Talk to the app's chat endpoint: chat mode, or one turn with a message",
    Grammar(
        args=(
            # Read from the statement as typed (see _split); "chat" completes /ENDPOINT.
            Arg("words", "[/ENDPOINT] [MESSAGE]", kind="chat", optional=True, many=True),
            Arg("session", "SESSION", kind="session", optional=True, at=True),
        )
    ),
    details=(
        "The chat endpoint is ChatInterface's, or an event taking a message and a\n"
        "Chatbot's history; when an app has several, name one (chat /bot).\n"
        "'chat' alone enters chat mode at the prompt; 'chat \"MESSAGE\"' sends one turn\n"
        "and prints the answer (in scripts, its text once). The conversation goes on\n"
        "from one to the next: the app keeps the history (ChatInterface), or the shell\n"
        "does and sends it each turn. An endpoint named chat is called as /chat.\n\n" + SLASH_HELP
    ),
    free_text=True,
)
async def chat(shell: State, args: Args) -> None:
    session = shell.require_session(args.session)
    statement = args.statement
    words = list(statement.args) if statement is not None else []
    # The statement's text starts with its first word.
    start = statement.words[0].start if statement is not None and statement.words else 0
    text = statement.text if statement is not None else ""
    name, message = _split(session, words, " " * start + text)
    talk = conversation(session, name)
    if message is None:
        from gradioshell.results import Note

        clash = talk.endpoint.name == "chat"  # the built-in takes the word at the prompt
        shell.output.emit(
            Note(
                body=f"chat with /{talk.endpoint.name} · {session.name} "
                "(Ctrl-D or /exit to leave, /help for commands"
                + ("; the endpoint itself is /chat at the shell prompt)" if clash else ")"),
                style="dim",
                plain="",
            )
        )
        await shell.output.converse(shell, talk)
        return
    await talk.send(shell, message)
