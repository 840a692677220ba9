"""``space duplicate``, ``space logs``, ``pause``, ``hardware`` and ``sleep-time`` against the
stand-in Hub, whose duplicate, logs, pause, hardware and sleep time routes take and give
the payloads huggingface_hub sends and reads."""

from __future__ import annotations

import json
from pathlib import Path

import pexpect

from tests.standin_hub import StandInHub


def anonymous(hub: StandInHub) -> dict[str, str]:
    return {"HF_ENDPOINT": hub.endpoint}


def signed_in(hub: StandInHub) -> dict[str, str]:
    return {"HF_ENDPOINT": hub.endpoint, "HF_TOKEN": hub.token}


def posted(hub: StandInHub, suffix: str) -> list[dict]:  # type: ignore[type-arg]
    return [body for where, body in hub.posted if where.endswith(suffix)]


# -- duplicate -------------------------------------------------------------------------------


def test_duplicate_in_a_script_needs_yes(run_shell, hub: StandInHub) -> None:
    result = run_shell("-c", "space duplicate owner/busy-space", env=signed_in(hub))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "error: space duplicate asks first (duplicate owner/busy-space to "
        "standin-user/busy-space, on cpu-basic: free unless you give --hardware); "
        "add --yes to run it in scripts"
    )
    assert not posted(hub, "/duplicate")
    result = run_shell("-c", "space duplicate owner/busy-space --yes", env=anonymous(hub))
    assert result.returncode == 1
    assert "needs the token of the Space's owner: see 'token set'" in result.stderr


def test_duplicate_with_yes_waits_for_the_build_and_connects(run_shell, hub: StandInHub) -> None:
    result = run_shell(
        "-c",
        "space duplicate owner/busy-space --to copy --private --yes --connect; echo text=dup n=2",
        env=signed_in(hub),
    )
    assert result.returncode == 0, result.stderr
    assert "duplicated owner/busy-space to standin-user/copy; waiting for it to build" in (
        result.stderr
    )
    for stage in ("BUILDING", "APP_STARTING", "RUNNING"):
        assert f"standin-user/copy: {stage}" in result.stderr
    assert "connected app1" in result.stderr
    assert result.stdout.strip() == "dupdup"
    assert posted(hub, "/duplicate") == [{"repository": "standin-user/copy", "private": True}]
    assert hub.spaces["standin-user/copy"].private
    again = run_shell("-c", "space duplicate owner/busy-space --to copy --yes", env=signed_in(hub))
    assert again.returncode == 1
    assert "a Space named standin-user/copy already exists" in again.stderr


def test_duplicate_asks_states_the_cost_and_can_be_refused(
    spawn_shell, hub: StandInHub, shell_env
) -> None:
    child = spawn_shell(env=signed_in(hub))
    child.expect_exact("gradioshell>")
    child.sendline(
        "space duplicate owner/busy-space --hardware t4-small --secret API_KEY=s3cr3tvalue"
    )
    child.expect_exact("on t4-small: paid: $0.40 per hour while it runs")
    child.expect_exact("API_KEY")
    child.expect_exact("Duplicate it? [y/N]")
    child.sendline("n")
    child.expect_exact("nothing was duplicated")
    child.expect_exact("gradioshell>")
    assert not posted(hub, "/duplicate")
    child.sendline(
        "space duplicate owner/busy-space --to gpu-copy --hardware t4-small "
        "--secret API_KEY=s3cr3tvalue"
    )
    child.expect_exact("Duplicate it? [y/N]")
    child.sendline("y")
    child.expect_exact("APP_STARTING")
    child.expect_exact("Connect to standin-user/gpu-copy now? [Y/n]")
    child.sendline("")
    child.expect_exact("connected app1")
    child.expect_exact("app1>")
    child.sendline("exit")
    child.expect(pexpect.EOF)
    [body] = posted(hub, "/duplicate")
    assert body == {
        "repository": "standin-user/gpu-copy",
        "hardware": "t4-small",
        "secrets": [{"key": "API_KEY", "value": "s3cr3tvalue"}],
    }
    history = Path(shell_env["XDG_DATA_HOME"]) / "gradioshell" / "history"
    assert "space duplicate" not in history.read_text()  # a line with a secret is not kept


