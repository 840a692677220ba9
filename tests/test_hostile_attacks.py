"""Hostile apps and a hostile Hub, round two: one test for each way an attacker got through.

The servers are written for the tests (:mod:`tests.hostile_servers`) and speak just enough of
the Gradio protocol and of the Hub API to deliver each attack to the real shell, run as a
process (``-c``) or in a pseudo-terminal where the attack is interactive. Each test names the
defect it guards against; docs/reliability.md lists them with the property they prove.
"""

from __future__ import annotations

import io
import json
import os
import re
import resource
import struct
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pexpect
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests.hostile_servers import (
    FakeEndpoint,
    FakeGradio,
    FakeGradio3,
    FakeHub,
    Request,
    Server,
    dropdown,
    echo,
    file_data,
    file_param,
    outputs,
    textbox,
)
from tests.standin_hub import StandInHub

MiB = 1024 * 1024
TOKEN = "hf_" + "t0ken" * 6
MEMORY = 512 * MiB
"""Address space the shell gets in the tests of memory bounds: several times what it needs."""
OSC_AND_BELL = ("\x1b]", "\x07", "\x9b")
INVISIBLE = ("\u202e", "\u200b", "\u2066")


@pytest.fixture()
def servers() -> Iterator[list[Server]]:
    """Servers started by a test, stopped after it."""
    started: list[Server] = []
    yield started
    for server in started:
        server.stop()


def serve(servers: list[Server], server: Server) -> Any:
    servers.append(server.start())
    return server


def limit_memory(size: int = MEMORY) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (size, size))


@pytest.fixture()
def shell(shell_env: dict[str, str], tmp_path: Path):  # type: ignore[no-untyped-def]
    """Run the real shell with ``-c`` (or other arguments), optionally with a config file
    (TOML text), a token, and a cap on its memory."""

    def run(
        *args: str,
        config: str | None = None,
        env: dict[str, str] | None = None,
        memory: int | None = None,
        timeout: float = 60.0,
    ) -> subprocess.CompletedProcess[str]:
        extra: list[str] = []
        if config is not None:
            path = tmp_path / "config.toml"
            path.write_text(config)
            extra = ["--config", str(path)]
        return subprocess.run(
            [sys.executable, "-m", "gradioshell", *extra, *args],
            input="",
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**shell_env, **(env or {})},
            preexec_fn=(lambda: limit_memory(memory)) if memory else None,
        )

    return run


@pytest.fixture()
def prompt(shell_env: dict[str, str], tmp_path: Path):  # type: ignore[no-untyped-def]
    """Start the real shell in a pseudo-terminal; returns (child, everything it printed)."""
    children: list[pexpect.spawn] = []

    def spawn(
        *args: str,
        config: str | None = None,
        env: dict[str, str] | None = None,
        memory: int | None = None,
        code: str | None = None,
    ) -> tuple[pexpect.spawn, io.StringIO]:
        extra: list[str] = []
        if config is not None:
            path = tmp_path / "config.toml"
            path.write_text(config)
            extra = ["--config", str(path)]
        command = ["-c", code, *extra, *args] if code else ["-m", "gradioshell", *extra, *args]
        child = pexpect.spawn(
            sys.executable,
            command,
            env={**shell_env, **(env or {})},
            encoding="utf-8",
            timeout=30,
            dimensions=(40, 120),
            preexec_fn=(lambda: limit_memory(memory)) if memory else None,
        )
        screen = io.StringIO()
        child.logfile_read = screen
        children.append(child)
        return child, screen

    yield spawn
    for child in children:
        if child.isalive():
            child.terminate(force=True)


def leave(child: pexpect.spawn) -> None:
    child.sendline("exit")
    child.expect(pexpect.EOF)


def no_traceback(text: str) -> None:
    assert "Traceback" not in text, text[-3000:]
    assert "internal error" not in text, text[-3000:]


def one_error(result: subprocess.CompletedProcess[str]) -> str:
    no_traceback(result.stdout + result.stderr)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    return errors[0]


def files_under(root: Path) -> list[Path]:
    return [Path(d) / f for d, _, names in os.walk(root) for f in names]


# -- 1 and 2: the token on a redirected websocket, and in the debug log --------------------


