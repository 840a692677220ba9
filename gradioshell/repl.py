"""The interactive loop: read a line at the prompt, run it, repeat."""

from __future__ import annotations

from prompt_toolkit import PromptSession
from prompt_toolkit.history import InMemoryHistory

from gradioshell.errors import ExitShell
from gradioshell.shell import Shell


def prompt_text(shell: Shell) -> str:
    default = shell.sessions.default
    text = f"{default.name}> " if default is not None else "gradioshell> "
    if not shell.settings.verify_tls:
        text = "(insecure) " + text
    return text


async def run_repl(shell: Shell) -> int:
    """Run the prompt until ``exit`` or Ctrl-D; return the exit status."""
    session: PromptSession[str] = PromptSession(history=InMemoryHistory())
    while True:
        try:
            line = await session.prompt_async(lambda: prompt_text(shell))
        except KeyboardInterrupt:
            continue
        except EOFError:
            return 0
        try:
            await shell.run_line(line, keep_going=True)
        except ExitShell as exc:
            return exc.code
