"""Every family: sampled specs validate, render, obey their rule on pixels, and the checks catch corruptions."""

from __future__ import annotations

import copy
import functools
import importlib.util

import numpy as np
import pytest

from symbolset import captions as cap
from symbolset import codec, families
from symbolset.errors import SymbolSetError
from symbolset.families import clock, common, seven_segment
from symbolset.record import sample_spec
from symbolset.render import render_clip, render_frame
from symbolset.spec import to_json, validate

PARAMS = {"width": 128, "height": 128, "num_frames": 16, "fps": 8.0}
SEEDS = (1, 2, 3)
# Families whose module exists (others in FAMILY_NAMES are still being written and are skipped).
NAMES = [n if importlib.util.find_spec(f"symbolset.families.{n}") else pytest.param(n, marks=pytest.mark.skip(reason="not implemented yet"))
         for n in families.FAMILY_NAMES]  # fmt: skip


def make(name: str, seed: int, params: dict = PARAMS) -> dict:
    return validate(families.get(name).sample(np.random.default_rng(seed), dict(params)))


@functools.cache
def clip(name: str, seed: int):
    spec = make(name, seed)
    frames, annotations = render_clip(spec)
    frames.setflags(write=False)
    return spec, frames, annotations


@pytest.mark.parametrize("name", NAMES)
def test_registry_lists_every_family_with_its_interface(name):
    fam = families.get(name)
    assert fam.NAME == name
    assert isinstance(fam.RULE, str) and fam.RULE.endswith(".")
    for fn in ("sample", "captions", "difficulty", "verify"):
        assert callable(getattr(fam, fn))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", NAMES)
def test_rendered_clip_obeys_the_rule(name, seed):
    spec, frames, annotations = clip(name, seed)
    assert spec["family"] == name
    assert families.get(name).verify(spec, frames, annotations) == []


@pytest.mark.parametrize("name", NAMES)
def test_rule_holds_on_h264_decoded_frames(name):
    spec, frames, annotations = clip(name, SEEDS[0])
    decoded = codec.decode(codec.encode(frames, spec["fps"]))
    assert decoded.shape == frames.shape
    assert families.get(name).verify(spec, decoded, annotations) == []


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_gives_same_spec_and_frames(name):
    a, b = make(name, 11), make(name, 11)
    assert to_json(a) == to_json(b)
    fa, _ = render_clip(a)
    fb, _ = render_clip(b)
    assert np.array_equal(fa, fb)
    assert to_json(make(name, 12)) != to_json(a)


def _exact_strings(name: str, spec: dict) -> list[str]:
    m = spec["meta"]
    if name in ("text_typing", "text_motion"):
        return [m["text"]]
    if name == "clock":
        return [m["start"], m["end"]]
    if name == "seven_segment":
        shown = seven_segment._shown(spec)
        return [shown[0][1], shown[-1][1]]
    return []


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", NAMES)
def test_captions_cover_languages_granularities_and_exact_strings(name, seed):
    spec, _, annotations = clip(name, seed)
    caps = families.get(name).captions(spec, np.random.default_rng([seed, 1]))
    assert set(caps) == {"en", "zh"}
    for lang in cap.LANGUAGES:
        assert set(caps[lang]) == set(cap.GRANULARITIES)
        for g in cap.GRANULARITIES:
            text = caps[lang][g]
            assert text and "None" not in text
            for exact in _exact_strings(name, spec):
                assert cap.quote(exact, lang) in text or (name == "clock" and exact in text), (lang, g, exact, text)
    if name == "seven_segment":  # the temporal captions name every value shown
        for _, value in seven_segment._shown(spec):
            assert cap.quote(value) in caps["en"]["temporal"]
    labels = families.get(name).difficulty(spec, annotations)
    assert set(labels) <= {"text_length", "script", "glyph_height_px", "motion_speed", "stroke_width"}


def test_captions_vary_with_the_caption_seed():
    spec, _, _ = clip("text_motion", 1)
    texts = {to_json(families.get("text_motion").captions(spec, np.random.default_rng(k))) for k in range(8)}
    assert len(texts) > 1