def websocket_app(servers: list[Server]) -> tuple[FakeGradio3, Server]:
    """A Gradio 3.x app whose websocket handshake is redirected to another origin."""
    app = serve(servers, FakeGradio3({"predict": ["x"]}, queue=True))
    other = serve(servers, Server())

    @app.route("GET /queue/join")
    def redirect(request: Request) -> None:
        request.send(302, b"", {"Location": f"ws://127.0.0.1:{other.port}/queue/join"})

    @other.route("GET /queue/join")
    def refuse(request: Request) -> None:
        request.send_json(403, {"detail": "no"})

    return app, other


def test_a_redirected_websocket_carries_no_token_to_another_origin(servers, shell) -> None:
    """1. The 3.x websocket sent X-HF-Authorization across a redirect to another origin."""
    app, other = websocket_app(servers)
    result = shell("-c", f"connect {app.url} --token; predict x", env={"HF_TOKEN": TOKEN})
    assert result.returncode == 1
    one_error(result)
    handshake = app.wait_for("/queue/join")
    assert handshake.header("x-hf-authorization") == f"Bearer {TOKEN}"  # its own origin: yes
    redirected = other.wait_for("/queue/join")
    assert TOKEN not in json.dumps(redirected.headers), redirected.headers


def test_the_debug_log_never_holds_the_token(servers, shell, shell_env) -> None:
    """2. --debug set every logger to DEBUG, and websockets logs its handshake headers."""
    app, _ = websocket_app(servers)
    result = shell(
        "--debug", "-c", f"connect {app.url} --token; predict x", env={"HF_TOKEN": TOKEN}
    )
    assert result.returncode == 1
    assert app.wait_for("/queue/join").header("authorization") == f"Bearer {TOKEN}"
    written = files_under(Path(shell_env["HOME"]))
    logs = [p for p in written if p.name.startswith("debug-")]
    assert logs, "no debug log was written"
    assert "queue/join" in logs[0].read_text()  # the handshake is in the log...
    for path in written:
        assert TOKEN not in path.read_text(errors="replace"), f"the token is in {path}"


# -- 3 and 4: files in results are what the app's URL names, from the app that sent them --


SECRET = b"TOPSECRET local file"


def test_a_result_cannot_name_a_local_file_to_upload(servers, shell, tmp_path) -> None:
    """3. `local_path`/`origin` keys in a result's file made the shell upload a local file."""
    secret = tmp_path / "secret.txt"
    secret.write_bytes(SECRET)
    evil = {"local_path": str(secret), "origin": "http://127.0.0.1:1"}
    app: FakeGradio = serve(
        servers,
        FakeGradio(
            [
                FakeEndpoint("getfile", outputs(file_data("/srv/a.txt", None, "a.txt", **evil))),
                FakeEndpoint(
                    "getfiles",
                    outputs(
                        [
                            file_data("/srv/missing.txt", None, "missing.txt"),
                            file_data("/srv/a.txt", None, "a.txt", **evil),
                        ]
                    ),
                ),
                FakeEndpoint("upfile", outputs("ok"), parameters=[file_param("f")]),
            ]
        ),
    )
    app.files["/srv/a.txt"] = b"the app's own file"
    # Without downloads the keys stayed as the app wrote them.
    remote = shell("--no-download", "-c", f"connect {app.url}; getfile; upfile f=$_")
    assert remote.returncode == 0, remote.stderr
    # With downloads, a file after one that failed to download kept them too.
    saved = shell(
        "--keep-going",
        "--download-dir",
        str(tmp_path / "dl"),
        "-c",
        f"connect {app.url}; getfiles; upfile f=$r1[1]",
    )
    assert "missing.txt" in saved.stderr
    assert [name for name, _ in app.calls].count("upfile") == 2, saved.stderr
    for body in app.uploads:
        assert SECRET not in body, "a local file the app named was uploaded"
    # The app's own file went back to it by its server path, as the app sent it.
    sent = [data[0] for name, data in app.calls if name == "upfile"]
    assert all(item["path"] == "/srv/a.txt" for item in sent), sent
    assert all("local_path" not in item and "origin" not in item for item in sent)


