"""Previews of result files: half-block images sized to the space given, audio facts."""

from __future__ import annotations

import io
import re
import wave
from pathlib import Path

from PIL import Image
from rich.console import Console

from gradioshell.preview import ImagePreview, file_lines, media_info


def render(renderable: object, *, width: int = 40, height: int = 20, color: bool = True) -> str:
    console = Console(
        file=io.StringIO(),
        width=width,
        height=height,
        color_system="truecolor" if color else None,
        force_terminal=color,
    )
    console.print(renderable)
    return console.file.getvalue()  # type: ignore[attr-defined]


def test_image_fits_the_width_and_half_the_height(tmp_path: Path) -> None:
    path = tmp_path / "wide.png"
    Image.new("RGB", (400, 100), (255, 0, 0)).save(path)
    lines = render(ImagePreview(str(path)), width=40).splitlines()
    assert len(lines) == 5  # 40 columns for 400 pixels: 10 pixel rows, 2 per line
    assert all(line.count("▀") == 40 for line in lines)
    assert "38;2;255;0;0" in lines[0]  # the colour of the pixels, in true colour

    tall = tmp_path / "tall.png"
    Image.new("RGB", (100, 400), (0, 0, 255)).save(tall)
    lines = render(ImagePreview(str(tall)), width=40, height=20).splitlines()
    assert len(lines) == 10  # at most half the terminal high
    assert lines[0].count("▀") == 5  # and narrower, keeping the aspect ratio


def test_small_images_are_not_enlarged(tmp_path: Path) -> None:
    path = tmp_path / "small.png"
    Image.new("RGB", (6, 4)).save(path)
    lines = render(ImagePreview(str(path)), width=40).splitlines()
    assert len(lines) == 2 and lines[0].count("▀") == 6


def test_nothing_is_drawn_without_colour_or_for_a_non_image(tmp_path: Path) -> None:
    path = tmp_path / "i.png"
    Image.new("RGB", (10, 10)).save(path)
    assert "▀" not in render(ImagePreview(str(path)), color=False)
    text = tmp_path / "not.png"
    text.write_text("not an image")
    assert render(ImagePreview(str(text))).strip() == ""


def test_file_lines_show_paths_and_wav_duration(tmp_path: Path) -> None:
    sound = tmp_path / "beep.wav"
    with wave.open(str(sound), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\0\0" * 20000)
    assert media_info(str(sound)).startswith("WAV audio, 2.5 s, 8 kHz")
    assert media_info(str(tmp_path / "clip.mp4")) == "MP4 video"
    shown = render(
        file_lines([{"path": "/srv/beep.wav", "local_path": str(sound)}], preview=True), width=100
    )
    assert str(sound) in shown and "2.5 s" in shown


def test_gallery_items_show_path_caption_and_preview(tmp_path: Path) -> None:
    from gradioshell.render import format_value

    path = tmp_path / "tile.png"
    Image.new("RGB", (8, 4), (0, 255, 0)).save(path)
    item = {
        "image": {"path": "/srv/t.png", "url": None, "meta": {"_type": "gradio.FileData"}},
        "caption": "tile 0",
    }
    item["image"]["local_path"] = str(path)
    shown = render(format_value([item], preview=True), width=100)
    assert f"{path}  tile 0" in re.sub(r"\x1b\[[0-9;]*m", "", shown)
    assert shown.count("▀") == 16  # 8 x 4 pixels: 8 columns, 2 lines
    assert "▀" not in render(format_value([item], preview=False), width=100)


def _ebml(element: int, body: bytes) -> bytes:
    """One EBML element: its id, its size (8 bytes), its body."""
    ident = element.to_bytes((element.bit_length() + 7) // 8, "big")
    return ident + (0x01 << 56 | len(body)).to_bytes(8, "big") + body


def test_durations_of_compressed_audio_and_other_videos(tmp_path: Path) -> None:
    import struct

    # MP3: 100 frames of MPEG-1 layer III at 128 kbit/s, 44.1 kHz (1152 samples each).
    frame = b"\xff\xfb\x90\x00" + bytes(413)
    (tmp_path / "voice.mp3").write_bytes(frame * 100)
    # FLAC: its stream info says 3 s of 16 kHz audio.
    info = struct.pack(">HH", 4096, 4096) + bytes(6)
    info += ((16000 << 44) | (0 << 41) | (15 << 36) | 48000).to_bytes(8, "big") + bytes(16)
    (tmp_path / "tone.flac").write_bytes(b"fLaC" + bytes([0x80, 0, 0, 34]) + info)
    # WebM: a segment whose info says 4.5 s (in the default milliseconds).
    segment_info = _ebml(0x2AD7B1, (1_000_000).to_bytes(3, "big"))
    segment_info += _ebml(0x4489, struct.pack(">d", 4500.0))
    webm = _ebml(0x1A45DFA3, _ebml(0x4282, b"webm"))
    webm += _ebml(0x18538067, _ebml(0x1549A966, segment_info) + _ebml(0x1F43B675, bytes(8)))
    (tmp_path / "clip.webm").write_bytes(webm)
    # AVI: 50 frames of 40 ms.
    avih = struct.pack("<5I", 40_000, 0, 0, 0, 50) + bytes(36)
    riff = b"LIST" + struct.pack("<I", 4 + 8 + len(avih)) + b"hdrl" + b"avih"
    riff += struct.pack("<I", len(avih)) + avih
    (tmp_path / "old.avi").write_bytes(b"RIFF" + struct.pack("<I", 4 + len(riff)) + b"AVI " + riff)

    assert media_info(str(tmp_path / "voice.mp3")).startswith("MP3 audio, 2.6 s, 44.1 kHz, ")
    assert media_info(str(tmp_path / "tone.flac")).startswith("FLAC audio, 3.0 s, 16 kHz, ")
    assert media_info(str(tmp_path / "clip.webm")).startswith("WEBM video, 4.5 s, ")
    assert media_info(str(tmp_path / "old.avi")).startswith("AVI video, 2.0 s, ")
    # What cannot be read keeps its kind and size, without a duration.
    (tmp_path / "broken.webm").write_bytes(b"\x1a\x45\xdf\xa3\xff")
    (tmp_path / "broken.mp3").write_bytes(b"not audio at all")
    assert media_info(str(tmp_path / "broken.webm")) == "WEBM video, 5 bytes"
    assert media_info(str(tmp_path / "broken.mp3")) == "MP3 audio, 16 bytes"
