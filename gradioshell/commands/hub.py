"""Hugging Face Hub commands: tokens, whoami, searching the Hub, Spaces, connecting to Spaces."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from gradioshell.errors import ShellError, UsageError
from gradioshell.registry import Arg, Args, Grammar, Opt, Sub, command
from gradioshell.results import Note
from gradioshell.text import json_text, safe

if TYPE_CHECKING:
    from gradioshell.hub import HubClient, Token
    from gradioshell.state import State

KINDS = {"models": "model", "spaces": "space", "datasets": "dataset"}
SORTS = {
    "downloads": "downloads",
    "likes": "likes",
    "trending": "trendingScore",
    "created": "createdAt",
    "modified": "lastModified",
}
EXPAND = {
    "models": ("downloads", "likes", "pipeline_tag", "lastModified"),
    "spaces": ("likes", "sdk", "lastModified"),
    "datasets": ("downloads", "likes", "lastModified"),
}


def hub_client(shell: State, token: Token | None = None) -> HubClient:
    from gradioshell.connecting import hub_client as client

    return client(shell, token)


# -- tokens --------------------------------------------------------------------------------

TOKEN_SET_USAGE = (
    "usage: token set [--save] (it asks for the token, so that it stays out of history)"
)


@command(
    "token",
    "Show, set or clear the Hugging Face token",
    Grammar(
        subcommands=(
            Sub(
                "set",
                Grammar(
                    args=(Arg("value", optional=True, many=True, hidden=True),),
                    options=(Opt("--save", help="also write it to the token file"),),
                ),
            ),
            Sub("clear"),
        )
    ),
    details=(
        "token: where the current token comes from, and its first and last characters.\n"
        "token set: asks for a token (hidden), checks it with the Hub and uses it for this run;\n"
        "  --save also writes it to the token file (readable by you only).\n"
        "token clear: stops using a token for this run and removes the saved token file.\n"
        "Tokens are found like huggingface_hub does: HF_TOKEN, HUGGING_FACE_HUB_TOKEN,\n"
        "HF_TOKEN_PATH, $HF_HOME/token, ~/.cache/huggingface/token. The token is sent only to\n"
        "the Hub and to Spaces reached through it (or to a URL given 'connect URL --token')."
    ),
)
async def token_(shell: State, args: Args) -> None:
    if args.sub == "set":
        if args.value:
            raise UsageError(TOKEN_SET_USAGE)
        await _set_token(shell, save=args.save)
    elif args.sub == "clear":
        _clear_token(shell)
    else:
        _show_token(shell)


def _show_token(shell: State) -> None:
    token = shell.tokens.current()
    if token is None:
        shell.output.info("no Hugging Face token (set one with 'token set', or HF_TOKEN)")
        shell.output.record({"event": "token", "token": None})
        return
    text = f"{token.masked()} (from {token.source})"
    record = {"event": "token", "token": token.masked(), "source": token.source}
    shell.output.emit(Note(body=text, record=record))


async def _set_token(shell: State, *, save: bool) -> None:
    from gradioshell.hub import Token, save_token

    if not shell.interactive:
        raise ShellError(
            "token set asks for the token at the prompt; in scripts use HF_TOKEN or a token file"
        )
    value = await shell.output.ask("Hugging Face token: ", secret=True)
    if value is None:
        shell.output.info("cancelled")
        return
    value = value.strip()
    if not value:
        raise ShellError("no token entered")
    token = Token(value, "'token set'")
    async with hub_client(shell, token) as hub:
        me = await hub.whoami()
    if save:
        path = save_token(value, shell.tokens.env)
        token = Token(value, f"'token set --save' (saved to {path})")
    shell.tokens.set(token)
    shell.output.info(f"token accepted: logged in as {safe(str(me.get('name', '?')))}")


def _clear_token(shell: State) -> None:
    from gradioshell.hub import token_path

    path = token_path(shell.tokens.env)
    removed = False
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
        removed = True
    shell.tokens.clear()
    message = "no token will be used for the rest of this run"
    if removed:
        message += f"; removed {path}"
    shell.output.info(message)


@command("whoami", "Show the Hugging Face account of the current token")
async def whoami(shell: State, args: Args) -> None:
    async with hub_client(shell) as hub:
        me = await hub.whoami()
    orgs = [str(o.get("name")) for o in me.get("orgs", []) if isinstance(o, dict)]
    auth = me.get("auth") if isinstance(me.get("auth"), dict) else {}
    access = auth.get("accessToken") if isinstance(auth, dict) else None
    role = access.get("role") if isinstance(access, dict) else None
    record = {"event": "whoami", "name": me.get("name"), "orgs": orgs, "role": role}
    text = str(me.get("name", "?"))
    if me.get("fullname"):
        text += f" ({me['fullname']})"
    text += f"\norgs: {', '.join(orgs) if orgs else '-'}"
    text += f"\ntoken role: {role if role else 'unknown'}"
    shell.output.emit(Note(body=text, record=record))


# -- searching the Hub ---------------------------------------------------------------------

LIST_OPTIONS = (
    Opt("--search", "S"),
    Opt("--author", "A"),
    Opt("--filter", "F", many=True),
    Opt("--sort", "downloads|likes|trending|created|modified"),
    Opt("--limit", "N"),
    Opt("--json", help="the Hub's answer as JSON"),
)


@command(
    "hub",
    "Search and inspect the Hugging Face Hub",
    Grammar(
        subcommands=(
            *(Sub(kind, Grammar(options=LIST_OPTIONS)) for kind in KINDS),
            Sub("space", Grammar(args=(Arg("id", "ID", kind="space"),))),
            Sub("model", Grammar(args=(Arg("id", "ID"),))),
            Sub("get", Grammar(args=(Arg("path", "PATH"),), pairs=True)),
        ),
        bare=False,
    ),
    details=(
        "hub models|spaces|datasets: search the Hub, most downloaded first with --sort.\n"
        "hub space ID, hub model ID: the details of one repo.\n"
        "hub get PATH [key=value ...]: any Hub API path (e.g. hub get models/gpt2), raw JSON."
    ),
)
async def hub(shell: State, args: Args) -> None:
    if args.sub in KINDS:
        await _list(shell, args.sub, args)
    elif args.sub == "space":
        await _space_details(shell, args.id)
    elif args.sub == "model":
        await _model_details(shell, args.id)
    else:
        await _get(shell, args.path, args.pairs)


def _list_params(kind: str, args: Args) -> tuple[list[tuple[str, str]], int]:
    params: list[tuple[str, str]] = []
    for key in ("search", "author"):
        if getattr(args, key) is not None:
            params.append((key, getattr(args, key)))
    params += [("filter", value) for value in args.filter]
    limit = 20
    if args.limit is not None:
        try:
            limit = int(args.limit)
        except ValueError:
            raise UsageError(f"--limit must be a number, not {args.limit!r}") from None
        if limit < 1:
            raise UsageError("--limit must be at least 1")
    if args.sort is not None:
        if args.sort not in SORTS:
            raise UsageError(f"--sort must be one of {', '.join(SORTS)}")
        params.append(("sort", SORTS[args.sort]))  # the Hub always sorts descending
    params.append(("limit", str(min(limit, 1000))))
    params += [("expand", prop) for prop in EXPAND[kind]]
    return params, limit


async def _list(shell: State, kind: str, args: Args) -> None:
    from gradioshell.reports import Cell, Column, JsonValue, Table

    params, limit = _list_params(kind, args)
    async with hub_client(shell) as hub:
        items = [item async for item in hub.pages(f"/api/{kind}", params, limit)]
    record = {"event": "hub", "kind": kind, "items": items}
    if args.json:
        shell.output.emit(JsonValue(value=items, record=record, plain=json_text(items, indent=2)))
        return
    columns = [Column("id", style="bold cyan", key=True)]
    if kind != "spaces":
        columns.append(Column("downloads", wrap=False, align="right"))
    columns.append(Column("likes", wrap=False, align="right"))
    if kind != "datasets":
        columns.append(Column("pipeline" if kind == "models" else "sdk"))
    columns.append(Column("modified", wrap=False))
    rows: list[list[str | Cell]] = []
    for item in items:
        row: list[str | Cell] = [str(item.get("id", "?"))]
        if kind != "spaces":
            row.append(_count(item.get("downloads")))
        row.append(_count(item.get("likes")))
        if kind != "datasets":
            row.append(str(item.get("pipeline_tag" if kind == "models" else "sdk") or ""))
        row.append(str(item.get("lastModified") or item.get("createdAt") or "")[:10])
        rows.append(row)
    title = f"{len(items)} {kind}" if items else f"no {kind} found"
    shell.output.emit(Table(columns=columns, rows=rows, title=title, record=record, boxed=True))


def _count(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else ""


async def _space_details(shell: State, space_id: str) -> None:
    from gradioshell.reports import Details

    async with hub_client(shell) as hub:
        space = await hub.space(space_id)
    rows = [
        ("sdk", " ".join(x for x in (space.sdk, space.sdk_version) if x) or "?"),
        ("stage", space.stage),
        ("hardware", space.hardware or "?"),
        ("host", space.host),
        ("private", "yes" if space.private else "no"),
        ("likes", _count(space.likes)),
        ("models", ", ".join(space.models) or "-"),
    ]
    if space.error_message:
        rows.append(("error", space.error_message))
    shell.output.emit(
        Details(title=space.id, rows=rows, record={"event": "hub", "space": space.raw})
    )


async def _model_details(shell: State, model_id: str) -> None:
    from gradioshell.hub import HubError
    from gradioshell.reports import Details

    async with hub_client(shell) as hub:
        data = await hub.get_json(f"/api/models/{model_id}", what=f"the model {model_id}")
    if not isinstance(data, dict):
        raise HubError(f"the Hub's answer for the model {model_id} is not a JSON object")
    tags = data.get("tags")
    tags = tags if isinstance(tags, list) else []
    rows = [
        ("pipeline", str(data.get("pipeline_tag") or "-")),
        ("library", str(data.get("library_name") or "-")),
        ("downloads", _count(data.get("downloads"))),
        ("likes", _count(data.get("likes"))),
        ("private", "yes" if data.get("private") else "no"),
        ("gated", str(data.get("gated") or "no")),
        ("modified", str(data.get("lastModified") or "-")),
        ("tags", ", ".join(map(str, tags[:12])) or "-"),
    ]
    name = str(data.get("id") or model_id)
    shell.output.emit(Details(title=name, rows=rows, record={"event": "hub", "model": data}))


async def _get(shell: State, path: str, pairs: dict[str, str]) -> None:
    from gradioshell.hub import origin
    from gradioshell.reports import JsonValue

    async with hub_client(shell) as hub:
        url = hub.url(path)
        if origin(url) != origin(hub.endpoint):
            raise UsageError(f"hub get: {safe(path)} is not on the Hub ({hub.endpoint})")
        data = await hub.get_json(url, params=list(pairs.items()))
    record = {"event": "hub", "path": path, "data": data}
    shell.output.emit(JsonValue(value=data, record=record, plain=json_text(data, indent=2)))
