"""Scene spec: JSON round trip, animation tracks, validation messages that name the field."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest

from symbolset import spec as S
from symbolset.errors import GlyphError, SpecError
from symbolset.record import sample_spec


def _base() -> dict:
    return {
        "version": 1, "family": "text_typing", "width": 64, "height": 48, "fps": 8.0, "num_frames": 8,
        "background": [255, 255, 255],
        "elements": [
            {"id": "t", "type": "text", "text": "EXIT", "font": "dejavu-sans", "size": 12, "color": [0, 0, 0], "position": [4, 20]},
            {"id": "c", "type": "circle", "center": [30, 30], "radius": {"keys": [[0, 5], [0.5, 9]], "ease": "in_out"}, "color": [255, 0, 0]},
        ],
    }  # fmt: skip


def test_round_trip_is_exact():
    spec = sample_spec("text_typing", 1234, {"width": 128, "height": 96, "num_frames": 10, "fps": 8.0})
    text = S.to_json(spec)
    back = S.from_json(text)
    assert back == spec
    assert S.to_json(back) == text


def test_tracks_interpolate_step_and_clamp():
    lin = {"keys": [[0.0, 0.0], [1.0, 10.0]]}
    assert S.value_at(lin, -1) == 0.0 and S.value_at(lin, 0.25) == 2.5 and S.value_at(lin, 5) == 10.0
    assert S.value_at({"keys": [[0, [0, 0]], [2, [4, 8]]]}, 1.0) == [2.0, 4.0]
    step = {"keys": [[0, "12:00"], [1, "12:01"]], "ease": "step"}
    assert S.value_at(step, 0.99) == "12:00" and S.value_at(step, 1.0) == "12:01"
    smooth = {"keys": [[0, 0.0], [1, 1.0]], "ease": "in_out"}
    assert S.value_at(smooth, 0.5) == pytest.approx(0.5) and S.value_at(smooth, 0.1) < 0.1
    assert S.value_at(7, 3.0) == 7


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda s: s.pop("fps"), "fps: missing"),
        (lambda s: s.update(version=9), "version: unsupported spec version 9"),
        (lambda s: s.update(width=63), "width: expected an even integer"),
        (lambda s: s["elements"][0].update(size=-3), "elements[0].size: expected a positive number"),
        (lambda s: s["elements"][0].update(color=[0, 0, 300]), "elements[0].color: expected an [r, g, b]"),
        (lambda s: s["elements"][1].update(type="hexagon"), "elements[1].type: expected one of"),
        (lambda s: s["elements"][1].update(bogus=1), "elements[1].bogus: unknown field"),
        (lambda s: s["elements"][1].update(id="t"), "elements[1].id: duplicate element id"),
        (lambda s: s["elements"][1]["radius"]["keys"].append([0.2, 3]), "elements[1].radius.keys[2]: key times must increase"),
        (lambda s: s["elements"][1]["radius"]["keys"].__setitem__(1, [5.0, 9]), "elements[1].radius.keys[1]: time 5.0 is outside the clip"),
        (lambda s: s["elements"][1].update(color={"keys": [[0, [0, 0, 0]]]}), "elements[1].color: cannot be animated"),
        (lambda s: s["elements"][0].update(font="comic-sans"), "unknown font 'comic-sans'"),
        (lambda s: s["elements"][0].update(visible=9), "elements[0].visible: shows more characters"),
    ],
)
def test_validation_names_the_field(mutate, message):
    spec = _base()
    S.validate(copy.deepcopy(spec))
    mutate(spec)
    with pytest.raises(SpecError) as err:
        S.validate(spec)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_from_json_names_the_source():
    with pytest.raises(SpecError, match=r"^clip\.json: not valid JSON"):
        S.from_json("{oops", "clip.json")
    with pytest.raises(SpecError, match=r"^clip\.json: fps: expected a positive number"):
        S.from_json(json.dumps({**_base(), "fps": 0}), "clip.json")


def test_missing_glyph_is_rejected_not_drawn():
    spec = _base()
    spec["elements"][0]["text"] = "出口"  # DejaVu has no Han glyphs
    with pytest.raises(GlyphError, match=r"elements\[0\].*no glyph for '出' \(U\+51FA\)"):
        S.validate(spec)


def test_samplers_take_an_explicit_rng():
    params = {"width": 96, "height": 96, "num_frames": 8, "fps": 8.0}
    a = sample_spec("text_typing", 5, params)
    assert a == sample_spec("text_typing", 5, params)
    assert a != sample_spec("text_typing", 6, params)
    from symbolset.families import text_typing

    with pytest.raises(TypeError):
        text_typing.sample(params)  # no default generator
    assert text_typing.sample(np.random.default_rng(5), params) == a


def test_element_builder_checks_field_names():
    el = S.element("circle", "c", center=[1.0, 2.0], radius=3.0, color=[0, 0, 0])
    assert el == {"id": "c", "type": "circle", "center": [1.0, 2.0], "radius": 3.0, "color": [0, 0, 0]}
    with pytest.raises(SpecError, match="unknown field.*radus"):
        S.element("circle", "c", center=[1.0, 2.0], radus=3.0, color=[0, 0, 0])
    with pytest.raises(SpecError, match="unknown type 'hexagon'"):
        S.element("hexagon", "h")


def test_pick_consumes_one_integer_draw():
    from symbolset.draw import pick

    a, b = np.random.default_rng(7), np.random.default_rng(7)
    seq = ["x", "y", "z", "w"]
    assert [pick(a, seq) for _ in range(20)] == [seq[int(b.integers(len(seq)))] for _ in range(20)]
