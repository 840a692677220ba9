import contextlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradioshell.gradio import ArgumentError, Endpoint, Parameter, bind
from gradioshell.gradio.values import FileInput, chat_history, convert, convert_to_schema


@pytest.mark.parametrize(
    ("schema", "raw", "expected"),
    [
        ({"type": "string"}, "42", "42"),
        ({"type": "integer"}, "42", 42),
        ({"type": "integer"}, "3.0", 3),
        ({"type": "number"}, "2.5", 2.5),
        ({"type": "number"}, "7", 7),
        ({"type": "boolean"}, "yes", True),
        ({"type": "boolean"}, "False", False),
        ({"type": "array", "items": {"type": "number"}}, "[1, 2]", [1, 2]),
        ({"type": "object"}, '{"a": 1}', {"a": 1}),
        ({"type": "string", "enum": ["red", "green"]}, "GREEN", "green"),
        ({"anyOf": [{"type": "number"}, {"type": "string"}]}, "12", 12),
        ({"anyOf": [{"type": "number"}, {"type": "string"}]}, "abc", "abc"),
        ({"type": ["integer", "null"]}, "null", None),
        ({}, "[1]", [1]),
        ({}, "plain", "plain"),
    ],
)
def test_conversion(schema: dict, raw: str, expected: object) -> None:
    assert convert_to_schema(schema, raw) == expected


@pytest.mark.parametrize(
    ("schema", "raw", "message"),
    [
        ({"type": "integer"}, "3.5", "expected an integer"),
        ({"type": "number"}, "abc", "expected a number"),
        ({"type": "number"}, "nan", "finite"),
        ({"type": "boolean"}, "maybe", "true or false"),
        ({"type": "array"}, "[1,", "not valid JSON"),
        ({"type": "array"}, '{"a": 1}', "JSON list"),
        ({"type": "string", "enum": ["a", "b"]}, "c", "not one of the choices"),
    ],
)
def test_conversion_errors(schema: dict, raw: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        convert_to_schema(schema, raw)


ENDPOINT = Endpoint(
    api_name="/echo",
    fn_index=1,
    parameters=(
        Parameter(name="text", schema={"type": "string"}),
        Parameter(name="n", schema={"type": "integer"}, has_default=True, default=1),
    ),
)


def test_bind_fills_defaults_and_converts() -> None:
    assert bind(ENDPOINT, ["hi"], {}) == ["hi", 1]
    assert bind(ENDPOINT, [], {"text": "hi", "N": "3"}) == ["hi", 3]


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ([], {}, "missing required parameter text"),
        (["a", "1", "2"], {}, "takes 2 parameters"),
        ([], {"text": "a", "m": "1"}, "no parameter 'm' \\(parameters: text, n\\)"),
        (["a"], {"text": "b"}, "given twice"),
        (["a"], {"n": "x"}, "n: expected an integer"),
    ],
)
def test_bind_errors(args: list, kwargs: dict, message: str) -> None:
    with pytest.raises(ArgumentError, match=message):
        bind(ENDPOINT, args, kwargs)


json_schemas = st.recursive(
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(
                ["string", "integer", "number", "boolean", "null", "array", "object", "weird"]
            )
        }
    )
    | st.fixed_dictionaries({"enum": st.lists(st.text() | st.integers(), max_size=4)})
    | st.just({}),
    lambda inner: (
        st.fixed_dictionaries({"anyOf": st.lists(inner, max_size=3)})
        | st.fixed_dictionaries({"type": st.just("array"), "items": inner})
    ),
    max_leaves=6,
)


@given(json_schemas, st.text())
def test_converter_never_crashes(schema: dict, raw: str) -> None:
    try:
        value = convert_to_schema(schema, raw)
    except ValueError:
        return
    json.dumps(value)  # whatever it returns can be sent


