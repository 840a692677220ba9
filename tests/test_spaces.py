"""Spaces in the real world: GPU quotas, full queues, rate limits, retries and timeouts.

The real shell runs against the stand-in Hub (tests/standin_hub.py). Its ZeroGPU-like Space
is a real Gradio app (tests/apps/zerogpu.py) that raises the quota errors of the ``spaces``
package; its busy Space answers ``/queue/join`` with Gradio's own 503 "Queue is full." or a
429 for as many calls as a test asks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from gradioshell.quota import GpuQuota, describe, parse
from tests.conftest import APPS, RunningApp, start_app
from tests.standin_hub import StandInHub


@pytest.fixture(scope="session")
def zero_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    """The ZeroGPU app, one per worker: each test configures its quota first, so the tests
    need not share a worker (their waits add up to minutes)."""
    app = start_app([str(APPS / "zerogpu.py")], tmp_path_factory.mktemp("zero") / "log")
    yield app
    app.stop()


@pytest.fixture()
def hub_backends(demo_app: RunningApp, zero_app: RunningApp) -> tuple[str, str | None]:
    """The stand-in Hub's Spaces, and owner/zero-space on the ZeroGPU app."""
    return demo_app.url, zero_app.url


def anonymous(hub: StandInHub) -> dict[str, str]:
    return {"HF_ENDPOINT": hub.endpoint}


def signed_in(hub: StandInHub) -> dict[str, str]:
    return {"HF_ENDPOINT": hub.endpoint, "HF_TOKEN": hub.token}


def errors(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [line for line in result.stderr.splitlines() if line.startswith("error:")]


# -- the quota messages, as the spaces package words them ------------------------------------


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            "You have exceeded your free ZeroGPU quota (60s requested vs. 12s left). "
            "Try again in 2:05:11. Subscribe to Hugging Face PRO to get 40 min of ZeroGPU "
            "quota a day - https://huggingface.co/subscribe/pro?from=ZeroGPU",
            GpuQuota("quota", 60, 12, 7511.0, "free"),
        ),
        (
            "You have exceeded your GPU quota (60s requested vs. 12s left). Try again in 2:05:11",
            GpuQuota("quota", 60, 12, 7511.0),
        ),
        (
            "You have exceeded your GPU quota (12s left vs. 60s requested). "
            "Please retry in 1 day, 0:00:05",
            GpuQuota("quota", 60, 12, 86405.0),
        ),
        (
            "You have exceeded your GPU quota (46s left vs. 60s requested). Sign-up on Hugging "
            "Face to get more quotas or retry in 0:09:48.",
            GpuQuota("quota", 60, 46, 588.0),
        ),
        (
            'You have exceeded your GPU quota (60s requested vs. 56s left). <a style="color: '
            'red" href="https://huggingface.co/join">Create a free account</a> to get more '
            "usage quota.",
            GpuQuota("quota", 60, 56, None),
        ),
        ("You have exceeded your ZeroGPU runs limit. ", GpuQuota("runs")),
        (
            "Space app has reached its GPU limit. Try re-running outside of examples if it "
            "happened after clicking one",
            GpuQuota("space"),
        ),
        (
            "You have too many ZeroGPU credits allocated to running tasks. Try again once "
            "some of those tasks have completed.",
            GpuQuota("pending"),
        ),
        (
            "The requested GPU duration (120s) is larger than the maximum allowed",
            GpuQuota("duration", requested=120),
        ),
        ("No GPU was available after 60s. Retry later", GpuQuota("no_gpu")),
        ("No GPU is currently available for you after 60s", GpuQuota("no_gpu")),
        ("failed on purpose: you have exceeded nothing", None),
    ],
)
def test_quota_messages_are_recognised(message: str, expected: GpuQuota | None) -> None:
    assert parse(message) == expected


def test_quota_line_says_what_when_and_the_token() -> None:
    found = GpuQuota("quota", 60, 12, 7511.0)
    line = describe(found, token_sent=False, now=0)
    assert line.startswith("GPU quota used up: 60 s requested, 12 s left")
    assert "back in 2 h 05 min" in line
    assert "no token was sent" in line and "'token set'" in line
    assert "--wait-quota" in line and "\n" not in line
    line = describe(found, token_sent=True, token_source="HF_TOKEN", waiting=True)
    assert "your token was sent (from HF_TOKEN)" in line and "--wait-quota" not in line


# -- GPU quota, end to end -------------------------------------------------------------------


def test_quota_error_without_a_token(run_shell, hub: StandInHub) -> None:
    result = run_shell(
        "-c", "connect owner/zero-space; configure 0 30 0; generate cat", env=anonymous(hub)
    )
    assert result.returncode == 1
    [line] = errors(result)
    assert line.startswith("error: ZeroGPU: GPU quota used up: 60 s requested, 12 s left")
    assert re.search(r"back in (29|30) s \(at \d\d:\d\d:\d\d\)", line), line
    assert "no token was sent (anonymous calls get the least)" in line
    assert "sign in with 'token set'" in line and "--wait-quota waits and retries" in line


