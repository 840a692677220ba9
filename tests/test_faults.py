"""Server faults against real sockets and a deliberately broken server on loopback.

Each test provokes one fault and checks what the user gets: one clear line (or a typed
error from the protocol layer), never a traceback or a hang.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from gradioshell.gradio import (
    ConnectionFailed,
    GradioApp,
    Limits,
    ResponseTooLarge,
    SessionNotFound,
    Timeouts,
)
from gradioshell.output import TextOutput
from gradioshell.shell import Settings, Shell
from tests.conftest import APPS, start_app

QUICK = Timeouts(connect=2.0, read=1.0, stream_idle=1.0)


def requests_seen(url: str) -> list[dict[str, str]]:
    return httpx.get(url + "/requests").json()  # type: ignore[no-any-return]


def one_error(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr + result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    return errors[0]


def run_in_shell(line: str, settings: Settings) -> tuple[int, str]:
    """Run ``line`` in a shell in this process (for settings the command line cannot set)."""
    out, err = io.StringIO(), io.StringIO()

    async def main() -> int:
        shell = Shell(TextOutput(out, err), settings)
        try:
            return await shell.run_line(line)
        finally:
            await shell.aclose()

    status = asyncio.run(main())
    assert "Traceback" not in err.getvalue()
    return status, err.getvalue()


# -- sockets that misbehave -------------------------------------------------------------


@pytest.fixture()
def silent_server() -> Iterator[str]:
    """A socket that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    listener.close()


