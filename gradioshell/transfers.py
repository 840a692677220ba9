"""Files in calls, shell side: paths, globs, URLs and earlier results become FileData inputs
(uploading what must be), and every file in a result is downloaded to the download directory.

The steps are called from :mod:`gradioshell.calls`, so foreground calls, background jobs and
batches all handle files the same way.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gradioshell.errors import ShellError
from gradioshell.gradio import Endpoint, GradioError
from gradioshell.gradio.files import (
    FileError,
    LocalFile,
    Progress,
    expand,
    file_data,
    find_files,
    guess_mime,
    is_file_data,
    is_url,
    local_file,
    upload,
    url_file_data,
)
from gradioshell.gradio.values import FileInput
from gradioshell.text import short

if TYPE_CHECKING:
    from gradioshell.context import CallContext
    from gradioshell.sessions import Session

ORIGIN = "origin"
"""Key the shell adds to a saved file's FileData: the URL of the app that returned it."""
LOCAL_PATH = "local_path"
"""Key the shell adds to a saved file's FileData: where the file was saved on this machine."""
SHELL_KEYS = (ORIGIN, LOCAL_PATH)
PROGRESS_FROM = 1024 * 1024
"""Uploads of at least this many bytes in all show a progress bar at the prompt."""


class ResultFile(dict[str, Any]):
    """A file in a result, as the shell keeps it: the FileData the app sent (less any key of
    the shell's own it carried), and, outside the data where no app can write them, the
    session that returned it and where it was saved here.

    This is all the shell trusts when a result is chained into a call: a file goes back to
    the session that returned it by its server path, to another app as the copy saved here,
    else fetched again from the session that returned it, with that session's client. Never
    from a local path or an origin written in the data, nor from a session its URL names.
    When saved, ``local_path`` and ``origin`` are written into the data too, for display
    and for ``--json``; they are never read back from it.
    """

    __slots__ = ("saved", "source")

    def __init__(self, data: dict[str, Any], source: Session, saved: Path | None = None) -> None:
        super().__init__((k, v) for k, v in data.items() if k not in SHELL_KEYS)
        self.source = source
        self.saved = saved

    def save_as(self, path: Path) -> None:
        self.saved = path
        self[ORIGIN] = self.source.url
        self[LOCAL_PATH] = str(path)

    def __deepcopy__(self, memo: dict[int, Any]) -> ResultFile:
        # The data are copied; the session is the same one.
        import copy

        return ResultFile(copy.deepcopy(dict(self), memo), self.source, self.saved)

    def __copy__(self) -> ResultFile:
        return ResultFile(dict(self), self.source, self.saved)

    def __reduce__(self) -> Any:
        return (dict, (dict(self),))  # pickled, it is the data only


def receive(session: Session, value: Any) -> None:
    """Make every file in ``value`` (an event's outputs, changed in place) a
    :class:`ResultFile` of ``session``: what the app wrote in it is data, nothing more."""
    items: Any = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in list(items):
        if isinstance(item, ResultFile):
            continue
        if is_file_data(item):
            value[key] = ResultFile(item, session)
        elif isinstance(item, (dict, list)):
            receive(session, item)


@dataclass(frozen=True)
class RemoteFile:
    """A file another open session returned and nothing saved here: it is fetched from that
    app (with that session's credentials) and uploaded, since the app it goes to may be
    unable to fetch it itself (a private Space, a local app, an address it refuses)."""

    source: Session
    data: dict[str, Any]


async def resolve_file_arguments(
    shell: CallContext, session: Session, endpoint: Endpoint, data: list[Any]
) -> list[Any]:
    """Replace each :class:`FileInput` in ``data`` (one value per parameter of ``endpoint``,
    files anywhere inside) by FileData, uploading local files.

    Every path is checked before anything is sent.
    """
    limit = session.app.config.max_file_size if session.app.config else None
    plans: dict[int, tuple[FileInput, list[Any]]] = {}
    for param, value in zip(endpoint.parameters, data, strict=False):
        for item in _file_inputs(value):
            try:
                planned = _plan(shell, session, item.value, item.many, limit, typed=item.typed)
                plans[id(item)] = (item, planned)
            except FileError as exc:
                raise ShellError(f"{param.name}: {exc}") from None
    if not plans:
        return data
    every = [i for _, items in plans.values() for i in items]
    remote = any(isinstance(i, RemoteFile) for i in every)
    with tempfile.TemporaryDirectory(prefix="gradioshell-") if remote else nullcontext() as fetched:
        if fetched is not None:
            for _, items in plans.values():
                for n, item in enumerate(items):
                    if isinstance(item, RemoteFile):
                        items[n] = await _fetch_remote(item, Path(fetched), limit)
        uploads = [i for _, items in plans.values() for i in items if isinstance(i, LocalFile)]
        uploaded: dict[LocalFile, dict[str, Any]] = {}
        if uploads:
            with upload_progress(shell, sum(f.size for f in uploads)) as progress:
                results = await upload(
                    session.app.channel, uploads, cache=session.uploads, progress=progress
                )
            uploaded = dict(zip(uploads, results, strict=True))

    def sent(item: FileInput) -> Any:
        values = [uploaded[i] if isinstance(i, LocalFile) else i for i in plans[id(item)][1]]
        if item.gallery:
            values = [_gallery_item(v) for v in values]
        if item.many:
            return values
        return values[0] if values else None

    return [_replace_inputs(value, sent) for value in data]


