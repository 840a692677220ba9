"""Typed views of an app's ``/config`` and ``/info``: endpoints, parameters and returns."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from gradioshell.gradio.errors import NotAGradioApp, ProtocolError

_MISSING: Any = object()


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

    __slots__ = ("_parameters", "_returns", "_spec", "api_name", "description", "fn_index")

    api_name: str
    fn_index: int
    description: str
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
    ) -> None:
        _init = object.__setattr__
        _init(self, "api_name", api_name)
        _init(self, "fn_index", fn_index)
        _init(self, "description", description)
        _init(self, "_parameters", tuple(parameters))
        _init(self, "_returns", tuple(returns))
        _init(self, "_spec", None)

    @classmethod
    def from_spec(cls, api_name: str, fn_index: int, spec: dict[str, Any]) -> Endpoint:
        """An endpoint described by ``spec`` (one entry of ``/info``), parsed when first read."""
        endpoint = cls(api_name, fn_index, description=_text(spec.get("description")))
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
            params = _parse_parameters(self._spec.get("parameters") if self._spec else None)
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
        if (self.api_name, self.fn_index, self.description) != (
            other.api_name,
            other.fn_index,
            other.description,
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
    unqueued: set[int] = set()
    enable_queue = bool(payload.get("enable_queue", True))
    deps = payload.get("dependencies")
    for position, dep in enumerate(deps if isinstance(deps, list) else []):
        if not isinstance(dep, dict):
            continue
        fn_index = dep.get("id", position)
        if not isinstance(fn_index, int):
            fn_index = position
        name = dep.get("api_name")
        if isinstance(name, str) and name:
            api_names["/" + name.lstrip("/")] = fn_index
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
        raw={k: v for k, v in payload.items() if k not in _UI_KEYS},
    )


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
        endpoints.append(Endpoint.from_spec(api_name, fn_index, spec))
    return endpoints


def _parse_parameters(raw: Any) -> tuple[Parameter, ...]:
    params: list[Parameter] = []
    taken: set[str] = set()
    for position, item in enumerate(raw if isinstance(raw, list) else []):
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
