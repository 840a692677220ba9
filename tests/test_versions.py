"""The conformance suite: the same calls against real servers of every Gradio protocol.

Each release runs in its own virtual environment (see ``gradio_versions.py``), built on
first use and cached. The app is ``apps/conformance.py``, unchanged on every version.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pexpect
import pytest

from gradioshell.gradio import Completed, Failed, Generating, GradioApp, Timeouts
from gradioshell.gradio.errors import ConnectionFailed, ResponseTooLarge
from gradioshell.gradio.limits import Limits
from tests.conftest import APPS, RunningApp, start_app
from tests.gradio_versions import RELEASES, python_for
from tests.waiting import wait_until

pytestmark = [pytest.mark.versions, pytest.mark.timeout(900)]  # the first use builds a venv

APP = str(APPS / "conformance.py")
MAJORS = ["3.50.2", "4.44.1", "5.50.0", "6.31.0"]
NEWEST = list(RELEASES)[-1]


def releases(versions: list[str]) -> list[object]:
    """Parameters for ``versions``: all but the newest release are left out of the fast run
    (``-m "not slow"``), which keeps the newest as a check of the whole suite."""
    return [pytest.param(v, marks=() if v == NEWEST else pytest.mark.slow) for v in versions]


def _start(version: str, tmp: Path, *extra: str) -> RunningApp:
    python = python_for(version)
    return start_app([APP, *extra], tmp / "log", python=str(python), timeout=240)


@pytest.fixture(scope="module", params=releases(list(RELEASES)))
def versioned(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """(version, url) of the conformance app running on one Gradio release."""
    version: str = request.param
    app = _start(version, tmp_path_factory.mktemp(f"gradio-{version}"))
    yield version, app.url
    app.stop()


def op1_command(version: str) -> str:
    """3.x leaves the event unnamed (called by index) and names inputs after their label."""
    if RELEASES[version].major == 3:
        return "fn 0 duration_in_seconds=1"
    if _tuple(version) < (4, 23):  # no parameter_name before 4.23
        return "Op1 duration_in_seconds=1"
    return "Op1 Duration=1"


def test_connect_lists_endpoints_and_protocol(run_shell, versioned) -> None:
    version, url = versioned
    result = run_shell("--json", "-c", f"connect {url}; endpoints; sessions")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    connected = records[0]
    assert connected["event"] == "connected"
    assert connected["version"] == version
    assert connected["protocol"] == RELEASES[version].protocol
    listed = {ep["name"] for ep in records[1]["endpoints"]}
    assert {"/echo", "/fail", "/direct", "/wait"} <= listed
    assert ("fn 0" if RELEASES[version].major == 3 else "/Op1") in listed
    assert records[2]["sessions"][0]["protocol"] == RELEASES[version].protocol


def test_unnamed_events_are_listed_as_fn_n_on_3x(run_shell, versioned) -> None:
    version, url = versioned
    result = run_shell("-c", f"connect {url}; endpoints")
    assert result.returncode == 0, result.stderr
    if RELEASES[version].major == 3:
        assert "fn 0" in result.stdout
    else:
        assert "Op1" in result.stdout and "fn 0" not in result.stdout


def test_any_endpoint_can_be_called_by_index(run_shell, versioned) -> None:
    _, url = versioned
    result = run_shell("-c", f"connect {url}; fn 1 ab 2; @app1 fn 1 cd 2")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["abab", "cdcd"]


def test_fn_with_a_bad_index(run_shell, demo_url: str) -> None:
    missing = run_shell("-c", f"connect {demo_url}; fn 99")
    assert missing.returncode == 1
    assert "error: no endpoint with index 99" in missing.stderr
    wrong = run_shell("-c", f"connect {demo_url}; fn echo")
    assert wrong.returncode == 2
    assert "usage: fn INDEX" in wrong.stderr


def test_text_call(run_shell, versioned) -> None:
    _, url = versioned
    result = run_shell("-c", f"connect {url}; echo ab 3")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["ababab"]


def test_event_outside_the_queue(run_shell, versioned) -> None:
    _, url = versioned
    result = run_shell("-c", f"connect {url}; direct hello")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["direct:hello"]


def test_streaming_generator(run_shell, versioned) -> None:
    version, url = versioned
    result = run_shell("--json", "-c", f"connect {url}; {op1_command(version)}")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    generated = [r["data"][0] for r in records if r["event"] == "generating"]
    assert generated[0] == "Dur:1"
    assert generated[-1] == "Finished"
    assert len(generated) >= 3  # Dur:1, at least one elapsed time, Finished
    assert records[-1]["event"] == "complete" and records[-1]["data"] == ["Finished"]


def test_app_error(run_shell, versioned) -> None:
    _, url = versioned
    result = run_shell("-c", f"connect {url}; fail text=oops")
    assert result.returncode == 1
    assert "failed on purpose: oops" in result.stderr
    assert "'failed on purpose" not in result.stderr  # old versions quote it; shown plain
    assert "Traceback" not in result.stderr + result.stdout


def _two_colour_image(path: Path) -> Path:
    """A 4×2 image, red on the left half and blue on the right: a mirror swaps them."""
    from PIL import Image

    image = Image.new("RGB", (4, 2), (255, 0, 0))
    for x in (2, 3):
        for y in (0, 1):
            image.putpixel((x, y), (0, 0, 255))
    image.save(path)
    return path


def _left_pixel(path: str) -> tuple[int, ...]:
    from PIL import Image

    with Image.open(path) as image:
        red, green, blue = image.convert("RGB").getpixel((0, 0))[:3]
    # Lossy formats (6.x returns WebP) move a channel by a few units: round to the colour.
    return tuple(255 if c > 128 else 0 for c in (red, green, blue))


def test_file_in_and_out(run_shell, versioned, tmp_path: Path) -> None:
    """A local file is uploaded, the app's file comes back and is saved, and that result
    goes straight into the next call (by its path on the app, not uploaded again)."""
    _, url = versioned
    source = tmp_path / "notes.txt"
    source.write_text("hello, files\n", encoding="utf-8")
    downloads = tmp_path / "downloads"
    result = run_shell(
        "--download-dir",
        str(downloads),
        "-c",
        f"connect {url}; upper_file {source}; upper_file $_",
    )
    assert result.returncode == 0, result.stderr
    first, second = (Path(line) for line in result.stdout.splitlines())
    assert first.parent == second.parent == downloads
    assert first.name == "upper-notes.txt" and second.name == "upper-upper-notes.txt"
    assert first.read_text(encoding="utf-8") == "HELLO, FILES\n"
    assert second.read_text(encoding="utf-8") == "HELLO, FILES\n"


def test_file_outputs_in_json(run_shell, versioned, tmp_path: Path) -> None:
    """Whatever the release sends, --json shows one FileData shape, with where it was saved."""
    _, url = versioned
    source = tmp_path / "a.txt"
    source.write_text("abc", encoding="utf-8")
    result = run_shell(
        "--json", "--download-dir", str(tmp_path / "d"), "-c", f"connect {url}; upper_file {source}"
    )
    assert result.returncode == 0, result.stderr
    complete = json.loads(result.stdout.splitlines()[-1])
    assert complete["event"] == "complete"
    (item,) = complete["data"]
    assert item["meta"] == {"_type": "gradio.FileData"}
    assert item["orig_name"] == "upper-a.txt"
    assert "/file=" in item["url"] and item["url"].startswith(url)
    assert Path(item["local_path"]).read_text(encoding="utf-8") == "ABC"


def test_image_in_and_out(run_shell, versioned, tmp_path: Path) -> None:
    """3.x takes and returns images as base64; later releases as files. Same commands."""
    _, url = versioned
    source = _two_colour_image(tmp_path / "two.png")
    downloads = tmp_path / "downloads"
    result = run_shell(
        "--download-dir", str(downloads), "-c", f"connect {url}; flip {source}; flip $_"
    )
    assert result.returncode == 0, result.stderr
    flipped, back = result.stdout.splitlines()
    assert Path(flipped).parent == downloads
    assert _left_pixel(flipped) == (0, 0, 255)
    assert _left_pixel(back) == (255, 0, 0)


def test_image_output_without_download(run_shell, versioned, tmp_path: Path) -> None:
    """Not saved, a file shows as its URL; 3.x's inline image has none, and says so."""
    version, url = versioned
    source = _two_colour_image(tmp_path / "two.png")
    result = run_shell("--no-download", "-c", f"connect {url}; flip {source}")
    assert result.returncode == 0, result.stderr
    shown = result.stdout.strip()
    if RELEASES[version].major == 3:
        assert shown == "image.png (inline, not saved)"
    else:
        assert shown.startswith(url) and "/file=" in shown


