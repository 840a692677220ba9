"""Sessions of the same app share its parsed endpoints, so many sessions stay small."""

from __future__ import annotations

import asyncio
import io

from gradioshell.output import TextOutput
from gradioshell.shell import Shell


def test_sessions_of_one_app_share_endpoints(demo_url: str) -> None:
    async def run() -> None:
        shell = Shell(TextOutput(stdout=io.StringIO(), stderr=io.StringIO()))
        try:
            assert await shell.run_line(f"connect {demo_url} as a; connect {demo_url} as b") == 0
            a, b = shell.sessions.get("a"), shell.sessions.get("b")
            assert a.app is not b.app
            assert b.app.endpoints is a.app.endpoints
            # Each session still calls on its own.
            assert await shell.run_line("@b echo text=hi; @a echo text=ho") == 0
        finally:
            await shell.aclose()

    asyncio.run(run())
