"""Turn what the user typed into the values an endpoint's schema expects, and bind arguments.

The user writes strings; a parameter's JSON schema says what the app wants. A value
that is not a string (the result of an earlier call, say) is passed through as is.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gradioshell.gradio.errors import ArgumentError
from gradioshell.gradio.files import file_kind, is_filedata_schema, mentions_files

if TYPE_CHECKING:
    from gradioshell.gradio.models import Endpoint, Parameter

_TRUE = {"true", "yes", "on", "1", "y"}
_FALSE = {"false", "no", "off", "0", "n"}
_NULL = {"null", "none"}

NULL_HINT = "write $null for no value"


@dataclass(frozen=True, eq=False)
class FileInput:
    """A file the user named for an input, not sent yet: a path, a glob, a URL, a FileData
    of an earlier result, or (``many``) a list of them. The shell resolves it to what the
    app takes (uploading local files) before the call."""

    value: Any
    many: bool = False
    #: Each file of the list becomes a gallery item (``{"image": file, "caption": None}``).
    gallery: bool = False
    #: Whether the user wrote it. A name inside an app's answer never means a local file:
    #: an app must not make the shell upload a file of this machine.
    typed: bool = True


@dataclass(frozen=True)
class ResultValue:
    """A value taken from an app's answer (``$_``, ``$r2``): any text in it that looks like
    a path is the app's, not the name of a file here."""

    value: Any


def convert(param: Parameter, raw: Any) -> Any:
    """Convert ``raw`` for ``param``; an :class:`ArgumentError` names it if it does not fit.

    ``raw`` is what the user typed (a string), or a value such as an earlier result (a
    :class:`ResultValue`). Files anywhere in the value become :class:`FileInput`.
    """
    from_result = isinstance(raw, ResultValue)
    if isinstance(raw, ResultValue):
        raw = raw.value
    try:
        value = _from_text(param, raw) if isinstance(raw, str) else _from_value(param, raw)
        _check_range(param, value)
    except ValueError as exc:
        raise ArgumentError(f"{param.name}: {exc}") from None
    return _not_typed(value) if from_result else value


def _not_typed(value: Any) -> Any:
    """``value`` with every :class:`FileInput` in it marked as not written by the user."""
    if isinstance(value, FileInput):
        return dataclasses.replace(value, typed=False)
    if isinstance(value, dict):
        return {k: _not_typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_not_typed(v) for v in value]
    return value


def _from_text(param: Parameter, raw: str) -> Any:
    kind = file_kind(param)
    if kind is not None:
        return FileInput(raw, many=kind == "files")
    if param.props.get("allow_custom_value") and isinstance(param.schema, dict):
        # Choices the app offers, but any text is welcome: the schema's enum is advice.
        schema = {k: v for k, v in param.schema.items() if k != "enum"}
        items = schema.get("items")
        if isinstance(items, dict):
            schema["items"] = {k: v for k, v in items.items() if k != "enum"}
        param = dataclasses.replace(param, schema=schema)
    shape = _SHAPES.get(param.kind)
    if shape is None and isinstance(param.schema, dict) and param.schema.get("type") == "array":
        shape = _choices if param.kind == "dropdown" else None
    if shape is not None:
        value = shape(param, raw)
    else:
        part = _file_part(param.schema)
        if part is not None and _json_or(raw, (dict,)) is _NOT_JSON:
            return {part: FileInput(raw)}
        value = convert_to_schema(param.schema, raw)
    return mark_files(param.schema, value)


def _file_part(schema: Any) -> str | None:
    """The one required part of an object that is a file, such as a Video's ``video`` beside
    its optional subtitles (Gradio 4 and 5): a path fills that part."""
    if not isinstance(schema, dict) or schema.get("type") != "object":
        return None
    props, required = schema.get("properties"), schema.get("required")
    if not isinstance(props, dict) or not isinstance(required, list) or len(required) != 1:
        return None
    name = required[0]
    return name if is_filedata_schema(props.get(name), schema) else None


