"""The shell's state and what it does with it: sessions, settings, output, the record of
calls, jobs; connecting, closing and calling. Running typed statements is :mod:`gradioshell.shell`,
which is the only module above the commands."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from gradioshell.context import CallContext
from gradioshell.errors import ShellError, UsageError
from gradioshell.jobs import JobManager
from gradioshell.sessions import Session

if TYPE_CHECKING:
    from gradioshell.gradio import Endpoint, GradioApp
    from gradioshell.hub import RequestHook
    from gradioshell.parser import Word
    from gradioshell.results import Output
    from gradioshell.settings import Settings

log = logging.getLogger(__name__)


class State(CallContext):
    """Holds the session registry, settings, output, results and jobs."""

    def __init__(
        self, output: Output, settings: Settings | None = None, *, interactive: bool = False
    ) -> None:
        super().__init__(output, settings, interactive=interactive)
        # Short status texts for the prompt's toolbar (e.g. running jobs); None hides one.
        self.status_items: list[Callable[[], str | None]] = []
        self.jobs = JobManager(self)
        self.status_items.append(self.jobs.status)

    # -- sessions ------------------------------------------------------------------------

    async def open_app(
        self,
        target: str,
        *,
        url: str | None = None,
        on_request: RequestHook | None = None,
        user: str | None = None,
    ) -> GradioApp:
        """Reach the app at ``url`` (default: ``target``) with the settings' timeouts, limits
        and TLS; with ``user``, log in as that user (the password is asked) if it asks."""
        from gradioshell import login, network
        from gradioshell.gradio import GradioApp

        auth = await login.credentials(user, target, self.output.ask)
        with login.explained(target, user):
            return await GradioApp.connect(
                url or target,
                timeouts=self.settings.timeouts,
                limits=self.settings.limits,
                verify=network.tls_verify(self.settings),
                on_request=on_request,
                auth=auth,
            )

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
        """Connect to ``url`` (default: ``target``) as a new session; ``aliases`` also name it."""
        if name is not None and self.sessions.find(name) is not None:
            raise ShellError(f"a session named {name!r} already exists")
        app = await self.open_app(target, url=url, on_request=on_request, user=user)
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
        from gradioshell import calls, retry, transfers

        base = retry.policy(self.settings)
        words, rules = retry.take_options(list(words), base)
        if background and rules != base:
            raise UsageError("--retries and --wait-quota are for calls in the foreground")
        typed = calls.bind_words(self, endpoint, words)
        data = await transfers.resolve_file_arguments(self, session, endpoint, typed)
        if background:
            self.jobs.say_started(self.jobs.start(session, endpoint, data, inputs=typed))
            return
        known = len(self.results)
        try:
            await retry.run(
                self,
                session,
                endpoint,
                data,
                lambda: self.output.reporter(session.name, endpoint),
                rules,
            )
        except asyncio.CancelledError:
            # The app's cancel stops the session's other running calls of this endpoint.
            self.jobs.stopped_on_app(session, endpoint)
            raise
        finally:
            # What was typed, for 'code N': the record of this call is the last one made
            # for this endpoint of this session since it started.
            for record in reversed(self.results[known:]):
                if record.session == session.name and record.endpoint == endpoint.name:
                    record.inputs = typed
                    break

    async def aclose(self) -> None:
        """Cancel the jobs still running, finish background work (briefly), close sessions."""
        self.jobs.cancel_all()
        await self.finish_background()
        for session in list(self.sessions):
            try:
                await self.close_session(session)
            except Exception:  # closing must not fail the exit
                log.debug("error closing %s", session.name, exc_info=True)
