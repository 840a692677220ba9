from typing import Any

import pytest

from gradioshell.gradio.errors import NotAGradioApp, ProtocolError
from gradioshell.gradio.models import Endpoint, name_from_label, parse_config, parse_info

CONFIG = {
    "version": "5.50.0",
    "protocol": "sse_v3",
    "api_prefix": "/gradio_api/",
    "dependencies": [
        {"id": 0, "api_name": "Op1"},
        {"id": 3, "api_name": "pick"},
        {"id": 4, "api_name": "secret"},
        {"id": 5, "api_name": False},
    ],
}
INFO = {
    "named_endpoints": {
        "/Op1": {
            "parameters": [
                {
                    "label": "Duration, in, seconds",
                    "parameter_has_default": True,
                    "parameter_default": "5",
                    "type": {"type": "string"},
                    "python_type": {"type": "str", "description": ""},
                    "component": "Textbox",
                    "example_input": "Hello!!",
                }
            ],
            "returns": [{"label": "Resultado", "type": {"type": "string"}}],
            "show_api": True,
        },
        "/pick": {
            "parameters": [
                {
                    "label": "color",
                    "parameter_name": "color",
                    "parameter_has_default": False,
                    "type": {"type": "string", "enum": ["red", "green"]},
                    "component": "Dropdown",
                }
            ],
            "returns": [],
        },
        "/secret": {"parameters": [], "returns": [], "show_api": False},
        "/private6": {"parameters": [], "returns": [], "api_visibility": "private"},
    },
    "unnamed_endpoints": {},
}


def test_config_fields() -> None:
    config = parse_config(CONFIG)
    assert config.api_prefix == "/gradio_api"
    assert config.api_names == {"/Op1": 0, "/pick": 3, "/secret": 4}
    assert config.major == 5


def test_info_endpoints() -> None:
    endpoints = parse_info(INFO, parse_config(CONFIG))
    assert [e.api_name for e in endpoints] == ["/Op1", "/pick"]
    op1, pick = endpoints
    assert op1.fn_index == 0 and op1.name == "Op1"
    assert op1.parameters[0].name == "duration_in_seconds"  # derived from the label
    assert op1.parameters[0].default == "5" and not op1.parameters[0].required
    assert pick.fn_index == 3 and pick.parameters[0].choices == ["red", "green"]
    assert pick.parameters[0].required
    assert op1.signature() == "duration_in_seconds='5' -> Resultado"


@pytest.mark.parametrize("payload", [None, [], {"hello": 1}, "text"])
def test_not_a_gradio_config(payload: object) -> None:
    with pytest.raises(NotAGradioApp):
        parse_config(payload)


@pytest.mark.parametrize("payload", [None, {}, {"named_endpoints": []}])
def test_bad_info(payload: object) -> None:
    with pytest.raises(ProtocolError):
        parse_info(payload, parse_config(CONFIG))


def test_wrong_typed_fields_are_tolerated() -> None:
    info = {"named_endpoints": {"/Op1": {"parameters": [1, {"label": 5}], "returns": "x"}}}
    (endpoint,) = parse_info(info, parse_config(CONFIG))
    assert [p.name for p in endpoint.parameters] == ["param_1"]
    assert endpoint.returns == ()


def test_name_from_label() -> None:
    assert name_from_label("Duration, in, seconds") == "duration_in_seconds"
    assert name_from_label("3D model") == "_3d_model"
    assert name_from_label("!!!") == ""


# What Gradio 3.50.2 serves for an app with an unnamed event and one off the queue.
CONFIG_3X = {
    "version": "3.50.2",
    "enable_queue": True,
    "components": [],
    "dependencies": [
        {"api_name": None, "queue": None},
        {"api_name": "echo", "queue": None},
        {"api_name": "direct", "queue": False},
    ],
}
INFO_3X = {
    "named_endpoints": {
        "/echo": {
            "parameters": [
                {"label": "Text", "type": {"type": "string"}, "component": "Textbox"},
                {"label": "Times", "type": {"type": "number"}, "component": "Number"},
            ],
            "returns": [{"label": "Echoed", "type": {"type": "string"}}],
        },
        "/direct": {"parameters": [], "returns": []},
    },
    "unnamed_endpoints": {
        "0": {
            "parameters": [{"label": "Duration, in, seconds", "type": {"type": "string"}}],
            "returns": [{"label": "Resultado", "type": {"type": "string"}}],
        }
    },
}


