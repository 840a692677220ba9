"""The Hugging Face Hub: Spaces by id, tokens and where they go, searching, Space lifecycle.

The real shell runs against a stand-in Hub (tests/standin_hub.py) whose Space hosts proxy
to the real demo Gradio app; the stand-in records which requests carried the token.
"""

from __future__ import annotations

import asyncio
import io
import json
import re
import stat
from pathlib import Path

import pexpect
import pytest

from gradioshell.hub import (
    HubClient,
    HubError,
    Token,
    TokenHeaders,
    TokenStore,
    find_token,
    hub_endpoint,
    space_host,
    space_id_of,
    token_path,
)
from tests.standin_hub import StandInHub


@pytest.fixture()
def hub_env(hub: StandInHub) -> dict[str, str]:
    return {"HF_ENDPOINT": hub.endpoint + "/"}


def with_token(hub: StandInHub) -> dict[str, str]:
    return {"HF_ENDPOINT": hub.endpoint, "HF_TOKEN": hub.token}


def assert_no_token(hub: StandInHub, result) -> None:  # type: ignore[no-untyped-def]
    assert hub.token not in result.stdout
    assert hub.token not in result.stderr


# -- the anchor: a public Space by id, then a call -------------------------------------------


def test_connect_space_by_id_then_generate_image(run_shell, hub: StandInHub, hub_env) -> None:
    result = run_shell(
        "-c",
        'connect rrg92/diffusers-labs; generateimage prompt="a car flying"; '
        "use rrg92/diffusers-labs; sessions",
        env=hub_env,
    )
    assert result.returncode == 0, result.stderr
    assert f"connected app1 → {hub.host('rrg92/diffusers-labs')}" in result.stderr
    assert "image" in result.stdout  # the generated image's file
    assert "default session is now app1" in result.stderr
    space_requests = hub.requests_to("rrg92/diffusers-labs")
    assert any(s.path.endswith("/queue/join") for s in space_requests)
    assert [s.path for s in hub.requests_to("hub")] == ["/api/spaces/rrg92/diffusers-labs"]
    assert not hub.any_token_header("rrg92/diffusers-labs")


def test_connect_by_space_page_url(run_shell, hub: StandInHub) -> None:
    result = run_shell(
        "-c",
        f"connect {hub.endpoint}/spaces/rrg92/diffusers-labs; echo text=ab n=2",
        env={"HF_ENDPOINT": hub.endpoint},
    )
    assert result.returncode == 0, result.stderr
    assert "abab" in result.stdout


def test_json_connect_names_the_space_session(run_shell, hub: StandInHub, hub_env) -> None:
    result = run_shell("--json", "-c", "connect rrg92/diffusers-labs", env=hub_env)
    record = json.loads(result.stdout.splitlines()[-1])
    assert record["event"] == "connected"
    assert record["url"] == hub.host("rrg92/diffusers-labs")


def test_renamed_space_follows_the_redirect(run_shell, hub: StandInHub, hub_env) -> None:
    result = run_shell("-c", "connect old-owner/old-name; use old-owner/old-name", env=hub_env)
    assert result.returncode == 0, result.stderr
    assert hub.host("rrg92/diffusers-labs") in result.stderr
    paths = [s.path for s in hub.requests_to("hub")]
    assert paths == ["/api/spaces/old-owner/old-name", "/api/spaces/rrg92/diffusers-labs"]


# -- private Spaces and the token ------------------------------------------------------------


def test_private_space_needs_the_token(run_shell, hub: StandInHub, hub_env) -> None:
    result = run_shell("-c", "connect standin-user/private-space", env=hub_env)
    assert result.returncode == 1
    assert "standin-user/private-space was not found on the Hub, or it is private" in result.stderr
    assert "token set" in result.stderr
    assert "Traceback" not in result.stderr


def test_private_space_works_with_the_token(run_shell, hub: StandInHub) -> None:
    result = run_shell(
        "-c", "connect standin-user/private-space; echo text=ok n=3", env=with_token(hub)
    )
    assert result.returncode == 0, result.stderr
    assert "okokok" in result.stdout
    assert_no_token(hub, result)
    host = hub.requests_to("standin-user/private-space")
    assert host and host == hub.with_token("standin-user/private-space")
    assert all(s.authorization == s.x_hf_authorization == f"Bearer {hub.token}" for s in host)
    assert hub.with_token("hub")


