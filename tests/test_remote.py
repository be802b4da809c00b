"""``generate --out s3://...`` and any fsspec URL: the bytes of a local run, shards PUT whole, resume,
the lock, ``--overwrite``, one-line errors, and reading back; against a real S3 protocol server
(moto in server mode on 127.0.0.1, through s3fs) and fsspec's ``memory://``.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from symbolset import layout, remote
from symbolset.build import generate
from symbolset.cli import main
from symbolset.config import load_config
from symbolset.errors import SymbolSetError
from symbolset.validate import validate_dataset

pytest.importorskip("s3fs")
moto_server = pytest.importorskip("moto.server")
from test_engines import ray_cluster  # noqa: E402, F401  (a real two-node local Ray cluster on 127.0.0.1)

ARGS = ["tiny", "--families", "text_typing,seven_segment", "--num", "8", "--size", "64", "--frames", "6", "--shard-size", "2", "--quiet"]
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
               "AWS_EC2_METADATA_DISABLED": "true", "AWS_SHARED_CREDENTIALS_FILE": os.devnull, "AWS_CONFIG_FILE": os.devnull}  # fmt: skip


def _cfg():
    return load_config("tiny", families=("text_typing", "seven_segment"), num=8, width=64, height=64, num_frames=6, shard_size=2)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ref") / "ds"
    generate(_cfg(), out, progress=False)
    return out


def _local_files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.startswith(".symbolset.lock")
    }


def _store_files(url: str) -> dict[str, bytes]:
    store = remote.Store(url)
    return {f: store.read_bytes(f) for f in sorted(store.files())}


@pytest.fixture(scope="module")
def s3():
    """A moto S3 server on 127.0.0.1 and the environment that points s3fs / botocore at it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    env = {**CREDENTIALS, "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        import s3fs

        s3fs.S3FileSystem.clear_instance_cache()
        s3fs.S3FileSystem().mkdir("symbolset-test")
        yield env
    finally:
        server.stop()
        for k, v in saved.items():
            os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)


@pytest.fixture
def url(s3) -> str:
    return f"s3://symbolset-test/{uuid.uuid4().hex[:8]}/ds"


def _cli(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "symbolset.cli", "generate", *args], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=600)  # fmt: skip


# ------------------------------------------------------------------------------------ memory://


def test_memory_url_output_equals_local_folder(reference):
    url = f"memory://symbolset/{uuid.uuid4().hex[:8]}"
    manifest = generate(_cfg(), url, progress=False)
    assert _store_files(url) == {**_local_files(reference)}  # shards, manifest, card, thumbnails, marker; no lock, state or digests
    assert manifest == layout.load_manifest(reference)
    # A second run finds it complete; reading back works on the URL.
    assert generate(_cfg(), url, progress=False) == manifest
    assert [r["id"] for r in layout.iter_rows(url)] == [r["id"] for r in layout.iter_rows(reference)]
    layout.verify_files(url, manifest["shards"])
    assert validate_dataset(url) == []
    store = remote.Store(url)
    first = manifest["shards"][0]["file"]
    store.write_bytes(first, store.read_bytes(first)[:-1] + b"!")
    assert validate_dataset(url, decode=False) == [f"{url}/{first}: sha256 mismatch (file changed or damaged)"]


def test_memory_url_resumes_and_redoes_a_damaged_shard(reference):
    url = f"memory://symbolset/{uuid.uuid4().hex[:8]}"
    generate(_cfg(), url, progress=False)
    store = remote.Store(url)
    first = layout.load_manifest(url)["shards"][0]["file"]
    store.write_bytes(first, store.read_bytes(first)[:-100])  # truncated: its footer is gone
    store.write_bytes(
        ".symbolset-build.json",
        json.dumps({"config": _cfg().to_dict(), "generator_version": layout.load_manifest(url)["generator_version"]}).encode(),
    )
    store.remove(["manifest.json"])
    generate(_cfg(), url, progress=False)
    assert _store_files(url) == _local_files(reference)


