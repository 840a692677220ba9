"""Typed views of an app's ``/config`` and ``/info``: endpoints, parameters and returns."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any

from gradioshell.gradio.errors import NotAGradioApp, ProtocolError

_MISSING: Any = object()


#: Component types the official client leaves out of an endpoint's values when the app's
#: ``/config`` does not say (``skip_api``, from 4.0): state and layout blocks.
SKIP_TYPES = frozenset(
    {
        "state",
        "row",
        "column",
        "tabs",
        "tab",
        "tabitem",
        "box",
        "form",
        "accordion",
        "group",
        "interpretation",
        "dataset",
        "sidebar",
    }
)

#: The few properties of a component the shell reads (ranges, formats); the rest of a
#: component's description (its value, label, layout) is left out to keep sessions small.
KEPT_PROPS = frozenset(
    {
        "minimum",
        "maximum",
        "step",
        "multiselect",
        "allow_custom_value",
        "headers",
        "type",
        "file_count",
        "language",
        "format",
    }
)


@dataclass(frozen=True)
class Component:
    """A component an event reads or writes, as the app's ``/config`` describes it.

    Components alike are one object: an app of thousands of textboxes keeps a few.
    """

    #: The block's type in lower case: ``textbox``, ``state``, ``chatbot``...
    type: str
    #: Whether API clients leave its value out (gr.State, buttons, layout blocks).
    skip_api: bool = False
    props: dict[str, Any] = field(default_factory=dict)
    #: Its label, kept only where the app's API page does not describe the event.
    label: str = ""

    @property
    def is_state(self) -> bool:
        return self.type == "state"


@dataclass(frozen=True)
class Parameter:
    """One input of an endpoint, as the user names it on the command line."""

    name: str
    label: str = ""
    component: str = ""
    schema: dict[str, Any] = field(default_factory=dict)
    python_type: str = ""
    description: str = ""
    has_default: bool = False
    default: Any = None
    example: Any = None
    #: What ``/config`` says of the component behind it (ranges, formats), when known.
    props: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def kind(self) -> str:
        """The component's type in lower case without spaces: ``multimodaltextbox``..."""
        return self.component.lower().replace(" ", "").replace("_", "")

    @property
    def required(self) -> bool:
        return not self.has_default

    @property
    def choices(self) -> list[Any]:
        """The values an ``enum`` schema allows (Dropdown, Radio), else empty."""
        return list(_find_enum(self.schema))

    @property
    def type_name(self) -> str:
        """A short name for the expected type: ``string``, ``integer``, ``list``..."""
        return schema_type_name(self.schema) or self.python_type or "any"


@dataclass(frozen=True)
class Return:
    """One output of an endpoint."""

    label: str
    component: str = ""
    schema: dict[str, Any] = field(default_factory=dict)
    python_type: str = ""


