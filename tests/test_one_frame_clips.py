"""Clips of one frame (a text-to-image sample) and of two, in every family, flat and real style.

Each clip goes the way ``symbolset generate`` then ``symbolset validate --captions`` takes it: the
record is built (rendered, encoded, captioned) and every caption claim is measured again on the
decoded video (:func:`symbolset.claims.check.check_record`); the family's own pixel check runs on the
rendered frames. A one-frame clip's captions (both languages, all three granularities) carry no word
of motion: the frame is a still.
"""

from __future__ import annotations

import re

import pytest

from symbolset import families, stage
from symbolset.claims.check import check_record
from symbolset.config import FAMILY_NAMES
from symbolset.record import build_record, clip_codec, sample_seed, sample_spec
from symbolset.render import render_clip

CLIPS = 4  # per family, style and length

# Words that describe something happening over time (checked on one-frame captions only).
MOTION_EN = re.compile(
    r"\b(mov(e|es|ed|ing)|grow(s|n|ing)?|shrink\w*|slid(e|es|ing)|glid(e|es|ing)|turn(s|ing)?|rotat\w+|sweep\w*|spin\w*|"
    r"dolly|dollies|pans?|tilts?|orbits?|shakes?|zoom\w*|pass(es|ing) (by|in front)|passing car|falling|travel\w*|stream\w*|approach\w*|"
    r"appear\w*|disappear\w*|fades?|typing|being typed|traced?|tracing|animat\w+|changes?|changing|advanc\w+|"
    r"until|then|throughout|starts at|reaches|steps through|over [\d.]+ s|steadily|whole clip|clip ends|from [\d.]+ s to|between [\d.]+ s and)\b",
    re.IGNORECASE,
)
MOTION_ZH = re.compile(r"移动|平移|生长|动画|出现|消失(?!点)|从画面前方经过|驶过|落叶|旋转|转动|推近|拉远|俯仰|环绕|晃动|逐|然后|之后|直到|变为|变化|一直|始终|仍在|保持到|结束|开始|画完|从[\d.]+秒到")


def _params(style: str, frames: int) -> dict:
    return {"width": 128, "height": 128, "num_frames": frames, "fps": 8.0, "options": {}, "style": style}


@pytest.mark.parametrize("frames", [1, 2])
@pytest.mark.parametrize("style", ["flat", "real"])
@pytest.mark.parametrize("family", FAMILY_NAMES)
def test_short_clips_generate_and_every_claim_holds(family, style, frames):
    fam = families.get(family)
    for k in range(CLIPS):
        seed = sample_seed(0, family, k)
        params = _params(style, frames)
        spec = sample_spec(family, seed, params)
        assert ("stage" in spec) == (style == "real")
        row = build_record(spec, sample_id=f"{family}-{k}", split="train", seed=seed, codec_name=clip_codec(spec, params))
        row["caption_source"] = "generated"
        _, status, problems = check_record(row)
        assert (status, problems) == ("ok", []), f"{family} {style} {frames} frame(s), clip {k}"
        card = stage.card(spec)
        frames_, annotations = render_clip(card)
        assert len(frames_) == frames
        assert fam.verify(card, frames_, annotations) == [], f"{family} {style} {frames} frame(s), clip {k}"
        if frames == 1:
            assert row["difficulty"]["motion_speed"] == 0.0, f"{family} clip {k}"
            _assert_still_words(row["captions"], f"{family} {style} clip {k}")


def _assert_still_words(caps: dict, where: str) -> None:
    for g, text in caps["en"].items():
        text = re.sub(r"nothing \w+", "", text)  # a negation states the still ("nothing grows")
        assert not MOTION_EN.search(text), f"{where} en.{g}: {MOTION_EN.search(text)[0]!r} in {text!r}"
    for g, text in caps["zh"].items():
        text = re.sub(r"没有\w+过程", "", text)  # a negation states the still ("没有生长过程")
        assert not MOTION_ZH.search(text), f"{where} zh.{g}: {MOTION_ZH.search(text)[0]!r} in {text!r}"
    assert "single frame" in caps["en"]["temporal"] and "一帧" in caps["zh"]["temporal"], where


@pytest.mark.parametrize("style", ["flat", "real"])
def test_one_frame_composite_scenes(style):
    """A composite scene of one frame: every part is a still, its claims hold on the decoded video."""
    for k in range(CLIPS):
        seed = sample_seed(0, "composite", k)
        params = {**_params(style, 1), "width": 256, "height": 256}
        spec = sample_spec("composite", seed, params)
        row = build_record(spec, sample_id=f"composite-{k}", split="train", seed=seed, codec_name=clip_codec(spec, params))
        row["caption_source"] = "generated"
        assert check_record(row)[1:] == ("ok", []), f"composite {style} clip {k}"
        _assert_still_words(row["captions"], f"composite {style} clip {k}")
        temporal = row["captions"]["en"]["temporal"], row["captions"]["zh"]["temporal"]
        assert temporal[0].count("A single frame at") == 1 and temporal[1].count("秒处的一帧") == 1, temporal  # said once, not per part


def test_the_single_frame_opening_is_taken_off_every_familys_still():
    """Every family's one-frame temporal caption opens with :func:`captions.single_frame`'s words, and
    :func:`captions.without_single_frame` leaves what the frame shows (a composite scene's parts)."""
    from symbolset import captions as cap
    from symbolset.families import get
    from symbolset.record import caption_rng

    for family in FAMILY_NAMES:
        seed = sample_seed(0, family, 0)
        caps = get(family).captions(sample_spec(family, seed, _params("flat", 1)), caption_rng(seed))
        en, zh = caps["en"]["temporal"], caps["zh"]["temporal"]
        assert en.startswith("A single frame at 0.0 s") and zh.startswith("只有0.0秒处的一帧"), (family, en, zh)
        rest_en, rest_zh = cap.without_single_frame(en), cap.without_single_frame(zh)
        assert "single frame" not in rest_en and "一帧" not in rest_zh and rest_en[:1].islower() and rest_zh[:1] not in "，：", (family, rest_en, rest_zh)
        assert cap.single_frame("0.0", en[len("A single frame at 0.0 s") :], zh[len("只有0.0秒处的一帧") :]) == (en, zh)


def test_the_motion_word_check_can_fail():
    """The multi-frame captions it guards against are caught (the rule is not vacuous)."""
    for family in FAMILY_NAMES:
        seed = sample_seed(0, family, 0)
        spec = sample_spec(family, seed, _params("real", 12))
        row = build_record(spec, sample_id="x", split="train", seed=seed, codec_name=clip_codec(spec, {}))
        caps = row["captions"]
        assert MOTION_EN.search(caps["en"]["temporal"]) and MOTION_ZH.search(caps["zh"]["temporal"]), (family, caps["en"]["temporal"], caps["zh"]["temporal"])


def test_a_scene_template_too_short_for_its_timing_is_refused_in_one_line():
    """A scene template whose timed keys need more frames names num_frames in its one-line error."""
    from symbolset.errors import SymbolSetError

    with pytest.raises(SymbolSetError) as err:
        sample_spec("scene:typing_line", sample_seed(0, "scene:typing_line", 0), _params("flat", 1))
    assert "\n" not in str(err.value) and "num_frames: 1 is too few frames" in str(err.value), str(err.value)