def test_lock_is_a_conditional_create_and_a_live_lock_refuses_a_second_run(tmp_path, capsys):
    url = f"memory://symbolset/{uuid.uuid4().hex[:8]}"
    other = remote.Store(url + "-other")
    assert other.create("x", b"1") and not other.create("x", b"2") and other.read_bytes("x") == b"1"
    store = remote.Store(url)
    with remote.Lease(store, ".symbolset.lock", "test").acquire():  # held by this (live) process
        assert main(["generate", *ARGS, "--out", url]) == 1
        err = capsys.readouterr().err.strip()
        assert err.startswith(f"error: {url}: another symbolset run (host {socket.gethostname()}, pid {os.getpid()}") and "\n" not in err
        assert sorted(store.files()) == [".symbolset.lock"]  # nothing written
    assert store.files() == {}  # released: the lock object is gone


def test_stale_lock_of_a_dead_process_is_taken_over(reference):
    url = f"memory://symbolset/{uuid.uuid4().hex[:8]}"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True).stdout.strip()
    body = {"host": socket.gethostname(), "pid": int(dead), "token": "x", "renewed": time.time(), "what": "generate"}
    remote.Store(url).write_bytes(".symbolset.lock", json.dumps(body).encode())
    generate(_cfg(), url, progress=False)
    assert _store_files(url) == _local_files(reference)


def test_overwrite_rules(capsys):
    url = f"memory://symbolset/{uuid.uuid4().hex[:8]}"
    store = remote.Store(url)
    store.write_bytes("notes.txt", b"mine")
    assert main(["generate", *ARGS, "--out", url]) == 1
    assert "already exists and is not empty (not made by a SymbolSet command" in capsys.readouterr().err
    assert main(["generate", *ARGS, "--out", url, "--overwrite"]) == 1
    assert "refusing to delete it" in capsys.readouterr().err
    assert sorted(store.files()) == ["notes.txt"]  # nothing deleted, nothing written
    store.remove(["notes.txt"])
    assert main(["generate", *ARGS, "--out", url]) == 0
    assert main(["generate", *ARGS, "--num", "4", "--out", url]) == 1
    assert "already holds a dataset of another config; pass --overwrite" in capsys.readouterr().err
    store.write_bytes("data/stranger.txt", b"x")
    assert main(["generate", *ARGS, "--num", "4", "--out", url, "--overwrite"]) == 1
    assert "holds data/stranger.txt, which `symbolset generate` did not write" in capsys.readouterr().err
    store.remove(["data/stranger.txt"])
    assert main(["generate", *ARGS, "--num", "4", "--out", url, "--overwrite"]) == 0
    assert layout.load_manifest(url)["config"]["num"] == 4
    assert sum(1 for f in store.files() if f.startswith("data/")) == 2  # the 8-clip run's other shards are gone


def test_bad_urls_are_one_line(capsys):
    for out, expected in [
        (
            "nosuchproto://bucket/ds",
            "error: nosuchproto://bucket/ds: not a usable fsspec URL (ValueError: Protocol not known: nosuchproto)",
        ),
        ("s3:///ds", "error: s3:///ds: no bucket in the URL (expected s3://BUCKET/PREFIX)"),
    ]:
        assert main(["generate", *ARGS, "--out", out]) == 1
        assert capsys.readouterr().err.strip() == expected
    assert main(["publish", "s3://bucket/ds", "--repo", "a/b"]) == 1
    assert (
        capsys.readouterr().err.strip()
        == "error: s3://bucket/ds: publish uploads a local folder; copy the dataset here first (e.g. aws s3 sync)"
    )
    try:
        import gcsfs  # noqa: F401
    except ImportError:  # the backend of gs:// is missing: named in one line
        assert main(["generate", *ARGS, "--out", "gs://bucket/ds"]) == 1
        err = capsys.readouterr().err.strip()
        assert err.startswith("error: gs://bucket/ds: this URL needs a file system package that is not installed (") and "gcsfs" in err


# ------------------------------------------------------------------------------------ S3 (moto server)


def test_s3_cli_output_equals_local_folder_and_reads_back(url, s3, reference):
    proc = _cli([*ARGS, "--workers", "2", "--out", url], s3)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"{url}: 8 clips {{'train': 4, 'validation': 2, 'test': 2}} in 4 shard(s)"
    assert _store_files(url) == _local_files(reference)
    from symbolset.torch import SymbolVideoDataset

    ds, local = SymbolVideoDataset(url, "train", num_frames=4), SymbolVideoDataset(str(reference), "train", num_frames=4)
    assert len(ds) == len(local) == 4
    assert all((ds[i]["video"] == local[i]["video"]).all() and ds[i]["caption"] == local[i]["caption"] for i in range(len(ds)))