def _file_inputs(value: Any) -> Iterator[FileInput]:
    if isinstance(value, FileInput):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _file_inputs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _file_inputs(item)


def _replace_inputs(value: Any, sent: Callable[[FileInput], Any]) -> Any:
    if isinstance(value, FileInput):
        return sent(value)
    if isinstance(value, dict):
        return {k: _replace_inputs(v, sent) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_inputs(v, sent) for v in value]
    return value


def _gallery_item(data: dict[str, Any]) -> dict[str, Any]:
    """A file as a gallery item: a video goes under ``video``, anything else ``image``."""
    mime = data.get("mime_type") or guess_mime(str(data.get("orig_name") or data.get("path")))
    key = "video" if isinstance(mime, str) and mime.startswith("video/") else "image"
    return {key: data, "caption": None}


async def _fetch_remote(item: RemoteFile, directory: Path, limit: int | None) -> LocalFile:
    from gradioshell.gradio.files import download

    try:
        saved = await download(item.source.app.channel, item.data, directory, max_bytes=limit)
    except FileError as exc:
        raise FileError(f"from {item.source.name}: {exc}") from None
    return local_file(str(saved), max_size=limit)


def _plan(
    shell: CallContext, session: Session, value: Any, many: bool, limit: int | None, *, typed: bool
) -> list[Any]:
    """What to send for one argument, per file: LocalFile or RemoteFile (to upload), or
    ready FileData. Only what the user ``typed`` may name a local file."""
    if value is None:
        return []
    if many:
        if isinstance(value, str) and typed:
            text = value.strip()
            if text.startswith("["):
                try:
                    value = json.loads(text)
                except ValueError:
                    raise FileError(f"{text!r} is not a valid JSON list") from None
            else:
                return [_plan_one(shell, session, name, limit, typed) for name in _expand(text)]
        if isinstance(value, list):
            return [_plan_one(shell, session, item, limit, typed) for item in value]
    if isinstance(value, list) and len(value) == 1:
        value = value[0]  # a call's outputs ($_, $rN) holding the one file
    return [_plan_one(shell, session, value, limit, typed)]


def _expand(text: str) -> list[str]:
    return [text] if is_url(text) else expand(text)


def _plan_one(
    shell: CallContext, session: Session, value: Any, limit: int | None, typed: bool
) -> Any:
    if isinstance(value, str) and typed and value.lstrip().startswith("{"):
        try:
            value = json.loads(value)  # a FileData written out, as in the app's examples
        except ValueError:
            raise FileError(f"{value!r} is not a valid JSON object") from None
    if isinstance(value, dict) and not is_file_data(value) and isinstance(value.get("path"), str):
        value = value["path"]  # {"path": "cat.png"}, as the official client's handle_file()
    if isinstance(value, str):
        if is_url(value):
            return url_file_data(value)
        if not typed:
            raise FileError(
                f"{short(value, 60)} comes from an app's answer, not from you: the shell "
                "uploads only files you name (write the path yourself to send it)"
            )
        matches = expand(value)
        if len(matches) > 1:
            raise FileError(f"{value} matches {len(matches)} files; this parameter takes one")
        return local_file(matches[0], max_size=limit)
    if isinstance(value, dict) and not is_file_data(value):
        inner = list(find_files(value))
        if len(inner) == 1:  # a gallery item or chat message holding one file
            value = inner[0]
    if is_file_data(value):
        return _from_result(shell, session, value, limit)
    raise FileError(f"expected a file path or URL, got {json.dumps(value)[:80]}")


