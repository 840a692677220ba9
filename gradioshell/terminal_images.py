"""Real images in the terminal: the kitty graphics protocol, iTerm2's inline images and
sixel, chosen from what the terminal says it is (``ui.images = "auto"``) or by the config.

An image is written as one escape sequence (of data this module encodes itself, never
bytes an app sent) followed by the blank cells it covers, so that rich lays it out as a
block of ``cols`` × ``rows`` cells, inside a panel as anywhere else.
"""

from __future__ import annotations

import base64
import io
import os
import re
import zlib
from functools import lru_cache
from typing import Any

PROTOCOLS = ("kitty", "iterm2", "sixel")
CHOICES = ("auto", *PROTOCOLS, "blocks")
"""The values of ``ui.images``: ``blocks`` draws half-block characters, as anywhere."""

CELL = (10, 20)
"""The size of a cell in pixels, as most terminals draw it (the image is scaled to it)."""


def detect(env: dict[str, str] | None = None) -> str:
    """The image protocol of the terminal the environment names, or ``blocks``.

    Inside tmux or screen, escape sequences of images do not reach the terminal unless
    passed through: half-blocks are used there unless the config names a protocol."""
    env = dict(os.environ if env is None else env)
    term = env.get("TERM", "")
    program = env.get("TERM_PROGRAM", "")
    if env.get("TMUX") or term.startswith(("screen", "tmux")):
        return "blocks"
    if term == "xterm-kitty" or env.get("KITTY_WINDOW_ID") or term == "xterm-ghostty":
        return "kitty"
    if program in ("iTerm.app", "WezTerm") or env.get("LC_TERMINAL") == "iTerm2":
        return "iterm2"
    if "sixel" in term or term.startswith(("foot", "mlterm", "yaft")):
        return "sixel"
    return "blocks"


def chosen(setting: str, env: dict[str, str] | None = None) -> str:
    """The protocol to draw with for the config's ``ui.images``: with ``auto``, the one the
    environment names, else the one the terminal answers that it has (:func:`ask_terminal`)."""
    if setting != "auto":
        return setting
    env = dict(os.environ if env is None else env)
    found = detect(env)
    if found == "blocks" and may_ask(env):
        found = ask_terminal() or "blocks"
    return found


def may_ask(env: dict[str, str]) -> bool:
    """Whether the terminal can be asked: not through tmux or screen, not a terminal known
    to print what it does not understand, and not without colour (no images then)."""
    term = env.get("TERM", "")
    if env.get("TMUX") or term.startswith(("screen", "tmux")) or env.get("NO_COLOR"):
        return False
    return term not in ("", "dumb", "linux", "vt100", "vt220")


# The kitty graphics protocol's query (a 1×1 image, answered OK by terminals that have it),
# then the primary device attributes (answered by every terminal; attribute 4 is sixel).
QUERY = "\x1b_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\\x1b[c"
_ATTRIBUTES = re.compile(r"\x1b\[\?([0-9;]*)c")


def ask_terminal(timeout: float = 0.3) -> str | None:
    """The image protocol the terminal says it has when asked (kitty, sixel), or None: it
    did not say, or did not answer within ``timeout`` seconds. Asked once, at start-up,
    before the prompt reads the keyboard."""
    import select
    import sys
    import termios
    import time
    import tty

    try:
        fd = sys.stdin.fileno()
        if not (os.isatty(fd) and sys.stdout.isatty()):
            return None
        saved = termios.tcgetattr(fd)
    except (OSError, ValueError, termios.error):
        return None
    answer = ""
    try:
        tty.setcbreak(fd, termios.TCSANOW)  # the answer is read, not echoed
        sys.stdout.write(QUERY)
        sys.stdout.flush()
        deadline = time.monotonic() + timeout
        while not _ATTRIBUTES.search(answer) and len(answer) < 4096:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                break
            chunk = os.read(fd, 1024)
            if not chunk:
                break
            answer += chunk.decode("latin-1")
    except OSError:
        return None
    finally:
        termios.tcsetattr(fd, termios.TCSANOW, saved)
    if "\x1b_Gi=31;OK" in answer:
        return "kitty"
    found = _ATTRIBUTES.search(answer)
    if found and "4" in found.group(1).split(";"):
        return "sixel"
    return None


