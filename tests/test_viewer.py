"""The viewer: index, review store, and the app driven through gradio_client against a real server.

The app runs as ``symbolset view`` in a subprocess on 127.0.0.1, so "restart the app" is a real
restart: the review decisions must come back from the SQLite file alone.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import gradio
import gradio_client
import pytest

from symbolset.cli import main as cli_main
from symbolset.layout import iter_rows, load_manifest
from symbolset.validate import validate_dataset
from symbolset.viewer.index import DatasetIndex, Filters
from symbolset.viewer.reviews import ReviewStore, resolve, review_sample

ANY = "(any)"


# ---------------------------------------------------------------------- a real server


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ViewerProcess:
    """``symbolset view ARGS`` in a subprocess, stopped by its own pid."""

    def __init__(self, *args: str, log: Path, env: dict | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self._log = open(log, "ab")
        cmd = [sys.executable, "-m", "symbolset.cli", "view", *args, "--port", str(self.port)]
        self.proc = subprocess.Popen(
            cmd, stdout=self._log, stderr=subprocess.STDOUT, env={**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", **(env or {})}
        )
        deadline = time.monotonic() + 120
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"viewer exited with {self.proc.returncode}: {Path(log).read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.url, timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"viewer did not start: {Path(log).read_text()[-2000:]}")
            time.sleep(0.3)

    def client(self):
        return gradio_client.Client(self.url, verbose=False)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


def gallery_ids(gallery) -> list[str]:
    """Sample ids of a gallery value returned by the client (each caption starts with the id)."""
    return [item["caption"].split(" · ")[0] for item in gallery]


# ---------------------------------------------------------------------- index and store


def test_index_filters_search_and_lazy_thumbnails(tiny_dir):
    index = DatasetIndex(tiny_dir)
    rows = list(iter_rows(tiny_dir, columns=["id", "family", "split", "captions"]))
    assert len(index) == len(rows)
    family = rows[0]["family"]
    hits = index.query(Filters(family=family))
    assert {index.row(int(p))["id"] for p in hits} == {r["id"] for r in rows if r["family"] == family}
    assert {index.row(int(p))["split"] for p in index.query(Filters(split="test"))} == {"test"}
    word = rows[-1]["captions"]["zh"]["short"][:4]  # Chinese caption text is searchable too
    assert rows[-1]["id"] in {index.row(int(p))["id"] for p in index.query(Filters(text=word))}
    assert [index.row(int(p))["id"] for p in index.query(Filters(text=rows[1]["id"].upper()))] == [rows[1]["id"]]
    assert len(index.query(Filters(text="no caption says this zzzq"))) == 0
    # Nothing is decoded until shown; a page decodes only its own rows, once.
    assert index.thumbnails_cached == 0
    thumbs = index.thumbnails([0, 1, 2])
    assert index.thumbnails_cached == 3 and all(max(t.size) == 192 for t in thumbs)
    index.thumbnails([1, 2])
    assert index.thumbnails_cached == 3
    assert index.record(rows[2]["id"])["video"]["bytes"][4:8] == b"ftyp"


def test_review_sample_is_seeded_stratified_and_order_free():
    items = [(f"{fam}-{k:04d}", fam) for fam in ("a", "b", "c") for k in range(37 if fam != "c" else 4)]
    picked = review_sample(items, seed=3)
    assert picked == review_sample(list(reversed(items)), seed=3)
    assert picked != review_sample(items, seed=4)
    per_family = {fam: sum(p.startswith(fam) for p in picked) for fam in "abc"}
    assert per_family == {"a": 4, "b": 4, "c": 1}  # ceil(10%), at least one per family
    assert [p[0] for p in picked] != sorted(p[0] for p in picked)  # families interleaved, not blocked


def test_two_reviewers_never_overwrite_each_other(tmp_path):
    path = tmp_path / "r.sqlite"
    ann, bob = ReviewStore(path), ReviewStore(path)  # two processes' worth of connections on one file
    original = {"en": {"short": "s", "detailed": "d", "temporal": "t"}, "zh": {"short": "短", "detailed": "详", "temporal": "时"}}
    edit = json.loads(json.dumps(original))
    edit["en"]["short"] = "better"
    queue = ["x", "y", "z"]
    assert ann.next_sample(queue, "ann") == "x"
    assert bob.next_sample(queue, "bob") == "y"  # x is open for ann
    ann.record("x", "ann", "edit", original=original, captions=edit)
    bob.record("x", "bob", "flag", original=original, reason="cut-off glyph")
    bob.record("y", "bob", "accept", original=original)
    decisions = ReviewStore(path).decisions()
    assert [(d["sample_id"], d["reviewer"], d["action"]) for d in decisions] == [
        ("x", "ann", "edit"),
        ("x", "bob", "flag"),
        ("y", "bob", "accept"),
    ]
    assert decisions[0]["previous"] == {"action": "generated", "captions": original}
    assert decisions[1]["previous"]["action"] == "edit" and decisions[1]["previous"]["captions"] == edit
    assert all(d["time"] > 0 for d in decisions)
    outcome = resolve(decisions)
    assert outcome["x"]["action"] == "flag" and outcome["x"]["conflict"] and outcome["y"]["action"] == "accept"
    assert ann.progress(queue, "ann") == {"done": 2, "total": 3, "mine": 1}
    assert ann.next_sample(queue, "ann") == "z"
    with pytest.raises(Exception, match="reason"):
        ann.record("z", "ann", "flag", original=original, reason=" ")


# ---------------------------------------------------------------------- the app, in process (fast)


def test_app_handlers_browse_open_and_review_in_process(tiny_dir, tmp_path):
    """The handlers behind every endpoint, called directly (the served app is the slow test below)."""
    from symbolset.viewer.app import build_app

    db = tmp_path / "reviews.sqlite"
    viewer = build_app(tiny_dir, review=True, reviewer="ann", reviews_path=db, page_size=4)
    family = sorted({r["family"] for r in iter_rows(tiny_dir, columns=["family"])})[0]
    items, info, page, ids = viewer.query(ANY, family, ANY, ANY, "", 99)  # a page past the end is clamped
    assert ids and all(i.startswith(family + "-") for i in ids) and page >= 1 and f"page {page} of {page}" in info
    sid, video, slider, overlay, meta, captions, spec = viewer.open_sample(ids[0], ["word boxes", "shapes"])[:7]
    assert sid == ids[0] and Path(video).read_bytes()[4:8] == b"ftyp" and family in meta and "English" in captions
    assert slider.maximum == json.loads(spec)["num_frames"] - 1 and overlay.ndim == 3
    verdict, image = viewer.rerender(ids[0], 0)
    assert "it matches" in verdict and image.ndim == 3

    first = viewer.review_resume()
    assert "0 of" in first[0]
    a = first[1]
    b = viewer.review_accept(a)[1]
    shown = viewer.review_show(b)
    edited = list(shown[4:10])
    edited[0] = "A reviewed short caption."
    c = viewer.review_edit(b, *edited)[1]
    last = viewer.review_flag(c, "caption names the wrong colour")
    assert "3 of" in last[0] and len({a, b, c, last[1]}) == 4
    outside = next(i for i in viewer.index.table.column("id").to_pylist() if i not in viewer.queue)
    with pytest.raises(gradio.Error, match="not in the review queue"):
        viewer.review_accept(outside)
    assert [(d["sample_id"], d["action"]) for d in ReviewStore(db).decisions()] == [(a, "accept"), (b, "edit"), (c, "flag")]


# ---------------------------------------------------------------------- the app, through gradio_client


@pytest.fixture(scope="module")
def review_db(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("reviews") / "reviews.sqlite"


@pytest.fixture(scope="module")
def decisions_made(tiny_dir, review_db, tmp_path_factory):
    """Browse and review through a running app, restart it, and check the decisions were kept."""
    log = tmp_path_factory.mktemp("logs") / "viewer.log"
    args = (str(tiny_dir), "--review", "--reviewer", "ann", "--reviews", str(review_db))
    app = ViewerProcess(*args, log=log)
    try:
        client = app.client()
        # Filter: one family, then a text search.
        family = sorted({r["family"] for r in iter_rows(tiny_dir, columns=["family"])})[0]
        gallery, info = client.predict(ANY, family, ANY, ANY, "", 1, api_name="/query")
        ids = gallery_ids(gallery)
        assert ids and all(i.startswith(family + "-") for i in ids)
        assert Path(gallery[0]["image"]).is_file()
        assert re.match(rf"\*\*{len(ids)}\*\* of \d+ samples", info)
        gallery, _ = client.predict(ANY, ANY, ANY, ANY, ids[0], 1, api_name="/query")
        assert gallery_ids(gallery) == [ids[0]]
        # Open a sample: video, frame slider range, overlay, captions, spec.
        out = client.predict(ids[0], ["word boxes", "shapes"], api_name="/open_sample")
        sid, video, slider, overlay, meta, captions, spec = out[:7]
        assert sid == ids[0]
        video_path = video["video"] if isinstance(video, dict) else video
        assert Path(video_path).read_bytes()[4:8] == b"ftyp"
        assert slider["maximum"] == json.loads(spec)["num_frames"] - 1
        assert Path(overlay).is_file() and family in meta and "English" in captions
        assert Path(client.predict(ids[0], 2, ["character boxes"], api_name="/frame")).is_file()
        verdict, _ = client.predict(ids[0], 0, api_name="/rerender")
        assert "it matches" in verdict
        with pytest.raises(Exception, match="no record"):
            client.predict("no-such-id", [], api_name="/open_sample")

        # Review: accept, edit, flag; each stored at once.
        first = client.predict(api_name="/review_resume")
        assert "0 of" in first[0]
        a = first[1]
        second = client.predict(a, api_name="/review_accept")
        b = second[1]
        edited = list(second[4:10])
        edited[0] = "A reviewed short caption."
        third = client.predict(b, *edited, api_name="/review_edit")
        c = third[1]
        fourth = client.predict(c, "caption names the wrong colour", api_name="/review_flag")
        assert "3 of" in fourth[0]
        d = fourth[1]
        assert len({a, b, c, d}) == 4
    finally:
        app.stop()

    app = ViewerProcess(*args, log=log)  # a restart: everything comes back from the database
    try:
        resumed = app.client().predict(api_name="/review_resume")
        assert "3 of" in resumed[0] and "ann: 3" in resumed[0]
        assert resumed[1] == d  # where it stopped
    finally:
        app.stop()
    return {"accepted": a, "edited": b, "flagged": c, "short": edited[0]}


@pytest.mark.slow  # end to end: a served app, restarted (fast: test_app_handlers_browse_open_and_review_in_process)
def test_browse_review_and_restart_keeps_decisions(decisions_made, review_db):
    decisions = ReviewStore(review_db).decisions()
    assert [(d["sample_id"], d["action"]) for d in decisions] == [
        (decisions_made["accepted"], "accept"), (decisions_made["edited"], "edit"), (decisions_made["flagged"], "flag")
    ]  # fmt: skip
    assert {d["reviewer"] for d in decisions} == {"ann"}
    assert decisions[1]["captions"]["en"]["short"] == decisions_made["short"]
    assert decisions[1]["previous"]["action"] == "generated"


@pytest.mark.slow  # end to end: a served app, restarted (fast: test_app_handlers_browse_open_and_review_in_process)
def test_reviews_apply_end_to_end(decisions_made, review_db, tiny_dir, tmp_path, capsys):
    out = tmp_path / "reviewed"
    assert cli_main(["reviews", "apply", str(tiny_dir), str(review_db), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"dropped {decisions_made['flagged']}: ann: caption names the wrong colour" in printed
    assert validate_dataset(out, decode=False) == []
    rows = {r["id"]: r for r in iter_rows(out, columns=["id", "caption", "captions", "caption_source"])}
    source_ids = {r["id"] for r in iter_rows(tiny_dir, columns=["id"])}
    assert set(rows) == source_ids - {decisions_made["flagged"]}
    edited = rows[decisions_made["edited"]]
    assert edited["caption_source"] == "human" and edited["captions"]["en"]["short"] == decisions_made["short"]
    assert rows[decisions_made["accepted"]]["caption_source"] == "generated"
    manifest = load_manifest(out)
    assert (
        manifest["review"]["reviewed"] == 3
        and manifest["review"]["edited"] == 1
        and manifest["review"]["dropped"] == [decisions_made["flagged"]]
    )
    card = (out / "README.md").read_text()
    assert "## Human review" in card and "| 3 | 1 | 1 | 1 |" in card and decisions_made["flagged"] in card
    assert json.loads((out / "review.json").read_text())["dropped"] == {decisions_made["flagged"]: ["ann: caption names the wrong colour"]}
    # No overwrite without --overwrite; with it, the output is replaced whole.
    assert cli_main(["reviews", "apply", str(tiny_dir), str(review_db), "--out", str(out)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert cli_main(["reviews", "apply", str(tiny_dir), str(review_db), "--out", str(out), "--overwrite"]) == 0
    assert validate_dataset(out, decode=False) == []
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary folder left behind


@pytest.mark.parametrize(
    "argv, message",
    [
        (["view", "/no/such/folder"], "no such dataset folder"),
        (["view", "{tiny}", "--review"], "--review needs --reviewer"),
        (["reviews", "apply", "{tiny}", "/no/such.sqlite", "--out", "{tmp}/o"], "no such review database"),
        (["reviews", "apply", "{tiny}", "{db}", "--out", "{tiny}/inside"], "must not be the source"),
    ],
)
def test_cli_bad_input_is_one_line(argv, message, tiny_dir, tmp_path, capsys):
    db = tmp_path / "empty.sqlite"
    ReviewStore(db)
    argv = [a.format(tiny=tiny_dir, tmp=tmp_path, db=db) for a in argv]
    assert cli_main(argv) == 1
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1


def test_converted_folder_is_viewable(tiny_dir, tmp_path):
    from symbolset.converters import convert
    from symbolset.viewer.cli import resolve_source

    convert.convert(tiny_dir, tmp_path / "wds", "webdataset", progress=False)
    hub_copy = resolve_source(str(tmp_path / "wds"))
    index, original = DatasetIndex(hub_copy), DatasetIndex(tiny_dir)
    assert sorted(index.table.column("id").to_pylist()) == sorted(original.table.column("id").to_pylist())
    sample_id = original.row(0)["id"]
    assert index.record(sample_id)["video"]["bytes"] == original.record(sample_id)["video"]["bytes"]


def test_overlay_draws_an_empty_box_as_nothing():
    """An occluder off frame has an empty box; drawing it must not leave a mark (a dot at 0, 0)."""
    import numpy as np

    from symbolset.viewer.overlay import draw_overlay

    frame = np.full((64, 64, 3), 255, np.uint8)
    ann = {"texts": [], "shapes": [{"element": "stage", "type": "occluder", "params": {"kind": "hand", "box": [0, 0, 0, 0], "covers_card": False}}]}
    assert (draw_overlay(frame, ann, min_size=64) == 255).all()
    ann["shapes"][0]["params"]["box"] = [8, 8, 40, 40]
    assert (draw_overlay(frame, ann, min_size=64) != 255).any()
