"""A Plot's value as a file a person can open: its image (matplotlib sends a PNG), or a page
that draws the chart it describes (plotly, altair, bokeh) in a browser.

The files go to the user's cache folder under a name their content gives, so drawing the
same value again finds them there instead of writing them again.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from pathlib import Path
from typing import Any

MAX_PLOT = 32 * 1024 * 1024
"""A plot larger than this (as sent) is not written out."""

#: The scripts a chart's page loads to draw it, by the library that described it.
_PAGES = {
    "plotly": (
        '<script src="https://cdn.plot.ly/plotly-2.35.2.min.js"></script>',
        "const figure = {spec};\n"
        'Plotly.newPlot("plot", figure.data || [], figure.layout || {{}}, {{responsive: true}});',
    ),
    "altair": (
        '<script src="https://cdn.jsdelivr.net/npm/vega@5"></script>\n'
        '<script src="https://cdn.jsdelivr.net/npm/vega-lite@5"></script>\n'
        '<script src="https://cdn.jsdelivr.net/npm/vega-embed@6"></script>',
        'vegaEmbed("#plot", {spec});',
    ),
    "bokeh": (
        '<script src="https://cdn.bokeh.org/bokeh/release/bokeh-{version}.min.js"></script>',
        'Bokeh.embed.embed_item({spec}, "plot");',
    ),
}


def plot_library(value: Any) -> str | None:
    """The library that made a Plot's value (``matplotlib``, ``plotly``...), or None if the
    value is not a plot."""
    if not isinstance(value, dict) or not isinstance(value.get("plot"), str):
        return None
    library = value.get("type")
    return library if isinstance(library, str) and library else "plot"


def plot_file(value: Any) -> str | None:
    """The file a Plot's value is saved as: its image, or a page drawing its chart; None if
    it is neither an image nor a chart of a known library, or cannot be written."""
    if plot_library(value) is None:
        return None
    plot: str = value["plot"]
    if len(plot) > MAX_PLOT:
        return None
    if plot.startswith("data:image/"):
        return _image(plot)
    return _page(str(value.get("type") or ""), plot)


def _image(data_url: str) -> str | None:
    head, _, payload = data_url.partition(",")
    if ";base64" not in head:
        return None
    suffix = {"image/png": ".png", "image/jpeg": ".jpg", "image/svg+xml": ".svg"}.get(
        head[5:].split(";")[0], ".png"
    )
    try:
        image = base64.b64decode(payload, validate=False)
    except (ValueError, binascii.Error):
        return None
    return _saved(image, suffix)


def _page(library: str, plot: str) -> str | None:
    page = _PAGES.get(library)
    if page is None:
        return None
    try:
        spec = json.loads(plot)
    except ValueError:
        return None
    version = ""
    if library == "bokeh":
        doc = spec.get("doc") if isinstance(spec, dict) else None
        found = doc.get("version") if isinstance(doc, dict) else None
        if not isinstance(found, str) or not all(c.isalnum() or c in ".-" for c in found):
            return None
        version = found
    # Written back as JSON that cannot end the script it sits in.
    embedded = json.dumps(spec).replace("<", "\\u003c").replace(">", "\\u003e")
    scripts, draw = page
    html = (
        "<!doctype html>\n<html><head><meta charset='utf-8'><title>plot</title>\n"
        f"{scripts.format(version=version)}\n</head>\n"
        "<body style='margin:0'><div id='plot' style='width:100vw;height:100vh'></div>\n"
        f"<script>\n{draw.format(spec=embedded)}\n</script>\n</body></html>\n"
    )
    return _saved(html.encode(), ".html")


def _saved(content: bytes, suffix: str) -> str | None:
    from platformdirs import user_cache_dir

    digest = hashlib.sha256(content).hexdigest()[:20]
    folder = Path(user_cache_dir("gradioshell")) / "plots"
    path = folder / f"plot-{digest}{suffix}"
    if not path.exists():
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            partial = path.with_suffix(".part")
            partial.write_bytes(content)
            partial.replace(path)
        except OSError:
            return None
    return str(path)
