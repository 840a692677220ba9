"""The config file, the history file's secret filter, and the command-line lexer."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from prompt_toolkit.document import Document

from gradioshell import config
from gradioshell.gradio import Timeouts
from gradioshell.history import ShellHistory, carries_secret, recent_targets
from gradioshell.lexer import PromptLexer
from gradioshell.shell import Settings

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_every_key_is_documented_in_the_shipped_config() -> None:
    text = config.default_config_text()
    assert tomllib.loads(text) is not None
    for key in config.KEYS:
        assert f"[{key.table}]" in text
        assert f"# {key.name} = " in text, key.name
    for table in config.MAPS:
        assert f"[{table}]" in text
    # Uncommented, the documented values are the defaults (aliases and startup are examples).
    uncommented = re.sub(r"^# (?!diff|local|commands)(\w+ = )", r"\1", text, flags=re.MULTILINE)
    assert tomllib.loads(uncommented)["timeouts"]["stream_idle"] == 300.0
    settings = Settings()
    assert config.apply(settings, tomllib.loads(uncommented), Path("x")) == []
    assert settings == Settings()


def test_keys_map_onto_settings(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
[ui]
theme = "light"
vi_mode = true
preview_images = false

[files]
download_dir = "~/gradio-out"

[timeouts]
connect = 3
read = 20.5
stream_idle = 40

[targets]
diff = "rrg92/diffusers-labs"

[startup]
commands = ["connect diff", "help"]
""",
    )
    settings = Settings()
    assert config.load(settings, path) == []
    assert settings.theme == "light" and settings.vi_mode and not settings.preview_images
    assert settings.download_dir.endswith("/gradio-out") and "~" not in settings.download_dir
    assert settings.timeouts == Timeouts(connect=3.0, read=20.5, stream_idle=40.0)
    assert settings.targets == {"diff": "rrg92/diffusers-labs"}
    assert settings.startup == ["connect diff", "help"]


def test_syntax_error_names_file_and_line_and_keeps_defaults(tmp_path: Path) -> None:
    path = write(tmp_path, '[ui]\ntheme = "light"\n\n[timeouts]\nread = 5 seconds\n')
    settings = Settings()
    problems = config.load(settings, path)
    assert len(problems) == 1
    assert str(problems[0]).startswith(f"{path}, line 5: not valid TOML")
    assert settings == Settings()


def test_bad_values_name_their_line_and_keep_that_default(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[ui]\ntheme = "purple"\nvi_mode = true\n\n[timeouts]\nread = true\nconnect = -1\n'
        "[nosuch]\nx = 1\n[targets]\nbad = 3\n",
    )
    settings = Settings()
    messages = [str(p) for p in config.load(settings, path)]
    assert messages == [
        f"{path}, line 2: [ui] theme must be one of 'dark', 'light'; using the default",
        f"{path}, line 6: [timeouts] read must be a number; using the default",
        f"{path}, line 7: [timeouts] connect must be a positive number of seconds; "
        "using the default",
        f"{path}, line 8: unknown table [nosuch]",
        f"{path}, line 11: [targets] bad must be a string",
    ]
    assert settings.vi_mode is True
    assert settings.theme == "dark" and settings.timeouts == Timeouts()


def test_missing_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert config.config_path() == tmp_path / "gradioshell" / "config.toml"
    assert config.load(Settings()) == []  # no default file: fine
    problems = config.load(Settings(), tmp_path / "nope.toml")  # asked for: an error
    assert [str(p) for p in problems] == [f"{tmp_path / 'nope.toml'}: no such file"]


@pytest.mark.parametrize(
    "line",
    [
        "token set hf_abcdefghijklmnopqrstuvwxyz",
        "connect owner/space --token abc",
        "connect owner/space --token=abc",
        "echo text=hf_abcdefghij1234",
        "login",
        "x; token set abc",
        "call auth=user:pw",
    ],
)
def test_secret_lines(line: str) -> None:
    assert carries_secret(line)


