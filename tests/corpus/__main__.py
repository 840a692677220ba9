"""Run the corpus outside pytest and print every difference, for working on the shell.

    python -m tests.corpus                       # every release, every app
    python -m tests.corpus -r 6.31.0 chat_echo   # one release, some apps
    python -m tests.corpus -r 4.44.1 --show      # also what both clients answered, per step
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from tests.corpus.apps import all_apps
from tests.corpus.fixtures import make_fixtures
from tests.corpus.harness import Canon, differences, run_release, start_server
from tests.corpus.known_differences import KNOWN

RELEASES = ["6.31.0", "5.50.0", "4.44.1", "3.50.2"]


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.corpus")
    parser.add_argument("apps", nargs="*", help="app names (default: all)")
    parser.add_argument("-r", "--release", action="append", help="a Gradio release (repeatable)")
    parser.add_argument("--show", action="store_true", help="print both answers of every step")
    args = parser.parse_args()
    apps = [a for a in all_apps() if not args.apps or a.name in args.apps]
    work = Path(tempfile.mkdtemp(prefix="gradioshell-corpus-"))
    fixtures = make_fixtures(work / "fixtures")
    home = work / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "GRADIOSHELL_"))}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "data"), NO_COLOR="1")
    env.update(XDG_CONFIG_HOME=str(home / "config"), XDG_STATE_HOME=str(home / "state"))
    total = 0
    for version in args.release or RELEASES:
        chosen = [a for a in apps if a.runs_on(version)]
        if not chosen:
            continue
        started = time.monotonic()
        server = start_server(version, work / f"server-{version}.log")
        try:
            run = run_release(version, server.url, chosen, fixtures, work / version, env)
        finally:
            server.stop()
        canon = Canon(run.client_downloads)
        steps = found = 0
        for name, failure in run.failed.items():
            print(f"[{version}] {name} could not be built:\n{failure}")
        for app_run in run.apps.values():
            steps += sum(len(c.steps) for c in app_run.cases)
            for step, report in differences(app_run, canon):
                if (version, app_run.app.name, step.endpoint) in KNOWN:
                    continue
                found += 1
                print(f"[{version}] {report}\n")
            if args.show:
                _show(version, app_run, canon)
        canon.close()
        total += found + len(run.failed)
        print(
            f"== Gradio {version}: {len(run.apps)} apps, {steps} steps, {found} differences; "
            f"{time.monotonic() - started:.1f} s with the server's start "
            f"({run.seconds:.1f} s for the calls)\n",
            flush=True,
        )
    return 1 if total else 0


def _show(version: str, app_run, canon: Canon) -> None:  # type: ignore[no-untyped-def]
    for case in app_run.cases:
        for index, step in enumerate(case.steps):
            client = app_run.client[case.name][index]
            shell = app_run.shell[case.name][index]
            print(f"[{version}] {app_run.app.name} / {case.name} / {step.command('cN')}")
            for who, answer, shown in (
                ("client", client, canon.client(client.outputs)),
                ("shell ", shell, canon.shell(shell.outputs)),
            ):
                text = json.dumps(shown, ensure_ascii=False) if answer.ok else answer.error
                print(f"    {who}: {text[:600] if text else text}")
                if step.stream and answer.ok:
                    streamed = (canon.client if who == "client" else canon.shell)(answer.stream)
                    print(f"    {who} stream: {json.dumps(streamed, ensure_ascii=False)[:600]}")


if __name__ == "__main__":
    raise SystemExit(main())
