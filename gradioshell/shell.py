"""The shell: runs typed lines, one statement at a time, on the shell's state.

What a statement addresses is the resolver's answer (:mod:`gradioshell.targets`): a built-in
command, parsed with its grammar and run with the state, or an endpoint, called. Errors are
one line each; nothing here draws anything (the output of the mode does).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import subprocess
from collections.abc import AsyncIterator
from typing import IO, TextIO, cast

from gradioshell import commands
from gradioshell.errors import CallFailed, ExitShell, ShellError, UsageError
from gradioshell.gradio import GradioError
from gradioshell.parser import ParseError, Redirect, Statement, Word
from gradioshell.settings import Settings
from gradioshell.state import State
from gradioshell.targets import (
    Target,
    free_text,
    free_text_parameter,
    nearest,
    parse_statements,
    resolve,
)

__all__ = ["Settings", "Shell", "nearest"]

log = logging.getLogger(__name__)

#: How deep aliases may stand for other aliases.
ALIAS_DEPTH = 10


class Shell(State):
    """The state, and the running of statements on it."""

    registry = commands.COMMANDS

    async def run_line(self, line: str, *, keep_going: bool | None = None) -> int:
        """Run the statements of ``line``; return 0 or the exit code of the last failure.

        A failure stops the rest of the line unless ``keep_going`` (default: the setting).
        """
        if keep_going is None:
            keep_going = self.settings.keep_going
        try:
            statements = parse_statements(line, self.sessions, self.registry)
        except ParseError as exc:
            self.output.error(f"{exc.message} (at column {exc.position + 1})")
            return UsageError.exit_code
        status = 0
        # A pasted block runs a statement per line, each shown as it starts.
        block = len(statements) > 1 and "\n" in line.strip()
        for statement in statements:
            if block:
                self.output.info(f"› {statement.text}")
            code = await self.run_statement(statement)
            await self.output.settled()
            if code:
                status = code
                if not keep_going:
                    break
        return status

    async def run_statement(self, statement: Statement) -> int:
        """Run one statement, showing any error as one line; return its exit code."""
        try:
            await self.interruptible(self.execute(statement))
        except ExitShell:
            raise
        except CallFailed:
            return CallFailed.exit_code
        except ShellError as exc:
            self.output.error(str(exc))
            return exc.exit_code
        except GradioError as exc:
            self.output.error(str(exc))
            return 1
        except asyncio.CancelledError:
            # Python 3.11+ tells a cancel of this task (shut-down) from Ctrl-C's cancel of
            # the work; on 3.10 every cancel here comes from Ctrl-C.
            cancelling = getattr(asyncio.current_task(), "cancelling", None)
            if cancelling is not None and cancelling():
                raise
            self.output.cancelled()
            return 130
        except Exception as exc:
            log.exception("internal error running %r", statement.text)
            hint = "" if self.settings.debug else " (run with --debug for details)"
            self.output.error(f"internal error: {type(exc).__name__}: {exc}{hint}")
            return 1
        return 0

    async def execute(self, statement: Statement) -> None:
        """Run one statement; errors propagate."""
        if statement.redirect is None:
            await self._execute(statement)
            return
        async with redirected(self, statement.redirect):
            await self._execute(statement)

    async def _execute(self, statement: Statement) -> None:
        expanded = self._expand_alias(statement)
        if expanded is not None:
            if self._alias_depth >= ALIAS_DEPTH:
                raise UsageError(f"alias {statement.command!r} stands for itself, in a loop")
            self._alias_depth += 1
            try:
                status = await self.run_line(expanded, keep_going=False)
            finally:
                self._alias_depth -= 1
            if status:
                raise CallFailed(f"{statement.command} failed")
            return
        target = resolve(statement.words, self.sessions, self.registry).check()
        if target.asks_help:
            from gradioshell.commands.core import show_help

            show_help(self, target)
            return
        if target.command is not None:
            if statement.background:
                name = statement.command
                raise UsageError(f"'&' runs endpoint calls in the background, not {name!r}")
            await target.command.handler(self, target.command.parse(statement))
            return
        assert target.session is not None and target.endpoint is not None
        words = target.arguments(statement.words)
        if free_text_parameter(target.endpoint) is not None and not self._fits(target, words):
            words = free_text(target, statement)
        await self.call(target.session, target.endpoint, words, background=statement.background)

    _alias_depth = 0

    def _expand_alias(self, statement: Statement) -> str | None:
        """The statement an alias stands for, its arguments put in (None: not an alias)."""
        first = statement.words[0] if statement.words else None
        if first is None or first.quoted or first.name is not None:
            return None
        template = self.settings.aliases.get(first.value)
        if template is None or self.registry.get(first.value) is not None:
            return None
        base = first.start
        given = [statement.text[w.start - base : w.end - base] for w in statement.words[1:]]
        used = False

        def argument(match: re.Match[str]) -> str:
            nonlocal used
            used = True
            if match.group(1) == "*":
                return " ".join(given)
            number = int(match.group(1))
            return given[number - 1] if number <= len(given) else ""

        line = re.sub(r"\$(\*|[1-9][0-9]*)", argument, template)
        if not used and given:
            line += " " + " ".join(given)
        return line + (" &" if statement.background else "")

    def _fits(self, target: Target, words: list[Word]) -> bool:
        """Whether ``words`` work as separate values of the endpoint (``echo hi 2``)."""
        from gradioshell import calls, retry
        from gradioshell.refs import parse_reference

        assert target.endpoint is not None
        if any(not w.quoted and parse_reference(w.value) is not None for w in words):
            return True  # a reference ($_, $r2) is a value of its own, never words of a text
        try:
            given, _ = retry.take_options(list(words), retry.policy(self.settings))
            calls.bind_words(self, target.endpoint, given)
        except (ShellError, ValueError, GradioError):
            return False
        return True


@contextlib.asynccontextmanager
async def redirected(shell: State, redirect: Redirect) -> AsyncIterator[None]:
    """While a statement runs, its plain output goes to a file (``>``, ``>>``) or to the
    standard input of a system shell command (``|``), as it comes; messages stay where they
    were. A command that fails makes the statement fail, as the end of a pipeline does."""
    process: subprocess.Popen[str] | None = None
    if redirect.kind == "|":
        try:
            process = subprocess.Popen(
                redirect.target, shell=True, stdin=subprocess.PIPE, text=True, encoding="utf-8"
            )
        except OSError as exc:
            raise ShellError(f"cannot run {redirect.target!r}: {exc.strerror or exc}") from None
        assert process.stdin is not None
        stream: IO[str] = process.stdin
    else:
        path = os.path.expanduser(redirect.target)
        try:
            stream = open(path, "a" if redirect.kind == ">>" else "w", encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            raise ShellError(f"cannot write to {redirect.target}: {exc.strerror or exc}") from None
    saved = shell.output
    to_file = redirect.target if process is None else None
    shell.output = saved.redirected(cast(TextIO, Unbroken(stream)), to_file=to_file)
    try:
        yield
    finally:
        shell.output = saved
        with contextlib.suppress(OSError):
            stream.close()
        if process is not None:
            await asyncio.get_running_loop().run_in_executor(None, process.wait)
    if process is not None and process.returncode not in (0, -13):  # -13: SIGPIPE (head)
        raise CallFailed(f"{redirect.target!r} exited with status {process.returncode}")


class Unbroken:
    """A stream whose reader may stop reading (``| head -1``): what comes after is dropped."""

    encoding = "utf-8"

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.broken = False

    def write(self, text: str) -> int:
        if not self.broken:
            try:
                self.stream.write(text)
            except (BrokenPipeError, ValueError):
                self.broken = True
        return len(text)

    def flush(self) -> None:
        if not self.broken:
            try:
                self.stream.flush()
            except (BrokenPipeError, ValueError):
                self.broken = True

    def isatty(self) -> bool:
        return False
