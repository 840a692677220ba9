"""The files the corpus's cases send, made afresh in a directory by :func:`make_fixtures`.

Small and deterministic: both clients send the very same bytes, so whatever the app makes of
them must come back the same.
"""

from __future__ import annotations

import json
import math
import struct
import wave
from pathlib import Path


def make_fixtures(directory: Path) -> Path:
    from PIL import Image

    directory.mkdir(parents=True, exist_ok=True)
    # Red on the left half, blue on the right: a mirror or a flip shows.
    halves = Image.new("RGB", (8, 6), (255, 0, 0))
    for x in range(4, 8):
        for y in range(6):
            halves.putpixel((x, y), (0, 0, 255))
    halves.save(directory / "halves.png")
    gradient = Image.new("RGB", (16, 12))
    for x in range(16):
        for y in range(12):
            gradient.putpixel((x, y), (x * 16, y * 20, 128))
    gradient.save(directory / "cat.png")
    Image.new("RGB", (10, 10), (0, 160, 0)).save(directory / "dog.png")
    Image.new("RGBA", (8, 6), (0, 0, 0, 0)).save(directory / "clear.png")
    _tone(directory / "tone.wav", seconds=0.25, rate=8000, hz=440)
    # Not a decodable video: no app here decodes one, and these releases pass mp4 through.
    (directory / "clip.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(64)))
    (directory / "notes.txt").write_text("hello, files\n", encoding="utf-8")
    (directory / "more.txt").write_text("second file\nwith two lines\n", encoding="utf-8")
    (directory / "cube.obj").write_text(_CUBE, encoding="utf-8")
    (directory / "table.csv").write_text("a,b\n1,2\n3,4\n", encoding="utf-8")
    (directory / "table.tsv").write_text("a\tb\n5\t6\n7\t8\n", encoding="utf-8")
    (directory / "data.json").write_text(json.dumps({"k": [1, 2]}), encoding="utf-8")
    # The 3.x client takes a Chatbot's value as a JSON file.
    (directory / "history_empty.json").write_text("[]", encoding="utf-8")
    (directory / "history_pairs.json").write_text('[["hi", "hello"]]', encoding="utf-8")
    return directory


def _tone(path: Path, *, seconds: float, rate: int, hz: float) -> None:
    frames = int(seconds * rate)
    samples = (int(12000 * math.sin(2 * math.pi * hz * i / rate)) for i in range(frames))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"".join(struct.pack("<h", s) for s in samples))


_CUBE = """\
v 0 0 0
v 1 0 0
v 1 1 0
v 0 1 0
v 0 0 1
v 1 0 1
v 1 1 1
v 0 1 1
f 1 2 3 4
f 5 6 7 8
f 1 2 6 5
f 2 3 7 6
f 3 4 8 7
f 4 1 5 8
"""
