"""Key bindings of the prompt, on top of prompt_toolkit's Emacs (or vi) defaults."""

from __future__ import annotations

from typing import TYPE_CHECKING

from prompt_toolkit.application.current import get_app
from prompt_toolkit.filters import Condition, has_completions, has_focus
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.keys import Keys

from gradioshell.parser import ParseError, parse_line
from gradioshell.targets import parse_statements

if TYPE_CHECKING:
    from gradioshell.sessions import SessionRegistry


def is_incomplete(text: str, sessions: SessionRegistry | None = None) -> bool:
    """Whether ``text`` ends inside a quote or bracket, so Enter should continue it. With the
    ``sessions``, a quote left open in an endpoint's free text does not count."""
    try:
        if sessions is None:
            parse_line(text)
        else:
            parse_statements(text, sessions)
    except ParseError as exc:
        return exc.incomplete
    return False


def build_key_bindings(sessions: SessionRegistry | None = None) -> KeyBindings:
    bindings = KeyBindings()

    @Condition
    def line_incomplete() -> bool:
        return is_incomplete(get_app().current_buffer.text, sessions)

    @Condition
    def completion_selected() -> bool:
        state = get_app().current_buffer.complete_state
        return state is not None and state.current_completion is not None

    @bindings.add(
        "enter", filter=has_focus("DEFAULT_BUFFER") & line_incomplete & ~completion_selected
    )
    def _continue_line(event: KeyPressEvent) -> None:
        """An open quote or bracket: Enter starts a new line of the same command."""
        event.current_buffer.newline(copy_margin=False)

    @bindings.add("enter", filter=has_focus("DEFAULT_BUFFER") & completion_selected)
    def _take_completion(event: KeyPressEvent) -> None:
        """With a completion selected in the menu, Enter takes it and keeps editing."""
        event.current_buffer.complete_state = None

    @bindings.add(Keys.Escape, "enter", filter=has_focus("DEFAULT_BUFFER"))
    def _newline(event: KeyPressEvent) -> None:
        """Alt-Enter: a new line in the command, whatever it holds."""
        event.current_buffer.newline(copy_margin=False)

    @bindings.add("f4", filter=has_focus("DEFAULT_BUFFER"))
    def _edit(event: KeyPressEvent) -> None:
        """F4 (as Ctrl-X Ctrl-E): edit the line in $EDITOR, then run what was saved."""
        event.current_buffer.open_in_editor(validate_and_handle=True)

    @bindings.add("c-space", filter=has_focus("DEFAULT_BUFFER") & ~has_completions)
    def _complete(event: KeyPressEvent) -> None:
        """Ctrl-Space: open the completion menu."""
        event.current_buffer.start_completion(select_first=False)

    return bindings
