"""References in arguments to earlier results and to variables.

``$_`` is the output of the last successful call (in any session) — the output itself when
the call has one, the list of its outputs when it has several — and ``$rN`` that of call
number N; ``$name`` is a variable, ``$1`` a script argument, ``$null`` no value at all.
Each may be followed by indices and keys: ``$_[0]``, ``$r3[1]``, ``$_[0]["path"]``,
``$x.path``, ``$_[-1]``.
A quoted word is never a reference: ``"$_"`` is the text ``$_``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gradioshell.errors import ShellError
from gradioshell.gradio.values import ResultValue

if TYPE_CHECKING:
    from gradioshell.context import CallContext
    from gradioshell.sessions import CallRecord

#: A reference as a regular expression (without anchors): the lexer colours exactly this.
REFERENCE_PATTERN = (
    r"\$(?P<name>_|r\d+|\d+|[A-Za-z_][A-Za-z0-9_]*)"
    r"(?P<path>(?:\[(?:-?\d+|\"[^\"]*\"|'[^']*')\]|\.[A-Za-z_]\w*)*)"
)
_REFERENCE = re.compile(REFERENCE_PATTERN + r"\Z")
_STEP = re.compile(r"\[(-?\d+)\]|\[\"([^\"]*)\"\]|\['([^']*)'\]|\.([A-Za-z_]\w*)")


NULL = "null"
"""``$null``: no value (None), for a parameter that takes one."""


@dataclass(frozen=True)
class Reference:
    name: str
    path: tuple[int | str, ...]
    text: str


def parse_reference(text: str) -> Reference | None:
    """The reference ``text`` spells, or None when it is not one."""
    match = _REFERENCE.match(text)
    if match is None:
        return None
    path: list[int | str] = []
    for step in _STEP.finditer(match.group("path")):
        index, double, single, attribute = step.groups()
        if index is not None:
            path.append(int(index))
        else:
            path.append(next(p for p in (double, single, attribute) if p is not None))
    return Reference(match.group("name"), tuple(path), text)


def resolve(shell: CallContext, reference: Reference) -> Any:
    """The value a reference points to; a ShellError says clearly why when there is none.

    A value from an app's answer comes as a :class:`ResultValue`, so that nothing in it is
    taken for the name of a local file.
    """
    value, single = _root(shell, reference.name)
    from_result = isinstance(value, ResultValue)
    if isinstance(value, ResultValue):
        value = value.value
    path = reference.path
    if single and path[:1] == (0,) and not isinstance(value, list):
        path = path[1:]  # $_[0] of a call with one output that is no list: that output
    for step in path:
        try:
            fits = (isinstance(value, list) and isinstance(step, int)) or (
                isinstance(value, dict) and isinstance(step, str)
            )
            if not fits:
                raise TypeError
            value = value[step]
        except (IndexError, KeyError, TypeError):
            raise ShellError(
                f"{reference.text}: {_describe(value)} has no "
                + (f"[{step}]" if isinstance(step, int) else f"key {step!r}")
            ) from None
    return ResultValue(value) if from_result else value


def call_record(shell: CallContext, name: str) -> CallRecord | None:
    """The call ``$name`` names (``_``: the last that finished well, ``rN``: number N), with
    its outputs; None when ``name`` names no call (a variable); a ShellError when it names
    one that does not exist or has no outputs."""
    if name == "_":
        for record in reversed(shell.results):
            if record.error is None and not record.cancelled and record.outputs is not None:
                return record
        raise ShellError("$_: no call has finished yet")
    if name[:1] == "r" and name[1:].isdigit():
        number = int(name[1:])
        if not 1 <= number <= len(shell.results):
            known = f" (there are r1 to r{len(shell.results)})" if shell.results else ""
            raise ShellError(f"${name}: no such result{known}")
        record = shell.results[number - 1]
        if record.outputs is None:
            raise ShellError(f"${name}: call {number} ({record.endpoint}) has no outputs")
        return record
    return None


def _root(shell: CallContext, name: str) -> tuple[Any, bool]:
    """The value ``$name`` stands for, and whether it is the one output of a call."""
    record = call_record(shell, name)
    if record is not None:
        assert record.outputs is not None
        return outputs_value(record.outputs)
    if name == NULL:
        return None, False
    if name in shell.variables:
        return shell.variables[name], False
    if name.isdigit():
        raise ShellError(f"${name}: the script was given no argument {name}")
    raise ShellError(f"${name}: no such variable")


def outputs_value(outputs: list[Any]) -> tuple[ResultValue, bool]:
    """What a call's outputs are as a value: the output itself when there is one, else the
    list of them; and whether it was the one output."""
    if len(outputs) == 1:
        return ResultValue(outputs[0]), True
    return ResultValue(outputs), False


def _describe(value: Any) -> str:
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return "an object"
    return f"a {type(value).__name__}"
