"""Command grammars: one declaration reads a statement, writes the usage line, and says what
completion offers. In process."""

from __future__ import annotations

import re

import pytest

import gradioshell.commands  # noqa: F401 - registers the commands
from gradioshell.errors import UsageError
from gradioshell.parser import parse_statement
from gradioshell.registry import COMMANDS, Arg, Grammar, Opt, Sub


def parse(line: str):  # type: ignore[no-untyped-def]
    statement = parse_statement(line)
    assert statement is not None
    command = COMMANDS.get(statement.command)
    assert command is not None
    return command.parse(statement)


def test_arguments_options_and_keywords() -> None:
    args = parse("connect http://x as mine --user ada --token")
    assert (args.target, args.name, args.user, args.token) == ("http://x", "mine", "ada", True)
    args = parse("connect http://x --user=ada")
    assert (args.name, args.user, args.token) == (None, "ada", False)


def test_subcommands_repeated_options_and_pairs() -> None:
    args = parse("space duplicate a/b --secret K=V --secret L=W --private")
    assert (args.sub, args.space, args.secret, args.private) == (
        "duplicate",
        "a/b",
        ["K=V", "L=W"],
        True,
    )
    args = parse("hub get models/gpt2 limit=2 sort=likes")
    assert (args.sub, args.path, args.pairs) == (
        "get",
        "models/gpt2",
        {"limit": "2", "sort": "likes"},
    )
    assert parse("token").sub is None and parse("token set --save").save is True


def test_calls_inside_commands_keep_their_words() -> None:
    args = parse("submit @app2 echo text=hi --retries 2")
    assert [w.value for w in args.call] == ["@app2", "echo", "hi", "--retries", "2"]
    args = parse("batch echo --input rows.csv --concurrency 3")
    assert ([w.value for w in args.call], args.input, args.concurrency) == (
        ["echo"],
        "rows.csv",
        "3",
    )


def test_let_takes_both_spellings_and_keeps_quoting() -> None:
    args = parse('let x = "$_"')
    assert (args.name, args.value.value, args.value.quoted) == ("x", "$_", True)
    args = parse("let x=[1, 2]")
    assert (args.name, args.value.value) == ("x", "[1, 2]")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("connect", "usage: connect TARGET [as NAME] [--token] [--user NAME]"),
        ("connect a b", "unexpected 'b'"),
        ("connect a --nope", "unknown option --nope"),
        ("connect a --user", "--user needs a value (NAME)"),
        ("sessions x=1", "unexpected x=..."),
        ("hub", "usage: hub models|spaces|datasets"),
        ("space pause", "usage: space pause ID"),
    ],
)
def test_wrong_words_give_the_usage(line: str, message: str) -> None:
    with pytest.raises(UsageError, match=re.escape(message)):
        parse(line)


def test_usage_is_written_from_the_grammar() -> None:
    grammar = Grammar(
        args=(Arg("target", kind="target"), Arg("rest", "WORD", optional=True, many=True)),
        options=(Opt("--limit", "N", required=True), Opt("--tag", "T", many=True)),
        subcommands=(Sub("go", Grammar(args=(Arg("where"),))),),
    )
    assert grammar.usage("demo") == "demo TARGET [WORD...] --limit N [--tag T]... | demo go WHERE"
    assert {c.usage for c in COMMANDS} >= {"upload PATH... [@SESSION]", "wait [N...]"}
