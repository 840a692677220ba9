"""Files in result panels: the local path, an image drawn in half-block characters sized to
the terminal, and the format and duration of audio and video when they are cheap to read.

Pillow is imported only when an image is drawn, so start-up does not pay for it.
"""

from __future__ import annotations

import contextlib
import os
import wave
from functools import lru_cache
from typing import Any

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from gradioshell.gradio.files import human_size
from gradioshell.text import safe_line, shown_path

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff", ".ico"}
AUDIO_SUFFIXES = {".wav", ".mp3", ".ogg", ".flac", ".m4a", ".aac", ".opus", ".webm"}
VIDEO_SUFFIXES = {".mp4", ".mov", ".avi", ".mkv", ".webm", ".m4v"}
MAX_PREVIEWS = 4
"""At most this many images are drawn for one output (a gallery shows its first ones)."""
MAX_PIXELS = 20_000_000
"""Largest image drawn by default (``[limits] preview_megapixels``), in pixels."""


def file_lines(
    files: list[dict[str, Any]],
    *,
    preview: bool,
    captions: list[str | None] | None = None,
    max_pixels: int | None = None,
    protocol: str = "blocks",
) -> RenderableType:
    """The files of one output: a line each (with its caption), and previews of images no
    larger than ``max_pixels`` (their size is read from their header, before decoding)."""
    parts: list[RenderableType] = []
    drawn = 0
    for index, data in enumerate(files):
        path = shown_path(data)
        line = Text()
        line.append(safe_line(path), style="underline")
        caption = captions[index] if captions and index < len(captions) else None
        if caption:
            line.append(f"  {safe_line(caption)}", style="italic")
        local = data.get("local_path")
        info = media_info(local) if isinstance(local, str) else None
        if info:
            line.append(f"  {info}", style="dim")
        parts.append(line)
        if preview and isinstance(local, str) and is_image(local) and drawn < MAX_PREVIEWS:
            size = _image_size(local, _mtime(local))
            if size is not None and size[0] * size[1] > (max_pixels or MAX_PIXELS):
                parts.append(Text(f"  ({size[0]}×{size[1]} pixels: too large to preview)", "dim"))
                continue
            rows = 12 if len(files) > 1 else None
            parts.append(
                ImagePreview(
                    local, max_rows=rows, max_pixels=max_pixels or MAX_PIXELS, protocol=protocol
                )
            )
            drawn += 1
    return Group(*parts)


def is_image(path: str) -> bool:
    return os.path.splitext(path)[1].lower() in IMAGE_SUFFIXES


def media_info(path: str) -> str | None:
    """``WAV audio, 2.5 s`` or ``MP4 video, 1.2 MB``: what can be said without decoding."""
    suffix = os.path.splitext(path)[1].lower()
    kind = (
        "audio"
        if suffix in AUDIO_SUFFIXES - VIDEO_SUFFIXES
        else "video"
        if suffix in VIDEO_SUFFIXES
        else None
    )
    if kind is None:
        return None
    parts = [f"{suffix[1:].upper()} {kind}"]
    if suffix == ".wav":
        try:
            with wave.open(path, "rb") as sound:
                frames, rate = sound.getnframes(), sound.getframerate()
            if rate:
                parts.append(f"{frames / rate:.1f} s, {rate / 1000:g} kHz")
        except (OSError, wave.Error, EOFError):
            pass
    else:
        seconds, rate = _duration(path, suffix)
        if seconds is not None:
            parts.append(f"{seconds:.1f} s" + (f", {rate / 1000:g} kHz" if rate else ""))
    with contextlib.suppress(OSError):
        parts.append(human_size(os.path.getsize(path)))
    return ", ".join(parts)


MP4_SUFFIXES = {".mp4", ".m4v", ".mov", ".m4a"}
MATROSKA_SUFFIXES = {".webm", ".mkv"}


