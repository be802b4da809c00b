"""The family contract: one suite, run for every name in FAMILY_NAMES (the TFDS DatasetBuilderTestCase
pattern: the checks live once, the family is the parameter).

A family whose module is missing FAILS here (``families.get`` raises); nothing is skipped. Each family
must: sample valid specs whose texts are fully covered by their fonts and lie on the canvas (200-seed
fuzz, slow; 20 seeds always); state in its captions only claims that the rendered frames bear out
(>= 100 seeds at two sizes and two frame rates, slow; a subset always, plus h264-decoded frames);
pass its own rule check; and have every claim kind caught when the claim is false (negative checks).
"""

from __future__ import annotations

import copy
import functools
import re

import numpy as np
import pytest

from symbolset import captions as cap
from symbolset import claims as cl
from symbolset import codec, families, fonts
from symbolset.claims.verify import VERIFIERS, verify_claims
from symbolset.record import caption_rng
from symbolset.render import element_states, render_clip
from symbolset.spec import validate
from symbolset.textlayout import text_quad

SIZES = (128, 256)
RATES = (4.0, 8.0)
FRAMES = 16
FUZZ_SEEDS, FAST_FUZZ_SEEDS = range(200), range(20)
SWEEP_SEEDS, FAST_SEEDS = range(100), range(2)


@pytest.fixture(params=families.FAMILY_NAMES)
def family(request):
    return families.get(request.param)  # a missing module raises: the test fails, never skips


def make(name: str, seed: int, size: int = 256, fps: float = 8.0) -> dict:
    params = {"width": size, "height": size, "num_frames": FRAMES, "fps": fps}
    return validate(families.get(name).sample(np.random.default_rng(seed), params))


@functools.lru_cache(maxsize=32)  # the fast checks reuse a few clips; the 4,000-clip sweep must not keep them all (12 GB)
def clip(name: str, seed: int, size: int = 256, fps: float = 8.0):
    spec = make(name, seed, size, fps)
    frames, annotations = render_clip(spec)
    frames.setflags(write=False)
    return spec, frames, annotations


def _fuzz(name: str, seeds) -> list[str]:
    problems = []
    for seed in seeds:
        spec = make(name, seed, SIZES[seed % 2], RATES[seed % 2])
        w, h = spec["width"], spec["height"]
        for el in spec["elements"]:
            if el["type"] == "text" and fonts.missing_chars(el["font"], el["text"]):
                problems.append(f"seed {seed}: {el['id']} misses glyphs {fonts.missing_chars(el['font'], el['text'])}")
        for t in (0.0, (spec["num_frames"] - 1) / spec["fps"]):
            for st in element_states(spec, t):
                if st["type"] != "text":
                    continue
                q = text_quad(st)
                if q[:, 0].min() < -1 or q[:, 1].min() < -1 or q[:, 0].max() > w + 1 or q[:, 1].max() > h + 1:
                    problems.append(f"seed {seed}: text {st['id']!r} leaves the canvas at {t:.3f} s ({np.round(q, 1).tolist()})")
    return problems


def _claims_hold(name: str, seeds, sizes=SIZES, rates=RATES) -> list[str]:
    fam = families.get(name)
    problems = []
    for seed in seeds:
        for size in sizes:
            for fps in rates:
                spec, frames, annotations = clip(name, seed, size, fps)
                problems += [f"seed {seed} {size}px {fps:g} fps: {p}" for p in verify_claims(spec, frames, annotations, fam.claims(spec))]
    return problems


