"""The benchmark suite runs end to end in its quick mode (small counts; times are not checked)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.cases import CASES
from benchmarks.report import END, START, update_document

ROOT = Path(__file__).resolve().parent.parent


# It runs every case against real apps: minutes on a busy machine, so out of the fast subset.
@pytest.mark.slow
@pytest.mark.timeout(900)
def test_quick_run_measures_every_case(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    report = tmp_path / "results.md"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--quick",
            "--json",
            str(out),
            "--markdown",
            str(report),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    run = json.loads(out.read_text())
    assert run["quick"] is True
    assert run["errors"] == {}
    results = {r["case"]: r for r in run["results"]}
    assert set(results) == set(CASES)
    for name, result in results.items():
        # Every case measured something, or says why not; nothing is left blank.
        assert result["measured"] or result["not_measured"], name
        for why in result["not_measured"].values():
            assert why.strip(), name
        for contender, value in result["measured"].items():
            assert value == value, (name, contender, value)  # not NaN
            # A time, a ratio or a count is never negative; a difference ("shell − floor",
            # a few milliseconds either way in a quick run) may be.
            assert value >= 0 or "−" in contender, (name, contender, value)
    # The floor and gradio_client run side by side with the shell in the same run.
    for name in ("one_shot", "connect", "call_overhead", "streaming"):
        measured = results[name]["measured"]
        assert any(k.startswith("floor") for k in measured), name
        assert any(k.startswith("gradio_client") for k in measured), name
        assert any(k.startswith("shell") for k in measured), name
    # Streaming: the --json output lost no event, and the panel was redrawn.
    streaming = results["streaming"]
    counts = run["counts"]
    assert streaming["extra"]["json_generating_events"] == [counts["updates"]] * counts["repeats"]
    assert streaming["extra"]["floor_updates"] == counts["updates"]
    assert streaming["extra"]["shell_renders"] > 0
    # Checks carry a value wherever the shell was measured.
    for result in results.values():
        if "shell" not in result["not_measured"]:
            assert all(c["value"] is not None for c in result["checks"]), result["case"]
    text = report.read_text()
    assert "### Targets" in text and "| call overhead | shell |" in text


def test_report_goes_between_the_markers() -> None:
    doc = f"# Title\n\nprose\n\n{START}\nold table\n{END}\n\nmore prose\n"
    updated = update_document(doc, "new table\n")
    assert "old table" not in updated
    assert updated.startswith("# Title\n\nprose\n\n")
    assert f"{START}\nnew table\n{END}" in updated
    assert updated.endswith("more prose\n")
