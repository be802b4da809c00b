"""Thumbnails read the shards only until every family has been seen, and come out the same."""

from __future__ import annotations

import shutil

from symbolset import hub
from symbolset.build import generate
from symbolset.config import load_config


def test_thumbnails_stop_reading_once_every_family_is_seen(tmp_path, monkeypatch):
    out = tmp_path / "ds"
    generate(load_config("tiny", num=24, families=("clock", "lanes"), width=64, height=64, num_frames=4, shard_size=2), out, progress=False)
    before = {p.name: p.read_bytes() for p in (out / "thumbnails").glob("*.png")}
    assert set(before) == {"clock.png", "lanes.png"}
    read = []
    rows = hub.iter_rows
    monkeypatch.setattr(hub, "iter_rows", lambda *a, **kw: (read.append(r) or r for r in rows(*a, **kw)))
    shutil.rmtree(out / "thumbnails")
    hub.write_thumbnails(out, families={"clock", "lanes"})
    assert len(read) == 2 + 2  # families and checksums, then specs: the first shard's two rows each, not 24 of twelve shards
    assert {p.name: p.read_bytes() for p in (out / "thumbnails").glob("*.png")} == before
    read.clear()
    hub.write_thumbnails(out)  # families unknown (a converted folder): every shard's families are read
    assert len(read) == 24 + 2


def test_generate_workers_draw_the_thumbnails_the_finish_would(tmp_path, monkeypatch):
    # Each family's first clip comes back from its worker with its thumbnail: the parent draws none
    # (after the last shard, with cold caches, it drew them all one after another) and the
    # thumbnails are the ones write_thumbnails draws from the stored specs. A worker names the
    # library versions too (the parent imported PyAV only for that).
    drawn_here, versions_here = [], []
    real, versions = hub._render_thumbnail, hub.software_versions
    monkeypatch.setattr(hub, "_render_thumbnail", lambda *a: drawn_here.append(a) or real(*a))
    monkeypatch.setattr(hub, "software_versions", lambda: versions_here.append(1) or versions())
    out = tmp_path / "ds"
    cfg = load_config("tiny", num=6, families=("clock", "lanes", "text_typing"), width=64, height=64, num_frames=4, shard_size=2)
    generate(cfg, out, workers=2, progress=False)
    assert drawn_here == [] and versions_here == []
    assert hub.load_manifest(out)["software"] == versions()
    made = {p.name: p.read_bytes() for p in (out / "thumbnails").glob("*.png")}
    assert set(made) == {"clock.png", "lanes.png", "text_typing.png"}
    shutil.rmtree(out / "thumbnails")
    listing = hub.write_thumbnails(out, families={"clock", "lanes", "text_typing"})
    assert len(drawn_here) == 3
    assert {p.name: p.read_bytes() for p in (out / "thumbnails").glob("*.png")} == made
    assert listing == hub.load_manifest(out)["thumbnails"]
