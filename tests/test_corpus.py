"""The differential corpus: every app of ``tests/corpus/apps`` called by the official client
and by the shell, on each Gradio release, with the answers compared (see
``tests/corpus/harness.py``).

One test per app and release. A failure names the case, the shell's statement, the client's
call and what each returned (a file as a hash of its content and its extension). Differences
that are the official client's fault are listed, with the reason, in
``tests/corpus/known_differences.py``. The corpus tests are marked ``corpus``: a fast run
leaves them out with ``pytest -m "not corpus"``, and ``python -m tests.corpus`` runs the same
outside pytest. The tests at the end check the harness itself, without a server.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.corpus import harness
from tests.corpus.apps import all_apps
from tests.corpus.fixtures import make_fixtures
from tests.corpus.harness import (
    RELEASES,
    Answer,
    Canon,
    ReleaseRun,
    check_release,
    shell_environment,
)
from tests.corpus.known_differences import KNOWN
from tests.corpus.model import App, call, case

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


@pytest.mark.corpus
@pytest.mark.slow
@pytest.mark.timeout(1200)  # the first test of a release builds its venv and runs it all
@pytest.mark.parametrize(
    ("release", "corpus_app"),
    [
        # A release's apps share one server: they run on one worker (pytest -n N).
        pytest.param(
            version, a, id=f"{version}-{a.name}", marks=pytest.mark.xdist_group(f"corpus {version}")
        )
        for version, a in PAIRS
    ],
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


# -- the harness itself (fast: no server) -----------------------------------------------------


def test_apps_are_named_once_and_run_somewhere() -> None:
    assert len(APPS) >= 60
    majors = {int(v.split(".")[0]) for v in RELEASES}
    for corpus_app in APPS:
        assert corpus_app.cases, corpus_app.name
        assert set(corpus_app.releases) <= majors, corpus_app.name
        assert any(corpus_app.runs_on(v) for v in RELEASES), corpus_app.name
        for version in RELEASES:
            if corpus_app.runs_on(version):
                assert corpus_app.cases_for(version), (corpus_app.name, version)


def test_each_case_gets_a_session_of_its_own() -> None:
    cases = [
        case("a", call("/one", "x=1", 1), call("/one", "x=$_", 1)),
        case("b", call("fn 3", "", 0)),
    ]
    assert harness.shell_statements(cases, "http://h/app") == [
        "connect http://h/app as c1",
        "@c1 /one x=1",
        "@c1 /one x=$_",
        "connect http://h/app as c2",
        "@c2 fn 3",
    ]


def test_shell_records_are_matched_to_statements() -> None:
    lines = [
        {"event": "connected", "session": "c1"},
        {"event": "sessions"},
        {"event": "queued"},
        {"event": "generating", "data": ["a"]},
        {"event": "complete", "data": ["ab"]},
        {"event": "sessions"},
        {"event": "error", "message": "boom", "session": "c1"},
        {"event": "sessions"},
    ]
    stdout = "\n".join(json.dumps(line) for line in lines) + "\n"
    groups = harness._statement_groups(stdout)
    assert [[r["event"] for r in g] for g in groups] == [
        ["connected"],
        ["queued", "generating", "complete"],
        ["error"],
    ]
    done = harness._shell_answer(groups[1])
    assert done.ok and done.outputs == ["ab"] and done.stream == [["a"]]
    failed = harness._shell_answer(groups[2])
    assert not failed.ok and failed.error == "boom"


def test_files_compare_by_content(tmp_path: Path) -> None:
    downloads = tmp_path / "client"
    (downloads / "x").mkdir(parents=True)
    (downloads / "x" / "image.png").write_bytes(b"same bytes")
    (tmp_path / "saved.png").write_bytes(b"same bytes")
    (tmp_path / "other.png").write_bytes(b"other bytes")
    canon = Canon(downloads)
    try:
        from_client = canon.client([str(downloads / "x" / "image.png"), "text"])
        saved = {"path": "/srv/a.png", "url": None, "local_path": str(tmp_path / "saved.png")}
        other = {**saved, "local_path": str(tmp_path / "other.png")}
        assert from_client == canon.shell([saved, "text"])
        assert from_client != canon.shell([other, "text"])
        assert canon.client(["/not/a/download.png"]) == ["/not/a/download.png"]
    finally:
        canon.close()


@pytest.mark.parametrize(
    ("fails", "client", "shell", "agree"),
    [
        (False, Answer(True, ["a"]), Answer(True, ["a"]), True),
        (False, Answer(True, ["a"]), Answer(True, ["b"]), False),
        (False, Answer(True, ["a"]), Answer(False, error="x"), False),
        (False, Answer(False, error="x"), Answer(True, ["a"]), False),
        (False, Answer(False, error="x"), Answer(False, error="y"), False),  # a wrong case
        (True, Answer(False, error="x"), Answer(False, error="y"), True),
        (True, Answer(True, ["a"]), Answer(False, error="y"), False),  # a wrong case
    ],
)
def test_what_counts_as_agreeing(
    fails: bool, client: Answer, shell: Answer, agree: bool, tmp_path: Path
) -> None:
    step = call("/e", "", fails=fails)
    canon = Canon(tmp_path)
    try:
        assert (harness._disagreement(step, client, shell, canon) is None) is agree
    finally:
        canon.close()
