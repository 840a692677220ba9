"""Hugging Face Hub commands: tokens, whoami, searching the Hub, Spaces, connecting to Spaces."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rich.text import Text

from gradioshell.commands.registry import command, plain_words, positional
from gradioshell.errors import ShellError, UsageError
from gradioshell.gradio import normalize_url
from gradioshell.hub import (
    ASLEEP_STAGES,
    ERROR_STAGES,
    RUNNING_STAGES,
    STARTING_STAGES,
    HubClient,
    HubError,
    RequestHook,
    SpaceInfo,
    SpaceUnavailable,
    Token,
    TokenHeaders,
    origin,
    save_token,
    space_id_of,
    stage_error,
    token_path,
)
from gradioshell.text import json_text, safe, safe_text

if TYPE_CHECKING:
    from gradioshell.parser import Statement, Word
    from gradioshell.shell import Shell

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
CONNECT_OPTIONS = ("--token", "--token-from-hub")


def hub_client(shell: Shell, token: Token | None = None) -> HubClient:
    """A Hub client with ``token``, else the current one."""
    from gradioshell.network import tls_verify

    settings = shell.settings
    return HubClient(
        token=token or shell.tokens.current(),
        verify=tls_verify(settings),
        deadline=settings.timeouts.request,
        limits=settings.limits,
    )


# -- connecting to Spaces ------------------------------------------------------------------


@dataclass
class ConnectTarget:
    """Where ``connect`` goes: the URL, what sends the token there, and the session's aliases."""

    url: str
    on_request: RequestHook | None = None
    aliases: list[str] = field(default_factory=list)


async def resolve_connect(shell: Shell, target: str, *, send_token: bool = False) -> ConnectTarget:
    """A plain URL as it is (the token only when asked); a Space id through the Hub."""
    space_id = space_id_of(target)
    if space_id is None and not send_token:
        return ConnectTarget(normalize_url(target))  # no token goes there: none is looked up
    token = shell.tokens.current()
    if space_id is None:
        if token is None:
            raise ShellError("--token: there is no Hugging Face token to send (see 'token set')")
        url = normalize_url(target)
        return ConnectTarget(url, TokenHeaders(token, [url]))
    async with hub_client(shell, token) as hub:
        space = await hub.space(space_id)
        if space.sdk and space.sdk.lower() != "gradio":
            raise SpaceUnavailable(
                f"the Space {space.id} is a {space.sdk} app, not a Gradio app: "
                "only Gradio Spaces can be connected to"
            )
        await _bring_up(shell, hub, space)
    aliases = [space.id] + ([space_id] if space_id.lower() != space.id.lower() else [])
    hook = TokenHeaders(token, [space.host]) if token is not None else None
    return ConnectTarget(space.host, hook, aliases)


async def _bring_up(shell: Shell, hub: HubClient, space: SpaceInfo) -> None:
    """Wait for a starting Space, wake a sleeping one; explain one that cannot run."""
    stage = space.stage
    if stage in RUNNING_STAGES:
        return
    if stage in ERROR_STAGES:
        raise stage_error(space.id, stage, space.error_message)
    if stage == "PAUSED":
        raise await _paused(hub, space)
    if stage in ASLEEP_STAGES:
        shell.output.info(f"the Space {space.id} is {stage.lower()}: waking it up…")
        await hub.wake(space)
    elif stage not in STARTING_STAGES:
        shell.output.info(f"the Space {space.id} is in stage {safe(stage)}; trying anyway")
        return
    await _wait(shell, hub, space.id)


async def _paused(hub: HubClient, space: SpaceInfo) -> SpaceUnavailable:
    message = f"the Space {space.id} is paused: only its owner can restart it"
    owner = space.author or space.id.split("/")[0]
    if hub.token is not None:
        try:
            me = await hub.whoami()
        except HubError:
            me = {}
        names = {me.get("name")} | {
            org.get("name") for org in me.get("orgs", []) if isinstance(org, dict)
        }
        if owner in names:
            message += f"; you own it: run 'space restart {space.id}'"
    return SpaceUnavailable(message, "PAUSED")


async def _wait(shell: Shell, hub: HubClient, space_id: str) -> str:
    with _stage_display(shell, space_id) as on_stage:
        return await hub.wait_running(
            space_id, timeout=shell.settings.space_wait_timeout, on_stage=on_stage
        )


@contextlib.contextmanager
def _stage_display(shell: Shell, space_id: str) -> Iterator[Callable[[str], None]]:
    """A spinner with the stage at the prompt; a line per stage change in scripts."""
    console = getattr(shell.output, "console", None)
    if shell.interactive and console is not None and not shell.output.json:
        with console.status(safe_text(f"waiting for {space_id}…")) as status:

            def show(stage: str) -> None:
                status.update(safe_text(f"waiting for {space_id}: {stage} (Ctrl-C stops waiting)"))

            yield show
        return

    def report(stage: str) -> None:
        shell.output.info(f"{space_id}: {stage}")

    yield report


