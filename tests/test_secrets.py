"""The Hugging Face token never leaks: not to the screen, history, logs or debug files.

The shell runs with a token, in a pseudo-terminal with ``--debug``, against a stand-in Hub
whose private Space needs it: connects, calls, an app error, Ctrl-C mid-call, ``whoami``,
``token``, a refused connection, bad input. Then every file it could have written (its
whole home and XDG directories) and everything it printed are searched for the token.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pexpect

from tests.standin_hub import StandInHub


def files_under(root: Path) -> list[Path]:
    return [Path(d) / f for d, _, names in os.walk(root) for f in names]


def test_token_is_never_written_anywhere(spawn_shell, shell_env, hub: StandInHub) -> None:
    home = Path(shell_env["HOME"])
    token = hub.token
    child = spawn_shell("--debug", env={"HF_ENDPOINT": hub.endpoint, "HF_TOKEN": token})
    screen = io.StringIO()
    child.logfile_read = screen
    child.expect_exact("gradioshell>")
    steps = [
        ("connect standin-user/private-space", "app1>"),
        ("echo text=hello n=2", "hellohello"),
        ("fail message=oops", "failed on purpose: oops"),
        ("echo n=notanumber", "missing required parameter"),
        (f"connect {hub.host('standin-user/private-space')} as direct --token", "direct"),
        ("whoami", "standin-user"),
        ("token", "HF_TOKEN"),
        ("connect 127.0.0.1:1", "connection refused"),
        ("use nowhere", "no session"),
        ("sessions", "private-space"),
    ]
    for line, expected in steps:
        child.sendline(line)
        child.expect_exact(expected)
    child.sendline("op1 Duration=30")
    child.expect_exact("Dur:30")
    child.sendintr()
    child.expect_exact("app1>")
    child.sendline("exit")
    child.expect(pexpect.EOF)
    assert hub.with_token("standin-user/private-space"), "the token was never used"
    written = files_under(home)
    assert any("debug" in p.name for p in written), "the debug log was not written"
    for path in written:
        assert token not in path.read_text(errors="replace"), f"the token is in {path}"
    assert token not in screen.getvalue()
