"""Files and media: which parameters take files, uploads, FileData, and safe streamed downloads.

No terminal code here: progress is reported through plain callbacks.

The FileData shape built here is the one of Gradio 4.21 and later (``meta`` with
``_type: gradio.FileData``), kept in :func:`file_data` so older shapes can branch off it.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import glob
import mimetypes
import os
import re
import stat
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import httpx

from gradioshell.gradio.errors import GradioError
from gradioshell.gradio.http import (
    deadline,
    error_answer,
    new_client,
    status_error,
    transport_error,
)
from gradioshell.gradio.limits import parse_json, read_capped

if TYPE_CHECKING:
    from gradioshell.gradio.channel import Channel
    from gradioshell.gradio.models import Parameter

FILE_META = {"_type": "gradio.FileData"}
CHUNK = 256 * 1024
TRANSFER = "the transfer deadline"

# Components whose values are files whatever their schema says.
FILE_COMPONENTS = {
    "image",
    "audio",
    "video",
    "file",
    "files",
    "gallery",
    "model3d",
    "uploadbutton",
    "simpleimage",
    "annotatedimage",
    "imageeditor",
}
LIST_COMPONENTS = {"gallery", "files"}

Progress = Callable[[int], None]
"""Called with the number of bytes just sent or received."""


class FileError(GradioError):
    """A file cannot be used: missing, unreadable, a directory, too large, or a bad answer."""


class FileTooLarge(FileError):
    """A download went past the most bytes it was allowed."""


# -- which parameters take files ----------------------------------------------------------


def file_kind(param: Parameter) -> Literal["file", "files"] | None:
    """``"file"`` for a parameter taking one file, ``"files"`` for a list of them, else None.

    A parameter whose value holds files inside a richer value (a multimodal message, an
    image editor's layers, a gallery of captioned images, a chat history) is not one: the
    files in its value are found from its schema (:func:`file_positions`).
    """
    schema = param.schema
    if is_filedata_schema(schema, schema):
        return "file"
    if schema.get("type") == "array" and is_filedata_schema(schema.get("items"), schema):
        return "files"
    if mentions_files(schema):
        return None
    # Releases before 4.0 describe files as base64 text or name/data dicts: go by component.
    component = param.kind
    if component in FILE_COMPONENTS or "filepath" in param.python_type.lower():
        if component in LIST_COMPONENTS or param.python_type.lower().startswith("list"):
            return "files"
        return "file"
    return None


def mentions_files(schema: Any) -> bool:
    """Whether a FileData appears anywhere in ``schema`` (its ``$defs`` included)."""
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("const") == "gradio.FileData" or is_filedata_schema(node, None):
                return True
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def is_file_parameter(param: Parameter) -> bool:
    """Whether ``param`` takes a file or a list of files (a local path on the command line)."""
    return file_kind(param) is not None


def is_filedata_schema(schema: Any, root: Any) -> bool:
    if not isinstance(schema, dict):
        return False
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/") and isinstance(root, dict):
        defs = root.get("$defs")
        name = ref.rsplit("/", 1)[-1]
        return name == "FileData" or (
            isinstance(defs, dict) and is_filedata_schema(defs.get(name), None)
        )
    props = schema.get("properties")
    if not isinstance(props, dict) or "path" not in props:
        return False
    return schema.get("title") in ("FileData", "ImageData") or "meta" in props


# -- FileData ----------------------------------------------------------------------------


def file_data(
    path: str,
    *,
    orig_name: str | None = None,
    size: int | None = None,
    mime_type: str | None = None,
    url: str | None = None,
) -> dict[str, Any]:
    """A FileData value as Gradio 4.21+ expects it in an input."""
    return {
        "path": path,
        "url": url,
        "size": size,
        "orig_name": orig_name,
        "mime_type": mime_type,
        "is_stream": False,
        "meta": dict(FILE_META),
    }


def url_file_data(url: str) -> dict[str, Any]:
    """A FileData for an http(s) URL: the app fetches it itself, nothing is uploaded."""
    name = httpx.URL(url).path.rsplit("/", 1)[-1] or None
    return file_data(url, url=url, orig_name=name, mime_type=guess_mime(name or ""))


def is_file_data(value: Any) -> bool:
    """Whether ``value`` is a FileData dict (with ``meta``, or the older shape with ``url``)."""
    if not isinstance(value, dict) or not isinstance(value.get("path"), str):
        return False
    meta = value.get("meta")
    if isinstance(meta, dict) and meta.get("_type") == "gradio.FileData":
        return True
    return "orig_name" in value and "url" in value


def find_files(value: Any) -> Iterator[dict[str, Any]]:
    """Every FileData anywhere in ``value``: lists, galleries, chat messages, dicts."""
    if is_file_data(value):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from find_files(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from find_files(item)


def map_files(
    value: Any,
    convert: Callable[[dict[str, Any]], Any],
    match: Callable[[Any], bool] = is_file_data,
) -> Any:
    """``value`` rebuilt with ``convert(item)`` in place of every file in it: each FileData,
    or each item ``match`` recognises (another release's shape of a file)."""
    if match(value):
        return convert(value)
    if isinstance(value, dict):
        return {k: map_files(v, convert, match) for k, v in value.items()}
    if isinstance(value, list):
        return [map_files(v, convert, match) for v in value]
    return value


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def guess_mime(name: str) -> str | None:
    return mimetypes.guess_type(name)[0]


# -- local files to upload ---------------------------------------------------------------


@dataclass(frozen=True)
class LocalFile:
    """A readable regular file on this machine, checked before anything is sent."""

    path: Path
    size: int
    mtime_ns: int

    @property
    def key(self) -> tuple[str, int, int]:
        return (str(self.path), self.size, self.mtime_ns)


def local_file(text: str, *, max_size: int | None = None) -> LocalFile:
    """Check that ``text`` (``~`` allowed) names a readable regular file within ``max_size``."""
    path = Path(os.path.expanduser(text)).absolute()
    shown = text
    try:
        info = path.stat()
    except FileNotFoundError:
        raise FileError(f"{shown}: no such file") from None
    except OSError as exc:
        raise FileError(f"{shown}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise FileError(f"{shown}: is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise FileError(f"{shown}: not a regular file")
    if not os.access(path, os.R_OK):
        raise FileError(f"{shown}: permission denied")
    if max_size is not None and info.st_size > max_size:
        raise FileError(
            f"{shown}: {human_size(info.st_size)} is above the app's limit of "
            f"{human_size(max_size)} per file"
        )
    return LocalFile(path, info.st_size, info.st_mtime_ns)


def expand(text: str) -> list[str]:
    """A glob pattern's matches, sorted; a text without wildcards as itself."""
    pattern = os.path.expanduser(text)
    if not glob.has_magic(pattern):
        return [text]
    matches = sorted(glob.glob(pattern))
    if not matches:
        raise FileError(f"{text}: no file matches")
    return matches


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{size} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} bytes"


@dataclass
class UploadCache:
    """Server paths of files already uploaded in a session, keyed by path, size and mtime."""

    paths: dict[tuple[str, int, int], str] = field(default_factory=dict)


class _ReadCounter:
    """A file object that reports every chunk httpx reads from it while streaming."""

    def __init__(self, handle: Any, progress: Progress | None) -> None:
        self._handle = handle
        self._progress = progress

    def read(self, size: int = -1) -> bytes:
        chunk: bytes = self._handle.read(size)
        if chunk and self._progress is not None:
            self._progress(len(chunk))
        return chunk

    def seek(self, offset: int, whence: int = 0) -> int:
        return int(self._handle.seek(offset, whence))

    def tell(self) -> int:
        return int(self._handle.tell())

    def fileno(self) -> int:
        return int(self._handle.fileno())


async def upload(
    channel: Channel,
    files: list[LocalFile],
    *,
    cache: UploadCache | None = None,
    progress: Progress | None = None,
) -> list[dict[str, Any]]:
    """Upload ``files`` (streamed, one request each) and return their server-side FileData.

    A file already in ``cache`` with the same size and modification time is not sent again.
    """
    results = []
    for item in files:
        server_path = cache.paths.get(item.key) if cache is not None else None
        if server_path is None:
            server_path = await _upload_one(channel, item, progress)
            if cache is not None:
                cache.paths[item.key] = server_path
        elif progress is not None:
            progress(item.size)
        results.append(
            file_data(
                server_path,
                orig_name=item.path.name,
                size=item.size,
                mime_type=guess_mime(item.path.name),
            )
        )
    return results


async def _upload_one(channel: Channel, item: LocalFile, progress: Progress | None) -> str:
    limit = channel.upload_limit
    if limit is not None and item.size > limit:
        raise FileError(
            f"{item.path}: {human_size(item.size)} is above the app's limit of "
            f"{human_size(limit)} per file"
        )
    with open(item.path, "rb") as handle:
        body = _ReadCounter(handle, progress)
        mime = guess_mime(item.path.name) or "application/octet-stream"
        try:
            response = await channel.request(
                "POST",
                channel.api_url + "/upload",
                files=[("files", (item.path.name, body, mime))],
                timeout=httpx.Timeout(None, connect=channel.timeouts.connect),
                within=channel.timeouts.transfer,
            )
        except GradioError as exc:
            status = getattr(exc, "status", None)
            if status == 413:
                raise FileError(f"{item.path}: the app refused it as too large") from None
            raise
    try:
        paths = parse_json(response.content, channel.limits.depth, "answer to the upload")
    except ValueError:
        paths = None
    if not (isinstance(paths, list) and paths and isinstance(paths[0], str)):
        raise FileError(f"{item.path}: the app's answer to the upload is not a list of paths")
    channel.uploaded_from[paths[0]] = item.path
    return paths[0]


# -- downloads ---------------------------------------------------------------------------

_UNSAFE = re.compile(r'[\x00-\x1f\x7f-\x9f<>:"|?*]')
MAX_NAME = 180


def safe_name(name: str | None, fallback: str = "file") -> str:
    """A base name that cannot leave a directory: no separators, no leading dots, no controls.

    ``../../.bashrc`` → ``bashrc``; ``/etc/passwd`` → ``passwd``; ``..`` or ``""`` → fallback.
    """
    text = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    text = _UNSAFE.sub("_", text).strip().lstrip(".").strip()
    if not text:
        text = fallback
    if len(text.encode()) > MAX_NAME:
        stem, dot, ext = text.rpartition(".")
        ext = ext[:16] if dot else ""
        keep = MAX_NAME - len(ext.encode()) - 1
        stem = (stem if dot else text).encode()[:keep].decode(errors="ignore")
        text = f"{stem}.{ext}" if ext else stem
    return text


def download_name(data: dict[str, Any]) -> str:
    """The base name to save a FileData under: its ``orig_name``, else its path's last part."""
    orig = data.get("orig_name")
    if isinstance(orig, str) and safe_name(orig, ""):
        return safe_name(orig)
    path = data.get("path")
    return safe_name(path if isinstance(path, str) else None)


def file_url(channel: Channel, data: dict[str, Any]) -> str:
    """Where to fetch a FileData: its http(s) ``url``, else ``{api_prefix}/file=<path>``."""
    url = data.get("url")
    if isinstance(url, str) and is_url(url):
        return url
    path = str(data.get("path", ""))
    if is_url(path):
        return path
    return f"{channel.api_url}/file={path}"


async def download(
    channel: Channel,
    data: dict[str, Any],
    directory: Path,
    *,
    progress: Progress | None = None,
    max_bytes: int | None = None,
) -> Path:
    """Save the file of ``data`` in ``directory`` and return where it went.

    The body is streamed to a temporary name in ``directory`` that is renamed only once
    complete (nothing half-written is left if this is cancelled); an existing file is never
    overwritten (``name-1.ext``...) and no symbolic link is followed when writing.
    ``max_bytes`` defaults to the app's file size limit (:class:`Limits`).
    """
    name = download_name(data)
    if max_bytes is None:
        max_bytes = channel.limits.file
    url = data.get("url")
    try:
        if isinstance(url, str) and url.startswith("data:"):
            return await _save(_inline(url, max_bytes, name), directory, name, progress, max_bytes)
        work = _download(channel, file_url(channel, data), directory, name, progress, max_bytes)
        return await deadline(work, channel.timeouts.transfer, f"downloading {name}", TRANSFER)
    except OSError as exc:
        raise FileError(f"cannot save {name} in {directory}: {exc.strerror or exc}") from None


async def _download(
    channel: Channel,
    url: str,
    directory: Path,
    name: str,
    progress: Progress | None,
    max_bytes: int | None,
) -> Path:
    timeout = httpx.Timeout(channel.timeouts.stream_idle, connect=channel.timeouts.connect)
    async with client_for(channel, url) as client:
        try:
            async with client.stream("GET", url, timeout=timeout) as response:
                if response.status_code >= 400:
                    raise FileError(f"cannot download {name}: {await _error_text(response)}")
                chunks = response.aiter_bytes(CHUNK)
                return await _save(chunks, directory, name, progress, max_bytes)
        except httpx.HTTPError as exc:
            raise FileError(f"cannot download {name}: {_failure(exc, url)}") from None


async def _save(
    chunks: AsyncIterable[bytes],
    directory: Path,
    name: str,
    progress: Progress | None,
    max_bytes: int | None,
) -> Path:
    """Write ``chunks`` to a temporary name in ``directory``, then publish it as ``name``."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    temp, handle = _temp_file(directory, name)
    fd: int | None = handle
    try:
        received = 0
        async for chunk in chunks:
            received += len(chunk)
            if max_bytes is not None and received > max_bytes:
                raise FileTooLarge(f"{name}: larger than the limit of {human_size(max_bytes)}")
            _write_all(handle, chunk)
            if progress is not None:
                progress(len(chunk))
        fd = None
        os.close(handle)
        return _publish(temp, directory, name)
    finally:
        if fd is not None:
            os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)


async def _inline(url: str, max_bytes: int | None, name: str) -> AsyncIterator[bytes]:
    """The content of a file the app sent inline (a base64 ``data:`` URL, as 3.x does)."""
    try:
        content = decode_data_url(url, max_bytes if max_bytes is not None else len(url))
    except FileError as exc:
        raise FileError(f"{name}: {exc}") from None
    yield content


def decode_data_url(url: str, limit: int) -> bytes:
    """The bytes of a base64 ``data:`` URL (how 3.x sends a file inline), checked against
    ``limit``."""
    header, comma, payload = url.partition(",")
    if not comma:
        raise FileError("the app sent an inline file that is not a data URL (it has no comma)")
    if not header.endswith(";base64"):
        raise FileError("the app sent an inline file that is not base64")
    if len(payload) * 3 // 4 > limit:
        raise FileError(f"the app's inline file is larger than {human_size(limit)}")
    try:
        return base64.b64decode(payload, validate=False)
    except (binascii.Error, ValueError):
        raise FileError("the app sent an inline file that is not valid base64") from None


def _failure(exc: httpx.HTTPError, url: str) -> str:
    """Why a transfer failed, never an empty reason (many httpx errors have no message)."""
    return str(exc) or str(transport_error(exc, url))


@contextlib.asynccontextmanager
async def client_for(channel: Channel, url: str) -> AsyncIterator[httpx.AsyncClient]:
    """The client to fetch ``url`` with: the app's own for its files (its headers carry
    the app's credentials), a plain one for a file elsewhere, so they never leave the app."""
    if httpx.URL(url).netloc == httpx.URL(channel.url).netloc:
        yield channel.http
        return
    timeout = httpx.Timeout(channel.timeouts.stream_idle, connect=channel.timeouts.connect)
    limit = max(channel.limits.json, channel.limits.file)
    async with new_client(timeout=timeout, limit=limit, verify=channel.tls) as client:
        yield client


async def fetch_bytes(channel: Channel, url: str, limit: int, name: str) -> bytes:
    """The whole content of the file at ``url``, read up to ``limit`` bytes."""

    async def fetch() -> bytes:
        async with client_for(channel, url) as client:
            try:
                async with client.stream("GET", url) as response:
                    if response.status_code >= 400:
                        raise FileError(f"cannot fetch {name}: {await _error_text(response)}")
                    return await read_capped(response, limit, f"file {name}")
            except httpx.HTTPError as exc:
                raise FileError(f"cannot fetch {name}: {_failure(exc, url)}") from None

    return await deadline(fetch(), channel.timeouts.transfer, f"fetching {name}", TRANSFER)


async def _error_text(response: httpx.Response) -> str:
    """The status of a refused download with the app's explanation (its start, at most)."""
    return str(status_error(await error_answer(response)))


def _temp_file(directory: Path, name: str) -> tuple[Path, int]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    for n in range(1000):
        temp = directory / f".{name[:60]}.{os.getpid()}.{n}.part"
        try:
            return temp, os.open(temp, flags, 0o666)
        except FileExistsError:
            continue
    raise FileError(f"cannot create a temporary file in {directory}")


def _write_all(fd: int, chunk: bytes) -> None:
    view = memoryview(chunk)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _publish(temp: Path, directory: Path, name: str) -> Path:
    """Give ``temp`` its final name without replacing anything: ``name``, ``name-1``..."""
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        stem, ext = name, ""
    for n in range(10000):
        candidate = directory / (name if n == 0 else f"{stem}-{n}{'.' + ext if ext else ''}")
        try:
            os.link(temp, candidate)
        except FileExistsError:
            continue
        except OSError:
            # No hard links here (some file systems): check, then rename.
            if os.path.lexists(candidate):
                continue
            os.rename(temp, candidate)
            return candidate
        return candidate
    raise FileError(f"too many files named {name} in {directory}")
