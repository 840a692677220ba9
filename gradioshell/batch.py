"""Batches: one call of an endpoint per row of a JSON Lines or CSV file, many at once.

Rows go through the same steps as a typed call (:func:`gradioshell.calls.prepare` and
:func:`gradioshell.calls.run`), so values are converted and files uploaded the same way.
Results are written as JSON Lines in input order; a failed row never stops the others, and
an interrupted batch still writes every row that finished.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from gradioshell import calls, retry
from gradioshell.errors import CallFailed, ShellError, UsageError
from gradioshell.gradio import Endpoint, Event, GradioError
from gradioshell.parser import Word
from gradioshell.results import Note, Reporter
from gradioshell.text import json_text, unwrap

if TYPE_CHECKING:
    from gradioshell.context import CallContext
    from gradioshell.sessions import Session

CONCURRENCY_KEYS = ("concurrency_limit", "default_concurrency_limit", "concurrency_count")


@dataclass
class BatchOptions:
    input: str
    output: str | None = None
    concurrency: int | None = None
    retries: int | None = None

    @classmethod
    def read(
        cls, input: str, output: str | None, concurrency: str | None, retries: str | None
    ) -> BatchOptions:
        """The options as typed, checked."""
        count = None
        if concurrency is not None:
            if not concurrency.isdigit() or int(concurrency) < 1:
                raise UsageError(
                    f"batch: --concurrency must be a positive number, not {concurrency!r}"
                )
            count = int(concurrency)
        tries = None
        if retries is not None:
            if not retries.isdigit():
                raise UsageError(f"batch: --retries must be a number, not {retries!r}")
            tries = int(retries)
        return cls(input, output, count, tries)


@dataclass
class Row:
    """One input row: its number (from 1), its values as read, and the words they make."""

    number: int
    inputs: dict[str, Any] | list[Any]
    words: list[Word]


def read_rows(path: str, endpoint: Endpoint) -> list[Row]:
    """The rows of a JSON Lines or CSV file; a ShellError says what is wrong with it."""
    try:
        text = Path(path).expanduser().read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ShellError(f"cannot read {path}: {exc.strerror or exc}") from None
    suffix = Path(path).suffix.lower()
    if suffix in (".csv", ".tsv") or (
        suffix not in (".jsonl", ".ndjson", ".json") and text.lstrip()[:1] not in ("{", "[")
    ):
        return _csv_rows(text, endpoint, "\t" if suffix == ".tsv" else ",")
    return _jsonl_rows(text, path)


def _word(value: Any, name: str | None = None) -> Word:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return Word(text, 0, 0, name, quoted=True)


def _jsonl_rows(text: str, path: str) -> list[Row]:
    rows: list[Row] = []
    for line_number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError as exc:
            raise ShellError(f"{path}, line {line_number}: not valid JSON ({exc})") from None
        if isinstance(value, dict):
            words = [_word(v, str(k)) for k, v in value.items() if v is not None]
        elif isinstance(value, list):
            words = [_word(v) for v in value]
        else:
            raise ShellError(f"{path}, line {line_number}: expected a JSON object or array")
        rows.append(Row(len(rows) + 1, value, words))
    return rows


def _csv_rows(text: str, endpoint: Endpoint, delimiter: str) -> list[Row]:
    records = [r for r in csv.reader(text.splitlines(), delimiter=delimiter) if r]
    if not records:
        return []
    header: list[str] | None = None
    first = [cell.strip() for cell in records[0]]
    if any(endpoint.parameter(cell) is not None for cell in first if cell):
        unknown = [cell for cell in first if endpoint.parameter(cell) is None]
        if unknown:
            valid = ", ".join(p.name for p in endpoint.parameters) or "none"
            raise ShellError(
                f"column {unknown[0]!r} is not a parameter of {endpoint.api_name} "
                f"(parameters: {valid})"
            )
        header = first
        records = records[1:]
    rows: list[Row] = []
    for cells in records:
        if header is not None:
            inputs: dict[str, Any] | list[Any] = dict(zip(header, cells, strict=False))
            # An empty cell leaves the parameter to its default.
            words = [_word(v, k) for k, v in zip(header, cells, strict=False) if v != ""]
        else:
            inputs = list(cells)
            words = [_word(v) for v in cells]
        rows.append(Row(len(rows) + 1, inputs, words))
    return rows


def app_concurrency(session: Session, endpoint: Endpoint) -> int | None:
    """The concurrency the app's ``/config`` states for ``endpoint``, if it states one.

    Gradio's own ``/config`` (up to 6.x at least) does not carry its concurrency limits;
    this reads them when an app or a future version does.
    """
    config = session.app.config
    raw = config.raw if config else {}
    for dep in raw.get("dependencies") or []:
        if isinstance(dep, dict) and dep.get("id") == endpoint.fn_index:
            value = dep.get("concurrency_limit")
            if isinstance(value, int) and value > 0:
                return value
    for key in CONCURRENCY_KEYS:
        value = raw.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
    return None


class _Quiet(Reporter):
    def event(self, event: Event) -> None:
        pass


def plain_outputs(values: list[Any] | None) -> list[Any] | None:
    """Outputs for the results file: files as their local paths (or URLs)."""
    if values is None:
        return None

    def simplify(value: Any) -> Any:
        value = unwrap(value)
        if isinstance(value, dict) and isinstance(value.get("path"), str) and "meta" in value:
            return value.get("local_path") or value.get("url") or value["path"]
        if isinstance(value, list):
            return [simplify(v) for v in value]
        return value

    return [simplify(v) for v in values]


class Results:
    """Writes result records in input order as soon as every earlier row is done."""

    def __init__(self, stream: TextIO, emit: Any = None) -> None:
        self.stream = stream
        self.emit = emit
        self.done: dict[int, dict[str, Any]] = {}
        self.next = 1
        self.written = 0

    def add(self, record: dict[str, Any]) -> None:
        self.done[record["row"]] = record
        while self.next in self.done:
            self._write(self.done.pop(self.next))
            self.next += 1

    def flush_all(self) -> None:
        """Write every finished row still held back (an interrupted batch has gaps)."""
        for number in sorted(self.done):
            self._write(self.done.pop(number))

    def _write(self, record: dict[str, Any]) -> None:
        if self.emit is not None:
            self.emit(record)
        else:
            self.stream.write(json_text(record) + "\n")
            self.stream.flush()
        self.written += 1


async def run_batch(
    shell: CallContext, session: Session, endpoint: Endpoint, options: BatchOptions
) -> None:
    rows = read_rows(options.input, endpoint)
    if not rows:
        shell.output.info(f"{options.input} has no rows")
        return
    concurrency = options.concurrency or app_concurrency(session, endpoint)
    concurrency = concurrency or shell.settings.batch_concurrency
    with _results_stream(shell, options.output) as results:
        counts = {"done": 0, "failed": 0}
        queue: asyncio.Queue[Row] = asyncio.Queue()
        for row in rows:
            queue.put_nowait(row)

        # A GPU quota pauses every row until it comes back; other faults are retried.
        gate = retry.QuotaGate(shell, lambda: len(rows) - counts["done"] - counts["failed"])
        rules = retry.RetryPolicy(
            retries=shell.settings.batch_retries if options.retries is None else options.retries,
            wait_quota=True,
        )

        async def one(row: Row) -> None:
            record: dict[str, Any] = {"row": row.number, "inputs": row.inputs}
            try:
                data = await calls.prepare(shell, session, endpoint, row.words)
                call = await retry.run(
                    shell,
                    session,
                    endpoint,
                    data,
                    _Quiet,
                    rules,
                    gate=gate,
                    label=f"row {row.number}",
                )
                record.update(outputs=plain_outputs(call.outputs), error=None)
                counts["done"] += 1
            except (ShellError, GradioError) as exc:
                record.update(outputs=None, error=str(exc))
                counts["failed"] += 1
            results.add(record)
            update(counts["done"] + counts["failed"], counts["failed"])

        async def worker() -> None:
            while not queue.empty():
                await one(queue.get_nowait())

        workers = [asyncio.ensure_future(worker()) for _ in range(min(concurrency, len(rows)))]
        interrupted = False
        try:
            with shell.output.counter("batch", len(rows)) as update:
                await asyncio.gather(*workers)
        except asyncio.CancelledError:
            interrupted = True
            for task in workers:
                task.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
            raise
        finally:
            results.flush_all()
            finished = counts["done"] + counts["failed"]
            where = f"; results in {options.output}" if options.output else ""
            state = "stopped" if interrupted else "finished"
            shell.output.info(
                f"batch {state}: {counts['done']} done, {counts['failed']} failed"
                + (f", {len(rows) - finished} not run" if interrupted else "")
                + where
            )
    if counts["failed"]:
        raise CallFailed(f"{counts['failed']} row(s) failed")


@contextlib.contextmanager
def _results_stream(shell: CallContext, path: str | None) -> Iterator[Results]:
    if path is None:
        # On the output: a JSON line per row in scripts and at the prompt, a record with --json.
        def show(record: dict[str, Any]) -> None:
            line = json_text(record)
            shell.output.emit(Note(body=line, record={"event": "row", **record}, plain=line))

        yield Results(sys.stdout, show)
        return
    try:
        handle = open(Path(path).expanduser(), "w", encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        raise ShellError(f"cannot write {path}: {exc.strerror or exc}") from None
    with handle:
        yield Results(handle)
