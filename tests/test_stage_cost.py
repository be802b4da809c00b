"""The stage's cheaper paths give what the plain ones give. The font swap's fit (stage._extent): a
text's extent as its layout has it, read without laying out each character. The camera's warp of
the wall in four channels (stage.project): the three-channel warp's pixels."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from symbolset import fontpack, fonts, record, stage, stage_light
from symbolset.stage_camera import homography, to_cv
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


@pytest.mark.parametrize("size", [96, 256])
@pytest.mark.parametrize("move", ["orbit", "dolly", "shake"])
def test_the_stages_four_channel_warp_is_the_three_channel_one(size, move):
    """stage.project warps its wall with a 4th, unused channel (OpenCV's 4-channel warp is over twice as
    fast): each of the three channels must come out as the 3-channel warp has it, on every frame."""
    params = {"width": size, "height": size, "num_frames": 8, "fps": 8.0, "options": {}, "style": "real"}
    spec = record.sample_spec("signage", 5, params)
    spec["stage"]["camera"].update(move=move, shake=0.35 if move == "shake" else 0.0, fill=0.95)  # near the frame: edges reflect
    spec["stage"]["camera"]["keys"].update(yaw=[-18.0, 18.0], distance=[1.5, 1.0])
    wall, _, (ox, oy) = stage_light.wall(spec["stage"], spec)
    wall = wall.copy()
    wall[oy : oy + size, ox : ox + size] = np.random.default_rng(size).integers(0, 256, (size, size, 3), dtype=np.uint8)  # sharp detail
    four = cv2.cvtColor(wall, cv2.COLOR_BGR2BGRA)
    to_wall = np.array([[1, 0, -ox], [0, 1, -oy], [0, 0, 1]], np.float64)
    for i in range(spec["num_frames"]):
        m = to_cv(homography(spec["stage"], spec, i) @ to_wall)
        three = cv2.warpPerspective(wall, m, (size, size), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT_101)
        got = cv2.warpPerspective(four, m, (size, size), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT_101)
        assert np.array_equal(cv2.cvtColor(got, cv2.COLOR_BGRA2BGR), three), (move, size, i)