def test_files_cross_between_releases(run_shell, versioned, demo_url: str, tmp_path: Path) -> None:
    """A file from an app of one release is sent to an app of another, both ways."""
    _, url = versioned
    source = tmp_path / "x.txt"
    source.write_text("mixed", encoding="utf-8")
    result = run_shell(
        "--download-dir",
        str(tmp_path / "d"),
        "-c",
        f"connect {url} as old; connect {demo_url} as new; "
        f"@old upper_file {source}; @new upper_file $_; @old upper_file $_",
    )
    assert result.returncode == 0, result.stderr
    saved = [Path(line) for line in result.stdout.splitlines()]
    assert len(saved) == 3
    assert all(path.read_text(encoding="utf-8") == "MIXED" for path in saved)


def test_file_of_another_app_not_saved_here(
    run_shell, versioned, demo_url: str, tmp_path: Path
) -> None:
    """Without downloads, another session's file is fetched from its app and uploaded: the
    app it goes to may not be able to fetch it (5.x and later refuse loopback addresses)."""
    _, url = versioned
    source = tmp_path / "u.txt"
    source.write_text("by url", encoding="utf-8")
    result = run_shell(
        "--json",
        "--no-download",
        "-c",
        f"connect {demo_url} as new; connect {url} as old; "
        f"@new upper_file {source}; @old upper_file $_",
    )
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    done = [r for r in records if r["event"] == "complete"]
    assert done[0]["data"][0]["url"].startswith(demo_url)
    (sent_back,) = done[1]["data"]
    assert sent_back["url"].startswith(url) and "local_path" not in sent_back
    assert httpx.get(sent_back["url"]).text == "BY URL"