def test_3x_config_has_no_protocol_and_marks_events_off_the_queue() -> None:
    config = parse_config(CONFIG_3X)
    assert config.protocol is None and config.api_prefix == ""
    assert config.api_names == {"/echo": 1, "/direct": 2}
    assert config.unqueued == frozenset({2})
    assert parse_config({**CONFIG_3X, "enable_queue": False}).unqueued == frozenset({0, 1, 2})


def test_3x_unnamed_events_are_endpoints_called_by_index() -> None:
    endpoints = parse_info(INFO_3X, parse_config(CONFIG_3X))
    assert [(ep.name, ep.fn_index, ep.named) for ep in endpoints] == [
        ("fn 0", 0, False),
        ("echo", 1, True),
        ("direct", 2, True),
    ]
    assert [p.name for p in endpoints[0].parameters] == ["duration_in_seconds"]
    assert [p.name for p in endpoints[1].parameters] == ["text", "times"]
    assert all(p.required for p in endpoints[1].parameters)


def test_endpoints_parse_their_parameters_when_first_read_and_equal_eager_ones() -> None:
    from gradioshell.gradio.models import Endpoint, Parameter, Return

    info = copy_of(INFO)
    op1 = parse_info(info, parse_config(CONFIG))[0]
    # A change to the description before the first read shows: nothing was parsed at connect.
    info["named_endpoints"]["/Op1"]["parameters"][0]["parameter_name"] = "late"
    assert [p.name for p in op1.parameters] == ["late"]
    # Once read, the parsed parameters are kept (an endpoint does not change).
    info["named_endpoints"]["/Op1"]["parameters"][0]["parameter_name"] = "later"
    assert [p.name for p in op1.parameters] == ["late"]
    eager = Endpoint(
        "/Op1",
        0,
        (
            Parameter(
                name="late",
                label="Duration, in, seconds",
                component="Textbox",
                schema={"type": "string"},
                python_type="str",
                has_default=True,
                default="5",
                example="Hello!!",
            ),
        ),
        (Return(label="Resultado", schema={"type": "string"}),),
    )
    assert op1 == eager and eager == op1 and hash(op1) == hash(eager)
    assert op1 != Endpoint("/Op1", 0) and op1 != Endpoint("/Op1", 1, eager.parameters)
    assert "late" in repr(op1)
    with pytest.raises(AttributeError):
        op1.api_name = "/other"


def test_endpoints_of_equal_descriptions_are_equal() -> None:
    config = parse_config(CONFIG)
    first, second = parse_info(INFO, config), parse_info(copy_of(INFO), config)
    assert first == second
    changed = copy_of(INFO)
    changed["named_endpoints"]["/pick"]["parameters"][0]["type"]["enum"] = ["blue"]
    assert parse_info(changed, config) != first


def copy_of(value: Any) -> Any:
    import copy

    return copy.deepcopy(value)


# -- the components behind an endpoint (State, hidden outputs, updates) -------------------

CHAT_CONFIG = {
    "version": "6.31.0",
    "protocol": "sse_v3",
    "components": [
        {"id": 9, "type": "textbox", "skip_api": False, "props": {"label": "msg", "lines": 1}},
        {"id": 12, "type": "json", "skip_api": False, "props": {}},
        {"id": 13, "type": "state", "skip_api": True, "props": {}},
        {"id": 11, "type": "button", "skip_api": True, "props": {"value": "Go"}},
        {"id": 20, "type": "slider", "skip_api": False, "props": {"minimum": 0, "maximum": 2}},
    ],
    "dependencies": [
        {
            "id": 0,
            "api_name": "respond",
            "api_visibility": "undocumented",
            "inputs": [],
            "outputs": [],
        },
        {
            "id": 6,
            "api_name": "respond",
            "api_visibility": "public",
            "inputs": [9, 13, 20],
            "outputs": [12, 13, 11],
        },
        {"id": 7, "api_name": "respond", "api_visibility": "private", "inputs": [], "outputs": []},
    ],
}
CHAT_INFO = {
    "named_endpoints": {
        "/respond": {
            "parameters": [
                {
                    "label": "msg",
                    "parameter_name": "message",
                    "type": {"type": "string"},
                    "component": "Textbox",
                },
                {
                    "label": "t",
                    "parameter_name": "temperature",
                    "type": {"type": "number"},
                    "component": "Slider",
                    "parameter_has_default": True,
                    "parameter_default": 1,
                },
            ],
            "returns": [{"label": "Response", "type": {}, "component": "Json"}],
        }
    }
}


