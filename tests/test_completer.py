"""The completer over fixture endpoint lists, fed prompt_toolkit Documents."""

from __future__ import annotations

from pathlib import Path

import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

from gradioshell.completer import ShellCompleter, endpoint_under_cursor, rank
from gradioshell.gradio import Endpoint, GradioApp, Parameter, Return
from gradioshell.output import TextOutput
from gradioshell.sessions import Session
from gradioshell.shell import Shell

DEMO = [
    Endpoint(
        "/generateimage",
        0,
        (
            Parameter("prompt", "prompt", "Textbox", {"type": "string"}, "str"),
            Parameter(
                "width",
                "width",
                "Number",
                {"type": "number"},
                "float",
                has_default=True,
                default=256,
            ),
            Parameter(
                "height",
                "height",
                "Number",
                {"type": "number"},
                "float",
                has_default=True,
                default=192,
            ),
        ),
        (Return("image", "Image"),),
        "Make an image",
    ),
    Endpoint(
        "/pick",
        1,
        (
            Parameter(
                "color",
                "color",
                "Dropdown",
                {"type": "string", "enum": ["red", "green", "blue"]},
                "str",
                has_default=True,
                default="red",
            ),
            Parameter(
                "size",
                "size",
                "Radio",
                {"type": "string", "enum": ["small", "medium", "large"]},
                "str",
                has_default=True,
                default="medium",
            ),
        ),
        (Return("picked", "Textbox"),),
    ),
    Endpoint(
        "/upper_file",
        2,
        (Parameter("f", "file", "File", {"type": "string"}, "filepath"),),
        (Return("upper-cased file", "File"),),
    ),
    Endpoint(
        "/toggle",
        3,
        (
            Parameter(
                "on",
                "on",
                "Checkbox",
                {"type": "boolean"},
                "bool",
                has_default=True,
                default=False,
            ),
        ),
    ),
    Endpoint("/gen", 4, (Parameter("x", "x", "Textbox", {"type": "string"}, "str"),)),
]

OTHER = [
    Endpoint(
        "/translate",
        0,
        (
            Parameter("text", "text", "Textbox", {"type": "string"}, "str"),
            Parameter(
                "language",
                "language",
                "Dropdown",
                {"type": "string", "enum": ["French", "German"]},
                "str",
                has_default=True,
                default="French",
            ),
        ),
        (Return("translation", "Textbox"),),
    ),
]


def make_session(name: str, endpoints: list[Endpoint], url: str) -> Session:
    app = GradioApp(url, None)  # type: ignore[arg-type]  # never used for a request here
    app.endpoints = list(endpoints)
    return Session(name=name, target=url, app=app)


@pytest.fixture()
def shell() -> Shell:
    shell = Shell(TextOutput())
    shell.sessions.add(make_session("app1", DEMO, "http://127.0.0.1:7001"))
    shell.sessions.add(make_session("app2", OTHER, "http://127.0.0.1:7002"))
    shell.settings.targets["diff"] = "rrg92/diffusers-labs"
    return shell


def complete(shell: Shell, text: str, targets: list[str] | None = None) -> list:
    completer = ShellCompleter(shell, lambda: targets or [])
    return list(completer.get_completions(Document(text), CompleteEvent(completion_requested=True)))


def texts(shell: Shell, text: str, **kw: object) -> list[str]:
    return [c.text for c in complete(shell, text, **kw)]  # type: ignore[arg-type]


def test_rank_prefers_exact_then_prefix_then_fuzzy() -> None:
    assert rank("gen", "gen") == 0
    assert rank("gen", "generateimage") == 1
    assert rank("image", "generateimage") == 2
    assert rank("genimg", "generateimage") == 3
    assert rank("xyz", "generateimage") is None


def test_first_word_lists_commands_and_endpoints_with_meta(shell: Shell) -> None:
    completions = complete(shell, "")
    names = [c.text for c in completions]
    assert "connect" in names and "generateimage" in names and "pick" in names
    meta = {c.text: c.display_meta_text for c in completions}
    assert meta["generateimage"] == "prompt, width=256, height=192 -> image"
    assert meta["connect"].startswith("Connect to a Gradio app")


def test_prefix_then_fuzzy_and_exact_kept_first(shell: Shell) -> None:
    assert texts(shell, "gen") == ["gen", "generateimage"]
    assert texts(shell, "genimg") == ["generateimage"]
    assert texts(shell, "GENERATE") == ["generateimage"]
    completion = complete(shell, "gen")[1]
    assert completion.start_position == -3


def test_slash_names(shell: Shell) -> None:
    assert texts(shell, "/pi") == ["/pick"]


def test_parameters_required_first_without_given_ones(shell: Shell) -> None:
    assert texts(shell, "generateimage ") == ["prompt=", "width=", "height="]
    assert texts(shell, "generateimage p") == ["prompt="]
    assert texts(shell, "generateimage prompt=cat ") == ["width=", "height="]
    assert texts(shell, "generateimage cat ") == ["width=", "height="]
    meta = complete(shell, "generateimage w")[0].display_meta_text
    assert meta == "Number · float · default 256"


