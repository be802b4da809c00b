"""The colour, rotation and line_pattern claims of text_typing, text_motion, signage, seven_segment and
lanes: true claims hold on rendered and h264-decoded frames, false ones are caught, and the captions
take every colour, turn and line kind from the claims (never from the sampler's ``meta``)."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from symbolset import captions as cap
from symbolset import codec, families
from symbolset.claims.verify import verify_claims
from symbolset.record import caption_rng
from symbolset.render import render_clip

FAMILIES = ("text_typing", "text_motion", "signage", "seven_segment", "lanes")


def _sample(name: str, seed: int, size: int = 128, fps: float = 4.0) -> dict:
    return families.get(name).sample(np.random.default_rng(seed), {"width": size, "height": size, "num_frames": 12, "fps": fps})


def _rotating_text(size: int = 128) -> dict:
    return next(s for s in (_sample("text_motion", k, size) for k in range(50)) if s["meta"]["rotation"][0] != s["meta"]["rotation"][1])


def test_pace_is_measured_on_the_ink():
    """A glide states its pace (steady or easing in and out) only as the ink's speed profile shows it."""
    seen = set()
    for seed in range(30):
        spec = _sample("text_motion", seed, 128, 8.0)
        pace = [c for c in families.get("text_motion").claims(spec) if c["kind"] == "pace"]
        if not pace or pace[0]["pace"] in seen:
            continue
        seen.add(pace[0]["pace"])
        frames, annotations = render_clip(spec)
        assert verify_claims(spec, frames, annotations, pace) == []
        wrong = {**pace[0], "pace": "steady" if pace[0]["pace"] == "eased" else "eased"}
        assert verify_claims(spec, frames, annotations, [wrong])
        words = {"eased": "easing in and out", "steady": "at a steady pace"}[pace[0]["pace"]]
        caps = families.get("text_motion").captions(spec, caption_rng(seed))
        assert words in caps["en"]["temporal"]
    assert seen == {"eased", "steady"}


@pytest.mark.parametrize("size", [128, 256])
def test_rotation_is_measured_on_the_ink(size):
    spec = _rotating_text(size)
    frames, annotations = render_clip(spec)
    rotation = next(c for c in families.get("text_motion").claims(spec) if c["kind"] == "rotation")
    turn = spec["meta"]["rotation"][1] - spec["meta"]["rotation"][0]
    assert abs(rotation["turn"] - turn) < 0.1
    decoded = codec.decode(codec.encode(frames, spec["fps"]))
    for shown in (frames, decoded):
        assert verify_claims(spec, shown, annotations, [rotation]) == []
        for wrong in (rotation["turn"] + 5, rotation["turn"] - 5, -rotation["turn"]):
            assert verify_claims(spec, shown, annotations, [{**rotation, "turn": wrong}]), wrong


@pytest.mark.parametrize("name", FAMILIES)
def test_every_other_palette_colour_is_caught(name):
    """Each colour claim holds, and naming any palette colour more than 60 RGB units away is caught
    (nearer ones, such as white for cream, may be indistinguishable on thin anti-aliased ink)."""
    spec = _sample(name, 2)
    frames, annotations = render_clip(spec)
    colours = [c for c in families.get(name).claims(spec) if c["kind"] == "colour"]
    assert colours and verify_claims(spec, frames, annotations, colours) == []
    for c in colours:
        for other, (rgb, _) in cap.PALETTE.items():
            if np.linalg.norm(np.subtract(rgb, cap.rgb(c["name"]))) > 60 and list(rgb) != list(c.get("base", ())):
                assert verify_claims(spec, frames, annotations, [{**c, "name": other}]), (c["subject"], other)


def test_lane_patterns_are_read_off_the_ink():
    spec = next(s for s in (_sample("lanes", k) for k in range(20)) if len(s["meta"]["lanes"]) >= 3)
    frames, annotations = render_clip(spec)
    patterns = [c for c in families.get("lanes").claims(spec) if c["kind"] == "line_pattern"]
    assert {c["dashed"] for c in patterns} == {True, False}
    assert verify_claims(spec, frames, annotations, patterns) == []
    for c in patterns:
        assert verify_claims(spec, frames, annotations, [{**c, "dashed": not c["dashed"]}]), c["subject"]


@pytest.mark.parametrize("name", FAMILIES)
def test_captions_do_not_read_the_samplers_meta(name):
    """Tampering with every colour, turn, ease and lane kind in ``meta`` leaves the captions unchanged:
    those words come from the claims, which are measured on the rendered clip."""
    for seed in range(4):
        spec = _sample(name, seed)
        tampered = copy.deepcopy(spec)
        m = tampered["meta"]
        for key in ("color", "background", "panel", "ink", "sky", "ground", "road", "off_color", "frame"):
            if key in m:
                m[key] = "purple"
        for key, value in (("rotation", [0.0, 0.0]), ("scale", [1.0, 2.0]), ("motion", "rotate"), ("ease", "linear"), ("end", 99.0),
                           ("script", "none"), ("label", "XX"), ("unit", "K"), ("text", "XX")):  # fmt: skip
            if key in m:
                m[key] = value
        for lane in m.get("lanes", []):
            lane.update(kind="solid", color="purple")
        assert families.get(name).captions(tampered, caption_rng(seed)) == families.get(name).captions(spec, caption_rng(seed))


def test_time_range_counts_frame_steps_from_the_first_frame_at_the_start():
    """A start between frames (0.249 s at 4 fps) is first shown at 0.25 s; a circle's arc too short
    to survive H.264 at 128 px is seen two frames later (0.75 s), which the claim allows."""
    from symbolset.record import sample_spec

    spec = sample_spec("geometry", 23, {"width": 128, "height": 128, "num_frames": 16, "fps": 4, "codec": "h264", "options": {}})
    frames, annotations = render_clip(spec)
    claims = [c for c in families.get("geometry").claims(spec) if c["kind"] == "time_range"]
    assert claims and claims[0]["start"] == 0.249
    decoded = codec.decode(codec.encode(frames, spec["fps"], "h264"))
    assert verify_claims(spec, decoded, annotations, claims) == []
    late = [{**claims[0], "start": 0.0}]  # stated a frame earlier than anything is drawn: caught
    assert verify_claims(spec, decoded, annotations, late)