def test_quota_error_with_a_token(run_shell, hub: StandInHub) -> None:
    result = run_shell(
        "-c", "connect owner/zero-space; configure 0 30 0; generate cat", env=signed_in(hub)
    )
    assert result.returncode == 1
    [line] = errors(result)
    assert "(free account): 60 s requested, 0 s left" in line
    assert "your token was sent (from the HF_TOKEN environment variable)" in line
    assert hub.token not in result.stderr + result.stdout


def test_quota_error_in_json_keeps_the_clear_line(run_shell, hub: StandInHub) -> None:
    result = run_shell(
        "--json",
        "-c",
        "connect owner/zero-space; configure 0 30 0; generate cat",
        env=anonymous(hub),
    )
    records = [json.loads(line) for line in result.stdout.splitlines()]
    [failure] = [r for r in records if r["event"] == "error" and r.get("endpoint")]
    assert failure["title"] == "ZeroGPU"
    assert failure["message"].startswith("GPU quota used up")


def test_wait_quota_retries_after_the_countdown(run_shell, hub: StandInHub) -> None:
    result = run_shell(
        "-c",
        "connect owner/zero-space; configure 0 2 0; generate cat --wait-quota",
        env=anonymous(hub),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "image of cat"
    assert "waiting 0:00:03 for the GPU quota to come back" in result.stderr
    assert "GPU quota back: trying again" in result.stderr
    assert "--wait-quota waits" not in result.stderr  # it is already waiting


def test_wait_quota_countdown_at_the_prompt_and_ctrl_c(spawn_shell, hub: StandInHub) -> None:
    child = spawn_shell("--wait-quota", env=anonymous(hub))
    child.expect_exact("gradioshell>")
    child.sendline("connect owner/zero-space")
    child.expect_exact("app1>")
    child.sendline("configure 0 2 0")
    child.expect_exact("configured")
    child.sendline("generate cat")
    child.expect_exact("GPU quota used up")
    child.expect(r"GPU quota back in 0:00:0\d")
    child.expect_exact("image of cat")
    child.expect_exact("app1>")
    child.sendline("configure 0 600 0")
    child.expect_exact("configured")
    child.sendline("generate dog")
    child.expect(r"GPU quota back in 0:(09|10):\d\d")
    child.sendintr()
    child.expect_exact("cancelled")
    child.expect_exact("app1>")
    child.sendline("exit")
    child.expect(pexpect.EOF)


def test_batch_pauses_on_the_quota_and_loses_no_row(
    run_shell, hub: StandInHub, tmp_path: Path
) -> None:
    rows = tmp_path / "prompts.csv"
    rows.write_text("prompt\n" + "".join(f"p{n}\n" for n in range(1, 7)))
    out = tmp_path / "out.jsonl"
    result = run_shell(
        "-c",
        "connect owner/zero-space; configure 2 2 0; "
        f"batch generate --input {rows} --output {out} --concurrency 2",
        env=anonymous(hub),
    )
    assert result.returncode == 0, result.stderr
    assert "batch paused: GPU quota used up; resuming in" in result.stderr
    assert "batch resumed" in result.stderr
    assert "batch finished: 6 done, 0 failed" in result.stderr
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["row"] for r in records] == [1, 2, 3, 4, 5, 6]
    assert [r["outputs"] for r in records] == [[f"image of p{n}"] for n in range(1, 7)]
    assert all(r["error"] is None for r in records)


# -- full queues, rate limits and transient faults -------------------------------------------


def test_full_queue_is_not_an_app_error(run_shell, hub: StandInHub) -> None:
    hub.spaces["owner/busy-space"].full_joins = 1
    result = run_shell("-c", "connect owner/busy-space; echo text=a n=1", env=anonymous(hub))
    assert result.returncode == 1
    assert errors(result) == [
        "error: the app's queue is full (503): Queue is full. Max size is 1 and size is 1."
    ]


def test_full_queue_retried_with_back_off(run_shell, hub: StandInHub) -> None:
    hub.spaces["owner/busy-space"].full_joins = 2
    result = run_shell(
        "-c", "connect owner/busy-space; echo text=a n=2 --retries 3", env=anonymous(hub)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "aa"
    retries = [line for line in result.stderr.splitlines() if line.startswith("retry")]
    assert retries == [
        "retry 1 of 3 in 1 s: the app's queue is full (503): Queue is full. "
        "Max size is 1 and size is 1.",
        "retry 2 of 3 in 2 s: the app's queue is full (503): Queue is full. "
        "Max size is 1 and size is 1.",
    ]


def test_429_waits_as_long_as_retry_after_says(run_shell, hub: StandInHub) -> None:
    hub.spaces["owner/busy-space"].limited_joins = 1
    result = run_shell(
        "--retries", "2", "-c", "connect owner/busy-space; echo text=b n=1", env=anonymous(hub)
    )
    assert result.returncode == 0, result.stderr
    assert "retry 1 of 2 in 1 s: too many requests (429); retry after 1 s" in result.stderr
    assert result.stdout.strip() == "b"


def test_retries_give_up_after_the_last(run_shell, hub: StandInHub) -> None:
    hub.spaces["owner/busy-space"].full_joins = 5
    result = run_shell(
        "--json", "-c", "connect owner/busy-space; echo text=c n=1 --retries=1", env=anonymous(hub)
    )
    assert result.returncode == 1
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["attempt"] for r in records if r["event"] == "retry"] == [1]
    assert records[-1]["event"] == "error" and "queue is full" in records[-1]["message"]