def test_a_url_into_another_session_is_not_fetched_with_its_token(servers, shell, tmp_path) -> None:
    """4. With --no-download, the session a file came from was guessed from its URL: app B
    could name a file of private Space A, fetched with A's token and uploaded to B."""
    private = serve(servers, FakeGradio([FakeEndpoint("echo", echo)]))
    private.files["/secret.txt"] = b"SPACE SECRET"
    hub = StandInHub(private.url)
    hub.start()
    try:
        space_file = hub.host("standin-user/private-space") + "/gradio_api/file=/secret.txt"
        thief = serve(
            servers,
            FakeGradio(
                [
                    FakeEndpoint("getfile", outputs(file_data("/secret.txt", space_file, "s.txt"))),
                    FakeEndpoint("upfile", outputs("ok"), parameters=[file_param("f")]),
                ]
            ),
        )
        env = {"HF_ENDPOINT": hub.endpoint, "HF_TOKEN": hub.token}
        result = shell(
            "--no-download",
            "--keep-going",
            "-c",
            f"connect standin-user/private-space as a; connect {thief.url} as b; "
            "@b getfile; @b upfile f=$_",
            env=env,
        )
        assert hub.with_token("standin-user/private-space"), "the Space was never used"
    finally:
        hub.stop()
    no_traceback(result.stdout + result.stderr)
    assert not private.requests("/gradio_api/file="), "the private file was fetched"
    assert all(b"SPACE SECRET" not in body for body in thief.uploads)


# -- 5: completion inserts text that parses back to the value ------------------------------


def test_completion_inserts_quoted_text_that_means_exactly_the_value(
    servers, prompt, tmp_path
) -> None:
    """5. An endpoint name with ';connect …' became a second statement (sending the token
    elsewhere on Enter); a Dropdown choice `$_` became a reference to the last result."""
    elsewhere = serve(servers, FakeGradio([FakeEndpoint("echo", echo)]))
    name = f"go;connect 127.0.0.1:{elsewhere.port} --token"
    app = serve(
        servers,
        FakeGradio(
            [
                FakeEndpoint(name, outputs("ran it")),
                FakeEndpoint("echo", echo),
                FakeEndpoint("pick", echo, parameters=[dropdown("choice", ["$_", "x"])]),
            ]
        ),
    )
    child, screen = prompt(app.url, env={"HF_TOKEN": TOKEN})
    child.expect_exact("app1>")
    child.send("go\t")
    child.expect_exact("--token")
    child.send("\r\r")  # the first Enter takes the completion from the menu, if one is open
    child.expect_exact("ran it")
    child.expect_exact("app1>")
    child.sendline("echo text=first")
    child.expect_exact("first")
    child.expect_exact("app1>")
    child.send("pick choice=$\t")
    child.expect_exact('"$_"')
    child.send("\r\r")
    child.expect_exact("done in")
    child.expect_exact("app1>")
    leave(child)
    no_traceback(screen.getvalue())
    assert not elsewhere.seen, "the completed name ran as two statements"
    assert app.calls[-1] == ("pick", ["$_"])


# -- 6 and 7: nothing from an app or the Hub reaches the terminal raw ----------------------


LINK = "[link=http://evil.example/]click-me[/link]"


def test_markup_from_apps_and_the_hub_is_shown_literally(servers, prompt) -> None:
    """6. help, hub models|model|space and the Space-wait spinner applied rich markup:
    links became OSC 8 hyperlinks, and `[/]` raised MarkupError with a traceback."""
    app = serve(
        servers,
        FakeGradio(
            [
                FakeEndpoint(
                    "shout",
                    echo,
                    parameters=[textbox("text")],
                    returns=[textbox("said " + LINK)],
                    description="[/] " + LINK,
                ),
                FakeEndpoint("odd[/]", echo),
            ]
        ),
    )
    hub = serve(servers, FakeHub())
    hub.models = [
        {
            "id": "evil/" + LINK,
            "requested": "evil/model",
            "downloads": 1,
            "likes": 2,
            "pipeline_tag": "[/]",
            "lastModified": "2025-01-01",
            "tags": ["[/]", LINK],
        }
    ]
    hub.spaces["evil/space"] = {
        "id": "evil/space" + LINK,
        "sdk": "gradio",
        "host": app.url,
        "private": False,
        "stages": ["BUILDING", "[/]", "RUNNING"],
        "runtime": {"hardware": {"current": "[/]"}},
        "cardData": {"sdk_version": LINK},
    }
    hub.spaces["evil/space" + LINK] = hub.spaces["evil/space"]  # the id it gives is its own
    env = {"HF_ENDPOINT": hub.url, "TERM": "xterm-256color"}
    child, screen = prompt(env=env)
    child.expect_exact("gradioshell>")
    for line in ("hub models", "hub model evil/model", "hub space evil/space"):
        child.sendline(line)
        child.expect_exact("click-me")
        child.expect_exact("gradioshell>")
    child.sendline("connect evil/space")
    child.expect_exact("connected app1")
    child.expect_exact("app1>")
    child.sendline("help")
    child.expect_exact("Endpoints of app1")
    child.expect_exact("app1>")
    child.sendline("help shout")
    child.expect_exact("Example")
    child.expect_exact("app1>")
    leave(child)
    text = screen.getvalue()
    no_traceback(text)
    assert "MarkupError" not in text
    assert "\x1b]8;" not in text, "a link became a hyperlink"
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)
    assert plain.count(LINK) >= 6  # hub models, model, space, help's endpoints, help shout
    assert "odd[/]" in plain


