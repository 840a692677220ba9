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
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gradioshell.errors import ShellError
from gradioshell.gradio import Endpoint
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

if TYPE_CHECKING:
    from gradioshell.sessions import Session
    from gradioshell.shell import Shell

ORIGIN = "origin"
"""Key the shell adds to a downloaded FileData: the URL of the app that returned it."""
LOCAL_PATH = "local_path"
"""Key the shell adds to a downloaded FileData: where the file was saved on this machine."""
PROGRESS_FROM = 1024 * 1024
"""Uploads of at least this many bytes in all show a progress bar at the prompt."""


@dataclass(frozen=True)
class RemoteFile:
    """A file another open session returned and nothing saved here: it is fetched from that
    app (with that session's credentials) and uploaded, since the app it goes to may be
    unable to fetch it itself (a private Space, a local app, an address it refuses)."""

    source: Session
    data: dict[str, Any]


async def resolve_file_arguments(
    shell: Shell, session: Session, endpoint: Endpoint, data: list[Any]
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
                plans[id(item)] = (item, _plan(shell, session, item.value, item.many, limit))
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
                    session.app, uploads, cache=session.uploads, progress=progress
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
        saved = await download(item.source.app, item.data, directory, max_bytes=limit)
    except FileError as exc:
        raise FileError(f"from {item.source.name}: {exc}") from None
    return local_file(str(saved), max_size=limit)


def _plan(shell: Shell, session: Session, value: Any, many: bool, limit: int | None) -> list[Any]:
    """What to send for one argument, per file: LocalFile or RemoteFile (to upload), or
    ready FileData."""
    if value is None:
        return []
    if many:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                try:
                    value = json.loads(text)
                except ValueError:
                    raise FileError(f"{text!r} is not a valid JSON list") from None
            else:
                return [_plan_one(shell, session, name, limit) for name in _expand(text)]
        if isinstance(value, list):
            return [_plan_one(shell, session, item, limit) for item in value]
    if isinstance(value, list) and len(value) == 1:
        value = value[0]  # a call's outputs ($_, $rN) holding the one file
    return [_plan_one(shell, session, value, limit)]


def _expand(text: str) -> list[str]:
    return [text] if is_url(text) else expand(text)


def _plan_one(shell: Shell, session: Session, value: Any, limit: int | None) -> Any:
    if isinstance(value, str) and value.lstrip().startswith("{"):
        try:
            value = json.loads(value)  # a FileData written out, as in the app's examples
        except ValueError:
            raise FileError(f"{value!r} is not a valid JSON object") from None
    if isinstance(value, dict) and not is_file_data(value) and isinstance(value.get("path"), str):
        value = value["path"]  # {"path": "cat.png"}, as the official client's handle_file()
    if isinstance(value, str):
        if is_url(value):
            return url_file_data(value)
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


def _from_result(shell: Shell, session: Session, data: dict[str, Any], limit: int | None) -> Any:
    """An earlier result's file: by its server path on the same app, else re-sent."""
    origin = origin_of(data)
    if origin == session.url:
        return _clean(data)
    local = data.get(LOCAL_PATH)
    if isinstance(local, str) and os.path.isfile(local):
        return local_file(local, max_size=limit)
    source = shell.sessions.find(origin) if origin else None
    if source is not None and source.url == origin:
        return RemoteFile(source, data)
    for key in ("url", "path"):
        url = data.get(key)
        if isinstance(url, str) and is_url(url):
            return url_file_data(url)
    if data.get(ORIGIN) is None:
        return _clean(data)  # written by hand: send it as it is
    raise FileError(
        f"{data.get('orig_name') or data['path']} comes from another app and was not "
        "downloaded; it cannot be sent here"
    )


def origin_of(data: dict[str, Any]) -> str | None:
    """The app a FileData came from: as recorded at download, else guessed from its URL."""
    origin = data.get(ORIGIN)
    if isinstance(origin, str):
        return origin
    url = data.get("url")
    if isinstance(url, str) and "/file=" in url:
        return url.split("/file=", 1)[0].removesuffix("/gradio_api").rstrip("/")
    return None


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    """The FileData without the keys the shell added, as the app expects it."""
    return file_data(
        data["path"],
        orig_name=data.get("orig_name"),
        size=data.get("size"),
        mime_type=data.get("mime_type"),
        url=data.get("url"),
    )


@contextmanager
def upload_progress(shell: Shell, total: int) -> Iterator[Progress | None]:
    """A progress bar for large uploads at the prompt; None (no bar) otherwise."""
    console = getattr(shell.output, "console", None)
    if not shell.interactive or total < PROGRESS_FROM or console is None:
        yield None
        return
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        TextColumn,
        TransferSpeedColumn,
    )
    from rich.progress import (
        Progress as Bar,
    )

    with Bar(
        TextColumn("uploading"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("upload", total=total)
        yield lambda n: bar.advance(task, n)


# -- outputs -----------------------------------------------------------------------------


def download_directory(shell: Shell, session: Session) -> Path:
    """``--download-dir`` or the config's, else a folder per session under the data dir."""
    if shell.settings.download_dir:
        return Path(os.path.expanduser(shell.settings.download_dir))
    from platformdirs import user_data_dir

    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(session.connected_at))
    return Path(user_data_dir("gradioshell")) / "downloads" / f"{stamp}-{session.name}"


async def download_outputs(shell: Shell, session: Session, outputs: list[Any]) -> None:
    """Download every file in ``outputs``, adding ``local_path`` and ``origin`` to each.

    With downloads off (``--no-download``) the FileData are left exactly as the app sent them.
    """
    if not shell.settings.download:
        return
    files = list(find_files(outputs))
    if not files:
        return  # most results: no directory to work out
    from gradioshell.gradio.files import download

    directory = download_directory(shell, session)
    done: dict[str, str] = {}
    for data in files:
        data[ORIGIN] = session.url
        key = str(data.get("url") or data["path"])
        if key not in done:
            saved = await download(session.app, data, directory)
            done[key] = str(saved)
        data[LOCAL_PATH] = done[key]
