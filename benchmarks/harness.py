"""What every case shares: the apps, the ways to run the shell, timing and results."""

from __future__ import annotations

import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Counts:
    """How much each case does; ``quick()`` is for proving the suite works, not for numbers."""

    repeats: int = 5
    process_repeats: int = 7
    calls: int = 200
    client_calls: int = 50
    updates: int = 5000
    jobs: int = 100
    job_seconds: float = 1.0
    sessions: int = 20
    memory_calls: int = 1000
    file_mb: int = 200
    keystrokes: int = 500
    #: The long Markdown stream (prompt, script, first token): updates and runs of each.
    stream_updates: int = 4000
    stream_repeats: int = 5

    @classmethod
    def quick(cls) -> Counts:
        return cls(
            repeats=1,
            process_repeats=1,
            calls=5,
            client_calls=2,
            updates=50,
            jobs=5,
            job_seconds=0.2,
            sessions=2,
            memory_calls=20,
            file_mb=2,
            keystrokes=20,
            stream_updates=200,
            stream_repeats=1,
        )


@dataclass
class Check:
    """One target: the measured ratio (or value) against its limit."""

    name: str
    value: float | None
    limit: float
    higher_is_better: bool = False

    @property
    def met(self) -> bool | None:
        if self.value is None:
            return None
        return self.value >= self.limit if self.higher_is_better else self.value <= self.limit

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": self.value,
            "limit": self.limit,
            "higher_is_better": self.higher_is_better,
            "met": self.met,
        }


@dataclass
class Result:
    """The outcome of one case: measurements by contender, ratios and checks."""

    case: str
    figure: str
    target: str
    unit: str = "s"
    measured: dict[str, float] = field(default_factory=dict)
    samples: dict[str, list[float]] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    not_measured: dict[str, str] = field(default_factory=dict)

    def add(self, contender: str, samples: list[float]) -> float:
        self.samples[contender] = samples
        self.measured[contender] = statistics.median(samples)
        return self.measured[contender]

    def skip(self, contender: str, why: str) -> None:
        self.not_measured[contender] = why

    def ratio(self, a: str, b: str) -> float | None:
        if a in self.measured and b in self.measured and self.measured[b]:
            return self.measured[a] / self.measured[b]
        return None

    def as_dict(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "figure": self.figure,
            "target": self.target,
            "unit": self.unit,
            "measured": self.measured,
            "samples": self.samples,
            "checks": [c.as_dict() for c in self.checks],
            "extra": self.extra,
            "notes": self.notes,
            "not_measured": self.not_measured,
        }


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class App:
    name: str
    url: str
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        stop_process(self.process)


def stop_process(process: subprocess.Popen[Any]) -> None:
    """End ``process`` if it still runs: asked first, killed after 10 s."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def start_apps(names: list[str], log_dir: Path, timeout: float = 180.0) -> dict[str, App]:
    """Start ``benchmarks.apps.NAME`` for each name, all at once, and wait for them to answer."""
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "PYTHONUNBUFFERED": "1"}
    apps: dict[str, App] = {}
    for name in names:
        port = free_port()
        with open(log_dir / f"{name}.log", "wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", f"benchmarks.apps.{name}", "--port", str(port)],
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        apps[name] = App(name, f"http://127.0.0.1:{port}", process)
    deadline = time.monotonic() + timeout
    waiting = set(names)
    try:
        while waiting:
            if time.monotonic() > deadline:
                raise RuntimeError(f"benchmark apps did not start: {sorted(waiting)}")
            for name in list(waiting):
                app = apps[name]
                if app.process.poll() is not None:
                    log = (log_dir / f"{name}.log").read_text(errors="replace")[-2000:]
                    raise RuntimeError(f"benchmark app {name} exited at start:\n{log}")
                try:
                    if httpx.get(app.url + "/config", timeout=2.0).status_code == 200:
                        waiting.discard(name)
                except httpx.HTTPError:
                    pass
            time.sleep(0.2)
    except BaseException:
        for app in apps.values():
            app.stop()
        raise
    return apps


class ShellRunner:
    """The real ``gradioshell`` command, run as a process in an isolated home."""

    def __init__(self) -> None:
        compile_bytecode()
        self.home = Path(tempfile.mkdtemp(prefix="gradioshell-bench-"))
        script = Path(sys.executable).parent / "gradioshell"
        self.command = [str(script)] if script.exists() else [sys.executable, "-m", "gradioshell"]
        self.env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("XDG_", "HF_", "HUGGING_FACE", "GRADIOSHELL_"))
        }
        self.env.update(
            HOME=str(self.home),
            XDG_CONFIG_HOME=str(self.home / ".config"),
            XDG_DATA_HOME=str(self.home / ".local/share"),
            XDG_STATE_HOME=str(self.home / ".local/state"),
            XDG_CACHE_HOME=str(self.home / ".cache"),
            NO_COLOR="1",
            TERM="xterm-256color",
            PROMPT_TOOLKIT_NO_CPR="1",
            COLUMNS="120",
            LINES="40",
        )

    def run(
        self, *args: str, input: str = "", timeout: float = 300.0
    ) -> tuple[float, subprocess.CompletedProcess[str]]:
        return run_process([*self.command, *args], input=input, env=self.env, timeout=timeout)

    def cleanup(self) -> None:
        shutil.rmtree(self.home, ignore_errors=True)


def compile_bytecode() -> None:
    """Write the shell's bytecode, as installing a package does.

    An editable install compiles nothing, and with ``PYTHONDONTWRITEBYTECODE`` set every
    module changed since its bytecode was last written is compiled again by each process:
    start-up figures would then time the compiler, not the shell.
    """
    import compileall

    import gradioshell

    compileall.compile_dir(Path(gradioshell.__file__).parent, quiet=1)


def run_process(
    command: list[str], *, input: str = "", env: dict[str, str] | None = None, timeout: float = 300
) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run a whole process; its wall time and outcome. A failure raises with its stderr."""
    start = time.perf_counter()
    done = subprocess.run(
        command, input=input, capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command[:4])}... exited {done.returncode}: {done.stderr[-1500:]}"
        )
    return elapsed, done


