"""The differential corpus: every app of ``tests/corpus/apps`` called by the official client
and by the shell, on each Gradio release, with the answers compared (see
``tests/corpus/harness.py``).

A failure names the case, the shell's statement, the client's call and what each returned.
Differences that are the official client's fault are listed, with the reason, in
``tests/corpus/known_differences.py``. Skipped by a fast run: ``pytest -m "not corpus"``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.corpus.apps import all_apps
from tests.corpus.fixtures import make_fixtures
from tests.corpus.harness import Canon, ReleaseRun, differences, run_release, start_server
from tests.corpus.known_differences import KNOWN
from tests.corpus.model import App

pytestmark = [pytest.mark.corpus, pytest.mark.timeout(1200)]

#: Every app runs on the modern releases; 3.50.2 serves the chat and State apps.
RELEASES = ["6.31.0", "5.50.0", "4.44.1", "3.50.2"]
APPS = all_apps()
PAIRS = [(version, a) for version in RELEASES for a in APPS if a.runs_on(version)]


@pytest.fixture(scope="module")
def fixtures_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_fixtures(tmp_path_factory.mktemp("corpus-fixtures"))


@pytest.fixture(scope="module")
def release(request: pytest.FixtureRequest) -> str:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def corpus(
    release: str,
    fixtures_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
    corpus_shell_env: dict[str, str],
) -> Iterator[tuple[ReleaseRun, Canon]]:
    """One server of the release serving every app, and both clients' answers for all."""
    work = tmp_path_factory.mktemp(f"corpus-{release}")
    server = start_server(release, work / "server.log")
    try:
        run = run_release(release, server.url, APPS, fixtures_dir, work, corpus_shell_env)
        print(f"\ncorpus on Gradio {release}: {len(run.apps)} apps in {run.seconds:.1f} s")
        canon = Canon(run.client_downloads)
        yield run, canon
        canon.close()
    finally:
        server.stop()


@pytest.fixture(scope="module")
def corpus_shell_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The shell's environment: a home of its own, as ``shell_env`` gives each test."""
    import os

    home = tmp_path_factory.mktemp("corpus-home")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("XDG_", "HF_", "HUGGING_FACE", "GRADIOSHELL_"))
    }
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local/share"),
        XDG_STATE_HOME=str(home / ".local/state"),
        XDG_CACHE_HOME=str(home / ".cache"),
        NO_COLOR="1",
    )
    return env


@pytest.mark.parametrize(
    ("release", "corpus_app"),
    PAIRS,
    ids=[f"{version}-{a.name}" for version, a in PAIRS],
    indirect=["release"],
)
def test_shell_agrees_with_the_official_client(
    corpus: tuple[ReleaseRun, Canon], release: str, corpus_app: App
) -> None:
    run, canon = corpus
    if corpus_app.name in run.failed:
        pytest.fail(f"{corpus_app.name} could not be built on Gradio {release}:\n"
                    f"{run.failed[corpus_app.name]}")
    found = differences(run.apps[corpus_app.name], canon)
    known = [(s, text) for s, text in found if (release, corpus_app.name, s.endpoint) in KNOWN]
    unknown = [text for s, text in found if (release, corpus_app.name, s.endpoint) not in KNOWN]
    if unknown:
        pytest.fail("\n\n".join(unknown), pytrace=False)
    if known:
        reasons = {KNOWN[(release, corpus_app.name, s.endpoint)] for s, _ in known}
        pytest.xfail("; ".join(sorted(reasons)))
