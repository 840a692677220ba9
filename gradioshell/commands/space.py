"""The ``space`` command: a Space's life on the Hub — restart, wait, duplicate, logs, pause,
hardware and sleep time."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from rich.text import Text

from gradioshell import spaces
from gradioshell.commands.hub import _wait, hub_client
from gradioshell.commands.registry import command
from gradioshell.errors import ShellError, UsageError
from gradioshell.hub import ASLEEP_STAGES, HubClient, HubError, space_id_of
from gradioshell.text import safe

if TYPE_CHECKING:
    from gradioshell.parser import Statement, Word
    from gradioshell.shell import Shell

USAGE = (
    "space restart|wait|pause ID | space duplicate ID [--to NAME] [--private] [--hardware H] "
    "[--secret KEY=VALUE]... [--yes] | space logs ID [--build] [--follow] | "
    "space hardware ID [FLAVOR] [--yes] | space sleep-time ID [SECONDS|never]"
)
ACTIONS = ("restart", "wait", "duplicate", "logs", "pause", "hardware", "sleep-time")


@command(
    "space",
    "Manage a Space: restart, wait, duplicate, logs, pause, hardware, sleep time",
    USAGE,
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
    options=(
        *ACTIONS,
        "--to",
        "--private",
        "--hardware",
        "--secret",
        "--yes",
        "--build",
        "--follow",
        "--connect",
    ),
)
async def space(shell: Shell, statement: Statement) -> None:
    words = statement.args
    if not words or words[0].name is not None or words[0].value not in ACTIONS:
        raise UsageError(f"usage: {USAGE}")
    action = words[0].value
    options = _Options.parse(action, words[1:])
    space_id = space_id_of(options.target)
    if space_id is None:
        raise UsageError(f"{options.target!r} is not a Space id (owner/name)")
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
            await _duplicate(shell, hub, space_id, options)
        elif action == "logs":
            await _logs(shell, hub, space_id, build=options.build, follow=options.follow)
        elif action == "pause":
            runtime = await spaces.pause(_owner(hub), space_id)
            stage = str(runtime.get("stage") or "PAUSED")
            shell.output.info(
                f"{space_id} is {stage}; start it again with 'space restart {space_id}'"
            )
            record(shell, {"event": "space", "space": space_id, "stage": stage})
        elif action == "hardware":
            await _hardware(shell, hub, space_id, options)
        else:
            await _sleep_time(shell, hub, space_id, options)


FLAGS = {
    "duplicate": ("--private", "--yes", "--connect"),
    "logs": ("--build", "--follow"),
    "hardware": ("--yes",),
}
VALUED = {"duplicate": ("--to", "--hardware", "--secret")}


class _Options:
    """The words after ``space ACTION``: the Space id, and the options that action takes."""

    def __init__(self) -> None:
        self.target = ""
        self.rest: list[str] = []
        self.to: str | None = None
        self.hardware: str | None = None
        self.secrets: dict[str, str] = {}
        self.flags: set[str] = set()

    private = property(lambda self: "--private" in self.flags)
    build = property(lambda self: "--build" in self.flags)
    follow = property(lambda self: "--follow" in self.flags)
    yes = property(lambda self: "--yes" in self.flags)

    @classmethod
    def parse(cls, action: str, words: list[Word]) -> _Options:
        options = cls()
        flags = FLAGS.get(action, ())
        valued = VALUED.get(action, ())
        positional: list[str] = []
        i = 0
        while i < len(words):
            word = words[i]
            i += 1
            if word.name is not None:
                raise UsageError(f"space {action}: unexpected {word.name}=...; usage: {USAGE}")
            value = word.value
            if word.quoted or not value.startswith("--"):
                positional.append(value)
                continue
            key, eq, inline = value.partition("=")
            if key in flags and not eq:
                options.flags.add(key)
                continue
            if key not in valued:
                raise UsageError(f"space {action}: unknown option {key}; usage: {USAGE}")
            if key == "--secret":
                # --secret KEY=VALUE: the parser gives it as a named word.
                if eq:
                    name, _, secret = inline.partition("=")
                elif i < len(words) and words[i].name is not None:
                    name, secret = str(words[i].name), words[i].value
                    i += 1
                else:
                    raise UsageError("--secret needs KEY=VALUE")
                if not name:
                    raise UsageError("--secret needs KEY=VALUE")
                options.secrets[name] = secret
                continue
            if eq:
                given = inline
            elif i < len(words) and words[i].name is None:
                given = words[i].value
                i += 1
            else:
                raise UsageError(f"{key} needs a value")
            setattr(options, key[2:], given)
        if not positional:
            raise UsageError(f"space {action}: which Space? usage: {USAGE}")
        options.target, options.rest = positional[0], positional[1:]
        most = 1 if action in ("hardware", "sleep-time") else 0
        if len(options.rest) > most:
            raise UsageError(f"space {action}: unexpected {options.rest[most]!r}; usage: {USAGE}")
        return options


def _owner(hub: HubClient) -> HubClient:
    if hub.token is None:
        raise ShellError("this needs the token of the Space's owner: see 'token set'")
    return hub


async def _running(shell: Shell, hub: HubClient, space_id: str) -> str:
    stage = await _wait(shell, hub, space_id)
    shell.output.info(f"{space_id} is {stage}")
    record(shell, {"event": "space", "space": space_id, "stage": stage})
    return stage


async def confirm(shell: Shell, question: str, *, default: bool = False) -> bool:
    """Ask a yes/no question at the prompt; Ctrl-C or Ctrl-D is no."""
    from prompt_toolkit import PromptSession

    hint = "[Y/n]" if default else "[y/N]"
    try:
        answer = await PromptSession[str]().prompt_async(f"{question} {hint} ")
    except (KeyboardInterrupt, EOFError):
        return False
    answer = answer.strip().lower()
    return default if not answer else answer in ("y", "yes")


async def _duplicate(shell: Shell, hub: HubClient, source: str, options: _Options) -> None:
    _owner(hub)
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
    if options.secrets:
        plan += f", with the secret{'s' if len(options.secrets) > 1 else ''} "
        plan += ", ".join(sorted(options.secrets))
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
        secrets=options.secrets,
    )
    shell.output.info(f"duplicated {source} to {new_id}; waiting for it to build…")
    try:
        await _running(shell, hub, new_id)
    except HubError as exc:
        raise ShellError(f"{exc}; its build log: space logs {new_id} --build") from None
    if "--connect" in options.flags or (
        shell.interactive
        and not shell.output.json
        and await confirm(shell, f"Connect to {new_id} now?", default=True)
    ):
        from gradioshell.parser import quote

        await shell.run_line(f"connect {quote(new_id)}")
    elif not shell.interactive:
        shell.output.info(f"connect to it with: connect {new_id}")


async def _logs(shell: Shell, hub: HubClient, space_id: str, *, build: bool, follow: bool) -> None:
    kind = "build" if build else "run"
    count = 0
    async for line in spaces.logs(hub, space_id, build=build, follow=follow):
        count += 1
        if shell.output.json:
            base = {"event": "log", "space": space_id, "log": kind}
            record(shell, {**base, "line": line.text, "timestamp": line.timestamp})
        elif shell.interactive:
            shell.output.show(Text(safe(line.text)))
        else:
            sys.stdout.write(safe(line.text) + "\n")
            sys.stdout.flush()
    if not count:
        shell.output.info(f"the {kind} log of {space_id} is empty")


async def _hardware(shell: Shell, hub: HubClient, space_id: str, options: _Options) -> None:
    if not options.rest:
        runtime = await hub.runtime(space_id)
        current, requested = spaces.hardware_of(runtime)
        text = f"{space_id} runs on {current or 'nothing yet'}"
        if requested and requested != current:
            text += f" (asked for {requested})"
        known = await spaces.flavors(hub)
        if current:
            text += f"; {spaces.flavor_of(current, known).tier()}"
        shell.output.show(
            Text(safe(text)),
            {"event": "hardware", "space": space_id, "current": current, "requested": requested},
        )
        return
    _owner(hub)
    wanted = options.rest[0]
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
    record(shell, {"event": "hardware", "space": space_id, "requested": wanted, "runtime": runtime})


async def _sleep_time(shell: Shell, hub: HubClient, space_id: str, options: _Options) -> None:
    if not options.rest:
        runtime = await hub.runtime(space_id)
        current = runtime.get("gcTimeout")
        shell.output.show(
            Text(f"{space_id} {_sleeps(current)}"),
            {"event": "sleep-time", "space": space_id, "seconds": current},
        )
        return
    _owner(hub)
    given = options.rest[0]
    if given == "never":
        seconds = -1
    elif given.isdigit() and int(given) > 0:
        seconds = int(given)
    else:
        raise UsageError(f"space sleep-time: {given!r} is not a number of seconds or 'never'")
    runtime = await spaces.set_sleep_time(hub, space_id, seconds)
    shown = runtime.get("gcTimeout", seconds)
    shell.output.info(f"{space_id} now {_sleeps(shown)}")
    record(shell, {"event": "sleep-time", "space": space_id, "seconds": shown})


def _sleeps(seconds: Any) -> str:
    if not isinstance(seconds, int) or seconds < 0:
        return "never sleeps"
    from gradioshell.quota import duration

    return f"sleeps after {duration(seconds)} without visitors"


def record(shell: Shell, data: dict[str, Any]) -> None:
    """What --json writes for a command whose result the messages already said."""
    if shell.output.json:
        shell.output.show(Text(""), data)
