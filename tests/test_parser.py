import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gradioshell.parser import ParseError, Redirect, parse_line, parse_statement, quote


def words(line: str) -> list[tuple[str | None, str]]:
    statement = parse_statement(line)
    assert statement is not None
    return [(w.name, w.value) for w in statement.words]


def test_named_and_positional_words() -> None:
    assert words('generateimage prompt="a car flying" 3') == [
        (None, "generateimage"),
        ("prompt", "a car flying"),
        (None, "3"),
    ]


def test_single_quotes_are_literal_and_double_quotes_escape() -> None:
    assert words(r"""x a='b\"c' d="e\"f" """) == [(None, "x"), ("a", 'b\\"c'), ("d", 'e"f')]


def test_json_values_need_no_quotes() -> None:
    assert words('x data={"a": [1, "b c"]} l=[1, 2]') == [
        (None, "x"),
        ("data", '{"a": [1, "b c"]}'),
        ("l", "[1, 2]"),
    ]


def test_quoted_equals_is_not_a_name() -> None:
    statement = parse_statement('echo "a=b"')
    assert statement is not None
    assert statement.words[1].name is None and statement.words[1].value == "a=b"


def test_semicolons_split_statements_except_in_quotes() -> None:
    statements = parse_line('connect x; echo text="a;b" ; ;')
    assert [s.command for s in statements] == ["connect", "echo"]
    assert statements[1].words[1].value == "a;b"


def test_comment_and_background() -> None:
    statements = parse_line("op1 Duration=3 & # later")
    assert statements[0].background and statements[0].command == "op1"
    assert parse_line("# only a comment") == []


def test_url_with_ampersand_and_hash_is_one_word() -> None:
    assert words("connect http://h/x?a=1&b=2#frag") == [
        (None, "connect"),
        (None, "http://h/x?a=1&b=2#frag"),
    ]


@pytest.mark.parametrize(
    ("line", "incomplete"),
    [
        ('echo text="abc', True),
        ("echo 'abc", True),
        ('x d={"a": 1', True),
        ("x d=[1, 2}", False),
        ("& x", False),
    ],
)
def test_errors_point_at_the_problem(line: str, incomplete: bool) -> None:
    with pytest.raises(ParseError) as info:
        parse_line(line)
    assert info.value.incomplete is incomplete
    assert 0 <= info.value.position < len(line)


@given(st.text())
def test_any_text_parses_or_raises_parse_error(text: str) -> None:
    with contextlib.suppress(ParseError):
        parse_line(text)


@given(st.text(min_size=0))
def test_quote_round_trips(value: str) -> None:
    statement = parse_statement("cmd " + quote(value))
    assert statement is not None
    assert statement.words[1].value == value


def test_output_sent_to_a_file_or_a_command() -> None:
    first, second, third = parse_line(
        'llm "a > b" > out.txt; llm x >> ~/log; chat hi | sed "s/;/,/" | wc -c  # note'
    )
    assert [w.value for w in first.words] == ["llm", "a > b"]
    assert first.redirect == Redirect(">", "out.txt")
    assert second.redirect == Redirect(">>", "~/log")
    assert [w.value for w in second.words] == ["llm", "x"]
    assert third.redirect == Redirect("|", 'sed "s/;/,/" | wc -c')
    # Inside a word, in quotes or in JSON they are text.
    (inside,) = parse_line("""echo a>b '|x' text=">" data={"k": "|"}""")
    assert inside.redirect is None
    assert [w.value for w in inside.args] == ["a>b", "|x", ">", '{"k": "|"}']


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("> x", "'>' must follow a command"),
        ("llm >", "'>' needs a file name"),
        ("llm |", "'|' needs a command"),
        ("llm > a b", "end a command"),
        ("llm > a &", "'&' cannot run a command sent with '>'"),
        ("llm > a | b", "end a command"),
    ],
)
def test_redirect_errors(line: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_line(line)