def test_a_wrong_token_is_reported(run_shell, hub: StandInHub) -> None:
    env = {"HF_ENDPOINT": hub.endpoint, "HF_TOKEN": "hf_wrongwrongwrongwrong"}
    result = run_shell("-c", "connect rrg92/diffusers-labs", env=env)
    assert result.returncode == 1
    assert "the Hub rejected the token (invalid credentials)" in result.stderr
    assert "hf_wrongwrongwrongwrong" not in result.stderr + result.stdout


def test_plain_url_connect_never_receives_the_token(run_shell, hub: StandInHub) -> None:
    url = hub.host("rrg92/diffusers-labs")
    result = run_shell("-c", f"connect {url}; echo text=x n=1", env=with_token(hub))
    assert result.returncode == 0, result.stderr
    assert hub.requests_to("rrg92/diffusers-labs")
    assert not hub.any_token_header("rrg92/diffusers-labs")
    assert not hub.requests_to("hub")


def test_plain_url_connect_with_token_option(run_shell, hub: StandInHub) -> None:
    url = hub.host("standin-user/private-space")
    result = run_shell("-c", f"connect {url} --token; echo text=y n=2", env=with_token(hub))
    assert result.returncode == 0, result.stderr
    assert "yy" in result.stdout
    assert hub.with_token("standin-user/private-space")
    # Without the option the private host refuses the connection.
    before = len(hub.with_token("standin-user/private-space"))
    result = run_shell("-c", f"connect {url}", env=with_token(hub))
    assert result.returncode == 1
    assert len(hub.with_token("standin-user/private-space")) == before
    result = run_shell("-c", f"connect {url} as p --token-from-hub; use p", env=with_token(hub))
    assert result.returncode == 0, result.stderr
    assert len(hub.with_token("standin-user/private-space")) > before
    # Asking for the token with none to send is an error, not a silent plain connect.
    result = run_shell("-c", f"connect {url} --token", env={"HF_ENDPOINT": hub.endpoint})
    assert result.returncode == 1
    assert "no Hugging Face token to send" in result.stderr


def test_token_is_not_carried_across_a_redirect(run_shell, hub: StandInHub) -> None:
    result = run_shell("-c", "hub space moved/away", env=with_token(hub))
    assert result.returncode == 1
    assert hub.requests_to("elsewhere"), "the redirect was followed"
    assert not hub.any_token_header("elsewhere")
    assert hub.with_token("hub")
    assert_no_token(hub, result)


def test_next_page_on_another_origin_gets_no_token(run_shell, hub: StandInHub) -> None:
    result = run_shell("-c", "hub models --search cross --limit 3", env=with_token(hub))
    assert result.returncode == 0, result.stderr
    assert hub.with_token("hub")
    assert not hub.any_token_header("elsewhere")


def test_token_never_in_debug_log_or_output(run_shell, hub: StandInHub, shell_env) -> None:
    result = run_shell(
        "--debug",
        "--keep-going",
        "-c",
        "connect standin-user/private-space; whoami; token; echo text=z n=1; "
        "hub get whoami-v2; connect standin-user/paused-space; hub models --limit 2",
        env=with_token(hub),
    )
    assert "standin-user" in result.stdout
    assert_no_token(hub, result)
    match = re.search(r"writing a debug log to (\S+)", result.stderr)
    assert match, result.stderr
    log = Path(match.group(1)).read_text()
    assert "/api/whoami-v2" in log  # the log did record the requests
    assert hub.token not in log


# -- Space stages ----------------------------------------------------------------------------


def test_building_space_is_waited_for(run_shell, hub: StandInHub, hub_env) -> None:
    result = run_shell("-c", "connect owner/building-space; echo text=b n=2", env=hub_env)
    assert result.returncode == 0, result.stderr
    assert "owner/building-space: BUILDING" in result.stderr
    assert "owner/building-space: APP_STARTING" in result.stderr
    assert "owner/building-space: RUNNING" in result.stderr
    assert "bb" in result.stdout
    polls = [s for s in hub.requests_to("hub") if s.path.endswith("/runtime")]
    assert len(polls) == 4


def test_sleeping_space_is_woken(run_shell, hub: StandInHub, hub_env) -> None:
    result = run_shell("-c", "connect owner/sleepy-space", env=hub_env)
    assert result.returncode == 0, result.stderr
    assert "is sleeping: waking it up" in result.stderr
    assert hub.requests_to("owner/sleepy-space")[0].path == "/"