@pytest.fixture()
def full_backlog() -> Iterator[str]:
    """A listening socket whose backlog is full, so a new connection never completes."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(8):
        filler = socket.socket()
        filler.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            filler.connect(("127.0.0.1", port))
        fillers.append(filler)
    yield f"127.0.0.1:{port}"
    for filler in fillers:
        filler.close()
    listener.close()


def test_read_timeout(silent_server: str) -> None:
    with pytest.raises(ConnectionFailed, match=r"stopped answering \(read timed out\)"):
        asyncio.run(GradioApp.connect(silent_server, timeouts=QUICK))


def test_read_timeout_in_the_shell(silent_server: str) -> None:
    status, err = run_in_shell(f"connect {silent_server}", Settings(timeouts=QUICK))
    assert status == 1
    assert (
        err.splitlines()[-1] == f"error: http://{silent_server} stopped answering (read timed out)"
    )


def test_connect_timeout(full_backlog: str) -> None:
    status, err = run_in_shell(f"connect {full_backlog}", Settings(timeouts=QUICK))
    assert status == 1
    assert err.splitlines()[-1] == f"error: timed out connecting to http://{full_backlog}"


# -- the event stream -------------------------------------------------------------------


def call_once(url: str, *, timeouts: Timeouts = QUICK, limits: Limits | None = None) -> list:
    async def main() -> list:
        app = await GradioApp.connect(url, timeouts=timeouts, limits=limits)
        try:
            return await (await app.submit(app.endpoint("predict"), ["x"])).result()
        finally:
            await app.close()

    return asyncio.run(main())


def test_stream_of_only_heartbeats_hits_the_idle_limit(broken_url: str) -> None:
    with pytest.raises(ConnectionFailed, match="nothing but heartbeats for 1 s"):
        call_once(broken_url + "/heartbeats")


def test_stream_of_only_comments_hits_the_idle_limit(broken_url: str) -> None:
    with pytest.raises(ConnectionFailed, match="nothing but heartbeats"):
        call_once(broken_url + "/silent")


def test_idle_limit_in_the_shell(broken_url: str) -> None:
    status, err = run_in_shell(
        f"connect {broken_url}/heartbeats; predict x", Settings(timeouts=QUICK)
    )
    assert status == 1
    assert "error: " in err and "stream idle limit" in err.splitlines()[-1]


def test_unknown_session_takes_a_new_one_and_refreshes(broken_url: str) -> None:
    url = broken_url + "/lostsession"

    async def main() -> tuple[str, str]:
        app = await GradioApp.connect(url, timeouts=QUICK)
        try:
            first = app.session_hash
            with pytest.raises(SessionNotFound, match="the app was restarted and lost this call"):
                await (await app.submit(app.endpoint("predict"), ["x"])).result()
            assert app.stale
            with pytest.raises(SessionNotFound):
                await (await app.submit(app.endpoint("predict"), ["x"])).result()
            return first, app.session_hash
        finally:
            await app.close()

    first, second = asyncio.run(main())
    assert first != second
    seen = [r for r in requests_seen(broken_url) if r["path"].startswith("/lostsession/")]
    paths = [r["path"].removeprefix("/lostsession") for r in seen]
    joins = [i for i, p in enumerate(paths) if p == "/gradio_api/queue/join"]
    assert len(joins) == 2
    # Between the two calls: /config and /info again, and the second call uses a new session.
    between = paths[joins[0] : joins[1]]
    assert "/config" in between and "/gradio_api/info" in between
    data = [r["session_hash"] for r in seen if r["path"].endswith("/queue/data")]
    assert data[0] == first and data[-1] == second


def test_quiet_spell_checks_config_but_keeps_the_session(broken_url: str) -> None:
    url = broken_url + "/quiet"

    async def main() -> tuple[str, str]:
        app = await GradioApp.connect(url, timeouts=QUICK)
        app.REVALIDATE_AFTER = 0.0
        try:
            first = app.session_hash
            await (await app.submit(app.endpoint("predict"), ["x"])).result()
            return first, app.session_hash
        finally:
            await app.close()

    first, second = asyncio.run(main())
    assert first == second  # same app_id and endpoints: nothing to refresh
    paths = [r["path"] for r in requests_seen(broken_url) if r["path"].startswith("/quiet/")]
    assert paths.count("/quiet/config") == 2 and paths.count("/quiet/gradio_api/info") == 1


# -- error statuses on every route -------------------------------------------------------


@pytest.mark.parametrize(
    ("scenario", "expected"),
    [
        ("err500", "/err500/config: HTTP 500 Internal Server Error: kaboom in config"),
        ("info500", "/info500/gradio_api/info: HTTP 500 Internal Server Error: info exploded"),
        ("notjson", "is not a Gradio app (its /config is not JSON)"),
        ("badinfo", "the app's /info has no named_endpoints"),
        ("auth401", "/auth401 requires a login: connect http"),
    ],
)
def test_connect_errors(run_shell, broken_url: str, scenario: str, expected: str) -> None:
    result = run_shell("-c", f"connect {broken_url}/{scenario}")
    assert result.returncode == 1
    assert expected in one_error(result)


@pytest.mark.parametrize(
    ("scenario", "expected"),
    [
        (
            "join500",
            "/join500/gradio_api/queue/join: HTTP 500 Internal Server Error: join exploded",
        ),
        ("join400", "HTTP 400 Bad Request: bad payload: fn_index"),
        ("join404", "/join404/gradio_api/queue/join: HTTP 404 Not Found: Not Found"),
        ("queuefull", "the app's queue is full (503): Queue is full."),
        ("invalid", "the app rejected the inputs: text: too long; c: not a colour"),
        ("ratelimit", "too many requests (429); retry after 17 s"),
        ("data500", "/data500/gradio_api/queue/data: HTTP 500 Internal Server Error: stream"),
        ("data404", "the app was restarted and lost this call"),
        ("lostsession", "the app was restarted and lost this call"),
        ("stopped", "Server stopped unexpectedly."),
        ("dies", "was lost"),
        ("hiddenerror", "the app failed without saying why (it does not send its error"),
    ],
)
def test_call_errors(run_shell, broken_url: str, scenario: str, expected: str) -> None:
    result = run_shell("-c", f"connect {broken_url}/{scenario}; predict x")
    assert result.returncode == 1
    assert expected in one_error(result)
    assert "show_error" not in result.stderr  # advice for the app's owner, not its users


def test_error_without_reason_says_what_was_sent(run_shell, broken_url: str) -> None:
    result = run_shell("-c", f"connect {broken_url}/hiddenerror; predict 'a question'")
    error = one_error(result)
    assert "without saying why" in error
    assert "; sent text='a question'" in error


def test_info_with_odd_fields_still_gives_usable_endpoints(run_shell, broken_url: str) -> None:
    result = run_shell("--json", "-c", f"connect {broken_url}/oddinfo; endpoints; predict 1 2")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert '"name": "/predict"' in result.stdout
    assert '"data": ["partial done"]' in result.stdout


# -- size limits -------------------------------------------------------------------------


SMALL = Limits(json=1024 * 1024, file=1024 * 1024)


@pytest.mark.parametrize(
    ("scenario", "what"),
    [
        ("bigconfig", "answer to /bigconfig/config is larger than 1 MiB"),
        ("bigjoin", "answer to /bigjoin/gradio_api/queue/join is larger than 1 MiB"),
        ("bigevent", "event stream is larger than 1 MiB"),
    ],
)
def test_answers_past_the_json_limit_are_cut_off(broken_url: str, scenario: str, what: str) -> None:
    with pytest.raises(ResponseTooLarge, match=what):
        call_once(f"{broken_url}/{scenario}", limits=SMALL)
    status, err = run_in_shell(
        f"connect {broken_url}/{scenario}; predict x", Settings(timeouts=QUICK, limits=SMALL)
    )
    assert status == 1
    assert err.splitlines()[-1] == f"error: the app's {what}; stopped reading it " + (
        "(the limit can be raised in the settings)"
    )


def test_default_limits_let_the_same_answers_through(broken_url: str) -> None:
    assert call_once(broken_url + "/bigjoin") == ["partial done"]
    assert Limits().json == 64 * 1024 * 1024 and Limits().file == 1024**3


# -- TLS ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tls_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    trustme = pytest.importorskip("trustme")
    directory: Path = tmp_path_factory.mktemp("tls")
    authority = trustme.CA()
    cert = authority.issue_cert("127.0.0.1", "localhost")
    cert.private_key_and_cert_chain_pem.write_to_path(str(directory / "cert.pem"))
    cert.private_key_pem.write_to_path(str(directory / "key.pem"))
    app = start_app(
        [
            str(APPS / "broken.py"),
            "--cert",
            str(directory / "cert.pem"),
            "--key",
            str(directory / "key.pem"),
        ],
        directory / "log",
        path="/ok/config",
        scheme="https",
    )
    yield app.url
    app.stop()


def test_self_signed_certificate_is_refused(run_shell, tls_url: str) -> None:
    assert tls_url.startswith("https://")
    result = run_shell("-c", f"connect {tls_url}/ok")
    assert result.returncode == 1
    line = one_error(result)
    assert "TLS error talking to" in line and "CERTIFICATE_VERIFY_FAILED" in line.upper()


def test_insecure_connects_and_says_so(run_shell, tls_url: str) -> None:
    result = run_shell("--insecure", "-c", f"connect {tls_url}/ok; predict x")
    assert result.returncode == 0, result.stderr
    assert "TLS certificates are not verified (--insecure)" in result.stderr
    assert result.stdout.splitlines() == ["partial done"]


def test_insecure_prompt(spawn_shell, tls_url: str) -> None:
    child = spawn_shell("--insecure", f"{tls_url}/ok")
    child.expect_exact("(insecure) app1>")
    child.sendline("exit")
    child.expect(__import__("pexpect").EOF)


# -- malformed answers -------------------------------------------------------------------


def test_unknown_messages_and_bad_lines_are_logged_and_skipped(
    run_shell, shell_env, broken_url: str
) -> None:
    result = run_shell("--debug", "-c", f"connect {broken_url}/garbage; predict x")
    assert result.returncode == 0, result.stderr
    # The diff that does not apply is dropped; the next full value is shown. It extends
    # the first, so a script writes only what it adds: one line.
    assert result.stdout.splitlines() == ["partial done"]
    log_path = result.stderr.split("writing a debug log to ", 1)[1].splitlines()[0]
    log = Path(log_path).read_text()
    assert "ignoring a stream line that is not JSON: 'this is not json'" in log
    assert "ignoring a message of unknown type 'something_new'" in log
    assert "diff does not apply" in log


def test_dns_failure(run_shell) -> None:
    result = run_shell("-c", "connect http://no-such-host.invalid:7860")
    assert result.returncode == 1
    assert one_error(result) == "error: cannot resolve host 'no-such-host.invalid'"


def test_messages_for_unknown_calls_are_bounded(broken_url: str) -> None:
    async def main() -> tuple[list, dict[str, list]]:
        # Messages for other calls do not count as life: the whole flood must arrive within
        # one idle limit, which QUICK's one second does not leave on a busy machine.
        patient = Timeouts(connect=2.0, read=1.0, stream_idle=30.0)
        app = await GradioApp.connect(broken_url + "/flood", timeouts=patient)
        try:
            result = await (await app.submit(app.endpoint("predict"), ["x"])).result()
            return result, dict(app._stream._early)
        finally:
            await app.close()

    result, early = asyncio.run(main())
    assert result == ["partial done"]
    assert len(early) <= 256
    assert all(len(messages) <= 256 for messages in early.values())


def test_limits_and_idle_timeout_from_the_config_file(
    run_shell, broken_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[timeouts]\nstream_idle = 1\n\n[limits]\njson_mib = 1\nfile_mib = 2\n")
    idle = run_shell("--config", str(path), "-c", f"connect {broken_url}/heartbeats; predict x")
    assert idle.returncode == 1
    assert "sent nothing but heartbeats for 1 s (the stream idle limit)" in one_error(idle)
    big = run_shell("--config", str(path), "-c", f"connect {broken_url}/bigconfig")
    assert big.returncode == 1
    assert "answer to /bigconfig/config is larger than 1 MiB" in one_error(big)
    # Without the file, the defaults let the same answer through.
    assert run_shell("-c", f"connect {broken_url}/bigconfig").returncode == 0