@pytest.mark.parametrize("name", ["text_typing", "text_motion"])
def test_text_ink_lies_inside_tight_boxes(name):
    for seed in SEEDS:
        spec, frames, annotations = clip(name, seed)
        for frame, ann in zip(frames, annotations):
            ink = common.ink_mask(frame, spec["background"], threshold=8)
            for shape in ann["shapes"]:  # the typing cursor is not text
                if shape["type"] == "cursor":
                    q = np.asarray(shape["params"]["quad"])
                    ink[
                        max(0, int(q[:, 1].min()) - 2) : int(np.ceil(q[:, 1].max())) + 2,
                        max(0, int(q[:, 0].min()) - 2) : int(np.ceil(q[:, 0].max())) + 2,
                    ] = False
            if not ann["texts"]:
                assert not ink.any()
                continue
            x0, y0, x1, y1 = (int(v) for v in ann["texts"][0]["box"])
            inside = np.zeros_like(ink)
            inside[y0:y1, x0:x1] = True
            assert not (ink & ~inside).any(), "ink outside the annotated box"
            ys, xs = np.nonzero(ink)
            assert max(xs.min() - x0, ys.min() - y0, x1 - xs.max() - 1, y1 - ys.max() - 1) <= 1, "box looser than the ink"
            for bx0, by0, bx1, by1 in ann["texts"][0]["char_boxes"]:
                assert x0 <= bx0 < bx1 <= x1 and y0 <= by0 < by1 <= y1


# ---------------------------------------------------------------- negative tests: verify catches corruption


def test_typing_check_catches_an_erased_character():
    spec, frames, annotations = clip("text_typing", 2)
    bad = frames.copy()
    x0, y0, x1, y1 = annotations[-1]["texts"][0]["char_boxes"][0]
    bad[-1, int(y0) : int(np.ceil(y1)), int(x0) : int(np.ceil(x1))] = spec["background"]
    assert families.get("text_typing").verify(spec, bad, annotations)


def test_motion_check_catches_a_jump():
    spec, frames, annotations = clip("text_motion", 1)
    bad = frames.copy()
    shifted = np.empty_like(bad[8])
    shifted[:] = spec["background"]
    shifted[:, 20:] = bad[8][:, :-20]
    bad[8] = shifted
    problems = families.get("text_motion").verify(spec, bad, annotations)
    assert any("jump" in p for p in problems)


def test_motion_check_catches_changed_content():
    spec, frames, annotations = clip("text_motion", 2)
    bad = frames.copy()
    x0, y0, x1, y1 = annotations[5]["texts"][0]["char_boxes"][0]
    bad[5, int(y0) : int(np.ceil(y1)), int(x0) : int(np.ceil(x1))] = spec["background"]
    assert families.get("text_motion").verify(spec, bad, annotations)


@pytest.mark.parametrize("seed", SEEDS)
def test_seven_segment_check_catches_a_flipped_segment(seed):
    spec, frames, annotations = clip("seven_segment", seed)
    display = next(el for el in spec["elements"] if el["id"] == "display")
    panel = next(el for el in spec["elements"] if el["id"] == "panel")
    digit = next(d for d in annotations[4]["shapes"] if d["element"] == "display")["params"]["digits"]
    digit = next(d for d in digit if d["char"] not in ":. ")
    seg = "g" if "g" not in digit["segments"] else "a"  # turn an unlit segment on, or a lit one off
    color = display["color"] if seg == "g" else (display.get("off_color") or panel["fill"])
    x, y = seven_segment.segment_centers(digit["cell"])[seg]
    bad = frames.copy()
    bad[4, int(y) - 1 : int(y) + 2, int(x) - 1 : int(x) + 2] = color
    problems = families.get("seven_segment").verify(spec, bad, annotations)
    assert problems and problems[0].startswith("frame 4:")


def test_seven_segment_check_catches_a_wrong_value():
    spec, frames, annotations = clip("seven_segment", 2)
    wrong = copy.deepcopy(spec)
    wrong["meta"]["values"][0][1] = "8" * len(wrong["meta"]["values"][0][1])
    assert families.get("seven_segment").verify(wrong, frames, annotations)


def _hand_shifted(spec: dict, hand: str, degrees: float) -> dict:
    bad = copy.deepcopy(spec)
    el = next(e for e in bad["elements"] if e["id"] == hand)
    if isinstance(el["angle"], dict):
        for key in el["angle"]["keys"]:
            key[1] += degrees
    else:
        el["angle"] += degrees
    return bad


@pytest.mark.parametrize("seed", SEEDS)
def test_clock_check_catches_a_rotated_minute_hand(seed):
    spec, frames, annotations = clip("clock", seed)
    bad = frames.copy()
    bad[6] = render_frame(_hand_shifted(spec, "minute", 20.0), 6)[0]
    problems = families.get("clock").verify(spec, bad, annotations)
    assert any(p.startswith("frame 6: minute hand") for p in problems)


@pytest.mark.parametrize("seed", SEEDS)
def test_clock_check_catches_an_inconsistent_hour_hand(seed):
    spec, _, annotations = clip("clock", seed)
    frames, _ = render_clip(_hand_shifted(spec, "hour", 10.0))
    problems = families.get("clock").verify(spec, frames, annotations)
    assert any("off the position the minute hand implies" in p for p in problems)