class Endpoint:
    """A callable API route of an app, such as ``/predict``.

    Immutable once made. Made from an app's ``/info`` (:func:`parse_info`), its parameters
    and returns are parsed from the app's description when first read: connecting to an
    app of hundreds of endpoints parses only the few that are used.
    """

    __slots__ = (
        "_parameters",
        "_returns",
        "_spec",
        "api_name",
        "description",
        "fn_index",
        "inputs",
        "outputs",
    )

    api_name: str
    fn_index: int
    description: str
    #: The components the app's event reads and writes, in the app's order, hidden ones
    #: (gr.State, buttons, layout) included; empty when the app's config does not say.
    inputs: tuple[Component, ...]
    outputs: tuple[Component, ...]
    _parameters: tuple[Parameter, ...] | None
    _returns: tuple[Return, ...] | None
    _spec: dict[str, Any] | None

    def __init__(
        self,
        api_name: str,
        fn_index: int,
        parameters: tuple[Parameter, ...] = (),
        returns: tuple[Return, ...] = (),
        description: str = "",
        *,
        inputs: tuple[Component, ...] = (),
        outputs: tuple[Component, ...] = (),
    ) -> None:
        _init = object.__setattr__
        _init(self, "api_name", api_name)
        _init(self, "fn_index", fn_index)
        _init(self, "description", description)
        _init(self, "inputs", tuple(inputs))
        _init(self, "outputs", tuple(outputs))
        _init(self, "_parameters", tuple(parameters))
        _init(self, "_returns", tuple(returns))
        _init(self, "_spec", None)

    @classmethod
    def from_spec(
        cls,
        api_name: str,
        fn_index: int,
        spec: dict[str, Any],
        layout: Layout = ((), ()),
    ) -> Endpoint:
        """An endpoint described by ``spec`` (one entry of ``/info``), parsed when first read;
        ``layout`` is the components its event reads and writes (from ``/config``)."""
        endpoint = cls(
            api_name,
            fn_index,
            description=_text(spec.get("description")),
            inputs=layout[0],
            outputs=layout[1],
        )
        object.__setattr__(endpoint, "_parameters", None)
        object.__setattr__(endpoint, "_returns", None)
        object.__setattr__(endpoint, "_spec", spec)
        return endpoint

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"an Endpoint cannot be changed (tried to set {name!r})")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"an Endpoint cannot be changed (tried to delete {name!r})")

    @property
    def parameters(self) -> tuple[Parameter, ...]:
        params = self._parameters
        if params is None:
            params = _parse_parameters(
                self._spec.get("parameters") if self._spec else None, self._shown_inputs()
            )
            object.__setattr__(self, "_parameters", params)
        return params

    @property
    def returns(self) -> tuple[Return, ...]:
        returns = self._returns
        if returns is None:
            returns = _parse_returns(self._spec.get("returns") if self._spec else None)
            object.__setattr__(self, "_returns", returns)
        return returns

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Endpoint):
            return NotImplemented
        if (self.api_name, self.fn_index, self.description, self.inputs, self.outputs) != (
            other.api_name,
            other.fn_index,
            other.description,
            other.inputs,
            other.outputs,
        ):
            return False
        if self._spec is not None and self._spec == other._spec:
            return True  # the same description parses to the same parameters and returns
        return self.parameters == other.parameters and self.returns == other.returns

    def __hash__(self) -> int:
        return hash((self.api_name, self.fn_index))

    def __repr__(self) -> str:
        return (
            f"Endpoint(api_name={self.api_name!r}, fn_index={self.fn_index!r}, "
            f"parameters={self.parameters!r}, returns={self.returns!r}, "
            f"description={self.description!r})"
        )

    def _shown_inputs(self) -> tuple[Component, ...]:
        return tuple(c for c in self.inputs if not c.skip_api)

    def wire_inputs(self, data: list[Any]) -> list[Any]:
        """The values the app's event takes, from ``data`` (one per parameter): None for each
        input the API hides. A gr.State input is one: the app keeps its value per session,
        so two calls of one session see each other's state, as in the official client."""
        shown = self._shown_inputs()
        if len(shown) == len(self.inputs) or len(shown) != len(data):
            return data
        values = iter(data)
        return [None if c.skip_api else next(values) for c in self.inputs]

    def shown_outputs(self, data: list[Any]) -> list[Any]:
        """The outputs of ``data`` (as the app sent them) that users see: without those of
        hidden components (state, buttons, layout blocks), and an update's value in place
        of the update (``gr.update(value=...)``; None when it only changes properties)."""
        if self.outputs and len(data) == len(self.outputs):
            data = [v for v, c in zip(data, self.outputs, strict=True) if not c.skip_api]
        return [update_value(v) for v in data]

    @property
    def name(self) -> str:
        """The command name: ``api_name`` without its leading slash, or ``fn N`` if unnamed."""
        return self.api_name.lstrip("/") or f"fn {self.fn_index}"

    @property
    def named(self) -> bool:
        """Whether the app gave the endpoint an api_name (3.x apps often did not)."""
        return bool(self.api_name)

    def parameter(self, name: str) -> Parameter | None:
        for p in self.parameters:
            if p.name == name:
                return p
        lowered = name.lower()
        matches = [p for p in self.parameters if p.name.lower() == lowered]
        return matches[0] if len(matches) == 1 else None

    def signature(self) -> str:
        """A one-line summary such as ``prompt, steps=4 -> image``."""
        parts = []
        for p in self.parameters:
            parts.append(f"{p.name}={p.default!r}" if p.has_default else p.name)
        outs = ", ".join(r.label or "output" for r in self.returns)
        return f"{', '.join(parts)} -> {outs or 'nothing'}"