def _duration(path: str, suffix: str) -> tuple[float | None, int | None]:
    """A media file's duration in seconds, and its sample rate where it is audio, read from
    its headers: None for what cannot be read."""
    if suffix in MP4_SUFFIXES:
        return mp4_duration(path), None
    if suffix in MATROSKA_SUFFIXES:
        return matroska_duration(path), None
    if suffix == ".avi":
        return avi_duration(path), None
    try:  # MP3, Ogg, Opus, FLAC, AAC: mutagen reads their headers
        import mutagen

        found = mutagen.File(path)
    except Exception:  # mutagen's errors for a file it cannot read are many
        return None, None
    info = getattr(found, "info", None)
    length = getattr(info, "length", None)
    rate = getattr(info, "sample_rate", None)
    if not isinstance(length, (int, float)) or not length > 0:
        return None, None
    return float(length), rate if isinstance(rate, int) and rate > 0 else None


def _vint(data: bytes, offset: int, *, marker: bool) -> tuple[int, int]:
    """An EBML variable-length integer at ``offset``: its value (the length marker kept in
    an element id, cleared in a size) and where it ends."""
    first = data[offset]
    length = 1
    while length <= 8 and not first & (0x80 >> (length - 1)):
        length += 1
    if length > 8 or offset + length > len(data):
        raise ValueError("not an EBML integer")
    value = first if marker else first & (0xFF >> length)
    for byte in data[offset + 1 : offset + length]:
        value = (value << 8) | byte
    return value, offset + length


def matroska_duration(path: str) -> float | None:
    """The duration a WebM or Matroska file's segment info gives (its first 64 KiB are
    read: the info comes first)."""
    import struct

    try:
        with open(path, "rb") as handle:
            data = handle.read(1 << 16)
        offset = 0
        scale, duration = 1_000_000, None
        while offset < len(data):
            element, offset = _vint(data, offset, marker=True)
            size, offset = _vint(data, offset, marker=False)
            if element in (0x18538067, 0x1549A966):  # Segment, Info: look inside
                continue
            body = data[offset : offset + size]
            if element == 0x2AD7B1:  # TimecodeScale, in nanoseconds
                scale = int.from_bytes(body, "big")
            elif element == 0x4489 and size in (4, 8):  # Duration, in TimecodeScale units
                duration = struct.unpack(">f" if size == 4 else ">d", body)[0]
            elif element == 0x1F43B675:  # the first Cluster: the info is behind
                break
            offset += size
    except (OSError, ValueError, struct.error):
        return None
    if duration is None or not duration > 0 or not scale:
        return None
    return duration * scale / 1e9


def avi_duration(path: str) -> float | None:
    """The duration an AVI file's main header gives: frames × microseconds per frame."""
    import struct

    try:
        with open(path, "rb") as handle:
            head = handle.read(64)
        if head[:4] != b"RIFF" or head[8:12] != b"AVI " or head[24:28] != b"avih":
            return None
        per_frame, _, _, _, frames = struct.unpack_from("<5I", head, 32)
    except (OSError, struct.error):
        return None
    return frames * per_frame / 1e6 if frames and per_frame else None


def mp4_duration(path: str) -> float | None:
    """The duration an MP4 or QuickTime file's movie header gives, found by reading box
    headers only (the movie box itself is small); None if there is none to read."""
    import struct

    try:
        with open(path, "rb") as handle:
            end = os.fstat(handle.fileno()).st_size
            offset = 0
            for _ in range(64):  # top-level boxes: a handful in a real file
                if offset + 8 > end:
                    return None
                handle.seek(offset)
                size, kind = struct.unpack(">I4s", handle.read(8))
                header = 8
                if size == 1:
                    size, header = struct.unpack(">Q", handle.read(8))[0], 16
                elif size == 0:
                    size = end - offset
                if size < header:
                    return None
                if kind == b"moov":
                    return _movie_header(handle.read(min(size - header, 1 << 20)))
                offset += size
    except (OSError, struct.error):
        return None
    return None


def _movie_header(moov: bytes) -> float | None:
    """The duration in the ``mvhd`` box among a movie box's children."""
    import struct

    offset = 0
    while offset + 8 <= len(moov):
        size, kind = struct.unpack_from(">I4s", moov, offset)
        if kind == b"mvhd":
            version = moov[offset + 8]
            if version == 1:
                scale, duration = struct.unpack_from(">IQ", moov, offset + 28)
            else:
                scale, duration = struct.unpack_from(">II", moov, offset + 20)
            return duration / scale if scale else None
        if size < 8:
            return None
        offset += size
    return None