HOSTILE_ID = "evil/space\x1b]52;c;cHduZWQ=\x07\x1b]0;pwned\x07"


def test_no_escape_bidi_or_forged_line_reaches_the_terminal_or_history(
    servers, shell, prompt, shell_env
) -> None:
    """7. Raw escapes reached the terminal through the `help ENDPOINT` title and a session
    alias from the Hub's Space id; bidi overrides and zero-width characters passed every
    sanitizer; a newline in app text forged an `error:` line; escapes reached the history."""
    titled = "t\x1b]52;c;cHduZWQ=\x07\x1b]0;pwned\x07x"

    def forged(data: list[Any], event_id: str) -> Iterator[Any]:
        error = "oops\nerror: forged by the app"
        yield {"msg": "process_completed", "success": False, "output": {"error": error}}

    app = serve(
        servers,
        FakeGradio(
            [
                FakeEndpoint(titled, echo),
                FakeEndpoint("bidi", outputs("abc\u202edcba zero\u200bwidth \u2066iso")),
                FakeEndpoint("forge", forged),
                FakeEndpoint("pick", echo, parameters=[dropdown("choice", ["a\x1b]0;pwned\x07b"])]),
            ]
        ),
    )
    hub = serve(servers, FakeHub())
    hub.spaces["evil/space"] = {"id": HOSTILE_ID, "sdk": "gradio", "host": app.url}
    env = {"HF_ENDPOINT": hub.url}
    result = shell(
        "--keep-going",
        "-c",
        f'connect evil/space; sessions; help "{titled}"; bidi x; forge x; use "{HOSTILE_ID}"',
        env=env,
    )
    out = result.stdout + result.stderr
    no_traceback(out)
    assert "abc" in result.stdout and "oops" in result.stderr and "Example" in result.stdout
    for sequence in OSC_AND_BELL + INVISIBLE:
        assert sequence not in out, f"{sequence!r} reached the terminal"
    assert not [line for line in result.stderr.splitlines() if line.startswith("error: forged")]

    # At the prompt, a value with escapes put on the line by completion: not into history.
    child, screen = prompt(app.url)
    child.expect_exact("app1>")
    child.send("pick choice=a\t")
    child.send("\r\r")
    child.expect_exact("done in")
    child.expect_exact("app1>")
    leave(child)
    for sequence in ("\x1b]0;pwned", "\x07"):
        assert sequence not in screen.getvalue()
    history = Path(shell_env["XDG_DATA_HOME"]) / "gradioshell" / "history"
    assert "pick choice=" in history.read_text()
    assert "\x1b" not in history.read_text() and "\x07" not in history.read_text()


# -- 8: no traceback without --debug, and the shell survives ---------------------------------


INJECT = """
import sys
import gradioshell.commands.core as core
import gradioshell.completer as completer
import gradioshell.render as render
import gradioshell.toolbar as toolbar

def fault(*args, **kwargs):
    raise RuntimeError("injected fault")

render.sessions_table = fault  # a command's result, drawn
render.outputs_table = fault  # the live panel, drawn in rich's refresh thread
completer.ShellCompleter._values = fault  # completion, inside prompt_toolkit
toolbar.signature = fault  # the toolbar, drawn on every key
from gradioshell.main import main
sys.exit(main(sys.argv[1:]))
"""


def test_internal_errors_never_print_a_traceback(servers, prompt, shell_env) -> None:
    """8. Internal errors printed tracebacks without --debug (Python's fallback handlers)."""
    app = serve(servers, FakeGradio([FakeEndpoint("echo", echo)]))
    for debug in (False, True):
        child, screen = prompt(app.url, *(["--debug"] if debug else []), code=INJECT)
        child.expect_exact("app1>")
        child.sendline("sessions")
        child.expect_exact("internal error")
        child.expect_exact("app1>")
        child.send("echo text=")  # the toolbar shows the endpoint being typed
        child.send("\t")  # and its values complete
        child.send("hello\r")
        child.expect_exact("done in")
        child.expect_exact("app1>")
        child.sendline("endpoints")  # the shell goes on
        child.expect_exact("Endpoints of app1")
        child.expect_exact("app1>")
        leave(child)
        text = screen.getvalue()
        assert "Traceback" not in text and 'File "' not in text, text[-3000:]
        assert "injected fault" in text  # said in one line
    logs = [p for p in files_under(Path(shell_env["HOME"])) if p.name.startswith("debug-")]
    assert len(logs) == 1
    log = logs[0].read_text()
    assert "Traceback" in log and "injected fault" in log  # the log has it


