"""Faults while files move: Ctrl-C during an upload or a download, and the file size limit.

Against the broken server, whose upload route takes the body a trickle at a time and whose
file route sends a little, then a trickle. Nothing half-written may be left behind.
"""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pexpect

from tests.waiting import wait_until

GENEROUS = 5.0  # seconds; the aim is half a second


def wait_for_request(url: str, path: str, timeout: float = 20.0) -> None:
    """Wait until the broken server has seen a request for ``path``."""
    wait_until(
        lambda: any(r["path"] == path for r in httpx.get(url + "/requests").json()),
        timeout,
        f"a request for {path}",
    )


def interrupt(child: pexpect.spawn, record_property, name: str) -> None:
    sent = time.monotonic()
    child.sendintr()
    child.expect_exact("app1>")
    elapsed = time.monotonic() - sent
    record_property(name, round(elapsed, 3))
    print(f"{name}: {elapsed:.3f} s")
    assert elapsed < GENEROUS


def test_ctrl_c_during_an_upload(spawn_shell, broken_url: str, tmp_path: Path, record_property):
    big = tmp_path / "big.bin"
    big.write_bytes(b"u" * (64 * 1024 * 1024))
    child = spawn_shell(f"{broken_url}/slowupload")
    child.expect_exact("app1>")
    child.sendline(f"upfile f={big}")
    wait_for_request(broken_url, "/slowupload/gradio_api/upload")
    child.expect_exact("uploading")
    interrupt(child, record_property, "ctrl_c_uploading_s")
    child.sendline("sessions")
    child.expect_exact("slowupload")
    child.sendline("exit")
    child.expect(pexpect.EOF)


def test_ctrl_c_during_a_download_leaves_nothing(
    spawn_shell, broken_url: str, tmp_path: Path, record_property
) -> None:
    downloads = tmp_path / "downloads"
    child = spawn_shell("--download-dir", str(downloads), f"{broken_url}/slowdownload")
    child.expect_exact("app1>")
    child.sendline("predict x")
    child.expect_exact("queued: position")  # past the echo of the line and its prompt
    wait_for_request(broken_url, "/slowdownload/gradio_api/file=big.bin")
    # The temporary file is there while the download runs...
    wait_until(lambda: downloads.is_dir() and list(downloads.glob("*")), 10, "a partial download")
    assert next(p.name for p in downloads.iterdir()).endswith(".part")
    interrupt(child, record_property, "ctrl_c_downloading_s")
    # ...and gone once Ctrl-C returned: nothing half-written under any name.
    assert list(downloads.iterdir()) == []
    child.sendline("exit")
    child.expect(pexpect.EOF)


def test_file_above_the_size_limit_is_cut_off(run_shell, broken_url: str, tmp_path: Path):
    config = tmp_path / "config.toml"
    config.write_text("[limits]\nfile_mib = 1\n")
    downloads = tmp_path / "downloads"
    result = run_shell(
        "--config",
        str(config),
        "--download-dir",
        str(downloads),
        "-c",
        f"connect {broken_url}/bigfile; predict x",
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "big.bin: larger than the limit of 1" in result.stderr
    assert not downloads.exists() or list(downloads.iterdir()) == []
    # With the default limit (1 GiB) the same file is saved whole.
    result = run_shell(
        "--download-dir", str(downloads), "-c", f"connect {broken_url}/bigfile; predict x"
    )
    assert result.returncode == 0, result.stderr
    assert (downloads / "big.bin").stat().st_size == 3 * 1024 * 1024


def test_upload_and_download_errors_show_the_app_detail(
    run_shell, broken_url: str, tmp_path: Path
) -> None:
    small = tmp_path / "small.txt"
    small.write_text("hello")
    upload = run_shell("-c", f"connect {broken_url}/upload500; upfile f={small}")
    assert upload.returncode == 1
    errors = [line for line in upload.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        "error: /upload500/gradio_api/upload: HTTP 500 Internal Server Error: disk full"
    ], upload.stderr
    download = run_shell(
        "--download-dir",
        str(tmp_path / "downloads"),
        "-c",
        f"connect {broken_url}/file404; predict x",
    )
    assert download.returncode == 1
    assert "Traceback" not in download.stderr
    assert (
        "cannot download big.bin: /file404/gradio_api/file=big.bin: HTTP 404 Not Found: "
        "File not found." in download.stderr
    )
