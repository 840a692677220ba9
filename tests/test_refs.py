import pytest

from gradioshell.errors import ShellError
from gradioshell.gradio.values import ResultValue
from gradioshell.output import JsonOutput
from gradioshell.refs import parse_reference, resolve
from gradioshell.sessions import CallRecord
from gradioshell.shell import Shell


@pytest.mark.parametrize(
    ("text", "name", "path"),
    [
        ("$_", "_", ()),
        ("$_[0]", "_", (0,)),
        ("$r12[1][-1]", "r12", (1, -1)),
        ('$img["path"]', "img", ("path",)),
        ("$x.path[0]", "x", ("path", 0)),
        ("$2", "2", ()),
    ],
)
def test_parse(text: str, name: str, path: tuple) -> None:
    reference = parse_reference(text)
    assert reference is not None
    assert (reference.name, reference.path) == (name, path)


@pytest.mark.parametrize("text", ["$", "$_[", "$_[x]", "price: $5", "$a b", "$_]"])
def test_not_references(text: str) -> None:
    assert parse_reference(text) is None


def shell_with_results() -> Shell:
    shell = Shell(JsonOutput())
    shell.results = [
        CallRecord(1, "app1", "echo", ["a", {"path": "/x"}], None, 0.0, 0.1),
        CallRecord(2, "app1", "fail", None, "boom", 0.0, 0.1),
    ]
    shell.variables["img"] = {"path": "/y"}
    return shell


def test_resolve() -> None:
    shell = shell_with_results()
    # Values from results come marked as the app's (never taken for local files).
    last = resolve(shell, parse_reference("$_"))
    assert last == ResultValue(["a", {"path": "/x"}])  # the last success
    assert resolve(shell, parse_reference('$r1[1]["path"]')) == ResultValue("/x")
    assert resolve(shell, parse_reference("$img.path")) == "/y"  # a variable set by the user
    assert resolve(shell, parse_reference("$null")) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("$r3", r"no such result \(there are r1 to r2\)"),
        ("$r2", "has no outputs"),
        ("$_[5]", "a list of 2 has no \\[5\\]"),
        ("$_[0].path", "a str has no key 'path'"),
        ("$nope", "no such variable"),
        ("$1", "no argument 1"),
    ],
)
def test_resolve_errors(text: str, message: str) -> None:
    with pytest.raises(ShellError, match=message):
        resolve(shell_with_results(), parse_reference(text))


def test_no_result_yet() -> None:
    with pytest.raises(ShellError, match="no call has finished yet"):
        resolve(Shell(JsonOutput()), parse_reference("$_"))
