"""Waiting for something to happen, in the tests: one helper, with a message that says what.

Tests wait on what they expect to see (a request reaching a server, a file appearing, a line
printed), never for a fixed time. The timeout is only a bound for when the thing never comes,
so it is generous: a busy machine running the suite in parallel must not make it fail.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_until(
    predicate: Callable[[], T],
    timeout: float = 30.0,
    what: str = "the condition",
    *,
    interval: float = 0.05,
) -> T:
    """Call ``predicate`` until it returns something true, and return that.

    Raises an ``AssertionError`` naming ``what`` after ``timeout`` seconds. An exception
    raised by the predicate propagates at once: a predicate that may fail while the thing is
    not there yet (a server not yet listening) catches that itself.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)
