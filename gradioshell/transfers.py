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
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gradioshell.errors import ShellError
from gradioshell.gradio import Endpoint, Parameter
from gradioshell.gradio.files import (
    FileError,
    LocalFile,
    Progress,
    expand,
    file_data,
    file_kind,
    find_files,
    is_file_data,
    is_url,
    local_file,
    upload,
    url_file_data,
)

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


@dataclass(frozen=True)
class FileArgument:
    """A value given for a file parameter, kept as typed until it is resolved."""

    param: Parameter
    value: Any


def mark_file_arguments(
    endpoint: Endpoint, args: Sequence[Any], kwargs: dict[str, Any]
) -> tuple[list[Any], dict[str, Any]]:
    """Wrap the values of file parameters so that binding passes them through untouched."""
    params = endpoint.parameters
    marked_args = [
        FileArgument(params[i], v) if i < len(params) and file_kind(params[i]) else v
        for i, v in enumerate(args)
    ]
    marked_kwargs: dict[str, Any] = {}
    for key, value in kwargs.items():
        param = endpoint.parameter(key)
        marked_kwargs[key] = (
            FileArgument(param, value) if param is not None and file_kind(param) else value
        )
    return marked_args, marked_kwargs


async def resolve_file_arguments(shell: Shell, session: Session, data: list[Any]) -> list[Any]:
    """Replace each file argument in ``data`` by FileData, uploading local files.

    Every path is checked before anything is sent.
    """
    limit = session.app.config.max_file_size if session.app.config else None
    plans: list[tuple[int, list[Any], bool, bool]] = []
    for index, value in enumerate(data):
        if not isinstance(value, FileArgument):
            continue
        kind = file_kind(value.param)
        try:
            items = _plan(shell, session, value.value, kind == "files", limit)
        except FileError as exc:
            raise ShellError(f"{value.param.name}: {exc}") from None
        gallery = value.param.component.lower() == "gallery"
        plans.append((index, items, kind == "files", gallery))
    remote = any(isinstance(i, RemoteFile) for _, items, _, _ in plans for i in items)
    with tempfile.TemporaryDirectory(prefix="gradioshell-") if remote else nullcontext() as fetched:
        if fetched is not None:
            for _, items, _, _ in plans:
                for n, item in enumerate(items):
                    if isinstance(item, RemoteFile):
                        items[n] = await _fetch_remote(item, Path(fetched), limit)
        uploads = [i for _, items, _, _ in plans for i in items if isinstance(i, LocalFile)]
        uploaded: dict[LocalFile, dict[str, Any]] = {}
        if uploads:
            with upload_progress(shell, sum(f.size for f in uploads)) as progress:
                results = await upload(
                    session.app, uploads, cache=session.uploads, progress=progress
                )
            uploaded = dict(zip(uploads, results, strict=True))
    out = list(data)
    for index, items, many, gallery in plans:
        values = [uploaded[i] if isinstance(i, LocalFile) else i for i in items]
        if gallery:
            values = [{"image": v, "caption": None} for v in values]
        if many:
            out[index] = values
        else:
            out[index] = values[0] if values else None
    return out


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
