"""The figures of the benchmark, one function per case.

Each case measures this shell and, side by side in the same run, the protocol's floor
(:mod:`benchmarks.floor`), gradio_client and, for one-shot use, ``gradio predict``. A part
that cannot be measured (a feature not in the shell yet) is reported as "not measured" with
the reason, never estimated.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.floor import FloorClient
from benchmarks.harness import (
    ROOT,
    App,
    Check,
    Counts,
    NullTerminal,
    PtyProcess,
    Result,
    ShellRunner,
    cpu_time,
    process_cpu,
    run_process,
    threads_cpu,
    timed,
)

IMPORT_BASELINE = "import prompt_toolkit, rich, httpx, pygments"
FLOOR_IMPORTS = "import httpx, asyncio"
"""What the floor's one-shot process imports: the least a client of the protocol needs."""
# Modules the shell must not import before it needs them. Not listed: rich.table, which
# rich.console imports itself, and rich.panel (with rich.box and rich.padding, under 1 ms),
# the frame of every result; the details of a run list them where they are imported.
HEAVY = (
    "PIL",
    "numpy",
    "websockets",
    "gradio",
    "gradio_client",
    "pygments.lexers",
    "pygments.formatters",
    "rich.live",
    "rich.progress",
    "rich.syntax",
    "rich.markdown",
    "rich.pretty",
    "rich.tree",
    "rich.json",
)
WATCHED = (*HEAVY, "rich.panel", "rich.table")
#: The terminal's libraries: a script's one-shot call needs none of them.
TERMINAL = ("rich", "prompt_toolkit", "pygments", "PIL")
#: What the long-stream cases run by default: the bench app's growing Markdown answer.
STREAM_STATEMENT = "stream_markdown n={n} delay_ms={delay_ms}"


@dataclass
class Context:
    apps: dict[str, App]
    counts: Counts
    shell: ShellRunner
    work: Path
    profile: Path | None = None
    #: The statement the long-stream cases type at the prompt ({n} and {delay_ms} filled in).
    stream_statement: str = STREAM_STATEMENT

    @property
    def url(self) -> str:
        return self.apps["bench_app"].url

    @property
    def wide_url(self) -> str:
        return self.apps["wide_app"].url


def python() -> list[str]:
    return [sys.executable]


def bin_command(name: str) -> list[str] | None:
    path = Path(sys.executable).parent / name
    return [str(path)] if path.exists() else None


def shell_objects(
    interactive: bool = False, terminal: Any = None, height: int | None = None
) -> tuple[Any, io.StringIO]:
    """A real Shell, writing values to a buffer (text) or to a terminal (interactive)."""
    from gradioshell.output import TextOutput
    from gradioshell.prompt_output import InteractiveOutput
    from gradioshell.shell import Shell

    buffer = io.StringIO()
    if interactive:
        from rich.console import Console

        console = Console(
            file=terminal,
            force_terminal=True,
            width=100,
            height=height,
            color_system="truecolor",
        )
        return Shell(InteractiveOutput(console), interactive=True), buffer
    return Shell(TextOutput(stdout=buffer, stderr=io.StringIO())), buffer


def has_command(name: str) -> bool:
    from gradioshell.commands import COMMANDS

    return COMMANDS.get(name) is not None


def profile(ctx: Context, name: str, work: Callable[[], Any], *, threads: bool = False) -> None:
    """When profiling was asked for, run ``work()`` once more under pyinstrument.

    The profiled run is extra: it never counts among the measured ones. With ``threads``,
    the refresh thread of rich's live display (where the live panel is drawn) is profiled
    too, and its profile follows the main thread's in the same file.
    """
    if ctx.profile is None:
        return
    from pyinstrument import Profiler
    from rich import live

    texts: list[str] = []
    original = live._RefreshThread.run

    def profiled_run(thread: Any) -> None:
        drawing = Profiler(interval=0.0005)
        drawing.start()
        try:
            original(thread)
        finally:
            drawing.stop()
            texts.append(drawing.output_text(unicode=True, color=False, show_all=False))

    if threads:
        live._RefreshThread.run = profiled_run  # type: ignore[method-assign]
    profiler = Profiler(async_mode="enabled", interval=0.0005)
    profiler.start()
    try:
        asyncio.run(work())
    finally:
        profiler.stop()
        live._RefreshThread.run = original  # type: ignore[method-assign]
        ctx.profile.mkdir(parents=True, exist_ok=True)
        text = profiler.output_text(unicode=True, color=False, show_all=False)
        for index, drawn in enumerate(texts):
            text += f"\n\n== the live display's refresh thread ({index + 1}) ==\n" + drawn
        (ctx.profile / f"{name}.txt").write_text(text)


# -- start-up ------------------------------------------------------------------------------


