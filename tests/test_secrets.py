"""The Hugging Face token never leaks: not to the screen, history, logs or debug files.

The shell runs with a token in its environment, in a pseudo-terminal with ``--debug``,
through connects, calls, failures and bad input; then every file it could have written
(its whole home and XDG directories) and everything it printed are searched for the
token's value.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pexpect

TOKEN = "hf_reliabilityTestTokenValue0123456789"


def files_under(root: Path) -> list[Path]:
    return [Path(d) / f for d, _, names in os.walk(root) for f in names]


def test_token_is_never_written_anywhere(spawn_shell, shell_env, demo_url: str) -> None:
    home = Path(shell_env["HOME"])
    child = spawn_shell("--debug", env={"HF_TOKEN": TOKEN})
    screen = io.StringIO()
    child.logfile_read = screen
    child.expect_exact("gradioshell>")
    steps = [
        (f"connect {demo_url}", "app1>"),
        ("echo text=hello n=2", "hellohello"),
        ("fail message=oops", "failed on purpose: oops"),
        ("echo n=notanumber", "missing required parameter"),
        ("connect 127.0.0.1:1", "connection refused"),
        ("use nowhere", "no session"),
        ("help echo", "Example"),
        ("sessions", "Sessions"),
    ]
    for line, expected in steps:
        child.sendline(line)
        child.expect_exact(expected)
    child.sendline("exit")
    child.expect(pexpect.EOF)
    written = files_under(home)
    assert any("debug" in p.name for p in written), "the debug log was not written"
    for path in written:
        assert TOKEN not in path.read_text(errors="replace"), f"the token is in {path}"
    assert TOKEN not in screen.getvalue()