def test_failed_space_shows_its_error(run_shell, hub: StandInHub, hub_env) -> None:
    result = run_shell("-c", "connect owner/broken-space", env=hub_env)
    assert result.returncode == 1
    assert "in stage RUNTIME_ERROR: Exit code: 1. Reason: ModuleNotFoundError" in result.stderr


def test_not_a_gradio_space(run_shell, hub: StandInHub, hub_env) -> None:
    result = run_shell("-c", "connect owner/streamlit-space", env=hub_env)
    assert result.returncode == 1
    assert "is a streamlit app, not a Gradio app" in result.stderr


def test_paused_space_offers_restart_to_its_owner(run_shell, hub: StandInHub, hub_env) -> None:
    result = run_shell("-c", "connect standin-user/paused-space", env=hub_env)
    assert result.returncode == 1
    assert "is paused: only its owner can restart it" in result.stderr
    assert "space restart" not in result.stderr
    result = run_shell(
        "--keep-going",
        "-c",
        "connect standin-user/paused-space; space restart standin-user/paused-space; "
        "connect standin-user/paused-space",
        env=with_token(hub),
    )
    assert "you own it: run 'space restart standin-user/paused-space'" in result.stderr
    assert "standin-user/paused-space is RUNNING" in result.stderr
    assert "connected app1" in result.stderr
    restarts = [s for s in hub.with_token("hub") if s.path.endswith("/restart")]
    assert len(restarts) == 1 and restarts[0].method == "POST"


def test_unknown_stage_is_shown_and_tried(run_shell, hub: StandInHub, hub_env) -> None:
    result = run_shell(
        "-c", "connect owner/new-stage-space; @owner/new-stage-space echo q", env=hub_env
    )
    assert result.returncode == 0, result.stderr
    assert "is in stage SOMETHING_NEW; trying anyway" in result.stderr
    assert result.stdout.strip() == "q"


def test_wait_gives_up_after_the_timeout(hub: StandInHub) -> None:
    async def main() -> None:
        async with HubClient(hub.endpoint) as client:
            with pytest.raises(HubError) as caught:
                await client.wait_running("owner/forever-building", timeout=0.5, interval=0.2)
            assert "still BUILDING after 0 s" in str(caught.value) or "still BUILDING" in str(
                caught.value
            )
            with pytest.raises(HubError, match="RUNTIME_ERROR: Exit code: 1"):
                await client.wait_running("owner/broken-space", timeout=5)

    asyncio.run(main())


def test_space_wait(run_shell, hub: StandInHub, hub_env) -> None:
    result = run_shell("-c", "space wait owner/building-space", env=hub_env)
    assert result.returncode == 0, result.stderr
    assert "owner/building-space is RUNNING" in result.stderr


def test_ctrl_c_stops_waiting(spawn_shell, hub: StandInHub) -> None:
    child = spawn_shell(env={"HF_ENDPOINT": hub.endpoint})
    child.expect_exact("gradioshell>")
    child.sendline("connect owner/forever-building")
    child.expect_exact("BUILDING")
    child.sendintr()
    child.expect_exact("cancelled")
    child.expect_exact("gradioshell>")
    child.sendline("exit")
    child.expect(pexpect.EOF)


# -- searching the Hub -----------------------------------------------------------------------


def test_hub_models_table_of_five(run_shell, hub: StandInHub, hub_env) -> None:
    result = run_shell(
        "-c", "hub models --author meta-llama --sort downloads --limit 5", env=hub_env
    )
    assert result.returncode == 0, result.stderr
    rows = re.findall(r"meta-llama/Llama-\d+", result.stdout)
    assert rows == [f"meta-llama/Llama-{i}" for i in range(1, 6)]
    assert "12,001" in result.stdout and "text-generation" in result.stdout
    listings = [s for s in hub.requests_to("hub") if s.path == "/api/models"]
    assert len(listings) == 3  # pages of 2 followed through the Link header
    assert "sort=downloads" in listings[0].query and "author=meta-llama" in listings[0].query
    assert "expand=downloads" in listings[0].query and "expand=pipeline_tag" in listings[0].query


def test_hub_models_json(run_shell, hub: StandInHub, hub_env) -> None:
    result = run_shell("-c", "hub models --filter llama --limit 3 --json", env=hub_env)
    assert result.returncode == 0, result.stderr
    items = json.loads(result.stdout)
    assert [m["id"] for m in items] == [f"meta-llama/Llama-{i}" for i in range(1, 4)]


