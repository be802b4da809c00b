"""Every family: sampled specs validate, render, obey their rule on pixels, and the checks catch corruptions."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from clips import SEEDS, clip, make

from symbolset import captions as cap
from symbolset import codec, families
from symbolset.families import clock, common, seven_segment
from symbolset.render import render_clip, render_frame
from symbolset.spec import to_json

NAMES = families.FAMILY_NAMES  # a family whose module is missing fails here, never skips


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
