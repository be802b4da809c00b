"""Real-style clips get their own, stated codec (``h264-real``: x264 veryfast with fewer analyses, by
default); flat clips keep theirs."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest

from symbolset import codec
from symbolset.build import generate
from symbolset.cli import main
from symbolset.config import load_config
from symbolset.errors import SymbolSetError


def test_config_states_the_real_codec(tmp_path):
    assert "real_codec" not in load_config("default").to_dict()  # flat configs read (and hash) as before
    assert "real_codec" not in load_config("tiny").params("clock")
    mixed = load_config("default", style="mixed")
    assert mixed.to_dict()["real_codec"] == "h264-real" == mixed.params("clock")["real_codec"]
    assert load_config("release").to_dict()["real_codec"] == "h264-real"
    assert load_config("default", style="real", codec="ffv1").to_dict()["real_codec"] == "ffv1"  # lossless stays lossless
    yaml = tmp_path / "c.yaml"
    yaml.write_text("style: real\nreal_codec: h264\n")
    assert load_config(str(yaml)).params("clock")["real_codec"] == "h264"
    yaml.write_text("style: real\nreal_codec: h265\n")
    with pytest.raises(SymbolSetError, match=r"c.yaml: real_codec: expected one of .*got 'h265'"):
        load_config(str(yaml))


def test_mixed_run_encodes_real_clips_with_the_faster_preset(tmp_path, capsys):
    out = tmp_path / "ds"
    cfg = load_config("tiny", num=12, families=("clock", "signage"), width=96, height=96, num_frames=4, style="mixed", shard_size=12)
    generate(cfg, out, progress=False)
    rows = [r for f in sorted((out / "data").glob("*.parquet")) for r in pq.read_table(f).to_pylist()]
    by_style = {"stage" in json.loads(r["spec"]): r for r in rows}
    assert set(by_style) == {True, False}, "the seeds give both styles"
    assert by_style[True]["codec"] == "h264-real" and by_style[False]["codec"] == "h264"
    assert by_style[True]["video"]["path"].endswith(".mp4") and codec.decode(by_style[True]["video"]["bytes"]).shape == (4, 96, 96, 3)
    assert "real-style clips: `h264-real`, x264 preset `veryfast` with `aq-mode=0:partitions=none:b-adapt=0`" in (out / "README.md").read_text()
    assert json.loads((out / "manifest.json").read_text())["config"]["real_codec"] == "h264-real"
    for row in by_style.values():  # the stored codec re-encodes each clip to the same bytes
        assert main(["render", "--from", str(out), "--id", row["id"], "--out", str(tmp_path / f"{row['id']}.mp4")]) == 0
        assert "identical to the stored video" in capsys.readouterr().out


def test_the_real_codecs_are_h264_with_other_x264_settings():
    medium = codec.CODECS["h264"]
    for name, preset, params in (("h264-veryfast", "veryfast", "mbtree=0"), ("h264-real", "veryfast", "mbtree=0:aq-mode=0:partitions=none:b-adapt=0")):
        fast = codec.CODECS[name]
        assert {k: v for k, v in fast.items() if k != "options"} == {k: v for k, v in medium.items() if k != "options"}
        assert {**fast["options"], "preset": "medium", "x264-params": "mbtree=0"} == medium["options"]
        assert (fast["options"]["preset"], fast["options"]["x264-params"]) == (preset, params)
