"""The ``space`` command: a Space's life on the Hub — restart, wait, duplicate, logs, pause,
hardware and sleep time."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gradioshell.errors import ShellError, UsageError
from gradioshell.registry import Arg, Args, Grammar, Opt, Sub, command
from gradioshell.results import Note
from gradioshell.text import safe

if TYPE_CHECKING:
    from gradioshell.hub import HubClient
    from gradioshell.state import State

SPACE_ID = Arg("space", "ID", kind="space")
YES = Opt("--yes", help="do it without asking (in scripts)")


@command(
    "space",
    "Manage a Space: restart, wait, duplicate, logs, pause, hardware, sleep time",
    Grammar(
        subcommands=(
            Sub("restart", Grammar(args=(SPACE_ID,))),
            Sub("wait", Grammar(args=(SPACE_ID,))),
            Sub(
                "duplicate",
                Grammar(
                    args=(SPACE_ID,),
                    options=(
                        Opt("--to", "NAME"),
                        Opt("--private"),
                        Opt("--hardware", "H"),
                        Opt("--secret", "KEY=VALUE", many=True),
                        YES,
                        Opt("--connect", help="connect to the copy when it runs"),
                    ),
                ),
            ),
            Sub("logs", Grammar(args=(SPACE_ID,), options=(Opt("--build"), Opt("--follow")))),
            Sub("pause", Grammar(args=(SPACE_ID,))),
            Sub(
                "hardware",
                Grammar(args=(SPACE_ID, Arg("flavor", "FLAVOR", optional=True)), options=(YES,)),
            ),
            Sub(
                "sleep-time",
                Grammar(args=(SPACE_ID, Arg("seconds", "SECONDS|never", optional=True))),
            ),
        ),
        bare=False,
    ),
    details=(
        "space restart ID: restart it (needs the owner's token); space wait ID: wait until it\n"
        "  runs, waking it up if it sleeps. space pause ID: stop it until restarted.\n"
        "space duplicate ID: copy it to your account (--to NAME or OWNER/NAME), as --private,\n"
        "  on --hardware FLAVOR, with --secret KEY=VALUE set; asks first (--yes in scripts),\n"
        "  says what paid hardware costs, waits for the build, then offers to connect.\n"
        "space logs ID: the run log so far (--build: the build log); --follow goes on\n"
        "  printing new lines until Ctrl-C.\n"
        "space hardware ID [FLAVOR]: the hardware it runs on, or ask for another (paid\n"
        "  hardware asks first). space sleep-time ID [SECONDS|never]: how long it stays up\n"
        "  without visitors (only on paid hardware)."
    ),
)
async def space(shell: State, args: Args) -> None:
    from gradioshell import spaces
    from gradioshell.connecting import hub_client
    from gradioshell.hub import ASLEEP_STAGES, space_id_of

    space_id = space_id_of(args.space)
    if space_id is None:
        raise UsageError(f"{args.space!r} is not a Space id (owner/name)")
    action = args.sub
    async with hub_client(shell) as hub:
        if action == "restart":
            await hub.restart(space_id)
            shell.output.info(f"restarting {space_id}…")
            await _running(shell, hub, space_id)
        elif action == "wait":
            info = await hub.space(space_id)
            if info.stage in ASLEEP_STAGES:
                shell.output.info(f"the Space {space_id} is {info.stage.lower()}: waking it up…")
                await hub.wake(info)
            await _running(shell, hub, space_id)
        elif action == "duplicate":
            await _duplicate(shell, hub, space_id, args)
        elif action == "logs":
            await _logs(shell, hub, space_id, build=args.build, follow=args.follow)
        elif action == "pause":
            runtime = await spaces.pause(_owner(hub), space_id)
            stage = str(runtime.get("stage") or "PAUSED")
            shell.output.info(
                f"{space_id} is {stage}; start it again with 'space restart {space_id}'"
            )
            shell.output.record({"event": "space", "space": space_id, "stage": stage})
        elif action == "hardware":
            await _hardware(shell, hub, space_id, args)
        else:
            await _sleep_time(shell, hub, space_id, args)


def _secrets(given: list[str]) -> dict[str, str]:
    secrets: dict[str, str] = {}
    for item in given:
        name, eq, secret = item.partition("=")
        if not name or not eq:
            raise UsageError("--secret needs KEY=VALUE")
        secrets[name] = secret
    return secrets


def _owner(hub: HubClient) -> HubClient:
    if hub.token is None:
        raise ShellError("this needs the token of the Space's owner: see 'token set'")
    return hub


async def _running(shell: State, hub: HubClient, space_id: str) -> str:
    from gradioshell.connecting import wait_for_space

    stage = await wait_for_space(shell, hub, space_id)
    shell.output.info(f"{space_id} is {stage}")
    shell.output.record({"event": "space", "space": space_id, "stage": stage})
    return stage


async def confirm(shell: State, question: str, *, default: bool = False) -> bool:
    """Ask a yes/no question at the prompt; Ctrl-C or Ctrl-D is no."""
    hint = "[Y/n]" if default else "[y/N]"
    answer = await shell.output.ask(f"{question} {hint} ")
    if answer is None:
        return False
    answer = answer.strip().lower()
    return default if not answer else answer in ("y", "yes")


async def _duplicate(shell: State, hub: HubClient, source: str, options: Args) -> None:
    from gradioshell import spaces
    from gradioshell.hub import HubError, space_id_of

    _owner(hub)
    secrets = _secrets(options.secret)
    me = await hub.whoami()
    name = options.to or source.split("/")[1]
    target = name if "/" in name else f"{me.get('name')}/{name}"
    if space_id_of(target) is None:
        raise UsageError(f"{target!r} is not a Space name (owner/name)")
    original = await hub.space(source)
    known = await spaces.flavors(hub)
    if options.hardware and known and options.hardware not in known:
        raise UsageError(
            f"unknown hardware {options.hardware!r}; one of: {', '.join(sorted(known))}"
        )
    flavor = spaces.flavor_of(options.hardware or "cpu-basic", known)
    plan = f"duplicate {source} to {target}"
    plan += " (private)" if options.private else (" (private)" if original.private else "")
    plan += f", on {flavor.name}: {flavor.tier()}"
    if not options.hardware:
        plan += " unless you give --hardware"
    if secrets:
        plan += f", with the secret{'s' if len(secrets) > 1 else ''} "
        plan += ", ".join(sorted(secrets))
    if not options.yes:
        if not shell.interactive:
            raise ShellError(f"space duplicate asks first ({plan}); add --yes to run it in scripts")
        shell.output.info(plan[0].upper() + plan[1:])
        if not await confirm(shell, "Duplicate it?"):
            shell.output.info("nothing was duplicated")
            return
    new_id = await spaces.duplicate(
        hub,
        source,
        target,
        private=True if options.private else None,
        hardware=options.hardware,
        secrets=secrets,
    )
    shell.output.info(f"duplicated {source} to {new_id}; waiting for it to build…")
    try:
        await _running(shell, hub, new_id)
    except HubError as exc:
        raise ShellError(f"{exc}; its build log: space logs {new_id} --build") from None
    if options.connect or (
        shell.output.interactive and await confirm(shell, f"Connect to {new_id} now?", default=True)
    ):
        from gradioshell.commands.core import connect_to

        await connect_to(shell, new_id)
    elif not shell.interactive:
        shell.output.info(f"connect to it with: connect {new_id}")


async def _logs(shell: State, hub: HubClient, space_id: str, *, build: bool, follow: bool) -> None:
    from gradioshell import spaces

    kind = "build" if build else "run"
    count = 0
    base = {"event": "log", "space": space_id, "log": kind}
    async for line in spaces.logs(hub, space_id, build=build, follow=follow):
        count += 1
        record = {**base, "line": line.text, "timestamp": line.timestamp}
        shell.output.emit(Note(body=line.text, record=record, plain=safe(line.text)))
    if not count:
        shell.output.info(f"the {kind} log of {space_id} is empty")


async def _hardware(shell: State, hub: HubClient, space_id: str, options: Args) -> None:
    from gradioshell import spaces

    if options.flavor is None:
        runtime = await hub.runtime(space_id)
        current, requested = spaces.hardware_of(runtime)
        text = f"{space_id} runs on {current or 'nothing yet'}"
        if requested and requested != current:
            text += f" (asked for {requested})"
        known = await spaces.flavors(hub)
        if current:
            text += f"; {spaces.flavor_of(current, known).tier()}"
        record = {"event": "hardware", "space": space_id, "current": current}
        shell.output.emit(Note(body=text, record={**record, "requested": requested}))
        return
    _owner(hub)
    wanted = options.flavor
    known = await spaces.flavors(hub)
    if known and wanted not in known:
        raise UsageError(f"unknown hardware {wanted!r}; one of: {', '.join(sorted(known))}")
    flavor = spaces.flavor_of(wanted, known)
    if not flavor.free and not options.yes:
        plan = f"run {space_id} on {wanted}: {flavor.tier()}"
        if not shell.interactive:
            raise ShellError(f"space hardware asks first ({plan}); add --yes to run it in scripts")
        shell.output.info(plan[0].upper() + plan[1:])
        if not await confirm(shell, "Change the hardware?"):
            shell.output.info("the hardware was not changed")
            return
    runtime = await spaces.set_hardware(hub, space_id, wanted)
    shell.output.info(f"{space_id} asked for {wanted} ({flavor.tier()}); it restarts on it")
    shell.output.record(
        {"event": "hardware", "space": space_id, "requested": wanted, "runtime": runtime}
    )


async def _sleep_time(shell: State, hub: HubClient, space_id: str, options: Args) -> None:
    from gradioshell import spaces

    if options.seconds is None:
        runtime = await hub.runtime(space_id)
        current = runtime.get("gcTimeout")
        record = {"event": "sleep-time", "space": space_id, "seconds": current}
        shell.output.emit(Note(body=f"{space_id} {_sleeps(current)}", record=record))
        return
    _owner(hub)
    given = options.seconds
    if given == "never":
        seconds = -1
    elif given.isdigit() and int(given) > 0:
        seconds = int(given)
    else:
        raise UsageError(f"space sleep-time: {given!r} is not a number of seconds or 'never'")
    runtime = await spaces.set_sleep_time(hub, space_id, seconds)
    shown = runtime.get("gcTimeout", seconds)
    shell.output.info(f"{space_id} now {_sleeps(shown)}")
    shell.output.record({"event": "sleep-time", "space": space_id, "seconds": shown})


def _sleeps(seconds: Any) -> str:
    if not isinstance(seconds, int) or seconds < 0:
        return "never sleeps"
    from gradioshell.quota import duration

    return f"sleeps after {duration(seconds)} without visitors"
