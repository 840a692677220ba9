"""Core commands: sessions, endpoints, help, exit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gradioshell.errors import ExitShell, ShellError, UsageError
from gradioshell.gradio import UnknownEndpoint
from gradioshell.parser import Word
from gradioshell.registry import COMMANDS, Arg, Args, Grammar, Opt, command
from gradioshell.results import Connected
from gradioshell.syntax import endpoint_record
from gradioshell.targets import is_session_name, resolve_topic
from gradioshell.text import safe

if TYPE_CHECKING:
    from gradioshell.sessions import Session
    from gradioshell.state import State
    from gradioshell.targets import Target

CALL_SYNTAX = """\
Call an endpoint of the default session by its name: ENDPOINT [VALUE...] [NAME=VALUE...], \
e.g. op1 Duration=3, or generateimage prompt="a car flying".
Write /NAME to reach an endpoint whose name is also a command (/connect ...); \
an endpoint named chat is /chat, since 'chat' talks to the app's chat endpoint.
Call an endpoint of another session with @SESSION ENDPOINT ... (e.g. @app2 op1 Duration=1).
Values are converted to the parameter's type; lists and objects are JSON (data=[1, 2]).
Free text: when an endpoint's only required parameter is text, the words after its \
name that do not work as separate values are that text, as typed, quotes included: \
echo What's the capital of France? (a quote inside a word, left open, is text). \
NAME=VALUE words are still values of their own, and ; and a final & still end the \
statement: quote the text to be sure.
File parameters take a path (~ allowed), a glob for lists, an http(s) URL or an earlier \
result ($_, the last call's output; $r2 that of call 2); the files of results are saved in \
the download directory. $null sends no value. 'help ENDPOINT' says how to write each \
parameter: chat histories, multimodal messages (message.files=PATH), tables, choices (a,b)...
Send a statement's plain output to a file with > FILE (>> FILE adds to it), or to a system \
command with | COMMAND (llm hi > answer.md; llm hi | wc -w).
'help COMMAND' shows a command's full usage."""

TOKEN_OPTIONS = (
    Opt("--token", help="send the Hugging Face token to a plain URL too"),
    Opt("--token-from-hub", help="the same as --token", hidden=True),
)


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
    Grammar(
        args=(Arg("target", kind="target"), Arg("name", keyword="as", optional=True)),
        options=(
            *TOKEN_OPTIONS,
            Opt("--user", "NAME"),
            Opt("--new", help="open another session even when this app is already open"),
        ),
    ),
    details=(
        "TARGET is a URL such as http://127.0.0.1:7860 (the scheme may be left out), or a\n"
        "Hugging Face Space: owner/name or https://huggingface.co/spaces/owner/name.\n"
        "The Hugging Face token goes to Spaces only; --token sends it to a plain URL too.\n"
        "--user NAME logs in to an app protected by a password; the password is asked with\n"
        "hidden input, or read from GRADIOSHELL_PASSWORD.\n"
        "An app already open in a session becomes the default again instead of being opened\n"
        "twice; --new opens a second session of it on purpose."
    ),
)
async def connect(shell: State, args: Args) -> None:
    from gradioshell.connecting import already_open

    name = args.name
    if name is not None and not is_session_name(name):
        raise UsageError(f"{name!r} cannot be a session name")
    if args.user is not None and not args.user:
        raise UsageError("--user needs a user name: --user NAME")
    if not args.new:
        session = already_open(shell, shell.settings.targets.get(args.target, args.target))
        if session is not None and (name is None or name == session.name):
            shell.sessions.default = session
            shell.output.info(
                f"already connected to {session.url} as {session.name}: it is now the default "
                "('connect --new' opens another session)"
            )
            shell.output.record(
                {"event": "connected", "already_open": True, **session_record(session)}
            )
            return
    await connect_to(
        shell, args.target, name, send_token=args.token or args.token_from_hub, user=args.user
    )


async def connect_to(
    shell: State,
    target: str,
    name: str | None = None,
    *,
    send_token: bool = False,
    user: str | None = None,
) -> Session:
    """Connect as ``connect`` does, saying so: the session, and its endpoints at the prompt."""
    from gradioshell.connecting import open_session

    given = shell.settings.targets.get(target, target)  # a [targets] alias
    shell.output.info(f"connecting to {given}…")
    session = await open_session(shell, given, name, send_token=send_token, user=user)
    app = session.app
    count = len(app.endpoints)
    shell.output.info(
        f"connected {session.name} → {session.url} "
        f"(Gradio {app.version}, {count} endpoint{'s' if count != 1 else ''}"
        + (f", logged in as {app.user})" if app.user else ")")
    )
    record = {"event": "connected", **session_record(session)}
    shell.output.emit(Connected(session=session, record=record, plain=""))
    return session