def test_hub_spaces_and_datasets(run_shell, hub: StandInHub, hub_env) -> None:
    result = run_shell(
        "-c", "hub spaces --sort likes --limit 3; hub datasets --search squad", env=hub_env
    )
    assert result.returncode == 0, result.stderr
    assert "3 spaces" in result.stdout and "sdk" in result.stdout
    by_likes = sorted(hub.spaces, key=len, reverse=True)  # the stand-in's likes are len(id)
    rows = [line.split("│")[1].strip() for line in result.stdout.splitlines() if "│" in line]
    assert rows[:3] == by_likes[:3]
    assert "rajpurkar/squad" in result.stdout and "70,000" in result.stdout


def test_hub_space_and_get(run_shell, hub: StandInHub, hub_env) -> None:
    result = run_shell(
        "-c", "hub space rrg92/diffusers-labs; hub get spaces/rrg92/diffusers-labs", env=hub_env
    )
    assert result.returncode == 0, result.stderr
    assert "gradio 5.9.1" in result.stdout
    assert hub.host("rrg92/diffusers-labs") in result.stdout
    assert "stabilityai/sd-turbo" in result.stdout
    assert '"sdk": "gradio"' in result.stdout


def test_hub_errors_are_clear(run_shell, hub: StandInHub, hub_env) -> None:
    result = run_shell(
        "--keep-going",
        "-c",
        "hub model meta-llama/gated-model; hub models --search ratelimit; "
        "hub model nobody/nothing; hub models --sort sideways; whoami; token set hf_x; "
        "hub get http://elsewhere.example/api/models",
        env=hub_env,
    )
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 7, result.stderr
    assert "gated: ask for access" in errors[0]
    assert "rate limiting requests (429); the limit resets in 42 s" in errors[1]
    assert "nobody/nothing was not found on the Hub, or it is private" in errors[2]
    assert "--sort must be one of" in errors[3]
    assert "no Hugging Face token" in errors[4]
    assert "stays out of history" in errors[5] and "hf_x" not in errors[5]
    assert "is not on the Hub" in errors[6]
    result = run_shell("-c", "hub model nobody/nothing", env=with_token(hub))
    assert "the current token has no access to it" in result.stderr
    assert "Traceback" not in result.stderr


def test_whoami_and_token(run_shell, hub: StandInHub) -> None:
    result = run_shell("-c", "whoami; token", env=with_token(hub))
    assert result.returncode == 0, result.stderr
    assert "standin-user (Stand-in User)" in result.stdout
    assert "orgs: standin-org" in result.stdout
    assert "token role: write" in result.stdout
    assert f"{hub.token[:5]}…{hub.token[-3:]}" in result.stdout
    assert "HF_TOKEN environment variable" in result.stdout
    assert_no_token(hub, result)


def test_token_set_save_and_clear_at_the_prompt(spawn_shell, hub: StandInHub, shell_env) -> None:
    child = spawn_shell(env={"HF_ENDPOINT": hub.endpoint})
    seen = io.StringIO()
    child.logfile_read = seen
    child.expect_exact("gradioshell>")
    child.sendline("token set --save")
    child.expect_exact("Hugging Face token:")
    child.sendline("hf_notthisonenotthisone")
    child.expect_exact("rejected the token")
    child.expect_exact("gradioshell>")
    child.sendline("token set --save")
    child.expect_exact("Hugging Face token:")
    child.sendline(hub.token)
    child.expect_exact("logged in as standin-user")
    child.expect_exact("gradioshell>")
    path = Path(shell_env["XDG_CACHE_HOME"]) / "huggingface" / "token"
    assert path.read_text() == hub.token
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    child.sendline("connect standin-user/private-space")
    child.expect_exact("connected app1")
    child.expect_exact("app1>")
    child.sendline("token clear")
    child.expect_exact("removed")
    child.expect_exact("app1>")
    child.sendline("token")
    child.expect_exact("no Hugging Face token")
    child.expect_exact("app1>")
    child.sendline("exit")
    child.expect(pexpect.EOF)
    assert hub.token not in seen.getvalue()  # hidden input: never echoed
    assert "hf_notthisone" not in seen.getvalue()
    assert not path.exists()
    assert hub.with_token("standin-user/private-space")


# -- the module on its own -------------------------------------------------------------------


def test_hub_endpoint() -> None:
    assert hub_endpoint({}) == "https://huggingface.co"
    assert hub_endpoint({"HF_ENDPOINT": "http://hub.local:8080/"}) == "http://hub.local:8080"