def test_typed_url_input(run_shell, versioned, demo_url: str, tmp_path: Path) -> None:
    """A URL typed as a file goes as a URL; 3.x cannot fetch one, so it gets the file inline."""
    version, url = versioned
    if RELEASES[version].major >= 5:
        pytest.skip("5.x and later refuse to fetch loopback addresses, where the test files are")
    source = tmp_path / "t.txt"
    source.write_text("typed", encoding="utf-8")
    first = run_shell("--json", "--no-download", "-c", f"connect {demo_url}; upper_file {source}")
    assert first.returncode == 0, first.stderr
    file_url = json.loads(first.stdout.splitlines()[-1])["data"][0]["url"]
    result = run_shell(
        "--download-dir", str(tmp_path / "d"), "-c", f"connect {url}; upper_file {file_url}"
    )
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()).read_text(encoding="utf-8") == "TYPED"


def test_silent_call_hits_the_stream_idle_limit(versioned) -> None:
    """Every transport gives up on a call that says nothing (heartbeats aside) for too long."""
    _, url = versioned
    with pytest.raises(ConnectionFailed, match=r"sent nothing.* for 1 s \(the stream idle limit\)"):
        asyncio.run(_call_once(url, "silent", [4], timeouts=Timeouts(stream_idle=1.0)))


def test_answer_over_the_size_limit_is_refused(versioned) -> None:
    """Every transport stops reading an answer past the JSON size limit."""
    _, url = versioned
    with pytest.raises(ResponseTooLarge, match="larger than 1 MiB"):
        asyncio.run(_call_once(url, "echo", ["x", 2_000_000], limits=Limits(json=1024 * 1024)))
    assert asyncio.run(_call_once(url, "echo", ["x", 3])) == ["xxx"]


async def _call_once(url: str, name: str, data: list[object], **options: object) -> list[object]:
    app = await GradioApp.connect(url, **options)  # type: ignore[arg-type]
    try:
        return await (await app.submit(app.endpoint(name), data)).result()
    finally:
        await app.close()