# -- 9: compression layers --------------------------------------------------------------------


def zeros_deflate(size: int, wrapper: str) -> bytes:
    """``size`` zero bytes compressed as gzip or zlib, quickly: a fully flushed block of
    compressed zeros repeats as it is."""
    block = 1 * MiB
    whole, rest = divmod(size, block)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = compressor.compress(b"\0" * block) + compressor.flush(zlib.Z_FULL_FLUSH)
    last = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = chunk * whole + last.compress(b"\0" * rest) + last.flush()
    check = zlib.crc32 if wrapper == "gzip" else zlib.adler32
    value = 0 if wrapper == "gzip" else 1
    zero = b"\0" * block
    for _ in range(whole):
        value = check(zero, value)
    value = check(b"\0" * rest, value)
    if wrapper == "gzip":
        header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
        return header + body + struct.pack("<II", value, size & 0xFFFFFFFF)
    return b"\x78\xda" + body + struct.pack(">I", value)


def gzip_of(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    return compressor.compress(data) + compressor.flush()


def test_layers_of_compression_are_bounded(servers, shell, tmp_path) -> None:
    """9. `Content-Encoding: gzip, gzip` bypassed every size cap: caps were checked after a
    whole chunk was decompressed, and 3.5 KB became gigabytes."""
    bomb = gzip_of(zeros_deflate(2048 * MiB, "gzip"))  # 2 GiB in two layers
    assert len(bomb) < 64 * 1024
    config_bomb = serve(servers, FakeGradio([FakeEndpoint("echo", echo)]))

    @config_bomb.route("GET /config")
    def config(request: Request) -> None:
        request.send(
            200, bomb, {"Content-Type": "application/json", "Content-Encoding": "gzip, gzip"}
        )

    result = shell("-c", f"connect {config_bomb.url}", memory=MEMORY)
    assert "larger than 64 MiB" in one_error(result)

    # Three layers on a file: the file limit holds as well.
    three = gzip_of(gzip_of(zeros_deflate(2048 * MiB, "gzip")))
    app = serve(
        servers,
        FakeGradio([FakeEndpoint("getfile", outputs(file_data("/srv/z.bin", None, "z.bin")))]),
    )

    @app.route("GET /gradio_api/file=*")
    def payload(request: Request) -> None:
        request.send(200, three, {"Content-Encoding": "gzip, gzip, gzip"})

    result = shell(
        "--download-dir",
        str(tmp_path / "dl"),
        "-c",
        f"connect {app.url}; getfile",
        config="[limits]\nfile_mib = 8\n",
        memory=MEMORY,
    )
    assert "larger than the limit of 8.0 MB" in one_error(result)
    assert not list((tmp_path / "dl").glob("*"))


# -- 10: image previews ---------------------------------------------------------------------


def png_of_zeros(width: int, height: int) -> bytes:
    """A grey PNG, as large as asked but small on disk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    raw = zeros_deflate((width + 1) * height, "zlib")  # each row: filter 0, then black
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def test_image_previews_check_pixels_before_decoding(servers, prompt, tmp_path) -> None:
    """10. Previews decoded the whole image before shrinking it (12000×12000: 2.4 GB; 1×150
    million: 8.2 GB and a freeze), and Pillow's warning printed over the prompt."""
    app = serve(
        servers,
        FakeGradio(
            [
                FakeEndpoint(
                    "images",
                    outputs(
                        file_data("/srv/square.png", None, "square.png"),
                        file_data("/srv/line.png", None, "line.png"),
                    ),
                    returns=[textbox("a"), textbox("b")],
                )
            ]
        ),
    )
    app.files["/srv/square.png"] = png_of_zeros(12000, 12000)
    app.files["/srv/line.png"] = png_of_zeros(1, 150_000_000)
    child, screen = prompt(
        app.url, "--download-dir", str(tmp_path / "dl"), env={"NO_COLOR": ""}, memory=MEMORY
    )
    child.expect_exact("app1>")
    child.sendline("images")
    child.expect_exact("done in", timeout=60)
    child.expect_exact("app1>")
    child.sendline("echo")  # still alive
    child.expect_exact("app1>")
    leave(child)
    text = screen.getvalue()
    no_traceback(text)
    assert "DecompressionBomb" not in text and "MemoryError" not in text
    assert "square.png" in text and "line.png" in text
    assert "(12000×12000 pixels: too large to preview)" in text
    assert "(1×150000000 pixels: too large to preview)" in text


# -- 11: nesting depth ----------------------------------------------------------------------


def nested(depth: int) -> Any:
    value: Any = "bottom"
    for _ in range(depth):
        value = [value]
    return value


def test_deeply_nested_values_are_refused_not_a_crash(servers, shell, prompt) -> None:
    """11. Output nested 500 deep overflowed the recursion limit: a 367 KB traceback in a
    script, the shell gone at the prompt; /config or /info nested deep did the same."""
    app = serve(
        servers,
        FakeGradio(
            [
                FakeEndpoint("deep", outputs(nested(500))),
                FakeEndpoint("echo", echo),
            ]
        ),
    )
    result = shell("-c", f"connect {app.url}; deep")
    assert "nested deeper than" in one_error(result)
    assert len(result.stderr) < 1000

    child, screen = prompt(app.url)
    child.expect_exact("app1>")
    child.sendline("deep")
    child.expect_exact("nested deeper than")
    child.expect_exact("app1>")
    child.sendline("echo text=alive")
    child.expect_exact("done in")
    child.expect_exact("app1>")
    leave(child)
    no_traceback(screen.getvalue())

    deep_config = serve(servers, FakeGradio([FakeEndpoint("echo", echo)]))

    @deep_config.route("GET /config")
    def config(request: Request) -> None:
        padding = "[" * 5000 + "]" * 5000
        text = json.dumps(deep_config.config())[:-1] + f', "padding": {padding}}}'
        request.send_json(200, text.encode())

    assert "nested deeper than" in one_error(shell("-c", f"connect {deep_config.url}"))
    deep_info = serve(servers, FakeGradio([FakeEndpoint("echo", echo)]))

    @deep_info.route("GET /gradio_api/info")
    def info(request: Request) -> None:
        request.send_json(200, {"named_endpoints": {"/echo": nested(900)}})

    assert "nested deeper than" in one_error(shell("-c", f"connect {deep_info.url}"))


# -- 12: streams, progress and files per result ---------------------------------------------


@pytest.mark.slow
def test_messages_for_other_calls_are_bounded_in_bytes(servers, shell) -> None:
    """12. The buffer for early stream messages counted messages, not bytes (4 GiB)."""
    big = "x" * MiB

    def flood(data: list[Any], event_id: str) -> Iterator[Any]:
        for n in range(700):
            yield {
                "msg": "process_generating",
                "event_id": f"ghost{n % 200}",
                "output": {"data": [big]},
            }
        yield {"msg": "process_completed", "success": True, "output": {"data": ["survived"]}}

    app = serve(servers, FakeGradio([FakeEndpoint("flood", flood)]))
    result = shell(
        "-c",
        f"connect {app.url}; flood x",
        config="[limits]\nbuffer_mib = 16\n",
        memory=MEMORY,
        timeout=300,  # 700 MiB through loopback: minutes on a busy machine
    )
    no_traceback(result.stdout + result.stderr)
    assert result.stdout == "survived\n", result.stderr


def test_messages_for_other_calls_do_not_keep_a_call_alive(servers, shell) -> None:
    """12. Messages only for other event ids kept a call alive past the stream idle limit."""

    def others(data: list[Any], event_id: str) -> Iterator[Any]:
        yield {"msg": "estimation", "rank": 0, "queue_size": 1}
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            time.sleep(0.2)
            yield {"msg": "estimation", "event_id": "someone-else", "rank": 3}

    app = serve(servers, FakeGradio([FakeEndpoint("stuck", others)]))
    result = shell(
        "-c", f"connect {app.url}; stuck x", config="[timeouts]\nstream_idle = 2\n", timeout=30
    )
    assert "stream idle limit" in one_error(result)


def test_a_long_stream_line_is_decoded_in_linear_time(servers, shell) -> None:
    """12. A 70 MiB SSE line without a newline took minutes of CPU (quadratic decoding)."""

    def endless(data: list[Any], event_id: str) -> Iterator[Any]:
        yield b"data: " + b"x" * (70 * MiB)

    app = serve(servers, FakeGradio([FakeEndpoint("line", endless)]))
    # Quadratic decoding takes minutes here; linear decoding well under the timeout.
    result = shell("-c", f"connect {app.url}; line x", timeout=60)
    assert "larger than 64 MiB" in one_error(result)


def test_progress_bars_shown_are_bounded_and_odd_numbers_harmless(servers, prompt) -> None:
    """12. A 100k-bar progress message froze the prompt; a 4,000-digit number killed the
    panel's refresh thread."""
    huge = 10**4000
    seen = threading.Event()  # set once the test has seen the progress on the screen

    def bars(data: list[Any], event_id: str) -> Iterator[Any]:
        units = [
            {"index": n, "length": 9, "unit": "steps", "progress": None, "desc": f"bar#{n}#"}
            for n in range(100_000)
        ]
        yield {"msg": "process_starts"}
        yield {"msg": "progress", "progress_data": units}
        seen.wait(30)
        yield {"msg": "process_completed", "success": True, "output": {"data": ["bars done"]}}

    def numbers(data: list[Any], event_id: str) -> Iterator[Any]:
        unit = {"index": huge, "length": huge + 1, "unit": "x", "progress": huge, "desc": "big"}
        yield {"msg": "estimation", "rank": huge, "queue_size": huge, "rank_eta": huge}
        yield {"msg": "process_starts", "eta": huge}
        yield {"msg": "progress", "progress_data": [unit, {**unit, "progress": None}]}
        seen.wait(30)
        yield {"msg": "process_completed", "success": True, "output": {"data": ["numbers done"]}}

    app = serve(servers, FakeGradio([FakeEndpoint("bars", bars), FakeEndpoint("nums", numbers)]))
    child, screen = prompt(app.url, config="[limits]\nprogress_bars = 5\n")
    child.expect_exact("app1>")
    child.sendline("bars x")
    child.expect_exact("bar#4#")
    child.expect_exact("99995 more")
    seen.set()
    child.expect_exact("bars done")
    child.expect_exact("app1>")
    seen.clear()
    child.sendline("nums x")
    child.expect_exact("big")
    seen.set()
    child.expect_exact("numbers done")
    child.expect_exact("app1>")
    leave(child)
    text = screen.getvalue()
    no_traceback(text)
    assert "bar#5#" not in text


def test_files_per_result_are_bounded(servers, shell, tmp_path) -> None:
    """12. 3,000 files in one result were all written, with no cap on count or total."""
    files = [file_data(f"/srv/{n}.txt", None, f"{n}.txt") for n in range(300)]
    app = serve(servers, FakeGradio([FakeEndpoint("many", outputs(files))]))
    for n in range(300):
        app.files[f"/srv/{n}.txt"] = b"x" * 1000
    downloads = tmp_path / "dl"
    result = shell(
        "--download-dir",
        str(downloads),
        "-c",
        f"connect {app.url}; many x",
        config="[limits]\nresult_files = 20\n",
    )
    assert "300 files" in one_error(result)
    assert len(list(downloads.iterdir())) == 20

    big = [file_data(f"/srv/{n}.bin", None, f"{n}.bin") for n in range(10)]
    sizes = serve(servers, FakeGradio([FakeEndpoint("big", outputs(big))]))
    for n in range(10):
        sizes.files[f"/srv/{n}.bin"] = b"y" * MiB
    downloads = tmp_path / "dl2"
    result = shell(
        "--download-dir",
        str(downloads),
        "-c",
        f"connect {sizes.url}; big x",
        config="[limits]\nresult_mib = 3\n",
    )
    assert "3.0 MB" in one_error(result)
    assert sum(p.stat().st_size for p in downloads.iterdir()) <= 3 * MiB


# -- 13: a whole-request deadline -------------------------------------------------------------


def trickle(request: Request, total: int = 100_000) -> None:
    """Headers, then a byte every 0.1 s: every read is quick, the answer never ends."""
    request.send_response(200)
    request.send_header("Content-Type", "application/json")
    request.send_header("Content-Length", str(total))
    request.end_headers()
    for _ in range(total):
        if not request.write(b" "):
            return
        time.sleep(0.1)


def test_a_trickling_server_hits_the_request_deadline(servers, shell, tmp_path) -> None:
    """13. Timeouts applied per read only: a server sending a byte at a time kept a connect
    or a download alive forever."""
    slow_config = serve(servers, FakeGradio([FakeEndpoint("echo", echo)]))
    slow_config.route("GET /config")(trickle)
    result = shell(
        "-c", f"connect {slow_config.url}", config="[timeouts]\nrequest = 2\n", timeout=30
    )
    assert "2 s" in one_error(result)

    app = serve(
        servers,
        FakeGradio([FakeEndpoint("getfile", outputs(file_data("/srv/t.bin", None, "t.bin")))]),
    )
    app.route("GET /gradio_api/file=*")(trickle)
    result = shell(
        "--download-dir",
        str(tmp_path / "dl"),
        "-c",
        f"connect {app.url}; getfile x",
        config="[timeouts]\ntransfer = 2\n",
        timeout=30,
    )
    assert "t.bin" in one_error(result) and "2 s" in one_error(result)
    assert not list((tmp_path / "dl").glob("*"))


# -- 14: valid JSON, odd versions, inline files, empty reasons --------------------------------


def strict_json(line: str) -> Any:
    def refuse(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")

    return json.loads(line, parse_constant=refuse)


def test_json_output_is_valid_and_odd_values_give_plain_errors(servers, shell) -> None:
    """14. --json wrote NaN/Infinity; odd version strings and a 3.x data URL without a comma
    gave internal errors; some errors ended with an empty reason."""
    numbers = float("nan"), float("inf"), float("-inf")
    app = serve(
        servers,
        FakeGradio(
            [
                FakeEndpoint(
                    "nums", outputs(*numbers), returns=[textbox("a"), textbox("b"), textbox("c")]
                ),
                FakeEndpoint("getfile", outputs(file_data("/srv/r.txt", None, "result.txt"))),
            ]
        ),
    )

    @app.route("GET /gradio_api/file=*")
    def stall(request: Request) -> None:
        request.send_response(200)
        request.send_header("Content-Length", "10")
        request.end_headers()
        time.sleep(5)

    result = shell("--json", "-c", f"connect {app.url}; nums x")
    assert result.returncode == 0, result.stderr
    records = [strict_json(line) for line in result.stdout.splitlines()]
    assert records[-1]["data"] == ["NaN", "Infinity", "-Infinity"]

    for version in ("4.²", "5." + "9" * 5000, "٤.٢"):
        odd = serve(servers, FakeGradio([FakeEndpoint("echo", echo)], version=version))
        result = shell("-c", f"connect {odd.url}; echo text=fine")
        no_traceback(result.stdout + result.stderr)
        assert result.stdout == "fine\n", result.stderr

    inline = serve(
        servers,
        FakeGradio3(
            {"predict": [{"name": "x.txt", "data": "data:text/plain;base64", "is_file": False}]}
        ),
    )
    result = shell("--keep-going", "-c", f"connect {inline.url}; predict x; predict y")
    no_traceback(result.stdout + result.stderr)
    assert result.stderr.count("x.txt") == 2, result.stderr

    result = shell("-c", f"connect {app.url}; getfile x", config="[timeouts]\nstream_idle = 1\n")
    message = one_error(result)
    assert "result.txt" in message and not message.rstrip().endswith(":"), message


# -- the rules under the tests above, on any input ------------------------------------------


@given(st.text() | st.text().map(lambda text: "$" + text))
@example("$_")
@example("!0")
@example("go;connect elsewhere --token")
def test_quoted_text_parses_back_to_exactly_the_value(value: str) -> None:
    """5. What completion inserts is one word whose value is the text, never a reference."""
    from gradioshell.parser import parse_line, quote

    statements = parse_line(quote(value))
    words = [w for s in statements for w in s.words]
    assert len(words) == 1 and words[0].value == value and words[0].name is None
    assert not value.startswith("$") or words[0].quoted


@given(st.text())
def test_sanitized_text_holds_no_control_or_invisible_character(value: str) -> None:
    """7. Whatever an app sends, one line of it reaches the terminal as visible characters."""
    import unicodedata

    from gradioshell.text import safe_line

    shown = safe_line(value).replace("\t", " ")  # a tab is only a space
    assert all(unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Zl", "Zp") for ch in shown)


def test_debug_log_formatter_hides_credentials() -> None:
    """2. Whatever logs a header, the debug log gets no credential."""
    from gradioshell.main import redact

    for text in (
        f"> X-HF-Authorization: Bearer {TOKEN}",
        f"headers={{'authorization': 'Bearer {TOKEN}', 'x': 1}}",
        f"sent {TOKEN} somewhere",
        "Cookie: session=s3cr3t-cookie",
    ):
        shown = redact(text)
        assert TOKEN not in shown and "s3cr3t-cookie" not in shown, shown
