"""Saved sessions: the names and targets of the open sessions, kept between runs.

``save`` writes them to ``sessions.json`` in the data directory (private: the file is 0600 in
a 0700 directory); ``gradioshell --restore`` and ``restore`` reconnect them all at once, the
way ``connect`` does (a Space id goes through the Hub again). Only names and targets are kept,
never tokens, passwords or cookies: a password written into a URL (``http://user:secret@host``)
is dropped before saving, and for a plain URL connected with ``--token`` only that choice is
kept, so the current token is sent again on restore. A session logged in with ``--user``
keeps the user name; its password is asked again (or read from ``GRADIOSHELL_PASSWORD``),
one login at a time after the other sessions are back.
"""

from __future__ import annotations

import asyncio
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from gradioshell.errors import ShellError

if TYPE_CHECKING:
    from gradioshell.sessions import Session
    from gradioshell.state import State

FILE_NAME = "sessions.json"
FORMAT = 1


@dataclass(frozen=True)
class SavedSession:
    name: str
    target: str
    send_token: bool = False
    user: str | None = None


def saved_path() -> Path:
    """Where the saved sessions live: ``$XDG_DATA_HOME/gradioshell/sessions.json`` on Linux."""
    from gradioshell.config import data_dir

    return data_dir() / FILE_NAME


def without_credentials(target: str) -> str:
    """``target`` with any ``user:password@`` taken out of a URL."""
    scheme, sep, rest = target.partition("://")
    if not sep:
        scheme, rest = "", target
    authority, slash, path = rest.partition("/")
    if "@" not in authority:
        return target
    host = authority.rsplit("@", 1)[1]
    return f"{scheme}{sep}{host}{slash}{path}"


def write(sessions: list[SavedSession], default: str | None, path: Path | None = None) -> Path:
    """Replace the saved sessions with ``sessions``; the file is readable by its owner only."""
    path = path or saved_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    record = {
        "format": FORMAT,
        "default": default,
        "sessions": [_record(s) for s in sessions],
    }
    temporary = path.with_name(path.name + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(record, handle, indent=2)
        handle.write("\n")
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)
    return path


def _record(session: SavedSession) -> dict[str, object]:
    record: dict[str, object] = {
        "name": session.name,
        "target": without_credentials(session.target),
    }
    if session.send_token:
        record["send_token"] = True
    if session.user:
        record["user"] = session.user
    return record


def read(path: Path | None = None) -> tuple[list[SavedSession], str | None]:
    """The saved sessions and the name of the default one."""
    path = path or saved_path()
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ShellError("no saved sessions: use 'save' to keep the open ones") from None
    except (OSError, ValueError) as exc:
        raise ShellError(f"cannot read the saved sessions in {path}: {exc}") from None
    try:
        sessions = [
            SavedSession(
                str(item["name"]),
                str(item["target"]),
                item.get("send_token") is True,
                str(item["user"]) if item.get("user") else None,
            )
            for item in record["sessions"]
        ]
        default = record.get("default")
    except (KeyError, TypeError, AttributeError):
        raise ShellError(f"{path} does not hold saved sessions") from None
    return sessions, default if isinstance(default, str) else None


def save(shell: State) -> tuple[Path, int, list[str]]:
    """Save the shell's open sessions; return the file, how many were saved, and the names
    of those left out (the ``--demo`` session, which cannot come back)."""
    items = list(shell.sessions)
    if not items:
        raise ShellError("no sessions to save: connect to an app first")
    kept = [s for s in items if s.saved]
    left_out = [s.name for s in items if not s.saved]
    if not kept:
        raise ShellError(
            f"no sessions to save: {', '.join(left_out)} runs only as long as this shell"
        )
    default = shell.sessions.default
    path = write(
        [SavedSession(s.name, s.target, _sends_token(s), s.app.user) for s in kept],
        default.name if default is not None and default.saved else None,
    )
    return path, len(kept), left_out


def _sends_token(session: Session) -> bool:
    """Whether ``session`` is a plain URL that was given the token with ``connect --token``."""
    from gradioshell.hub import TokenHeaders, space_id_of

    if space_id_of(session.target) is not None:
        return False  # a Space gets the token from the Hub path on its own
    hooks = session.app.http.event_hooks.get("request", [])
    return any(isinstance(hook, TokenHeaders) for hook in hooks)


async def reconnect(shell: State, saved: SavedSession) -> Session:
    """Connect to a saved session again, the way ``connect`` does."""
    from gradioshell.connecting import open_session

    return await open_session(
        shell, saved.target, saved.name, send_token=saved.send_token, user=saved.user
    )


async def restore(shell: State) -> int:
    """Reconnect every saved session at once; show each one that failed. 0 if all came back."""
    saved, default = read()
    if not saved:
        shell.output.info("no saved sessions to restore")
        return 0
    shell.output.info(f"restoring {len(saved)} session{'s' if len(saved) != 1 else ''}…")
    # Sessions without a login come back all at once; logins follow one by one, since each
    # may ask for a password at the terminal.
    plain = [item for item in saved if item.user is None]
    found: dict[int, Session | BaseException] = {}
    results = await asyncio.gather(
        *(reconnect(shell, item) for item in plain), return_exceptions=True
    )
    for item, result in zip(plain, results, strict=True):
        found[id(item)] = result
    for item in saved:
        if item.user is not None:
            try:
                found[id(item)] = await reconnect(shell, item)
            except Exception as exc:
                found[id(item)] = exc
    results = [found[id(item)] for item in saved]
    failed = 0
    for item, result in zip(saved, results, strict=True):
        if isinstance(result, asyncio.CancelledError):
            raise result
        if isinstance(result, BaseException):
            failed += 1
            message = str(result) or type(result).__name__
            shell.output.error(f"could not restore {item.name} ({item.target}): {message}")
        else:
            count = len(result.app.endpoints)
            login = f" as {result.app.user}" if result.app.user else ""
            shell.output.info(
                f"restored {result.name} → {result.url}{login} "
                f"(Gradio {result.app.version}, {count} endpoint{'s' if count != 1 else ''})"
            )
    if default is not None:
        session = shell.sessions.find(default)
        if session is not None:
            shell.sessions.default = session
    if failed:
        shell.output.error(f"{failed} of {len(saved)} saved sessions could not be restored")
        return 1
    return 0