def test_s3_dataset_reads_back_with_datasets_parquet_builder(url, s3, reference, tmp_path):
    import datasets

    assert main(["generate", *ARGS, "--out", url]) == 0
    ds = datasets.load_dataset("parquet", data_files={"train": f"{url}/data/train-*.parquet"}, split="train", cache_dir=str(tmp_path),
                               storage_options={"endpoint_url": s3["AWS_ENDPOINT_URL"]})  # fmt: skip
    assert ds["id"] == [r["id"] for r in layout.iter_rows(reference, "train", columns=["id"])]


def test_s3_conditional_create_is_enforced_by_the_server(url):
    store = remote.Store(url)
    assert store.create("lock", b"a")
    assert not store.create("lock", b"b")  # 412 Precondition Failed from the server (If-None-Match: *)
    assert store.read_bytes("lock") == b"a"


def test_s3_killed_run_leaves_only_whole_shards_and_resumes(url, s3, reference):
    proc = _cli([*ARGS, "--out", url], {**s3, "SYMBOLSET_TEST_DIE_AFTER_SHARDS": "2"})
    assert proc.returncode == 137
    store = remote.Store(url)
    left = store.files()
    shards = sorted(f for f in left if f.startswith("data/"))
    assert len(shards) == 2 and "manifest.json" not in left and ".symbolset.lock" in left  # a dead run's lock
    assert all(store.parquet_rows(f) == 2 for f in shards)  # never a partial object under a shard's name
    proc = _cli([*ARGS, "--out", url], s3)  # the lock's holder is dead: taken over, then resumed
    assert proc.returncode == 0, proc.stderr
    assert _store_files(url) == _local_files(reference)


