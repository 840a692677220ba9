"""Every Gradio component written on the command line, checked by what the app received.

The app (``tests/apps/components.py``) answers each call with an account of the value its
function got after the component's own preprocessing: files by name and digest, tables by
rows. Wrong values are refused before anything is sent, in one line naming the parameter.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import wave
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from tests.conftest import APPS, RunningApp, start_app


@pytest.fixture(scope="module")
def components_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    app: RunningApp = start_app(
        [str(APPS / "components.py")], tmp_path_factory.mktemp("components") / "log"
    )
    yield app.url
    app.stop()


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from PIL import Image

    folder = tmp_path_factory.mktemp("media")
    Image.new("RGB", (8, 6), "red").save(folder / "red.png")
    Image.new("RGB", (8, 6), "blue").save(folder / "blue.png")
    with wave.open(str(folder / "tone.wav"), "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(8000)
        sound.writeframes(b"\x00\x00" * 800)
    (folder / "cube.obj").write_text("v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n")
    (folder / "table.csv").write_text("name,score\nada,3\nbob,4.5\n")
    return folder


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def file_of(path: Path) -> dict[str, str]:
    return {"file": path.name, "sha": sha(path)}


def completed(stdout: str) -> list[dict]:
    return [r for r in map(json.loads, stdout.splitlines()) if r["event"] in ("complete", "error")]


# Each case: the words after the endpoint name, and what the app's function received.
CASES = {
    "textbox": ("'hello there'", lambda m: "hello there"),
    "number": ("3.5", lambda m: 3.5),
    "slider": ("7", lambda m: 7),
    "checkbox": ("yes", lambda m: True),
    "checkboxgroup": ("a,c", lambda m: ["a", "c"]),
    "radio": ("dog", lambda m: "dog"),
    "dropdown": ("$null", lambda m: None),
    "multiselect": ('\'["bird", "cat"]\'', lambda m: ["bird", "cat"]),
    "colorpicker": ("'#ff0000'", lambda m: "#ff0000"),
    # The app's DateTime hands its function a timestamp, in the app's (here: our) time zone.
    "datetime": ("'2024-01-02 03:04:05'", lambda m: datetime(2024, 1, 2, 3, 4, 5).timestamp()),
    "json": ("'{\"a\": [1, 2]}'", lambda m: {"a": [1, 2]}),
    "code": ("'print(1)'", lambda m: "print(1)"),
    "chatbot": (
        '\'[["hi", "hello"]]\'',
        lambda m: [
            {
                "role": "user",
                "metadata": None,
                "content": [{"text": "hi", "type": "text"}],
                "options": None,
            },
            {
                "role": "assistant",
                "metadata": None,
                "content": [{"text": "hello", "type": "text"}],
                "options": None,
            },
        ],
    ),
    "multimodal": (
        "value='what is this?' value.files={m}/red.png",
        lambda m: {"text": "what is this?", "files": [file_of(m / "red.png")]},
    ),
    "image": ("{m}/red.png", lambda m: file_of(m / "red.png")),
    "audio": ("{m}/tone.wav", lambda m: file_of(m / "tone.wav")),
    "video": (None, None),  # needs a real video: covered by the corpus where one is made
    "file": ("{m}/cube.obj", lambda m: file_of(m / "cube.obj")),
    "files": ("'{m}/*.png'", lambda m: [file_of(m / "blue.png"), file_of(m / "red.png")]),
    "gallery": (
        '\'["{m}/red.png", "{m}/blue.png"]\'',
        lambda m: [[file_of(m / "red.png"), None], [file_of(m / "blue.png"), None]],
    ),
    "model3d": ("{m}/cube.obj", lambda m: file_of(m / "cube.obj")),
    "imageeditor": ("{m}/red.png", None),  # re-encoded by the app: checked below
    "dataframe": (
        "{m}/table.csv",
        lambda m: {"columns": ["name", "score"], "rows": [["ada", 3], ["bob", 4.5]]},
    ),
    "label": ("cat", lambda m: "cat"),
    "highlightedtext": (
        '\'[["hello", "greeting"], [" world", null]]\'',
        lambda m: [
            {"token": "hello", "class_or_confidence": "greeting"},
            {"token": " world", "class_or_confidence": None},
        ],
    ),
    "annotatedimage": ("{m}/red.png", lambda m: [file_of(m / "red.png"), []]),
    "imageslider": (
        '\'["{m}/red.png", "{m}/blue.png"]\'',
        lambda m: [file_of(m / "red.png"), file_of(m / "blue.png")],
    ),
}


@pytest.fixture(scope="module")
def written(components_url: str, media: Path, tmp_path_factory: pytest.TempPathFactory):
    """One shell run calling every endpoint as written in CASES, in order."""
    import os
    import sys

    home = tmp_path_factory.mktemp("home")
    statements = [f"connect {components_url}"]
    names = []
    for name, (words, _) in CASES.items():
        if words is not None:
            # With its slash: an endpoint named like a command (code) is still the endpoint.
            statements.append(f"/{name} {words.replace('{m}', str(media))}")
            names.append(name)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "gradioshell",
            "--json",
            "--keep-going",
            "--download-dir",
            str(home / "dl"),
            "-c",
            "; ".join(statements),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / "data")},
    )
    records = completed(done.stdout)
    assert len(records) == len(names), done.stdout + done.stderr
    return dict(zip(names, records, strict=True))


@pytest.mark.parametrize("name", [n for n, (w, e) in CASES.items() if w and e])
def test_component_written_on_the_command_line(written, media: Path, name: str) -> None:
    record = written[name]
    assert record["event"] == "complete", record
    assert record["data"] == [{"value": CASES[name][1](media)}]


def test_image_editor_gets_its_background_and_composite(written, media: Path) -> None:
    # Before, the editor's value went as a bare file: the app saw no background at all.
    canvas = written["imageeditor"]["data"][0]["value"]
    assert set(canvas) == {"background", "layers", "composite"}
    assert canvas["background"] is not None and canvas["composite"] is not None
    assert canvas["background"]["file"].endswith(".png") and canvas["layers"] == []


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("slider 12", "value: expected a number from 0 to 10, got 12"),
        ("number lots", "value: expected a number, got 'lots'"),
        ("checkbox maybe", "value: expected true or false, got 'maybe'"),
        ("radio fish", 'value: \'fish\' is not one of the choices: "cat", "dog"'),
        ("checkboxgroup a,z", "value: 'z' is not one of the choices"),
        ("chatbot hello", "value: expected a chat history as a JSON list"),
        ("json '{oops'", "value: expected"),
        ("image {m}/missing.png", "value: {m}/missing.png: no such file"),
        ("imageslider {m}/red.png", "value: expected a JSON list of two images"),
        ("dataframe nothing.csv", "value: expected a CSV or TSV file, JSON rows"),
        ("multimodal value.pictures=x.png", "value has no part 'pictures' (parts: text, files)"),
        ("multimodal value=hi value.files={m}/none.png", "value: {m}/none.png: no such file"),
    ],
)
def test_wrong_value_is_one_line_naming_the_parameter(
    run_shell, components_url: str, media: Path, statement: str, message: str
) -> None:
    result = run_shell("-c", f"connect {components_url}; {statement.replace('{m}', str(media))}")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    assert message.replace("{m}", str(media)) in errors[0]


def test_state_is_kept_by_the_app_between_calls(run_shell, components_url: str) -> None:
    # gr.State is not a parameter: the app keeps it for the session, as for a browser tab.
    result = run_shell("--json", "-c", f"connect {components_url}; add 2; add 3; help add")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["data"] for r in records if r["event"] == "complete"] == [[2], [5]]
    (help_record,) = [r for r in records if r["event"] == "help"]
    assert [p["name"] for p in help_record["parameters"]] == ["step"]
    assert [r["label"] for r in help_record["returns"]] == ["total"]


def test_chat_interface_remembers_the_conversation(run_shell, components_url: str) -> None:
    result = run_shell("-c", f"connect {components_url}; reply hi; reply 'and again'")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["hi (turn 1)", "and again (turn 2)"]


def test_dollar_underscore_is_the_one_output_itself(run_shell, components_url: str) -> None:
    script = f"connect {components_url}; textbox hi; json $_; textbox $_"
    result = run_shell("--json", "-c", script)
    assert result.returncode == 0, result.stderr
    data = [r["data"] for r in completed(result.stdout)]
    # The JSON output of the first call, itself: not a list of one, not Python's repr.
    assert data[1] == [{"value": {"value": "hi"}}]
    assert data[2] == [{"value": json.dumps({"value": {"value": "hi"}})}]


def test_parts_of_a_value_written_as_name_dot_part(
    run_shell, components_url: str, media: Path
) -> None:
    # An AnnotatedImage without typing its whole JSON: the image, and the masks with theirs.
    masks = json.dumps([{"image": str(media / "blue.png"), "label": "sky"}])
    script = (
        f"connect {components_url}; annotatedimage value.image={media}/red.png "
        f"value.annotations='{masks}'"
    )
    result = run_shell("--json", "-c", script)
    assert result.returncode == 0, result.stderr
    (record,) = completed(result.stdout)
    assert record["data"] == [
        {"value": [file_of(media / "red.png"), [[file_of(media / "blue.png"), "sky"]]]}
    ]


def test_a_path_in_an_apps_answer_is_never_uploaded(
    run_shell, components_url: str, media: Path, tmp_path: Path
) -> None:
    # The app answers with the name of a file of this machine; chaining it must not send it.
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the app")
    script = (
        f"connect {components_url}; echo {secret}; file $_; "
        f'echo_json \'{{"text": "x", "files": ["{secret}"]}}\'; multimodal $_'
    )
    result = run_shell("--json", "--keep-going", "-c", script)
    records = completed(result.stdout)
    errors = [r["message"] for r in records if r["event"] == "error"]
    assert len(errors) == 2, result.stdout
    assert all("comes from an app's answer, not from you" in e for e in errors), errors
    # Named by the user (a variable holding text typed here), the same file goes.
    typed = run_shell("--json", "-c", f"connect {components_url}; let p = {secret}; file $p")
    assert completed(typed.stdout)[-1]["data"] == [{"value": file_of(secret)}]
