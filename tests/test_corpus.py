"""The differential corpus: every app of ``tests/corpus/apps`` called by the official client
and by the shell, on each Gradio release, with the answers compared (see
``tests/corpus/harness.py``).

One test per app and release. A failure names the case, the shell's statement, the client's
call and what each returned. Differences that are the official client's fault are listed,
with the reason, in ``tests/corpus/known_differences.py``. Left out of a fast run with
``pytest -m "not corpus"``; ``python -m tests.corpus`` runs the same outside pytest.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.corpus.apps import all_apps
from tests.corpus.fixtures import make_fixtures
from tests.corpus.harness import RELEASES, ReleaseRun, check_release, shell_environment
from tests.corpus.known_differences import KNOWN
from tests.corpus.model import App

pytestmark = [pytest.mark.corpus, pytest.mark.timeout(1200)]

APPS = all_apps()
PAIRS = [(version, a) for version in RELEASES for a in APPS if a.runs_on(version)]


class Corpus:
    """Each release's run, made on first use: one server, the official client, the shells."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.fixtures = make_fixtures(work / "fixtures")
        self.env = shell_environment(work / "home")
        self.runs: dict[str, ReleaseRun] = {}

    def run(self, version: str) -> ReleaseRun:
        if version not in self.runs:
            apps = [a for a in APPS if a.runs_on(version)]
            run = check_release(version, apps, self.fixtures, self.work / version, self.env)
            print(f"\ncorpus on Gradio {version}: {len(run.apps)} apps in {run.seconds:.1f} s")
            self.runs[version] = run
        return self.runs[version]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return Corpus(tmp_path_factory.mktemp("corpus"))


@pytest.mark.parametrize(
    ("release", "corpus_app"), PAIRS, ids=[f"{version}-{a.name}" for version, a in PAIRS]
)
def test_shell_agrees_with_the_official_client(
    corpus: Corpus, release: str, corpus_app: App
) -> None:
    run = corpus.run(release)
    if corpus_app.name in run.failed:
        pytest.fail(
            f"{corpus_app.name} could not be built on Gradio {release}:\n"
            f"{run.failed[corpus_app.name]}",
            pytrace=False,
        )
    found = run.found[corpus_app.name]
    unknown = [text for s, text in found if (release, corpus_app.name, s.endpoint) not in KNOWN]
    if unknown:
        pytest.fail("\n\n".join(unknown), pytrace=False)
    if found:
        reasons = {KNOWN[(release, corpus_app.name, s.endpoint)] for s, _ in found}
        pytest.xfail("; ".join(sorted(reasons)))
