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
    result = run_shell("--help", env={"COLUMNS": str(docs.HELP_WIDTH + 2)})
    assert result.returncode == 0
    shown = docs._portable(result.stdout)
    assert shown == docs.help_text()
    assert shown in (DOCS / "commands.md").read_text()


def test_every_command_is_documented() -> None:
    from gradioshell.commands import COMMANDS

    page = (DOCS / "commands.md").read_text()
    for cmd in COMMANDS:
        assert f"\n### {cmd.name}\n" in page
        assert cmd.summary in page
