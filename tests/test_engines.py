"""Engines: a dead worker is retried (never a hang), Ctrl-C is clean, and Ray output equals local output.

Faults are injected with the ``SYMBOLSET_TEST_FAULT`` hook (symbolset.engines): ``exit`` ends a
worker as the OOM killer would, ``stall`` parks it so the test can SIGKILL its real pid.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from symbolset import layout
from symbolset.build import generate, plan
from symbolset.cli import main
from symbolset.config import load_config
from symbolset.engines import FAULT_ENV
from symbolset.validate import validate_dataset

ARGS = ["tiny", "--families", "text_typing", "--num", "12", "--size", "64", "--frames", "6", "--shard-size", "3", "--quiet"]


def _cfg():
    return load_config("tiny", families=("text_typing",), num=12, width=64, height=64, num_frames=6, shard_size=3)


def _shards(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in layout.shard_paths(root)}


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("ref") / "ds"
    generate(_cfg(), out, workers=1, progress=False)
    return _shards(out)


def _sample(k: int) -> str:
    return plan(_cfg())[k]["id"]


def _wait_for(path: Path, proc: subprocess.Popen | None = None, timeout: float = 180) -> None:
    deadline = time.time() + timeout
    while not (path.exists() and path.read_text()):
        assert proc is None or proc.poll() is None, proc.communicate()
        assert time.time() < deadline, f"{path} never appeared"
        time.sleep(0.05)


def _terminal_sigint() -> None:
    """In the child, SIGINT as a terminal's program gets it: default and unblocked. An ignored or
    blocked SIGINT is inherited across exec, and the test process may have either from an earlier
    in-process test (the full suite's Ctrl-C run hung where the test alone passed)."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _cli(args: list[str], env: dict | None = None, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "symbolset.cli", "generate", *args], env={**os.environ, **(env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=_terminal_sigint, **kw)  # fmt: skip


@pytest.mark.slow  # end to end: a generate run with a killed worker, compared with a reference run
def test_worker_that_exits_is_retried_and_bytes_are_unchanged(tmp_path, monkeypatch, reference):
    monkeypatch.setenv(FAULT_ENV, f"exit:{_sample(5)}:{tmp_path / 'fired'}")
    generate(_cfg(), tmp_path / "ds", workers=2, progress=False)
    assert (tmp_path / "fired").exists()  # the fault did fire: a worker died mid-run
    assert _shards(tmp_path / "ds") == reference
    assert validate_dataset(tmp_path / "ds") == []


def test_worker_that_always_dies_stops_the_run_with_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(FAULT_ENV, f"exit:{_sample(4)}")
    assert main(["generate", *ARGS, "--workers", "2", "--retries", "1", "--out", str(tmp_path / "ds")]) == 1
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "died 2 times" in errors[0], err
    assert f"train-00000-of-00003.parquet: a worker process died 2 times while rendering sample {_sample(4)} " in errors[0]
    assert "Traceback" not in err
    assert not (tmp_path / "ds" / "manifest.json").exists()


@pytest.mark.slow  # end to end: a generate run with a killed worker, compared with a reference run
def test_workers_start_with_the_renderer_imported_and_the_parents_environment_and_folder(tmp_path, monkeypatch):
    # Workers are forked from a fork server that imported the renderer once (a spawned worker imported it
    # per worker, before its first clip); the server outlives one pool, so what it had when it started
    # (environment, folder) must not leak into a later pool's workers.
    from symbolset.engines import local

    with local._pool(2) as pool:
        assert pool.submit(eval, "'symbolset.render' in __import__('sys').modules and 'cv2' in __import__('sys').modules").result()
    monkeypatch.setenv("SYMBOLSET_TEST_ENGINE_ENV", "later")
    monkeypatch.chdir(tmp_path)
    with local._pool(2) as pool:
        assert pool.submit(os.getenv, "SYMBOLSET_TEST_ENGINE_ENV").result() == "later"
        assert pool.submit(os.getcwd).result() == str(tmp_path)
    monkeypatch.delenv("SYMBOLSET_TEST_ENGINE_ENV")
    with local._pool(2) as pool:
        assert pool.submit(os.getenv, "SYMBOLSET_TEST_ENGINE_ENV").result() is None


def test_sigkilled_worker_is_detected_and_retried(tmp_path, reference):
    marker = tmp_path / "stalled"
    proc = _cli([*ARGS, "--workers", "2", "--out", str(tmp_path / "ds")], {FAULT_ENV: f"stall:{_sample(6)}:{marker}"})
    _wait_for(marker, proc)
    os.kill(int(marker.read_text()), signal.SIGKILL)  # what the OOM killer does
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert "a worker process died" in err
    assert _shards(tmp_path / "ds") == reference


@pytest.mark.slow  # end to end: a generate run with a killed worker, compared with a reference run
def test_ctrl_c_prints_one_line_and_no_worker_traceback(tmp_path, reference):
    marker = tmp_path / "stalled"
    args = [*ARGS, "--workers", "2", "--out", str(tmp_path / "ds")]
    proc = _cli(args, {FAULT_ENV: f"stall:{_sample(6)}:{marker}"}, start_new_session=True)
    _wait_for(marker, proc)
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C: to the whole process group
    try:
        _, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, [])
        raise AssertionError(f"no exit 120 s after Ctrl-C; this process: SIGINT {signal.getsignal(signal.SIGINT)}, blocked {sorted(mask)}") from None
    assert proc.returncode == 130, err
    assert err.strip() == "interrupted; run the same command again to resume", err
    assert main(["generate", *args]) == 0  # and it resumes to the same bytes
    assert _shards(tmp_path / "ds") == reference


