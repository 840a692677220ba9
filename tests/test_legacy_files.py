"""File values of Gradio releases before 4.21, turned into FileData and back.

The end-to-end proof is the conformance suite (test_versions.py) against real servers; these
pin the shapes it cannot easily reach: galleries, inline files, limits.
"""

from __future__ import annotations

import asyncio
import base64

import pytest

from gradioshell.gradio.files import FileError, decode_data_url, file_data, is_file_data
from gradioshell.gradio.legacy_files import Gradio3Files, Gradio4Files, codec_for
from gradioshell.gradio.models import Endpoint, Parameter, Return, parse_config

API = "http://127.0.0.1:7860"


def _config(version: str, protocol: str | None) -> object:
    payload = {"version": version, "components": [], "dependencies": []}
    if protocol:
        payload["protocol"] = protocol
    return parse_config(payload)


@pytest.mark.parametrize(
    ("version", "protocol", "codec"),
    [
        ("3.50.2", None, Gradio3Files),
        ("4.8.0", "sse", Gradio4Files),
        ("4.20.1", "sse_v2", Gradio4Files),
        ("4.21.0", "sse_v2.1", None),
        ("5.50.0", "sse_v3", None),
    ],
)
def test_codec_by_release(version: str, protocol: str | None, codec: type | None) -> None:
    found = codec_for(_config(version, protocol), API)  # type: ignore[arg-type]
    assert (type(found) if found is not None else None) is codec


def test_3x_gallery_output_becomes_file_data() -> None:
    endpoint = Endpoint("/g", 0, returns=(Return("Gallery", "Gallery"),))
    wire = [
        [
            [{"name": "/tmp/g/a.png", "data": None, "is_file": True}, "first"],
            [{"name": "/tmp/g/b.png", "data": None, "is_file": True}, None],
        ]
    ]
    (gallery,) = Gradio3Files(API).decode(endpoint, wire)
    (a, caption), (b, _) = gallery
    assert caption == "first"
    assert is_file_data(a) and is_file_data(b)
    assert a["url"] == f"{API}/file=/tmp/g/a.png" and a["mime_type"] == "image/png"
    assert wire[0][0][0] == {"name": "/tmp/g/a.png", "data": None, "is_file": True}  # untouched


def test_3x_inline_outputs() -> None:
    endpoint = Endpoint(
        "/x",
        0,
        returns=(Return("Image", "Image"), Return("File", "File"), Return("Text", "Textbox")),
    )
    png = "data:image/png;base64," + base64.b64encode(b"\x89PNG....").decode()
    raw_file = {"name": "x.bin", "data": base64.b64encode(b"abc").decode(), "is_file": False}
    image, inline, text = Gradio3Files(API).decode(endpoint, [png, raw_file, png])
    assert image["orig_name"] == "image.png" and image["url"] == png and image["size"] == 8
    assert inline["orig_name"] == "x.bin" and inline["url"].startswith("data:")
    assert decode_data_url(inline["url"], 100) == b"abc"
    assert text == png  # only an image output's string is a file


def test_3x_inputs_by_reference() -> None:
    endpoint = Endpoint("/u", 0, parameters=(Parameter("f", component="File"),))
    sent = asyncio.run(
        Gradio3Files(API).encode(
            None,  # type: ignore[arg-type]  (no I/O for a server path)
            endpoint,
            [file_data("/tmp/gradio/x/a.txt", orig_name="a.txt", size=3)],
        )
    )
    assert sent == [
        {
            "name": "/tmp/gradio/x/a.txt",
            "data": None,
            "is_file": True,
            "orig_name": "a.txt",
            "size": 3,
        }
    ]


def test_4x_before_4_21() -> None:
    endpoint = Endpoint("/u", 0)
    sent = asyncio.run(
        Gradio4Files(API).encode(None, endpoint, [[file_data("/tmp/a", orig_name="a")]])  # type: ignore[arg-type]
    )
    assert sent == [
        [{"path": "/tmp/a", "url": None, "size": None, "orig_name": "a", "mime_type": None}]
    ]
    (back,) = Gradio4Files(API).decode(endpoint, sent[0])
    assert back["meta"] == {"_type": "gradio.FileData"}
    assert back["url"] == f"{API}/file=/tmp/a"
    assert Gradio4Files(API).decode(endpoint, [{"path": "not a file"}]) == [{"path": "not a file"}]


def test_inline_file_over_the_limit_is_refused() -> None:
    url = "data:application/octet-stream;base64," + base64.b64encode(b"x" * 4000).decode()
    with pytest.raises(FileError, match="larger than"):
        decode_data_url(url, 1000)
    with pytest.raises(FileError, match="not base64"):
        decode_data_url("data:text/plain,hello", 1000)
