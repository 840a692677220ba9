"""How values are written on the command line: a hint per parameter, a ready-to-type example
call, and an endpoint's description as a JSON record. Plain text, shared by ``help`` at the
prompt (drawn by :mod:`gradioshell.render`), in scripts and under ``--json``."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from gradioshell.gradio.files import file_kind, find_files, is_file_parameter
from gradioshell.text import safe

if TYPE_CHECKING:
    from gradioshell.gradio import Endpoint, Parameter
    from gradioshell.sessions import Session

__all__ = ["endpoint_record", "example_call", "how_to_write", "safe"]


def how_to_write(p: Parameter) -> str:
    """How to give a parameter its value on the command line, for values that are not
    plain text or numbers."""
    name = safe(p.name)
    kind = file_kind(p)
    if kind == "file":
        return f"{name}=PATH or a URL, or an earlier result such as $_"
    if kind == "files":
        return f'{name}="*.png" (a glob), or a JSON list of paths'
    hints = {
        "multimodaltextbox": f"{name}=TEXT {name}.files=PATH (a glob or a JSON list for several)",
        "chatbot": (
            f'{name}=\'[{{"role": "user", "content": "hi"}}]\' or \'[["hi", "hello"]]\', '
            "or an earlier result such as $_"
        ),
        "gallery": f'{name}="*.png" (a glob), or a JSON list of paths',
        "imageeditor": f"{name}=PATH (the image to edit)",
        "imageslider": f'{name}=\'["before.png", "after.png"]\'',
        "annotatedimage": f"{name}=PATH, or JSON",
        "dataframe": f"{name}=table.csv (CSV or TSV), or JSON rows such as [[1, 2], [3, 4]]",
        "checkboxgroup": f"{name}=a,b or a JSON list",
        "json": f"{name}=JSON",
        "label": f"{name}=TEXT or JSON",
        "highlightedtext": f'{name}=TEXT or JSON pairs such as [["hello", "greeting"]]',
    }
    how = hints.get(p.kind, "")
    if not how and p.kind == "dropdown" and p.schema.get("type") == "array":
        how = f"{name}=a,b or a JSON list"
    minimum, maximum = p.props.get("minimum"), p.props.get("maximum")
    if not how and isinstance(minimum, (int, float)) and isinstance(maximum, (int, float)):
        how = f"{name}=N, from {minimum:g} to {maximum:g}"
    return how


def endpoint_record(session: Session, endpoint: Endpoint) -> dict[str, Any]:
    """``help ENDPOINT`` as JSON: what ``--json`` writes."""
    return {
        "event": "help",
        "session": session.name,
        "endpoint": endpoint.api_name or endpoint.name,
        "description": endpoint.description,
        "parameters": [
            {
                "name": p.name,
                "label": p.label,
                "component": p.component,
                "type": p.type_name,
                "required": p.required,
                "default": p.default,
                "choices": p.choices,
                "example": p.example,
                "write": how_to_write(p) or None,
                "description": p.description,
            }
            for p in endpoint.parameters
        ],
        "returns": [
            {"label": r.label, "component": r.component, "type": r.python_type}
            for r in endpoint.returns
        ],
        "example": example_call(endpoint),
    }


def example_call(endpoint: Endpoint) -> str:
    """A call to type as it is: required values from examples, then non-empty defaults."""
    from gradioshell.parser import quote

    words = [endpoint.name]
    for p in endpoint.parameters:
        value = p.example if p.required and p.example is not None else p.default
        if is_file_parameter(p):
            # A file is given as a path or URL: show the example's URL, not its FileData.
            found = [f.get("url") or f["path"] for f in find_files(value)]
            value = found[0] if found else ("FILE" if p.required else None)
        elif p.kind == "multimodaltextbox" and isinstance(value, dict):
            # A message is its text, and its files as NAME.files=...
            text = value.get("text")
            if text or p.required:
                words.append(f"{p.name}={quote(str(text or ''))}")
            found = [f.get("url") or f["path"] for f in find_files(value.get("files"))]
            if found:
                words.append(f"{p.name}.files={quote(found[0])}")
            continue
        if p.required or value is not None:
            value = files_as_names(value)
            shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            words.append(f"{p.name}={quote(shown)}")
    return " ".join(words)


def files_as_names(value: Any) -> Any:
    """``value`` with each FileData written as its URL or path, as the user writes a file."""
    from gradioshell.gradio.files import map_files

    return map_files(value, lambda f: f.get("url") or f["path"])
