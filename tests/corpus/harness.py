"""Run the corpus's cases through the official client and through the shell, and compare.

For one release: :func:`start_server` serves every app from one process of that release's
environment; :func:`run_release` runs the official client there (one process for every app,
see ``client_runner.py``) while the shell runs once per app (``gradioshell --json
--keep-going -c STATEMENT -c STATEMENT...``); :func:`differences` compares one app's answers.

Each case runs in a fresh session of each client: a new ``connect ... as cN`` in the shell,
``reset_session()`` in the client. Between two statements the shell runs ``sessions``, whose
JSON record marks where one statement's events end, so that events are matched to steps
whatever a statement printed.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.corpus.known_differences import UPDATES_AS_VALUES
from tests.corpus.model import App, Case, File, JsonFile, Prev, Step
from tests.gradio_versions import python_for

CORPUS = Path(__file__).parent
SHELL_TIMEOUT = 120.0
CLIENT_TIMEOUT = 600.0
#: Every app runs on the modern releases; 3.50.2 serves the chat and State apps.
RELEASES = ["6.31.0", "5.50.0", "4.44.1", "3.50.2"]


def shell_environment(home: Path) -> dict[str, str]:
    """The shell's environment: a home and XDG directories of its own, no colour."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("XDG_", "HF_", "HUGGING_FACE", "GRADIOSHELL_"))
    }
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local/share"),
        XDG_STATE_HOME=str(home / ".local/state"),
        XDG_CACHE_HOME=str(home / ".cache"),
        NO_COLOR="1",
    )
    return env


@dataclass
class Answer:
    """What one client made of one step."""

    ok: bool
    outputs: list[Any] | None = None
    stream: list[list[Any]] | None = None
    error: str | None = None
    #: The shell's JSON records of the statement (empty for the official client).
    records: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class AppRun:
    """Both clients' answers for every case of one app on one release."""

    app: App
    cases: list[Case]
    client: dict[str, list[Answer]]
    shell: dict[str, list[Answer]]
    shell_argv: list[str]
    shell_stderr: str


@dataclass
class ReleaseRun:
    version: str
    base: str
    served: list[str]
    #: Apps that could not be built on this release, with the traceback.
    failed: dict[str, str]
    apps: dict[str, AppRun]
    client_downloads: Path
    seconds: float
    #: Per app, every step where the clients disagree, with its report (see ``check_release``).
    found: dict[str, list[tuple[Step, str]]] = field(default_factory=dict)
    #: Per app, both clients' answers to every step, when asked for.
    shown: dict[str, str] = field(default_factory=dict)


def check_release(
    version: str,
    apps: list[App],
    fixtures: Path,
    work: Path,
    shell_env: dict[str, str],
    *,
    show: bool = False,
) -> ReleaseRun:
    """Serve ``apps`` on ``version``, run both clients and compare, then stop the server.

    The comparison happens while the server is up: a file either client left on the app is
    fetched from it.
    """
    work.mkdir(parents=True, exist_ok=True)
    server = start_server(version, work, fixtures)
    try:
        run = run_release(version, server.url, apps, fixtures, work, shell_env)
        canon = Canon(run.client_downloads)
        try:
            for name, app_run in run.apps.items():
                run.found[name] = differences(app_run, canon)
                if show:
                    run.shown[name] = answers_text(app_run, canon)
        finally:
            canon.close()
    finally:
        server.stop()
    return run


# -- the server ------------------------------------------------------------------------------


def start_server(version: str, work: Path, fixtures: Path):  # type: ignore[no-untyped-def]
    """The corpus server of ``version`` on a free loopback port (a ``RunningApp``), writing
    its log and whatever its apps write in ``work``."""
    from tests.conftest import start_app

    python = python_for(version)
    return start_app(
        [str(CORPUS / "server.py"), "--fixtures", str(fixtures), "--workdir", str(work / "server")],
        work / "server.log",
        python=str(python),
        path="/corpus",
        timeout=300,
    )


# -- running both clients --------------------------------------------------------------------


