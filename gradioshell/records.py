"""Events and values as the plain forms every output shares: a call's event as a JSON
record (``--json``, ``events N``), a failure as one line, outputs as the lines a script prints."""

from __future__ import annotations

from typing import Any

from gradioshell.gradio.events import (
    Completed,
    Event,
    Failed,
    Generating,
    Log,
    Progress,
    Queued,
    Started,
)
from gradioshell.readable import Kind, plain_text
from gradioshell.text import safe_line


def value_lines(labels: list[str], data: list[Any], kinds: list[Kind] | None = None) -> list[str]:
    """A call's outputs as a script prints them: the one value alone, else ``label: value``;
    each as readable text for its component (``kinds``, one per output, when known)."""
    kinds = kinds or []

    def text(i: int, value: Any) -> str:
        return plain_text(value, kinds[i] if i < len(kinds) else None)

    if len(data) == 1:
        return [text(0, data[0])]
    return [
        f"{safe_line(labels[i]) if i < len(labels) else f'output {i}'}: {text(i, v)}"
        for i, v in enumerate(data)
    ]


QUEUE_SHOWN = 0.5
"""Seconds of waiting in the app's queue from which a call's time says it apart."""


def run_time(started: float, run_started: float | None, finished: float) -> str:
    """How long a call took, its wait in the app's queue apart when there was one worth
    saying: ``3.1s (queued 7.0s)``; else the whole time, ``3.1s``."""
    if run_started is not None and QUEUE_SHOWN <= run_started - started <= finished - started:
        return f"{finished - run_started:.1f}s (queued {run_started - started:.1f}s)"
    return f"{finished - started:.1f}s"


def failure_text(event: Failed) -> str:
    """A failed call as one line: the app's title when it gave one (``gr.Error(title=...)``)
    and its message; the default title says nothing the ``error:`` prefix does not."""
    title = event.title.strip()
    if not title or title.lower() == "error":
        return event.message
    return f"{title}: {event.message}"


def event_record(event: Event) -> dict[str, Any]:
    """An event as a JSON object: what ``--json`` writes for it."""
    record: dict[str, Any] = {"event": event.kind}
    if isinstance(event, (Generating, Completed)):
        record["data"] = event.data
    elif isinstance(event, Queued):
        record.update(rank=event.rank, queue_size=event.queue_size, eta=event.eta)
    elif isinstance(event, Started):
        record["eta"] = event.eta
    elif isinstance(event, Progress):
        record["progress"] = [
            {
                "index": u.index,
                "length": u.length,
                "unit": u.unit,
                "progress": u.progress,
                "desc": u.desc,
            }
            for u in event.units
        ]
    elif isinstance(event, Log):
        record.update(level=event.level, message=event.message, title=event.title)
    elif isinstance(event, Failed):
        record.update(message=event.message, title=event.title)
    return record
