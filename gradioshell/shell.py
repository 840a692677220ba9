"""The shell: sessions, settings and output, and the running of parsed commands."""

from __future__ import annotations

import asyncio
import contextlib
import difflib
import logging
import signal
import sys
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from typing import Any, TypeVar

from gradioshell import calls, login, network, retry
from gradioshell.commands import COMMANDS
from gradioshell.commands.fn import endpoint_by_index
from gradioshell.errors import CallFailed, ExitShell, ShellError, UsageError
from gradioshell.gradio import (
    Endpoint,
    GradioApp,
    GradioError,
    UnknownEndpoint,
)
from gradioshell.hub import RequestHook, TokenStore
from gradioshell.jobs import JobManager
from gradioshell.output import Output
from gradioshell.parser import ParseError, Statement, Word, parse_line
from gradioshell.sessions import CallRecord, Session, SessionRegistry
from gradioshell.settings import Settings

__all__ = ["Settings", "Shell", "nearest"]

log = logging.getLogger(__name__)
T = TypeVar("T")


class Shell:
    """Holds the session registry and settings, and runs statements."""

    def __init__(
        self, output: Output, settings: Settings | None = None, *, interactive: bool = False
    ) -> None:
        self.output = output
        self.interactive = interactive
        self.settings = settings or Settings()
        self.sessions = SessionRegistry()
        self.results: list[CallRecord] = []
        self.variables: dict[str, Any] = {}
        self.tokens = TokenStore()
        # Short status texts for the prompt's toolbar (e.g. running jobs); None hides one.
        self.status_items: list[Callable[[], str | None]] = []
        self._background: set[asyncio.Task[Any]] = set()
        self.jobs = JobManager(self)
        self.status_items.append(self.jobs.status)

    # -- running lines -------------------------------------------------------------------

    async def run_line(self, line: str, *, keep_going: bool | None = None) -> int:
        """Run the statements of ``line``; return 0 or the exit code of the last failure.

        A failure stops the rest of the line unless ``keep_going`` (default: the setting).
        """
        if keep_going is None:
            keep_going = self.settings.keep_going
        try:
            statements = parse_line(line)
        except ParseError as exc:
            self.output.error(f"{exc.message} (at column {exc.position + 1})")
            return UsageError.exit_code
        status = 0
        for statement in statements:
            code = await self.run_statement(statement)
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
            self.output.info("cancelled")
            return 130
        except Exception as exc:
            log.exception("internal error running %r", statement.text)
            hint = "" if self.settings.debug else " (run with --debug for details)"
            self.output.error(f"internal error: {type(exc).__name__}: {exc}{hint}")
            return 1
        return 0

    async def interruptible(self, work: Coroutine[Any, Any, T]) -> T:
        """Run ``work`` so that Ctrl-C cancels it instead of killing the shell."""
        loop = asyncio.get_running_loop()
        task = asyncio.ensure_future(work)
        if sys.platform == "win32":  # no signal handlers in Windows' event loops
            return await task

        # A plain signal handler rather than loop.add_signal_handler, which costs 0.2 to
        # 1 ms per statement (asyncio rebuilds the set of valid signals as enum members on
        # every add and remove). The handler runs in this, the main, thread between
        # bytecodes, and wakes the loop through its self-pipe.
        def cancel(signum: int, frame: object) -> None:
            if not task.done():
                with contextlib.suppress(RuntimeError):  # the loop is closed
                    loop.call_soon_threadsafe(task.cancel)

        cancel.interrupts_statement = True  # type: ignore[attr-defined]
        try:
            previous = signal.signal(signal.SIGINT, cancel)
        except (RuntimeError, ValueError):  # not the main thread
            return await task
        try:
            return await task
        finally:
            # Back to Python's default (KeyboardInterrupt), as after a statement always; a
            # statement run inside another (``wait``) hands Ctrl-C back to the outer one.
            nested = getattr(previous, "interrupts_statement", False)
            signal.signal(signal.SIGINT, previous if nested else signal.default_int_handler)

    async def execute(self, statement: Statement) -> None:
        """Run one statement; errors propagate."""
        name = statement.command
        words = statement.words
        if name.startswith("@") and len(name) > 1:
            session = self.sessions.get(name[1:])
            if len(words) < 2:
                raise UsageError(f"usage: @{session.name} ENDPOINT [ARGS...]")
            if words[1].value == "fn" and not words[1].quoted:
                endpoint, rest = endpoint_by_index(session, words[2:])
                await self.call(session, endpoint, rest, background=statement.background)
                return
            await self.call(
                session,
                session.app.endpoint(words[1].value),
                words[2:],
                background=statement.background,
            )
            return
        if name.startswith("/"):
            session = self.require_session()
            await self.call(
                session, session.app.endpoint(name), words[1:], background=statement.background
            )
            return
        builtin = COMMANDS.get(name)
        if builtin is not None and not words[0].quoted:
            if statement.background:
                raise UsageError(f"'&' runs endpoint calls in the background, not {name!r}")
            await builtin.handler(self, statement)
            return
        session = self.sessions.default
        if session is not None:
            try:
                endpoint = session.app.endpoint(name)
            except UnknownEndpoint:
                pass
            else:
                await self.call(session, endpoint, words[1:], background=statement.background)
                return
        raise ShellError(self._unknown(name))

    def _unknown(self, name: str) -> str:
        candidates = COMMANDS.names()
        if self.sessions.default is not None:
            candidates += [ep.name for ep in self.sessions.default.app.endpoints]
        message = f"unknown command or endpoint {name!r}"
        near = nearest(name, candidates)
        if near:
            return message + f"; did you mean {' or '.join(near)}?"
        if self.sessions.default is None:
            return message + " (no app connected: try 'connect URL')"
        return message + " (see 'help')"

    def require_session(self, name: str | None = None) -> Session:
        if name is not None:
            return self.sessions.get(name)
        if self.sessions.default is None:
            raise ShellError("no app connected: try 'connect URL'")
        return self.sessions.default

    # -- sessions ------------------------------------------------------------------------

    async def connect(
        self,
        target: str,
        name: str | None = None,
        *,
        url: str | None = None,
        on_request: RequestHook | None = None,
        aliases: Iterable[str] = (),
        user: str | None = None,
    ) -> Session:
        """Connect to ``url`` (default: ``target``); ``aliases`` also name the session.

        With ``user``, log in as that user (the password is asked for) if the app asks.
        """
        if name is not None and self.sessions.find(name) is not None:
            raise ShellError(f"a session named {name!r} already exists")
        auth = await login.credentials(user, target)
        with login.explained(target, user):
            app = await GradioApp.connect(
                url or target,
                timeouts=self.settings.timeouts,
                limits=self.settings.limits,
                verify=network.tls_verify(self.settings),
                on_request=on_request,
                auth=auth,
            )
        for other in self.sessions:
            # Sessions of one app share its parsed endpoints and API description: they are
            # not changed once made, and on a large app they are megabytes per session.
            if other.app.url == app.url and other.app.endpoints == app.endpoints:
                app.endpoints = other.app.endpoints
                if other.app.info == app.info:
                    app.info = other.app.info
                break
        free = [a for a in aliases if a != name and self.sessions.find(a) is None]
        session = Session(
            name=name or self.sessions.next_name(), target=target, app=app, aliases=free
        )
        self.sessions.add(session)
        return session

    async def close_session(self, session: Session) -> None:
        await self.jobs.stop_session(session)
        self.sessions.remove(session)
        await session.app.close()

    # -- calls ---------------------------------------------------------------------------

    async def call(
        self,
        session: Session,
        endpoint: Endpoint,
        words: Iterable[Word],
        *,
        background: bool = False,
    ) -> None:
        """Call ``endpoint`` with the argument words, streaming its events to the output;
        with ``background``, start it as a job and return at once."""
        base = retry.policy(self.settings)
        words, rules = retry.take_options(list(words), base)
        if background and rules != base:
            raise UsageError("--retries and --wait-quota are for calls in the foreground")
        data = await calls.prepare(self, session, endpoint, words)
        if background:
            self.jobs.say_started(self.jobs.start(session, endpoint, data))
            return
        await retry.run(
            self,
            session,
            endpoint,
            data,
            lambda: self.output.reporter(session.name, endpoint),
            rules,
        )

    def record(
        self,
        session: Session,
        endpoint: str,
        outputs: list[Any] | None,
        error: str | None,
        started: float,
    ) -> CallRecord:
        """Keep a finished call, numbered across all sessions (``$r1``, ``$r2``...)."""
        record = CallRecord(
            number=len(self.results) + 1,
            session=session.name,
            endpoint=endpoint,
            outputs=outputs,
            error=error,
            started=started,
            duration=time.monotonic() - started,
        )
        self.results.append(record)
        session.calls.append(record)
        return record

    # -- background work -----------------------------------------------------------------

    def spawn(self, work: Awaitable[Any]) -> asyncio.Task[Any]:
        """Run ``work`` in the background, keeping a reference until it ends."""
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task

    async def aclose(self) -> None:
        """Cancel the jobs still running, finish background work (briefly), close sessions."""
        self.jobs.cancel_all()
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            # Cancelled calls spawn their cancel requests: wait for those too.
            pending = [task for task in self._background if not task.done()]
            if not pending:
                break
            await asyncio.wait(pending, timeout=deadline - time.monotonic())
        for session in list(self.sessions):
            try:
                await self.close_session(session)
            except Exception:  # closing must not fail the exit
                log.debug("error closing %s", session.name, exc_info=True)


def nearest(word: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """The candidates closest to ``word``, ignoring case."""
    by_lower: dict[str, str] = {}
    for candidate in candidates:
        by_lower.setdefault(candidate.lower(), candidate)
    matches = difflib.get_close_matches(word.lower(), list(by_lower), n=n, cutoff=0.5)
    return [by_lower[m] for m in matches]
