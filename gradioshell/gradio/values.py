"""Turn what the user typed into the values an endpoint's schema expects, and bind arguments.

The user writes strings; a parameter's JSON schema says what the app wants. A value
that is not a string (the result of an earlier call, say) is passed through as is.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from gradioshell.gradio.errors import ArgumentError
from gradioshell.gradio.models import Endpoint, Parameter

_TRUE = {"true", "yes", "on", "1", "y"}
_FALSE = {"false", "no", "off", "0", "n"}
_NULL = {"null", "none"}


def convert(param: Parameter, raw: Any) -> Any:
    """Convert ``raw`` for ``param``; an :class:`ArgumentError` names it if it does not fit."""
    if not isinstance(raw, str):
        return raw
    try:
        return convert_to_schema(param.schema, raw)
    except ValueError as exc:
        raise ArgumentError(f"{param.name}: {exc}") from None


def convert_to_schema(schema: Any, raw: str) -> Any:
    """Convert the string ``raw`` to a value of the JSON schema ``schema``, or ValueError."""
    if not isinstance(schema, dict) or not schema:
        return _loose(raw)
    enum = schema.get("enum")
    kind = schema.get("type")
    if isinstance(kind, list):
        return _first_fitting([{**schema, "type": k} for k in kind], raw)
    for key in ("anyOf", "oneOf"):
        options = schema.get(key)
        if isinstance(options, list) and options:
            return _first_fitting(options, raw)
    if isinstance(enum, list) and enum:
        return _from_enum(enum, raw)
    if kind == "string":
        return raw
    if kind == "integer":
        return _integer(raw)
    if kind == "number":
        return _number(raw)
    if kind == "boolean":
        return _boolean(raw)
    if kind == "null":
        if raw.strip().lower() in _NULL or raw == "":
            return None
        raise ValueError(f"expected null, got {raw!r}")
    if kind == "array":
        value = _json(raw, "a JSON list")
        if not isinstance(value, list):
            raise ValueError(f"expected a JSON list such as [1, 2], got {raw!r}")
        return value
    if kind == "object":
        value = _json(raw, "a JSON object")
        if not isinstance(value, dict):
            raise ValueError(f'expected a JSON object such as {{"key": "value"}}, got {raw!r}')
        return value
    return _loose(raw)


def _first_fitting(options: list[Any], raw: str) -> Any:
    # A plain string option takes anything, so try the stricter options first.
    ordered = sorted(
        options,
        key=lambda o: isinstance(o, dict) and o.get("type") == "string" and "enum" not in o,
    )
    errors = []
    for option in ordered:
        try:
            return convert_to_schema(option, raw)
        except ValueError as exc:
            errors.append(str(exc))
    raise ValueError(errors[0] if len(errors) == 1 else f"{raw!r} fits none of the allowed types")


def _from_enum(enum: list[Any], raw: str) -> Any:
    for choice in enum:
        if isinstance(choice, str) and choice == raw:
            return choice
    for choice in enum:
        if not isinstance(choice, str):
            try:
                if choice == json.loads(raw):
                    return choice
            except ValueError:
                pass
    lowered = [c for c in enum if isinstance(c, str) and c.lower() == raw.lower()]
    if len(lowered) == 1:
        return lowered[0]
    shown = ", ".join(json.dumps(c) for c in enum[:12]) + (", ..." if len(enum) > 12 else "")
    raise ValueError(f"{raw!r} is not one of the choices: {shown}")


def _integer(raw: str) -> int:
    text = raw.strip()
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"expected an integer, got {raw!r}") from None
    if number.is_integer():
        return int(number)
    raise ValueError(f"expected an integer, got {raw!r}")


def _number(raw: str) -> int | float:
    text = raw.strip()
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"expected a number, got {raw!r}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"expected a finite number, got {raw!r}")
    return value


def _boolean(raw: str) -> bool:
    text = raw.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"expected true or false, got {raw!r}")


def _json(raw: str, what: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError as exc:
        reason = exc.args[0]
        raise ValueError(f"expected {what}, but {raw!r} is not valid JSON ({reason})") from None


def _loose(raw: str) -> Any:
    """For an unknown schema: JSON when it parses as a number, list, object or literal."""
    text = raw.strip()
    if text[:1] in "[{" or text in ("true", "false", "null"):
        try:
            return json.loads(text)
        except ValueError:
            return raw
    return raw


def bind(endpoint: Endpoint, args: Sequence[Any], kwargs: Mapping[str, Any]) -> list[Any]:
    """Match positional and named arguments to ``endpoint``'s parameters, in the app's order.

    Missing parameters take their defaults; a missing required one, an unknown name, a
    parameter given twice or too many positional values is an :class:`ArgumentError`.
    """
    params = endpoint.parameters
    if len(args) > len(params):
        raise ArgumentError(
            f"{endpoint.name} takes {len(params)} parameter{'s' if len(params) != 1 else ''}, "
            f"but {len(args)} positional values were given"
        )
    given: dict[str, Any] = {p.name: value for p, value in zip(params, args, strict=False)}
    for key, value in kwargs.items():
        param = endpoint.parameter(key)
        if param is None:
            valid = ", ".join(p.name for p in params) or "none"
            raise ArgumentError(f"{endpoint.name} has no parameter {key!r} (parameters: {valid})")
        if param.name in given:
            raise ArgumentError(f"{param.name} is given twice")
        given[param.name] = value
    missing = [p.name for p in params if p.required and p.name not in given]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        raise ArgumentError(
            f"{endpoint.name}: missing required parameter{plural} {', '.join(missing)}"
        )
    return [convert(p, given[p.name]) if p.name in given else p.default for p in params]