def test_unknown_hardware_is_refused(run_shell, hub: StandInHub) -> None:
    result = run_shell(
        "-c", "space duplicate owner/busy-space --hardware h100-huge --yes", env=signed_in(hub)
    )
    assert result.returncode == 2
    assert "unknown hardware 'h100-huge'; one of: a100-large, cpu-basic" in result.stderr


# -- logs ------------------------------------------------------------------------------------


def test_logs_neutralise_hostile_bytes(run_shell, hub: StandInHub) -> None:
    result = run_shell("-c", "space logs owner/busy-space", env=anonymous(hub))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "===== Application Startup at 2025-05-01 12:00:00 ====="
    assert "red [blink]MARKUP[/blink] done" in lines
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    build = run_shell("-c", "space logs owner/building-space --build", env=anonymous(hub))
    assert build.stdout.splitlines()[-1] == "--> Pushing image"
    as_json = run_shell("--json", "-c", "space logs owner/busy-space", env=anonymous(hub))
    records = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert records[3]["line"].startswith("\x1b[31mred")  # exact data, escaped on the wire
    assert "\\u001b" in as_json.stdout and "\x1b" not in as_json.stdout


def test_logs_of_a_private_space_need_the_token(run_shell, hub: StandInHub) -> None:
    result = run_shell("-c", "space logs standin-user/private-space", env=anonymous(hub))
    assert result.returncode == 1
    assert "was not found on the Hub, or it is private" in result.stderr


def test_logs_follow_until_ctrl_c(spawn_shell, hub: StandInHub) -> None:
    child = spawn_shell(env=signed_in(hub))
    child.expect_exact("gradioshell>")
    child.sendline("space logs standin-user/logged-space --follow")
    child.expect_exact("Running on local URL")
    child.expect_exact("live line 3")
    child.sendintr()
    child.expect_exact("cancelled")
    child.expect_exact("gradioshell>")
    child.sendline("exit")
    child.expect(pexpect.EOF)


# -- pause, hardware, sleep time -------------------------------------------------------------


def test_pause_needs_the_owner(run_shell, hub: StandInHub) -> None:
    result = run_shell("-c", "space pause standin-user/logged-space", env=signed_in(hub))
    assert result.returncode == 0, result.stderr
    assert "standin-user/logged-space is PAUSED; start it again with 'space restart" in (
        result.stderr
    )
    result = run_shell("-c", "space pause owner/busy-space", env=signed_in(hub))
    assert result.returncode == 1
    assert "HTTP 403" in result.stderr and "rights to pause" in result.stderr


def test_hardware_shown_and_changed(run_shell, hub: StandInHub) -> None:
    shown = run_shell("-c", "space hardware owner/busy-space", env=anonymous(hub))
    assert shown.stdout.strip() == "owner/busy-space runs on cpu-basic; free"
    refused = run_shell(
        "-c", "space hardware standin-user/logged-space t4-small", env=signed_in(hub)
    )
    assert refused.returncode == 1
    assert "paid: $0.40 per hour while it runs); add --yes" in refused.stderr
    changed = run_shell(
        "-c", "space hardware standin-user/logged-space t4-small --yes", env=signed_in(hub)
    )
    assert changed.returncode == 0, changed.stderr
    assert posted(hub, "/hardware") == [{"flavor": "t4-small"}]
    shown = run_shell("-c", "space hardware standin-user/logged-space", env=signed_in(hub))
    assert "runs on cpu-basic (asked for t4-small)" in shown.stdout


def test_sleep_time(run_shell, hub: StandInHub) -> None:
    result = run_shell(
        "-c",
        "space sleep-time standin-user/logged-space; space sleep-time standin-user/logged-space "
        "3600; space sleep-time standin-user/logged-space never",
        env=signed_in(hub),
    )
    assert result.returncode == 0, result.stderr
    assert "sleeps after 48 h 00 min without visitors" in result.stdout
    assert "now sleeps after 1 h 00 min without visitors" in result.stderr
    assert "now never sleeps" in result.stderr
    assert posted(hub, "/sleeptime") == [{"seconds": 3600}, {"seconds": -1}]
    bad = run_shell("-c", "space sleep-time owner/busy-space soon", env=signed_in(hub))
    assert bad.returncode == 2 and "not a number of seconds or 'never'" in bad.stderr