def run_release(
    version: str,
    base: str,
    apps: list[App],
    fixtures: Path,
    work: Path,
    shell_env: dict[str, str],
    *,
    workers: int = 3,
) -> ReleaseRun:
    """Every case of ``apps`` that runs on ``version``, through both clients at once."""
    started = time.monotonic()
    manifest = httpx.get(f"{base}/corpus", timeout=30).json()
    served = [a for a in apps if a.name in manifest["served"]]
    downloads = work / "client-downloads"
    with ThreadPoolExecutor(max_workers=workers + 1) as pool:
        client_future = pool.submit(run_client, version, base, served, fixtures, downloads)
        shell_futures = {
            a.name: pool.submit(run_shell, a, a.cases_for(version), base, fixtures, work, shell_env)
            for a in served
        }
        client = client_future.result()
        shells = {name: future.result() for name, future in shell_futures.items()}
    runs = {}
    for a in served:
        argv, answers, stderr = shells[a.name]
        runs[a.name] = AppRun(
            a, a.cases_for(version), client.get(a.name, {}), answers, argv, stderr
        )
    return ReleaseRun(
        version,
        base,
        manifest["served"],
        manifest["failed"],
        runs,
        downloads,
        time.monotonic() - started,
    )


def run_client(
    version: str, base: str, apps: list[App], fixtures: Path, downloads: Path
) -> dict[str, dict[str, list[Answer]]]:
    """The official client's answers, from the release's own environment."""
    plan = {
        "base": base,
        "fixtures": str(fixtures),
        "downloads": str(downloads),
        "apps": [
            {"name": a.name, "cases": [_case_plan(c) for c in a.cases_for(version)]} for a in apps
        ],
    }
    scratch = downloads.parent / "client-tmp"  # the client stages each download there
    scratch.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [str(python_for(version)), str(CORPUS / "client_runner.py")],
        input=json.dumps(plan),
        capture_output=True,
        text=True,
        timeout=CLIENT_TIMEOUT,
        cwd=fixtures,
        env={**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "TMPDIR": str(scratch)},
    )
    if done.returncode != 0:
        raise RuntimeError(f"the client runner failed:\n{done.stderr[-4000:]}")
    raw = json.loads(done.stdout)
    return {
        app: {case: [Answer(**answer) for answer in answers] for case, answers in cases.items()}
        for app, cases in raw.items()
    }


def _case_plan(case: Case) -> dict[str, Any]:
    return {
        "name": case.name,
        "steps": [
            {
                "endpoint": step.endpoint,
                "args": [_plan_value(a, i) for a in step.args],
                "kwargs": {k: _plan_value(v, i) for k, v in step.kwargs.items()},
                "stream": step.stream,
            }
            for i, step in enumerate(case.steps)
        ],
    }


def _plan_value(value: Any, position: int) -> Any:
    if isinstance(value, File):
        return {"$file": _plan_value(value.name, position)}
    if isinstance(value, Prev):
        return {"$prev": [position + value.step, value.output]}
    if isinstance(value, JsonFile):
        return {"$json_file": _plan_value(value.value, position)}
    if isinstance(value, (list, tuple)):
        return [_plan_value(v, position) for v in value]
    if isinstance(value, dict):
        return {k: _plan_value(v, position) for k, v in value.items()}
    return value


def shell_statements(cases: list[Case], url: str, base: str = "") -> list[str]:
    """The statements of one shell run: per case a session of its own, then its steps.

    ``{base}`` in a step stands for the server's root URL (its fixtures are under it).
    """
    statements = []
    for number, case in enumerate(cases, 1):
        statements.append(f"connect {url} as c{number}")
        statements.extend(step.command(f"c{number}").replace("{base}", base) for step in case.steps)
    return statements


