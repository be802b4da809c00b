"""A full or read-only disk ends a command with one line naming the path, and no temporary file is left.

Uses a real tmpfs (mounted here when the tests run as root; skipped with the reason otherwise)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from symbolset.cli import main

# 10 lossless clips of 384x384: about 2.5 MB, so they cannot fit on a 1 MB disk.
BIG = ["generate", "tiny", "--num", "10", "--size", "384", "--frames", "16", "--codec", "ffv1", "--shard-size", "2", "--quiet"]


def _mount(where: Path, options: str) -> Path:
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True, text=True)
    if done.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    return where


@pytest.fixture
def full_disk(tmp_path):
    disk = _mount(tmp_path / "disk", "size=1m")
    yield disk
    subprocess.run(["umount", str(disk)], check=True)


@pytest.fixture
def read_only_disk(tmp_path):
    disk = _mount(tmp_path / "ro", "size=1m,ro")
    yield disk
    subprocess.run(["umount", str(disk)], check=True)


@pytest.fixture(scope="module")
def big_source(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("big") / "ds"
    assert main([*BIG, "--out", str(out)]) == 0
    return out


def one_line(capsys) -> str:
    err = [ln for ln in capsys.readouterr().err.splitlines() if ln.strip()]
    assert len(err) == 1 and err[0].startswith("error: "), err
    return err[0]


def temporaries(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.name.startswith(".") and ".tmp" in p.name]


def test_generate_on_a_full_disk(full_disk, capsys):
    out = full_disk / "ds"
    assert main([*BIG, "--out", str(out)]) == 1
    line = one_line(capsys)
    assert str(out) in line and "No space left on device" in line
    assert not temporaries(full_disk)


@pytest.mark.parametrize("to", ["mp4", "parquet", "webdataset"])
def test_convert_on_a_full_disk(to, big_source, full_disk, capsys):
    out = full_disk / to
    assert main(["convert", str(big_source), str(out), "--to", to, "--quiet"]) == 1
    line = one_line(capsys)
    assert str(out) in line and "No space left on device" in line
    assert not temporaries(full_disk)


def test_read_only_disk(big_source, read_only_disk, capsys):
    assert main([*BIG, "--out", str(read_only_disk / "ds")]) == 1
    assert "Read-only file system" in one_line(capsys)
    assert main(["convert", str(big_source), str(read_only_disk / "wds"), "--to", "webdataset", "--quiet"]) == 1
    assert "Read-only file system" in one_line(capsys)


def test_an_os_error_no_command_foresaw_is_still_one_line(monkeypatch, capsys):
    from symbolset import validate

    def broken(*args, **kwargs):
        raise PermissionError(13, "Permission denied", "/somewhere/data")

    monkeypatch.setattr(validate, "validate_dataset", broken)
    assert main(["validate", "/somewhere"]) == 1
    assert one_line(capsys) == "error: /somewhere/data: Permission denied"

