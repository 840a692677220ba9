"""Running an endpoint call from the shell: words in, events to a reporter, a record kept.

The steps are separate so that foreground calls, background jobs and batches share them:
:func:`prepare` turns the typed words into the values to send, :func:`run` submits them and
feeds the events to a reporter.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from gradioshell import transfers
from gradioshell.errors import AppFailed, UsageError
from gradioshell.gradio import (
    HIDDEN_ERROR,
    ArgumentError,
    Call,
    Completed,
    Endpoint,
    Failed,
    Generating,
    GradioError,
    bind,
)

if TYPE_CHECKING:
    from pathlib import Path

    from gradioshell.context import CallContext
    from gradioshell.parser import Word
    from gradioshell.results import Reporter
    from gradioshell.sessions import CallRecord, Session


async def prepare(
    shell: CallContext, session: Session, endpoint: Endpoint, words: Iterable[Word]
) -> list[Any]:
    """The values to send for ``words``: references resolved, bound to parameters, converted.

    Files given to file parameters are checked, then uploaded (see :mod:`gradioshell.transfers`).
    """
    data = bind_words(shell, endpoint, words)
    return await transfers.resolve_file_arguments(shell, session, endpoint, data)


def bind_words(shell: CallContext, endpoint: Endpoint, words: Iterable[Word]) -> list[Any]:
    """The values of ``words`` for ``endpoint``'s parameters, converted, files not sent yet
    (still as the user named them)."""
    args, kwargs = split_arguments(words, shell)
    try:
        return bind(endpoint, args, kwargs)
    except ArgumentError as exc:
        raise UsageError(str(exc)) from None


async def run(
    shell: CallContext,
    session: Session,
    endpoint: Endpoint,
    data: list[Any],
    reporter: Reporter,
    *,
    on_submit: Callable[[Call], None] | None = None,
) -> CallRecord:
    """Submit a call and stream its events to ``reporter``; raise AppFailed if it fails.

    ``on_submit`` is told of the call as soon as the app has accepted it (its event id).
    The files of the final result are downloaded before the reporter sees it, so it can
    show where they are. Cancelling the task (Ctrl-C) cancels the call on the app too.
    """
    from gradioshell import quota

    started = time.monotonic()
    app_call = await _submit(shell, session, endpoint, data, reporter)
    if on_submit is not None:
        on_submit(app_call)
    failure: Failed | None = None
    original: Failed | None = None
    download_error: GradioError | None = None
    latest: list[Any] | None = None
    cancelled = False
    previews: dict[str, Path] = {}
    try:
        with reporter:
            try:
                async for event in app_call:
                    if isinstance(event, (Generating, Completed)):
                        latest = event.data
                        # Only a list or a dict can hold a file: flat outputs (a streamed
                        # text, at each of its thousands of updates) are not walked.
                        holds = any(isinstance(v, (dict, list)) for v in event.data)
                        if holds:
                            transfers.receive(session, event.data)
                    if isinstance(event, Generating) and holds:
                        await transfers.download_previews(shell, session, event.data, previews)
                    if isinstance(event, Completed):
                        try:
                            await transfers.download_outputs(shell, session, event.data, previews)
                        except GradioError as exc:  # the result stands; its files stay remote
                            download_error = exc
                    if isinstance(event, Failed):
                        original = event
                        if event.message == HIDDEN_ERROR:
                            # Say what was sent: all there is to go on.
                            message = f"{event.message}; sent {sent_summary(endpoint, data)}"
                            event = dataclasses.replace(event, message=message)
                        event = quota.explained(shell, session, event)
                        failure = event
                    reporter.event(event)
            except asyncio.CancelledError:
                cancelled = True
                reporter.cancelled()
                shell.spawn(app_call.cancel())
                raise
    finally:
        # A cancelled call keeps what it had sent so far (a partial answer).
        record = shell.record(
            session,
            endpoint.name,
            latest if cancelled else app_call.outputs,
            failure.message if failure else None,
            started,
            cancelled=cancelled,
        )
    if failure is not None:
        raise AppFailed(failure, original)
    if download_error is not None:
        raise download_error
    return record


async def _submit(
    shell: CallContext, session: Session, endpoint: Endpoint, data: list[Any], reporter: Reporter
) -> Call:
    """Submit the call; if cancelled before the app answers, cancel the job once it does.

    On any failure the reporter is closed, so a live panel stops redrawing.
    """
    submitting = asyncio.ensure_future(session.app.submit(endpoint, data))
    try:
        return await asyncio.shield(submitting)
    except asyncio.CancelledError:
        shell.spawn(_cancel_when_queued(submitting))
        reporter.cancelled()
        reporter.close()
        raise
    except BaseException:
        reporter.close()
        raise


async def _cancel_when_queued(submitting: asyncio.Future[Call]) -> None:
    try:
        app_call = await asyncio.wait_for(submitting, timeout=10.0)
    except (asyncio.TimeoutError, GradioError):
        return
    await app_call.cancel()


def split_arguments(
    words: Iterable[Word], shell: CallContext | None = None
) -> tuple[list[Any], dict[str, Any]]:
    """Positional values and ``name=value`` pairs; positionals may not follow named ones.

    With a shell, unquoted references (``$_[0]``, ``$r2``, ``$name``) become their values.
    """
    from gradioshell.refs import parse_reference, resolve

    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    for word in words:
        value: Any = word.value
        if shell is not None and not word.quoted and value.startswith("$"):
            reference = parse_reference(value)
            if reference is not None:
                value = resolve(shell, reference)
        if word.name is not None:
            if word.name in kwargs:
                raise UsageError(f"{word.name} is given twice")
            kwargs[word.name] = value
        elif kwargs:
            raise UsageError(
                f"positional value {word.value!r} after named ones; write it as name=value"
            )
        else:
            args.append(value)
    return args, kwargs


def sent_summary(endpoint: Endpoint, data: list[Any], width: int = 40) -> str:
    """The values of a call in one short line: ``text='hi', n=2, image=cat.png``."""
    parts = []
    for param, value in zip(endpoint.parameters, data, strict=False):
        parts.append(f"{param.name}={_short(value, width)}")
    return ", ".join(parts) if parts else "no values"


def _short(value: Any, width: int) -> str:
    if value is None:
        return "$null"
    if isinstance(value, dict) and isinstance(value.get("path"), str):
        name = value.get("orig_name") or value["path"].rsplit("/", 1)[-1]
        return str(name)[:width]
    if isinstance(value, list):
        return f"[{len(value)} item{'s' if len(value) != 1 else ''}]"
    text = repr(value) if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= width else text[: width - 1] + "…"