def run_shell(
    app: App,
    cases: list[Case],
    base: str,
    fixtures: Path,
    work: Path,
    env: dict[str, str],
) -> tuple[list[str], dict[str, list[Answer]], str]:
    """One shell process for every case of ``app``: its argv, answers per case, stderr."""
    statements = shell_statements(cases, f"{base}/{app.name}", base)
    argv = [
        sys.executable,
        "-m",
        "gradioshell",
        "--json",
        "--keep-going",
        "--download-dir",
        str(work / "shell-downloads" / app.name),
    ]
    for statement in statements:
        argv += ["-c", statement, "-c", "sessions"]
    try:
        done = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            timeout=SHELL_TIMEOUT,
            cwd=fixtures,
            env=env,
            stdin=subprocess.DEVNULL,
        )
        stdout, stderr = done.stdout, done.stderr
    except subprocess.TimeoutExpired as exc:
        stdout = _text(exc.stdout)
        stderr = _text(exc.stderr) + f"\n(the shell was stopped after {SHELL_TIMEOUT:.0f} s)"
    groups = _statement_groups(stdout)
    answers: dict[str, list[Answer]] = {}
    position = 0
    for case in cases:
        connected = groups[position] if position < len(groups) else None
        position += 1
        case_answers = []
        for _ in case.steps:
            records = groups[position] if position < len(groups) else None
            position += 1
            if records is None:
                said = stderr.strip().splitlines()[-3:]
                case_answers.append(
                    Answer(False, error=f"(the shell printed nothing for it; stderr: {said})")
                )
            elif connected is not None and _failure(connected):
                case_answers.append(
                    Answer(False, error=f"connect failed: {_failure(connected)}", records=records)
                )
            else:
                case_answers.append(_shell_answer(records))
        answers[case.name] = case_answers
    return argv, answers, stderr


def _text(value: str | bytes | None) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value or ""


def _statement_groups(stdout: str) -> list[list[dict[str, Any]]]:
    """The JSON records of each statement, split at the ``sessions`` records between them."""
    groups: list[list[dict[str, Any]]] = [[]]
    for line in stdout.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            record = {"event": "unparsed", "line": line}
        if record.get("event") == "sessions":
            groups.append([])
        else:
            groups[-1].append(record)
    if not groups[-1]:
        groups.pop()
    return groups


def _failure(records: list[dict[str, Any]]) -> str | None:
    errors = [r for r in records if r.get("event") in ("error", "cancelled", "unparsed")]
    if errors:
        return "; ".join(str(r.get("message", r)) for r in errors)
    return None


def _shell_answer(records: list[dict[str, Any]]) -> Answer:
    final = [r for r in records if r.get("event") in ("complete", "completed")]
    failure = _failure(records)
    if failure is not None or not final:
        return Answer(False, error=failure or "no complete event", records=records)
    stream = [r.get("data") for r in records if r.get("event") == "generating"]
    outputs = final[-1].get("data")
    return Answer(True, outputs=outputs, stream=stream or [outputs], records=records)


# -- comparing -------------------------------------------------------------------------------


class Canon:
    """Values of both clients made comparable: files become their content's hash."""

    def __init__(self, client_downloads: Path) -> None:
        self.client_downloads = client_downloads.resolve()
        self._http = httpx.Client(timeout=30)

    def close(self) -> None:
        self._http.close()

    def client(self, value: Any) -> Any:
        if UPDATES_AS_VALUES and isinstance(value, dict) and value.get("__type__") == "update":
            value = value.get("value")  # as the shell shows an update (known_differences.py)
        if isinstance(value, str) and value.startswith(str(self.client_downloads)):
            path = Path(value)
            if path.is_file():
                return _file_mark(path.read_bytes(), path.name)
        if isinstance(value, list):
            return [self.client(v) for v in value]
        if isinstance(value, dict):
            if _is_filedata(value):
                return self._remote(value)
            return {k: self.client(v) for k, v in value.items()}
        return value

    def shell(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.shell(v) for v in value]
        if isinstance(value, dict):
            local = value.get("local_path")
            if isinstance(local, str) and Path(local).is_file():
                return _file_mark(Path(local).read_bytes(), local)
            if _is_filedata(value):
                return self._remote(value)
            return {k: self.shell(v) for k, v in value.items()}
        return value

    def _remote(self, filedata: dict[str, Any]) -> Any:
        """A file left on the app (by either client): fetched, so contents are compared."""
        url = filedata.get("url")
        name = filedata.get("orig_name") or filedata.get("path") or ""
        if not isinstance(url, str) or not url.startswith("http"):
            return {"file (not fetched)": name, "url": url}
        response = self._http.get(url)
        if response.status_code != 200:
            return {"file (not fetched)": name, "status": response.status_code}
        return _file_mark(response.content, str(name))


def _is_filedata(value: dict[str, Any]) -> bool:
    meta = value.get("meta")
    if isinstance(meta, dict) and meta.get("_type") == "gradio.FileData":
        return True
    return "path" in value and "url" in value and "orig_name" in value


def _file_mark(content: bytes, name: str) -> dict[str, str]:
    return {"file": hashlib.sha256(content).hexdigest()[:16], "ext": Path(name).suffix.lower()}


