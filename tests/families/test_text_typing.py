"""text_typing: its rule check catches an erased glyph, reads thin glyphs, and short clips finish typing."""

from __future__ import annotations

import numpy as np
from clips import clip

from symbolset import families
from symbolset.record import sample_spec


def test_typing_check_catches_an_erased_character():
    spec, frames, annotations = clip("text_typing", 2)
    bad = frames.copy()
    x0, y0, x1, y1 = annotations[-1]["texts"][0]["char_boxes"][0]
    bad[-1, int(y0) : int(np.ceil(y1)), int(x0) : int(np.ceil(x1))] = spec["background"]
    assert families.get("text_typing").verify(spec, bad, annotations)


def test_text_typing_thin_glyph():
    """A glyph under 3 px tall (the '-' of '2026-11-23' at 128 px) still reads as typed."""
    spec, frames, annotations = clip("text_typing", 0)
    assert families.get("text_typing").verify(spec, frames, annotations) == []


def test_short_typing_clips_type_the_whole_text_by_the_last_frame():
    """A 4-frame clip once drew a finish time after its last frame: the captions then had no time to state."""
    from symbolset.families import text_typing
    from symbolset.spec import value_at

    for frames in (2, 3, 4, 5):
        for seed in range(40):
            spec = sample_spec("text_typing", seed, {"width": 64, "height": 64, "num_frames": frames, "fps": 8.0})
            el = spec["elements"][0]
            assert value_at(el["visible"], (frames - 1) / 8.0) == len(el["text"]), (frames, seed)
            assert text_typing.captions(spec, np.random.default_rng(0))["en"]["temporal"]
