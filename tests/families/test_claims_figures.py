"""The figure claim kinds (colour, count, radius, angle) hold on a drawn figure, on rendered and on
h264-decoded frames, and each is reported when false."""

from __future__ import annotations

import math

import pytest

from symbolset import captions as cap
from symbolset import codec
from symbolset.claims import claim
from symbolset.claims.verify import verify_claims
from symbolset.families.common import skeleton
from symbolset.render import render_clip
from symbolset.spec import element, validate

# a triangle with angles 60, 60, 60 is too special: this one has 90, 53.13, 36.87 degrees
A, B, C = [60.0, 200.0], [60.0, 80.0], [220.0, 200.0]


def _figure():
    spec = skeleton({"width": 256, "height": 256, "num_frames": 4, "fps": 4.0}, "geometry", cap.rgb("white"))
    spec["elements"] = [
        element("polyline", "tri", points=[A, B, C], closed=True, color=cap.rgb("blue"), width=2),
        element("circle", "ring", center=[170.0, 90.0], radius=40.0, color=cap.rgb("red"), width=2),
        element("polygon", "box", points=[[200.0, 20.0], [240.0, 20.0], [240.0, 50.0], [200.0, 50.0]], fill=cap.rgb("green")),
        *(element("circle", f"dot{k}", center=[20.0 + 12 * k, 240.0], radius=3.0, color=cap.rgb("purple"), width=1, fill=cap.rgb("purple")) for k in range(3)),
    ]
    return validate(spec)


def _claims():
    bg = cap.rgb("white")
    return [
        claim("colour", "background", elements=None, name="white"),
        claim("colour", "triangle", elements=["tri"], part="ink", base=bg, name="blue", among=["black", "red", "blue", "purple"]),
        claim("colour", "circle", elements=["ring"], part="ink", base=bg, name="red"),
        claim("colour", "box", elements=["box"], part="fill", name="green"),
        claim("count", "dots", elements=["dot0", "dot1", "dot2"], count=3, color=cap.rgb("purple")),
        claim("radius", "circle", element="ring", color=cap.rgb("red"), px=40.0),
        claim("angle", "A", element="tri", index=0, color=cap.rgb("blue"), degrees=90.0, exclude=["ring"]),
        claim("angle", "C", element="tri", index=2, color=cap.rgb("blue"), degrees=round(math.degrees(math.atan2(120, 160)), 1)),
    ]


@pytest.fixture(scope="module")
def clip():
    spec = _figure()
    frames, annotations = render_clip(spec)
    return spec, frames, annotations


def test_true_figure_claims_hold_rendered_and_decoded(clip):
    spec, frames, annotations = clip
    assert verify_claims(spec, frames, annotations, _claims()) == []
    decoded = codec.decode(codec.encode(frames, spec["fps"]))
    assert verify_claims(spec, decoded, annotations, _claims()) == []


@pytest.mark.parametrize(
    "index, change",
    [(0, {"name": "cream"}), (1, {"name": "purple"}), (2, {"name": "orange"}), (3, {"name": "blue"}), (4, {"count": 4}),
     (5, {"px": 43.0}), (6, {"degrees": 85.0}), (7, {"degrees": 39.0})],
)  # fmt: skip
def test_false_figure_claims_are_caught(clip, index, change):
    spec, frames, annotations = clip
    wrong = {**_claims()[index], **change}
    assert verify_claims(spec, frames, annotations, [wrong])


def test_a_missing_mark_breaks_the_count(clip):
    spec, frames, annotations = clip
    frames = frames.copy()
    frames[-1, 230:250, 35:50] = 250  # paint over dot1
    assert verify_claims(spec, frames, annotations, [_claims()[4]])
