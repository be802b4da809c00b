"""The memory settings of generation processes (symbolset.memory: the C allocator's, Python's
collector's): applied where the project owns the process (the CLI's generate, the local engine's
workers), the allocator's left to a user who tuned malloc, and without effect on a single byte."""

from __future__ import annotations

import ctypes
import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest

from symbolset import layout, memory


def _has_mallinfo2() -> bool:
    try:
        return hasattr(ctypes.CDLL(None), "mallinfo2")
    except (OSError, TypeError):  # no C library to load by name (Windows)
        return False


pytestmark = pytest.mark.skipif(not _has_mallinfo2(), reason="glibc >= 2.33 only (mallopt, mallinfo2)")

# Frees an 8 MiB block and prints what malloc keeps at the heap's top for reuse (mallinfo2's keepcost):
# with glibc's defaults the block is mapped and unmapped (little kept); tuned, it comes from the heap and stays.
_PROBE = """
import sys
from symbolset import memory
from tests.test_memory import kept_after_free
print(memory.tune_allocator() if sys.argv[1] == "tune" else None, kept_after_free())
"""


def kept_after_free() -> int:
    """Bytes malloc keeps for reuse after an 8 MiB block is freed (this process's allocator)."""

    class MallInfo2(ctypes.Structure):
        _fields_ = [(n, ctypes.c_size_t) for n in "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost".split()]

    libc = ctypes.CDLL(None)
    libc.mallinfo2.restype = MallInfo2
    libc.malloc.restype, libc.malloc.argtypes, libc.free.argtypes = ctypes.c_void_p, [ctypes.c_size_t], [ctypes.c_void_p]
    libc.free(libc.malloc(8 << 20))
    return libc.mallinfo2().keepcost


def _probe(mode: str, env: dict | None = None) -> tuple[str, int]:
    root = Path(__file__).resolve().parents[1]
    env = {**{k: v for k, v in os.environ.items() if k != "GLIBC_TUNABLES" and not k.startswith("MALLOC_")}, **(env or {})}
    out = subprocess.run([sys.executable, "-c", _PROBE, mode], cwd=root, env=env, capture_output=True, text=True, check=True).stdout.split()
    return out[0], int(out[1])


def test_tuning_keeps_freed_memory_for_reuse():
    assert _probe("plain") == ("None", pytest.approx(0, abs=1 << 20))
    applied, kept = _probe("tune")
    assert applied == "True" and kept >= 8 << 20


def test_a_user_who_tuned_malloc_keeps_their_settings():
    assert _probe("tune", {"GLIBC_TUNABLES": "glibc.malloc.trim_threshold=131072"})[0] == "False"
    assert _probe("tune", {"MALLOC_TOP_PAD_": "131072"})[0] == "False"


def test_the_cli_tunes_its_process(tmp_path, monkeypatch):
    from symbolset.cli import main

    calls = []
    monkeypatch.setattr(memory, "tune_allocator", lambda: calls.append("allocator") or True)
    monkeypatch.setattr(memory, "tune_collector", lambda: calls.append(("collector", "symbolset.render" in sys.modules)))
    args = ["generate", "tiny", "--families", "clock", "--num", "2", "--size", "64", "--frames", "4", "--out", str(tmp_path / "ds"), "--quiet"]  # fmt: skip
    assert main(args) == 0
    assert calls == ["allocator", ("collector", True)]  # the collector's after the renderer's imports, which it freezes


def test_tuned_collector_freezes_what_exists_and_collects_young_objects_less_often():
    code = "import gc; from symbolset import memory; memory.tune_collector(); print(gc.get_freeze_count(), gc.get_threshold()[0])"
    frozen, threshold = map(int, subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split())
    assert frozen > 1000 and threshold == memory.GC_THRESHOLD


@pytest.mark.slow  # a pool of worker processes
def test_local_engine_workers_are_tuned():
    from symbolset.engines import local

    with local._pool(1) as pool:
        assert pool.submit(kept_after_free).result() >= 8 << 20
        assert pool.submit(gc.get_freeze_count).result() > 1000 and pool.submit(gc.get_threshold).result()[0] == memory.GC_THRESHOLD


@pytest.mark.slow  # two generate processes
def test_tuned_and_untuned_runs_write_the_same_bytes(tmp_path):
    # The CLI tunes both; build.generate called from a script (with malloc tuned by its user) neither.
    env = {k: v for k, v in os.environ.items() if k != "GLIBC_TUNABLES" and not k.startswith("MALLOC_")}
    args = ["generate", "tiny", "--families", "clock,text_typing,chart", "--num", "9", "--size", "96", "--frames", "6", "--quiet", "--out"]
    subprocess.run([sys.executable, "-m", "symbolset.cli", *args, str(tmp_path / "tuned")], env=env, check=True, capture_output=True)
    script = ("import gc; from symbolset.build import generate; from symbolset.config import load_config; "
              "generate(load_config('tiny', families=('clock', 'text_typing', 'chart'), num=9, width=96, height=96, num_frames=6), "
              f"{str(tmp_path / 'untuned')!r}, progress=False); assert gc.get_freeze_count() == 0 and gc.get_threshold()[0] == 700")  # fmt: skip
    untuned_env = {**env, "GLIBC_TUNABLES": "glibc.malloc.trim_threshold=131072"}
    subprocess.run([sys.executable, "-c", script], env=untuned_env, check=True, capture_output=True)
    tuned, untuned = _files(tmp_path / "tuned"), _files(tmp_path / "untuned")
    assert any(name.endswith(".parquet") for name in tuned)
    assert tuned == untuned


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file() and p.name != layout.LOCK_FILE}