def _from_value(param: Parameter, value: Any) -> Any:
    if value is None:
        return None
    kind = file_kind(param)
    if kind is not None:
        return FileInput(value, many=kind == "files")
    if param.kind == "gallery" and isinstance(value, list):
        return [_gallery_item(item) for item in value]
    if param.kind == "chatbot" and isinstance(value, list):
        value = chat_history(param, value)
    if _is_text(param.schema) and isinstance(value, (dict, list, int, float)):
        # An earlier result into a text parameter: as JSON, never as Python's repr.
        return json.dumps(value, ensure_ascii=False)
    return mark_files(param.schema, value)


def _is_text(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("type") == "string" and "enum" not in schema


# -- components written naturally on the command line --------------------------------------


def _json_or(raw: str, kinds: tuple[type, ...]) -> Any:
    """``raw`` parsed as JSON when it is JSON of one of ``kinds``, else ``_NOT_JSON``."""
    text = raw.strip()
    if text[:1] in "[{":
        try:
            value = json.loads(text)
        except ValueError:
            return _NOT_JSON
        if isinstance(value, kinds):
            return value
    return _NOT_JSON


_NOT_JSON: Any = object()


def _multimodal(param: Parameter, raw: str) -> Any:
    """``message=hi`` is the text alone; a JSON object is the whole value."""
    value = _json_or(raw, (dict,))
    if value is not _NOT_JSON:
        return value
    return {"text": raw, "files": []}


def _chatbot(param: Parameter, raw: str) -> Any:
    value = _json_or(raw, (list,))
    if value is _NOT_JSON:
        raise ValueError(
            "expected a chat history as a JSON list, such as "
            '[{"role": "user", "content": "hi"}] or [["hi", "hello"]], or an earlier result '
            f"such as $_; got {raw!r}"
        )
    return chat_history(param, value)


def chat_history(param: Parameter, value: list[Any]) -> list[Any]:
    """A chat history in the format the app's Chatbot takes, whichever the user wrote.

    Pairs (``[["hi", "hello"]]``) and messages (``[{"role": ..., "content": ...}]``) are
    turned into each other, and a message's text into the list of parts that Gradio 6
    takes (``[{"type": "text", "text": ...}]``).
    """
    wanted = chat_format(param)
    if wanted is None or not value:
        return value
    pairs = all(isinstance(m, list) and len(m) == 2 for m in value)
    messages = all(isinstance(m, dict) for m in value)
    if wanted != "tuples" and pairs:
        value = [
            {"role": role, "content": text}
            for pair in value
            for role, text in zip(("user", "assistant"), pair, strict=True)
            if text is not None
        ]
    elif wanted == "tuples" and messages:
        turns: list[list[Any]] = []
        for message in value:
            text = message.get("content")
            if message.get("role") == "user" or not turns or turns[-1][1] is not None:
                turns.append([None, None])
            turns[-1][0 if message.get("role") == "user" else 1] = text
        value = turns
    if wanted == "parts":
        value = [
            {**m, "content": _parts(m.get("content"))} if isinstance(m, dict) else m for m in value
        ]
    return value


def chat_format(param: Parameter) -> str | None:
    """How the app's Chatbot writes a history: ``tuples``, ``messages``, or ``parts``
    (messages whose content is a list of parts, from Gradio 6); None if unknown."""
    root = param.schema if isinstance(param.schema, dict) else {}
    items = [i for o in _options(root, root) for i in _options(o.get("items"), root)]
    for item in items:
        props = item.get("properties")
        if isinstance(props, dict) and "content" in props:
            content = _options(props["content"], root)
            return "parts" if any(c.get("type") == "array" for c in content) else "messages"
        if item.get("type") == "array":
            return "tuples"
    kind = param.props.get("type")
    return kind if kind in ("messages", "tuples") else None


def _parts(content: Any) -> Any:
    if isinstance(content, list):
        return content
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    if isinstance(content, dict) and "file" not in content and "path" in content:
        return [{"type": "file", "file": content}]
    if isinstance(content, dict):
        return [content]
    return content


def _image_editor(param: Parameter, raw: str) -> Any:
    """A path or URL is the image to edit: its background and what the editor shows."""
    value = _json_or(raw, (dict,))
    if value is not _NOT_JSON:
        return value
    return {"background": FileInput(raw), "layers": [], "composite": FileInput(raw), "id": None}


def _annotated_image(param: Parameter, raw: str) -> Any:
    value = _json_or(raw, (dict, list))
    if value is not _NOT_JSON:
        return value
    return {"image": FileInput(raw), "annotations": []}


def _image_slider(param: Parameter, raw: str) -> Any:
    value = _json_or(raw, (list,))
    if value is _NOT_JSON or len(value) != 2:
        raise ValueError(
            f'expected a JSON list of two images, such as ["a.png", "b.png"]; got {raw!r}'
        )
    return [None if item is None else FileInput(item) for item in value]


def _gallery(param: Parameter, raw: str) -> Any:
    """A glob or one path, or a JSON list of paths or of ``{"image": ..., "caption": ...}``."""
    value = _json_or(raw, (list,))
    if value is _NOT_JSON:
        return FileInput(raw, many=True, gallery=True)
    return [_gallery_item(item) for item in value]


def _gallery_item(item: Any) -> Any:
    if isinstance(item, dict) and ("image" in item or "video" in item):
        return {
            **item,
            **{k: FileInput(v) for k, v in item.items() if k in ("image", "video") and v},
        }
    return FileInput(item, many=False, gallery=True)


def _dataframe(param: Parameter, raw: str) -> Any:
    """A CSV or TSV file, JSON rows, or the JSON ``{"headers": ..., "data": ...}``."""
    value = _json_or(raw, (list, dict))
    if value is _NOT_JSON:
        value = _read_table(raw)
    if isinstance(value, list):
        if not all(isinstance(row, list) for row in value):
            raise ValueError("expected a list of rows, each a JSON list")
        width = max((len(row) for row in value), default=0)
        # The table's own column names when the rows fit them, else 1, 2, 3...
        headers = param.props.get("headers")
        if not (isinstance(headers, list) and len(headers) == width):
            headers = [str(n + 1) for n in range(width)]
        value = {"headers": headers, "data": value, "metadata": None}
    if not isinstance(value.get("data"), list):
        raise ValueError('expected {"headers": [...], "data": [[...], ...]}')
    return value


def _read_table(raw: str) -> dict[str, Any]:
    import csv
    import os

    path = os.path.expanduser(raw)
    if not os.path.isfile(path):
        raise ValueError(
            f"expected a CSV or TSV file, JSON rows such as [[1, 2], [3, 4]], or "
            f'{{"headers": [...], "data": [...]}}; got {raw!r}'
        )
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            sample = handle.read(64 * 1024)
            handle.seek(0)
            delimiter = (
                "\t"
                if path.lower().endswith(".tsv") or sample.count("\t") > sample.count(",")
                else ","
            )
            rows = list(csv.reader(handle, delimiter=delimiter))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ValueError(f"cannot read {raw}: {exc}") from None
    if not rows:
        raise ValueError(f"{raw} is empty")
    headers, data = rows[0], rows[1:]
    return {"headers": headers, "data": [[_cell(c) for c in row] for row in data], "metadata": None}


def _cell(text: str) -> Any:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        return text
    return number if number == number and number not in (float("inf"), float("-inf")) else text


def _label(param: Parameter, raw: str) -> Any:
    value = _json_or(raw, (dict,))
    return {"label": raw, "confidences": None} if value is _NOT_JSON else value


def _highlighted(param: Parameter, raw: str) -> Any:
    """JSON pairs (or tokens), or plain text as one unlabelled piece."""
    value = _json_or(raw, (list,))
    tokens = "token" in json.dumps(param.schema)
    if value is _NOT_JSON:
        value = [[raw, None]]
    if tokens:  # Gradio 5+ takes {"token", "class_or_confidence"} where 4.x took pairs
        value = [
            {"token": item[0], "class_or_confidence": item[1]}
            if isinstance(item, list) and len(item) == 2
            else item
            for item in value
        ]
    return value


def _choices(param: Parameter, raw: str) -> Any:
    """CheckboxGroup or a multiselect Dropdown: ``a,b`` or a JSON list."""
    value = _json_or(raw, (list,))
    if value is not _NOT_JSON:
        return convert_to_schema(param.schema, json.dumps(value))
    items = param.schema.get("items") if isinstance(param.schema, dict) else None
    enum = items.get("enum") if isinstance(items, dict) else None
    if isinstance(enum, list) and raw in enum:
        return [raw]
    parts = [part.strip() for part in raw.split(",")] if raw.strip() else []
    if isinstance(enum, list):
        return [_from_enum(enum, part) for part in parts]
    return parts


def _json_value(param: Parameter, raw: str) -> Any:
    """Any JSON value; text that is not JSON is a string, unless it opens a list or object."""
    text = raw.strip()
    try:
        return json.loads(text)
    except ValueError as exc:
        if text[:1] in "[{":
            raise ValueError(f"expected JSON, but {raw!r} is not valid ({exc.args[0]})") from None
        return raw


_SHAPES = {
    "json": _json_value,
    "multimodaltextbox": _multimodal,
    "chatbot": _chatbot,
    "imageeditor": _image_editor,
    "annotatedimage": _annotated_image,
    "imageslider": _image_slider,
    "gallery": _gallery,
    "dataframe": _dataframe,
    "label": _label,
    "highlightedtext": _highlighted,
    "checkboxgroup": _choices,
}


def _check_range(param: Parameter, value: Any) -> None:
    """A Slider's (or Number's) value within the bounds the app set for it."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return
    low, high = param.props.get("minimum"), param.props.get("maximum")
    low = low if isinstance(low, (int, float)) and not isinstance(low, bool) else None
    high = high if isinstance(high, (int, float)) and not isinstance(high, bool) else None
    if (low is not None and value < low) or (high is not None and value > high):
        if low is not None and high is not None:
            raise ValueError(f"expected a number from {low:g} to {high:g}, got {value:g}")
        bound = f"at least {low:g}" if low is not None else f"at most {high:g}"
        raise ValueError(f"expected a number {bound}, got {value:g}")


# -- files inside richer values -------------------------------------------------------------


def mark_files(schema: Any, value: Any) -> Any:
    """``value`` with a :class:`FileInput` at each place ``schema`` wants a file and the value
    names one (a path, a URL, a FileData, ``{"path": ...}``)."""
    if not mentions_files(schema) or not isinstance(schema, dict):
        return value
    return _mark(value, schema, schema)


def _mark(value: Any, schema: Any, root: dict[str, Any]) -> Any:
    if isinstance(value, FileInput) or value is None:
        return value
    options = _options(schema, root)
    if any(is_filedata_schema(o, root) for o in options) and (
        isinstance(value, str) or (isinstance(value, dict) and isinstance(value.get("path"), str))
    ):
        return FileInput(value)
    if isinstance(value, dict):
        props: dict[str, Any] = {}
        for option in options:
            found = option.get("properties")
            if isinstance(found, dict):
                for key, sub in found.items():
                    props.setdefault(key, sub)
        return {k: _mark(v, props[k], root) if k in props else v for k, v in value.items()}
    if isinstance(value, list):
        marked = []
        for n, item in enumerate(value):
            sub = None
            for option in options:
                prefix = option.get("prefixItems")
                if isinstance(prefix, list) and n < len(prefix):
                    sub = prefix[n]
                    break
                if isinstance(option.get("items"), dict):
                    sub = option["items"]
                    break
            marked.append(item if sub is None else _mark(item, sub, root))
        return marked
    return value


def _options(schema: Any, root: dict[str, Any], depth: int = 0) -> list[dict[str, Any]]:
    """The object schemas ``schema`` may stand for: its ``$ref`` resolved, ``anyOf`` and
    ``oneOf`` flattened."""
    if not isinstance(schema, dict) or depth > 20:
        return []
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        defs = root.get("$defs")
        target = defs.get(ref.rsplit("/", 1)[-1]) if isinstance(defs, dict) else None
        if is_filedata_schema(schema, root):
            return [schema]
        return _options(target, root, depth + 1)
    found = [schema]
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key) or []:
            found.extend(_options(option, root, depth + 1))
    return found


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
    parts: dict[str, dict[str, Any]] = {}
    for key, value in kwargs.items():
        param = endpoint.parameter(key)
        if param is None and "." in key:
            base, _, part = key.partition(".")
            param = endpoint.parameter(base)
            if param is not None and part:
                if part in parts.setdefault(param.name, {}):
                    raise ArgumentError(f"{param.name}.{part} is given twice")
                parts[param.name][part] = value
                continue
        if param is None:
            valid = ", ".join(p.name for p in params) or "none"
            raise ArgumentError(f"{endpoint.name} has no parameter {key!r} (parameters: {valid})")
        if param.name in given:
            raise ArgumentError(f"{param.name} is given twice")
        given[param.name] = value
    missing = [p.name for p in params if p.required and p.name not in given and p.name not in parts]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        raise ArgumentError(
            f"{endpoint.name}: missing required parameter{plural} {', '.join(missing)}"
        )
    values = []
    for p in params:
        value = convert(p, given[p.name]) if p.name in given else p.default
        if p.name in parts:
            value = _with_parts(p, value, parts[p.name])
        values.append(value)
    return values


def _with_parts(param: Parameter, value: Any, parts: dict[str, Any]) -> Any:
    """``value`` with the keys written as ``name.key=...`` (``message.files=cat.png``)."""
    if value is None:
        value = {"text": "", "files": []} if param.kind == "multimodaltextbox" else {}
    if not isinstance(value, dict):
        raise ArgumentError(f"{param.name} is not an object: {param.name}.KEY=... does not apply")
    root = param.schema if isinstance(param.schema, dict) else {}
    known: dict[str, Any] = {}
    for option in _options(root, root):
        found = option.get("properties")
        if isinstance(found, dict):
            for key, sub in found.items():
                known.setdefault(key, sub)
    value = dict(value)
    for key, raw in parts.items():
        if known and key not in known:
            valid = ", ".join(known)
            raise ArgumentError(f"{param.name} has no part {key!r} (parts: {valid})")
        value[key] = _part(param, key, known.get(key), raw, root)
    return value


def _part(param: Parameter, key: str, schema: Any, raw: Any, root: dict[str, Any]) -> Any:
    options = _options(schema, root)
    if isinstance(raw, ResultValue):
        return _not_typed(_mark(raw.value, schema, root) if mentions_files(schema) else raw.value)
    if not isinstance(raw, str):
        return _mark(raw, schema, root) if mentions_files(schema) else raw
    if any(is_filedata_schema(o, root) for o in options):
        return FileInput(raw)
    lists = [o for o in options if o.get("type") == "array"]
    if any(is_filedata_schema(i, root) for o in lists for i in _options(o.get("items"), root)):
        value = _json_or(raw, (list,))
        if value is _NOT_JSON:
            return FileInput(raw, many=True)
        return [FileInput(item) for item in value]
    try:
        value = convert_to_schema(schema if isinstance(schema, dict) else {}, raw)
    except ValueError as exc:
        raise ArgumentError(f"{param.name}.{key}: {exc}") from None
    return _mark(value, schema, root)
