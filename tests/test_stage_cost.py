"""The stage's cheaper paths give what the plain ones give. The font swap's fit (stage._extent): a
text's extent as its layout has it, read without laying out each character."""

from __future__ import annotations

import pytest

from symbolset import fontpack, fonts, stage
from symbolset.textlayout import layout_of


@pytest.mark.parametrize("vertical", [False, True])
def test_the_swaps_extent_is_the_layouts(vertical):
    texts = ["0", "12.5", "Wg", "AV To", "°C", "x²"] if not vertical else ["出口", "营业中"]
    faces = [f for f in fontpack.POOLS["pip"] if not any(fonts.missing_chars(f, t) for t in texts)]
    assert len(faces) >= (3 if vertical else 20)
    for face in faces:
        for text in texts:
            for size in (8, 11, 17, 30):
                lay = layout_of(face, size, text, vertical)
                assert stage._extent(face, size, text, vertical) == (lay["width"], lay["ascent"] + lay["descent"]), (face, text, size)
