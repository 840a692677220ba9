"""save and --restore: sessions kept between runs, reconnected at start, failures shown."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pexpect
import pytest

from gradioshell.saved import without_credentials
from tests.conftest import APPS, RunningApp, start_app, start_demo
from tests.standin_hub import StandInHub


@pytest.fixture()
def second_app(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Another real Gradio app, which the test may stop."""
    app = start_demo(tmp_path / "second.log")
    yield app
    app.stop()


def saved_file(env: dict[str, str]) -> Path:
    return Path(env["XDG_DATA_HOME"]) / "gradioshell" / "sessions.json"


def json_lines(text: str) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_save_and_restore_round_trip_three_sessions(
    run_shell, shell_env: dict[str, str], demo_url: str, second_app: RunningApp
) -> None:
    secret = "hf_notreallyasecretbutmustnotleak"
    saving = run_shell(
        "-c",
        f"connect {demo_url} as one; connect {second_app.url} as two; "
        f"connect {demo_url} as three; use two; save",
        env={"HF_TOKEN": secret},
    )
    assert saving.returncode == 0, saving.stderr
    assert "saved 3 sessions" in saving.stderr

    path = saved_file(shell_env)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    text = path.read_text()
    assert secret not in text
    record = json.loads(text)
    assert record["default"] == "two"
    assert record["sessions"] == [
        {"name": "one", "target": demo_url},
        {"name": "two", "target": second_app.url},
        {"name": "three", "target": demo_url},
    ]

    restored = run_shell("--json", "--restore", "-c", "sessions; echo text=back n=2")
    assert restored.returncode == 0, restored.stderr
    events = json_lines(restored.stdout)
    listing = next(e for e in events if e["event"] == "sessions")
    by_name = {s["session"]: s for s in listing["sessions"]}
    assert set(by_name) == {"one", "two", "three"}
    assert by_name["one"]["url"] == demo_url
    assert by_name["two"]["url"] == second_app.url
    assert by_name["three"]["url"] == demo_url
    assert [name for name, s in by_name.items() if s["default"]] == ["two"]
    # The restored default session answers calls.
    completed = [e for e in events if e["event"] == "complete"]
    assert completed and completed[-1]["session"] == "two"
    assert completed[-1]["data"] == ["backback"]


def test_restore_shows_which_sessions_failed(
    run_shell, spawn_shell, demo_url: str, second_app: RunningApp
) -> None:
    saving = run_shell("-c", f"connect {demo_url} as alpha; connect {second_app.url} as beta; save")
    assert saving.returncode == 0, saving.stderr
    second_app.stop()

    # A script stops on the failure unless told to keep going.
    stopped = run_shell("--restore", "-c", "sessions")
    assert stopped.returncode == 1
    assert "could not restore beta" in stopped.stderr
    assert "1 of 2 saved sessions could not be restored" in stopped.stderr

    kept = run_shell("--keep-going", "--json", "--restore", "-c", "sessions")
    assert kept.returncode == 1
    listing = next(e for e in json_lines(kept.stdout) if e["event"] == "sessions")
    assert [s["session"] for s in listing["sessions"]] == ["alpha"]

    # At the prompt, the failure is one line and the restored session is ready.
    child = spawn_shell("--restore")
    child.expect_exact("could not restore beta")
    child.expect_exact("alpha>")
    child.sendline("echo text=ok n=2")
    child.expect_exact("okok")
    child.expect_exact("alpha>")
    child.sendline("exit")
    child.expect(pexpect.EOF)


def test_save_and_restore_say_what_is_wrong(run_shell) -> None:
    nothing_open = run_shell("-c", "save")
    assert nothing_open.returncode == 1
    assert nothing_open.stderr.strip() == "error: no sessions to save: connect to an app first"
    nothing_saved = run_shell("--restore", "-c", "sessions")
    assert nothing_saved.returncode == 1
    assert "no saved sessions" in nothing_saved.stderr
    assert "Traceback" not in nothing_saved.stderr