def startup(ctx: Context) -> Result:
    r = Result(
        "startup",
        "start-up",
        f'≤ 1.3× `python -c "{IMPORT_BASELINE}"`; ≤ 1.1× `python -c "{FLOOR_IMPORTS}"`; '
        "nothing heavy imported before it is needed",
    )
    n = ctx.counts.process_repeats
    baseline, floor, bare, httpx_only, shell_exit = [], [], [], [], []
    for _ in range(n):  # by turns, so that the machine's load hits all alike
        baseline.append(run_process([*python(), "-c", IMPORT_BASELINE])[0])
        floor.append(run_process([*python(), "-c", FLOOR_IMPORTS])[0])
        bare.append(run_process([*python(), "-c", "pass"])[0])
        httpx_only.append(run_process([*python(), "-c", "import httpx"])[0])
        shell_exit.append(ctx.shell.run("-c", "exit")[0])
    r.add("import baseline", baseline)
    r.add(f"floor: python -c {FLOOR_IMPORTS!r}", floor)
    r.add("python -c pass", bare)
    r.add("python -c 'import httpx'", httpx_only)
    r.add("shell -c exit", shell_exit)
    r.measured["httpx's import (import httpx − pass)"] = (
        r.measured["python -c 'import httpx'"] - r.measured["python -c pass"]
    )
    prompt = [time_to_prompt(ctx) for _ in range(n)]
    r.add("shell first prompt (pty)", prompt)
    exit_ratio = r.ratio("shell -c exit", "import baseline")
    r.checks.append(Check("shell -c exit / baseline", exit_ratio, 1.3))
    floor_ratio = r.ratio("shell -c exit", f"floor: python -c {FLOOR_IMPORTS!r}")
    r.checks.append(Check(f"shell -c exit / python -c {FLOOR_IMPORTS!r}", floor_ratio, 1.1))
    r.checks.append(
        Check(
            "first prompt / baseline",
            r.ratio("shell first prompt (pty)", "import baseline"),
            1.3,
        )
    )
    installed = heavy_imports(ctx, without_click=False)
    own = heavy_imports(ctx, without_click=True)
    r.extra["imports_here"] = installed
    r.extra["imports_own_dependencies"] = own
    heavy = [m for m in own if any(m == h or m.startswith(h + ".") for h in HEAVY)]
    r.checks.append(Check("heavy modules `-c exit` imports (own dependencies)", len(heavy), 0))
    if any("httpx._main" in chain for chain in installed.values()):
        r.notes.append(
            "httpx imports its command-line module httpx._main (rich.progress, rich.syntax, "
            "pygments.lexers) whenever click is installed, as it is here with gradio; the "
            "import baseline pays it too. The heavy-import check runs without click, as the "
            "shell's own dependencies install"
        )
    return r


def time_to_prompt(ctx: Context) -> float:
    import pexpect

    start = time.perf_counter()
    child = pexpect.spawn(
        ctx.shell.command[0],
        ctx.shell.command[1:],
        env=ctx.shell.env,
        encoding="utf-8",
        timeout=60,
        dimensions=(40, 120),
    )
    try:
        child.expect(prompt_pattern("gradioshell"))
        elapsed = time.perf_counter() - start
        child.sendline("exit")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    return elapsed


def heavy_imports(
    ctx: Context, *, without_click: bool, script: str = "exit", watched: tuple[str, ...] = ()
) -> dict[str, str]:
    """Watched modules ``gradioshell -c SCRIPT`` imports, each with the chain that imported it.

    ``without_click`` hides click, as in an install of the shell's own dependencies only.
    """
    watched = watched or WATCHED
    start = f"import runpy, sys; sys.argv = ['gradioshell', '-c', {script!r}]; "
    if without_click:
        start += "sys.modules['click'] = None; "
    start += "runpy.run_module('gradioshell', run_name='__main__')"
    command = [*python(), "-X", "importtime", "-c", start]
    _, done = run_process(command, env=ctx.shell.env)
    pattern = re.compile(r"import time:\s+\d+ \|\s+\d+ \|( *)(\S+)")
    matches = map(pattern.match, done.stderr.splitlines())
    lines = [(len(m.group(1)), m.group(2)) for m in matches if m]
    found: dict[str, str] = {}
    # importtime prints a module after the modules it imported, one level less indented.
    for index, (depth, module) in enumerate(lines):
        if not any(module == h or module.startswith(h + ".") for h in watched):
            continue
        chain = [module]
        want = depth
        for d, parent in lines[index + 1 :]:
            if d < want:
                chain.append(parent)
                want = d
        found[module] = " ← ".join(chain)
    return found


# -- one-shot call -------------------------------------------------------------------------


def one_shot(ctx: Context) -> Result:
    r = Result(
        "one_shot",
        "one-shot call",
        '`gradioshell -c "connect URL; echo text=hi"` ≥ 8× faster than `gradio predict`; '
        "within 1.1× of the floor's process",
    )
    n = ctx.counts.process_repeats
    script = f"connect {ctx.url}; echo text=hi"

    def shell_once() -> float:
        elapsed, done = ctx.shell.run("-c", script)
        assert done.stdout.strip() == "hi", done.stdout
        return elapsed

    def floor_once() -> float:
        command = [*python(), "-m", "benchmarks.floor", ctx.url, "/echo", '["hi"]']
        elapsed, done = run_process(command)
        assert json.loads(done.stdout) == ["hi"], done.stdout
        return elapsed

    client_code = (
        "import sys; from gradio_client import Client; "
        "print(Client(sys.argv[1], verbose=False).predict('hi', api_name='/echo'))"
    )

    def client_once() -> float:
        elapsed, done = run_process([*python(), "-c", client_code, ctx.url])
        assert done.stdout.strip() == "hi", done.stdout
        return elapsed

    shell, floor = [], []
    for _ in range(n):  # by turns, so that the machine's load hits both alike
        shell.append(shell_once())
        floor.append(floor_once())
    r.add("shell", shell)
    r.add("floor", floor)
    r.checks.append(Check("shell / floor (whole processes)", r.ratio("shell", "floor"), 1.1))
    # A script's call draws nothing: with the shell's own dependencies only (no click, so
    # httpx does not import its command line), none of the terminal's libraries is imported.
    terminal = heavy_imports(ctx, without_click=True, script=script, watched=TERMINAL)
    r.extra["terminal_imports_own_dependencies"] = terminal
    r.checks.append(
        Check("terminal libraries a one-shot imports (own dependencies)", len(terminal), 0)
    )
    r.add("gradio_client", [client_once() for _ in range(n)])
    gradio = bin_command("gradio")
    if gradio is None:
        r.skip("gradio predict", "the gradio command is not installed")
    else:

        def predict_once() -> float:
            command = [*gradio, "predict", ctx.url, "/echo", '{"text": "hi"}']
            env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"}
            elapsed, done = run_process(command, env=env)
            assert '"hi"' in done.stdout, done.stdout
            return elapsed

        r.add("gradio predict", [predict_once() for _ in range(max(1, min(n, 5)))])
        r.checks.append(
            Check("gradio predict / shell", r.ratio("gradio predict", "shell"), 8, True)
        )
    return r


