"""``symbolset validate --captions``: every claim measured on the stored videos, per family; edited
captions are unverifiable, not violations; a video that contradicts its captions is a violation."""

from __future__ import annotations

import shutil

import numpy as np
import pyarrow.parquet as pq

from symbolset import codec, layout
from symbolset.claims.check import check_captions
from symbolset.cli import main
from symbolset.record import to_table


def _rewrite(root, edit, split: str | None = None) -> None:
    """Apply ``edit(rows)`` to the rows of the first shard (of ``split``) and write it back."""
    path = layout.shard_paths(root, split)[0]
    rows = pq.read_table(path).to_pylist()
    edit(rows)
    pq.write_table(to_table(rows), path)


def test_tiny_has_no_violations(tiny_dir):
    result = check_captions(tiny_dir)
    assert sum(sum(c.values()) for c in result["families"].values()) == 30
    assert result["problems"] == []
    assert all(c["ok"] == sum(c.values()) for c in result["families"].values())


def test_edited_caption_is_unverifiable_not_a_violation(tiny_dir, tmp_path, capsys):
    root = tmp_path / "reviewed"
    shutil.copytree(tiny_dir, root)

    def edit(rows):
        rows[0]["captions"]["en"]["detailed"] = "A person rewrote this caption in review."
        rows[0]["caption_source"] = "reviewed"

    _rewrite(root, edit)
    assert main(["validate", str(root), "--captions"]) == 0
    out = capsys.readouterr()
    assert "1 unverifiable" in out.out and "0 with violations" in out.out.splitlines()[-1]
    assert "cannot be read back" in out.err


def test_video_contradicting_its_captions_is_a_violation(tiny_dir, tmp_path, capsys):
    root = tmp_path / "broken"
    shutil.copytree(tiny_dir, root)
    broken = {}

    def edit(rows):
        row = next(r for r in rows if r["family"] in ("text_typing", "geometry", "plot", "chart"))
        frames = codec.decode(row["video"]["bytes"])
        still = np.repeat(frames[-1:], len(frames), axis=0)  # the finished picture from the first frame on
        row["video"]["bytes"] = codec.encode(still, row["fps"], row["codec"])
        broken["id"], broken["family"] = row["id"], row["family"]

    _rewrite(root, edit)
    assert main(["validate", str(root), "--captions"]) == 1
    out = capsys.readouterr()
    assert f"record {broken['id']}:" in out.err
    assert f"{broken['family']}: 3 clips, 1 with violations" in out.out


def test_real_clip_video_must_be_its_card_through_the_camera(tiny_dir, tmp_path, capsys):
    root = tmp_path / "frozen"
    shutil.copytree(tiny_dir, root)
    broken = {}

    def edit(rows):
        row = next(r for r in rows if '"stage"' in r["spec"])
        frames = codec.decode(row["video"]["bytes"])
        row["video"]["bytes"] = codec.encode(np.repeat(frames[-1:], len(frames), axis=0), row["fps"], row["codec"])
        broken["id"] = row["id"]

    _rewrite(root, edit, "validation")  # tiny's real clip
    assert main(["validate", str(root), "--captions"]) == 1
    err = capsys.readouterr().err
    assert f"record {broken['id']}: the video is not its spec seen through its camera" in err


def test_not_a_dataset_is_one_clear_line(tmp_path, capsys):
    assert main(["validate", str(tmp_path), "--captions"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1
