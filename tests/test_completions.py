"""The checked-in completion scripts: current with the parser, and working in real shells."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gradioshell.completions import FILE_NAMES, SHELLS, generate
from gradioshell.main import build_parser

ROOT = Path(__file__).parent.parent
COMPLETIONS = ROOT / "completions"

CONFIG = """\
[ui]
theme = "dark"

[targets]
# commented = "not a target"
diff = "rrg92/diffusers-labs"
"my-local" = "http://127.0.0.1:7860"

[startup]
commands = []
"""


@pytest.fixture()
def config_home(tmp_path: Path) -> Path:
    """An XDG config home whose gradioshell config names two targets."""
    home = tmp_path / "config"
    (home / "gradioshell").mkdir(parents=True)
    (home / "gradioshell" / "config.toml").write_text(CONFIG)
    return home


@pytest.mark.parametrize("shell", SHELLS)
def test_checked_in_script_is_current(shell: str) -> None:
    checked_in = (COMPLETIONS / FILE_NAMES[shell]).read_text()
    assert checked_in == generate(shell), (
        f"completions/{FILE_NAMES[shell]} is stale: "
        "run python -m gradioshell.completions --write completions"
    )


def test_print_completion_prints_the_checked_in_script(run_shell) -> None:
    result = run_shell("--print-completion", "bash")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (COMPLETIONS / FILE_NAMES["bash"]).read_text()


def test_start_up_does_not_import_shtab() -> None:
    code = "import sys, gradioshell.main as m; m.build_parser(); print('shtab' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def bash_complete(words: list[str], cwd: Path, config_home: Path) -> list[str]:
    """Complete the last of ``words`` with the bash script, in a real bash."""
    script = (
        f"source {COMPLETIONS / FILE_NAMES['bash']}\n"
        'COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 ))\n'
        "_shtab_gradioshell\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    env = {**os.environ, "XDG_CONFIG_HOME": str(config_home)}
    result = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", script, "bash", *words],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return [line for line in result.stdout.splitlines() if line]


def test_bash_completes_an_option(tmp_path: Path, config_home: Path) -> None:
    assert bash_complete(["gradioshell", "--conn"], tmp_path, config_home) == ["--connect"]
    assert bash_complete(["gradioshell", "--print-completion", ""], tmp_path, config_home) == [
        "bash",
        "zsh",
        "fish",
    ]


def test_bash_offers_every_option(tmp_path: Path, config_home: Path) -> None:
    offered = set(bash_complete(["gradioshell", "-"], tmp_path, config_home))
    expected = {
        option
        for action in build_parser()._actions
        if action.help != "==SUPPRESS=="
        for option in action.option_strings
    }
    assert expected and expected <= offered


def test_bash_completes_configured_targets_and_scripts(tmp_path: Path, config_home: Path) -> None:
    (tmp_path / "job.gsh").write_text("echo hi\n")
    assert bash_complete(["gradioshell", "--connect", ""], tmp_path, config_home) == [
        "diff",
        "my-local",
    ]
    assert bash_complete(["gradioshell", "--connect", "my"], tmp_path, config_home) == ["my-local"]
    assert bash_complete(["gradioshell", "j"], tmp_path, config_home) == ["job.gsh"]
    positional = bash_complete(["gradioshell", ""], tmp_path, config_home)
    assert {"diff", "my-local", "job.gsh"} <= set(positional)


def test_bash_without_a_config_completes_no_targets(tmp_path: Path) -> None:
    assert bash_complete(["gradioshell", "--connect", ""], tmp_path, tmp_path / "none") == []


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_fish_loads_and_completes(tmp_path: Path, config_home: Path) -> None:
    (tmp_path / "job.gsh").write_text("echo hi\n")
    script = (
        f"source {COMPLETIONS / FILE_NAMES['fish']}; "
        "complete -C 'gradioshell --conn'; echo ==; "
        "complete -C 'gradioshell --connect '; echo ==; "
        "complete -C 'gradioshell j'"
    )
    env = {**os.environ, "XDG_CONFIG_HOME": str(config_home), "HOME": str(tmp_path)}
    result = subprocess.run(
        ["fish", "--no-config", "-c", script],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    option, targets, scripts = (
        [line.split("\t")[0] for line in part.splitlines() if line]
        for part in result.stdout.split("==\n")
    )
    assert option == ["--connect"]
    assert targets == ["diff", "my-local"]
    assert scripts == ["job.gsh"]


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_zsh_loads_and_completes(tmp_path: Path, config_home: Path) -> None:
    import pexpect

    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(config_home),
        "TERM": "dumb",
    }
    child = pexpect.spawn(
        "zsh", ["-f", "-i"], env=env, encoding="utf-8", timeout=20, cwd=str(tmp_path)
    )
    try:
        child.sendline(
            f"PS1='zsh%% '; fpath=({COMPLETIONS} $fpath); autoload -Uz compinit; "
            f"compinit -u -d {tmp_path}/zcompdump; echo ready"
        )
        child.expect_exact("ready")
        child.expect_exact("zsh% ")
        child.send("gradioshell --conn\t")
        child.expect_exact("--connect")
        child.send(" \t")
        child.expect_exact("diff")
        child.expect_exact("my-local")
    finally:
        child.terminate(force=True)


def documented_install_lines() -> dict[str, str]:
    """The one-line installs in docs/index.md, by shell."""
    text = (ROOT / "docs" / "index.md").read_text()
    lines = {}
    for line in text.splitlines():
        if line.startswith("gradioshell --print-completion "):
            lines[line.split()[2]] = line
    return lines


def test_every_shell_has_a_documented_install_line() -> None:
    lines = documented_install_lines()
    assert set(lines) == set(SHELLS)
    assert lines["zsh"].endswith("/_gradioshell")
    assert lines["fish"].endswith("~/.config/fish/completions/gradioshell.fish")


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_fish_install_line_makes_completion_load_by_itself(
    tmp_path: Path, config_home: Path, shell_env: dict[str, str]
) -> None:
    line = documented_install_lines()["fish"]
    home = Path(shell_env["HOME"])
    (home / ".config" / "fish" / "completions").mkdir(parents=True)
    # The installed command sits next to the interpreter running the tests.
    bin_dir = Path(sys.executable).parent
    assert (bin_dir / "gradioshell").exists()
    env = {
        **shell_env,
        "XDG_CONFIG_HOME": str(home / ".config"),
        "PATH": f"{bin_dir}{os.pathsep}{shell_env['PATH']}",
    }
    subprocess.run(["bash", "-c", line], env=env, check=True, timeout=60)
    # fish loads completions/gradioshell.fish by itself when gradioshell is completed.
    result = subprocess.run(
        ["fish", "-c", "complete -C 'gradioshell --conn'"],
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
    )
    assert result.stdout.split("\t")[0] == "--connect"
