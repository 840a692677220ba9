"""Core commands: sessions, endpoints, help, exit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group
from rich.table import Table
from rich.text import Text

from gradioshell.commands import hub
from gradioshell.commands.registry import COMMANDS, command, positional
from gradioshell.errors import ExitShell, ShellError, UsageError
from gradioshell.gradio import UnknownEndpoint
from gradioshell.login import take_user
from gradioshell.render import endpoint_help, endpoint_record, endpoints_table, sessions_table
from gradioshell.text import safe, safe_text

if TYPE_CHECKING:
    from gradioshell.parser import Statement
    from gradioshell.sessions import Session
    from gradioshell.shell import Shell

CALL_SYNTAX = """\
Call an endpoint of the default session by its name: ENDPOINT [VALUE...] [NAME=VALUE...], \
e.g. op1 Duration=3, or generateimage prompt="a car flying".
Write /NAME to reach an endpoint whose name is also a command (/connect ...).
Call an endpoint of another session with @SESSION ENDPOINT ... (e.g. @app2 op1 Duration=1).
Values are converted to the parameter's type; lists and objects are JSON (data=[1, 2]).
File parameters take a path (~ allowed), a glob for lists, an http(s) URL or an earlier \
result ($_, the last call's output; $r2 that of call 2); the files of results are saved in \
the download directory. $null sends no value. 'help ENDPOINT' says how to write each \
parameter: chat histories, multimodal messages (message.files=PATH), tables, choices (a,b)...
'help COMMAND' shows a command's full usage."""


def session_record(session: Session) -> dict[str, object]:
    return {
        "session": session.name,
        "url": session.url,
        "version": session.app.version,
        "protocol": session.app.protocol,
        "endpoints": [ep.api_name or ep.name for ep in session.app.endpoints],
    }


@command(
    "connect",
    "Connect to a Gradio app and make it the default if it is the first",
    "connect TARGET [as NAME] [--token] [--user NAME]",
    details=(
        "TARGET is a URL such as http://127.0.0.1:7860 (the scheme may be left out), or a\n"
        "Hugging Face Space: owner/name or https://huggingface.co/spaces/owner/name.\n"
        "The Hugging Face token goes to Spaces only; --token sends it to a plain URL too.\n"
        "--user NAME logs in to an app protected by a password; the password is asked with\n"
        "hidden input, or read from GRADIOSHELL_PASSWORD."
    ),
    argument="target",
    options=(*hub.CONNECT_OPTIONS, "--user"),
)
async def connect(shell: Shell, statement: Statement) -> None:
    positional(statement)
    args, send_token = hub.connect_options(statement)
    user, args = take_user(args)
    name = None
    if len(args) == 3 and args[1] == "as":
        name = args[2]
    elif len(args) != 1:
        raise UsageError("usage: connect TARGET [as NAME] [--token] [--user NAME]")
    if name is not None and (not name or name.startswith(("@", "/")) or " " in name):
        raise UsageError(f"{name!r} cannot be a session name")
    given = shell.settings.targets.get(args[0], args[0])  # a [targets] alias from the config
    shell.output.info(f"connecting to {given}…")
    session = await open_session(shell, given, name, send_token=send_token, user=user)
    app = session.app
    count = len(app.endpoints)
    shell.output.info(
        f"connected {session.name} → {session.url} "
        f"(Gradio {app.version}, {count} endpoint{'s' if count != 1 else ''}"
        + (f", logged in as {app.user})" if app.user else ")")
    )
    if shell.output.json:
        shell.output.show(Text(""), {"event": "connected", **session_record(session)})
    elif shell.interactive:
        shell.output.show(endpoints_table(session))


async def open_session(
    shell: Shell,
    target: str,
    name: str | None = None,
    *,
    send_token: bool = False,
    user: str | None = None,
) -> Session:
    """Connect to ``target`` (a URL or a Space id) as ``connect`` and ``restore`` do."""
    resolved = await hub.resolve_connect(shell, target, send_token=send_token)
    return await shell.connect(
        target,
        name,
        url=resolved.url,
        on_request=resolved.on_request,
        aliases=resolved.aliases,
        user=user,
    )


@command("sessions", "List the open sessions; * marks the default", "sessions")
async def sessions(shell: Shell, statement: Statement) -> None:
    positional(statement)
    items = list(shell.sessions)
    if not items:
        if shell.output.json:
            shell.output.show(Text(""), {"event": "sessions", "sessions": []})
        else:
            shell.output.info("no sessions: connect to an app with 'connect URL'")
        return
    default = shell.sessions.default
    shell.output.show(
        sessions_table(items, default),
        {
            "event": "sessions",
            "sessions": [
                {**session_record(s), "default": s is default, "calls": len(s.calls)} for s in items
            ],
        },
    )


@command("use", "Make another session the default", "use NAME|URL", argument="session")
async def use(shell: Shell, statement: Statement) -> None:
    args = positional(statement)
    if len(args) != 1:
        raise UsageError("usage: use NAME|URL")
    session = shell.sessions.get(args[0])
    shell.sessions.default = session
    shell.output.info(f"default session is now {session.name} ({session.url})")


@command(
    "close",
    "Close a session (the default one if no name is given)",
    "close [NAME]",
    argument="session",
)
async def close(shell: Shell, statement: Statement) -> None:
    args = positional(statement)
    if len(args) > 1:
        raise UsageError("usage: close [NAME]")
    session = shell.require_session(args[0] if args else None)
    await shell.close_session(session)
    message = f"closed {session.name}"
    if shell.sessions.default is not None:
        message += f"; default session is now {shell.sessions.default.name}"
    shell.output.info(message)


@command(
    "endpoints",
    "List the endpoints of a session (the default one if no name is given)",
    "endpoints [SESSION]",
    argument="session",
)
async def endpoints(shell: Shell, statement: Statement) -> None:
    args = positional(statement)
    if len(args) > 1:
        raise UsageError("usage: endpoints [SESSION]")
    session = shell.require_session(args[0] if args else None)
    shell.output.show(
        endpoints_table(session),
        {
            "event": "endpoints",
            "session": session.name,
            "endpoints": [
                {
                    "name": ep.api_name or ep.name,
                    "parameters": [
                        {
                            "name": p.name,
                            "type": p.type_name,
                            "required": p.required,
                            "default": p.default,
                        }
                        for p in ep.parameters
                    ],
                    "returns": [r.label for r in ep.returns],
                }
                for ep in session.app.endpoints
            ],
        },
    )


@command(
    "help",
    "Show the commands and endpoints, or the details of one",
    "help [TOPIC]",
    argument="topic",
)
async def help_(shell: Shell, statement: Statement) -> None:
    args = positional(statement)
    if len(args) > 1:
        raise UsageError("usage: help [COMMAND|ENDPOINT]")
    if not args:
        shell.output.show(_overview(shell))
        return
    topic = args[0]
    builtin = COMMANDS.get(topic)
    session = shell.sessions.default
    if topic.startswith("@") and " " not in topic:
        raise UsageError("usage: help ENDPOINT (use 'use SESSION' first for another session)")
    if builtin is not None and not topic.startswith("/"):
        text = Text(builtin.usage, style="bold")
        text.append("\n" + builtin.summary)
        if builtin.details:
            text.append("\n" + builtin.details)
        record = {
            "event": "help",
            "command": builtin.name,
            "usage": builtin.usage,
            "summary": builtin.summary,
            "details": builtin.details,
        }
        shell.output.show(text, record)
        return
    if session is None:
        raise ShellError(f"no command {topic!r}, and no app connected to look for an endpoint")
    try:
        endpoint = session.app.endpoint(topic)
    except UnknownEndpoint as exc:
        raise ShellError(
            f"no command or endpoint {topic!r}"
            + (f"; did you mean {' or '.join(exc.suggestions)}?" if exc.suggestions else "")
        ) from None
    shell.output.show(endpoint_help(session, endpoint), endpoint_record(session, endpoint))


def _overview(shell: Shell) -> Group:
    table = Table(show_header=False, box=None, padding=(0, 2))
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    for cmd in COMMANDS:
        table.add_row(cmd.name, cmd.summary)
    parts: list[object] = [Text("Commands", style="bold"), table, Text("")]
    session = shell.sessions.default
    if session is not None:
        eps = Table(show_header=False, box=None, padding=(0, 2))
        eps.add_column(style="bold green", no_wrap=True)
        eps.add_column()
        for ep in session.app.endpoints:
            eps.add_row(safe_text(ep.name), safe_text(ep.signature()))
        parts += [safe_text(f"Endpoints of {session.name}", style="bold"), eps]
    parts.append(Text("\n" + CALL_SYNTAX, style="dim"))
    return Group(*parts)  # type: ignore[arg-type]


@command("exit", "Leave the shell", "exit", aliases=("quit",))
async def exit_(shell: Shell, statement: Statement) -> None:
    raise ExitShell(0)


@command(
    "refresh",
    "Read a session's endpoints again (after the app changed)",
    "refresh [SESSION]",
    argument="session",
)
async def refresh(shell: Shell, statement: Statement) -> None:
    args = positional(statement)
    if len(args) > 1:
        raise UsageError("usage: refresh [SESSION]")
    session = shell.require_session(args[0] if args else None)
    before = {ep.api_name for ep in session.app.endpoints}
    await session.app.refresh()
    after = {ep.api_name for ep in session.app.endpoints}
    added, removed = sorted(after - before), sorted(before - after)
    message = f"refreshed {session.name}: {len(after)} endpoint{'s' if len(after) != 1 else ''}"
    if added:
        message += "; new: " + ", ".join(safe(name) for name in added)
    if removed:
        message += "; gone: " + ", ".join(safe(name) for name in removed)
    shell.output.info(message)
