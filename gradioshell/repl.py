"""The interactive loop: wires the completer, lexer, toolbar, history and key bindings
into a prompt, then reads a line, runs it, and repeats."""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

from prompt_toolkit import PromptSession
from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
from prompt_toolkit.enums import EditingMode
from prompt_toolkit.history import History, InMemoryHistory
from prompt_toolkit.output import ColorDepth
from prompt_toolkit.patch_stdout import patch_stdout
from prompt_toolkit.styles import DynamicStyle, Style

from gradioshell.completer import ShellCompleter
from gradioshell.errors import ExitShell
from gradioshell.history import ShellHistory, recent_targets
from gradioshell.key_bindings import build_key_bindings
from gradioshell.lexer import PromptLexer
from gradioshell.toolbar import toolbar

if TYPE_CHECKING:
    from prompt_toolkit.formatted_text import StyleAndTextTuples

    from gradioshell.shell import Shell

log = logging.getLogger(__name__)

STYLES = {
    "dark": {
        "prompt": "ansicyan bold",
        "pygments.name.function": "ansigreen bold",
        "pygments.name.namespace": "ansimagenta bold",
        "pygments.name.attribute": "ansicyan",
        "pygments.operator": "ansibrightblack",
        "pygments.literal.string": "ansiyellow",
        "pygments.literal.number": "ansibrightblue",
        "pygments.keyword.constant": "ansimagenta",
        "pygments.name.variable": "ansibrightmagenta",
        "pygments.comment": "ansibrightblack italic",
        "pygments.punctuation": "",
        "pygments.error": "ansired underline",
        "bottom-toolbar": "noreverse bg:#262626 #d0d0d0",
        "toolbar.session": "bg:ansicyan ansiblack bold",
        "toolbar.dim": "#8a8a8a",
        "toolbar.status": "ansiyellow",
        "toolbar.endpoint": "ansigreen bold",
        "toolbar.param": "",
        "toolbar.current": "reverse bold",
        "auto-suggestion": "#6c6c6c",
        "continuation": "ansibrightblack",
    },
    "light": {
        "prompt": "ansiblue bold",
        "pygments.name.function": "ansigreen bold",
        "pygments.name.namespace": "ansimagenta bold",
        "pygments.name.attribute": "ansiblue",
        "pygments.operator": "ansigray",
        "pygments.literal.string": "#875f00",
        "pygments.literal.number": "ansiblue",
        "pygments.keyword.constant": "ansimagenta",
        "pygments.name.variable": "ansimagenta",
        "pygments.comment": "ansigray italic",
        "pygments.punctuation": "",
        "pygments.error": "ansired underline",
        "bottom-toolbar": "noreverse bg:#e4e4e4 #303030",
        "toolbar.session": "bg:ansiblue ansiwhite bold",
        "toolbar.dim": "#6c6c6c",
        "toolbar.status": "#875f00",
        "toolbar.endpoint": "ansigreen bold",
        "toolbar.param": "",
        "toolbar.current": "reverse bold",
        "auto-suggestion": "#9e9e9e",
        "continuation": "ansigray",
    },
}


def prompt_text(shell: Shell) -> str:
    default = shell.sessions.default
    text = f"{default.name}> " if default is not None else "gradioshell> "
    if not shell.settings.verify_tls:
        text = "(insecure) " + text
    return text


def prompt_fragments(shell: Shell) -> StyleAndTextTuples:
    # One fragment, so the prompt reaches the terminal as one piece of text.
    return [("class:prompt", prompt_text(shell))]


def open_history() -> History:
    """The history file in the data directory, or an in-memory one if it cannot be made."""
    from gradioshell.config import data_dir

    try:
        directory = data_dir()
        return ShellHistory(directory / "history")
    except OSError:
        return InMemoryHistory()


