"""Run the benchmark suite: ``python -m benchmarks [--quick] [--cases a,b] [--update-docs]``.

It starts its own Gradio apps on loopback, runs every case (see :mod:`benchmarks.cases`),
prints a Markdown report and writes the results as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

from benchmarks.cases import CASES, STREAM_STATEMENT, Context
from benchmarks.harness import ROOT, Counts, ShellRunner, machine, start_apps
from benchmarks.report import markdown, update_document

DOC = ROOT / "docs" / "performance.md"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny counts: proves the suite runs")
    parser.add_argument(
        "--cases",
        default=",".join(CASES),
        help=f"comma-separated cases (default: all of {', '.join(CASES)})",
    )
    parser.add_argument("--json", type=Path, help="write the results as JSON to this file")
    parser.add_argument("--markdown", type=Path, help="write the Markdown report to this file")
    parser.add_argument(
        "--update-docs",
        action="store_true",
        help=f"put the report into {DOC.relative_to(ROOT)} between its result markers",
    )
    parser.add_argument(
        "--profile", type=Path, help="profile the shell side with pyinstrument into this folder"
    )
    parser.add_argument(
        "--stream-statement",
        default=STREAM_STATEMENT,
        help="what the long-stream cases type at the prompt and run in scripts, with {n} and "
        "{delay_ms} filled in; it must stream the bench app's /stream_markdown "
        f"(default: {STREAM_STATEMENT!r})",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    names = [n.strip() for n in args.cases.split(",") if n.strip()]
    unknown = [n for n in names if n not in CASES]
    if unknown:
        print(f"unknown cases: {', '.join(unknown)} (known: {', '.join(CASES)})", file=sys.stderr)
        return 2
    counts = Counts.quick() if args.quick else Counts()
    run: dict[str, object] = {
        "started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "quick": args.quick,
        "counts": counts.__dict__,
        "machine": machine(),
    }
    began = time.perf_counter()
    results = []
    errors: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="gradioshell-bench-") as work:
        work_dir = Path(work)
        print("starting the benchmark apps…", file=sys.stderr)
        apps = start_apps(["bench_app", "wide_app"], work_dir)
        shell = ShellRunner()
        ctx = Context(apps, counts, shell, work_dir, args.profile, args.stream_statement)
        try:
            for name in names:
                print(f"running {name}…", file=sys.stderr)
                start = time.perf_counter()
                try:
                    results.append(CASES[name](ctx).as_dict())
                except Exception as exc:
                    errors[name] = f"{type(exc).__name__}: {exc}"
                    traceback.print_exc()
                    for app in apps.values():
                        if app.process.poll() is not None:
                            log = (work_dir / f"{app.name}.log").read_text(errors="replace")
                            errors[name] += (
                                f" (the app {app.name} had exited with status "
                                f"{app.process.returncode}: {log[-600:]!r})"
                            )
                print(f"  {name}: {time.perf_counter() - start:.1f} s", file=sys.stderr)
        finally:
            for app in apps.values():
                app.stop()
            shell.cleanup()
    run.update(
        results=results,
        errors=errors,
        duration=time.perf_counter() - began,
        load_after=os.getloadavg(),
    )
    report = markdown(run)
    print(report)
    if args.json:
        args.json.write_text(json.dumps(run, indent=1, default=str) + "\n")
    if args.markdown:
        args.markdown.write_text(report)
    if args.update_docs:
        DOC.write_text(update_document(DOC.read_text() if DOC.exists() else "", report))
    return 1 if errors else 0
