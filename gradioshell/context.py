"""What running calls needs of the shell, handed down the call path and never called back.

The call path (:mod:`gradioshell.calls`, :mod:`gradioshell.transfers`,
:mod:`gradioshell.refs`, :mod:`gradioshell.jobs`, :mod:`gradioshell.retry`) takes a
:class:`CallContext`: the settings, the sessions, the output, the record of finished calls
(``$_``, ``$rN``), the variables, the Hugging Face tokens, and a place for work that goes on
after a call (a cancel request to the app). It returns what happened; it does not reach up
into the shell that runs statements.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import signal
import sys
import time
from collections.abc import Awaitable, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

from gradioshell.errors import ShellError
from gradioshell.sessions import CallRecord, Session, SessionRegistry
from gradioshell.settings import Settings

if TYPE_CHECKING:
    from gradioshell.hub import TokenStore
    from gradioshell.results import Output

T = TypeVar("T")


class CallContext:
    """The state calls run in; :class:`gradioshell.state.State` is one."""

    def __init__(
        self, output: Output, settings: Settings | None = None, *, interactive: bool = False
    ) -> None:
        self.output = output
        self.interactive = interactive
        self.settings = settings or Settings()
        self.sessions = SessionRegistry()
        self.results: list[CallRecord] = []
        self.variables: dict[str, Any] = {}
        self._background: set[asyncio.Task[Any]] = set()

    @functools.cached_property
    def tokens(self) -> TokenStore:
        """The Hugging Face tokens, read when first needed (the Hub client is not imported
        by a start-up that never speaks to the Hub)."""
        from gradioshell.hub import TokenStore

        return TokenStore()

    def require_session(self, name: str | None = None) -> Session:
        """The session ``name``, or the default one; a one-line error when there is none."""
        if name is not None:
            return self.sessions.get(name)
        if self.sessions.default is None:
            raise ShellError("no app connected: try 'connect URL'")
        return self.sessions.default

    def record(
        self,
        session: Session,
        endpoint: str,
        outputs: list[Any] | None,
        error: str | None,
        started: float,
        *,
        cancelled: bool = False,
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
            cancelled=cancelled,
        )
        self.results.append(record)
        session.calls.append(record)
        return record

    def spawn(self, work: Awaitable[Any]) -> asyncio.Task[Any]:
        """Run ``work`` in the background, keeping a reference until it ends."""
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task

    async def finish_background(self, seconds: float = 2.0) -> None:
        """Let background work (cancel requests) end, for at most ``seconds``."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            # Cancelled calls spawn their cancel requests: wait for those too.
            pending = [task for task in self._background if not task.done()]
            if not pending:
                break
            await asyncio.wait(pending, timeout=deadline - time.monotonic())

    #: How many times Ctrl-C has interrupted a statement, for the prompt to drop what was
    #: typed during one (the terminal keeps it: see ``repl.keys_unechoed``).
    interrupts = 0

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
            self.interrupts += 1
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
