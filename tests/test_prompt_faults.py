"""Faults at the prompt: the live panel ends cleanly and the prompt comes back.

Against the broken server, in a pseudo-terminal: a call refused by the app, and Ctrl-C
while the app has not yet answered the submission (the job is cancelled once it does).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pexpect
import pytest

from tests.conftest import APPS, start_app


@pytest.fixture(scope="module")
def broken_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    app = start_app(
        [str(APPS / "broken.py")], tmp_path_factory.mktemp("broken") / "log", path="/ok/config"
    )
    yield app.url
    app.stop()


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
    deadline = time.monotonic() + 15
    cancels: list[dict[str, str]] = []
    while not cancels and time.monotonic() < deadline:
        seen = httpx.get(broken_url + "/requests").json()
        cancels = [r for r in seen if r["path"] == "/slowjoin/gradio_api/cancel"]
        time.sleep(0.1)
    assert cancels, "the job was not cancelled once the app answered"
    child.sendline("exit")
    child.expect(pexpect.EOF)