class ImagePreview:
    """An image in half-block characters (two pixels a cell), as wide as the space given
    and at most half the terminal high. Nothing is drawn without colour or if it cannot be
    decoded."""

    def __init__(
        self,
        path: str,
        max_rows: int | None = None,
        max_pixels: int = MAX_PIXELS,
        protocol: str = "blocks",
    ) -> None:
        self.path = path
        self.max_rows = max_rows
        self.max_pixels = max_pixels
        #: ``blocks``, or the terminal's image protocol (``terminal_images.PROTOCOLS``).
        self.protocol = protocol

    def _size(self, console: Console, width: int) -> tuple[int, int] | None:
        rows = self.max_rows or max(4, console.height // 2)
        size = _image_size(self.path, _mtime(self.path))
        if size is None or size[0] * size[1] > self.max_pixels:
            return None  # never decoded
        w, h = size
        cols = max(1, min(width, w))
        pixel_rows = max(1, round(h * cols / w))
        if pixel_rows > rows * 2:
            pixel_rows = rows * 2
            cols = max(1, min(width, round(w * pixel_rows / h)))
        return cols, (pixel_rows + 1) // 2

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        size = self._size(console, options.max_width)
        return Measurement(1, size[0] if size else 1)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if console.no_color or console.color_system is None:
            return
        if self.protocol != "blocks":
            yield from self._image(console, options)
            return
        size = self._size(console, options.max_width)
        if size is None:
            return
        for line in _half_blocks(self.path, _mtime(self.path), *size):
            yield from line
            yield Segment.line()

    def _image(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """The image in the terminal's own protocol: its escape sequence (which leaves the
        cursor in place), then the blank cells it covers."""
        from rich.segment import ControlType

        from gradioshell.terminal_images import image_escape

        # The cells half-blocks would take: a real image keeps the layout of the preview.
        cells = self._size(console, options.max_width)
        if cells is None:
            return
        cols, rows = cells
        escape = image_escape(self.protocol, self.path, _mtime(self.path), cols, rows)
        if escape is None:
            return
        # A control segment takes no cells: rich lays out the blanks after it.
        yield Segment(escape, None, [(ControlType.BELL,)])
        for _ in range(rows):
            yield Segment(" " * cols)
            yield Segment.line()


def _mtime(path: str) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return 0


@lru_cache(maxsize=32)
def _image_size(path: str, mtime: int) -> tuple[int, int] | None:
    """An image's size as its header says, without decoding it."""
    try:
        from PIL import Image
    except ImportError:
        return None
    # Pillow's own guard against huge images warns (over the prompt) or refuses by its own
    # measure; the preview limit is checked here before any decoding, instead.
    Image.MAX_IMAGE_PIXELS = None
    try:
        with Image.open(path) as image:
            w, h = image.size
    except Exception:  # not an image Pillow can read
        return None
    return (w, h) if w > 0 and h > 0 else None


@lru_cache(maxsize=16)
def _half_blocks(path: str, mtime: int, cols: int, rows: int) -> list[list[Segment]]:
    """The image as rows of ``▀`` cells: the upper pixel as foreground, the lower as background."""
    from PIL import Image

    try:
        with Image.open(path) as source:
            source.draft("RGB", (cols, rows * 2))
            rgba = source.convert("RGBA")
        # Transparent parts show as black, like the terminal's usual background.
        background = Image.new("RGBA", rgba.size, (0, 0, 0, 255))
        flat = Image.alpha_composite(background, rgba).convert("RGB")
        image = flat.resize((cols, rows * 2), Image.Resampling.LANCZOS)
    except Exception:  # truncated or unreadable: no preview rather than an error
        return []
    pixels = image.load()
    assert pixels is not None
    lines: list[list[Segment]] = []
    for y in range(0, rows * 2, 2):
        line = []
        for x in range(cols):
            top = pixels[x, y]
            bottom = pixels[x, y + 1] if y + 1 < rows * 2 else top
            line.append(Segment("▀", Style(color=_hex(top), bgcolor=_hex(bottom))))
        lines.append(line)
    return lines


def _hex(pixel: Any) -> str:
    r, g, b = pixel[:3]
    return f"#{r:02x}{g:02x}{b:02x}"
