"""The results as Markdown: one table of measurements, one of targets."""

from __future__ import annotations

import re
from typing import Any

START = "<!-- benchmark-results:start -->"
END = "<!-- benchmark-results:end -->"


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "s":
        return f"{value * 1000:.1f} ms" if abs(value) < 1 else f"{value:.2f} s"
    if unit in ("ms", "ms/call"):
        return f"{value:.2f} {unit}"
    return f"{value:.1f} {unit}"


def _suffix(label: str) -> str:
    m = re.search(r"\(.*\)$", label)
    return m.group(0) if m else ""


def _peer(measured: dict[str, float], prefix: str, label: str) -> float | None:
    for contender in ("shell", "gradio_client"):
        if label.startswith(contender + " "):
            twin = prefix + label[len(contender) :]
            if twin in measured:
                return measured[twin]
    suffix = _suffix(label)
    for key, value in measured.items():
        if key.startswith(prefix) and _suffix(key) == suffix and ("CPU" in key) == ("CPU" in label):
            return value
    if "CPU" not in label and prefix in measured:
        return measured[prefix]
    return None


def _unit(result: dict[str, Any], label: str) -> str:
    if "CPU" in label:
        return "s"
    if result["unit"] == "MB" or label.startswith(("floor upload", "floor download")):
        return result["unit"]
    return result["unit"]


def measurements_table(results: list[dict[str, Any]]) -> str:
    rows = [
        "| figure | contender | median | × floor | gradio_client ÷ this |",
        "|---|---|---:|---:|---:|",
    ]
    for result in results:
        measured = result["measured"]
        comparable = result["unit"] not in ("MB",)
        for label, value in measured.items():
            floor = _peer(measured, "floor", label) if comparable else None
            client = _peer(measured, "gradio_client", label) if comparable else None
            vs_floor = f"{value / floor:.2f}×" if floor and not label.startswith("floor") else ""
            vs_client = (
                f"{client / value:.1f}×"
                if client
                and value
                and not label.startswith(("floor", "gradio_client"))
                and "CPU" not in label
                else ""
            )
            if result["unit"] == "MB/s":
                vs_client = ""
            samples = result["samples"].get(label, [])
            shown = fmt(value, _unit(result, label))
            if len(samples) > 1:
                shown += f" (n={len(samples)})"
            rows.append(f"| {result['figure']} | {label} | {shown} | {vs_floor} | {vs_client} |")
        for label, why in result["not_measured"].items():
            rows.append(f"| {result['figure']} | {label} | not measured: {why} | | |")
    return "\n".join(rows)


def checks_table(results: list[dict[str, Any]]) -> str:
    rows = ["| figure | target | check | measured | limit | met |", "|---|---|---|---:|---:|:---:|"]
    for result in results:
        checks = result["checks"]
        if not checks:
            rows.append(f"| {result['figure']} | {result['target']} | — | not measured | | — |")
            continue
        for check in checks:
            value = check["value"]
            shown = "not measured" if value is None else f"{value:.2f}"
            op = "≥" if check["higher_is_better"] else "≤"
            met = {True: "yes", False: "**no**", None: "—"}[check["met"]]
            rows.append(
                f"| {result['figure']} | {result['target']} | {check['name']} | {shown} "
                f"| {op} {check['limit']:g} | {met} |"
            )
    return "\n".join(rows)


def markdown(run: dict[str, Any]) -> str:
    m = run["machine"]
    lines = [
        f"Run of {run['started']} ({'quick mode' if run['quick'] else 'full counts'}), "
        f"{run['duration']:.0f} s.",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB, {m['platform']}, "
        f"Python {m['python']}; load average before {_load(m['load_before'])}, "
        f"after {_load(run['load_after'])}.",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()) + ".",
        "",
        "### Targets",
        "",
        checks_table(run["results"]),
        "",
        "### Measurements (medians)",
        "",
        measurements_table(run["results"]),
    ]
    notes = [(r["figure"], n) for r in run["results"] for n in r["notes"]]
    if notes:
        lines += ["", "Notes:", ""] + [f"- {figure}: {note}" for figure, note in notes]
    extras = [(r["figure"], r["extra"]) for r in run["results"] if r["extra"]]
    if extras:
        lines += ["", "<details><summary>Details</summary>", "", "```json"]
        import json

        lines.append(json.dumps(dict(extras), indent=1, ensure_ascii=False, default=str))
        lines += ["```", "", "</details>"]
    errors = run.get("errors") or {}
    if errors:
        lines += ["", "Cases that failed:", ""] + [f"- {k}: {v}" for k, v in errors.items()]
    return "\n".join(lines) + "\n"


def _load(load: Any) -> str:
    return " / ".join(f"{x:.2f}" for x in load)


def update_document(text: str, block: str) -> str:
    """Replace what is between the result markers of ``text`` with ``block``."""
    if START not in text or END not in text:
        return text.rstrip("\n") + f"\n\n{START}\n{block}{END}\n"
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{block}{END}{tail}"