def test_values_choices_booleans_defaults(shell: Shell) -> None:
    assert texts(shell, "pick color=") == ["red", "green", "blue"]
    assert texts(shell, "pick color=g") == ["green"]
    assert texts(shell, "pick size=l") == ["large", "small"]  # prefix first
    assert texts(shell, "toggle on=") == ["true", "false"]
    assert texts(shell, "generateimage width=") == ["256"]
    assert complete(shell, "pick color=gr")[0].start_position == -2


def test_file_paths_expand_home_and_descend(
    shell: Shell, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "notes dir").mkdir()
    (tmp_path / "notes dir" / "a.txt").write_text("a")
    (tmp_path / "note.txt").write_text("b")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert texts(shell, "upper_file f=~/no") == ["~/note.txt", "~/notes\\ dir/"]
    assert texts(shell, "upper_file f=~/notes\\ dir/") == ['"~/notes dir/a.txt"']
    # Inside a quote the user opened: the quote stays open for a directory.
    assert texts(shell, 'upper_file f="~/notes d') == ['"~/notes dir/']
    assert texts(shell, 'upper_file f="~/notes dir/') == ['"~/notes dir/a.txt"']
    assert texts(shell, "@app1 upper_file f='~/no") == ["'~/note.txt'", "'~/notes dir/"]
    assert texts(shell, 'pick color="re') == []


def test_other_session_with_at_syntax(shell: Shell) -> None:
    assert texts(shell, "@") == ["@app1", "@app2"]
    assert texts(shell, "@app2 tr") == ["translate"]
    assert texts(shell, "@app2 translate ") == ["text=", "language="]
    assert texts(shell, "@app2 translate language=") == ["French", "German"]
    assert texts(shell, "@nosuch tr") == []


def test_command_arguments(shell: Shell) -> None:
    use = complete(shell, "use ")
    assert [c.text for c in use] == ["app1", "app2"]
    assert use[0].display_meta_text == "http://127.0.0.1:7001"
    assert texts(shell, "help genim") == ["generateimage"]
    assert texts(shell, "connect ", targets=["http://127.0.0.1:9/x", "other"]) == [
        "diff",
        "http://127.0.0.1:9/x",
        "other",
    ]
    assert texts(shell, "connect di") == ["diff"]
    assert texts(shell, "connect x ")[0] == "as"
    assert "--token" in texts(shell, "connect x --")
    # The grammar says where an option goes: --save belongs to 'token set', not to 'token'.
    assert texts(shell, "token ") == ["set", "clear"]
    assert texts(shell, "token set ") == ["--save"]
    assert texts(shell, "token set --") == ["--save"]


def test_use_switches_completion(shell: Shell) -> None:
    assert "translate" not in texts(shell, "tr")
    shell.sessions.default = shell.sessions.get("app2")
    assert texts(shell, "tr")[0] == "translate"


def test_index_is_rebuilt_when_endpoints_change(shell: Shell) -> None:
    completer = ShellCompleter(shell)
    event = CompleteEvent()
    assert [c.text for c in completer.get_completions(Document("tog"), event)] == ["toggle"]
    session = shell.sessions.get("app1")
    session.app.endpoints = [e for e in DEMO if e.name != "toggle"]
    assert [c.text for c in completer.get_completions(Document("tog"), event)] == []


def test_nothing_inside_comments_or_open_quotes(shell: Shell) -> None:
    assert texts(shell, "pick # col") == []
    assert texts(shell, 'pick color="re') == []
    assert texts(shell, "echo x; gen") == ["gen", "generateimage"]


def test_toolbar_finds_the_current_parameter(shell: Shell) -> None:
    endpoint, current = endpoint_under_cursor(shell, "generateimage prompt=x wi")  # type: ignore[misc]
    assert endpoint.name == "generateimage" and current == "width"
    assert endpoint_under_cursor(shell, "generateimage ")[1] == "prompt"  # type: ignore[index]
    assert endpoint_under_cursor(shell, "generateimage cat ")[1] == "width"  # type: ignore[index]
    assert endpoint_under_cursor(shell, "generateimage cat")[1] == "prompt"  # type: ignore[index]
    assert endpoint_under_cursor(shell, "@app2 translate hi ")[1] == "language"  # type: ignore[index]
    assert endpoint_under_cursor(shell, "connect x") is None


def test_many_endpoints(shell: Shell) -> None:
    big = [
        Endpoint(
            f"/endpoint{i}",
            i,
            tuple(Parameter(f"param{j}", component="Textbox") for j in range(20)),
        )
        for i in range(300)
    ]
    shell.sessions.add(make_session("big", big, "http://127.0.0.1:7003"))
    shell.sessions.default = shell.sessions.get("big")
    assert texts(shell, "endpoint299 param1")[:2] == ["param1=", "param10="]
    assert len(texts(shell, "endpoint1")) == 111