def test_no_gpu_free_is_retried_but_app_errors_are_not(run_shell, hub: StandInHub) -> None:
    result = run_shell(
        "-c",
        "connect owner/zero-space; configure 100 1 2; busy x --retries 3",
        env=anonymous(hub),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "busy x"
    assert len(re.findall(r"^retry \d of 3 in \d s: no GPU is free", result.stderr, re.M)) == 2
    result = run_shell(
        "-c", f"connect {hub.host('owner/busy-space')}; fail oops --retries 3", env=anonymous(hub)
    )
    assert result.returncode == 1
    assert "retry" not in result.stderr


# -- timeouts say which phase ----------------------------------------------------------------


def test_timeouts_say_the_phase(
    run_shell, shell_env: dict[str, str], slow_app: tuple[RunningApp, Path], tmp_path: Path
) -> None:
    import subprocess
    import sys

    from tests.waiting import wait_until

    app, marker = slow_app
    config = tmp_path / "config.toml"
    config.write_text("[timeouts]\nstream_idle = 0.6\n")
    url = app.url
    # Another client, without an idle limit of its own, holds the app's one slot for 10 s:
    # long enough for the queued shell to start and reach the queue on a busy machine.
    holder = subprocess.Popen(
        [sys.executable, "-m", "gradioshell", "-c", f"connect {url}; tick seconds=10 tag=holding"],
        env=shell_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: "holding" in marker.read_text().split(), what="the slot taken")
        queued = run_shell("--config", str(config), "-c", f"connect {url}; tick seconds=0 tag=q")
    finally:
        holder.wait(timeout=60)
    assert "error: timed out in the app's queue: " in queued.stderr, queued.stderr
    assert "Slow is not dead: the app is up but busy; try again later" in queued.stderr
    running = run_shell("--config", str(config), "-c", f"connect {url}; tick seconds=3 tag=third")
    assert running.returncode == 1
    line = errors(running)[-1]
    assert line.startswith("error: timed out while the call ran: ")
    assert "the app is up and this call may just be slow" in line
    assert "[timeouts] stream_idle" in line


def test_a_batch_retries_its_rows_by_default(run_shell, hub: StandInHub, tmp_path: Path) -> None:
    hub.spaces["owner/busy-space"].full_joins = 2
    rows = tmp_path / "rows.jsonl"
    rows.write_text('{"text": "a", "n": 1}\n{"text": "b", "n": 2}\n')
    result = run_shell(
        "-c",
        f"connect owner/busy-space; batch echo --input {rows} --concurrency 1",
        env=anonymous(hub),
    )
    assert result.returncode == 0, result.stderr
    assert "row 1: retry 1 of 3 in 1 s: the app's queue is full (503)" in result.stderr
    assert "row 1: retry 2 of 3 in 2 s" in result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["outputs"] for r in records] == [["a"], ["bb"]]


def test_a_stopped_queue_and_a_gateway_are_told_apart() -> None:
    import httpx

    from gradioshell.gradio import QueueFull, Unavailable
    from gradioshell.gradio.http import status_error
    from gradioshell.retry import transient

    request = httpx.Request("POST", "http://app/gradio_api/queue/join")
    stopped = status_error(
        httpx.Response(503, json={"detail": "Queue is stopped."}, request=request)
    )
    assert isinstance(stopped, QueueFull) and stopped.stopped
    assert str(stopped).startswith("the app's queue is stopped (503): Queue is stopped.")
    gateway = status_error(httpx.Response(502, text="Bad Gateway", request=request))
    assert isinstance(gateway, Unavailable)
    assert str(gateway) == "/gradio_api/queue/join: HTTP 502 Bad Gateway: Bad Gateway"
    assert transient(stopped) and transient(gateway)
    invalid = status_error(httpx.Response(400, text="bad payload", request=request))
    assert not transient(invalid)


def test_retry_options_are_not_for_background_jobs(run_shell, demo_url: str) -> None:
    result = run_shell("-c", f"connect {demo_url}; echo text=a n=1 --retries 2 &")
    assert result.returncode == 2
    assert "--retries and --wait-quota are for calls in the foreground" in result.stderr