def test_s3_unreachable_endpoint_and_missing_credentials_are_one_line(url, s3):
    bucket = url.split("/")[2]
    proc = _cli([*ARGS, "--out", url], {**s3, "AWS_ENDPOINT_URL": "http://127.0.0.1:1"})
    assert proc.returncode == 1 and proc.stderr.count("\n") == 1, proc.stderr
    assert proc.stderr.startswith(f"error: {url}: cannot list (cannot reach the endpoint: ")
    env = {k: v for k, v in os.environ.items() if k not in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
    proc = subprocess.run(
        [sys.executable, "-m", "symbolset.cli", "generate", *ARGS, "--out", url], env=env, capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 1 and proc.stderr.count("\n") == 1, proc.stderr
    assert proc.stderr.startswith(f"error: {url}: cannot list (no credentials found")
    proc = _cli([*ARGS, "--out", f"s3://no-such-bucket-{bucket}/ds"], s3)
    assert proc.returncode == 1 and proc.stderr.count("\n") == 1, proc.stderr
    assert remote.Store(url).files() == {}  # nothing half-written


@pytest.mark.slow
def test_s3_ray_tasks_upload_their_shards(url, s3, reference):
    pytest.importorskip("ray")
    proc = _cli([*ARGS, "--engine", "ray", "--workers", "2", "--out", url], {**s3, "RAY_ADDRESS": ""})
    assert proc.returncode == 0, proc.stderr
    assert _store_files(url) == _local_files(reference)


def test_lease_is_renewed_while_held_and_an_unrenewed_one_is_taken_over(monkeypatch):
    monkeypatch.setattr(remote, "LEASE_S", 0.5)
    store = remote.Store(f"memory://symbolset/{uuid.uuid4().hex[:8]}")
    with remote.Lease(store, "lock", "a").acquire() as lease:
        first = json.loads(store.read_bytes("lock"))["renewed"]
        deadline = time.time() + 120
        while json.loads(store.read_bytes("lock"))["renewed"] == first:  # the renewal thread rewrites it
            assert time.time() < deadline, "the lease was never renewed"
            time.sleep(0.05)
        assert lease.held()
        store.write_bytes("lock", json.dumps({"host": "elsewhere", "pid": 1, "token": "other", "renewed": time.time()}).encode())
        assert not lease.held()  # taken over: this run must not write its manifest
    assert json.loads(store.read_bytes("lock"))["token"] == "other"  # release never deletes another run's lock
    # A lock of another host not renewed for LEASE_S is a dead run's: taken over.
    store.write_bytes("lock", json.dumps({"host": "elsewhere", "pid": 1, "token": "old", "renewed": time.time() - 60}).encode())
    with remote.Lease(store, "lock", "b").acquire() as lease:
        assert lease.held()
    monkeypatch.setattr(remote, "LEASE_S", 300.0)
    store.write_bytes("lock", json.dumps({"host": "elsewhere", "pid": 1, "token": "live", "renewed": time.time()}).encode())
    with pytest.raises(SymbolSetError, match="another symbolset run \\(host elsewhere, pid 1"):
        remote.Lease(store, "lock", "c").acquire()


def test_file_url_goes_through_temporary_names(tmp_path, reference):
    url = f"file://{tmp_path}/ds"
    assert not remote.Store(url).atomic_put  # a file system: written as .NAME.tmp-... and moved into place
    generate(_cfg(), url, progress=False)
    assert _local_files(tmp_path / "ds") == _local_files(reference)


def test_a_failed_upload_is_one_line_releases_the_lock_and_the_rerun_resumes(monkeypatch, capsys, reference):
    url = f"memory://symbolset/{uuid.uuid4().hex[:8]}"
    real, calls = remote.Store.put_file, []

    def flaky(self, local, rel):
        calls.append(rel)
        if len(calls) == 3:
            raise SymbolSetError(f"{self.where(rel)}: cannot upload to (access denied: test)")
        return real(self, local, rel)

    monkeypatch.setattr(remote.Store, "put_file", flaky)
    assert main(["generate", *ARGS, "--out", url]) == 1
    assert capsys.readouterr().err.strip() == f"error: {url}/{calls[2]}: cannot upload to (access denied: test)"
    left = remote.Store(url).files()
    assert ".symbolset.lock" not in left and "manifest.json" not in left and sum(f.startswith("data/") for f in left) == 2
    monkeypatch.setattr(remote.Store, "put_file", real)
    generate(_cfg(), url, progress=False)
    assert _store_files(url) == _local_files(reference)


def test_a_run_that_lost_its_lock_writes_no_manifest(monkeypatch):
    url = f"memory://symbolset/{uuid.uuid4().hex[:8]}"
    monkeypatch.setattr(remote.Lease, "held", lambda self: False)  # as if another run had taken the lock over
    with pytest.raises(SymbolSetError, match="this run lost its lock"):
        generate(_cfg(), url, progress=False)
    assert "manifest.json" not in remote.Store(url).files()


def test_s3_second_run_into_a_prefix_being_written_is_refused(url, s3, tmp_path):
    from symbolset.build import plan

    marker = tmp_path / "stalled"
    first = subprocess.Popen([sys.executable, "-m", "symbolset.cli", "generate", *ARGS, "--out", url],
                             env={**os.environ, **s3, "SYMBOLSET_TEST_FAULT": f"stall:{plan(_cfg())[4]['id']}:{marker}"},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        deadline = time.time() + 300
        while not (marker.exists() and marker.read_text()):  # the first run holds the lock, parked mid-run
            assert first.poll() is None and time.time() < deadline, first.communicate()
            time.sleep(0.05)
        proc = _cli([*ARGS, "--out", url], s3)
        assert proc.returncode == 1 and proc.stderr.count("\n") == 1, proc.stderr
        assert proc.stderr.startswith(f"error: {url}: another symbolset run (host {socket.gethostname()}, pid {first.pid}")
    finally:
        first.kill()
        first.wait()


@pytest.mark.slow
def test_s3_two_node_ray_cluster_output_equals_local_folder(url, s3, ray_cluster, reference):  # noqa: F811 (the fixture)
    """Each task uploads its own shard from whichever node runs it (the nodes got the store's settings at `ray start`)."""
    address, env = ray_cluster
    assert env["AWS_ENDPOINT_URL"] == s3["AWS_ENDPOINT_URL"]  # `s3` came first, so the nodes were started with it
    proc = _cli([*ARGS, "--engine", "ray", "--ray-address", address, "--out", url], env)
    assert proc.returncode == 0, proc.stderr
    assert _store_files(url) == _local_files(reference)
    assert validate_dataset(url) == []
