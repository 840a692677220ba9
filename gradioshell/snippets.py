"""A call written as code the user can run elsewhere: Python with ``gradio_client``,
JavaScript with ``@gradio/client``, ``curl`` against the app's ``/call`` routes, and the
gradioshell one-liner (``code`` shows them).

Each form is built from the values the call sent, bound to the endpoint's parameters
(before any upload): a file the user named becomes the handle of each language
(``handle_file(...)``), a file of an earlier result its URL. Nothing here talks to the app.
"""

from __future__ import annotations

import json
import os
import secrets
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gradioshell.gradio.values import FileInput
from gradioshell.parser import NAME_WORD, quote
from gradioshell.targets import endpoint_word
from gradioshell.text import safe_line

if TYPE_CHECKING:
    from gradioshell.gradio import Endpoint
    from gradioshell.sessions import Session

#: The forms, in the order ``code`` shows them without an option.
FORMS = ("python", "js", "curl", "shell")

#: The release that added the ``/call/<api_name>`` routes.
CALL_ROUTES_SINCE = (4, 20)


@dataclass(frozen=True)
class Snippet:
    form: str
    #: The language name for highlighting: python, javascript, bash.
    language: str
    code: str


@dataclass(frozen=True)
class File:
    """A file among the values: a local path (absolute), or a URL."""

    where: str

    @property
    def is_url(self) -> bool:
        return self.where.startswith(("http://", "https://"))


def snippets(
    session: Session, endpoint: Endpoint, values: list[Any], forms: tuple[str, ...] = FORMS
) -> list[Snippet]:
    """The call of ``endpoint`` with ``values`` (one per parameter) in each of ``forms``."""
    plain = [_files(value) for value in values]
    made = {"python": python, "js": javascript, "curl": curl, "shell": shell}
    return [made[form](session, endpoint, plain) for form in forms]


def _files(value: Any) -> Any:
    """``value`` with each :class:`FileInput` replaced by :class:`File` (lists for many)."""
    if isinstance(value, FileInput):
        items = value.value if isinstance(value.value, list) else [value.value]
        found: list[File] = []
        for item in items:
            found.extend(_file_items(item))
        return found if value.many else (found[0] if found else None)
    if isinstance(value, list):
        return [_files(v) for v in value]
    if isinstance(value, dict):
        return {k: _files(v) for k, v in value.items()}
    return value


def _file_items(item: Any) -> list[File]:
    if isinstance(item, dict):
        where = item.get("url") or item.get("path")
        return [File(str(where))] if where else []
    text = str(item)
    if text.startswith(("http://", "https://")):
        return [File(text)]
    import glob

    path = os.path.abspath(os.path.expanduser(text))
    matches = sorted(glob.glob(path)) if glob.has_magic(path) else [path]
    return [File(m) for m in matches]


def _route(endpoint: Endpoint) -> str:
    return "/" + endpoint.api_name.lstrip("/") if endpoint.api_name else ""


def _source(session: Session) -> str:
    """What a client connects to: the Space id when the session is a Space, else the URL."""
    from gradioshell.hub import space_id_of

    return session.target if space_id_of(session.target) is not None else session.url


# -- Python --------------------------------------------------------------------------------


def python(session: Session, endpoint: Endpoint, values: list[Any]) -> Snippet:
    uses_files = _has_file(values)
    lines = [
        "from gradio_client import Client" + (", handle_file" if uses_files else ""),
        "",
    ]
    client_args = [repr(_source(session))]
    user = session.app.user
    if user:
        lines.insert(0, "import os")
        client_args.append(f'auth=({user!r}, os.environ["GRADIOSHELL_PASSWORD"])')
    lines.append(f"client = Client({', '.join(client_args)})")
    lines.append("result = client.predict(")
    for param, value in zip(endpoint.parameters, values, strict=False):
        lines.append(f"    {_py(value)},  # {safe_line(param.name)}")
    route = _route(endpoint)
    lines.append(f"    api_name={route!r}," if route else f"    fn_index={endpoint.fn_index},")
    lines.append(")")
    lines.append("print(result)")
    return Snippet("python", "python", "\n".join(lines))


