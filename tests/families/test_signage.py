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