@pytest.mark.parametrize(
    "line", ["connect http://127.0.0.1:7860", "echo text=hf n=2", "help token", "tokens"]
)
def test_ordinary_lines(line: str) -> None:
    assert not carries_secret(line)


def test_history_file_skips_secrets(tmp_path: Path) -> None:
    path = tmp_path / "data" / "history"
    history = ShellHistory(path)
    history.append_string("connect 127.0.0.1:7860")
    history.append_string("token set hf_abcdefghijklmnopqrstuvwxyz")
    assert (path.stat().st_mode & 0o777) == 0o600
    assert (path.parent.stat().st_mode & 0o777) == 0o700
    text = path.read_text()
    assert "connect 127.0.0.1:7860" in text and "hf_" not in text
    assert list(ShellHistory(path).load_history_strings()) == ["connect 127.0.0.1:7860"]


def test_recent_targets_newest_first() -> None:
    lines = ["connect b as x", "echo 1", "connect a", 'connect "unclosed', "connect b"]
    assert recent_targets(reversed(lines)) == ["b", "a"]


def styles(text: str, known: set[str], sessions: set[str] = frozenset()) -> list[tuple[str, str]]:  # type: ignore[assignment]
    lexer = PromptLexer(lambda w, s: w in known, lambda n: n in sessions)
    line = lexer.lex_document(Document(text))
    return [
        (style.removeprefix("class:pygments."), part) for style, part in line(0) if part.strip()
    ]


def test_lexer_marks_parts_and_unknown_names() -> None:
    assert styles('pick color=red n=3 ok=true x=[1, "a"] v=$_[0] # note', {"pick"}) == [
        ("name.function", "pick"),
        ("name.attribute", "color"),
        ("operator", "="),
        ("literal.string.other", "red"),
        ("name.attribute", "n"),
        ("operator", "="),
        ("literal.number", "3"),
        ("name.attribute", "ok"),
        ("operator", "="),
        ("keyword.constant", "true"),
        ("name.attribute", "x"),
        ("operator", "="),
        ("punctuation", "["),
        ("literal.number", "1"),
        ("punctuation", ","),
        ("literal.string.double", '"a"'),
        ("punctuation", "]"),
        ("name.attribute", "v"),
        ("operator", "="),
        ("name.variable", "$_[0]"),
        ("comment.single", "# note"),
    ]
    assert styles("nosuch x; pick", {"pick"})[0] == ("error", "nosuch")
    assert styles("nosuch x; pick", {"pick"})[-1] == ("name.function", "pick")
    assert styles("@app2 pick", {"pick"}, {"app2"})[:2] == [
        ("name.namespace", "@app2"),
        ("name.function", "pick"),
    ]
    assert styles("@zz pick", {"pick"})[0] == ("error", "@zz")


@pytest.mark.parametrize("kind", ["config", "data"])
@pytest.mark.parametrize(
    ("xdg", "home"),
    [
        (None, "/home/ada"),
        ("/srv/dirs", "/home/ada"),
        ("relative/dirs", "/home/ada"),  # a relative XDG directory is ignored
        ("", "/home/ada"),
        (None, "relative-home"),  # left to platformdirs
    ],
)
def test_the_config_and_data_directories_are_where_platformdirs_says(
    kind: str, xdg: str | None, home: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """They are found without importing platformdirs on Linux, with its answer."""
    import platformdirs

    variable = {"config": "XDG_CONFIG_HOME", "data": "XDG_DATA_HOME"}[kind]
    if xdg is None:
        monkeypatch.delenv(variable, raising=False)
    else:
        monkeypatch.setenv(variable, xdg)
    monkeypatch.setenv("HOME", home)
    assert config.user_dir(kind) == getattr(platformdirs, f"user_{kind}_dir")("gradioshell")
