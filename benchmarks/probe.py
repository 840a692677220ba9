"""Measurements that need a fresh interpreter of their own (memory), printed as JSON.

``python -m benchmarks.probe memory URL ENDPOINT ARGS --sessions N --calls M``: the real
:class:`~gradioshell.shell.Shell` with its text output, RSS after connecting N sessions and
every tenth of M calls. ``python -m benchmarks.probe client-memory URL --sessions N``: the
same for gradio_client's ``Client``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
from pathlib import Path


def _status_mb(key: str) -> float | None:
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def rss_mb() -> float:
    """Resident set size now, in MB (peak if /proc is not there)."""
    now = _status_mb("VmRSS")
    return now if now is not None else peak_mb()


def peak_mb() -> float:
    """This process's peak resident set size, in MB.

    From ``VmHWM``, the high-water mark of this process's own memory. Not from
    ``getrusage``: on Linux its ``ru_maxrss`` carries over ``execve`` the peak of the process
    that was replaced, and a child started by ``subprocess`` is a copy of its parent until it
    execs, so a probe started by a runner holding 200 MB reported a peak of 200 MB whatever
    it did itself.
    """
    peak = _status_mb("VmHWM")
    if peak is not None:
        return peak
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak() -> None:
    """Start the peak over from the RSS of now (Linux 4.0+; elsewhere the peak since start)."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        pass


async def shell_memory(url: str, call: str, sessions: int, calls: int) -> dict[str, object]:
    from gradioshell.output import TextOutput
    from gradioshell.shell import Shell

    sink = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the shell
    shell = Shell(TextOutput(stdout=sink, stderr=sink))
    report: dict[str, object] = {"rss_start_mb": rss_mb()}
    try:
        for i in range(sessions):
            if await shell.run_line(f"connect {url} as s{i}"):
                raise SystemExit(f"connect {url} failed")
        report["rss_sessions_mb"] = rss_mb()
        steps = []
        step = max(1, calls // 10)
        for i in range(1, calls + 1):
            if await shell.run_line(call):
                raise SystemExit(f"{call!r} failed")
            if i % step == 0:
                steps.append([i, rss_mb()])
        report["rss_calls_mb"] = steps
        report["peak_mb"] = peak_mb()
    finally:
        await shell.aclose()
        sink.close()
    return report


async def shell_files(url: str, path: str, megabytes: int, downloads: str) -> dict[str, object]:
    import time

    from gradioshell.output import TextOutput
    from gradioshell.shell import Settings, Shell

    sink = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the shell
    settings = Settings()
    if hasattr(settings, "download_dir"):
        settings.download_dir = downloads
    shell = Shell(TextOutput(stdout=sink, stderr=sink), settings)
    try:
        if await shell.run_line(f"connect {url}"):
            raise SystemExit(f"connect {url} failed")
        # A small upload and download first: what they import and cache is not the file.
        small = Path(downloads).parent / "warm-up.bin"
        small.write_bytes(os.urandom(1 << 20))
        if await shell.run_line(f"file_size f={small}") or await shell.run_line(
            "make_file megabytes=1"
        ):
            raise SystemExit("the warm-up transfers failed")
        report: dict[str, object] = {"rss_connected_mb": rss_mb()}
        reset_peak()  # the peak from here on is the transfers' own
        start = time.perf_counter()
        if await shell.run_line(f"file_size f={path}"):
            raise SystemExit("the upload failed")
        report["upload_s"] = time.perf_counter() - start
        report["peak_after_upload_mb"] = peak_mb()
        start = time.perf_counter()
        if await shell.run_line(f"make_file megabytes={megabytes}"):
            raise SystemExit("the download failed")
        report["download_s"] = time.perf_counter() - start
        report["peak_mb"] = peak_mb()
        files = Path(downloads).rglob("*")
        sizes = [f.stat().st_size for f in files if f.is_file()]
        report["downloaded_bytes"] = sizes
        if megabytes << 20 not in sizes:
            raise SystemExit(f"no downloaded file of {megabytes} MB in {downloads}: {sizes}")
    finally:
        await shell.aclose()
        sink.close()
    return report


def client_memory(url: str, sessions: int) -> dict[str, object]:
    from gradio_client import Client

    report: dict[str, object] = {"rss_start_mb": rss_mb()}
    clients = [Client(url, verbose=False) for _ in range(sessions)]
    report["rss_sessions_mb"] = rss_mb()
    report["peak_mb"] = peak_mb()
    for client in clients:
        client.close()
    return report


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["memory", "client-memory", "files"])
    parser.add_argument("url")
    parser.add_argument("call", nargs="?", default="")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--megabytes", type=int, default=200)
    parser.add_argument("--downloads", default="downloads")
    args = parser.parse_args()
    if args.what == "memory":
        report = asyncio.run(shell_memory(args.url, args.call, args.sessions, args.calls))
    elif args.what == "files":
        report = asyncio.run(shell_files(args.url, args.call, args.megabytes, args.downloads))
    else:
        report = client_memory(args.url, args.sessions)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