def test_hidden_inputs_are_sent_as_none_and_hidden_outputs_left_out() -> None:
    config = parse_config(CHAT_CONFIG)
    (endpoint,) = parse_info(CHAT_INFO, config)
    assert endpoint.fn_index == 6  # the public event of the three sharing the name
    assert endpoint.wire_inputs(["hi", 0.5]) == ["hi", None, 0.5]
    assert endpoint.shown_outputs(["answer", ["state"], {"__type__": "update"}]) == ["answer"]
    # What /config says of the component behind a parameter: a Slider's range.
    assert endpoint.parameters[1].props == {"minimum": 0, "maximum": 2}


def test_updates_are_shown_as_their_value() -> None:
    config = parse_config(CHAT_CONFIG)
    (endpoint,) = parse_info(CHAT_INFO, config)
    update = {"__type__": "update", "value": "new text", "interactive": True}
    assert endpoint.shown_outputs([update, None, None]) == ["new text"]
    assert endpoint.shown_outputs([{"__type__": "update", "visible": False}, 1, 2]) == [None]


def test_without_components_the_values_go_as_they_are() -> None:
    # 3.x configs without skip_api go by component type; no layout at all: unchanged.
    config = parse_config(
        {
            "version": "3.50.2",
            "components": [{"id": 1, "type": "state"}, {"id": 2, "type": "number"}],
            "dependencies": [{"api_name": "count", "inputs": [1], "outputs": [2, 1]}],
        }
    )
    info = {"named_endpoints": {"/count": {"parameters": [], "returns": [{"label": "n"}]}}}
    (endpoint,) = parse_info(info, config)
    assert endpoint.wire_inputs([]) == [None]
    assert endpoint.shown_outputs([3, 3]) == [3]
    bare = Endpoint("/x", 0)
    assert bare.wire_inputs(["a"]) == ["a"] and bare.shown_outputs([1, 2]) == [1, 2]


def test_undocumented_events_are_callable_by_name_and_private_ones_not() -> None:
    from gradioshell.gradio.models import undocumented_endpoint

    config = parse_config(
        {
            "version": "6.31.0",
            "components": [
                {"id": 1, "type": "textbox", "skip_api": False, "props": {"label": "Your text"}},
                {"id": 2, "type": "state", "skip_api": True, "props": {}},
            ],
            "dependencies": [
                {
                    "id": 0,
                    "api_name": "murmur",
                    "api_visibility": "undocumented",
                    "inputs": [1, 2],
                    "outputs": [1],
                },
                {
                    "id": 1,
                    "api_name": "secret",
                    "api_visibility": "private",
                    "inputs": [1],
                    "outputs": [1],
                },
                {
                    "id": 2,
                    "api_name": "shown",
                    "api_visibility": "public",
                    "inputs": [1],
                    "outputs": [1],
                },
            ],
        }
    )
    hidden = undocumented_endpoint(config, "Murmur")
    assert hidden is not None and hidden.api_name == "/murmur" and hidden.fn_index == 0
    assert [p.name for p in hidden.parameters] == ["your_text"]
    assert hidden.wire_inputs(["hi"]) == ["hi", None]
    assert undocumented_endpoint(config, "secret") is None  # private: not for API clients
    assert undocumented_endpoint(config, "shown") is None  # public: listed by /info instead
    assert "/secret" not in config.api_names


def _nested(depth: int, container: str) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value, "x"] if container == "list" else {"k": value, "n": 2}
    return value


@pytest.mark.parametrize("container", ["list", "dict", "mixed"])
def test_the_depth_check_refuses_exactly_what_nests_deeper_than_the_limit(container: str) -> None:
    """The level-by-level walk gives the old walk's verdict at every depth and limit, also
    when the deepest branch is not the first one."""
    from gradioshell.gradio.limits import check_depth, parse_json

    for depth in range(8):
        for limit in range(8):
            kind = ("list", "dict")[depth % 2] if container == "mixed" else container
            # The outer list is one more level; its shallow branch nests three.
            value = [1, {"shallow": [2]}, _nested(depth, kind)]
            nests = max(depth + 1, 3)
            if nests > limit:
                with pytest.raises(ProtocolError, match=f"nested deeper than {limit} levels"):
                    check_depth(value, limit, "config")
            else:
                check_depth(value, limit, "config")
    import json

    assert parse_json(json.dumps(_nested(5, "list")), 5, "config") == _nested(5, "list")
    with pytest.raises(ProtocolError):
        parse_json(json.dumps(_nested(6, "dict")), 5, "config")
