"""How a test run is ordered and shared out among workers (``pytest -n N``, pytest-xdist).

- **Groups.** Tests that share a module-scoped server run on one worker: given to several,
  each would start that server for the few tests it got. A parametrized server (one Gradio
  release) makes a group per parameter, so the releases run side by side; a test may also
  name its group with ``@pytest.mark.xdist_group(NAME)`` (the corpus does, one per release).
  Every other test is handed out on its own; session-scoped fixtures (the demo app, the
  broken server) start once per worker.
- **Longest first.** The slow tests that need no Gradio environment come first (on a cold
  cache they run while the environments build), then the corpus's releases, the other slow
  groups, the module groups, and the single tests last, so no worker is left alone with a
  long group at the end.
- **Environments.** As soon as the tests are collected, the first worker (or the only
  process) starts building the Gradio environments they need, in the background.

xdist's own ``--dist loadgroup`` reads groups from node ids that pytest 9.2 no longer lets a
plugin change, so the first worker writes the groups to a file that the scheduler reads.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest

GROUPS_FILE = "GRADIOSHELL_TEST_GROUPS"
"""The variable naming the file in which the first worker writes each test's group."""


def releases_of(item: pytest.Item) -> list[str]:
    """The Gradio releases whose environments ``item`` runs in."""
    from tests.gradio_versions import RELEASES

    params = getattr(getattr(item, "callspec", None), "params", {})
    found = [v for v in params.values() if isinstance(v, str) and v in RELEASES]
    if "unqueued_3x" in getattr(item, "fixturenames", ()):
        found.append("3.50.2")
    return found


def group_of(item: pytest.Item) -> str | None:
    """The group ``item`` runs in, or None to be handed out on its own."""
    marker = item.get_closest_marker("xdist_group")
    if marker is not None:
        return str(marker.args[0] if marker.args else marker.kwargs.get("name", "default"))
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return None
    scoped = sorted(
        name
        for name, definitions in info.name2fixturedefs.items()
        if definitions and definitions[-1].scope == "module"
    )
    if not scoped:
        return None
    params = getattr(getattr(item, "callspec", None), "params", {})
    return "|".join(
        [item.nodeid.split("::")[0], *(f"{n}={params[n]}" for n in scoped if n in params)]
    )


def rank(item: pytest.Item) -> int:
    slow = item.get_closest_marker("slow") is not None
    if slow and not releases_of(item):
        return 0
    if item.get_closest_marker("corpus") is not None:
        return 1
    if slow:
        return 2
    return 3 if group_of(item) is not None else 4


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """In a worker: sort longest first, and the first worker writes the groups down.

    Runs last, after pytest has ordered the tests by their fixtures' parameters; the sort is
    stable, so each class keeps that order. Every worker sorts alike, as xdist requires."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        return
    items.sort(key=rank)
    path = os.environ.get(GROUPS_FILE)
    if path and os.environ["PYTEST_XDIST_WORKER"] == "gw0":
        groups = {item.nodeid: group for item in items if (group := group_of(item))}
        Path(path).write_text(json.dumps(groups), encoding="utf-8")


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start building the Gradio environments the selected tests need, in the background.

    A test that needs one meanwhile waits on its lock (``gradio_versions.python_for``)."""
    if session.config.option.collectonly:
        return
    if os.environ.get("PYTEST_XDIST_WORKER", "gw0") != "gw0":
        return
    from tests.gradio_versions import build_in_background

    build_in_background(release for item in session.items for release in releases_of(item))


class Scheduler:
    """In the controller of ``-n N``: schedule by the groups the first worker wrote."""

    def __init__(self, config: pytest.Config) -> None:
        handle, name = tempfile.mkstemp(prefix="gradioshell-test-groups-", suffix=".json")
        os.close(handle)
        self.path = Path(name)
        os.environ[GROUPS_FILE] = name  # the workers are started after this, and inherit it
        config.add_cleanup(lambda: self.path.unlink(missing_ok=True))

    @pytest.hookimpl(tryfirst=True)
    def pytest_xdist_make_scheduler(self, config: pytest.Config, log: Any) -> Any:
        if config.getvalue("dist") not in ("load", "loadgroup"):
            return None  # another mode asked for by name
        from xdist.scheduler import LoadScopeScheduling

        path = self.path
        config.option.loadscopereorder = False  # the workers' order is already longest first

        class ByGroup(LoadScopeScheduling):  # type: ignore[misc]
            groups: dict[str, str] | None = None

            def _split_scope(self, nodeid: str) -> str:
                # First called once every worker has collected, the first one included.
                if self.groups is None:
                    text = path.read_text(encoding="utf-8")
                    self.groups = json.loads(text) if text else {}
                return self.groups.get(nodeid, nodeid)

        return ByGroup(config, log)


def pytest_configure(config: pytest.Config) -> None:
    workers = (
        config.getoption("numprocesses", None) if config.pluginmanager.hasplugin("xdist") else None
    )
    if workers and not hasattr(config, "workerinput"):
        config.pluginmanager.register(Scheduler(config), "gradioshell-scheduler")
