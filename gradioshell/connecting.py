"""The one way to reach an app: a URL, a configured name or a Space id becomes a connected
app, logged in and bounded as the settings say. ``connect``, ``info``, ``restore``,
``space duplicate`` and batches all go through :func:`open_session` or :func:`open_app`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from gradioshell.errors import ShellError
from gradioshell.gradio import normalize_url
from gradioshell.text import safe

if TYPE_CHECKING:
    from gradioshell.gradio import GradioApp
    from gradioshell.hub import HubClient, RequestHook, SpaceInfo, SpaceUnavailable, Token
    from gradioshell.sessions import Session
    from gradioshell.state import State


async def open_session(
    shell: State,
    target: str,
    name: str | None = None,
    *,
    send_token: bool = False,
    user: str | None = None,
) -> Session:
    """Connect to ``target`` (a URL, a ``[targets]`` name or a Space id) as a new session."""
    given = shell.settings.targets.get(target, target)
    resolved = await resolve_connect(shell, given, send_token=send_token)
    return await shell.connect(
        given,
        name,
        url=resolved.url,
        on_request=resolved.on_request,
        aliases=resolved.aliases,
        user=user,
    )


def already_open(shell: State, target: str) -> Session | None:
    """The open session of ``target`` (a URL, or a Space id), if there is one."""
    from gradioshell.gradio import GradioError
    from gradioshell.hub import space_id_of

    space_id = space_id_of(target)
    if space_id is not None:
        wanted = space_id.lower()
        for session in shell.sessions:
            if wanted in (alias.lower() for alias in [session.target, *session.aliases]):
                return session
        return None
    try:
        url = normalize_url(target)
    except (GradioError, ValueError):
        return None
    for session in shell.sessions:
        if session.url == url:
            return session
    return None


async def open_app(shell: State, target: str, *, user: str | None = None) -> GradioApp:
    """Reach ``target`` as :func:`open_session` does, without keeping a session: the caller
    closes the app."""
    given = shell.settings.targets.get(target, target)
    resolved = await resolve_connect(shell, given)
    return await shell.open_app(given, url=resolved.url, on_request=resolved.on_request, user=user)


def hub_client(shell: State, token: Token | None = None) -> HubClient:
    """A Hub client with ``token``, else the current one."""
    from gradioshell.hub import HubClient
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


async def resolve_connect(shell: State, target: str, *, send_token: bool = False) -> ConnectTarget:
    """A plain URL as it is (the token only when asked); a Space id through the Hub."""
    from gradioshell.hub import SpaceUnavailable, TokenHeaders, space_id_of

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


async def _bring_up(shell: State, hub: HubClient, space: SpaceInfo) -> None:
    """Wait for a starting Space, wake a sleeping one; explain one that cannot run."""
    from gradioshell.hub import (
        ASLEEP_STAGES,
        ERROR_STAGES,
        RUNNING_STAGES,
        STARTING_STAGES,
        stage_error,
    )

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
    await wait_for_space(shell, hub, space.id)


async def _paused(hub: HubClient, space: SpaceInfo) -> SpaceUnavailable:
    from gradioshell.hub import HubError, SpaceUnavailable

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


async def wait_for_space(shell: State, hub: HubClient, space_id: str) -> str:
    """Wait until a Space runs, saying each stage it goes through (at the prompt, on one line
    updated in place; in a script, a line per stage)."""
    with shell.output.status() as say:

        def on_stage(stage: str) -> None:
            say(f"waiting for {space_id}: {stage} (Ctrl-C stops waiting)", f"{space_id}: {stage}")

        say(f"waiting for {space_id}…")
        return await hub.wait_running(
            space_id, timeout=shell.settings.space_wait_timeout, on_stage=on_stage
        )