Layout = tuple[tuple[Component, ...], tuple[Component, ...]]
"""The components an event reads and the components it writes, in order."""


def update_value(value: Any) -> Any:
    """What an output means: an update's ``value`` (None if it has none), else the value.

    An event may answer ``gr.update(value=..., interactive=True)``: the app sends it as a
    dict marked ``"__type__": "update"``, whose properties only concern the page.
    """
    if isinstance(value, dict) and "update" in str(value.get("__type__", "")):
        return value.get("value")
    return value


@dataclass(frozen=True)
class AppConfig:
    """What ``/config`` says about an app."""

    version: str
    protocol: str | None
    api_prefix: str
    enable_queue: bool
    max_file_size: int | None
    api_names: dict[str, int]
    #: fn_index of the events the app runs outside its queue (``queue=False``, or no queue).
    unqueued: frozenset[int] = frozenset()
    #: fn_index → the components each event reads and writes.
    layouts: dict[int, Layout] = field(repr=False, compare=False, default_factory=dict)
    #: fn_index of the named events the app keeps off its API page but lets clients call
    #: by name (``api_visibility="undocumented"``, ``show_api=False``).
    undocumented: frozenset[int] = frozenset()
    raw: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)

    @property
    def major(self) -> int:
        match = re.match(r"([0-9]{1,9})(?![0-9])", self.version)
        return int(match.group(1)) if match else 0


# The page's description (every component, the layout): megabytes of Python objects on a
# large app, kept once per session, and nothing an API client reads. The rest of the config
# (the listeners in "dependencies" among it) stays in ``raw``.
_UI_KEYS = frozenset({"components", "layout", "page"})


def parse_config(payload: Any) -> AppConfig:
    """Parse a ``/config`` answer; raise :class:`NotAGradioApp` when it is not one."""
    if not isinstance(payload, dict) or not ("dependencies" in payload or "components" in payload):
        raise NotAGradioApp("the server answered /config, but not with a Gradio app's config")
    prefix = payload.get("api_prefix") or ""
    if not isinstance(prefix, str):
        prefix = ""
    prefix = "/" + prefix.strip("/") if prefix.strip("/") else ""
    api_names: dict[str, int] = {}
    hidden_names: set[str] = set()
    undocumented: set[int] = set()
    unqueued: set[int] = set()
    layouts: dict[int, Layout] = {}
    enable_queue = bool(payload.get("enable_queue", True))
    components, labels = _components(payload.get("components"))
    deps = payload.get("dependencies")
    for position, dep in enumerate(deps if isinstance(deps, list) else []):
        if not isinstance(dep, dict):
            continue
        fn_index = dep.get("id", position)
        if not isinstance(fn_index, int):
            fn_index = position
        name = dep.get("api_name")
        if dep.get("api_visibility") == "private":
            name = None  # not callable by API clients
        if isinstance(name, str) and name:
            # When a hidden event shares its name with a public one (a flagging step
            # beside the prediction), the name means the public one.
            key = "/" + name.lstrip("/")
            hidden = _hidden(dep)
            if hidden:
                undocumented.add(fn_index)
            if key not in api_names or (key in hidden_names and not hidden):
                api_names[key] = fn_index
                if hidden:
                    hidden_names.add(key)
                else:
                    hidden_names.discard(key)
        # Labels name the parameters of events the API page leaves out.
        known = labels if fn_index in undocumented else None
        layouts[fn_index] = (
            _layout(dep.get("inputs"), components, known),
            _layout(dep.get("outputs"), components, known),
        )
        queue = dep.get("queue")
        if queue is False or (queue is None and not enable_queue):
            unqueued.add(fn_index)
    max_size = payload.get("max_file_size")
    version = payload.get("version")
    protocol = payload.get("protocol")
    return AppConfig(
        version=version if isinstance(version, str) else "unknown",
        protocol=protocol if isinstance(protocol, str) else None,
        api_prefix=prefix,
        enable_queue=enable_queue,
        max_file_size=max_size if isinstance(max_size, int) else None,
        api_names=api_names,
        unqueued=frozenset(unqueued),
        layouts=layouts,
        undocumented=frozenset(undocumented),
        raw={k: v for k, v in payload.items() if k not in _UI_KEYS},
    )


