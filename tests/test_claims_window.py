"""Claims measured on a box's window alone give exactly what the whole frame gives."""

from __future__ import annotations

import numpy as np
import pytest

from symbolset import render
from symbolset.claims import measure
from symbolset.record import sample_seed, sample_spec


def _whole_frame(spec, frames, annotations, c, index, margin=1.0):
    """element_coverage as it was: coverage of the whole frame, cursors cleared, then cut to the box."""
    cov = measure.hide_cursors(measure.coverage(frames[index], c["color"], c.get("base", spec["background"]), c.get("others", ()), margin), annotations[index])
    x0, y0, x1, y1 = measure.claim_region(annotations, c, cov.shape)
    out = np.zeros_like(cov)
    out[y0:y1, x0:x1] = cov[y0:y1, x0:x1]
    return out


@pytest.mark.parametrize("family", ["chart", "text_typing", "text_motion"])
def test_windowed_coverage_is_bit_identical(family):
    for k in range(4):
        spec = sample_spec(family, sample_seed(3, family, k), {"width": 128, "height": 96, "num_frames": 6, "fps": 8.0, "options": {}})
        frames, annotations = render.render_clip(spec)
        colours = sorted({tuple(e["color"]) for e in spec["elements"] if "color" in e and not isinstance(e["color"], dict)})
        texts = [t for t in annotations[-1]["texts"]]
        assert texts and colours
        for t in texts:
            for colour in colours:
                for c in ({"element": t["element"], "color": list(colour)}, {"box": [t["box"][0] - 3.5, 2.2, 1e4, t["box"][3]], "color": list(colour), "pad": 0}):
                    for i in (0, len(frames) - 1):
                        got = measure.element_coverage(spec, frames, annotations, c, i, 2.0)
                        assert got.dtype == np.float32 and np.array_equal(got, _whole_frame(spec, frames, annotations, c, i, 2.0))


def test_pixel_lengths_equal_numpys_norm():
    from symbolset.claims.verify import _length

    rng = np.random.default_rng(0)
    for shape in [(64, 80, 3), (7, 3, 3), (1, 1, 3)]:
        for x in (rng.integers(0, 256, shape).astype(np.float32) - np.float32([12, 200, 37]), rng.normal(size=shape).astype(np.float32) * 1000):
            assert np.array_equal(_length(x), np.linalg.norm(x, axis=-1))
