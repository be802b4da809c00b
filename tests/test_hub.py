"""Finishing a dataset folder: thumbnails come from the stored specs of the rows written."""

import io

import numpy as np
from PIL import Image

from symbolset import hub, layout
from symbolset.cli import main
from symbolset.render import render_frame
from symbolset.spec import from_json


def test_thumbnails_show_the_first_stored_clip_of_each_family(tmp_path):
    out = tmp_path / "ds"
    assert main(["generate", "tiny", "--families", "clock,lanes", "--num", "6", "--size", "64", "--frames", "4", "--quiet", "--out", str(out)]) == 0
    firsts = {}
    for row in layout.iter_rows(out, columns=["family", "spec"]):
        firsts.setdefault(row["family"], from_json(row["spec"]))
    assert set(firsts) == {"clock", "lanes"}
    for fam, spec in firsts.items():
        strip = np.asarray(Image.open(io.BytesIO((out / "thumbnails" / hub.thumbnail_name(fam)).read_bytes())).convert("RGB"))
        want = np.concatenate([render_frame(spec, i)[0] for i in range(4)], axis=1)
        want = np.asarray(Image.fromarray(want).resize((strip.shape[1], strip.shape[0]), Image.Resampling.LANCZOS))
        assert np.abs(strip.astype(int) - want).max() <= 1