def _hidden(dep: dict[str, Any]) -> bool:
    """Whether the app keeps an event out of its API page (private or undocumented)."""
    visibility = dep.get("api_visibility")
    if isinstance(visibility, str):
        return visibility != "public"
    return dep.get("show_api") is False


def _components(raw: Any) -> tuple[dict[int, Component], dict[int, str]]:
    """The components of a ``/config`` by id — their type, whether the API hides them, the
    few properties the shell reads — and their labels."""
    found: dict[int, Component] = {}
    labels: dict[int, str] = {}
    alike: dict[tuple[str, bool, str], Component] = {}
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict) or not isinstance(item.get("id"), int):
            continue
        kind = _text(item.get("type")).lower()
        skip = item.get("skip_api")
        skip = skip if isinstance(skip, bool) else kind in SKIP_TYPES
        props = item.get("props")
        kept = (
            {k: v for k, v in props.items() if k in KEPT_PROPS} if isinstance(props, dict) else {}
        )
        if isinstance(props, dict) and props.get("visible") is False:
            # Shown to the API only, such as the reply of a ChatInterface (Gradio 5 and later).
            kept["visible"] = False
        key = (kind, skip, repr(sorted(kept.items())) if kept else "")
        component = alike.get(key)
        if component is None:
            component = alike[key] = Component(kind, skip, kept)
        found[item["id"]] = component
        if isinstance(props, dict) and isinstance(props.get("label"), str):
            labels[item["id"]] = props["label"]
    return found, labels


def _layout(
    ids: Any, components: dict[int, Component], labels: dict[int, str] | None = None
) -> tuple[Component, ...]:
    """The components of an event's inputs or outputs (with their ``labels`` if given);
    unknown ids are taken as shown."""
    layout = []
    for item in ids if isinstance(ids, list) else []:
        if isinstance(item, int):
            component = components.get(item) or Component("")
            if labels is not None and labels.get(item):
                component = dataclasses.replace(component, label=labels[item])
            layout.append(component)
    return tuple(layout)


def parse_info(payload: Any, config: AppConfig) -> list[Endpoint]:
    """Parse ``/info`` into endpoints, leaving out the ones the app marks private."""
    if not isinstance(payload, dict):
        raise ProtocolError("the app's /info is not a JSON object")
    named = payload.get("named_endpoints")
    if not isinstance(named, dict):
        raise ProtocolError("the app's /info has no named_endpoints")
    endpoints = []
    listed: list[tuple[str, int, dict[str, Any]]] = []
    for api_name, spec in named.items():
        if not isinstance(api_name, str) or not isinstance(spec, dict):
            continue
        api_name = "/" + api_name.lstrip("/")
        fn_index = config.api_names.get(api_name)
        if fn_index is not None:
            listed.append((api_name, fn_index, spec))
    # 3.x lists the events without an api_name by fn_index; they are called as ``fn N``.
    unnamed = payload.get("unnamed_endpoints")
    for key, spec in (unnamed if isinstance(unnamed, dict) else {}).items():
        if isinstance(spec, dict) and str(key).isdigit():
            listed.append(("", int(key), spec))
    for api_name, fn_index, spec in sorted(listed, key=lambda item: item[1]):
        if spec.get("api_visibility", "public") == "private" or spec.get("show_api") is False:
            continue
        layout = config.layouts.get(fn_index, ((), ()))
        endpoints.append(Endpoint.from_spec(api_name, fn_index, spec, layout))
    return endpoints


def undocumented_endpoint(config: AppConfig, name: str) -> Endpoint | None:
    """An event the app leaves off its API page but lets clients call by name, as the
    official client does. Its API description is unknown: the parameters are named after
    the labels of its components, and values go as typed (JSON where they parse)."""
    wanted = "/" + name.lstrip("/")
    fn_index = config.api_names.get(wanted)
    if fn_index is None:
        folded = [k for k in config.api_names if k.lower() == wanted.lower()]
        fn_index = config.api_names[folded[0]] if len(folded) == 1 else None
        wanted = folded[0] if fn_index is not None else wanted
    if fn_index is None or fn_index not in config.undocumented:
        return None
    inputs, outputs = config.layouts.get(fn_index, ((), ()))
    taken: set[str] = set()
    parameters = []
    for position, component in enumerate(c for c in inputs if not c.skip_api):
        label = component.label
        parameters.append(
            Parameter(
                name=_unique(name_from_label(label) or f"param_{position}", taken),
                label=label,
                component=component.type.capitalize(),
                props=component.props,
            )
        )
    returns = [
        Return(label=c.label or f"output {n}", component=c.type.capitalize())
        for n, c in enumerate(c for c in outputs if not c.skip_api)
    ]
    return Endpoint(
        wanted,
        fn_index,
        tuple(parameters),
        tuple(returns),
        "(not on the app's API page)",
        inputs=inputs,
        outputs=outputs,
    )