def _from_result(
    shell: CallContext, session: Session, data: dict[str, Any], limit: int | None
) -> Any:
    """An earlier result's file: by its server path on the app that returned it, else re-sent
    (see :class:`ResultFile`). A FileData written by hand is sent as it is written."""
    if not isinstance(data, ResultFile):
        for key in ("url", "path"):
            url = data.get(key)
            if isinstance(url, str) and is_url(url):
                return url_file_data(url)  # the app fetches it itself
        return _clean(data)
    source = data.source
    if source is session or source.url == session.url:
        return _clean(data)
    if data.saved is not None and data.saved.is_file():
        return local_file(str(data.saved), max_size=limit)
    if any(open_session is source for open_session in shell.sessions):
        return RemoteFile(source, data)
    raise FileError(
        f"{data.get('orig_name') or data['path']} comes from {source.name}, which is closed, "
        "and was not saved here; it cannot be sent"
    )


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    """The FileData without the keys the shell added, as the app expects it."""
    return file_data(
        data["path"],
        orig_name=data.get("orig_name"),
        size=data.get("size"),
        mime_type=data.get("mime_type"),
        url=data.get("url"),
    )


def upload_progress(shell: CallContext, total: int) -> AbstractContextManager[Progress | None]:
    """A progress bar for large uploads at the prompt; None (no bar) otherwise."""
    if not shell.interactive or total < PROGRESS_FROM:
        return nullcontext()
    return shell.output.transfer(total)


# -- outputs -----------------------------------------------------------------------------


def download_directory(shell: CallContext, session: Session) -> Path:
    """``--download-dir`` or the config's, else a folder per session under the data dir."""
    if shell.settings.download_dir:
        return Path(os.path.expanduser(shell.settings.download_dir))
    from gradioshell.config import user_dir

    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(session.connected_at))
    return Path(user_dir("data")) / "downloads" / f"{stamp}-{session.name}"


PREVIEW_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp")


async def download_previews(
    shell: CallContext, session: Session, outputs: list[Any], saved: dict[str, Path]
) -> None:
    """Save the images of an update a call sends while it runs (a picture being generated,
    step by step), so that they can be shown, not only named by a URL. Each image once
    (``saved``: what this call saved, by URL); what cannot be saved stays remote, silently:
    the final result's files are what counts."""
    if not shell.settings.download:
        return
    from gradioshell.gradio.files import download

    limits = shell.settings.limits
    images = [
        f
        for f in find_files(outputs)
        if isinstance(f, ResultFile)
        and str(f.get("orig_name") or f.get("path") or "").lower().endswith(PREVIEW_SUFFIXES)
    ]
    for data in images[: limits.result_files]:
        key = str(data.get("url") or data["path"])
        if key not in saved:
            try:
                directory = download_directory(shell, session)
                saved[key] = await download(
                    session.app.channel, data, directory, max_bytes=min(limits.file, limits.result)
                )
            except (GradioError, OSError):
                continue
        data.save_as(saved[key])


async def download_outputs(
    shell: CallContext,
    session: Session,
    outputs: list[Any],
    already: dict[str, Path] | None = None,
) -> None:
    """Save every file in ``outputs`` (made :class:`ResultFile` by :func:`receive`), up to
    the limits of files and bytes per result; the others stay on the app. A file already
    saved during the call (``already``, by URL: an update's image) is not fetched again.

    With downloads off (``--no-download``) the FileData are left as the app sent them.
    A file that cannot be saved does not stop the others; the first problem is raised at
    the end (the result stands, its unsaved files stay remote).
    """
    if not shell.settings.download:
        return
    files = [f for f in find_files(outputs) if isinstance(f, ResultFile)]
    if not files:
        return  # most results: no directory to work out
    from gradioshell.gradio.files import FileTooLarge, download, human_size

    limits = shell.settings.limits
    directory = download_directory(shell, session)
    done: dict[str, Path] = {}
    budget = limits.result
    problems: list[str] = []
    for data in files:
        key = str(data.get("url") or data["path"])
        if key in done:
            data.save_as(done[key])
            continue
        if already and key in already:
            done[key] = already[key]
            data.save_as(already[key])
            continue
        if len(done) >= limits.result_files:
            problems.append(
                f"the result has {len(files)} files; saved the first {limits.result_files} "
                "(the limit per result: [limits] result_files); the others stay on the app"
            )
            break
        if budget <= 0:
            problems.append(
                f"the result's files are larger than {human_size(limits.result)} in all (the "
                "limit per result: [limits] result_mib); the others stay on the app"
            )
            break
        cap = min(limits.file, budget)
        try:
            saved = await download(session.app.channel, data, directory, max_bytes=cap)
        except FileTooLarge as exc:
            if cap == limits.file:
                problems.append(str(exc))
                continue
            problems.append(
                f"the result's files are larger than {human_size(limits.result)} in all (the "
                "limit per result: [limits] result_mib); the others stay on the app"
            )
            break
        except FileError as exc:
            problems.append(str(exc))
            continue
        budget -= saved.stat().st_size
        done[key] = saved
        data.save_as(saved)
    if problems:
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise FileError(problems[0] + more)