@command("sessions", "List the open sessions; * marks the default")
async def sessions(shell: State, args: Args) -> None:
    from gradioshell.reports import Sessions

    items = list(shell.sessions)
    default = shell.sessions.default
    record = {
        "event": "sessions",
        "sessions": [
            {**session_record(s), "default": s is default, "calls": len(s.calls)} for s in items
        ],
    }
    if not items:
        shell.output.info("no sessions: connect to an app with 'connect URL'")
        shell.output.record(record)
        return
    shell.output.emit(Sessions(sessions=items, default=default, record=record))


@command(
    "use",
    "Make another session the default",
    Grammar(args=(Arg("session", "NAME|URL", kind="session"),)),
)
async def use(shell: State, args: Args) -> None:
    session = shell.sessions.get(args.session)
    shell.sessions.default = session
    shell.output.info(f"default session is now {session.name} ({session.url})")


@command(
    "close",
    "Close a session (the default one if no name is given)",
    Grammar(args=(Arg("session", "NAME", kind="session", optional=True),)),
    destructive=True,
)
async def close(shell: State, args: Args) -> None:
    session = shell.require_session(args.session)
    await shell.close_session(session)
    message = f"closed {session.name}"
    if shell.sessions.default is not None:
        message += f"; default session is now {shell.sessions.default.name}"
    shell.output.info(message)


@command(
    "endpoints",
    "List the endpoints of a session (the default one if no name is given)",
    Grammar(args=(Arg("session", kind="session", optional=True),)),
)
async def endpoints(shell: State, args: Args) -> None:
    from gradioshell.reports import Endpoints

    session = shell.require_session(args.session)
    record = {
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
    }
    shell.output.emit(Endpoints(session=session, record=record))


HELP_USAGE = "help [COMMAND | [@SESSION] ENDPOINT]"


@command(
    "help",
    "Show the commands and endpoints, or the details of one",
    Grammar(
        args=(Arg("topic", kind="topic", optional=True, many=True),),
        shown="[COMMAND | [@SESSION] ENDPOINT]",
    ),
    details="help COMMAND: its usage; help ENDPOINT, or help @SESSION ENDPOINT: its "
    "parameters, how to write each, what it returns, and an example.\n"
    "ENDPOINT?, ENDPOINT --help and ENDPOINT -h show the same and never call the app "
    "(write '--help' quoted to send it as a value); COMMAND --help shows a command's usage.",
)
async def help_(shell: State, args: Args) -> None:
    from gradioshell.reports import Overview

    topic: list[str] = args.topic or []
    if not topic:
        shell.output.emit(
            Overview(commands=list(COMMANDS), session=shell.sessions.default, syntax=CALL_SYNTAX)
        )
        return
    if len(topic) > 2:
        raise UsageError(f"usage: {HELP_USAGE}")
    words = [Word(t, 0, 0) for t in topic]
    target = resolve_topic(words, shell.sessions)
    if target.command is None and (target.endpoint is None or target.session is None):
        problem = target.problem
        if isinstance(problem, UnknownEndpoint):
            near = problem.suggestions
            raise ShellError(
                f"no command or endpoint {topic[-1]!r}"
                + (f"; did you mean {' or '.join(near)}?" if near else "")
            ) from None
        if len(topic) == 1 and shell.sessions.default is None:
            raise ShellError(
                f"no command {topic[0]!r}, and no app connected to look for an endpoint"
            )
        raise problem or ShellError(f"no command or endpoint {topic[-1]!r}")
    show_help(shell, target)


def show_help(shell: State, target: Target) -> None:
    """Show the help of a resolved command or endpoint (``help X``, ``X?``, ``X --help``)."""
    from gradioshell.reports import CommandHelp, EndpointHelp

    if target.command is not None:
        builtin = target.command
        record = {
            "event": "help",
            "command": builtin.name,
            "usage": builtin.usage,
            "summary": builtin.summary,
            "details": builtin.details,
        }
        shell.output.emit(CommandHelp(command=builtin, record=record))
        return
    assert target.session is not None and target.endpoint is not None
    shell.output.emit(
        EndpointHelp(
            session=target.session,
            endpoint=target.endpoint,
            record=endpoint_record(target.session, target.endpoint),
        )
    )


@command("exit", "Leave the shell", aliases=("quit",), destructive=True)
async def exit_(shell: State, args: Args) -> None:
    raise ExitShell(0)


@command(
    "refresh",
    "Read a session's endpoints again (after the app changed)",
    Grammar(args=(Arg("session", kind="session", optional=True),)),
)
async def refresh(shell: State, args: Args) -> None:
    session = shell.require_session(args.session)
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
