"""The shell's own comforts: clear, history, !CMD and set."""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

from gradioshell import config
from gradioshell.errors import ShellError, UsageError
from gradioshell.parser import NAME_WORD, SYSTEM, Word
from gradioshell.registry import Arg, Args, Grammar, command
from gradioshell.results import ClearScreen, Note
from gradioshell.targets import nearest, resolve

if TYPE_CHECKING:
    from gradioshell.state import State


@command("clear", "Clear the screen")
async def clear(shell: State, args: Args) -> None:
    shell.output.emit(ClearScreen(plain=""))


HISTORY_SHOWN = 20


def read_history(limit: int) -> list[str]:
    """The last ``limit`` lines of the prompt's history file (oldest first)."""
    path = config.data_dir() / "history"
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return []
    entries: list[list[str]] = []
    current: list[str] | None = None
    for line in text.splitlines():
        if line.startswith("+"):
            if current is None:
                current = []
                entries.append(current)
            current.append(line[1:])
        else:
            current = None
    return ["\n".join(entry) for entry in entries[-limit:]]


@command(
    "history",
    "List the lines typed at the prompt, the last N (20 if not given)",
    Grammar(args=(Arg("count", "N", optional=True),)),
    details="Up and Down recall lines starting with what is typed; Ctrl-R searches them.",
)
async def history(shell: State, args: Args) -> None:
    count = HISTORY_SHOWN
    if args.count is not None:
        if not args.count.isdigit() or int(args.count) < 1:
            raise UsageError(f"history N: N is a count of lines, not {args.count!r}")
        count = int(args.count)
    lines = read_history(count)
    if not lines:
        shell.output.info("no history yet")
        return
    total = len(lines)
    body = "\n".join(f"{n:>4}  {line}" for n, line in enumerate(lines, 1))
    record = {"event": "history", "lines": lines}
    shell.output.emit(Note(body=body, record=record, plain="\n".join(lines) if total else ""))


@command(
    SYSTEM,
    "Run a system command: !ls, !cat out.txt",
    Grammar(args=(Arg("command", "CMD"),), shown="CMD"),
    details=(
        "The rest of the line goes to the system shell as it is (';' and quotes included)\n"
        "and writes straight to the terminal (under --json, what it writes comes back as\n"
        "one record). Ctrl-C stops it."
    ),
)
async def system(shell: State, args: Args) -> None:
    passes = shell.output.passes_commands
    process = await asyncio.create_subprocess_shell(
        args.command, stdout=None if passes else asyncio.subprocess.PIPE
    )
    try:
        if passes:
            status = await process.wait()
        else:  # what it writes comes back as the statement's result
            written, _ = await process.communicate()
            status = process.returncode or 0
            text = written.decode("utf-8", "replace")
            shell.output.emit(
                Note(
                    body=text,
                    plain=text,
                    record={
                        "event": "system",
                        "command": args.command,
                        "status": status,
                        "output": text,
                    },
                )
            )
    except asyncio.CancelledError:
        if process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), 5)
            except asyncio.TimeoutError:
                process.kill()
        raise
    if status != 0:
        raise ShellError(f"{SYSTEM}{args.command} exited with status {status}")


