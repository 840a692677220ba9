"""Files end to end: uploads, downloads, previews and chaining, against real Gradio apps."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pexpect
import pytest
from PIL import Image

from gradioshell.gradio.files import safe_name
from gradioshell.parser import quote
from tests.conftest import APPS, RunningApp, start_app


@pytest.fixture(scope="module")
def media_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    """Lists of files, a gallery, an image input, a crafted file name; 10 KB upload limit."""
    app = start_app([str(APPS / "media.py")], tmp_path_factory.mktemp("media") / "log")
    yield app
    app.stop()


@pytest.fixture()
def media_url(media_app: RunningApp) -> str:
    return media_app.url


def upload_count(url: str) -> int:
    return int(httpx.get(url + "/upload-count").json()["count"])


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def test_generateimage_leaves_a_decodable_image(run_shell, demo_url: str, tmp_path: Path) -> None:
    downloads = tmp_path / "dl"
    result = run_shell(
        "--download-dir",
        str(downloads),
        "-c",
        f'connect {demo_url}; generateimage prompt="a car flying" width=120 height=80',
    )
    assert result.returncode == 0, result.stderr
    path = Path(result.stdout.strip())
    assert path.parent == downloads
    with Image.open(path) as image:
        assert image.size == (120, 80)


def test_default_download_dir_is_per_session_under_xdg_data(
    run_shell, demo_url: str, shell_env: dict[str, str]
) -> None:
    result = run_shell("-c", f"connect {demo_url}; generateimage prompt=x width=20 height=10")
    assert result.returncode == 0, result.stderr
    path = Path(result.stdout.strip())
    root = Path(shell_env["XDG_DATA_HOME"]) / "gradioshell" / "downloads"
    assert path.parent.parent == root
    assert path.parent.name.endswith("-app1")
    assert path.is_file()


def test_upper_file_uploads_transforms_and_downloads(
    run_shell, demo_url: str, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("some notes\nÀ second line\n", encoding="utf-8")
    result = run_shell(
        "--download-dir", str(tmp_path / "dl"), "-c", f"connect {demo_url}; upper_file f={notes}"
    )
    assert result.returncode == 0, result.stderr
    out = Path(result.stdout.strip())
    assert out.name == "upper_notes.txt"
    assert out.read_text(encoding="utf-8") == "SOME NOTES\nÀ SECOND LINE\n"


def test_tilde_path(run_shell, demo_url: str, shell_env: dict[str, str], tmp_path: Path) -> None:
    (Path(shell_env["HOME"]) / "t.txt").write_text("tilde", encoding="utf-8")
    result = run_shell(
        "--download-dir", str(tmp_path / "dl"), "-c", f"connect {demo_url}; upper_file ~/t.txt"
    )
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()).read_text(encoding="utf-8") == "TILDE"


def test_list_of_files_in_by_glob_and_out(run_shell, media_url: str, tmp_path: Path) -> None:
    for name, text in (("b.txt", "second"), ("a.txt", "first"), ("c.md", "other")):
        (tmp_path / name).write_text(text, encoding="utf-8")
    script = f'connect {media_url}; concat files="{tmp_path}/*.txt"; split_lines "one\ntwo"'
    result = run_shell("--download-dir", str(tmp_path / "dl"), "-c", script)
    assert result.returncode == 0, result.stderr
    out = lines(result.stdout)
    assert out[:2] == ["first", "second"]  # the glob's matches, sorted
    files = [Path(p) for p in out[2:]]
    assert [f.read_text(encoding="utf-8") for f in files] == ["one", "two"]
    assert all(f.parent == tmp_path / "dl" for f in files)


def test_gallery_files_are_all_downloaded(run_shell, media_url: str, tmp_path: Path) -> None:
    result = run_shell(
        "--download-dir", str(tmp_path / "dl"), "-c", f"connect {media_url}; tiles 3"
    )
    assert result.returncode == 0, result.stderr
    paths = [Path(p) for p in lines(result.stdout)]
    assert len(paths) == 3 and len(set(paths)) == 3  # same names, never overwritten
    sizes = []
    for path in paths:
        with Image.open(path) as image:
            sizes.append(image.size)
    assert sizes == [(16, 8), (17, 8), (18, 8)]


def test_json_output_has_local_paths_and_no_download_keeps_urls(
    run_shell, media_url: str, tmp_path: Path
) -> None:
    downloads = tmp_path / "dl"
    kept = run_shell(
        "--json", "--download-dir", str(downloads), "-c", f"connect {media_url}; tiles 1"
    )
    assert kept.returncode == 0, kept.stderr
    item = json.loads(kept.stdout.splitlines()[-1])["data"][0][0]
    assert Path(item["image"]["local_path"]).parent == downloads
    assert item["image"]["origin"] == media_url

    remote = run_shell(
        "--json", "--no-download", "--download-dir", str(tmp_path / "none"), "-c",
        f"connect {media_url}; tiles 1",
    )  # fmt: skip
    assert remote.returncode == 0, remote.stderr
    image = json.loads(remote.stdout.splitlines()[-1])["data"][0][0]["image"]
    assert "local_path" not in image and "origin" not in image
    assert image["url"].startswith(media_url + "/gradio_api/file=")
    assert not (tmp_path / "none").exists()


def test_chained_call_on_the_same_app_sends_the_server_path(
    run_shell, media_url: str, tmp_path: Path
) -> None:
    before = upload_count(media_url)
    script = f'connect {media_url}; split_lines "x\ny\nz"; concat files=$_'
    result = run_shell("--download-dir", str(tmp_path / "dl"), "-c", script)
    assert result.returncode == 0, result.stderr
    assert lines(result.stdout)[-3:] == ["x", "y", "z"]
    assert upload_count(media_url) == before  # passed by server path, nothing re-uploaded


def test_chained_call_on_the_demo_passes_dollar_underscore(
    run_shell, demo_url: str, tmp_path: Path
) -> None:
    notes = tmp_path / "n.txt"
    notes.write_text("abc", encoding="utf-8")
    script = f"connect {demo_url}; upper_file f={notes}; upper_file f=$_[0]"
    result = run_shell("--download-dir", str(tmp_path / "dl"), "-c", script)
    assert result.returncode == 0, result.stderr
    second = Path(lines(result.stdout)[-1])
    assert second.name == "upper_upper_n.txt" and second.read_text(encoding="utf-8") == "ABC"


def test_chaining_across_two_sessions_uploads_the_download(
    run_shell, demo_url: str, media_url: str, tmp_path: Path
) -> None:
    before = upload_count(media_url)
    script = (
        f"connect {demo_url} as gen; connect {media_url} as media; "
        "@gen generateimage prompt=bike width=64 height=48; "
        "@media image_size image=$_[0]; @media image_size image=$r1[0]"
    )
    result = run_shell("--download-dir", str(tmp_path / "dl"), "-c", script)
    assert result.returncode == 0, result.stderr
    assert lines(result.stdout)[-2:] == ["64x48", "64x48"]
    assert upload_count(media_url) == before + 1  # uploaded once, then reused


@pytest.mark.parametrize(
    "name",
    ["../../.bashrc", "/etc/passwd", "..", ".", "a/../../b", "..\\..\\evil.txt", "\x1b[31mred"],
)
def test_a_crafted_name_never_leaves_the_download_dir(
    run_shell, media_url: str, tmp_path: Path, name: str
) -> None:
    base = tmp_path / "a" / "b"
    downloads = base / "dl"
    result = run_shell(
        "--download-dir", str(downloads), "-c", f"connect {media_url}; climb {quote(name)}"
    )
    assert result.returncode == 0, result.stderr
    saved = Path(result.stdout.strip())
    assert saved.parent == downloads
    assert saved.read_text(encoding="utf-8") == "payload"
    assert not saved.name.startswith(".")
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == [saved.name]


def test_downloads_never_overwrite_nor_follow_symlinks(
    run_shell, media_url: str, tmp_path: Path
) -> None:
    downloads = tmp_path / "dl"
    downloads.mkdir()
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me", encoding="utf-8")
    (downloads / "x.txt").symlink_to(outside)
    (downloads / "x-1.txt").write_text("older", encoding="utf-8")
    result = run_shell("--download-dir", str(downloads), "-c", f"connect {media_url}; climb x.txt")
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()) == downloads / "x-2.txt"
    assert outside.read_text(encoding="utf-8") == "keep me"
    assert (downloads / "x-1.txt").read_text(encoding="utf-8") == "older"
    assert (downloads / "x-2.txt").read_text(encoding="utf-8") == "payload"
    assert not [p for p in downloads.iterdir() if p.name.endswith(".part")]


def test_missing_or_unusable_input_fails_before_sending(
    run_shell, media_url: str, tmp_path: Path
) -> None:
    good = tmp_path / "good.txt"
    good.write_text("ok", encoding="utf-8")
    os.mkfifo(tmp_path / "pipe")
    before = upload_count(media_url)
    cases = {
        f"concat files={tmp_path}/pipe": "pipe: not a regular file",
        f'concat files=["{good}", "{tmp_path}/missing.txt"]': "missing.txt: no such file",
        f"concat files={tmp_path}": "is a directory",
        f"concat files={tmp_path}/*.none": "no file matches",
        f"image_size {tmp_path}/nope.png": "nope.png: no such file",
    }
    for line, message in cases.items():
        result = run_shell("-c", f"connect {media_url}; {line}")
        assert result.returncode != 0
        errors = lines(result.stderr)
        assert message in errors[-1] and errors[-1].startswith("error: ")
        assert "Traceback" not in result.stderr
    assert upload_count(media_url) == before


def test_unreadable_input(run_shell, media_url: str, tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root can read any file")
    secret = tmp_path / "secret.txt"
    secret.write_text("x", encoding="utf-8")
    secret.chmod(0)
    result = run_shell("-c", f"connect {media_url}; concat {secret}")
    assert result.returncode != 0 and "permission denied" in result.stderr


def test_file_above_max_file_size_is_refused_before_upload(
    run_shell, media_url: str, tmp_path: Path
) -> None:
    big = tmp_path / "big.txt"
    big.write_text("x" * 20_000, encoding="utf-8")
    before = upload_count(media_url)
    result = run_shell("-c", f"connect {media_url}; concat {big}; ")
    assert result.returncode != 0
    assert "above the app's limit of 10.0 KB" in result.stderr
    upload = run_shell("-c", f"connect {media_url}; upload {big}")
    assert upload.returncode != 0 and "above the app's limit" in upload.stderr
    assert upload_count(media_url) == before


def test_upload_command_dedupes_and_feeds_a_call(run_shell, media_url: str, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("uploaded once", encoding="utf-8")
    before = upload_count(media_url)
    script = f"connect {media_url}; upload {notes}; upload {notes}; concat files=$_; results"
    result = run_shell("--download-dir", str(tmp_path / "dl"), "-c", script)
    assert result.returncode == 0, result.stderr
    out = result.stdout.splitlines()
    first, second = json.loads(out[0]), json.loads(out[1])
    assert first["path"] == second["path"] and first["orig_name"] == "notes.txt"
    assert first["meta"] == {"_type": "gradio.FileData"} and first["size"] == 13
    assert out[2] == "uploaded once"
    assert upload_count(media_url) == before + 1
    table = "\n".join(out[3:])
    for expected in ("$r1", "upload", "$r3", "concat", "ok", "uploaded once"):
        assert expected in table


def test_safe_name() -> None:
    assert safe_name("../../.bashrc") == "bashrc"
    assert safe_name("/etc/passwd") == "passwd"
    assert safe_name("..") == "file"
    assert safe_name("") == "file"
    assert safe_name("C:\\x\\..\\y.png") == "y.png"
    assert safe_name("a\x00b\nc") == "a_b_c"
    long = safe_name("x" * 400 + ".png")
    assert long.endswith(".png") and len(long.encode()) <= 180


def test_preview_and_upload_progress_in_a_terminal(
    spawn_shell, demo_url: str, tmp_path: Path
) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"y" * (3 * 1024 * 1024))
    child = spawn_shell(
        "--download-dir",
        str(tmp_path / "dl"),
        demo_url,
        env={"NO_COLOR": "", "COLORTERM": "truecolor"},
    )
    child.expect_exact("app1>")
    child.sendline("generateimage prompt=preview width=40 height=20")
    child.expect_exact(str(tmp_path / "dl" / "image.webp"))
    # Half-block cells coloured in true colour: the image itself, in the panel.
    child.expect("\x1b\\[[0-9;]*38;2;[0-9;]+m[^\n]*▀")
    child.expect_exact("app1>")
    child.sendline(f"upload {big}")
    child.expect_exact("uploading")
    child.expect_exact('"orig_name": "big.txt"')
    child.expect_exact("app1>")
    child.sendline("exit")
    child.expect(pexpect.EOF)


def test_no_preview_when_turned_off_by_no_color(spawn_shell, demo_url: str, tmp_path: Path) -> None:
    child = spawn_shell("--download-dir", str(tmp_path / "dl"), demo_url)
    child.expect_exact("app1>")
    child.sendline("generateimage prompt=plain width=40 height=20")
    child.expect_exact("image.webp")
    child.expect_exact("app1>")
    assert "▀" not in (child.before or "")
    child.sendline("exit")
    child.expect(pexpect.EOF)


def test_a_download_that_cannot_be_saved_is_one_line_and_keeps_the_result(
    run_shell, media_url: str, tmp_path: Path
) -> None:
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("", encoding="utf-8")
    result = run_shell(
        "--download-dir", str(not_a_dir), "-c", f"connect {media_url}; split_lines a"
    )
    assert result.returncode == 1
    assert lines(result.stderr)[-1].startswith(f"error: cannot save line0.txt in {not_a_dir}")
    assert "Traceback" not in result.stderr
    assert result.stdout.strip().startswith(media_url + "/gradio_api/file=")  # still shown


def test_a_glob_for_a_single_file_parameter(run_shell, demo_url: str, tmp_path: Path) -> None:
    (tmp_path / "only.txt").write_text("one", encoding="utf-8")
    ok = run_shell(
        "--download-dir",
        str(tmp_path / "dl"),
        "-c",
        f"connect {demo_url}; upper_file {tmp_path}/*.txt",
    )
    assert ok.returncode == 0, ok.stderr
    assert Path(ok.stdout.strip()).read_text(encoding="utf-8") == "ONE"
    (tmp_path / "two.txt").write_text("two", encoding="utf-8")
    two = run_shell("-c", f"connect {demo_url}; upper_file {tmp_path}/*.txt")
    assert two.returncode != 0 and "matches 2 files; this parameter takes one" in two.stderr


def test_a_filedata_written_as_json_is_sent_as_it_is(
    run_shell, media_url: str, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("by server path", encoding="utf-8")
    uploaded = run_shell("-c", f"connect {media_url}; upload {notes}")
    assert uploaded.returncode == 0, uploaded.stderr
    data = uploaded.stdout.strip()
    before = upload_count(media_url)
    for line in (f"concat files={quote(data)}", f"concat files=[{data}]"):
        result = run_shell("-c", f"connect {media_url}; {line}")
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "by server path"
    assert upload_count(media_url) == before


def test_help_shows_a_file_example_as_a_url(run_shell, demo_url: str) -> None:
    result = run_shell("-c", f"connect {demo_url}; help upper_file", env={"COLUMNS": "250"})
    assert result.returncode == 0, result.stderr
    assert "upper_file f=https://" in result.stdout


def test_config_turns_previews_and_downloads_off(
    spawn_shell, run_shell, demo_url: str, tmp_path: Path
) -> None:
    downloads = tmp_path / "dl"
    settings = tmp_path / "config.toml"
    settings.write_text(
        f'[ui]\npreview_images = false\n[files]\ndownload_dir = "{downloads}"\n', encoding="utf-8"
    )
    child = spawn_shell("--config", str(settings), demo_url, env={"NO_COLOR": ""})
    child.expect_exact("app1>")
    child.sendline("generateimage prompt=plain width=40 height=20")
    child.expect_exact(str(downloads / "image.webp"))
    child.expect_exact("app1>")
    assert "▀" not in (child.before or "")
    child.sendline("exit")
    child.expect(pexpect.EOF)

    settings.write_text("[files]\ndownload = false\n", encoding="utf-8")
    result = run_shell("--config", str(settings), "-c", f"connect {demo_url}; generateimage x")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith(demo_url + "/gradio_api/file=")