def test_restore_reports_a_damaged_file(run_shell, shell_env: dict[str, str]) -> None:
    path = saved_file(shell_env)
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    result = run_shell("-c", "restore")
    assert result.returncode == 1
    assert f"cannot read the saved sessions in {path}" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("target", "kept"),
    [
        ("http://user:secret@127.0.0.1:7860/app", "http://127.0.0.1:7860/app"),
        ("user:secret@example.org", "example.org"),
        ("https://example.org/a@b", "https://example.org/a@b"),
        ("rrg92/diffusers-labs", "rrg92/diffusers-labs"),
    ],
)
def test_credentials_in_a_target_are_not_saved(target: str, kept: str) -> None:
    assert without_credentials(target) == kept


def test_restore_goes_through_the_hub_and_keeps_no_token(
    run_shell, shell_env: dict[str, str], hub: StandInHub
) -> None:
    env = {"HF_ENDPOINT": hub.endpoint, "HF_TOKEN": hub.token}
    url = hub.host("standin-user/private-space")
    saving = run_shell(
        "-c",
        f"connect standin-user/private-space as space; connect {url} --token as plain; save",
        env=env,
    )
    assert saving.returncode == 0, saving.stderr
    text = saved_file(shell_env).read_text()
    assert hub.token not in text
    assert json.loads(text)["sessions"] == [
        {"name": "space", "target": "standin-user/private-space"},
        {"name": "plain", "target": url, "send_token": True},
    ]
    before = len(hub.with_token("standin-user/private-space"))
    restored = run_shell(
        "--restore", "-c", "@space echo text=s n=2; @plain echo text=p n=2", env=env
    )
    assert restored.returncode == 0, restored.stderr
    assert restored.stdout.splitlines() == ["ss", "pp"]
    assert hub.token not in restored.stdout + restored.stderr
    assert len(hub.with_token("standin-user/private-space")) > before
    # Without a token the private Space cannot come back, and the failure says why.
    failed = run_shell("--restore", "-c", "sessions", env={"HF_ENDPOINT": hub.endpoint})
    assert failed.returncode == 1
    assert "could not restore space (standin-user/private-space)" in failed.stderr


def test_config_flag_restores_at_the_prompt(
    run_shell, spawn_shell, shell_env: dict[str, str], demo_url: str
) -> None:
    saving = run_shell("-c", f"connect {demo_url} as kept; save")
    assert saving.returncode == 0, saving.stderr
    config = Path(shell_env["XDG_CONFIG_HOME"]) / "gradioshell" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[startup]\nrestore = true\n")
    child = spawn_shell()
    child.expect_exact("restored kept")
    child.expect_exact("kept>")
    child.sendline("echo text=cfg n=2")
    child.expect_exact("cfgcfg")
    child.expect_exact("kept>")
    child.sendline("exit")
    child.expect(pexpect.EOF)
    # Scripts are not changed by the flag: only --restore restores there.
    script = run_shell("-c", "sessions")
    assert script.returncode == 0
    assert "kept" not in script.stdout


def test_a_login_is_restored_without_saving_the_password(
    run_shell, shell_env: dict[str, str], demo_url: str, tmp_path: Path
) -> None:
    import sys

    app = start_app(
        [str(APPS / "conformance.py"), "--auth", "alice:s3cret"],
        tmp_path / "log",
        python=sys.executable,
    )
    try:
        password = {"GRADIOSHELL_PASSWORD": "s3cret"}
        saving = run_shell(
            "-c",
            f"connect {app.url} as locked --user alice; connect {demo_url} as open; save",
            env=password,
        )
        assert saving.returncode == 0, saving.stderr
        text = saved_file(shell_env).read_text()
        assert "s3cret" not in text
        assert json.loads(text)["sessions"][0] == {
            "name": "locked",
            "target": app.url,
            "user": "alice",
        }
        restored = run_shell("--restore", "-c", "@locked echo ok 2", env=password)
        assert restored.returncode == 0, restored.stderr
        assert f"restored locked → {app.url} as alice" in restored.stderr
        assert restored.stdout.splitlines() == ["okok"]
        # Without the password, the login cannot happen and only that session fails.
        failed = run_shell("--keep-going", "--restore", "-c", "@open echo fine 1")
        assert "could not restore locked" in failed.stderr
        assert "fine" in failed.stdout
    finally:
        app.stop()