def connect_options(statement: Statement) -> tuple[list[str], bool]:
    """The positional words of ``connect`` and whether the token was asked for."""
    words: list[str] = []
    send_token = False
    for word in statement.args:
        if not word.quoted and word.name is None and word.value in CONNECT_OPTIONS:
            send_token = True
        else:
            words.append(word.value)
    return words, send_token


# -- tokens --------------------------------------------------------------------------------


@command(
    "token",
    "Show, set or clear the Hugging Face token",
    "token [set [--save] | clear]",
    details=(
        "token: where the current token comes from, and its first and last characters.\n"
        "token set: asks for a token (hidden), checks it with the Hub and uses it for this run;\n"
        "  --save also writes it to the token file (readable by you only).\n"
        "token clear: stops using a token for this run and removes the saved token file.\n"
        "Tokens are found like huggingface_hub does: HF_TOKEN, HUGGING_FACE_HUB_TOKEN,\n"
        "HF_TOKEN_PATH, $HF_HOME/token, ~/.cache/huggingface/token. The token is sent only to\n"
        "the Hub and to Spaces reached through it (or to a URL given 'connect URL --token')."
    ),
    options=("set", "clear", "--save"),
)
async def token_(shell: Shell, statement: Statement) -> None:
    args = positional(statement)
    if not args:
        _show_token(shell)
    elif args[0] == "set" and set(args[1:]) <= {"--save"}:
        await _set_token(shell, save="--save" in args[1:])
    elif args == ["clear"]:
        _clear_token(shell)
    elif args[0] == "set":
        raise UsageError(
            "usage: token set [--save] (it asks for the token, so that it stays out of history)"
        )
    else:
        raise UsageError("usage: token [set [--save] | clear]")


def _show_token(shell: Shell) -> None:
    token = shell.tokens.current()
    if token is None:
        shell.output.info("no Hugging Face token (set one with 'token set', or HF_TOKEN)")
        shell.output.show(Text(""), {"event": "token", "token": None})
        return
    shell.output.show(
        Text(f"{token.masked()} (from {token.source})"),
        {"event": "token", "token": token.masked(), "source": token.source},
    )


async def _set_token(shell: Shell, *, save: bool) -> None:
    if not shell.interactive:
        raise ShellError(
            "token set asks for the token at the prompt; in scripts use HF_TOKEN or a token file"
        )
    from prompt_toolkit import PromptSession

    try:
        value = await PromptSession[str]().prompt_async("Hugging Face token: ", is_password=True)
    except (KeyboardInterrupt, EOFError):
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


def _clear_token(shell: Shell) -> None:
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


@command("whoami", "Show the Hugging Face account of the current token", "whoami")
async def whoami(shell: Shell, statement: Statement) -> None:
    if positional(statement):
        raise UsageError("usage: whoami")
    async with hub_client(shell) as hub:
        me = await hub.whoami()
    orgs = [str(o.get("name")) for o in me.get("orgs", []) if isinstance(o, dict)]
    auth = me.get("auth") if isinstance(me.get("auth"), dict) else {}
    access = auth.get("accessToken") if isinstance(auth, dict) else None
    role = access.get("role") if isinstance(access, dict) else None
    record = {"event": "whoami", "name": me.get("name"), "orgs": orgs, "role": role}
    text = Text(safe(str(me.get("name", "?"))), style="bold")
    if me.get("fullname"):
        text.append(f" ({safe(str(me['fullname']))})")
    text.append(f"\norgs: {safe(', '.join(orgs)) if orgs else '-'}")
    text.append(f"\ntoken role: {safe(str(role)) if role else 'unknown'}")
    shell.output.show(text, record)


# -- searching the Hub ---------------------------------------------------------------------


@command(
    "hub",
    "Search and inspect the Hugging Face Hub",
    "hub models|spaces|datasets [OPTIONS] | hub space ID | hub model ID | hub get PATH [k=v...]",
    details=(
        "hub models|spaces|datasets [--search S] [--author A] [--filter F]... "
        "[--sort downloads|likes|trending|created|modified] [--limit N] [--json]\n"
        "hub space ID, hub model ID: the details of one repo.\n"
        "hub get PATH [key=value ...]: any Hub API path (e.g. hub get models/gpt2), raw JSON."
    ),
    options=(
        "models",
        "spaces",
        "datasets",
        "space",
        "model",
        "get",
        "--search",
        "--author",
        "--filter",
        "--sort",
        "--limit",
        "--json",
    ),
)
async def hub(shell: Shell, statement: Statement) -> None:
    words = statement.args
    if not words:
        raise UsageError(f"usage: {statement.command} models|spaces|datasets|space|model|get ...")
    sub = words[0].value
    if sub in KINDS:
        await _list(shell, sub, words[1:])
    elif sub in ("space", "model"):
        rest = plain_words(words[1:], f"hub {sub}", f"hub {sub} ID")
        if len(rest) != 1:
            raise UsageError(f"usage: hub {sub} ID")
        await (_space_details if sub == "space" else _model_details)(shell, rest[0])
    elif sub == "get":
        await _get(shell, words[1:])
    else:
        raise UsageError("usage: hub models|spaces|datasets|space|model|get ...")


