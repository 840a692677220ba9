"""Run the corpus outside pytest and print every difference, for working on the shell.

python -m tests.corpus                       # every release, every app
python -m tests.corpus -r 6.31.0 chat_echo   # one release, some apps
python -m tests.corpus -r 4.44.1 --show      # also what both clients answered, per step
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from tests.corpus.apps import all_apps
from tests.corpus.fixtures import make_fixtures
from tests.corpus.harness import RELEASES, check_release, shell_environment
from tests.corpus.known_differences import KNOWN
from tests.corpus.model import App


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.corpus")
    parser.add_argument("apps", nargs="*", help="app names (default: all)")
    parser.add_argument("-r", "--release", action="append", help="a Gradio release (repeatable)")
    parser.add_argument("--show", action="store_true", help="print both answers of every step")
    args = parser.parse_args()
    apps = [a for a in all_apps() if not args.apps or a.name in args.apps]
    with tempfile.TemporaryDirectory(prefix="gradioshell-corpus-") as folder:
        return run_corpus(apps, args.release or RELEASES, Path(folder), show=args.show)


def run_corpus(apps: list[App], releases: list[str], work: Path, *, show: bool) -> int:
    fixtures = make_fixtures(work / "fixtures")
    env = shell_environment(work / "home")
    total = 0
    for version in releases:
        chosen = [a for a in apps if a.runs_on(version)]
        if not chosen:
            continue
        started = time.monotonic()
        run = check_release(version, chosen, fixtures, work / version, env, show=show)
        steps = found = 0
        for name, failure in run.failed.items():
            print(f"[{version}] {name} could not be built:\n{failure}")
        for name, app_run in run.apps.items():
            steps += sum(len(c.steps) for c in app_run.cases)
            for step, report in run.found[name]:
                if (version, name, step.endpoint) not in KNOWN:
                    found += 1
                    print(f"[{version}] {report}\n")
            if show:
                print("\n".join(f"[{version}] {line}" for line in run.shown[name].splitlines()))
        total += found + len(run.failed)
        print(
            f"== Gradio {version}: {len(run.apps)} apps, {steps} steps, {found} differences; "
            f"{time.monotonic() - started:.1f} s with the server's start "
            f"({run.seconds:.1f} s for the calls)\n",
            flush=True,
        )
    return 1 if total else 0


if __name__ == "__main__":
    raise SystemExit(main())