@command(
    "set",
    "Change a setting for this run, or list them all",
    Grammar(
        args=(
            Arg("key", "KEY", kind="setting", optional=True),
            Arg("value", "VALUE", kind="value", optional=True),
            # Taken only to answer 'set x = 3' with the command that sets a variable.
            Arg("rest", kind="value", optional=True, many=True, hidden=True),
        )
    ),
    details=(
        "KEY is a config key, TABLE.NAME or just NAME (set retries 2, set ui.theme light);\n"
        'VALUE is written as in the config file (true, 30, "text", ["a", "b"]). The config\n'
        "file is not changed. 'set' alone lists every key with its value; 'set KEY' shows one.\n"
        "Variables are set with 'let NAME = VALUE'."
    ),
)
async def set_(shell: State, args: Args) -> None:
    from gradioshell.reports import Column, Table

    settings = shell.settings
    if args.key is None:
        rows: list[list[Any]] = [
            [config.key_name(key), _shown(config.current(settings, key))] for key in config.KEYS
        ]
        rows += [[f"targets.{name}", value] for name, value in settings.targets.items()]
        values: dict[str, Any] = {
            config.key_name(key): config.current(settings, key) for key in config.KEYS
        }
        values.update({f"targets.{name}": value for name, value in settings.targets.items()})
        record = {"event": "settings", "settings": values}
        shell.output.emit(
            Table(
                columns=[Column("key", key=True), Column("value")],
                rows=rows,
                title="Settings",
                record=record,
            )
        )
        return
    name: str = args.key
    value: Word | None = args.value
    if name.startswith("targets.") and len(name) > len("targets."):
        _set_target(shell, name[len("targets.") :], value)
        return
    if value is not None and value.value == "=" and not value.quoted:
        raise UsageError(f"'set' changes settings; a variable is set with 'let {name} = ...'")
    if args.rest:
        raise UsageError(f"unexpected {args.rest[0].value!r}; usage: set [KEY] [VALUE]")
    key = config.find_key(name)
    if key is None:
        several = [config.key_name(k) for k in config.KEYS if k.name == name]
        if len(several) > 1:
            raise UsageError(f"{name!r} is in several tables: write {' or '.join(several)}")
        near = nearest(
            name, [config.key_name(k) for k in config.KEYS] + [k.name for k in config.KEYS]
        )
        hint = f"; did you mean {' or '.join(near)}?" if near else " (see 'set')"
        raise UsageError(f"no setting {name!r}{hint}")
    full = config.key_name(key)
    if value is None:
        now = config.current(settings, key)
        shell.output.emit(
            Note(
                body=f"{full} = {_shown(now)}",
                record={"event": "setting", full: now},
                plain=f"{full} = {_shown(now)}",
            )
        )
        return
    try:
        new = config.set_key(settings, key, value.value, literal=value.quoted)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    later = " (takes effect at the next start)" if full in config.AT_START else ""
    shell.output.info(f"{full} = {_shown(new)}{later}")


def _set_target(shell: State, name: str, value: Word | None) -> None:
    targets = shell.settings.targets
    if value is None:
        if name not in targets:
            raise UsageError(f"no target named {name!r}")
        shell.output.info(f"targets.{name} = {targets[name]}")
        return
    if not value.value.strip():
        targets.pop(name, None)
        shell.output.info(f"targets.{name} removed")
        return
    targets[name] = value.value.strip()
    shell.output.info(f"targets.{name} = {targets[name]}")


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value) if value == "" else value
    return json.dumps(value)


@command(
    "alias",
    "Give a statement a name of its own, or list the names given",
    Grammar(
        args=(
            Arg("name", "NAME", optional=True),
            Arg("definition", "STATEMENT", kind="value", keyword="=", optional=True, many=True),
        ),
        named_as_plain=True,
    ),
    details=(
        "alias tr = @app2 translate $1 language=German, then 'tr hello' runs\n"
        "'@app2 translate hello language=German'. $1, $2... are the words typed after the\n"
        "name, $* all of them; without any, they go at the end. Aliases are saved in the\n"
        "[aliases] table of the config file; 'alias NAME =' removes one; 'alias' lists them."
    ),
)
async def alias(shell: State, args: Args) -> None:
    from gradioshell.reports import Column, Table

    aliases = shell.settings.aliases
    if args.name is None:
        rows: list[list[Any]] = [[name, value] for name, value in sorted(aliases.items())]
        record = {"event": "aliases", "aliases": dict(aliases)}
        if not rows:
            shell.output.info("no aliases: define one with 'alias NAME = STATEMENT'")
            shell.output.record(record)
            return
        shell.output.emit(
            Table(
                columns=[Column("alias", key=True), Column("statement")],
                rows=rows,
                title="Aliases",
                record=record,
            )
        )
        return
    name: str = args.name
    if args.definition is None:
        if name not in aliases:
            raise UsageError(f"no alias {name!r}")
        shell.output.info(f"{name} = {aliases[name]}")
        return
    if not NAME_WORD.fullmatch(name):
        raise UsageError(f"{name!r} cannot be an alias: not a plain name")
    if resolve([Word(name, 0, len(name))], shell.sessions).kind == "command":
        raise UsageError(f"{name!r} cannot be an alias: a command has that name")
    statement = args.statement
    assert statement is not None
    definition = ""
    if args.definition:
        first = args.definition[0]
        definition = statement.text[first.start - statement.words[0].start :].strip()
    try:
        path = config.save_map_entry("aliases", name, definition or None)
    except OSError as exc:
        raise ShellError(f"cannot save the alias in the config file: {exc}") from None
    if definition:
        aliases[name] = definition
        shell.output.info(f"{name} = {definition} (saved in {path})")
    else:
        aliases.pop(name, None)
        shell.output.info(f"alias {name} removed (from {path})")
