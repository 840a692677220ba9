"""The built wheel: every file of the package (data included), one version, a working install."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import gradioshell

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (path,) = out.glob("gradioshell-*.whl")
    return path


def test_wheel_holds_every_file_of_the_package(wheel: Path) -> None:
    tracked = subprocess.run(
        ["git", "ls-files", "gradioshell"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert "gradioshell/demo/app.py" in tracked
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [path for path in tracked if path not in names]
    assert not missing, f"not in the wheel: {missing}"


def test_wheel_metadata(wheel: Path) -> None:
    archive = zipfile.ZipFile(wheel)
    info = f"gradioshell-{gradioshell.__version__}.dist-info"
    assert wheel.name.startswith(f"gradioshell-{gradioshell.__version__}-")
    metadata = archive.read(f"{info}/METADATA").decode()
    assert f"Version: {gradioshell.__version__}\n" in metadata
    assert "License-Expression: MIT" in metadata
    assert "Provides-Extra: demo" in metadata
    assert f"{info}/licenses/LICENSE" in archive.namelist()
    entry_points = archive.read(f"{info}/entry_points.txt").decode()
    assert "gradioshell = gradioshell.main:main" in entry_points


def test_wheel_installs_and_runs(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    subprocess.run(
        [str(venv / "bin/python"), "-m", "pip", "install", "-q", str(wheel)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    version = subprocess.run(
        [str(venv / "bin/gradioshell"), "--version"], capture_output=True, text=True, timeout=60
    )
    assert version.stdout.strip() == f"gradioshell {gradioshell.__version__}"
    # Without the demo extra, --demo says how to get it instead of failing badly.
    demo = subprocess.run(
        [str(venv / "bin/gradioshell"), "--demo", "-c", "sessions"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert demo.returncode == 1
    assert "gradioshell[demo]" in demo.stderr
    assert "Traceback" not in demo.stderr