def image_escape(protocol: str, path: str, mtime: int, cols: int, rows: int) -> str | None:
    """The escape sequence that draws the image at ``path`` over ``cols`` × ``rows`` cells
    from the cursor, leaving the cursor where it was; None if it cannot be read."""
    return _escape(protocol, path, mtime, cols, rows)


@lru_cache(maxsize=16)
def _escape(protocol: str, path: str, mtime: int, cols: int, rows: int) -> str | None:
    image = _scaled(path, cols * CELL[0], rows * CELL[1])
    if image is None:
        return None
    if protocol == "sixel":
        return "\x1b7" + sixel(image) + "\x1b8"
    png = io.BytesIO()
    image.save(png, format="PNG")
    data = base64.standard_b64encode(png.getvalue()).decode("ascii")
    if protocol == "kitty":
        # One id per picture and size: drawing it again replaces it instead of stacking.
        ident = zlib.crc32(f"{path}:{mtime}:{cols}x{rows}".encode()) % 4_000_000_000 + 1
        chunks = [data[i : i + 4096] for i in range(0, len(data), 4096)] or [""]
        parts = []
        for index, chunk in enumerate(chunks):
            more = 1 if index < len(chunks) - 1 else 0
            if index == 0:
                keys = f"a=T,f=100,t=d,i={ident},c={cols},r={rows},C=1,q=2,m={more}"
            else:
                keys = f"m={more}"
            parts.append(f"\x1b_G{keys};{chunk}\x1b\\")
        return "".join(parts)
    if protocol == "iterm2":
        size = len(png.getvalue())
        head = f"inline=1;size={size};width={cols};height={rows};preserveAspectRatio=1"
        return f"\x1b7\x1b]1337;File={head}:{data}\x07\x1b8"
    return None


def _scaled(path: str, width: int, height: int) -> Any:
    """The image at ``path`` as RGB, fitted within ``width`` × ``height`` pixels."""
    from PIL import Image

    try:
        with Image.open(path) as source:
            source.draft("RGB", (width, height))
            rgba = source.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (0, 0, 0, 255))
        flat = Image.alpha_composite(background, rgba).convert("RGB")
        flat.thumbnail((max(1, width), max(1, height)), Image.Resampling.LANCZOS)
    except Exception:  # truncated or unreadable: no image rather than an error
        return None
    return flat


def sixel(image: Any) -> str:
    """An RGB image as a sixel sequence, in at most 255 colours."""
    from PIL import Image

    indexed = image.quantize(colors=255, method=Image.Quantize.MEDIANCUT)
    palette = indexed.getpalette() or []
    width, height = indexed.size
    pixels = indexed.load()
    used = sorted({pixels[x, y] for y in range(height) for x in range(width)})
    out = [f'\x1bP0;1;0q"1;1;{width};{height}']
    for colour in used:
        r, g, b = palette[colour * 3 : colour * 3 + 3]
        out.append(f"#{colour};2;{r * 100 // 255};{g * 100 // 255};{b * 100 // 255}")
    for top in range(0, height, 6):
        bands: dict[int, list[int]] = {}
        for dy in range(min(6, height - top)):
            for x in range(width):
                bands.setdefault(pixels[x, top + dy], [0] * width)[x] |= 1 << dy
        for colour, bits in bands.items():
            out.append(f"#{colour}{_runs(bits)}$")
        out.append("-")
    out.append("\x1b\\")
    return "".join(out)


def _runs(bits: list[int]) -> str:
    """One colour's sixels of a band, repeats written as ``!COUNT``."""
    out = []
    index = 0
    while index < len(bits):
        end = index
        while end < len(bits) and bits[end] == bits[index]:
            end += 1
        char = chr(63 + bits[index])
        count = end - index
        out.append(f"!{count}{char}" if count > 3 else char * count)
        index = end
    return "".join(out)