def _literal(value: Any, text: Callable[[str], str], scalar: Callable[[Any], str]) -> str:
    """``value`` written in a language's literals: ``text`` writes a string (a file's path,
    a key), ``scalar`` any other value; files become ``handle_file(...)`` in both clients."""
    if isinstance(value, File):
        return f"handle_file({text(value.where)})"
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v, text, scalar) for v in value) + "]"
    if isinstance(value, dict):
        items = (f"{text(k)}: {_literal(v, text, scalar)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    return scalar(value)


def _py(value: Any) -> str:
    return _literal(value, repr, repr)


def _has_file(value: Any) -> bool:
    if isinstance(value, File):
        return True
    if isinstance(value, list):
        return any(_has_file(v) for v in value)
    if isinstance(value, dict):
        return any(_has_file(v) for v in value.values())
    return False


# -- JavaScript ----------------------------------------------------------------------------


def javascript(session: Session, endpoint: Endpoint, values: list[Any]) -> Snippet:
    uses_files = _has_file(values)
    lines = [
        "import { Client" + (", handle_file" if uses_files else "") + ' } from "@gradio/client";',
        "",
    ]
    options = ""
    if session.app.user:
        options = (
            f", {{ auth: [{json.dumps(session.app.user)}, process.env.GRADIOSHELL_PASSWORD] }}"
        )
    lines.append(f"const client = await Client.connect({json.dumps(_source(session))}{options});")
    route = _route(endpoint)
    where = json.dumps(route) if route else str(endpoint.fn_index)
    lines.append(f"const result = await client.predict({where}, [")
    for param, value in zip(endpoint.parameters, values, strict=False):
        lines.append(f"  {_js(value)},  // {safe_line(param.name)}")
    lines.append("]);")
    lines.append("console.log(result.data);")
    return Snippet("js", "javascript", "\n".join(lines))


def _js(value: Any) -> str:
    return _literal(value, json.dumps, lambda v: json.dumps(v, ensure_ascii=False))


# -- curl ----------------------------------------------------------------------------------


def curl(session: Session, endpoint: Endpoint, values: list[Any]) -> Snippet:
    app = session.app
    route = _route(endpoint)
    version = _version(app.version)
    if not route or (version is not None and version < CALL_ROUTES_SINCE):
        why = "this endpoint has no name" if not route else f"Gradio {app.version}"
        code = (
            f"# No REST call route for this call ({why}): the /call routes came with "
            "Gradio 4.20 for named endpoints.\n# Use the Python or JavaScript form."
        )
        return Snippet("curl", "bash", code)
    base = session.url.rstrip("/") + (app.config.api_prefix if app.config else "")
    lines: list[str] = []
    uploads: dict[str, str] = {}
    marks: dict[str, str] = {}  # where each uploaded path goes in the body, until it is known

    def upload_of(file: File) -> str:
        if file.where not in uploads:
            name = f"FILE{len(uploads) + 1}"
            uploads[file.where] = name
            marks[name] = f"@@{secrets.token_hex(8)}@@"
            lines.append(
                f"{name}=$(curl -s -F files=@{shlex.quote(file.where)} "
                f"{shlex.quote(base + '/upload')} "
                "| awk -F'\"' '{print $2}')"
            )
        return uploads[file.where]

    def as_json(value: Any) -> Any:
        if isinstance(value, File):
            path = value.where if value.is_url else marks[upload_of(value)]
            return {"path": path, "meta": {"_type": "gradio.FileData"}}
        if isinstance(value, list):
            return [as_json(v) for v in value]
        if isinstance(value, dict):
            return {k: as_json(v) for k, v in value.items()}
        return value

    body = json.dumps({"data": [as_json(v) for v in values]}, ensure_ascii=False)
    if uploads:
        # The uploaded paths go into the body: a double-quoted shell string.
        escaped = body
        for special in ("\\", '"', "`", "$"):  # nothing of a value is run by the shell
            escaped = escaped.replace(special, "\\" + special)
        for name, mark in marks.items():
            escaped = escaped.replace(mark, f"${{{name}}}")
        data = f'"{escaped}"'
    else:
        data = shlex.quote(body)
    url = f"{base}/call{route}"  # the app names the route: quoted wherever it goes
    auth = ""
    if app.user:
        lines.insert(
            0, "# The app needs a login: log in with POST /login first and pass the cookie."
        )
    lines.append(
        f"EVENT_ID=$(curl -s -X POST {shlex.quote(url)}{auth} "
        "-H 'Content-Type: application/json' \\\n"
        f"  -d {data} | awk -F'\"' '{{print $4}}')"
    )
    lines.append(f'curl -sN {shlex.quote(url)}/"$EVENT_ID"')
    return Snippet("curl", "bash", "\n".join(lines))


def _version(text: str | None) -> tuple[int, int] | None:
    try:
        major, minor = (text or "").split(".")[:2]
        return int(major), int(minor)
    except ValueError:
        return None


# -- the gradioshell one-liner -------------------------------------------------------------


def statement(endpoint: Endpoint, values: list[Any], session: Session | None = None) -> str:
    """The call as a gradioshell statement (``echo text=hi n=2``), every value named."""
    words = [f"@{session.name} " if session is not None else ""]
    route = _route(endpoint)
    head = endpoint_word(route[1:]) if route else f"fn {endpoint.fn_index}"
    parts = [head]
    positional = False
    for param, value in zip(endpoint.parameters, values, strict=False):
        word = _word(value)
        if not positional and NAME_WORD.fullmatch(param.name):
            parts.append(f"{param.name}={word}")
        else:
            positional = True  # a name that cannot be written: every value by position
            parts.append(word)
    if positional:
        parts = [head] + [_word(v) for v in values]
    return words[0] + " ".join(parts)


def _word(value: Any) -> str:
    if value is None:
        return "$null"
    if isinstance(value, File):
        return quote(value.where)
    if isinstance(value, str):
        return quote(value)
    return json.dumps(_plain(value), ensure_ascii=False)


def _plain(value: Any) -> Any:
    if isinstance(value, File):
        return value.where
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def shell(session: Session, endpoint: Endpoint, values: list[Any]) -> Snippet:
    line = statement(endpoint, values)
    code = f"gradioshell {shlex.quote(_source(session))} -c {shlex.quote(line)}"
    if session.app.user:
        code = f"# logs in as {session.app.user}: the password from GRADIOSHELL_PASSWORD\n" + code
    return Snippet("shell", "bash", code)
