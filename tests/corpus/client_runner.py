"""Make the corpus's calls with the official ``gradio_client``, inside one release's environment.

Run by the release's own interpreter, so the client is the one of the server's era:
``python tests/corpus/client_runner.py < plan.json > results.json``. The plan is
``{"base": URL, "fixtures": DIR, "downloads": DIR, "apps": [{"name", "cases": [{"name",
"steps": [...]}]}]}``, where a step is ``{"endpoint", "args", "kwargs", "stream"}``. A value
may hold ``{"$file": NAME}`` (a fixture, given as ``handle_file``), ``{"$prev": [STEP,
OUTPUT]}`` (an earlier step's result) or ``{"$json_file": VALUE}`` (VALUE written to a JSON
file whose path is given: how 0.x clients take a Json or Chatbot value).

The answer is ``{app: {case: [result...]}}``, a result being ``{"ok": true, "outputs": [...],
"stream": [[...]...]}`` or ``{"ok": false, "error": TEXT}``. Outputs are always a list: a bare
value (one visible output) becomes a list of one. Files stay as the local paths the client
returns; the test compares their contents.
"""

from __future__ import annotations

import inspect
import json
import os
import sys
import threading
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"


def main() -> None:
    plan = json.load(sys.stdin)
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = pool.map(lambda a: (a["name"], run_app(plan, a)), plan["apps"])
        results = dict(answers)
    json.dump(_jsonable(results), sys.stdout)


def run_app(plan: dict[str, Any], app: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    from gradio_client import Client

    downloads = Path(plan["downloads"]) / app["name"]
    options: dict[str, Any] = {"verbose": False}
    if "httpx_kwargs" in inspect.signature(Client).parameters:
        # httpx's default 5 s is too short on a machine busy with the rest of the suite:
        # Client() itself then fails with a ReadTimeout, and every case with it.
        options["httpx_kwargs"] = {"timeout": 120.0}
    if _client_major() >= 1:
        options["download_files"] = str(downloads)
    else:
        options["output_dir"] = str(downloads)
    results: dict[str, list[dict[str, Any]]] = {}
    try:
        client = Client(f"{plan['base']}/{app['name']}/", **options)
    except Exception as exc:
        failure = {"ok": False, "error": f"Client() failed: {_describe(exc)}"}
        return {c["name"]: [failure] * len(c["steps"]) for c in app["cases"]}
    for index, case in enumerate(app["cases"]):
        if index:
            client.reset_session()  # each case starts a session of its own, as in the shell
        done: list[dict[str, Any]] = []
        for step in case["steps"]:
            done.append(run_step(client, plan, step, done))
        results[case["name"]] = [{k: v for k, v in d.items() if k != "raw"} for d in done]
    return results


def run_step(
    client: Any, plan: dict[str, Any], step: dict[str, Any], done: list[dict[str, Any]]
) -> dict[str, Any]:
    try:
        args = [_value(a, plan, done) for a in step["args"]]
        kwargs = {k: _value(v, plan, done) for k, v in step["kwargs"].items()}
        if step["endpoint"].startswith("fn "):
            kwargs["fn_index"] = int(step["endpoint"][3:])
        else:
            kwargs["api_name"] = step["endpoint"]
        job = client.submit(*args, **kwargs)
        result = job.result(timeout=120)
    except Exception as exc:
        return {"ok": False, "error": _describe(exc)}
    outputs = _as_list(result)
    answer: dict[str, Any] = {"ok": True, "outputs": outputs, "raw": result}
    if step["stream"]:
        answer["stream"] = [_as_list(o) for o in job.outputs()]
    if _client_major() == 0:
        answer["outputs"] = [_json_file_read(v, plan) for v in outputs]
        if "stream" in answer:
            answer["stream"] = [[_json_file_read(v, plan) for v in o] for o in answer["stream"]]
    return answer


def _json_file_read(value: Any, plan: dict[str, Any]) -> Any:
    """0.x clients hand a Json or Chatbot output over as the path of a JSON file they wrote."""
    if (
        isinstance(value, str)
        and value.endswith(".json")
        and value.startswith(plan["downloads"])
        and os.path.isfile(value)
    ):
        with open(value, encoding="utf-8") as handle:
            return json.load(handle)
    return value


def _value(value: Any, plan: dict[str, Any], done: list[dict[str, Any]]) -> Any:
    """A plan value with its fixture files and earlier results put in."""
    if isinstance(value, list):
        return [_value(v, plan, done) for v in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {"$file"}:
        named = _value(value["$file"], plan, done)
        if isinstance(named, str) and named.startswith("{base}"):
            return _file(plan["base"] + named[len("{base}") :])  # a URL
        if isinstance(named, str):
            return _file(str(Path(plan["fixtures"]) / named))  # an earlier result is absolute
        return _files_in(named)
    if set(value) == {"$json_file"}:
        content = _value(value["$json_file"], plan, done)
        folder = Path(plan["downloads"]) / "json-inputs"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{len(list(folder.iterdir()))}-{threading.get_ident()}.json"
        path.write_text(json.dumps(content), encoding="utf-8")
        return str(path)
    if set(value) == {"$prev"}:
        step, output = value["$prev"]
        earlier = done[step]
        if not earlier["ok"]:
            raise RuntimeError(f"the earlier step this one uses failed: {earlier['error']}")
        return earlier["raw"] if output is None else earlier["outputs"][output]
    return {k: _value(v, plan, done) for k, v in value.items()}


def _file(path: str) -> Any:
    if _client_major() >= 1:
        from gradio_client import handle_file

        return handle_file(path)
    return path  # 0.x clients take a plain path and upload it themselves


def _files_in(value: Any) -> Any:
    """An earlier result with every file the client saved from it sent as a file again."""
    if isinstance(value, str) and os.path.isfile(value):
        return _file(value)
    if isinstance(value, (list, tuple)):
        return [_files_in(v) for v in value]
    if isinstance(value, dict):
        return {k: _files_in(v) for k, v in value.items()}
    return value


def _as_list(result: Any) -> list[Any]:
    """The client returns a bare value for one visible output and a tuple for several."""
    return list(result) if isinstance(result, tuple) else [result]


def _describe(exc: BaseException) -> str:
    text = str(exc).strip() or "(no message)"
    return f"{type(exc).__name__}: {text}"


def _client_major() -> int:
    import gradio_client

    return int(gradio_client.__version__.split(".")[0])


def _jsonable(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return {"$unserializable": repr(value)}


if __name__ == "__main__":
    try:
        main()
    except Exception:
        traceback.print_exc()
        raise SystemExit(1) from None