def test_clock_hour_angle_is_consistent_with_minutes():
    for seed in range(20):
        spec = make("clock", seed)
        m = spec["meta"]
        for t in (0.0, m["span"]):
            a = clock.hand_angles(m["start_seconds"] + m["rate"] * t)
            assert abs(common.angle_diff(a["hour"] - a["minute"] / 12.0, 0.0, 30.0)) < 1e-6
        assert clock.clock_string(m["start_seconds"] + m["advance_seconds"], m["with_seconds"]) == m["end"]


def _lane_shifted(spec: dict, dx: float) -> dict:
    bad = copy.deepcopy(spec)
    el = next(e for e in bad["elements"] if e["type"] == "lane_line")
    el["vanishing_point"] = [el["vanishing_point"][0] + dx, el["vanishing_point"][1]]
    el["bottom_x"] += dx
    return bad


@pytest.mark.parametrize("seed", SEEDS)
def test_lanes_check_catches_a_shifted_lane(seed):
    spec, frames, annotations = clip("lanes", seed)
    bad = frames.copy()
    bad[7] = render_frame(_lane_shifted(spec, 9.0), 7)[0]
    problems = families.get("lanes").verify(spec, bad, annotations)
    assert any(p.startswith("frame 7:") and "vanishing point" in p for p in problems)


def test_lanes_check_catches_jumping_dashes():
    spec, frames, annotations = clip("lanes", 1)
    jumped = copy.deepcopy(spec)
    for el in jumped["elements"]:
        if el.get("dash"):
            el["offset"] = {"keys": [[k[0], k[1] + sum(el["dash"]) / 2] for k in el["offset"]["keys"]], "ease": "linear"}
    bad = frames.copy()
    bad[9] = render_frame(jumped, 9)[0]
    problems = families.get("lanes").verify(spec, bad, annotations)
    assert any(p.startswith("frame 9:") for p in problems)
    # and a spec whose dashes speed up breaks the constant-speed rule in its annotations
    fast = copy.deepcopy(spec)
    for el in fast["elements"]:
        if el.get("dash"):
            (t0, v0), (t1, v1) = el["offset"]["keys"]
            el["offset"]["keys"] = [[t0, v0], [t1 / 2, v0 + (v1 - v0) / 4], [t1, v1]]
    frames2, annotations2 = render_clip(fast)
    assert any("constant" in p for p in families.get("lanes").verify(fast, frames2, annotations2))


# ---------------------------------------------------------------- seven_segment readings from a CSV


def test_readings_csv_drives_the_display(tmp_path):
    path = tmp_path / "oven.csv"
    path.write_text("time_s,value\n100,12:30\n100.5,12:29\n101.25,12:28\n150,00:00\n", encoding="utf-8")
    params = {**PARAMS, "options": {"readings_csv": str(path), "appliance": "oven"}}
    spec = make("seven_segment", 4, params)
    assert spec["meta"]["values"] == [[0.0, "12:30"], [0.5, "12:29"], [1.25, "12:28"]]
    frames, annotations = render_clip(spec)
    fam = families.get("seven_segment")
    assert fam.verify(spec, frames, annotations) == []
    caps = fam.captions(spec, np.random.default_rng(0))
    for value in ("12:30", "12:29", "12:28"):
        assert cap.quote(value) in caps["en"]["temporal"]
    fast = make("seven_segment", 4, {**params, "options": {**params["options"], "readings_speedup": 40.0}})
    assert [v for _, v in fast["meta"]["values"]] == ["12:30", "12:29", "12:28", "00:00"]


@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        ("time,value\n0,1\n", 1, "header"),
        ("time_s,value\n0,12\nabc,13\n", 3, "not a number"),
        ("time_s,value\n0,12\n1,1A\n", 3, "7-segment"),
        ("time_s,value\n0,12\n0,13\n", 3, "does not increase"),
        ("time_s,value\n0,12,3\n", 2, "2 fields"),
        ("time_s,value\n", 2, "no readings"),
    ],
)
def test_bad_readings_csv_names_file_and_line(tmp_path, content, line, words):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SymbolSetError, match=rf"bad\.csv:{line}: .*{words}"):
        make("seven_segment", 0, {**PARAMS, "options": {"readings_csv": str(path)}})


def test_missing_readings_csv_is_a_clear_error(tmp_path):
    with pytest.raises(SymbolSetError, match="nope.csv"):
        make("seven_segment", 0, {**PARAMS, "options": {"readings_csv": str(tmp_path / "nope.csv")}})


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