def _parse_parameters(raw: Any, components: tuple[Component, ...]) -> tuple[Parameter, ...]:
    params: list[Parameter] = []
    taken: set[str] = set()
    items = raw if isinstance(raw, list) else []
    # The parameters are the event's shown inputs, in order, when the counts agree.
    behind = components if len(components) == len(items) else (None,) * len(items)
    for position, (item, component) in enumerate(zip(items, behind, strict=True)):
        if not isinstance(item, dict):
            continue
        label = _text(item.get("label"))
        name = item.get("parameter_name")
        if not isinstance(name, str) or not name:
            name = name_from_label(label) or f"param_{position}"
        name = _unique(name, taken)
        python_type = item.get("python_type")
        schema = item.get("type")
        params.append(
            Parameter(
                name=name,
                label=label,
                component=_text(item.get("component")),
                schema=schema if isinstance(schema, dict) else {},
                python_type=_text(python_type.get("type")) if isinstance(python_type, dict) else "",
                description=_text(python_type.get("description"))
                if isinstance(python_type, dict)
                else "",
                has_default=bool(item.get("parameter_has_default", False)),
                default=item.get("parameter_default"),
                example=item.get("example_input"),
                props=component.props if component is not None else {},
            )
        )
    return tuple(params)


def _parse_returns(raw: Any) -> tuple[Return, ...]:
    returns = []
    for position, item in enumerate(raw if isinstance(raw, list) else []):
        if not isinstance(item, dict):
            continue
        python_type = item.get("python_type")
        schema = item.get("type")
        returns.append(
            Return(
                label=_text(item.get("label")) or f"output {position}",
                component=_text(item.get("component")),
                schema=schema if isinstance(schema, dict) else {},
                python_type=_text(python_type.get("type")) if isinstance(python_type, dict) else "",
            )
        )
    return tuple(returns)


def name_from_label(label: str) -> str:
    """Turn a component label such as ``Duration, in seconds`` into ``duration_in_seconds``."""
    name = re.sub(r"\W+", "_", label.strip().lower()).strip("_")
    if name and name[0].isdigit():
        name = "_" + name
    return name


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate = f"{name}_{n}"
        n += 1
    taken.add(candidate)
    return candidate


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _find_enum(schema: Any) -> list[Any]:
    if not isinstance(schema, dict):
        return []
    enum = schema.get("enum")
    if isinstance(enum, list):
        return enum
    for key in ("anyOf", "oneOf"):
        options = schema.get(key)
        if isinstance(options, list):
            for option in options:
                found = _find_enum(option)
                if found:
                    return found
    return []


def schema_type_name(schema: Any) -> str:
    """A short readable name of a JSON schema's type."""
    if not isinstance(schema, dict):
        return ""
    kind = schema.get("type")
    if isinstance(kind, str):
        if kind == "array":
            inner = schema_type_name(schema.get("items"))
            return f"list[{inner}]" if inner else "list"
        if kind == "object" and _is_filedata(schema):
            return "file"
        return {"object": "dict", "number": "float", "boolean": "bool"}.get(kind, kind)
    if isinstance(kind, list):
        return " | ".join(str(k) for k in kind)
    for key in ("anyOf", "oneOf"):
        options = schema.get(key)
        if isinstance(options, list):
            names = [schema_type_name(o) for o in options]
            return " | ".join(dict.fromkeys(n for n in names if n))
    if "enum" in schema:
        return "choice"
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    return ""


def _is_filedata(schema: dict[str, Any]) -> bool:
    props = schema.get("properties")
    title = schema.get("title")
    return title == "FileData" or (isinstance(props, dict) and "path" in props and "meta" in props)
