"""Completion scripts for the ``gradioshell`` command line, generated from its argument parser.

``python -m gradioshell.completions --write completions/`` regenerates the checked-in scripts;
``gradioshell --print-completion SHELL`` prints one. shtab does the work and is imported only
here, so start-up does not pay for it.

What an option completes is decided from its metavar, so new options complete sensibly
without touching this module: ``TARGET`` completes the names in the ``[targets]`` table of the
config file, ``FILE`` completes files, ``DIR`` directories. The positional argument completes
configured targets and script files.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

SHELLS = ("bash", "zsh", "fish")

# The file name each shell looks for, as installed by the documented install lines.
FILE_NAMES = {"bash": "gradioshell.bash", "zsh": "_gradioshell", "fish": "gradioshell.fish"}

# Prints the names of the [targets] table of a TOML config file: `name = ...` lines (bare or
# quoted keys) between `[targets]` and the next table header. Same text in every shell.
_AWK_TARGETS = (
    "/^[[:space:]]*\\[/ { t = ($0 ~ /^[[:space:]]*\\[[[:space:]]*targets[[:space:]]*\\]/) } "
    't && /^[[:space:]]*("[^"]+"|[A-Za-z0-9_.-]+)[[:space:]]*=/ '
    '{ sub(/^[[:space:]]*/, ""); sub(/[[:space:]]*=.*/, ""); gsub(/"/, ""); print }'
)

_BASH_PREAMBLE = f"""\
# The names in the [targets] table of the gradioshell config file.
_gradioshell_config_targets() {{
  local file="${{XDG_CONFIG_HOME:-$HOME/.config}}/gradioshell/config.toml"
  [ -r "$file" ] || file="$HOME/Library/Application Support/gradioshell/config.toml"
  [ -r "$file" ] && awk '{_AWK_TARGETS}' "$file"
}}

# $1=the word being completed
_gradioshell_compgen_targets() {{
  compgen -W "$(_gradioshell_config_targets)" -- "$1"
}}

# $1=the word being completed
_gradioshell_compgen_targets_or_files() {{
  compgen -W "$(_gradioshell_config_targets)" -- "$1"
  compgen -f -- "$1"
}}
"""

_ZSH_PREAMBLE = f"""\
# The names in the [targets] table of the gradioshell config file.
_gradioshell_config_targets() {{
  local file="${{XDG_CONFIG_HOME:-$HOME/.config}}/gradioshell/config.toml"
  [[ -r "$file" ]] || file="$HOME/Library/Application Support/gradioshell/config.toml"
  [[ -r "$file" ]] && awk '{_AWK_TARGETS}' "$file"
}}

_gradioshell_targets() {{
  local -a targets
  targets=(${{(f)"$(_gradioshell_config_targets)"}})
  compadd -X 'configured target' -a targets
}}

_gradioshell_targets_or_files() {{
  _gradioshell_targets
  _files
}}
"""

_FISH_PREAMBLE = f"""\
# The names in the [targets] table of the gradioshell config file.
function _gradioshell_config_targets
  set -l file $HOME/.config/gradioshell/config.toml
  set -q XDG_CONFIG_HOME; and set file $XDG_CONFIG_HOME/gradioshell/config.toml
  test -r "$file"; or set file "$HOME/Library/Application Support/gradioshell/config.toml"
  test -r "$file"; and awk '{_AWK_TARGETS}' "$file"
end

function _gradioshell_targets_or_files
  _gradioshell_config_targets
  __fish_complete_path (commandline -ct)
end
"""

TARGETS: dict[str, Any] = {
    "bash": "_gradioshell_compgen_targets",
    "zsh": "_gradioshell_targets",
    "fish": "(_gradioshell_config_targets)",
    "preamble": {"bash": _BASH_PREAMBLE, "zsh": _ZSH_PREAMBLE, "fish": _FISH_PREAMBLE},
}

TARGETS_OR_FILES: dict[str, Any] = {
    "bash": "_gradioshell_compgen_targets_or_files",
    "zsh": "_gradioshell_targets_or_files",
    "fish": "(_gradioshell_targets_or_files)",
    "preamble": TARGETS["preamble"],
}


def annotate(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Tell shtab what each argument of ``parser`` completes (see the module docstring)."""
    import shtab

    for action in parser._actions:
        metavar = action.metavar if isinstance(action.metavar, str) else ""
        if not action.option_strings and action.dest == "target":
            action.complete = TARGETS_OR_FILES  # type: ignore[attr-defined]
        elif metavar == "TARGET":
            action.complete = TARGETS  # type: ignore[attr-defined]
        elif metavar in ("FILE", "SCRIPT", "PATH"):
            action.complete = shtab.FILE  # type: ignore[attr-defined]
        elif metavar in ("DIR", "DIRECTORY"):
            action.complete = shtab.DIRECTORY  # type: ignore[attr-defined]
    return parser


def generate(shell: str) -> str:
    """The completion script for ``shell`` (bash, zsh or fish)."""
    import shtab

    from gradioshell.cli import build_parser

    if shell not in SHELLS:
        raise ValueError(f"no completion for {shell!r}; choose one of {', '.join(SHELLS)}")
    script: str = shtab.complete(annotate(build_parser()), shell=shell)
    return script.rstrip("\n") + "\n"


def write(directory: Path) -> list[Path]:
    """Write every shell's script into ``directory``; return the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for shell in SHELLS:
        path = directory / FILE_NAMES[shell]
        path.write_text(generate(shell), encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m gradioshell.completions",
        description="Print or write the shell completion scripts of gradioshell.",
    )
    parser.add_argument("shell", nargs="?", choices=SHELLS, help="print the script for SHELL")
    parser.add_argument("--write", metavar="DIR", help="write all the scripts into DIR")
    args = parser.parse_args(argv)
    if args.write:
        for path in write(Path(args.write)):
            print(path)
        return 0
    if not args.shell:
        parser.error("give a SHELL or --write DIR")
    sys.stdout.write(generate(args.shell))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
