"""The generated pages of docs/ are current, and --help is what the docs show."""

from __future__ import annotations

from pathlib import Path

import pytest

from gradioshell import docs

DOCS = Path(__file__).parent.parent / "docs"


@pytest.mark.parametrize("page", sorted(docs.GENERATORS))
def test_generated_page_is_current(page: str) -> None:
    checked_in = (DOCS / page).read_text()
    assert checked_in == docs.GENERATORS[page](), (
        f"docs/{page} is stale: run python -m gradioshell.docs --write docs"
    )


def test_help_is_what_the_docs_show(run_shell) -> None:
    # argparse wraps help at COLUMNS - 2.
    # The shell's environment has its own home, with the default config directory in it.
    result = run_shell("--help", env={"COLUMNS": str(docs.HELP_WIDTH + 2)})
    assert result.returncode == 0
    shown = result.stdout
    assert shown == docs.help_text()
    assert shown in (DOCS / "commands.md").read_text()


def test_every_command_is_documented() -> None:
    from gradioshell.commands import COMMANDS

    page = (DOCS / "commands.md").read_text()
    for cmd in COMMANDS:
        assert f"\n### {cmd.name}\n" in page
        assert cmd.summary in page


def test_configuration_lists_every_key() -> None:
    from gradioshell import config

    page = (DOCS / "configuration.md").read_text()
    for key in config.KEYS:
        assert f"| `{key.table}.{key.name}` |" in page
    for table in config.MAPS:
        assert f"## `[{table}]`" in page


def test_values_shown_in_the_shipped_config_are_the_defaults() -> None:
    import sys

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib

    from gradioshell import config
    from gradioshell.shell import Settings

    keys = {(k.table, k.name): k for k in config.KEYS}
    shown = docs.parse_default_config(config.default_config_text())
    checked = 0
    for table in shown:
        if table.name in config.MAPS:
            continue
        for key in table.keys:
            value = tomllib.loads(f"v = {key.default}")["v"]
            settings = Settings()
            keys[(table.name, key.name)].apply(settings, value)
            assert settings == Settings(), (
                f"{table.name}.{key.name} = {key.default} is not the default"
            )
            checked += 1
    assert checked == len(config.KEYS)


def test_help_has_every_start_up_option(run_shell) -> None:
    """The command line the shell promises: each of these is in --help and in the docs."""
    result = run_shell("--help", env={"COLUMNS": "200"})
    page = (DOCS / "commands.md").read_text()
    for option in (
        "TARGET",
        "--connect TARGET",
        "-c COMMANDS",
        "--json",
        "--keep-going",
        "--download-dir DIR",
        "--no-color",
        "--config FILE",
        "--debug",
        "--version",
        "--demo",
        "--restore",
        "--print-completion SHELL",
    ):
        assert option in result.stdout
        assert option in page
