"""``doctor`` on a healthy app, a dead port, a private Space without a token, a building
Space and an app behind a proxy."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import RunningApp
from tests.standin_hub import StandInHub
from tests.test_spaces_network import USER, Proxy, guarded_proxy, tls_app  # noqa: F401


def checks(run_shell, *args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    result = run_shell("-c", " ".join(("doctor", *args, "--json")), env=env)
    report = json.loads(result.stdout)
    return result, report, {(c["check"], c["status"]): c for c in report["checks"]}


def test_healthy_app(run_shell, demo_url: str) -> None:
    result, report, found = checks(run_shell, demo_url)
    assert result.returncode == 0, result.stderr
    assert report["problems"] == 0 and report["url"] == demo_url
    assert ("name", "ok") in found
    assert found[("/config", "ok")]["detail"].startswith("Gradio 6.31.0, answered in")
    assert found[("/info", "ok")]["detail"] == "7 endpoints"
    assert found[("protocol", "ok")]["detail"] == "sse_v3: supported"
    assert found[("queue", "ok")]["detail"] == "0 waiting"
    assert found[("heartbeat", "ok")]["detail"] == "the app beats (data: ALIVE)"
    assert report["versions"]["gradioshell"]
    text = run_shell("-c", f"doctor {demo_url}")
    assert "✓ heartbeat the app beats" in " ".join(text.stdout.split())


def test_dead_port(run_shell) -> None:
    result, report, found = checks(run_shell, "127.0.0.1:1")
    assert result.returncode == 1
    problem = found[("/config", "problem")]
    assert problem["detail"] == "cannot connect to http://127.0.0.1:1: connection refused"
    assert problem["next"] == "is the app running, and on this port?"
    assert report["problems"] == 1
    assert "1 problem found" in result.stderr


def test_private_space_without_a_token(run_shell, hub: StandInHub) -> None:
    result, _, found = checks(
        run_shell, "standin-user/private-space", env={"HF_ENDPOINT": hub.endpoint}
    )
    assert result.returncode == 1
    assert found[("token", "info")]["detail"] == "no Hugging Face token: calls are anonymous"
    problem = found[("space", "problem")]
    assert "was not found on the Hub, or it is private" in problem["detail"]
    assert "'token set'" in problem["next"]
    result, _, found = checks(
        run_shell,
        "standin-user/private-space",
        env={"HF_ENDPOINT": hub.endpoint, "HF_TOKEN": hub.token},
    )
    assert result.returncode == 0, result.stdout
    assert "valid for standin-user (and standin-org)" in found[("token", "ok")]["detail"]
    assert found[("token sent", "info")]["detail"].startswith("to the Hub and to http://127.0.0.1")
    assert hub.token not in result.stdout + result.stderr


def test_building_space(run_shell, hub: StandInHub) -> None:
    result, report, found = checks(
        run_shell, "owner/building-space", env={"HF_ENDPOINT": hub.endpoint}
    )
    assert result.returncode == 1
    stage = found[("stage", "problem")]
    assert stage["detail"] == "BUILDING: not running yet"
    assert stage["next"] == "wait for it: space wait owner/building-space"
    logs = [c["detail"] for c in report["checks"] if c["check"] == "build log"]
    assert logs[-1] == "--> Pushing image"
    assert found[("hardware", "info")]["detail"] == "cpu-basic (free)"
    assert not any(c["check"] == "/config" for c in report["checks"])


def test_app_behind_a_proxy(
    run_shell,
    guarded_proxy: Proxy,  # noqa: F811
    tls_app: tuple[RunningApp, Path],  # noqa: F811
) -> None:
    app, ca = tls_app
    env = {"HTTPS_PROXY": guarded_proxy.with_login(), "NO_PROXY": "", "SSL_CERT_FILE": str(ca)}
    result, _, found = checks(run_shell, f"{app.url}/ok", env=env)
    assert result.returncode == 0, result.stdout
    proxy = found[("proxy", "info")]["detail"]
    assert proxy == f"through http://***@{guarded_proxy.url[7:]} (HTTPS_PROXY)"
    assert found[("name", "ok")]
    assert found[("tls", "info")]["detail"] == (
        f"certificates verified with {ca} (from the SSL_CERT_FILE environment variable)"
    )
    assert "issued by" in found[("certificate", "ok")]["detail"]
    assert found[("/config", "ok")]
    assert USER not in result.stdout and "pr0xyPassw0rd" not in result.stdout
    env["HTTPS_PROXY"] = guarded_proxy.with_login(password="nope")
    result, _, found = checks(run_shell, f"{app.url}/ok", env=env)
    assert result.returncode == 1
    assert found[("/config", "problem")]["detail"].startswith("the proxy asks for a login (407)")
