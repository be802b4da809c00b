"""Encoding uses one scratch folder per process: nothing is left in it, threads and forks do not collide."""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from symbolset import codec


def _clip(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.repeat(rng.integers(0, 255, (6, 1, 32, 3), dtype=np.uint8), 32, axis=1)


def test_one_folder_left_empty():
    first = codec.encode(_clip(0), 8.0)
    folder = codec._scratch_dir()
    assert codec.encode(_clip(0), 8.0) == first and codec._scratch_dir() == folder
    assert os.listdir(folder) == []  # each clip's file is removed once read
    assert np.array_equal(codec.decode(codec.encode(_clip(1), 8.0, "ffv1")), _clip(1))


def test_threads_encode_their_own_clips():
    expected = [codec.encode(_clip(k), 8.0) for k in range(6)]
    with ThreadPoolExecutor(3) as pool:
        assert list(pool.map(lambda k: codec.encode(_clip(k), 8.0), range(6))) == expected


def test_forked_child_uses_its_own_folder():
    parent = codec._scratch_dir()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: encode, report its folder, leave without running atexit handlers
        try:
            codec.encode(_clip(2), 8.0)
            os.write(write, codec._scratch_dir().encode())
        finally:
            os._exit(0)
    os.close(write)
    child = os.read(read, 4096).decode()
    os.waitpid(pid, 0)
    assert child and child != parent and os.path.isdir(parent)
    shutil.rmtree(child, ignore_errors=True)
