"""File values as Gradio releases before 4.21 put them on the wire.

Everything above the protocol layer deals in one shape, the FileData of Gradio 4.21 and
later (:func:`~gradioshell.gradio.files.file_data`). A :class:`FileCodec` turns the inputs of
a call into the shape an older app expects and its outputs back into that one shape, so
uploads, downloads, previews and chaining work the same on every release:

==========  ======================================================================
Gradio      on the wire
==========  ======================================================================
3.x         files are ``{"name", "data", "is_file", "orig_name", "size"}`` dicts:
            ``name`` is a server path when ``is_file`` is true, else ``data``
            holds the file as base64. ``Image`` takes and returns a bare base64
            data URL instead.
4.0 – 4.20  FileData without ``meta`` and ``is_stream``; before 4.20 the
            outputs carry no ``url`` either.
4.21 +      FileData with ``meta`` (no codec: nothing to convert).
==========  ======================================================================
"""

from __future__ import annotations

import base64
import mimetypes
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from gradioshell.gradio.files import (
    FILE_META,
    fetch_bytes,
    file_data,
    file_url,
    guess_mime,
    is_file_data,
    is_url,
    map_files,
)
from gradioshell.gradio.protocols.catalog import version_tuple

if TYPE_CHECKING:
    from gradioshell.gradio.channel import Channel
    from gradioshell.gradio.models import AppConfig, Endpoint


class FileCodec(Protocol):
    """Converts file values between the shell's FileData and one release's wire shape."""

    async def encode(self, channel: Channel, endpoint: Endpoint, data: list[Any]) -> list[Any]:
        """The inputs of a call as the app expects them."""
        ...

    def decode(self, endpoint: Endpoint, data: list[Any]) -> list[Any]:
        """The outputs of a call with every file as a FileData (a new list; ``data`` is
        left as it is, since later diffs apply to it)."""
        ...


def codec_for(config: AppConfig, api_url: str) -> FileCodec | None:
    """The codec an app's release needs, or None when it speaks FileData as it is."""
    version = version_tuple(config.version)
    if config.protocol is None or version < (4,):
        return Gradio3Files(api_url)
    if version < (4, 21):
        return Gradio4Files(api_url)
    return None


# -- 4.0 to 4.20 -------------------------------------------------------------------------


class Gradio4Files:
    """FileData without ``meta``/``is_stream`` in; outputs given ``meta`` and their ``url``."""

    def __init__(self, api_url: str) -> None:
        self.api_url = api_url

    async def encode(self, channel: Channel, endpoint: Endpoint, data: list[Any]) -> list[Any]:
        return [map_files(v, self._strip) for v in data]

    @staticmethod
    def _strip(item: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in item.items() if k not in ("meta", "is_stream")}

    def decode(self, endpoint: Endpoint, data: list[Any]) -> list[Any]:
        return [map_files(v, self._current, _is_old_file_data) for v in data]

    def _current(self, value: dict[str, Any]) -> dict[str, Any]:
        item = {**value, "meta": dict(FILE_META)}
        if not item.get("url") and not is_url(item["path"]):
            item["url"] = f"{self.api_url}/file={item['path']}"
        return item


def _is_old_file_data(value: Any) -> bool:
    """A FileData of 4.0–4.20: a ``path`` with the FileData keys, but no ``meta``."""
    return (
        isinstance(value, dict)
        and isinstance(value.get("path"), str)
        and "orig_name" in value
        and ("mime_type" in value or "url" in value)
    )


# -- 3.x ---------------------------------------------------------------------------------

IMAGE_COMPONENTS = {"image"}


