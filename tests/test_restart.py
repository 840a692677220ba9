"""The app is stopped and started again (here: upgraded) while a session is open.

The next call must reach the new process, read /config and /info again (the endpoint's
index moved) and start a new session.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pexpect

from gradioshell.gradio import GradioApp
from tests.conftest import APPS, start_app, start_demo


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def test_call_after_a_restart_reconnects_and_refreshes(spawn_shell, tmp_path: Path) -> None:
    app = start_demo(tmp_path / "demo.log")
    try:
        child = spawn_shell(app.url)
        child.expect_exact("app1>")
        child.sendline("echo text=first n=2")
        child.expect_exact("firstfirst")
        child.expect_exact("app1>")
        # Killed in the middle of a streaming call: one line, and the prompt back.
        child.sendline("op1 Duration=60")
        child.expect_exact("Dur:60")
        app.process.kill()
        child.expect_exact("was lost")
        child.expect_exact("app1>")
        app.stop()
        child.sendline("echo text=down")
        child.expect_exact("connection refused")
        child.expect_exact("app1>")
        app = start_app(
            [str(APPS / "restarted.py")], tmp_path / "restarted.log", port=port_of(app.url)
        )
        child.sendline("echo text=again n=2")
        child.expect_exact("v2:againagain")
        child.expect_exact("app1>")
        # The new endpoint is known: /info was read again.
        child.sendline("shout text=hey")
        child.expect_exact("HEY!")
        child.expect_exact("app1>")
        child.sendline("exit")
        child.expect(pexpect.EOF)
    finally:
        app.stop()


def test_restart_during_a_quiet_spell_is_noticed(tmp_path: Path) -> None:
    """No call failed in between: the changed /config (new app_id) gives the restart away."""
    demo = start_demo(tmp_path / "demo.log")
    restarted = None

    async def connect() -> GradioApp:
        app = await GradioApp.connect(demo.url)
        app.REVALIDATE_AFTER = 0.0
        return app

    async def call(app: GradioApp) -> tuple[list, str]:
        # The endpoint object from before the restart, as the shell would hold it.
        result = await (await app.submit(echo, ["quiet", 1])).result()
        return result, app.session_hash

    loop = asyncio.new_event_loop()
    try:
        gradio_app = loop.run_until_complete(connect())
        echo = gradio_app.endpoint("echo")
        before = gradio_app.session_hash
        assert loop.run_until_complete(call(gradio_app))[0] == ["quiet"]
        demo.stop()
        restarted = start_app(
            [str(APPS / "restarted.py")], tmp_path / "restarted.log", port=port_of(demo.url)
        )
        result, after = loop.run_until_complete(call(gradio_app))
        assert result == ["v2:quiet"]
        assert after != before
        assert gradio_app.endpoint("shout").name == "shout"
        loop.run_until_complete(gradio_app.close())
    finally:
        loop.close()
        demo.stop()
        if restarted is not None:
            restarted.stop()