def build_prompt(shell: Shell, history: History | None = None) -> PromptSession[str]:
    settings = shell.settings
    history = history if history is not None else open_history()

    def targets() -> list[str]:
        return recent_targets(reversed(history.get_strings()))

    def bottom_toolbar() -> StyleAndTextTuples:
        from prompt_toolkit.application.current import get_app

        app = get_app()
        text = app.current_buffer.document.text_before_cursor
        try:
            return toolbar(shell, text, app.output.get_size().columns)
        except Exception:  # the toolbar must never break the prompt
            log.exception("the toolbar failed")
            return []

    def continuation(width: int, line_number: int, wrap_count: int) -> StyleAndTextTuples:
        return [("class:continuation", "." * (width - 1) + " ")]

    return PromptSession(
        history=history,
        completer=ShellCompleter(shell, targets),
        complete_while_typing=False,
        auto_suggest=AutoSuggestFromHistory(),
        lexer=PromptLexer.for_shell(shell),
        bottom_toolbar=bottom_toolbar,
        key_bindings=build_key_bindings(shell.sessions),
        style=DynamicStyle(lambda: theme_style(settings.theme)),  # 'set ui.theme' at once
        color_depth=None if settings.color else ColorDepth.MONOCHROME,
        vi_mode=settings.vi_mode,
        prompt_continuation=continuation,
        enable_history_search=True,  # Up/Down: earlier lines starting with what is typed
        enable_open_in_editor=True,  # Ctrl-X Ctrl-E (and F4): the line in $EDITOR
        mouse_support=False,
    )


_THEMES: dict[str, Style] = {}


def theme_style(theme: str) -> Style:
    """The prompt's style for ``theme`` (made once per theme)."""
    if theme not in _THEMES:
        _THEMES[theme] = Style.from_dict(STYLES.get(theme, STYLES["dark"]))
    return _THEMES[theme]


async def run_repl(shell: Shell) -> int:
    """Run the prompt until ``exit`` or Ctrl-D; return the exit status."""
    session = build_prompt(shell)
    failures = 0
    while True:
        session.editing_mode = EditingMode.VI if shell.settings.vi_mode else EditingMode.EMACS
        try:
            # Background jobs print above the prompt without breaking the line being typed.
            with patch_stdout(raw=True):
                # Errors inside the prompt go to the shell's handler (the log), not to
                # prompt_toolkit's, which prints a traceback and waits for Enter.
                line = await session.prompt_async(
                    lambda: prompt_fragments(shell), set_exception_handler=False
                )
        except KeyboardInterrupt:
            continue
        except EOFError:
            if await confirm_exit(shell):
                return 0
            continue
        except Exception as exc:  # the prompt itself failed: say so, and prompt again
            log.exception("the prompt failed")
            shell.output.error(f"internal error in the prompt: {type(exc).__name__}: {exc}")
            failures += 1
            if failures >= 3:
                return 1
            continue
        failures = 0
        try:
            with keys_unechoed(shell):
                await shell.run_line(line, keep_going=True)
        except ExitShell as exc:
            if await confirm_exit(shell):
                return exc.code


@contextlib.contextmanager
def keys_unechoed(shell: Shell) -> Iterator[None]:
    """While a statement runs, keys typed are not echoed (nor Ctrl-C as ``^C``): echoed,
    they would land in the middle of a live panel and break its redrawing. What is typed
    stays in the terminal's buffer for the next prompt, unless Ctrl-C interrupted the
    statement: then it is dropped, as a shell drops a line. Ctrl-C never makes the terminal
    drop output not yet drawn."""
    interrupts = shell.interrupts
    try:
        import termios

        fd = sys.stdin.fileno()
        saved = termios.tcgetattr(fd)
    except (ImportError, OSError, ValueError):  # not a terminal, or not a POSIX one
        yield
        return
    quiet = list(saved)
    quiet[3] &= ~(termios.ECHO | termios.ICANON | getattr(termios, "ECHOCTL", 0))
    # Ctrl-C must not make the terminal driver drop output not yet drawn: a live panel cut
    # in the middle can no longer be erased, and its pieces stay on the screen.
    quiet[3] |= termios.NOFLSH
    try:
        termios.tcsetattr(fd, termios.TCSANOW, quiet)
    except termios.error:
        yield
        return
    try:
        yield
    finally:
        with contextlib.suppress(termios.error):
            if shell.interrupts != interrupts:
                termios.tcflush(fd, termios.TCIFLUSH)
            termios.tcsetattr(fd, termios.TCSANOW, saved)


async def confirm_exit(shell: Shell) -> bool:
    """With jobs still running, ask before leaving (leaving cancels them)."""
    count = len(shell.jobs.running())
    if not count:
        return True
    question = (
        f"{count} job{'s are' if count > 1 else ' is'} still running; exit and cancel? [y/N] "
    )
    try:
        answer = await PromptSession[str]().prompt_async(question)
    except (EOFError, KeyboardInterrupt):
        return False
    return answer.strip().lower() in ("y", "yes")