class Gradio3Files:
    """Files as 3.x dicts; images as base64 data URLs."""

    def __init__(self, api_url: str) -> None:
        self.api_url = api_url

    # inputs

    async def encode(self, channel: Channel, endpoint: Endpoint, data: list[Any]) -> list[Any]:
        out = []
        for index, value in enumerate(data):
            param = endpoint.parameters[index] if index < len(endpoint.parameters) else None
            component = param.component.lower() if param is not None else ""
            if component in IMAGE_COMPONENTS and is_file_data(value):
                out.append(await _data_url(channel, value))
            else:
                out.append(await self._encode_files(channel, value))
        return out

    async def _encode_files(self, channel: Channel, value: Any) -> Any:
        if is_file_data(value):
            return await self._file_dict(channel, value)
        if isinstance(value, dict):
            return {k: await self._encode_files(channel, v) for k, v in value.items()}
        if isinstance(value, list):
            return [await self._encode_files(channel, v) for v in value]
        return value

    async def _file_dict(self, channel: Channel, item: dict[str, Any]) -> dict[str, Any]:
        path = item["path"]
        name = item.get("orig_name") or Path(path).name or "file"
        url = item.get("url")
        on_server = not is_url(path) and not (isinstance(url, str) and url.startswith("data:"))
        if on_server:
            # A path the app handed out (an upload or an earlier output): sent by reference.
            return {
                "name": path,
                "data": None,
                "is_file": True,
                "orig_name": name,
                "size": item.get("size"),
            }
        # 3.x cannot fetch a URL itself: the file goes inline, as base64.
        encoded = await _data_url(channel, item)
        return {"name": name, "data": encoded, "is_file": False, "orig_name": name}

    # outputs

    def decode(self, endpoint: Endpoint, data: list[Any]) -> list[Any]:
        out = []
        for index, value in enumerate(data):
            ret = endpoint.returns[index] if index < len(endpoint.returns) else None
            component = ret.component.lower() if ret is not None else ""
            if component in IMAGE_COMPONENTS and _is_data_url(value):
                out.append(_inline_file(value, None, "image"))
            else:
                out.append(map_files(value, self._from_file_dict, _is_3x_file))
        return out

    def _from_file_dict(self, value: dict[str, Any]) -> dict[str, Any]:
        name = value["name"]
        orig = value.get("orig_name")
        orig = orig if isinstance(orig, str) and orig else Path(name).name
        size = value.get("size") if isinstance(value.get("size"), int) else None
        if value.get("is_file"):
            url = name if is_url(name) else f"{self.api_url}/file={name}"
            return file_data(name, orig_name=orig, size=size, mime_type=guess_mime(orig), url=url)
        return _inline_file(value["data"], orig, "file")


def _is_3x_file(value: Any) -> bool:
    """A 3.x file dict: a ``name`` with the file on the server, or inline in ``data``."""
    if not isinstance(value, dict) or not isinstance(value.get("name"), str):
        return False
    encoded = value.get("data")
    return bool(value.get("is_file")) or (isinstance(encoded, str) and bool(encoded))


# -- inline (base64) files ----------------------------------------------------------------


def _is_data_url(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("data:") and ";base64," in value[:200]


def _inline_file(encoded: str, name: str | None, stem: str) -> dict[str, Any]:
    """A FileData for a file the app sent inline: ``url`` is its data URL."""
    if not encoded.startswith("data:"):
        guessed = guess_mime(name or "") or "application/octet-stream"
        encoded = f"data:{guessed};base64,{encoded}"
    mime = encoded[5:].split(";", 1)[0].split(",", 1)[0][:100] or None
    if not name:
        ext = (mimetypes.guess_extension(mime) if mime else None) or ""
        name = stem + ext
    payload = encoded.partition(",")[2]  # none without a comma: refused when it is saved
    size = max(0, len(payload) * 3 // 4 - payload[-2:].count("="))
    return file_data(name, orig_name=name, size=size, mime_type=mime, url=encoded)


async def _data_url(channel: Channel, item: dict[str, Any]) -> str:
    """The file of ``item`` as a base64 data URL (3.x takes images, and URLs, only so)."""
    url = item.get("url")
    if isinstance(url, str) and url.startswith("data:"):
        return url
    limit = channel.limits.json
    name = item.get("orig_name") or Path(item["path"]).name
    local = channel.uploaded_from.get(item["path"])
    if local is not None and local.is_file() and local.stat().st_size <= limit:
        content = local.read_bytes()
    else:
        content = await fetch_bytes(channel, file_url(channel, item), limit, name)
    mime = item.get("mime_type") or guess_mime(name) or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"
