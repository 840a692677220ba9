"""Chat mode at the prompt: a ``you›`` prompt whose lines are messages, sent as typed, and
slash commands (run by :func:`gradioshell.chat.handle_line`); answers stream through the
output's chat reporter. Ctrl-C stops an answer; Ctrl-D or ``/exit`` goes back to the shell."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from prompt_toolkit import PromptSession
from prompt_toolkit.completion import CompleteEvent, Completer, Completion, PathCompleter
from prompt_toolkit.document import Document
from prompt_toolkit.history import InMemoryHistory
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.styles import DynamicStyle

from gradioshell.chat import Conversation, handle_line
from gradioshell.chathelp import SLASH_COMMANDS
from gradioshell.errors import CallFailed, ShellError
from gradioshell.gradio import GradioError

if TYPE_CHECKING:
    from gradioshell.context import CallContext
    from gradioshell.results import Output

log = logging.getLogger(__name__)

PROMPT = "you› "


class ChatCompleter(Completer):
    """Slash commands and their arguments only: a message is never completed."""

    def __init__(self, talk: Conversation) -> None:
        self.talk = talk
        self.paths = PathCompleter(expanduser=True)

    def get_completions(
        self, document: Document, complete_event: CompleteEvent
    ) -> Iterable[Completion]:
        text = document.text_before_cursor
        if not text.startswith("/") or "\n" in text:
            return
        if " " not in text:
            for name in SLASH_COMMANDS:
                if name.startswith(text):
                    yield Completion(name, start_position=-len(text))
            return
        name, _, rest = text.partition(" ")
        if name in ("/attach", "/save", "/load"):
            word = rest.rsplit(" ", 1)[-1] if name == "/attach" else rest
            yield from self.paths.get_completions(Document(word, len(word)), complete_event)
        elif name == "/set":
            key, space, value = rest.partition(" ")
            params = self.talk.extra_parameters()
            if not space:
                for p in params:
                    if p.name.lower().startswith(key.lower()):
                        yield Completion(p.name, start_position=-len(key), display_meta=p.kind)
                return
            for p in params:
                if p.name == key:
                    for choice in p.choices:
                        shown = str(choice)
                        if shown.lower().startswith(value.lower()):
                            yield Completion(shown, start_position=-len(value))


def _bindings() -> KeyBindings:
    bindings = KeyBindings()

    @bindings.add("escape", "enter")
    def _newline(event: KeyPressEvent) -> None:
        """Alt-Enter: a new line in the message."""
        event.current_buffer.insert_text("\n")

    return bindings


async def run_chat(output: Output, shell: CallContext, talk: Conversation) -> None:
    """Read and run chat mode's lines until ``/exit`` or Ctrl-D."""
    from gradioshell.repl import theme_style

    prompt: PromptSession[str] = PromptSession(
        history=InMemoryHistory(),
        completer=ChatCompleter(talk),
        complete_while_typing=False,
        key_bindings=_bindings(),
        style=DynamicStyle(lambda: theme_style(shell.settings.theme)),
        prompt_continuation=lambda width, line, wrap: " " * width,
        mouse_support=False,
    )
    while True:
        try:
            line = await prompt.prompt_async(
                [("class:prompt", PROMPT)], set_exception_handler=False
            )
        except KeyboardInterrupt:
            continue
        except EOFError:
            break
        try:
            leaving = await shell.interruptible(handle_line(shell, talk, line))
        except CallFailed:
            output.info("/retry sends it again")  # the app's error is shown with the answer
            continue
        except (ShellError, GradioError) as exc:
            output.error(str(exc))
            continue
        except asyncio.CancelledError:
            cancelling = getattr(asyncio.current_task(), "cancelling", None)
            if cancelling is not None and cancelling():
                raise
            output.told_cancelled = False  # the answer says it stopped
            continue
        except Exception as exc:  # one bad turn must not end chat mode
            log.exception("internal error in chat mode")
            output.error(f"internal error: {type(exc).__name__}: {exc}")
            continue
        if leaving:
            break
    output.info(f"back to the shell; 'chat' goes on with /{talk.endpoint.name}")