# Any JSON whatsoever where a schema is expected: wrong types for every keyword included.
json_anything = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=10,
)
schema_words = st.sampled_from(
    ["type", "enum", "anyOf", "oneOf", "items", "properties", "$ref", "title", "default"]
)
arbitrary_schemas = st.recursive(
    st.dictionaries(schema_words, json_anything, max_size=3),
    lambda inner: st.dictionaries(
        schema_words, inner | st.lists(inner, max_size=3) | json_anything, max_size=3
    ),
    max_leaves=8,
)


@settings(deadline=None)
@given(arbitrary_schemas | json_anything, st.text())
def test_converter_against_arbitrary_schemas(schema: object, raw: str) -> None:
    try:
        value = convert_to_schema(schema, raw)
    except ValueError:
        return
    json.dumps(value)


@settings(deadline=None)
@given(arbitrary_schemas, st.text() | json_anything)
def test_bind_with_arbitrary_schema_raises_only_argument_errors(schema: dict, raw: object) -> None:
    endpoint = Endpoint(api_name="/x", fn_index=0, parameters=(Parameter(name="p", schema=schema),))
    with contextlib.suppress(ArgumentError):
        bind(endpoint, [raw], {})


# -- rich components -------------------------------------------------------------------

FILEDATA = {
    "properties": {"path": {"type": "string"}, "meta": {"$ref": "#/$defs/FileDataMeta"}},
    "title": "FileData",
    "type": "object",
}


def _param(component: str, schema: dict, **props: object) -> Parameter:
    return Parameter(name="x", component=component, schema=schema, props=dict(props))


MESSAGES = {
    "type": "array",
    "items": {"type": "object", "properties": {"role": {}, "content": {"type": "string"}}},
}
PARTS = {
    "type": "array",
    "items": {"type": "object", "properties": {"role": {}, "content": {"type": "array"}}},
}
TUPLES = {"type": "array", "items": {"type": "array"}}


@pytest.mark.parametrize(
    ("schema", "written", "sent"),
    [
        (
            MESSAGES,
            [["hi", "hello"]],
            [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}],
        ),
        (
            TUPLES,
            [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}],
            [["hi", "yo"]],
        ),
        (
            PARTS,
            [{"role": "user", "content": "hi"}],
            [{"role": "user", "content": [{"type": "text", "text": "hi"}]}],
        ),
        (PARTS, [["hi", None]], [{"role": "user", "content": [{"type": "text", "text": "hi"}]}]),
    ],
)
def test_chat_history_in_the_apps_format(schema: dict, written: list, sent: list) -> None:
    assert chat_history(_param("Chatbot", schema), written) == sent


def test_files_are_found_where_the_schema_wants_them() -> None:
    schema = {
        "$defs": {
            "FileData": FILEDATA,
            "FileDataMeta": {"properties": {"_type": {"const": "gradio.FileData"}}},
        },
        "properties": {
            "text": {"type": "string"},
            "files": {"type": "array", "items": {"$ref": "#/$defs/FileData"}},
        },
        "type": "object",
    }
    value = convert(_param("MultimodalTextbox", schema), '{"text": "a", "files": ["c.png"]}')
    assert value["text"] == "a"
    (marked,) = value["files"]
    assert isinstance(marked, FileInput) and marked.value == "c.png"
    plain = convert(_param("MultimodalTextbox", schema), "just words")
    assert plain == {"text": "just words", "files": []}


def test_slider_range_and_choices_lists() -> None:
    slider = _param("Slider", {"type": "number"}, minimum=0, maximum=10)
    assert convert(slider, "10") == 10
    with pytest.raises(ArgumentError, match="x: expected a number from 0 to 10, got 11"):
        convert(slider, "11")
    group = _param(
        "Checkboxgroup", {"type": "array", "items": {"enum": ["a", "b,c"], "type": "string"}}
    )
    assert convert(group, "a") == ["a"] and convert(group, "b,c") == ["b,c"]
    assert convert(group, '["a", "b,c"]') == ["a", "b,c"]


def test_earlier_results_into_text_go_as_json() -> None:
    text = _param("Textbox", {"type": "string"})
    assert convert(text, {"a": 1}) == '{"a": 1}'
    assert convert(text, None) is None