def differences(run: AppRun, canon: Canon) -> list[tuple[Step, str]]:
    """Every step of ``run`` where the clients disagree, with a report written to be read."""
    found = []
    for case in run.cases:
        client_answers = run.client.get(case.name, [])
        shell_answers = run.shell.get(case.name, [])
        for index, step in enumerate(case.steps):
            client = client_answers[index] if index < len(client_answers) else Answer(False)
            shell = shell_answers[index] if index < len(shell_answers) else Answer(False)
            problem = _disagreement(step, client, shell, canon)
            if problem is not None:
                found.append((step, _report(run, case, index, step, client, shell, problem, canon)))
    return found


def _disagreement(step: Step, client: Answer, shell: Answer, canon: Canon) -> str | None:
    if step.fails:
        if client.ok:
            return "the case expects a failure, but the official client succeeded (case is wrong)"
        if shell.ok:
            return "the official client failed, the shell succeeded"
        if step.error is not None:
            missing = [
                who
                for who, answer in (("client", client), ("shell", shell))
                if step.error not in (answer.error or "")
            ]
            if missing:
                return f"error text {step.error!r} missing from: {', '.join(missing)}"
        return None
    if not client.ok:
        if not shell.ok:
            return "both clients failed, but the case expects success (case is wrong?)"
        return "the official client failed, the shell succeeded"
    if not shell.ok:
        return "the shell failed"
    if canon.client(client.outputs) != canon.shell(shell.outputs):
        return "the outputs differ"
    if step.stream and canon.client(client.stream) != canon.shell(shell.stream):
        return "the intermediate values differ"
    return None


def _report(
    run: AppRun,
    case: Case,
    index: int,
    step: Step,
    client: Answer,
    shell: Answer,
    problem: str,
    canon: Canon,
) -> str:
    def shown(answer: Answer, canonical: Any) -> str:
        if not answer.ok:
            return f"FAILED: {answer.error}"
        text = json.dumps(canonical, ensure_ascii=False, sort_keys=True)
        return text if len(text) < 1500 else text[:1500] + "…"

    client_args = ", ".join(
        [repr(a) for a in step.args] + [f"{k}={v!r}" for k, v in step.kwargs.items()]
    )
    target = (
        f"fn_index={step.fn_index}" if step.fn_index is not None else f"api_name={step.endpoint!r}"
    )
    lines = [
        f"{run.app.name} / {case.name} / step {index + 1}: {problem}",
        f"  shell:  {step.command('cN')}",
        f"  client: predict({client_args + ', ' if client_args else ''}{target})",
        f"  client returned: {shown(client, canon.client(client.outputs))}",
        f"  shell returned:  {shown(shell, canon.shell(shell.outputs))}",
    ]
    if step.stream and client.ok and shell.ok:
        lines.append(f"  client stream: {json.dumps(canon.client(client.stream))[:800]}")
        lines.append(f"  shell stream:  {json.dumps(canon.shell(shell.stream))[:800]}")
    if shell.records and not shell.ok:
        events = [r.get("event") for r in shell.records]
        lines.append(f"  shell events: {events}")
    elif shell.records:
        printed = json.dumps(shell.records[-1], ensure_ascii=False)
        lines.append(f"  shell printed:   {printed[:800]}{'…' if len(printed) > 800 else ''}")
    return "\n".join(lines)


def answers_text(run: AppRun, canon: Canon) -> str:
    """Both clients' answers to every step of ``run``, one block per step."""
    lines = []
    for case in run.cases:
        for index, step in enumerate(case.steps):
            lines.append(f"{run.app.name} / {case.name} / {step.command('cN')}")
            for who, answers, canonical in (
                ("client", run.client, canon.client),
                ("shell ", run.shell, canon.shell),
            ):
                steps = answers.get(case.name, [])
                answer = steps[index] if index < len(steps) else Answer(False, error="(none)")
                shown = (
                    json.dumps(canonical(answer.outputs), ensure_ascii=False)
                    if answer.ok
                    else f"FAILED: {answer.error}"
                )
                lines.append(f"    {who}: {shown[:600]}")
                if step.stream and answer.ok:
                    streamed = json.dumps(canonical(answer.stream), ensure_ascii=False)
                    lines.append(f"    {who} stream: {streamed[:600]}")
    return "\n".join(lines)
