"""Start-up: read the command line, pick the mode (prompt, -c, script, stdin) and run."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import re
import sys
import threading
from collections.abc import Iterable, Sequence

from gradioshell.cli import build_parser

EXIT_USAGE = 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.print_completion:
        from gradioshell.completions import generate

        sys.stdout.write(generate(args.print_completion))
        return 0
    if args.no_color:
        os.environ["NO_COLOR"] = "1"  # read by rich and prompt_toolkit alike
    _start_log(args.debug)
    try:
        return asyncio.run(_run(args))
    except KeyboardInterrupt:
        return 130


async def _run(args: argparse.Namespace) -> int:
    from pathlib import Path

    asyncio.get_running_loop().set_exception_handler(_loop_exception)

    from gradioshell import config
    from gradioshell.output import JsonOutput, TextOutput
    from gradioshell.settings import Settings
    from gradioshell.shell import Shell

    settings = Settings(keep_going=args.keep_going, debug=args.debug)
    config_problems = config.load(settings, Path(args.config) if args.config else None)
    settings.color = not os.environ.get("NO_COLOR")
    if args.download_dir:
        settings.download_dir = args.download_dir
    if args.no_download:
        settings.download = False
    if args.insecure:
        settings.verify_tls = False
    if args.retries is not None:
        settings.retries = max(args.retries, 0)
    if args.wait_quota:
        settings.wait_quota = True
    script: Iterable[str] | None = None
    script_args: list[str] = []
    connects = list(args.connect)
    if args.commands:
        script = args.commands
        if args.target:
            connects.insert(0, args.target)
    elif args.target and os.path.isfile(args.target):
        script = _read_script(args.target)
        script_args = [args.target, *args.script_args]
    else:
        if args.target:
            connects.insert(0, args.target)
        if not sys.stdin.isatty():
            script = sys.stdin

    interactive = script is None
    if args.json:
        output = JsonOutput()
    elif interactive:
        from rich.console import Console

        from gradioshell.prompt_output import InteractiveOutput
        from gradioshell.terminal_images import chosen as chosen_images

        console = Console()
        preview = settings.preview_images and console.is_terminal
        output = InteractiveOutput(
            console,
            preview=preview,
            progress_bars=settings.progress_bars,
            preview_pixels=settings.preview_pixels,
            theme=settings.theme,
            images=chosen_images(settings.images) if preview else "blocks",
            settings=settings,
        )
    else:
        output = TextOutput()
    shell = Shell(output, settings, interactive=interactive)
    for problem in config_problems:
        output.error(str(problem))
    # $0 is the script, $1, $2... its arguments.
    shell.variables.update({str(i): value for i, value in enumerate(script_args)})
    if args.insecure:
        output.info(
            "TLS certificates are not verified (--insecure): use it only on a trusted network"
        )
    demo = None
    try:
        status = 0
        if args.demo:
            demo = await _start_demo(shell)
            if demo is None:
                return 1
        if args.restore or (interactive and settings.restore):
            status = await shell.run_line("restore")
            if status and not interactive and not settings.keep_going:
                return status
        for target in connects:
            status = await shell.run_line(f"connect {_quote(target)}")
            if status and not interactive:
                return status
        if script is None:
            from gradioshell.errors import ExitShell
            from gradioshell.repl import run_repl

            try:
                for line in settings.startup:
                    await shell.run_line(line, keep_going=True)
            except ExitShell as exc:
                return exc.code

            return await run_repl(shell)
        status = await run_script(shell, script, keep_going=settings.keep_going) or status
        return await shell.jobs.finish(status)  # background jobs end before the script does
    finally:
        await shell.aclose()
        if demo is not None:
            demo.stop()


async def _start_demo(shell):  # type: ignore[no-untyped-def]
    """Start the bundled demo app and connect to it as ``demo``; None if it cannot start."""
    from gradioshell.demo.server import DemoError, DemoServer

    demo = DemoServer()
    shell.output.info("starting the demo app…")
    try:
        url = await asyncio.to_thread(demo.start)
    except DemoError as exc:
        shell.output.error(str(exc))
        return None
    if await shell.run_line(f"connect {url} as demo"):
        demo.stop()
        return None
    session = shell.sessions.find("demo")
    if session is not None:
        session.saved = False  # a new port each run: restoring it could never work
    return demo


async def run_script(shell, lines: Iterable[str], *, keep_going: bool) -> int:  # type: ignore[no-untyped-def]
    """Run lines one after another; stop at the first failure unless ``keep_going``."""
    from gradioshell.errors import ExitShell
    from gradioshell.parser import ParseError
    from gradioshell.targets import parse_statements

    status = 0
    pending = ""
    for raw in lines:
        line = pending + raw.rstrip("\n")
        try:
            parse_statements(line, shell.sessions)
        except ParseError as exc:
            if exc.incomplete:
                pending = line + "\n"
                continue
        pending = ""
        try:
            code = await shell.run_line(line)
        except ExitShell as exc:
            return exc.code or status
        if code:
            status = code
            if not keep_going:
                return status
    if pending:
        code = await shell.run_line(pending)
        status = code or status
    return status


def _read_script(path: str) -> list[str]:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.readlines()
    except OSError as exc:
        print(f"gradioshell: cannot read {path}: {exc.strerror}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE) from None


def _quote(text: str) -> str:
    from gradioshell.parser import quote

    return quote(text)


# -- logging, and errors nobody caught ----------------------------------------------------
#
# Without --debug nothing is logged anywhere: the root logger gets a handler that drops
# everything, so Python's last-resort handler never prints a record (with its traceback) on
# stderr. With --debug the log gets the shell's own debug records and the other libraries'
# INFO and above (websockets, for one, logs every header of a handshake at DEBUG), through a
# formatter that blanks credentials wherever they appear. Warnings (Pillow's, say) go to the
# log, never over the prompt. An exception that escapes everything (the main thread, another
# thread, an asyncio task) is logged, and said in one line.

log = logging.getLogger("gradioshell")

_SECRETS = re.compile(
    r"""(?ix)
    (?P<header>\b(?:x-hf-)?authorization|\bcookie|\bset-cookie|\bpassword)
        (?P<sep>["']?\s*[:=]\s*["']?) (?P<value>[^\r\n"',}]+)
    | (?P<bearer>\bbearer\s+) (?P<token>[^\s"',}]+)
    | \bhf_[A-Za-z0-9]{8,}
    """
)


def redact(text: str) -> str:
    """``text`` with credentials blanked: header values, bearer tokens, Hugging Face tokens."""

    def blank(match: re.Match[str]) -> str:
        if match.group("header"):
            return match.group("header") + match.group("sep") + "[hidden]"
        if match.group("bearer"):
            return match.group("bearer") + "[hidden]"
        return "hf_[hidden]"

    return _SECRETS.sub(blank, text)


class RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def _start_log(debug: bool) -> None:
    logging.captureWarnings(True)
    sys.excepthook = _uncaught
    threading.excepthook = _uncaught_in_thread
    root = logging.getLogger()
    if not debug:
        root.addHandler(logging.NullHandler())
        return
    import time

    from platformdirs import user_log_dir

    directory = user_log_dir("gradioshell")
    os.makedirs(directory, mode=0o700, exist_ok=True)
    path = os.path.join(directory, f"debug-{time.strftime('%Y%m%d-%H%M%S')}.log")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    handler = logging.StreamHandler(os.fdopen(fd, "a", encoding="utf-8"))
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    log.setLevel(logging.DEBUG)
    print(f"gradioshell: writing a debug log to {path}", file=sys.stderr)


def _say_internal_error(exc: BaseException) -> None:
    debug = log.isEnabledFor(logging.DEBUG)
    hint = "; the debug log has the details" if debug else " (run with --debug for details)"
    text = f"{type(exc).__name__}: {exc}"
    from gradioshell.text import safe_line

    with contextlib.suppress(Exception):  # no stderr to speak to: the log has it
        print(f"gradioshell: internal error: {safe_line(text)[:300]}{hint}", file=sys.stderr)


def _uncaught(kind: type[BaseException], exc: BaseException, tb: object) -> None:
    if isinstance(exc, KeyboardInterrupt):
        return
    log.error("uncaught exception", exc_info=(kind, exc, tb))  # type: ignore[arg-type]
    _say_internal_error(exc)


def _uncaught_in_thread(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is None or isinstance(args.exc_value, SystemExit):
        return
    log.error(
        "uncaught exception in thread %s",
        getattr(args.thread, "name", "?"),
        exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
    )
    _say_internal_error(args.exc_value)


def _loop_exception(loop: asyncio.AbstractEventLoop, context: dict[str, object]) -> None:
    """Errors asyncio found nobody to give to (a task's unretrieved exception): logged."""
    exc = context.get("exception")
    message = str(context.get("message", "error in the event loop"))
    if isinstance(exc, BaseException):
        log.error("%s", message, exc_info=(type(exc), exc, exc.__traceback__))
    else:
        log.error("%s", message)