def _list_options(kind: str, words: list[Word]) -> tuple[list[tuple[str, str]], int, bool]:
    usage = (
        f"usage: hub {kind} [--search S] [--author A] [--filter F]... "
        "[--sort downloads|likes|trending|created|modified] [--limit N] [--json]"
    )
    params: list[tuple[str, str]] = []
    limit = 20
    as_json = False
    i = 0
    while i < len(words):
        word = words[i]
        key, value = (word.name, word.value) if word.name is not None else (word.value, None)
        key = key.removeprefix("--")
        if key == "json" and value is None:
            as_json = True
            i += 1
            continue
        if key not in ("search", "author", "filter", "sort", "limit"):
            raise UsageError(f"unknown option {word.value!r}; {usage}")
        if value is None:
            if i + 1 >= len(words):
                raise UsageError(f"--{key} needs a value; {usage}")
            value = words[i + 1].value
            i += 1
        i += 1
        if key == "limit":
            try:
                limit = int(value)
            except ValueError:
                raise UsageError(f"--limit must be a number, not {value!r}") from None
            if limit < 1:
                raise UsageError("--limit must be at least 1")
        elif key == "sort":
            if value not in SORTS:
                raise UsageError(f"--sort must be one of {', '.join(SORTS)}")
            params.append(("sort", SORTS[value]))  # the Hub always sorts descending
        else:
            params.append((key, value))
    params.append(("limit", str(min(limit, 1000))))
    params += [("expand", prop) for prop in EXPAND[kind]]
    return params, limit, as_json


async def _list(shell: Shell, kind: str, words: list[Word]) -> None:
    params, limit, as_json = _list_options(kind, words)
    async with hub_client(shell) as hub:
        items = [item async for item in hub.pages(f"/api/{kind}", params, limit)]
    if as_json and not shell.output.json:
        shell.output.show(_json_text(items))
        return
    shell.output.show(_repo_table(kind, items), {"event": "hub", "kind": kind, "items": items})


def _repo_table(kind: str, items: list[dict[str, Any]]) -> Any:
    from rich.table import Table

    table = Table(title=f"{len(items)} {kind}" if items else f"no {kind} found")
    table.add_column("id", style="bold cyan", overflow="fold")
    if kind != "spaces":
        table.add_column("downloads", justify="right")
    table.add_column("likes", justify="right")
    if kind != "datasets":
        table.add_column("pipeline" if kind == "models" else "sdk")
    table.add_column("modified")
    for item in items:
        row = [safe_text(str(item.get("id", "?")))]
        if kind != "spaces":
            row.append(Text(_count(item.get("downloads"))))
        row.append(Text(_count(item.get("likes"))))
        if kind != "datasets":
            kind_of = item.get("pipeline_tag" if kind == "models" else "sdk")
            row.append(safe_text(str(kind_of or "")))
        row.append(safe_text(str(item.get("lastModified") or item.get("createdAt") or "")[:10]))
        table.add_row(*row)
    return table


def _count(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else ""


async def _space_details(shell: Shell, space_id: str) -> None:
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
    shell.output.show(_details_panel(space.id, rows), {"event": "hub", "space": space.raw})


async def _model_details(shell: Shell, model_id: str) -> None:
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
    shell.output.show(_details_panel(name, rows), {"event": "hub", "model": data})


def _details_panel(title: str, rows: list[tuple[str, str]]) -> Any:
    from rich.panel import Panel
    from rich.table import Table

    table = Table(show_header=False, box=None, padding=(0, 2))
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    for key, value in rows:
        table.add_row(Text(key), Text(safe(value)))
    return Panel(table, title=safe_text(title, style="bold"), title_align="left")


async def _get(shell: Shell, words: list[Word]) -> None:
    if not words or words[0].name is not None:
        raise UsageError("usage: hub get PATH [key=value ...]")
    path = words[0].value
    params = []
    for word in words[1:]:
        if word.name is None:
            raise UsageError(f"hub get: {word.value!r} is not key=value")
        params.append((word.name, word.value))
    async with hub_client(shell) as hub:
        url = hub.url(path)
        if origin(url) != origin(hub.endpoint):
            raise UsageError(f"hub get: {safe(path)} is not on the Hub ({hub.endpoint})")
        data = await hub.get_json(url, params=params)
    if shell.output.json:
        shell.output.show(Text(""), {"event": "hub", "path": path, "data": data})
    elif shell.interactive:
        from gradioshell.render import json_view

        shell.output.show(json_view(data))
    else:
        shell.output.show(_json_text(data))


def _json_text(data: Any) -> Text:
    return Text(json_text(data, indent=2), no_wrap=True, overflow="ignore")


# -- helpers -------------------------------------------------------------------------------
