"""The command line of ``gradioshell`` itself: its options, shared by start-up, the shell
completion scripts and the generated docs."""

from __future__ import annotations

import argparse
import os

from gradioshell import __version__

__all__ = ["build_parser"]


class _Parser(argparse.ArgumentParser):
    """Names the config file in its help only when the help is shown: finding the file's
    place costs more than the rest of reading the command line."""

    def format_help(self) -> str:
        if self.epilog and CONFIG_PLACE in self.epilog:
            self.epilog = self.epilog.replace(CONFIG_PLACE, _config_path())
        return super().format_help()


CONFIG_PLACE = "{config file}"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="gradioshell",
        description="An interactive shell for Gradio apps.",
        epilog="Inside the shell, type 'help' for the commands. "
        f"Settings are read from {CONFIG_PLACE} (see --config).",
    )
    parser.add_argument(
        "target",
        nargs="?",
        metavar="TARGET",
        help=(
            "an app to connect to at start (a URL, a Space id or a name from the [targets] "
            "table of the config), or a script file to run"
        ),
    )
    parser.add_argument("script_args", nargs="*", help=argparse.SUPPRESS)
    parser.add_argument(
        "-c",
        dest="commands",
        action="append",
        metavar="COMMANDS",
        help="run COMMANDS (separated by ';') and exit; may be repeated",
    )
    parser.add_argument(
        "--connect",
        action="append",
        default=[],
        metavar="TARGET",
        help="connect to TARGET at start; may be repeated",
    )
    parser.add_argument("--json", action="store_true", help="write one JSON object per event")
    parser.add_argument(
        "--download-dir",
        metavar="DIR",
        help="save the files of results in DIR (default: a folder per session)",
    )
    parser.add_argument(
        "--no-download",
        action="store_true",
        help="leave the files of results on the app (shown as URLs)",
    )
    parser.add_argument(
        "--keep-going", action="store_true", help="in scripts, go on after a failing command"
    )
    parser.add_argument(
        "--debug", action="store_true", help="write a debug log with tracebacks, for bug reports"
    )
    parser.add_argument(
        "--insecure",
        action="store_true",
        help="do not verify TLS certificates (for local servers with self-signed ones)",
    )
    parser.add_argument(
        "--retries",
        type=int,
        metavar="N",
        help="retry a call up to N times after a transient fault (full queue, 429, 503...)",
    )
    parser.add_argument(
        "--wait-quota",
        action="store_true",
        help="when a ZeroGPU Space's GPU quota is used up, wait for it and run the call again",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="start the bundled demo app (needs the demo extra) and connect to it as 'demo'",
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="read settings from FILE instead of the default config file",
    )
    parser.add_argument(
        "--no-color",
        action="store_true",
        help="do not use colours (the NO_COLOR environment variable does the same)",
    )
    parser.add_argument(
        "--restore",
        action="store_true",
        help="reconnect the sessions saved with 'save' at start",
    )
    parser.add_argument(
        "--print-completion",
        choices=("bash", "zsh", "fish"),
        metavar="SHELL",
        help="print the completion script for SHELL (bash, zsh or fish) and exit",
    )
    parser.add_argument("--version", action="version", version=f"gradioshell {__version__}")
    return parser


def _config_path() -> str:
    """The config file, with the home directory written as ``~``."""
    from gradioshell.config import config_path

    path = str(config_path())
    home = os.path.expanduser("~")
    if home != os.sep and path.startswith(home + os.sep):
        return "~" + path[len(home) :]
    return path