class TestFamilyContract:
    def test_interface(self, family):
        assert family.NAME in families.FAMILY_NAMES and isinstance(family.RULE, str)
        for fn in ("sample", "claims", "captions", "difficulty", "verify"):
            assert callable(getattr(family, fn)), fn
        claims = family.claims(make(family.NAME, 0))
        assert claims and all(c["kind"] in cl.KINDS and c["kind"] in VERIFIERS for c in claims)

    def test_fuzz_fast(self, family):
        assert _fuzz(family.NAME, FAST_FUZZ_SEEDS) == []

    @pytest.mark.slow
    def test_fuzz_200_seeds(self, family):
        assert _fuzz(family.NAME, FUZZ_SEEDS) == []

    def test_claims_hold_fast(self, family):
        assert _claims_hold(family.NAME, FAST_SEEDS) == []

    @pytest.mark.slow
    def test_claims_hold_100_seeds_two_sizes_two_rates(self, family):
        assert _claims_hold(family.NAME, SWEEP_SEEDS) == []

    def test_claims_hold_on_h264_decoded_frames(self, family):
        spec, frames, annotations = clip(family.NAME, 1)
        decoded = codec.decode(codec.encode(frames, spec["fps"]))
        assert verify_claims(spec, decoded, annotations, family.claims(spec)) == []

    def test_rule_holds(self, family):
        spec, frames, annotations = clip(family.NAME, 1, 128, 4.0)
        assert family.verify(spec, frames, annotations) == []

    def test_captions_state_the_claims(self, family):
        """Quoted strings, equations and clock times the claims hold appear in the captions; no caption
        names a time after the last frame."""
        for seed in FAST_SEEDS:
            spec = make(family.NAME, seed)
            caps = family.captions(spec, caption_rng(seed))
            text = " ".join(caps[lang][g] for lang in caps for g in caps[lang])
            for c in family.claims(spec):
                if c["kind"] in ("quoted_text", "formula", "clock_time"):
                    assert c["text"] in text, (c, caps)
            last = cl.clip_end(spec)
            english = " ".join(caps["en"].values())
            for t in re.findall(r"\b(?:at|to|until|from|by|From|At|and|between|Between|ends at) (\d+(?:\.\d+)?) s\b", english):
                assert float(t) <= last + 1e-9, (t, english)

    def test_false_claims_are_caught(self, family):
        """Every claim of a sample, made false, is reported (the verifiers can fail)."""
        spec, frames, annotations = clip(family.NAME, 3)
        claims = family.claims(spec)
        assert verify_claims(spec, frames, annotations, claims) == []
        for c in claims:
            wrong, bad_frames = _falsify(c, spec, frames)
            assert verify_claims(spec, bad_frames, annotations, [wrong]), f"false {c['kind']} claim not caught: {wrong}"


def _falsify(c: dict, spec: dict, frames: np.ndarray):
    """A false version of claim ``c`` (or, for claims about the frames as a whole, frames that break it)."""
    c = copy.deepcopy(c)
    step = 1.0 / spec["fps"]
    kind = c["kind"]
    if kind == "quoted_text":
        c["text"] = c["text"] + "X"
    elif kind == "label":
        c["subject"] = "Z"
    elif kind == "formula":
        c["terms"] = c["terms"] + [["no_such_element"]]
    elif kind in ("stroke_width", "glyph_height"):
        c["px"] = c["px"] + 2
    elif kind == "position_region":
        for axis in ("col", "row"):
            if c[axis] is not None:
                c[axis] = 0 if c[axis] >= 2 else 4
    elif kind == "time_range":
        c["start"], c["end"] = c["start"] + 3 * step, max(c["start"] + 3 * step, c["end"] - 3 * step)
    elif kind == "first_ink":
        c["time"] = c["time"] + step
    elif kind == "order":
        c["mode"] = "sequential" if c["mode"] == "overlapping" else "overlapping"
    elif kind == "typing":
        frames = np.concatenate([frames[:1], np.repeat(frames[-1:], len(frames) - 1, axis=0)])
    elif kind == "motion":
        c["distance"] = c["distance"] * 2 + 10
    elif kind == "in_place":
        frames = frames.copy()
        frames[-1] = np.roll(frames[-1], spec["width"] // 5, axis=1)
    elif kind == "scale":
        c["ratio"] = round(c["ratio"] * 1.3, 3)
    elif kind == "value_sequence":
        c["values"] = c["values"] + ["88"]
    elif kind == "clock_time":
        c["seconds"] = c["seconds"] + 1800
    elif kind == "colour" and "among" in c:  # a figure claim: another of the family's colours
        c["name"] = next(n for n in c["among"] + ["red", "blue"] if n != c["name"])
    elif kind == "count":
        c["count"] = c["count"] + 1
    elif kind == "radius":
        c["px"] = c["px"] + 3
    elif kind == "relation":
        c["relation"] = "incircle" if c["relation"] == "circumcircle" else "circumcircle"
    elif kind == "turn":
        c["direction"] = "clockwise" if c["direction"] == "counter-clockwise" else "counter-clockwise"
    elif kind == "curve":  # a flat line through the middle of the plot instead of the graph
        c["function"] = {"kind": "polynomial", "coefficients": [sum(spec["meta"]["y_range"]) / 2]}
    elif kind == "data_value":
        c["value"] = c["value"] + max(10, c["value"])
    elif kind == "angle":
        c["degrees"] = c["degrees"] + 5
    elif kind == "colour":  # the palette colour farthest from the stated one (never the colour beneath)
        others = [n for n, (rgb, _) in cap.PALETTE.items() if list(rgb) != list(c.get("base", ()))]
        c["name"] = max(others, key=lambda n: float(np.linalg.norm(np.subtract(cap.PALETTE[n][0], cap.rgb(c["name"])))))
    elif kind == "rotation":
        c["turn"] = c["turn"] + 10
    elif kind == "pace":
        c["pace"] = "steady" if c["pace"] == "eased" else "eased"
    elif kind == "line_pattern":
        c["dashed"] = not c["dashed"]
    else:  # pragma: no cover - a new kind must get a falsifier
        raise AssertionError(f"no falsifier for claim kind {kind}")
    return c, frames
