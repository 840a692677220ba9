"""Apply the streaming diffs that sse_v2 and later protocols send for generator outputs.

A diff is a list of ``[action, path, value]`` edits. ``action`` is ``replace``,
``append``, ``add`` or ``delete``; ``path`` is a list of keys and indices leading
from the output value to the edited place (empty for the value itself).
"""

from __future__ import annotations

import copy
from typing import Any


class DiffError(ValueError):
    """A diff does not apply to the value it was meant for."""


def apply_diff(value: Any, diff: Any) -> Any:
    """Return ``value`` with every edit of ``diff`` applied; ``value`` itself is left unchanged."""
    if not isinstance(diff, list):
        raise DiffError(f"a diff must be a list of edits, not {type(diff).__name__}")
    if isinstance(value, str) and len(diff) == 1:
        # What a streamed text sends at each of its updates: [["append", [], "more"]].
        edit = diff[0]
        if (
            isinstance(edit, list)
            and len(edit) == 3
            and edit[0] == "append"
            and edit[1] == []
            and isinstance(edit[2], str)
        ):
            return value + edit[2]
    result = copy.deepcopy(value) if isinstance(value, (list, dict)) else value
    for edit in diff:
        if not isinstance(edit, (list, tuple)) or len(edit) != 3:
            raise DiffError(f"malformed edit {edit!r}")
        action, path, new = edit
        if not isinstance(path, list):
            raise DiffError(f"malformed path {path!r}")
        try:
            result = _apply_edit(result, action, path, new)
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            raise DiffError(f"cannot {action} at {path!r}: {exc}") from exc
    return result


def _apply_edit(target: Any, action: str, path: list[Any], new: Any) -> Any:
    if not path:
        if action == "replace":
            return new
        if action == "append":
            return _append(target, new)
        raise DiffError(f"cannot {action} the whole value")
    parent = target
    for key in path[:-1]:
        parent = parent[_key(parent, key)]
    last = _key(parent, path[-1])
    if action == "replace":
        parent[last] = new
    elif action == "append":
        parent[last] = _append(parent[last], new)
    elif action == "add":
        if isinstance(parent, list):
            parent.insert(last, new)
        else:
            parent[last] = new
    elif action == "delete":
        del parent[last]
    else:
        raise DiffError(f"unknown action {action!r}")
    return target


def _key(container: Any, key: Any) -> Any:
    if isinstance(container, list):
        if isinstance(key, bool) or not isinstance(key, (int, str)):
            raise DiffError(f"bad list index {key!r}")
        return int(key)
    if isinstance(container, dict):
        return key
    raise DiffError(f"cannot index into {type(container).__name__}")


def _append(current: Any, new: Any) -> Any:
    if isinstance(current, str) and isinstance(new, str):
        return current + new
    if isinstance(current, list) and isinstance(new, list):
        return current + new
    raise DiffError(f"cannot append {type(new).__name__} to {type(current).__name__}")