def test_cancel_stops_the_call_on_the_app(versioned) -> None:
    """After a cancel, the same event runs again at once: the cancelled run no longer
    holds its one concurrency slot (it would for two minutes if it were still running)."""
    _, url = versioned

    async def scenario() -> list[str]:
        app = await GradioApp.connect(url)
        try:
            endpoint = app.endpoint("wait")
            call = await app.submit(endpoint, [120])
            async for event in call:
                if isinstance(event, Generating):
                    break
            await call.cancel()
            assert call.cancelled and call.finished
            again = await app.submit(endpoint, [0.2])
            events = await asyncio.wait_for(_collect(again), timeout=60)
            return [type(e).__name__ for e in events if isinstance(e, (Completed, Failed))]
        finally:
            await app.close()

    assert asyncio.run(scenario()) == ["Completed"]


def test_ctrl_c_in_the_shell_cancels_the_call(spawn_shell, versioned) -> None:
    _, url = versioned
    child = spawn_shell(url)
    child.expect_exact("app1>")
    child.sendline("/wait 120")  # "wait" is also the jobs command
    child.expect_exact("waiting")
    child.sendintr()
    child.expect_exact("app1>")
    # The app stopped the run: the same event (one run at a time) runs again at once.
    child.sendline("/wait 0.2")
    child.expect_exact("waited", timeout=60)
    child.expect_exact("app1>")
    child.sendline("exit")
    child.expect(pexpect.EOF)


def test_call_routes_fallback(versioned) -> None:
    """An app whose queue protocol is unknown is still called through /call/<api_name>."""
    version, url = versioned
    if _tuple(version) < (4, 20):
        pytest.skip("the /call routes exist from 4.20")

    async def scenario() -> tuple[list[object], list[object], list[object]]:
        app = await GradioApp.connect(url)
        try:
            assert app.config is not None
            app.config = dataclasses.replace(app.config, protocol="sse_v99")
            assert app.protocol == "sse_v99 (via /call)"
            echo = await _collect(await app.submit(app.endpoint("echo"), ["ab", 2]))
            op1 = await _collect(await app.submit(app.endpoint("Op1"), ["1"]))
            fail = await _collect(await app.submit(app.endpoint("fail"), ["x"]))
            return echo, op1, fail
        finally:
            await app.close()

    echo, op1, fail = asyncio.run(scenario())
    assert echo == [Completed(data=["abab"])]
    values = [e.data[0] for e in op1 if isinstance(e, Generating)]
    assert values[0] == "Dur:1" and values[-1] == "Finished"
    assert op1[-1] == Completed(data=["Finished"])
    assert len(fail) == 1 and isinstance(fail[0], Failed)


def _tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


async def _collect(call):  # type: ignore[no-untyped-def]
    return [event async for event in call]


@pytest.mark.parametrize("version", releases(["4.44.1", "5.50.0", "6.31.0"]))
def test_app_sees_the_session_leave(run_shell, version: str, tmp_path: Path) -> None:
    """The session heartbeat (4.25+) is held from the first call; when the shell leaves,
    the app runs its unload events."""
    marker = tmp_path / "left"
    app = _start(version, tmp_path, "--unload-file", str(marker))
    try:
        result = run_shell("-c", f"connect {app.url}; echo hi 2")
        assert result.returncode == 0, result.stderr
        # The app makes the file, then writes it: wait for what it writes, not the file.
        wait_until(
            lambda: marker.exists() and marker.read_text(encoding="utf-8"),
            30,
            "the app's unload event",
        )
        assert marker.read_text(encoding="utf-8") == "left"
    finally:
        app.stop()


# -- 3.x without its queue: every call is a POST /run ----------------------------------------


