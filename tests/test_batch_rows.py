"""Reading batch input files, and the concurrency a batch uses by default."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from gradioshell.batch import BatchOptions, app_concurrency, plain_outputs, read_rows
from gradioshell.errors import ShellError, UsageError
from gradioshell.gradio import Endpoint, GradioApp, Parameter
from gradioshell.gradio.models import parse_config
from gradioshell.sessions import Session

ENDPOINT = Endpoint(
    "/square",
    3,
    (Parameter("x"), Parameter("seconds", has_default=True, default=0.0)),
)


def test_csv_with_a_header_names_parameters(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text('x,seconds\n1,0.5\n"2",\n')
    rows = read_rows(str(path), ENDPOINT)
    assert [r.inputs for r in rows] == [{"x": "1", "seconds": "0.5"}, {"x": "2", "seconds": ""}]
    assert [(w.name, w.value) for w in rows[1].words] == [("x", "2")]  # empty: the default


def test_csv_without_a_header_is_positional(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("1,0.5\n2,0\n")
    rows = read_rows(str(path), ENDPOINT)
    assert [r.inputs for r in rows] == [["1", "0.5"], ["2", "0"]]
    assert all(w.name is None and w.quoted for r in rows for w in r.words)


def test_json_lines_objects_and_arrays(tmp_path: Path) -> None:
    path = tmp_path / "in.data"
    path.write_text('{"x": 3, "seconds": null}\n\n[4, [1, 2]]\n')
    rows = read_rows(str(path), ENDPOINT)
    assert [r.number for r in rows] == [1, 2]
    assert [(w.name, w.value) for w in rows[0].words] == [("x", "3")]
    assert [w.value for w in rows[1].words] == ["4", "[1, 2]"]


def test_bad_input_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"x": 1}\n{"x": \n')
    with pytest.raises(ShellError, match="line 2: not valid JSON"):
        read_rows(str(bad), ENDPOINT)
    scalar = tmp_path / "scalar.jsonl"
    scalar.write_text("3\n")
    with pytest.raises(ShellError, match="expected a JSON object or array"):
        read_rows(str(scalar), ENDPOINT)
    with pytest.raises(ShellError, match="cannot read"):
        read_rows(str(tmp_path / "missing.csv"), ENDPOINT)


def batch_options(*words: str) -> tuple[list[str], BatchOptions]:
    """The batch command's words as its grammar reads them, and the options they give."""
    import gradioshell.commands  # noqa: F401 - registers the commands
    from gradioshell.parser import parse_statement
    from gradioshell.registry import COMMANDS

    statement = parse_statement("batch " + " ".join(words))
    assert statement is not None
    args = COMMANDS.get("batch").parse(statement)  # type: ignore[union-attr]
    if args.input is None:
        raise UsageError("batch needs --input FILE")
    options = BatchOptions.read(args.input, args.output, args.concurrency, args.retries)
    return [w.value for w in args.call], options


def test_options() -> None:
    endpoint, options = batch_options(
        "square", "--input", "a.csv", "--concurrency=3", "--output", "o"
    )
    assert (endpoint, options.input, options.concurrency, options.output) == (
        ["square"],
        "a.csv",
        3,
        "o",
    )
    for bad in (
        ["square"],
        ["square", "--input"],
        ["square", "--input", "a", "--concurrency", "x"],
    ):
        with pytest.raises(UsageError):
            batch_options(*bad)


def test_concurrency_from_config_when_the_app_states_it() -> None:
    deps = [{"id": 3, "api_name": "square", "concurrency_limit": 6}, {"id": 4, "api_name": "b"}]
    app = GradioApp("http://127.0.0.1:1", httpx.AsyncClient())
    session = Session("app1", "x", app)
    app.config = parse_config({"version": "6.0", "dependencies": deps})
    assert app_concurrency(session, ENDPOINT) == 6
    other = Endpoint("/b", 4)
    assert app_concurrency(session, other) is None
    app.config = parse_config({"version": "6.0", "dependencies": deps, "concurrency_count": 2})
    assert app_concurrency(session, other) == 2
    asyncio.run(app.http.aclose())


def test_outputs_keep_files_as_local_paths() -> None:
    image = {"path": "/srv/x.png", "url": "http://a/x.png", "meta": {}, "local_path": "/tmp/x.png"}
    remote = {"path": "/srv/y.png", "url": "http://a/y.png", "meta": {}}
    assert plain_outputs([image, [remote], 3, {"__type__": "update", "value": "v"}]) == [
        "/tmp/x.png",
        ["http://a/y.png"],
        3,
        "v",
    ]
    assert plain_outputs(None) is None


def test_default_concurrency_from_the_config_file() -> None:
    from gradioshell import config
    from gradioshell.shell import Settings

    settings = Settings()
    assert config.apply(settings, {"batch": {"concurrency": 9}}, Path("c.toml")) == []
    assert settings.batch_concurrency == 9
    problems = config.apply(settings, {"batch": {"concurrency": 0}}, Path("c.toml"))
    assert [p.message for p in problems] == [
        "[batch] concurrency must be a positive whole number; using the default"
    ]
