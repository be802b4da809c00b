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


# One bad value of every kind and the exact message it gets (validate tests a value by its kind's
# predicate and words the error only for a value that fails): the wording is part of the interface.
KIND_ERRORS = [
    ("str", "", 'f: expected a non-empty string of at most 1000 characters, got ""'),
    ("num", 2e6, "f: expected a number within ±1,000,000, got 2000000.0"),
    ("pos", 0, "f: expected a positive number up to 1,000,000, got 0"),
    ("coord", 1e9, "f: expected a number within ±1024 (4 x the canvas side), got 1000000000.0"),
    ("length", -1.0, "f: expected a positive number up to 1024 (4 x the canvas side), got -1.0"),
    ("fontsize", 0.5, "f: expected a positive number (a font size of 1..1024 px), got 0.5"),
    ("scale", 2000, "f: expected a scale in [1/1024, 1024], got 2000"),
    ("width", 0, "f: expected an integer width 1..512, got 0"),
    ("unit", 1.5, "f: expected a number in [0, 1], got 1.5"),
    ("count", -1, "f: expected a non-negative integer, got -1"),
    ("bool", 1, "f: expected true or false, got 1"),
    ("anchor", "right", 'f: expected one of left, center, got "right"'),
    ("rgb", [0, 0, 256], "f: expected an [r, g, b] list of integers 0..255, got [0, 0, 256]"),
    ("rgb?", [0, 0], "f: expected an [r, g, b] list of integers 0..255 or null, got [0, 0]"),
    ("xy", [1.0, float("inf")], "f: expected an [x, y] pair of numbers within ±1024 (4 x the canvas side), got [1.0, Infinity]"),
    ("points", [[0, 0]], "f: expected a list of 2..4096 [x, y] points with coordinates within ±1024 (4 x the canvas side), got [[0, 0]]"),
    ("segtext", "12a", "f: expected a string of 1..1000 7-segment characters (digits, '-', ':', '.', ' '), got \"12a\""),
    ("cursor", {"colour": [0, 0, 0]}, 'f: expected null or {"color": [r, g, b], "blink": seconds}, got {"colour": [0, 0, 0]}'),
    ("dash?", [1, 0], "f: expected null or [dash_length, gap_length] (positive numbers up to 1,000,000), got [1, 0]"),
]
KIND_OK = {
    "str": "a", "num": -1e6, "pos": 1e6, "coord": -1024.0, "length": 1024, "fontsize": 1024, "scale": 1 / 1024, "width": 512,
    "unit": 0, "count": 0, "bool": False, "anchor": "center", "rgb": [0, 255, True], "rgb?": None, "xy": [0, -1024.0],
    "points": [[0, 0], [1024, -1024.0]], "segtext": "12:3.-", "cursor": {"color": [1, 2, 3], "blink": 0.5}, "dash?": None,
}  # fmt: skip


@pytest.mark.parametrize(("kind", "bad", "message"), KIND_ERRORS)
def test_every_kind_accepts_its_edge_and_words_its_error(kind, bad, message):
    S._check_value(kind, KIND_OK[kind], "f", 1024)
    with pytest.raises(SpecError) as err:
        S._check_value(kind, bad, "f", 1024)
    assert str(err.value) == message


def test_a_bad_track_key_and_a_bad_cursor_field_are_named():
    spec = _base()
    spec["elements"][1]["radius"]["keys"][1][1] = -2
    with pytest.raises(SpecError, match=r"^elements\[1\]\.radius\.keys\[1\]\[1\]: expected a positive number"):
        S.validate(spec)
    spec = _base()
    spec["elements"][0]["cursor"] = {"color": [0, 0, 0], "blink": -1}
    with pytest.raises(SpecError, match=r"^elements\[0\]\.cursor\.blink: expected a positive number"):
        S.validate(spec)
    spec["elements"][0]["points"] = [[0, 0], [1, 1]]  # a field of another type
    with pytest.raises(SpecError, match=r"^elements\[0\]\.points: unknown field for a text element"):
        S.validate(spec)


def _value_at_by_recursion(value, t):
    """value_at as first written (zip over key pairs, _lerp recursing into every number)."""

    def lerp(a, b, u):
        return [lerp(x, y, u) for x, y in zip(a, b)] if isinstance(a, list) else a + (b - a) * u

    if not S.is_track(value):
        return value
    keys, ease = value["keys"], value.get("ease", "linear")
    if t <= keys[0][0]:
        return keys[0][1]
    for (t0, v0), (t1, v1) in zip(keys, keys[1:]):
        if t < t1:
            if ease == "step" or isinstance(v0, str):
                return v0
            u = (t - t0) / (t1 - t0)
            return lerp(v0, v1, u * u * (3.0 - 2.0 * u) if ease == "in_out" else u)
    return keys[-1][1]


def test_value_at_gives_the_same_floats_as_the_plain_recursion():
    """The renderer and the claims call value_at for every animated field of every frame; its inlined
    interpolation must give the same floats, bit for bit (-0.0 included), for numbers, ints, points,
    mixed lists, arrays and strings, at, between, before and after the keys."""
    rng = np.random.default_rng(11)

    def value(shape):
        if shape == "num":
            return float(rng.uniform(-50, 50)) if rng.random() < 0.8 else -0.0
        if shape == "int":
            return int(rng.integers(-9, 9))
        if shape == "xy":
            return [value("num"), value("int")]
        if shape == "points":
            return [value("xy") for _ in range(4)]
        if shape == "array":
            return np.asarray(rng.uniform(-5, 5, 3))
        return str(rng.integers(0, 99))

    for shape in ("num", "int", "xy", "points", "array", "str"):
        for ease in ("linear", "in_out", "step"):
            times = np.cumsum(rng.uniform(0.05, 0.5, 5))
            track = {"keys": [[float(t), value(shape)] for t in times], "ease": ease}
            for t in [-1.0, *times.tolist(), *rng.uniform(0, times[-1] + 0.5, 20).tolist(), np.float64(times[2])]:
                got, want = S.value_at(track, t), _value_at_by_recursion(track, t)
                if shape == "array":
                    assert got.tobytes() == want.tobytes()
                else:
                    assert repr(got) == repr(want) and type(got) is type(want)
