"""The corpus apps, one module per family. Each module's :class:`App` objects are its apps."""

from __future__ import annotations

import importlib

from tests.corpus.model import App

FAMILIES = ("text", "choices", "structured", "media", "chat", "state", "events", "updates")


def all_apps() -> list[App]:
    """Every app of every family, in a stable order; names are unique."""
    apps: list[App] = []
    for family in FAMILIES:
        module = importlib.import_module(f"tests.corpus.apps.{family}")
        apps.extend(value for value in vars(module).values() if isinstance(value, App))
    names = [a.name for a in apps]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise RuntimeError(f"corpus apps named twice: {sorted(duplicates)}")
    return apps
