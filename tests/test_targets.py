"""The resolver: what a statement's words address, the same for running, completing,
highlighting and the toolbar. In process, on endpoints described by hand."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from prompt_toolkit.document import Document

import gradioshell.commands  # noqa: F401 - registers the commands
from gradioshell.errors import ShellError, UsageError
from gradioshell.gradio import Endpoint, GradioApp, Parameter, UnknownEndpoint
from gradioshell.lexer import PromptLexer
from gradioshell.output import TextOutput
from gradioshell.parser import parse_statement
from gradioshell.sessions import Session
from gradioshell.shell import Shell
from gradioshell.targets import resolve, resolve_endpoint, resolve_topic, session_word

ECHO = Endpoint("/echo", 0, (Parameter("text"),))
SESSIONS = Endpoint("/sessions", 1)  # an endpoint named like a command
UNNAMED = Endpoint("", 2, (Parameter("x"),))


@pytest.fixture()
def shell() -> Shell:
    shell = Shell(TextOutput())
    for name, endpoints in (("app1", [ECHO, SESSIONS, UNNAMED]), ("app2", [ECHO])):
        app = GradioApp(f"http://127.0.0.1:700{len(shell.sessions)}", httpx.AsyncClient())
        app.endpoints = endpoints
        shell.sessions.add(Session(name, name, app))
    shell.sessions.default = shell.sessions.get("app1")
    yield shell
    for session in shell.sessions:
        asyncio.run(session.app.http.aclose())


def words(line: str):  # type: ignore[no-untyped-def]
    statement = parse_statement(line)
    return statement.words if statement is not None else []


@pytest.mark.parametrize(
    ("line", "kind", "name", "used"),
    [
        ("echo hi", "endpoint", "/echo", 1),
        ("sessions", "command", "sessions", 1),
        ("/sessions", "endpoint", "/sessions", 1),
        ('"sessions"', "endpoint", "/sessions", 1),  # quoted: never a built-in
        ("@app2 echo hi", "endpoint", "/echo", 2),
        ("@app1 fn 2 x=1", "endpoint", "", 3),
        ("fn 2 x=1", "endpoint", "", 2),
        ("@app2", "session", None, 1),
        ("", "empty", None, 0),
    ],
)
def test_what_a_statement_addresses(shell: Shell, line: str, kind: str, name, used: int) -> None:
    target = resolve(words(line), shell.sessions)
    assert (target.kind, target.used) == (kind, used)
    if kind == "endpoint":
        assert target.endpoint is not None and target.endpoint.api_name == name
    if kind == "command":
        assert target.command is not None and target.command.name == name


@pytest.mark.parametrize(
    ("line", "error", "message"),
    [
        ("nosuch", ShellError, "unknown command or endpoint 'nosuch'"),
        ("ecoh", ShellError, "did you mean echo?"),
        ("@nope echo", ShellError, "no session 'nope'"),
        ("@app2 nosuch", UnknownEndpoint, "no endpoint 'nosuch'"),
        ("@app2", UsageError, "usage: @app2 ENDPOINT"),
        ("fn", UsageError, "usage: fn INDEX"),
        ("fn 9", ShellError, "no endpoint with index 9"),
        ('"help"', ShellError, "unknown command or endpoint 'help'"),
    ],
)
def test_problems_say_why(shell: Shell, line: str, error: type, message: str) -> None:
    target = resolve(words(line), shell.sessions)
    with pytest.raises(error, match=message):
        target.check()


def test_without_a_session(shell: Shell) -> None:
    empty = Shell(TextOutput())
    with pytest.raises(ShellError, match="no app connected"):
        resolve(words("echo"), empty.sessions).check()
    with pytest.raises(ShellError, match="no app connected"):
        resolve(words("/echo"), empty.sessions).check()


def test_endpoint_only_places_and_help_topics(shell: Shell) -> None:
    # After submit/batch a built-in name is an endpoint's.
    assert resolve_endpoint(words("sessions"), shell.sessions).endpoint is SESSIONS
    assert resolve_topic(words("sessions"), shell.sessions).command is not None
    assert resolve_topic(words("@app2 echo"), shell.sessions).endpoint is ECHO
    assert resolve_topic(words("/sessions"), shell.sessions).endpoint is SESSIONS
    assert session_word("@app2") == "app2" and session_word("@") is None


def _styles(shell: Shell, text: str) -> dict[str, str]:
    line = PromptLexer.for_shell(shell).lex_document(Document(text))(0)
    return {part: style.removeprefix("class:pygments.") for style, part in line if part.strip()}


def test_highlighting_agrees_with_what_enter_does(shell: Shell) -> None:
    # A quoted built-in name is no command: it was shown as one, then refused.
    assert _styles(shell, '"help"')['"help"'] == "error"
    assert _styles(shell, "help")["help"] == "name.function"
    assert _styles(shell, '"sessions"')['"sessions"'] == "name.function"  # the endpoint
    assert _styles(shell, "fn 2")["fn"] == "name.function"
    assert _styles(shell, "@app2 nosuch")["nosuch"] == "error"
    assert _styles(shell, "@app2 nosuch")["@app2"] == "name.namespace"


def test_a_reference_is_coloured_only_where_it_is_one(shell: Shell) -> None:
    # ``$x.a-b`` is sent as text (no reference ends in '-b'): it was coloured as one.
    assert _styles(shell, "echo text=$x.a-b")["$x.a-b"] == "literal.string.other"
    assert _styles(shell, "echo text=$x.a_b")["$x.a_b"] == "name.variable"
    assert _styles(shell, "echo text=$_[0]")["$_[0]"] == "name.variable"