class NullTerminal:
    """A terminal that discards what is written, counting the bytes and writes."""

    def __init__(self) -> None:
        self.bytes = 0
        self.writes = 0

    def write(self, text: str) -> int:
        self.bytes += len(text)
        self.writes += 1
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return True

    def fileno(self) -> int:
        raise OSError("not a real terminal")


@contextmanager
def cpu_time() -> Iterator[dict[str, float]]:
    """CPU seconds this process spends in the block (all threads)."""
    box: dict[str, float] = {}
    start = time.process_time()
    try:
        yield box
    finally:
        box["cpu"] = time.process_time() - start


def machine() -> dict[str, Any]:
    import importlib.metadata as md

    def version(name: str) -> str:
        try:
            return md.version(name)
        except md.PackageNotFoundError:
            return "not installed"

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = None
    try:
        with open("/proc/meminfo") as handle:
            memory = round(int(handle.readline().split()[1]) / 1024 / 1024, 1)
    except (OSError, ValueError, IndexError):
        pass
    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": memory,
        "python": platform.python_version(),
        "load_before": os.getloadavg(),
        "versions": {
            name: version(name)
            for name in (
                "gradioshell",
                "gradio",
                "gradio_client",
                "httpx",
                "websockets",
                "rich",
                "prompt_toolkit",
            )
        },
    }


def process_cpu(pid: int) -> float:
    """CPU seconds (user and system) a process has used, its ended threads included."""
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def threads_cpu(pid: int) -> float:
    """CPU seconds of a process's live threads, in nanosecond steps (``schedstat``), for
    short intervals that the clock ticks of :func:`process_cpu` would round away."""
    total = 0
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return 0.0
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/schedstat") as handle:
                total += int(handle.read().split()[0])
        except (OSError, ValueError, IndexError):
            continue
    return total / 1e9


class PtyProcess:
    """A real process on a pseudo-terminal of the given size. A thread reads all it writes
    as it comes (so it never blocks on a full terminal), keeping each chunk's arrival time."""

    def __init__(
        self, command: list[str], env: dict[str, str], rows: int = 30, columns: int = 100
    ) -> None:
        import fcntl
        import pty
        import struct
        import termios
        import threading

        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.process = subprocess.Popen(
            command,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env={**env, "LINES": str(rows), "COLUMNS": str(columns)},
            cwd=ROOT,
            start_new_session=True,
        )
        os.close(slave)
        self.pid = self.process.pid
        self.output = bytearray()
        #: (offset in ``output`` where a chunk starts, time.monotonic() it was read)
        self.chunks: list[tuple[int, float]] = []
        self.changed = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.master, 1 << 16)
            except OSError:
                data = b""
            now = time.monotonic()
            with self.changed:
                if not data:
                    self.chunks.append((len(self.output), now))
                    self.closed = True
                    self.changed.notify_all()
                    return
                self.chunks.append((len(self.output), now))
                self.output += data
                self.changed.notify_all()

    closed = False

    def send(self, text: str) -> None:
        os.write(self.master, text.encode())

    def wait_for(self, pattern: bytes, start: int = 0, timeout: float = 120.0) -> int:
        """Wait until ``pattern`` (a regex) is in the output after ``start``: the end of the
        match."""
        import re

        compiled = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                found = compiled.search(self.output, start)
                if found:
                    return found.end()
                if self.closed:
                    raise RuntimeError(f"the process ended before {pattern!r}")
                left = deadline - time.monotonic()
                if left <= 0:
                    tail = bytes(self.output[-500:])
                    raise TimeoutError(f"no {pattern!r} after {timeout:.0f} s: {tail!r}")
                self.changed.wait(left)

    def arrival(self, offset: int) -> float:
        """When the byte at ``offset`` was read."""
        with self.changed:
            found = self.chunks[0][1]
            for start, when in self.chunks:
                if start > offset:
                    break
                found = when
            return found

    def close(self) -> None:
        stop_process(self.process)
        with suppress(OSError):
            os.close(self.master)
        self.reader.join(timeout=5)
