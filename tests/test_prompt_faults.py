"""Faults at the prompt: the live panel ends cleanly and the prompt comes back.

Against the broken server, in a pseudo-terminal: a call refused by the app, and Ctrl-C
while the app has not yet answered the submission (the job is cancelled once it does).
"""

from __future__ import annotations

import httpx
import pexpect

from tests.waiting import wait_until


def test_refused_call_ends_its_panel(spawn_shell, broken_url: str) -> None:
    child = spawn_shell(f"{broken_url}/queuefull")
    child.expect_exact("app1>")
    child.sendline("predict x")
    child.expect_exact("queue is full")
    child.expect_exact("app1>")
    # The panel is not redrawn over the prompt: what is typed next shows and runs.
    child.sendline("sessions")
    child.expect_exact("queuefull")
    child.expect_exact("app1>")
    assert "sending" not in child.before
    child.sendline("exit")
    child.expect(pexpect.EOF)
    assert child.wait() == 0


def test_ctrl_c_before_the_app_answers_still_cancels_the_job(spawn_shell, broken_url: str) -> None:
    child = spawn_shell(f"{broken_url}/slowjoin")
    child.expect_exact("app1>")
    child.sendline("predict x")
    child.expect_exact("sending")
    child.sendintr()
    child.expect_exact("app1>")
    wait_until(
        lambda: [
            r
            for r in httpx.get(broken_url + "/requests").json()
            if r["path"] == "/slowjoin/gradio_api/cancel"
        ],
        15,
        "the job to be cancelled once the app answered",
    )
    child.sendline("exit")
    child.expect(pexpect.EOF)
