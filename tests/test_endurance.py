"""Many sessions and long runs: open files and memory stay flat.

Twenty sessions to the demo app and a thousand calls in a row, in one shell in this
process; after a warm-up, the open file descriptors (``/proc/self/fd``) and the resident
memory (``/proc/self/statm``) must not grow beyond small tolerances.
"""

from __future__ import annotations

import asyncio
import gc
import io
import os
import sys

import pytest

from gradioshell.output import TextOutput
from gradioshell.shell import Shell

SESSIONS = 20
CALLS = 1000
WARM_UP = 200
FD_TOLERANCE = 2
RSS_TOLERANCE = 24 * 1024 * 1024  # bytes; the 800 call records kept for $rN are far less

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def rss() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_twenty_sessions_and_a_thousand_calls(demo_url: str, record_property) -> None:
    stdout, stderr = io.StringIO(), io.StringIO()

    async def main() -> dict[str, int]:
        shell = Shell(TextOutput(stdout, stderr))
        for n in range(SESSIONS):
            assert await shell.run_line(f"connect {demo_url} as s{n}") == 0, stderr.getvalue()
        measured: dict[str, int] = {}
        for i in range(CALLS):
            if i == WARM_UP:
                gc.collect()
                measured.update(fds_before=open_fds(), rss_before=rss())
            status = await shell.run_line(f"@s{i % SESSIONS} echo text=c{i} n=2")
            assert status == 0, stderr.getvalue()[-500:]
        gc.collect()
        measured.update(fds_after=open_fds(), rss_after=rss())
        assert len(shell.sessions) == SESSIONS
        await shell.aclose()
        return measured

    m = asyncio.run(main())
    lines = stdout.getvalue().splitlines()
    assert len(lines) == CALLS and lines[-1] == f"c{CALLS - 1}" * 2
    for key, value in m.items():
        record_property(key, value)
    print(m)
    assert m["fds_after"] - m["fds_before"] <= FD_TOLERANCE, m
    assert m["rss_after"] - m["rss_before"] <= RSS_TOLERANCE, m
