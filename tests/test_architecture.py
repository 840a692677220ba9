"""The layers of the code, checked: import-linter's contracts, and no import cycle.

Every import counts: at module level, inside functions, and under ``if TYPE_CHECKING:``.
The contracts are in pyproject.toml (``[tool.importlinter]``); a package is kept free of
cycles by a test here that calls :func:`import_cycles` with its name.
"""

from __future__ import annotations

import functools
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]


@functools.cache
def import_graph() -> grimp.ImportGraph:
    """The imports between gradioshell's modules, as they are in the source now."""
    return grimp.build_graph("gradioshell", cache_dir=None, exclude_type_checking_imports=False)


def import_cycles(package: str, graph: grimp.ImportGraph | None = None) -> list[list[str]]:
    """The import cycles among ``package`` and the modules under it: each group of modules
    that import one another in a circle (a strongly connected component of two or more),
    sorted; ``[]`` when there is none. Imports leaving ``package`` are not followed."""
    graph = graph if graph is not None else import_graph()
    modules = {m for m in graph.modules if m == package or m.startswith(package + ".")}
    edges = {m: sorted(graph.find_modules_directly_imported_by(m) & modules) for m in modules}
    # Tarjan's algorithm, without recursion.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    for root in sorted(modules):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            module, child = work.pop()
            if child == 0:
                index[module] = low[module] = len(index)
                stack.append(module)
                on_stack.add(module)
            if child < len(edges[module]):
                work.append((module, child + 1))
                target = edges[module][child]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[module] = min(low[module], index[target])
                continue
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[module])
            if low[module] == index[module]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == module:
                        break
                if len(component) > 1:
                    cycles.append(sorted(component))
    return sorted(cycles)


def test_import_linter_contracts_are_kept(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from importlinter.cli import lint_imports

    monkeypatch.chdir(ROOT)
    status = lint_imports(no_cache=True, no_logo=True)
    report = capsys.readouterr().out
    assert status == 0, report
    assert "0 broken" in report


def test_no_import_cycle_in_the_protocol_layer() -> None:
    assert import_cycles("gradioshell.gradio") == []


def test_no_import_cycle_anywhere() -> None:
    # The shell, the commands and start-up too: the shell runs statements with the
    # commands, which use the state below it; completions and start-up share cli.py.
    assert import_cycles("gradioshell") == []


def test_the_resolver_and_the_registry_alone_read_sessions_and_commands() -> None:
    """What a statement addresses is decided in one place: only the resolver and the
    registry look a command up by name or read ``@SESSION`` out of a word."""
    offenders = []
    for path in sorted((ROOT / "gradioshell").rglob("*.py")):
        if path.name in ("targets.py", "registry.py") or "gradio" in path.parts[-2:-1]:
            continue
        text = path.read_text(encoding="utf-8")
        for needle in ('startswith("@")', "startswith(('@'", 'startswith(("@"', "COMMANDS.get("):
            if needle in text:
                offenders.append(f"{path.relative_to(ROOT)}: {needle}")
    assert offenders == []


def test_commands_do_not_ask_which_output_they_write_to() -> None:
    offenders = []
    for path in sorted((ROOT / "gradioshell" / "commands").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        for needle in (
            "output.json",
            "InteractiveOutput",
            "TextOutput",
            "JsonOutput",
            "sys.stdout",
            ".console",
        ):
            if needle in text:
                offenders.append(f"{path.name}: {needle}")
    assert offenders == []


# -- the cycle finder itself -------------------------------------------------------------


def _graph(*imports: tuple[str, str]) -> grimp.ImportGraph:
    graph = grimp.ImportGraph()
    for importer, imported in imports:
        graph.add_import(importer=importer, imported=imported)
    return graph


def test_import_cycles_finds_each_circle_and_only_inside_the_package() -> None:
    graph = _graph(
        ("p.a", "p.b"),
        ("p.b", "p.c"),
        ("p.c", "p.a"),  # a circle of three
        ("p.c", "p.d"),  # leaves it: not part of it
        ("p.e", "p"),
        ("p", "p.e"),  # a package and a module of it
        ("p.d", "q.x"),
        ("q.x", "p.d"),  # through another package: not followed
    )
    assert import_cycles("p", graph) == [["p", "p.e"], ["p.a", "p.b", "p.c"]]
    assert import_cycles("p.a", graph) == []
    assert import_cycles("q", graph) == []


def test_the_graph_counts_imports_in_functions_and_for_type_checking_only() -> None:
    """What makes the cycle test worth having: grimp sees the imports that Python runs late
    (in a function) or never (for the type checker), as this package has both."""
    graph = import_graph()
    details = graph.get_import_details(
        importer="gradioshell.gradio.protocols", imported="gradioshell.gradio.protocols.sse"
    )
    assert details, "the transports are imported inside load()"
    assert graph.direct_import_exists(
        importer="gradioshell.gradio.protocols.session", imported="gradioshell.gradio.channel"
    ), "the session stream names Channel under TYPE_CHECKING only"


def test_the_protocol_layer_names_each_export_once_and_each_one_loads() -> None:
    """``gradioshell.gradio`` loads its names on first use: its table of where each lives,
    its ``__all__`` and what the type checker imports must agree, and each name resolve."""
    import ast
    import importlib

    import gradioshell.gradio as layer

    where = layer._WHERE
    assert sorted(where) == sorted(layer.__all__)
    tree = ast.parse(Path(layer.__file__).read_text(encoding="utf-8"))
    typed = {
        alias.name: node.module.rsplit(".", 1)[-1]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.module != "__future__"
        for alias in node.names
        if node.module.startswith("gradioshell.gradio.")
    }
    assert typed == where
    for name, module in where.items():
        defined = getattr(importlib.import_module(f"gradioshell.gradio.{module}"), name)
        assert getattr(layer, name) is defined
    assert not hasattr(layer, "NoSuchName")
