"""The interactive loop: read a line at the prompt, run it, repeat."""

from __future__ import annotations

from prompt_toolkit import PromptSession
from prompt_toolkit.history import InMemoryHistory
from prompt_toolkit.patch_stdout import patch_stdout

from gradioshell.errors import ExitShell
from gradioshell.shell import Shell


def prompt_text(shell: Shell) -> str:
    default = shell.sessions.default
    return f"{default.name}> " if default is not None else "gradioshell> "


async def run_repl(shell: Shell) -> int:
    """Run the prompt until ``exit`` or Ctrl-D; return the exit status."""
    session: PromptSession[str] = PromptSession(history=InMemoryHistory())
    while True:
        try:
            # Background jobs print above the prompt without breaking the line being typed.
            with patch_stdout(raw=True):
                line = await session.prompt_async(lambda: prompt_text(shell))
        except KeyboardInterrupt:
            continue
        except EOFError:
            if await confirm_exit(shell):
                return 0
            continue
        try:
            await shell.run_line(line, keep_going=True)
        except ExitShell as exc:
            if await confirm_exit(shell):
                return exc.code


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