@pytest.fixture(scope="module")
def unqueued_3x(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    app = _start("3.50.2", tmp_path_factory.mktemp("gradio-3-noqueue"), "--no-queue")
    yield app.url
    app.stop()


@pytest.mark.slow
def test_3x_without_queue_calls_over_http(run_shell, unqueued_3x: str) -> None:
    result = run_shell("--json", "-c", f"connect {unqueued_3x}; echo ab 2")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records[0]["protocol"] == "http"
    assert records[-1] == {
        "event": "complete",
        "session": "app1",
        "endpoint": "/echo",
        "data": ["abab"],
    }
    failed = run_shell("-c", f"connect {unqueued_3x}; fail oops")
    assert failed.returncode == 1
    assert "failed on purpose: oops" in failed.stderr


@pytest.mark.slow
def test_3x_without_queue_limits(unqueued_3x: str) -> None:
    """A POST /run answer waits as long as a stream may idle, and is read up to the limit."""
    with pytest.raises(ConnectionFailed, match="timed out"):
        asyncio.run(_call_once(unqueued_3x, "silent", [4], timeouts=Timeouts(stream_idle=1.0)))
    with pytest.raises(ResponseTooLarge, match="larger than 1 MiB"):
        big = ["x", 2_000_000]
        asyncio.run(_call_once(unqueued_3x, "echo", big, limits=Limits(json=1024 * 1024)))


@pytest.mark.slow
def test_3x_without_queue_files(run_shell, unqueued_3x: str, tmp_path: Path) -> None:
    source = tmp_path / "n.txt"
    source.write_text("no queue", encoding="utf-8")
    image = _two_colour_image(tmp_path / "i.png")
    result = run_shell(
        "--download-dir",
        str(tmp_path / "d"),
        "-c",
        f"connect {unqueued_3x}; upper_file {source}; flip {image}",
    )
    assert result.returncode == 0, result.stderr
    text, flipped = result.stdout.splitlines()
    assert Path(text).read_text(encoding="utf-8") == "NO QUEUE"
    assert _left_pixel(flipped) == (0, 0, 255)


# -- login-protected apps ----------------------------------------------------------------


@pytest.fixture(scope="module", params=releases(MAJORS))
def protected(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    version: str = request.param
    app = _start(version, tmp_path_factory.mktemp(f"auth-{version}"), "--auth", "alice:s3cret")
    yield version, app.url
    app.stop()


def test_login_with_the_right_password(run_shell, protected) -> None:
    _, url = protected
    result = run_shell(
        "-c",
        f"connect {url} --user alice; echo ok 2",
        env={"GRADIOSHELL_PASSWORD": "s3cret"},
    )
    assert result.returncode == 0, result.stderr
    assert "logged in as alice" in result.stderr
    assert result.stdout.splitlines() == ["okok"]
    assert "s3cret" not in result.stdout + result.stderr


def test_login_with_a_wrong_password_fails_clearly(run_shell, protected) -> None:
    _, url = protected
    result = run_shell(
        "-c", f"connect {url} --user alice", env={"GRADIOSHELL_PASSWORD": "wrong-one"}
    )
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert lines == [
        f"error: {url} refused the login: wrong password for --user alice, or no such user"
    ]
    assert "wrong-one" not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_protected_app_without_credentials_names_the_option(run_shell, protected) -> None:
    _, url = protected
    result = run_shell("-c", f"connect {url}")
    assert result.returncode == 1
    assert f"{url} requires a login: connect {url} --user NAME" in result.stderr
    assert "Traceback" not in result.stderr


def test_password_is_asked_with_hidden_input(spawn_shell, tmp_path: Path) -> None:
    """In a terminal the password is prompted for, and never echoed."""
    app = start_app([APP, "--auth", "alice:s3cret"], tmp_path / "log", python=sys.executable)
    try:
        child = spawn_shell()
        child.expect_exact("gradioshell>")
        child.sendline(f"connect {app.url} --user alice")
        child.expect_exact("password for alice")
        child.sendline("s3cret")
        child.expect_exact("logged in as alice")
        seen = child.before + child.after
        child.expect_exact("app1>")
        child.sendline("echo hi 2")
        child.expect_exact("hihi")
        child.expect_exact("app1>")
        # Ctrl-C at the password prompt cancels the login, not the shell.
        child.sendline(f"connect {app.url} as again --user alice")
        child.expect_exact("password for alice")
        child.sendintr()
        child.expect_exact("login cancelled")
        child.expect_exact("app1>")
        child.sendline("exit")
        child.expect(pexpect.EOF)
        assert "s3cret" not in seen + child.before
    finally:
        app.stop()


def test_user_is_ignored_by_an_app_without_login(run_shell, demo_url: str) -> None:
    result = run_shell(
        "-c", f"connect {demo_url} --user alice; echo hi 2", env={"GRADIOSHELL_PASSWORD": "x"}
    )
    assert result.returncode == 0, result.stderr
    assert "logged in" not in result.stderr
    assert result.stdout.splitlines() == ["hihi"]


def test_password_is_needed_outside_a_terminal(run_shell, demo_url: str) -> None:
    result = run_shell("-c", f"connect {demo_url} --user alice")
    assert result.returncode == 1
    assert "a password is needed: set GRADIOSHELL_PASSWORD" in result.stderr
