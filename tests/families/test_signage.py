"""signage: its rule check catches text that changes between frames."""

from __future__ import annotations

import copy

from clips import make

from symbolset.render import render_clip


def test_signage_catches_text_that_changes():
    from symbolset.families import signage

    spec = make("signage", 4, {"width": 128, "height": 128, "num_frames": 10, "fps": 5.0})
    frames, ann = render_clip(spec)
    fake = copy.deepcopy(ann)
    fake[3]["texts"][0]["string"] = fake[3]["texts"][0]["string"][::-1]
    fake[3]["texts"][0]["chars"] = fake[3]["texts"][0]["chars"][::-1]
    assert signage.verify(spec, frames, fake)


def test_signage_catches_a_character_off_the_camera_transform():
    """A character's ink moved 2 px right and 2 px down on one frame, its box and its neighbours as
    drawn (read in its box, its centroid moves 1.56 px; the rule allows 1 px)."""
    from symbolset.families import signage

    spec = make("signage", 4, {"width": 128, "height": 128, "num_frames": 10, "fps": 5.0})
    frames, ann = render_clip(spec)
    assert signage.verify(spec, frames, ann) == []
    frames = frames.copy()
    text = ann[6]["texts"][0]
    x0, y0, x1, y1 = (int(round(v)) for v in text["char_boxes"][1])
    frames[6, y0 + 1 : y1 + 3, x0 + 2 : x1 + 3] = frames[6, y0 - 1 : y1 + 1, x0 : x1 + 1].copy()
    problems = signage.verify(spec, frames, ann)
    assert any(f"frame 6: character {text['chars'][1]!r}" in p and "off the camera transform" in p for p in problems), problems


def test_small_black_text_on_a_warm_panel_reads_black_among_the_signs_inks():
    """A shop front's 234 x 76 px sign panel: 10 px black Chinese on orange. No stroke covers a whole
    pixel, and over the whole palette its ink read as dark grey (so the part was refused); among the
    colours signs write in it reads black, and a wrong one is still caught."""
    from symbolset import fontpack
    from symbolset.claims.verify import verify_claims
    from symbolset.families import composite, signage

    params = {"width": 234, "height": 76, "num_frames": 8, "fps": 8.0, "codec": None, "options": {}}
    spec = composite._part("signage", 1, params, fontpack.require_pool("pip", "font_pool"))
    assert (spec["meta"]["ink"], spec["meta"]["panel"]) == ("black", "orange")
    frames, anns = render_clip(spec)
    claim = next(c for c in signage.claims(spec) if (c["kind"], c["subject"]) == ("colour", "sign text"))
    assert verify_claims(spec, frames, anns, [claim]) == []
    for wrong in ("white", "yellow", "red"):
        assert verify_claims(spec, frames, anns, [{**claim, "name": wrong}]), wrong