def test_token_discovery_order(tmp_path: Path) -> None:
    home_file = tmp_path / "hf" / "token"
    home_file.parent.mkdir()
    home_file.write_text("  hf_fromhome\n")
    explicit = tmp_path / "explicit"
    explicit.write_text("hf_explicit")
    cache = tmp_path / "cache"
    (cache / "huggingface").mkdir(parents=True)
    (cache / "huggingface" / "token").write_text("hf_fromcache")
    base = {"XDG_CACHE_HOME": str(cache)}
    assert find_token(base).value == "hf_fromcache"  # type: ignore[union-attr]
    assert find_token({**base, "HF_HOME": str(tmp_path / "hf")}).value == "hf_fromhome"  # type: ignore[union-attr]
    with_path = {**base, "HF_HOME": str(tmp_path / "hf"), "HF_TOKEN_PATH": str(explicit)}
    assert find_token(with_path).value == "hf_explicit"  # type: ignore[union-attr]
    assert find_token({**with_path, "HUGGING_FACE_HUB_TOKEN": "hf_old"}).value == "hf_old"  # type: ignore[union-attr]
    env = {**with_path, "HUGGING_FACE_HUB_TOKEN": "hf_old", "HF_TOKEN": " hf_new "}
    token = find_token(env)
    assert token is not None and token.value == "hf_new" and "HF_TOKEN" in token.source
    assert find_token({**env, "HF_TOKEN": "  "}).value == "hf_old"  # type: ignore[union-attr]
    (cache / "huggingface" / "token").write_text("\n")
    assert find_token(base) is None
    assert find_token({"XDG_CACHE_HOME": str(tmp_path / "none")}) is None
    assert token_path({"HF_TOKEN_PATH": str(explicit)}) == explicit


def test_token_never_in_repr() -> None:
    token = Token("hf_abcdefghijklmnopqrstuvwxyz", "test")
    store = TokenStore({"HF_TOKEN": token.value})
    hook = TokenHeaders(token, ["https://huggingface.co"])
    client = HubClient("https://huggingface.co", token)
    try:
        for text in (repr(token), str(token), repr(store), repr(hook), repr(client)):
            assert token.value not in text
            assert "abcdefghij" not in text
    finally:
        asyncio.run(client.aclose())


def test_token_headers_only_for_allowed_origins() -> None:
    import httpx

    token = Token("hf_secretsecretsecret", "test")
    hook = TokenHeaders(token, ["https://user-app.hf.space"])

    def run(url: str, headers: dict[str, str] | None = None) -> httpx.Request:
        request = httpx.Request("GET", url, headers=headers)
        asyncio.run(hook(request))
        return request

    allowed = run("https://user-app.hf.space:443/config")
    assert allowed.headers["authorization"] == allowed.headers["x-hf-authorization"]
    assert token.value in allowed.headers["x-hf-authorization"]
    other = run("https://evil.example/", dict(allowed.headers))
    assert "authorization" not in other.headers and "x-hf-authorization" not in other.headers
    assert "authorization" not in run("http://user-app.hf.space/").headers
    own = run("https://evil.example/", {"Authorization": "Basic abc"})
    assert own.headers["authorization"] == "Basic abc"


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("rrg92/diffusers-labs", "rrg92/diffusers-labs"),
        ("https://huggingface.co/spaces/rrg92/diffusers-labs", "rrg92/diffusers-labs"),
        ("huggingface.co/spaces/abidlabs/en2fr/", "abidlabs/en2fr"),
        ("127.0.0.1:7860/app", None),
        ("localhost/app", None),
        ("my.server/app", None),
        ("http://rrg92/diffusers-labs", None),
        ("https://huggingface.co/rrg92/model", None),
    ],
)
def test_space_id_of(target: str, expected: str | None) -> None:
    assert space_id_of(target, "https://huggingface.co") == expected


def test_space_host() -> None:
    assert space_host("RRG92/Diffusers_Labs.v2") == "https://rrg92-diffusers-labs-v2.hf.space"


def test_hub_client_errors(hub: StandInHub) -> None:
    async def main() -> None:
        async with HubClient(hub.endpoint) as client:
            with pytest.raises(HubError) as caught:
                await client.space("limited/space")
            assert caught.value.status == 429
            assert "42 s" in str(caught.value)
            space = await client.space("rrg92/diffusers-labs")
            assert space.stage == "RUNNING" and space.host == hub.host("rrg92/diffusers-labs")

    asyncio.run(main())
