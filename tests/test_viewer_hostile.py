"""The viewer against hostile or damaged input: reviewer identity bound to the server, no file served
or accepted that the app did not make, damaged records named in the UI while the rest works,
representative thumbnails, disk full during review, and temporary folders of killed viewers."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import gradio  # noqa: F401
import gradio as gr
import gradio_client  # noqa: F401
import numpy as np
import pyarrow.parquet as pq
import pytest
from test_viewer import ANY, ViewerProcess, gallery_ids

from symbolset import codec
from symbolset.viewer.app import build_app
from symbolset.viewer.index import DatasetIndex, _thumbnail
from symbolset.viewer.reviews import ReviewStore, review_sample


def _copy(tiny_dir: Path, tmp_path: Path) -> Path:
    root = tmp_path / "ds"
    shutil.copytree(tiny_dir, root)
    return root


def _ids(root: Path) -> list[tuple[str, str]]:
    return [(r["id"], r["family"]) for p in sorted((root / "data").glob("*.parquet")) for r in pq.read_table(p, columns=["id", "family"]).to_pylist()]


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _upload(port: int, payload: bytes):
    """POST ``payload`` as a multipart file to /gradio_api/upload: the status, or "reset"."""
    boundary = uuid.uuid4().hex
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.bin\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode()  # fmt: skip
    body = head + payload + f"\r\n--{boundary}--\r\n".encode()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.putrequest("POST", "/gradio_api/upload")
        conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
        conn.putheader("Content-Length", str(len(body)))
        conn.endheaders()
        for i in range(0, len(body), 1 << 16):
            conn.send(body[i : i + (1 << 16)])
        return conn.getresponse().status
    except (BrokenPipeError, ConnectionResetError):
        try:
            return conn.getresponse().status
        except (OSError, http.client.HTTPException):
            return "reset"
    finally:
        conn.close()


# ---------------------------------------------------------------------- reviewer identity (issue 20.4)


@pytest.mark.slow  # end to end: a served viewer in a subprocess
def test_reviewer_is_bound_to_the_server_and_only_queued_samples_are_decided(tiny_dir, tmp_path):
    db = tmp_path / "reviews.sqlite"
    queue = review_sample(_ids(tiny_dir))
    outside = next(i for i, _ in _ids(tiny_dir) if i not in queue)
    ann = ViewerProcess(str(tiny_dir), "--review", "--reviewer", "ann", "--reviews", str(db), log=tmp_path / "ann.log")
    bob = ViewerProcess(str(tiny_dir), "--review", "--reviewer", "bob", "--reviews", str(db), log=tmp_path / "bob.log")
    try:
        a, b = ann.client(), bob.client()
        x = a.predict(api_name="/review_resume")[1]
        a.predict(x, api_name="/review_accept")
        # Bob's client claims to be ann: the request has no reviewer, so it cannot decide as ann.
        with pytest.raises(Exception):  # noqa: B017 (gradio_client raises its own error for a wrong argument count)
            b.predict("ann", x, "claimed to be ann", api_name="/review_flag")
        # A sample outside the queue cannot be decided, whoever asks.
        with pytest.raises(Exception, match="not in the review queue"):
            b.predict(outside, "outside the queue", api_name="/review_flag")
        with pytest.raises(Exception, match="not in the review queue"):
            a.predict(outside, api_name="/review_accept")
        b.predict(x, "cut-off glyph", api_name="/review_flag")  # bob's own decision, stored as bob's
    finally:
        ann.stop()
        bob.stop()
    decisions = ReviewStore(db).decisions()
    assert [(d["sample_id"], d["reviewer"], d["action"]) for d in decisions] == [(x, "ann", "accept"), (x, "bob", "flag")]


# ---------------------------------------------------------------------- nothing served or accepted that the app did not make (20.10, 20.16)


@pytest.fixture(scope="module")
def reviewing(tiny_dir, tmp_path_factory):
    """A review server over a copy of tiny/ (database in the dataset folder), with its own Gradio temp folder."""
    tmp = tmp_path_factory.mktemp("reviewing")
    root = _copy(tiny_dir, tmp)
    app = ViewerProcess(str(root), "--review", "--reviewer", "ann", log=tmp / "v.log", env={"GRADIO_TEMP_DIR": str(tmp / "gradio")})
    try:
        app.client().predict(api_name="/review_resume")  # the database is open and written
        yield app, root, tmp / "gradio"
    finally:
        app.stop()


@pytest.mark.slow  # end to end: a served viewer in a subprocess
def test_review_database_is_not_downloadable(reviewing):
    app, root, _ = reviewing
    db = root / "reviews.sqlite"
    assert db.is_file()
    for path in (db, root / "data" / next(p.name for p in (root / "data").iterdir())):
        assert _get(f"{app.url}gradio_api/file={path}") in (403, 404), path


@pytest.mark.slow  # end to end: a served viewer in a subprocess
def test_uploads_are_refused(reviewing):
    """5 MB posted to the upload route: refused (413, or the connection cut once the cap is passed),
    nothing that size lands on disk, and the app goes on serving."""
    app, _, gradio_tmp = reviewing
    assert _upload(app.port, os.urandom(5 << 20)) in (413, "reset")
    landed = [p for p in gradio_tmp.rglob("*") if p.is_file() and p.stat().st_size >= 1 << 20] if gradio_tmp.exists() else []
    assert landed == []
    assert _get(app.url) == 200


# ---------------------------------------------------------------------- damaged records (20.7)


def _with_bad_video(tiny_dir: Path, tmp_path: Path, sample_id: str | None = None) -> tuple[Path, str]:
    """A copy of tiny/ where one record's video bytes do not decode (default: the first record,
    which is on the first gallery page and opened at page load)."""
    root = _copy(tiny_dir, tmp_path)
    for path in sorted((root / "data").glob("*.parquet"), key=lambda p: not p.name.startswith("train")):
        table = pq.read_table(path)
        rows = table.to_pylist()
        k = next((i for i, r in enumerate(rows) if sample_id in (None, r["id"])), None)
        if k is not None:
            rows[k]["video"]["bytes"] = b"\x00\x00\x00\x18ftypisom but not a video"
            pq.write_table(type(table).from_pylist(rows, schema=table.schema), path)
            return root, rows[k]["id"]
    raise AssertionError(sample_id)


def _with_damaged_page(tiny_dir: Path, tmp_path: Path) -> tuple[Path, str, str]:
    """A copy whose test shard has one row group per record, the video page of record 1 overwritten."""
    root = _copy(tiny_dir, tmp_path)
    path = sorted((root / "data").glob("test-*.parquet"))[0]
    table = pq.read_table(path)
    pq.write_table(table, path, row_group_size=1)
    meta = pq.ParquetFile(path).metadata
    col = next(j for j in range(meta.num_columns) if meta.schema.column(j).path == "video.bytes")
    chunk = meta.row_group(1).column(col)
    data = bytearray(path.read_bytes())
    data[chunk.data_page_offset : chunk.data_page_offset + 24] = b"\xff" * 24  # the page header
    path.write_bytes(bytes(data))
    ids = table.column("id").to_pylist()
    return root, ids[1], ids[2]


@pytest.mark.slow  # end to end: a served viewer in a subprocess
def test_undecodable_video_is_named_and_the_page_still_works(tiny_dir, tmp_path):
    root, bad = _with_bad_video(tiny_dir, tmp_path)
    app = ViewerProcess(str(root), log=tmp_path / "v.log")
    try:
        client = app.client()
        gallery, info = client.predict(ANY, ANY, ANY, ANY, "", 1, api_name="/query")
        ids = gallery_ids(gallery)
        assert bad in ids and len(ids) == 24 and all(Path(item["image"]).is_file() for item in gallery)
        caption = gallery[ids.index(bad)]["caption"]
        assert f"record {bad}: cannot decode video" in caption
        with pytest.raises(Exception, match=f"record {bad}: cannot decode video"):
            client.predict(bad, [], api_name="/open_sample")
        good = next(i for i in ids if i != bad)
        assert client.predict(good, [], api_name="/open_sample")[0] == good
    finally:
        app.stop()


@pytest.mark.slow  # end to end: a served viewer in a subprocess
def test_damaged_parquet_page_is_named_and_the_rest_works(tiny_dir, tmp_path):
    root, bad, good = _with_damaged_page(tiny_dir, tmp_path)
    app = ViewerProcess(str(root), log=tmp_path / "v.log")
    try:
        client = app.client()
        with pytest.raises(Exception, match=f"record {bad}: unreadable in test-"):
            client.predict(bad, [], api_name="/open_sample")
        assert client.predict(good, [], api_name="/open_sample")[0] == good
        gallery, _ = client.predict("test", ANY, ANY, ANY, "", 1, api_name="/query")
        ids = gallery_ids(gallery)
        assert f"record {bad}: unreadable" in gallery[ids.index(bad)]["caption"] and len(ids) == 10
    finally:
        app.stop()


@pytest.mark.slow  # end to end: a served viewer in a subprocess
def test_a_damaged_queued_sample_can_be_flagged_in_review(tiny_dir, tmp_path):
    queue = review_sample(_ids(tiny_dir))
    root, bad = _with_bad_video(tiny_dir, tmp_path, queue[0])
    db = tmp_path / "reviews.sqlite"
    app = ViewerProcess(str(root), "--review", "--reviewer", "ann", "--reviews", str(db), log=tmp_path / "v.log")
    try:
        client = app.client()
        shown = client.predict(api_name="/review_resume")
        assert shown[1] == bad and f"record {bad}: cannot decode video" in shown[-1]
        with pytest.raises(Exception, match=f"record {bad}: cannot decode video"):
            client.predict(bad, api_name="/review_accept")  # accepting needs a sample that can be seen
        after = client.predict(bad, "the video does not decode", api_name="/review_flag")
        assert after[1] == queue[1] and "1 of" in after[0]
    finally:
        app.stop()
    assert [(d["sample_id"], d["action"]) for d in ReviewStore(db).decisions()] == [(bad, "flag")]


# ---------------------------------------------------------------------- representative thumbnails (12.11)


def _ink(frame: np.ndarray) -> int:
    bg = np.median(frame.reshape(-1, 3), axis=0).astype(np.int16)
    return int((np.abs(frame.astype(np.int16) - bg).max(axis=-1) > 48).sum())


def test_thumbnails_show_the_fullest_frame(tiny_dir):
    index = DatasetIndex(tiny_dir)
    families = index.table.column("family").to_pylist()
    checked = set()
    for pos, family in enumerate(families):
        frames = codec.decode(index.record(pos)["video"]["bytes"])
        inks = [_ink(f) for f in frames]
        thumb = np.asarray(index.thumbnails([pos])[0])
        k = int(np.argmax(inks))
        assert np.array_equal(thumb, np.asarray(_thumbnail(frames[k], 192))), (family, pos)
        if family in ("text_typing", "formula", "chart", "plot"):  # their first frame is empty or partly drawn
            assert inks[k] > inks[0], (family, inks)
            checked.add(family)
    assert checked == {"text_typing", "formula", "chart", "plot"}


# ---------------------------------------------------------------------- header names what the user passed (12.13)


@pytest.mark.slow  # end to end: a served viewer in a subprocess
def test_converted_source_header_shows_the_given_folder(tiny_dir, tmp_path):
    from symbolset.converters import convert
    wds = tmp_path / "wds"
    convert.convert(tiny_dir, wds, "webdataset", progress=False)
    app = ViewerProcess(str(wds), log=tmp_path / "v.log", env={"TMPDIR": str(tmp_path)})
    try:
        with urllib.request.urlopen(f"{app.url}config", timeout=30) as r:
            config = json.loads(r.read())
        texts = [c.get("props", {}).get("value") for c in config["components"]]
        header = next(t for t in texts if isinstance(t, str) and t.startswith("# SymbolSet viewer"))
        assert f"`{wds}`" in header and "symbolset-view-" not in header
    finally:
        app.stop()


# ---------------------------------------------------------------------- disk full during review (20.15)


def test_disk_full_says_decision_not_saved(tiny_dir, tmp_path, monkeypatch):
    db = tmp_path / "reviews.sqlite"
    viewer = build_app(tiny_dir, review=True, reviewer="ann", reviews_path=db)
    x = viewer.review_resume()[1]
    connect = viewer.store._connect

    def full_disk():  # SQLite's own "database or disk is full": no page may be added
        conn = connect()
        conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")
        return conn

    monkeypatch.setattr(viewer.store, "_connect", full_disk)
    with pytest.raises(gr.Error) as err:
        viewer.review_flag(x, "a long reason " * 2000)
    assert "decision not saved" in str(err.value.message) and x in str(err.value.message) and "disk is full" in str(err.value.message)
    monkeypatch.undo()
    assert ReviewStore(db).decisions() == []


# ---------------------------------------------------------------------- killed viewers' folders (20.17)


@pytest.mark.slow  # end to end: a served viewer in a subprocess
def test_folders_of_a_killed_viewer_are_reclaimed_at_next_start(tiny_dir, tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {"TMPDIR": str(tmp)}
    first = ViewerProcess(str(tiny_dir), log=tmp_path / "1.log", env=env)
    mine = list(tmp.glob("symbolset-viewer-*"))
    assert len(mine) == 1
    os.kill(first.proc.pid, signal.SIGKILL)
    first.proc.wait()
    first.stop()
    assert mine[0].is_dir()  # a SIGKILLed process cannot clean up
    alive = tmp / f"symbolset-viewer-{os.getpid()}-keep"  # a folder of a running process is kept
    alive.mkdir()
    second = ViewerProcess(str(tiny_dir), log=tmp_path / "2.log", env=env)
    try:
        assert not mine[0].exists()
        assert alive.is_dir()
        assert len(list(tmp.glob(f"symbolset-viewer-{second.proc.pid}-*"))) == 1
    finally:
        second.stop()
    assert not list(tmp.glob(f"symbolset-viewer-{second.proc.pid}-*"))  # a stopped viewer removes its own