# -- connect -------------------------------------------------------------------------------


def connect(ctx: Context) -> Result:
    r = Result("connect", "connect", "`connect URL` ≤ 1.2× the floor (/config + /info)")
    n = ctx.counts.repeats * 4

    async def shell_connect(url: str) -> float:
        shell, _ = shell_objects()
        start = time.perf_counter()
        code = await shell.run_line(f"connect {url}")
        elapsed = time.perf_counter() - start
        assert code == 0
        await shell.aclose()
        return elapsed

    async def floor_connect(url: str) -> float:
        start = time.perf_counter()
        client = await FloorClient(url).connect()
        elapsed = time.perf_counter() - start
        await client.close()
        return elapsed

    async def shell_connects(url: str) -> list[float]:
        return [await shell_connect(url) for _ in range(n)]

    async def interleaved(url: str, count: int) -> tuple[list[float], list[float]]:
        """Floor and shell by turns, each first every other time: noise hits both alike."""
        floor: list[float] = []
        shell: list[float] = []
        for i in range(count):
            if i % 2:
                shell.append(await shell_connect(url))
                floor.append(await floor_connect(url))
            else:
                floor.append(await floor_connect(url))
                shell.append(await shell_connect(url))
        return floor, shell

    def client_connects(url: str, count: int) -> list[float]:
        from gradio_client import Client

        times = []
        for _ in range(count):
            elapsed, client = timed(lambda: Client(url, verbose=False))
            times.append(elapsed)
            client.close()
        return times

    # A connect to the small app takes milliseconds: five times the samples cost little.
    for label, url, count in (("", ctx.url, n * 5), (" (300×20 app)", ctx.wide_url, n)):
        asyncio.run(interleaved(url, 2))  # warm the server's caches for everyone alike
        floor, shell = asyncio.run(interleaved(url, count))
        r.add("floor" + label, floor)
        r.add("shell" + label, shell)
        profile_name = "connect" + label.strip(" ()").replace("×", "x").replace(" ", "-")
        profile(ctx, profile_name, lambda url=url: shell_connects(url))
        r.add("gradio_client" + label, client_connects(url, max(1, n // 4)))
        ratio = r.ratio("shell" + label, "floor" + label)
        r.checks.append(Check("shell / floor" + label, ratio, 1.2))
    return r


# -- call overhead -------------------------------------------------------------------------


def call_overhead(ctx: Context) -> Result:
    c = ctx.counts
    r = Result(
        "call_overhead",
        "call overhead",
        f"{c.calls} sequential calls of a trivial endpoint: ≤ 1.25× the floor per call; "
        "≥ 4× faster than gradio_client",
        unit="ms/call",
    )

    async def shell_loop() -> float:
        shell, out = shell_objects()
        assert await shell.run_line(f"connect {ctx.url}") == 0
        await shell.run_line("echo text=warm")
        start = time.perf_counter()
        for _ in range(c.calls):
            if await shell.run_line("echo text=hi"):
                raise RuntimeError("a call failed")
        elapsed = time.perf_counter() - start
        await shell.aclose()
        assert out.getvalue().count("hi\n") == c.calls
        return elapsed / c.calls * 1000

    async def floor_loop() -> float:
        client = await FloorClient(ctx.url).connect()
        await client.call("/echo", ["warm"])
        start = time.perf_counter()
        for _ in range(c.calls):
            _, data = await client.call("/echo", ["hi"])
            assert data == ["hi"]
        elapsed = time.perf_counter() - start
        await client.close()
        return elapsed / c.calls * 1000

    def client_loop() -> float:
        from gradio_client import Client

        client = Client(ctx.url, verbose=False)
        client.predict("warm", api_name="/echo")
        start = time.perf_counter()
        for _ in range(c.client_calls):
            assert client.predict("hi", api_name="/echo") == "hi"
        elapsed = time.perf_counter() - start
        client.close()
        return elapsed / c.client_calls * 1000

    floor, shell = [], []
    for _ in range(c.repeats):  # interleaved, so that noise hits both alike
        floor.append(asyncio.run(floor_loop()))
        shell.append(asyncio.run(shell_loop()))
    r.add("floor", floor)
    r.add("shell", shell)
    profile(ctx, "call_overhead", shell_loop)
    r.add("gradio_client", [client_loop() for _ in range(max(1, c.repeats // 2))])
    process = "shell process (script on stdin)"
    if c.calls < 50:
        r.skip(process, "too few calls to rise above the noise of a process start")
    else:
        r.add(process, [process_call_overhead(ctx)])
    r.extra["counts"] = {"shell": c.calls, "floor": c.calls, "gradio_client": c.client_calls}
    r.checks.append(Check("shell / floor", r.ratio("shell", "floor"), 1.25))
    r.checks.append(Check("gradio_client / shell", r.ratio("gradio_client", "shell"), 4, True))
    return r


def process_call_overhead(ctx: Context) -> float:
    """Milliseconds per call of a whole shell process running a script of calls on stdin,
    less the same process that only connects."""
    c = ctx.counts
    script = f"connect {ctx.url}\n" + "echo text=hi\n" * c.calls
    connect_only = statistics.median(
        ctx.shell.run(input=f"connect {ctx.url}\n")[0] for _ in range(c.repeats)
    )
    whole = statistics.median(ctx.shell.run(input=script)[0] for _ in range(c.repeats))
    return (whole - connect_only) / c.calls * 1000


# -- streaming -----------------------------------------------------------------------------


def streaming(ctx: Context) -> Result:
    c = ctx.counts
    r = Result(
        "streaming",
        "streaming",
        f"a generator yielding {c.updates} updates: end-to-end ≤ 1.2× the floor; "
        "refresh ≤ 30 fps; no event lost in --json",
    )
    n = str(c.updates)

    async def floor_run() -> tuple[float, float]:
        client = await FloorClient(ctx.url).connect()
        with cpu_time() as cpu:
            start = time.perf_counter()
            updates, data = await client.call("/stream", [n])
            elapsed = time.perf_counter() - start
        await client.close()
        assert data == [str(c.updates - 1)], data
        r.extra["floor_updates"] = updates
        return elapsed, cpu["cpu"]

    renders = {"count": 0}

    async def shell_run() -> tuple[float, float]:
        from gradioshell import render

        terminal = NullTerminal()
        shell, _ = shell_objects(interactive=True, terminal=terminal)
        assert await shell.run_line(f"connect {ctx.url}") == 0
        original = render.CallView.__rich__

        def counting(view: Any) -> Any:
            renders["count"] += 1
            return original(view)

        render.CallView.__rich__ = counting  # type: ignore[method-assign]
        renders["count"] = 0
        try:
            with cpu_time() as cpu:
                start = time.perf_counter()
                code = await shell.run_line(f"stream n={n}")
                elapsed = time.perf_counter() - start
        finally:
            render.CallView.__rich__ = original  # type: ignore[method-assign]
        assert code == 0
        await shell.aclose()
        r.extra["shell_renders"] = renders["count"]
        r.extra["shell_fps"] = round(renders["count"] / elapsed, 1)
        r.extra["terminal_bytes"] = terminal.bytes
        return elapsed, cpu["cpu"]

    profile(ctx, "streaming", shell_run)  # first, so the measured runs set the details
    floor_t, floor_cpu, shell_t, shell_cpu, fps = [], [], [], [], []
    for _ in range(c.repeats):
        t, cpu = asyncio.run(floor_run())
        floor_t.append(t)
        floor_cpu.append(cpu)
        t, cpu = asyncio.run(shell_run())
        shell_t.append(t)
        shell_cpu.append(cpu)
        fps.append(r.extra["shell_fps"])
    r.add("floor", floor_t)
    r.add("shell (live panel)", shell_t)
    r.add("floor CPU", floor_cpu)
    r.add("shell CPU", shell_cpu)
    r.extra["shell_fps_samples"] = fps

    def json_run() -> tuple[float, int]:
        elapsed, done = ctx.shell.run("--json", "-c", f"connect {ctx.url}; stream n={n}")
        events = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
        generating = sum(1 for e in events if e.get("event") == "generating")
        assert events[-1].get("event") == "complete", events[-1]
        return elapsed, generating

    json_times, counts = zip(*(json_run() for _ in range(c.repeats)), strict=True)
    r.add("shell --json process", list(json_times))
    r.extra["json_generating_events"] = list(counts)

    def client_run() -> float:
        from gradio_client import Client

        client = Client(ctx.url, verbose=False)
        start = time.perf_counter()
        job = client.submit(n, api_name="/stream")
        job.result()
        elapsed = time.perf_counter() - start
        r.extra["gradio_client_outputs"] = len(job.outputs())
        client.close()
        return elapsed

    r.add("gradio_client", [client_run() for _ in range(c.repeats)])
    r.checks.append(Check("shell / floor", r.ratio("shell (live panel)", "floor"), 1.2))
    r.checks.append(Check("screen refreshes per second", max(fps), 30))
    lost = max(c.updates - min(counts), 0)
    r.checks.append(Check("generating events lost in --json", float(lost), 0))
    return r


# -- long streams: at the prompt, from a script, the first token ------------------------------

PROMPT = rb"(?:\x1b\[[0-9;?]*[A-Za-z])*>"
FIRST_WORD = b"Quokka"
"""The first update of ``stream_markdown`` is this word alone."""


def stream_marks(url: str) -> list[float]:
    """The app's monotonic times of its last stream's first yield and every hundredth."""

    async def read() -> list[float]:
        client = await FloorClient(url).connect()
        try:
            _, data = await client.call("/stream_marks", [])
        finally:
            await client.close()
        return [float(t) for t in json.loads(data[0])]

    return asyncio.run(read())


def floor_stream(url: str, n: int, delay_ms: int = 0) -> dict[str, Any]:
    """The floor's side of one long stream: its CPU, its CPU by quarter and its first token's
    delay, all against the app's marks."""

    async def go() -> tuple[list[Any], list[tuple[float, float]], float]:
        client = await FloorClient(url).connect()
        try:
            start = time.process_time()
            values, seen = await client.stream("/stream_markdown", [str(n), str(delay_ms)])
            cpu = time.process_time() - start
        finally:
            await client.close()
        return values, seen, cpu

    values, seen, cpu = asyncio.run(go())
    marks = stream_marks(url)
    assert len(seen) == len(marks), (len(seen), len(marks))
    assert values and len(values[0]) > 1000, values
    found = {"cpu": cpu, "first_token_ms": (seen[0][0] - marks[0]) * 1000, "final": values[0]}
    if len(seen) == 101:  # the 1st, 40th, 80th... of 4,000 updates
        found["first_quarter"] = seen[25][1] - seen[0][1]
        found["last_quarter"] = seen[100][1] - seen[75][1]
    return found


def _interpolate(samples: list[tuple[float, float]], when: float) -> float:
    """The value of a sampled (time, value) series at ``when``, interpolated linearly."""
    import bisect

    times = [t for t, _ in samples]
    i = bisect.bisect_left(times, when)
    if i <= 0:
        return samples[0][1]
    if i >= len(samples):
        return samples[-1][1]
    (t0, v0), (t1, v1) = samples[i - 1], samples[i]
    return v0 + (v1 - v0) * (when - t0) / (t1 - t0) if t1 > t0 else v1


class PromptShell:
    """The real shell at its prompt in a pseudo-terminal, connected to the bench app, in
    colour, as a person runs it."""

    def __init__(self, ctx: Context, rows: int = 30, columns: int = 100) -> None:
        env = {k: v for k, v in ctx.shell.env.items() if k != "NO_COLOR"}
        env["COLORTERM"] = "truecolor"
        self.term = PtyProcess([*ctx.shell.command, ctx.url], env, rows, columns)
        self.mark = self.term.wait_for(rb"app1" + PROMPT, timeout=60)

    def stream(self, statement: str, *, sample: bool = True) -> dict[str, Any]:
        """Run ``statement`` (a long stream) and wait for its end and the next prompt: the
        CPU it took, sampled CPU of the process's threads every few milliseconds, when its
        first word and its end reached the terminal, and the bytes written."""
        import threading

        pid = self.term.pid
        samples: list[tuple[float, float]] = []
        stop = threading.Event()

        def sampler() -> None:
            while not stop.is_set():
                samples.append((time.monotonic(), threads_cpu(pid)))
                stop.wait(0.004)

        thread = threading.Thread(target=sampler, daemon=True)
        start = self.mark
        before = process_cpu(pid)
        if sample:
            thread.start()
        self.term.send(statement + "\r")
        first = self.term.wait_for(re.escape(FIRST_WORD), start) - len(FIRST_WORD)
        # A call's panel ends with "done in"; a chat answer with its time to first token.
        done = self.term.wait_for(rb"done in|to first token|answered in", start)
        self.mark = self.term.wait_for(rb"app1" + PROMPT, max(done, first))
        cpu = process_cpu(pid) - before
        stop.set()
        if sample:
            thread.join()
        return {
            "cpu": cpu,
            "samples": samples,
            "first_word_at": self.term.arrival(first),
            "done_at": self.term.arrival(done - 1),
            "bytes": self.mark - start,
        }

    def close(self) -> None:
        self.term.send("exit\r")
        with contextlib.suppress(Exception):
            self.term.process.wait(timeout=10)
        self.term.close()


def prompt_stream(ctx: Context) -> Result:
    c = ctx.counts
    n = c.stream_updates
    # Paced at 1 ms an update, as a model's tokens are: each quarter of the stream takes
    # about as long as the others, whatever else the machine is doing, so that the CPU of
    # the quarters compares the work of their updates, not how fast the server went.
    delay = 1
    statement = ctx.stream_statement.format(n=n, delay_ms=delay)
    r = Result(
        "prompt_stream",
        "streaming at the prompt",
        f"a growing Markdown answer of {n} updates (25 KB) in a 100×30 pseudo-terminal: "
        "the shell's CPU ≤ 2× the floor's; the last quarter's CPU ≤ 1.2× the first's",
    )

    async def in_process() -> None:
        """The same stream in process, its panel drawn on a discarding 100×30 terminal:
        what ``--profile`` profiles (the process in the pseudo-terminal cannot be)."""
        shell, _ = shell_objects(interactive=True, terminal=NullTerminal(), height=30)
        assert await shell.run_line(f"connect {ctx.url}") == 0
        assert await shell.run_line(statement) == 0
        await shell.aclose()

    profile(ctx, "prompt_stream", in_process, threads=True)
    shell = PromptShell(ctx)
    floor_cpu, floor_ratio, shell_cpu, shell_ratio, lags, written = [], [], [], [], [], []
    quarters: list[list[float]] = []
    try:
        shell.stream(ctx.stream_statement.format(n=100, delay_ms=0), sample=False)  # warm
        for i in range(c.stream_repeats):  # by turns, each first every other time
            for side in ("floor", "shell") if i % 2 == 0 else ("shell", "floor"):
                if side == "floor":
                    f = floor_stream(ctx.url, n, delay)
                    floor_cpu.append(f["cpu"])
                    floor_ratio.append(f["last_quarter"] / f["first_quarter"])
                    continue
                s = shell.stream(statement)
                marks = stream_marks(ctx.url)
                at = [_interpolate(s["samples"], t) for t in marks]
                first, last = at[25] - at[0], at[100] - at[75]
                quarters.append([round(at[q + 25] - at[q], 4) for q in (0, 25, 50, 75)])
                shell_cpu.append(s["cpu"])
                shell_ratio.append(last / first if first else float("inf"))
                lags.append(round((s["done_at"] - marks[-1]) * 1000, 1))
                written.append(s["bytes"])
    finally:
        shell.close()
    r.add("floor CPU", floor_cpu)
    r.add("shell CPU", shell_cpu)
    r.add("floor CPU, last quarter ÷ first", floor_ratio)
    r.add("shell CPU, last quarter ÷ first", shell_ratio)
    r.extra["statement"] = statement
    r.extra["shell_cpu_by_quarter"] = quarters
    r.extra["shell_end_after_last_yield_ms"] = lags
    r.extra["terminal_bytes"] = written
    r.notes.append(
        "CPU by quarter: the shell's threads' CPU (/proc/PID/task/*/schedstat, sampled every "
        "4 ms) at the app's own monotonic times of its 1st, 1,000th, 3,000th and 4,000th "
        "yield; the floor's process time when it has applied those updates"
    )
    r.checks.append(Check("shell CPU / floor CPU", r.ratio("shell CPU", "floor CPU"), 2))
    r.checks.append(
        Check(
            "shell CPU, last quarter / first quarter",
            r.measured["shell CPU, last quarter ÷ first"],
            1.2,
        )
    )
    return r


def first_token(ctx: Context) -> Result:
    c = ctx.counts
    r = Result(
        "first_token",
        "time to first token",
        "from the app's first yield to the first word on the terminal (pseudo-terminal): "
        "≤ 5 ms more than the floor's",
        unit="ms",
    )
    # The first word stays alone for 150 ms: a live view that shows it late still shows it.
    n, delay = 4, 150
    statement = ctx.stream_statement.format(n=n, delay_ms=delay)
    shell = PromptShell(ctx)
    floor, ours = [], []
    try:
        shell.stream(statement, sample=False)  # warm: what the first call imports
        for _ in range(c.process_repeats * 2):
            floor.append(floor_stream(ctx.url, n, delay)["first_token_ms"])
            s = shell.stream(statement, sample=False)
            ours.append((s["first_word_at"] - stream_marks(ctx.url)[0]) * 1000)
    finally:
        shell.close()
    r.add("floor", floor)
    r.add("shell (prompt, pty)", ours)
    gap = r.measured["shell (prompt, pty)"] - r.measured["floor"]
    r.measured["shell − floor"] = gap
    r.checks.append(Check("shell − floor, ms", gap, 5))
    return r


def script_stream(ctx: Context) -> Result:
    c = ctx.counts
    n = c.stream_updates
    delay = 1
    statement = ctx.stream_statement.format(n=n, delay_ms=delay)
    r = Result(
        "script_stream",
        "streaming from a script",
        f"the same answer of {n} updates from `gradioshell -c` to a file: bytes written ≤ the "
        "answer + 1%; the stream's CPU ≤ 1.3× the floor's",
    )
    out = ctx.work / "script-stream.txt"

    def shell_cpu(script: str) -> tuple[float, int]:
        """CPU seconds of a whole shell process (from its resource usage), and the bytes
        it wrote to stdout (a file)."""
        with open(out, "wb") as handle:
            process = subprocess.Popen(
                [*ctx.shell.command, "-c", script],
                stdin=subprocess.DEVNULL,
                stdout=handle,
                stderr=subprocess.DEVNULL,
                env=ctx.shell.env,
                cwd=ROOT,
            )
            _, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
        assert process.returncode == 0, f"the script exited {process.returncode}"
        return usage.ru_utime + usage.ru_stime, out.stat().st_size

    floor_cpu, shell_cpu_s, written = [], [], []
    final = ""
    for _ in range(max(1, c.stream_repeats - 2)):
        f = floor_stream(ctx.url, n, delay)
        floor_cpu.append(f["cpu"])
        final = f["final"]
        connect_only, _ = shell_cpu(f"connect {ctx.url}")
        whole, size = shell_cpu(f"connect {ctx.url}; {statement}")
        shell_cpu_s.append(whole - connect_only)
        written.append(size)
    answer = len(final.encode()) + 1  # and its line break
    r.add("floor CPU", floor_cpu)
    r.add("shell CPU (process with the stream − process that only connects)", shell_cpu_s)
    r.measured["bytes written"] = float(max(written))
    r.measured["answer's bytes"] = float(answer)
    r.unit = "s"
    r.extra["bytes_written"] = written
    r.checks.append(Check("bytes written / the answer's", max(written) / answer, 1.01))
    r.checks.append(
        Check(
            "shell CPU / floor CPU",
            r.ratio(
                "shell CPU (process with the stream − process that only connects)", "floor CPU"
            ),
            1.3,
        )
    )
    return r


# -- concurrency ---------------------------------------------------------------------------


def concurrency(ctx: Context) -> Result:
    c = ctx.counts
    r = Result(
        "concurrency",
        "concurrency",
        f"{c.jobs} background jobs (each waits {c.job_seconds:g}s) on an app with a concurrency "
        "limit of 100: all in flight at once; total ≤ 1.3× the floor with asyncio",
    )
    seconds = f"{c.job_seconds:g}"

    async def floor_run() -> float:
        client = await FloorClient(ctx.url).connect()
        start = time.perf_counter()
        results = await client.call_many("/slow", [[seconds]] * c.jobs)
        elapsed = time.perf_counter() - start
        await client.close()
        assert results == [["done"]] * c.jobs
        return elapsed

    r.add("floor", [asyncio.run(floor_run()) for _ in range(c.repeats)])

    def client_run() -> float:
        from gradio_client import Client

        client = Client(ctx.url, verbose=False)
        start = time.perf_counter()
        jobs = [client.submit(seconds, api_name="/slow") for _ in range(c.jobs)]
        assert [job.result() for job in jobs] == ["done"] * c.jobs
        elapsed = time.perf_counter() - start
        client.close()
        return elapsed

    r.add("gradio_client", [client_run() for _ in range(max(1, c.repeats // 2))])

    if not (has_command("jobs") and has_command("wait")):
        r.skip("shell", "the shell has no background jobs yet (`cmd &`, `jobs`, `wait`)")
        return r

    async def shell_run() -> float:
        shell, out = shell_objects()
        assert await shell.run_line(f"connect {ctx.url}") == 0
        line = "; ".join([f"slow seconds={seconds} &"] * c.jobs) + "; wait"
        start = time.perf_counter()
        code = await shell.run_line(line)
        elapsed = time.perf_counter() - start
        await shell.aclose()
        assert code == 0, out.getvalue()[-500:]
        return elapsed

    r.add("shell", [asyncio.run(shell_run()) for _ in range(c.repeats)])
    r.checks.append(Check("shell / floor", r.ratio("shell", "floor"), 1.3))
    in_flight = r.measured["shell"] / c.job_seconds
    r.checks.append(Check("shell total / one job's wait (all in flight ⇒ < 2)", in_flight, 2))
    return r


# -- completion ----------------------------------------------------------------------------


def completion(ctx: Context) -> Result:
    r = Result(
        "completion",
        "completion",
        "300 endpoints × 20 parameters: p99 ≤ 5 ms per keystroke in process; ≤ 50 ms to screen",
        unit="ms",
    )
    try:
        from gradioshell.completer import ShellCompleter
    except ImportError:
        r.skip("shell", "the shell has no completer yet (gradioshell/completer.py)")
        return r
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    lines = completion_lines(ctx.counts.keystrokes)

    async def in_process() -> list[float]:
        shell, _ = shell_objects()
        assert await shell.run_line(f"connect {ctx.wide_url}") == 0
        completer = ShellCompleter(shell)
        event = CompleteEvent(completion_requested=True)
        list(completer.get_completions(Document("g"), event))  # the index is built once
        times = []
        for line in lines:
            for end in range(1, len(line) + 1):
                document = Document(line[:end])
                start = time.perf_counter()
                list(completer.get_completions(document, event))
                times.append((time.perf_counter() - start) * 1000)
        await shell.aclose()
        return times

    times = asyncio.run(in_process())
    profile(ctx, "completion", in_process)
    times.sort()
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    r.add("shell: per keystroke, median", [statistics.median(times)])
    r.measured["shell: per keystroke, p99"] = p99
    r.extra["keystrokes_in_process"] = len(times)
    r.checks.append(Check("p99 per keystroke in process, ms", p99, 5))
    try:
        screen = keystroke_to_menu(ctx, max(3, ctx.counts.keystrokes // 25))
    except Exception as exc:  # the pty part is best effort: say why it is missing
        r.skip("shell: keystroke to menu (pty)", f"{type(exc).__name__}: {exc}")
    else:
        r.add("shell: keystroke to menu (pty)", screen)
        r.measured["shell: keystroke to menu (pty), slowest"] = max(screen)
        r.checks.append(Check("keystroke to menu on screen, slowest, ms", max(screen), 50))
    return r


def completion_lines(count: int) -> list[str]:
    """Command lines as a user types them on the wide app, up to ``count`` keystrokes."""
    from benchmarks.apps.wide_app import PARAMS, endpoint_names

    names = endpoint_names()
    lines: list[str] = []
    total = 0
    i = 0
    while total < count:
        name = names[(i * 37) % len(names)]
        line = f"{name} {PARAMS[i % len(PARAMS)]}=1 {PARAMS[(i + 7) % len(PARAMS)]}=x"
        lines.append(line)
        total += len(line)
        i += 1
    return lines


def prompt_pattern(name: str) -> str:
    """The prompt ``NAME>`` as a regex, through the escape sequences of its styling."""
    return re.escape(name) + r"(?:\x1b\[[0-9;?]*[A-Za-z])*>"


def keystroke_to_menu(ctx: Context, samples: int) -> list[float]:
    """Milliseconds from a Tab to the completion menu on screen, in a pseudo-terminal."""
    import pexpect

    from benchmarks.apps.wide_app import endpoint_names

    child = pexpect.spawn(
        ctx.shell.command[0],
        [*ctx.shell.command[1:], ctx.wide_url],
        env=ctx.shell.env,
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 120),
    )
    # pexpect sleeps 50 ms before every send unless told not to; that is not the shell's time.
    child.delaybeforesend = None
    times = []
    prompt = prompt_pattern("app1")
    try:
        child.expect(prompt)
        names = endpoint_names()
        verbs = list(dict.fromkeys(name.split("_")[0] for name in names))
        for i in range(samples):
            verb = verbs[i % len(verbs)]
            matching = [name for name in names if name.startswith(verb + "_")]
            typed = verb + "_"
            child.send(typed)
            child.expect_exact(typed)
            start = time.perf_counter()
            child.send("\t")
            # Tab inserts the first match and opens the menu: the second is only in the menu.
            child.expect_exact(matching[1])
            times.append((time.perf_counter() - start) * 1000)
            child.sendintr()  # Ctrl-C: a fresh prompt
            child.expect(prompt)
        child.sendline("exit")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    return times


# -- memory --------------------------------------------------------------------------------


def memory(ctx: Context) -> Result:
    c = ctx.counts
    r = Result(
        "memory",
        "memory",
        f"RSS after {c.sessions} sessions to the 300×20 app and after {c.memory_calls} calls: "
        "≤ 100 MB; no growth after the first 100 calls",
        unit="MB",
    )
    call = "@s0 generate_image width=hi"
    command = [
        *python(),
        "-m",
        "benchmarks.probe",
        "memory",
        ctx.wide_url,
        call,
        "--sessions",
        str(c.sessions),
        "--calls",
        str(c.memory_calls),
    ]
    _, done = run_process(command, env=ctx.shell.env, timeout=1200)
    report = json.loads(done.stdout)
    steps = report["rss_calls_mb"]
    r.extra["shell"] = report
    r.add("shell: start", [report["rss_start_mb"]])
    r.add(f"shell: {c.sessions} sessions", [report["rss_sessions_mb"]])
    r.add(f"shell: after {c.memory_calls} calls", [steps[-1][1]])
    after_first = [rss for i, rss in steps if i >= min(100, c.memory_calls)]
    growth = after_first[-1] - after_first[0] if after_first else 0.0
    r.measured["shell: growth after the first 100 calls"] = growth
    client_command = [
        *python(),
        "-m",
        "benchmarks.probe",
        "client-memory",
        ctx.wide_url,
        "--sessions",
        str(c.sessions),
    ]
    _, done = run_process(client_command, timeout=1200)
    client = json.loads(done.stdout)
    r.extra["gradio_client"] = client
    r.add(f"gradio_client: {c.sessions} Clients", [client["rss_sessions_mb"]])
    r.checks.append(Check("shell RSS, MB", max(report["rss_sessions_mb"], steps[-1][1]), 100))
    # 1 MB of slack: the call history the shell keeps on purpose (one record per call).
    r.checks.append(Check("growth after 100 calls, MB", round(growth, 1), 1.0))
    return r


# -- large files ---------------------------------------------------------------------------


def large_files(ctx: Context) -> Result:
    c = ctx.counts
    r = Result(
        "large_files",
        "large files",
        f"upload and download of a {c.file_mb} MB file: ≥ 0.8× the floor's throughput; memory flat",
        unit="MB/s",
    )
    source = ctx.work / f"upload-{c.file_mb}.bin"
    if not source.exists():
        block = os.urandom(1 << 20)
        with open(source, "wb") as handle:
            for _ in range(c.file_mb):
                handle.write(block)

    async def floor_files() -> tuple[float, float]:
        client = await FloorClient(ctx.url).connect()
        try:
            # The same warm-up as the shell's: one small upload and download.
            warm = await client.http.post(
                client.api + "/upload", files={"files": ("warm-up.bin", os.urandom(1 << 20))}
            )
            warm.raise_for_status()
            _, data = await client.call("/make_file", ["1"])
            (await client.http.get(data[0]["url"])).raise_for_status()
            with open(source, "rb") as handle:
                start = time.perf_counter()
                response = await client.http.post(
                    client.api + "/upload", files={"files": (source.name, handle)}
                )
                response.raise_for_status()
                path = response.json()[0]
                meta = {"_type": "gradio.FileData"}
                file = {"path": path, "orig_name": source.name, "meta": meta}
                _, data = await client.call("/file_size", [file])
                up = time.perf_counter() - start
            assert data == [str(c.file_mb << 20)], data
            target = ctx.work / "download.bin"
            start = time.perf_counter()
            _, data = await client.call("/make_file", [str(c.file_mb)])
            async with client.http.stream("GET", data[0]["url"]) as download:
                download.raise_for_status()
                with open(target, "wb") as out:
                    async for chunk in download.aiter_bytes(1 << 18):
                        out.write(chunk)
            down = time.perf_counter() - start
            assert target.stat().st_size == c.file_mb << 20
            target.unlink()
        finally:
            await client.close()
        return c.file_mb / up, c.file_mb / down

    repeats = max(1, c.repeats // 2)
    try:
        import gradioshell.transfers  # noqa: F401
    except ImportError:
        shell_ready = False
    else:
        shell_ready = True
    ups, downs, shell_up, shell_down, growth = [], [], [], [], []
    for _ in range(repeats):  # interleaved, so that the server's caches favour neither
        up, down = asyncio.run(floor_files())
        ups.append(up)
        downs.append(down)
        if not shell_ready:
            continue
        command = [*python(), "-m", "benchmarks.probe", "files", ctx.url, str(source)]
        command += ["--megabytes", str(c.file_mb), "--downloads", str(ctx.work / "downloads")]
        _, done = run_process(command, env=ctx.shell.env, timeout=1200)
        report = json.loads(done.stdout)
        shell_up.append(c.file_mb / report["upload_s"])
        shell_down.append(c.file_mb / report["download_s"])
        growth.append(report["peak_mb"] - report["rss_connected_mb"])
        r.extra.setdefault("shell", []).append(report)
    r.add("floor upload", ups)
    r.add("floor download", downs)
    if not shell_ready:
        r.skip("shell", "the shell has no file upload/download yet")
        return r
    r.add("shell upload", shell_up)
    r.add("shell download", shell_down)
    r.unit = "MB/s"
    r.extra["shell_peak_rss_growth_mb"] = growth
    up_ratio = r.ratio("shell upload", "floor upload")
    r.checks.append(Check("shell upload / floor", up_ratio, 0.8, True))
    r.checks.append(
        Check("shell download / floor", r.ratio("shell download", "floor download"), 0.8, True)
    )
    # Flat: the peak stays far below the file's size (it is streamed, never read whole).
    limit = max(20.0, c.file_mb / 4)
    r.checks.append(Check("peak RSS growth during the transfers, MB", max(growth), limit))
    return r


CASES: dict[str, Callable[[Context], Result]] = {
    "startup": startup,
    "one_shot": one_shot,
    "connect": connect,
    "call_overhead": call_overhead,
    "streaming": streaming,
    "prompt_stream": prompt_stream,
    "first_token": first_token,
    "script_stream": script_stream,
    "concurrency": concurrency,
    "completion": completion,
    "memory": memory,
    "large_files": large_files,
}