# --- Ray: a real local cluster (a head and a second node), token auth on with a private token ---


@pytest.fixture(scope="module")
def ray_cluster(tmp_path_factory):
    import secrets

    import ray  # noqa: F401

    tmp = tmp_path_factory.mktemp("ray")
    # Ray's socket paths live under --temp-dir and may not exceed 107 bytes: pytest's basetemp grows with its
    # run counter and xdist worker name, so the cluster gets a short folder of its own.
    ray_tmp = tempfile.mkdtemp(prefix="ss-ray-", dir="/tmp")
    env = {**os.environ, "RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": secrets.token_hex(32)}
    ray_cli = [sys.executable, "-m", "ray.scripts.scripts", "start", "--num-cpus", "1", "--disable-usage-stats", "--block"]
    log = open(tmp / "head.log", "w+")
    head = subprocess.Popen([*ray_cli, "--head", "--port", "0", "--node-ip-address", "127.0.0.1", "--include-dashboard", "false",
                             "--temp-dir", ray_tmp], env=env, stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    nodes = [head]
    try:
        deadline, address = time.time() + 180, None
        while address is None:
            assert head.poll() is None and time.time() < deadline, (tmp / "head.log").read_text()
            time.sleep(0.5)
            found = re.search(r"ray start --address='([^']+)'", (tmp / "head.log").read_text())
            address = found and found.group(1)
        nodes.append(subprocess.Popen([*ray_cli, f"--address={address}"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT))
        yield address, env
    finally:
        for p in reversed(nodes):  # `ray start --block` stops its own processes on SIGTERM
            p.terminate()
        for p in nodes:
            try:
                p.wait(timeout=60)
            except subprocess.TimeoutExpired:
                p.kill()
        log.close()
        shutil.rmtree(ray_tmp, ignore_errors=True)


def _ray(args, env, fault=None):
    return _cli([*ARGS, "--engine", "ray", *args], {**env, **({FAULT_ENV: fault} if fault else {})})


@pytest.mark.slow
def test_ray_cluster_output_equals_local_output(tmp_path, ray_cluster, reference):
    address, env = ray_cluster
    proc = _ray(["--ray-address", address, "--out", str(tmp_path / "ds")], env)
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    assert _shards(tmp_path / "ds") == reference
    assert validate_dataset(tmp_path / "ds") == []


@pytest.mark.slow
def test_ray_killed_worker_is_retried(tmp_path, ray_cluster, reference):
    address, env = ray_cluster
    marker = tmp_path / "stalled"
    proc = _ray(["--ray-address", address, "--out", str(tmp_path / "ds")], env, f"stall:{_sample(6)}:{marker}")
    _wait_for(marker, proc)
    os.kill(int(marker.read_text()), signal.SIGKILL)
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    assert _shards(tmp_path / "ds") == reference


@pytest.mark.slow
def test_ray_killed_driver_resumes(tmp_path, ray_cluster, reference):
    address, env = ray_cluster
    marker, out = tmp_path / "stalled", tmp_path / "ds"
    proc = _ray(["--ray-address", address, "--out", str(out)], env, f"stall:{_sample(10)}:{marker}")
    _wait_for(marker, proc)
    deadline = time.time() + 300
    while not list((out / "data").glob("*.parquet")) and time.time() < deadline:  # the other node finishes a shard
        time.sleep(0.1)
    proc.kill()
    proc.communicate()
    before = len(list((out / "data").glob("*.parquet")))
    assert 1 <= before < len(reference) and not (out / "manifest.json").exists()
    proc = _ray(["--ray-address", address, "--out", str(out)], env)
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    assert _shards(out) == reference
    assert validate_dataset(out) == []


def test_ray_errors_are_one_line(tmp_path, capsys):
    assert main(["generate", *ARGS, "--engine", "ray", "--out", "nosuchproto://bucket/ds"]) == 1  # refused before Ray starts
    assert capsys.readouterr().err.strip() == "error: nosuchproto://bucket/ds: not a usable fsspec URL (ValueError: Protocol not known: nosuchproto)"
