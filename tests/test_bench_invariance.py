"""SymbolBench scores what is drawn, not where: for every family, correct videos re-rendered by the
generator (moved and 10% smaller, at 1.5x the resolution, in another font, re-timed 0.8x / 1.25x at
another frame count) score close to the reference render, a video of another prompt of the same
family scores clearly lower, and the prompt drawn with one symbol changed ranks below them all. The reference renders reach Match >= 0.95 in every family (mean of tiny's 3 clips
of the family, none below 0.9; issue 12 item 4)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from bench_variants import lane_swapped, moved, refonted, retimed, video

from symbolset import codec
from symbolset.bench.metrics import ocr
from symbolset.bench.reference import scale_spec
from symbolset.bench.score import Scorer
from symbolset.bench.variants import one_symbol
from symbolset.families import FAMILY_NAMES
from symbolset.layout import iter_rows

MATCH_GOAL = 0.95
KEEP = 0.9  # a legitimate re-render keeps at least this share of the reference's Match
MARGIN = 0.15  # wrong content scores at least this much below the correct-but-moved video


def _variants(spec: dict) -> dict:
    w, h = spec["width"], spec["height"]
    out = {"moved": moved(spec, dx=0.08 * w, dy=-0.06 * h, scale=0.9),
           "rescaled": scale_spec(spec, w * 3 // 2, h * 3 // 2),
           "faster": retimed(spec, 0.8, num_frames=spec["num_frames"] + 4),
           "slower": retimed(spec, 1.25)}  # fmt: skip
    if any(el["type"] == "text" for el in spec["elements"]):
        out["refont"] = refonted(spec)
    return out


def _final_text(row: dict) -> str:
    return "".join(ocr.normalize(t["string"]) for t in row["annotations"][-1]["texts"])


@pytest.fixture(scope="module")
def scores(tiny_dir):
    """Per family: Match of the reference render (tiny's test clip), its variants, and another
    prompt's clip of the same family (the one whose final text differs most; for lanes, whose tiny
    prompts all ask for the same lines, the spec with one line's kind changed) and the prompt's own
    spec with one symbol changed (``variants.one_symbol``: a character, a digit, the time, a
    vertex, a lane's kind), all scored against
    the test clip's prompt. (tiny's other formula 'sin^2 alpha + cos^2 alpha = 1' differs from
    'sin^2 lambda + ...' by one Greek letter, which OCR cannot tell reliably.)"""
    rows = list(iter_rows(tiny_dir))
    scorer = Scorer()
    out = {}
    for row in (r for r in rows if r["id"].endswith("-000000")):
        spec = json.loads(row["spec"])
        prompt = {"id": row["id"], "family": row["family"], "spec": spec}
        if row["family"] == "lanes":  # tiny's other road scenes show the same lines: change one instead
            wrong = video(lane_swapped(spec))
        else:  # the other prompt of the family whose final text differs most from this one's
            others = [r for r in rows if r["family"] == row["family"] and r["id"] != row["id"]]
            other = min(others, key=lambda r: ocr.ned(_final_text(row), _final_text(r)))
            wrong = codec.decode(other["video"]["bytes"])
        got = {"reference": scorer.score(prompt, codec.decode(row["video"]["bytes"])), "wrong": scorer.score(prompt, wrong),
               "one_symbol": scorer.score(prompt, video(one_symbol(spec, 0)))}  # fmt: skip
        got.update({name: scorer.score(prompt, video(v)) for name, v in _variants(spec).items()})
        out[row["family"]] = got
        print(row["family"], {name: round(s["match"], 3) for name, s in got.items()})  # the figures, with pytest -s
    return out


@pytest.fixture(scope="module")
def references(tiny_dir, scores):
    """Per family: Match of each of tiny's clips (its stored H.264 video) against its own prompt,
    tiny's one real-style clip included (signage: a hand passing in front of a card on metal, with
    the lens's deliberate noise; 0.79-0.87 before Mf had a real-style calibration and before OCR
    stopped demanding the characters the hand covers, 0.98 since)."""
    out: dict[str, list[float]] = {}
    scorer = Scorer()
    for row in iter_rows(tiny_dir):
        if row["id"].endswith("-000000"):  # scored already, with the variants
            out.setdefault(row["family"], []).append(scores[row["family"]]["reference"]["match"])
            continue
        prompt = {"id": row["id"], "family": row["family"], "spec": json.loads(row["spec"])}
        out.setdefault(row["family"], []).append(scorer.score(prompt, codec.decode(row["video"]["bytes"]))["match"])
    print({family: [round(m, 3) for m in matches] for family, matches in out.items()})
    return out


# Known gap (issue 13): the per-symbol term (ocr_symbols) charges every misread character, and at
# tiny's 128 px OCR misreads some characters of these families' own reference renders (small tick
# labels), so their references fall under 0.95. (formula's lambda, read as "A", and
# seven_segment's degree sign, dropped, are folded by the OCR normalisation and pass.)
# Strict: passing makes the test fail, so the mark goes when the readers improve.
_MISREAD = pytest.mark.xfail(strict=True, reason="OCR misreads at 128 px cost the reference under the per-symbol term")
_REF_MISREAD = ("plot",)


@pytest.mark.slow  # every family: scores 30 clips and their variants (OCR)
@pytest.mark.parametrize("family", [pytest.param(f, marks=_MISREAD) if f in _REF_MISREAD else f for f in FAMILY_NAMES])
def test_reference_reaches_the_goal_in_every_family(references, family):
    assert len(references[family]) == 3
    assert np.mean(references[family]) >= MATCH_GOAL and min(references[family]) >= 0.9, references[family]


# Known gap: chart's small tick and day labels (Chinese "周一".."周五" about 6 px high at 128 px, 10%
# smaller still) sit under the OCR engine's resolution floor: they are misread, and since one wrong
# character costs 15% of Mt its moved copy falls under 0.9 of the reference (0.89 before the
# per-symbol term). Reading them would need a recogniser for glyphs this small; enlarging the frame
# before recognition did not help. Strict: passing it makes this test fail.
_OCR_FLOOR = pytest.mark.xfail(strict=True, reason="tick labels at the OCR engine's resolution floor when drawn 10% smaller")
# Known gap: formula's superscript 2s (about 3 px high at 128 px) and its lambda, drawn 10% smaller,
# fall under the OCR floor (read 'sin+cos=1'); since the reference itself now reads exactly (0.86 ->
# 0.99, lambda folded with the recogniser's "A"), the moved copy keeps 0.78 of it, under 0.9, and
# ranks below the one-wrong-character clip. Strict: passing it makes this test fail.
_SUPERSCRIPT_FLOOR = pytest.mark.xfail(strict=True, reason="formula superscripts at the OCR engine's resolution floor when drawn 10% smaller")
_FLOOR = {"chart": _OCR_FLOOR, "formula": _SUPERSCRIPT_FLOOR}


@pytest.mark.slow  # every family: scores 30 clips and their variants (OCR)
@pytest.mark.parametrize("family", [pytest.param(f, marks=_FLOOR[f]) if f in _FLOOR else f for f in FAMILY_NAMES])
def test_legitimate_rerenders_keep_the_score(scores, family):
    ref = scores[family]["reference"]["match"]
    for name in ("moved", "rescaled", "faster", "slower", "refont"):
        if name in scores[family]:
            assert scores[family][name]["match"] >= KEEP * ref, (name, scores[family][name])


@pytest.mark.slow  # every family: scores 30 clips and their variants (OCR)
@pytest.mark.parametrize("family", FAMILY_NAMES)
def test_wrong_content_scores_clearly_lower(scores, family):
    assert scores[family]["wrong"]["match"] <= scores[family]["moved"]["match"] - MARGIN, scores[family]["wrong"]


@pytest.mark.slow  # every family: scores 30 clips and their variants (OCR)
@pytest.mark.parametrize("family", [pytest.param(f, marks=_FLOOR[f]) if f in _FLOOR else pytest.param(f, marks=_MISREAD) if f == "plot" else f
                                    for f in FAMILY_NAMES])  # fmt: skip
def test_one_changed_symbol_scores_below_every_correct_rerender(scores, family):
    """Discrimination at its finest: the prompt drawn with one symbol wrong ranks below every
    correct re-render (what AUROC = 1 asks of the validation)."""
    correct = [s["match"] for name, s in scores[family].items() if name not in ("wrong", "one_symbol")]
    assert scores[family]["one_symbol"]["match"] < min(correct), (scores[family]["one_symbol"]["match"], correct)


def test_blank_and_static_videos_score_low(tiny_dir):
    row = next(r for r in iter_rows(tiny_dir, "test") if r["family"] == "text_typing")
    prompt = {"id": row["id"], "family": row["family"], "spec": json.loads(row["spec"])}
    frames = codec.decode(row["video"]["bytes"])
    scorer = Scorer(ocr_frames=3)
    blank = scorer.score(prompt, np.full_like(frames, 255))
    assert blank["mf"] == 0.0 and blank["mc"] <= 0.5 and blank["ocr_ned"] == 0.0 and blank["match"] < 0.3
    still = scorer.score(prompt, np.repeat(frames[-1:], len(frames), axis=0))  # the final text, frozen
    assert still["motion"] == 0.0 and still["mc"] < 0.5
    for one in (frames[:1], frames[-1:]):  # a one-frame video is a still picture too
        single = scorer.score(prompt, one)
        assert single["motion"] == 0.0 and single["activity"] == 0.0 and single["mc"] == 0.0, single
        assert single["match"] < scorer.score(prompt, frames)["match"] - 0.2


def test_dtw_aligns_a_faster_timeline_and_keeps_a_frozen_one_apart():
    from symbolset.bench.metrics import align

    spec = np.arange(10) / 9  # a spec state per frame, 0 .. 1
    faster = np.minimum(1.0, np.arange(6) / 5 / 0.8)  # the same states, done at 80% of the clip
    cost = np.abs(spec[:, None] - faster[None, :])
    path = align.dtw_path(cost)
    assert path[0] == (0, 0) and path[-1] == (9, 5)
    assert all(b[0] >= a[0] and b[1] >= a[1] for a, b in zip(path, path[1:]))  # monotonic
    assert max(cost[i, j] for i, j in path) < 0.12
    frozen = np.zeros(6)  # the first state, held: the band forces the end onto late states
    rows = align.best_per_column(1 - np.abs(spec[:, None] - frozen[None, :]), align.dtw_path(np.abs(spec[:, None] - frozen[None, :])))
    assert spec[rows[-1]] >= 0.6


def test_text_recall_precision_and_cursor():
    from symbolset.bench.metrics import ocr

    assert ocr.substring_distance("EXIT", "→EXIT出口") == 0 and ocr.substring_distance("EXIT", "EXlT") == 1
    assert ocr.recall(["出口", "EXIT"], "EXIT出口") == (1.0, 1.0)  # anywhere, in any line split
    assert ocr.precision(["EXIT", "9876"], "EXIT", cursor=False) == 0.5  # hallucinated text halves it
    assert ocr.precision(["Pharl"], "Phar", cursor=True) == 1.0 and ocr.precision(["Pharl"], "Phar", cursor=False) < 1.0
    assert ocr.reading_order([("b", [50, 0, 60, 10]), ("a", [0, 2, 10, 12]), ("c", [0, 30, 10, 40])]) == ["a", "b", "c"]


def test_frame_quality_needs_no_reference(tiny_dir):
    import cv2

    from symbolset.bench.metrics import quality
    from symbolset.bench.reference import scale_spec

    row = next(r for r in iter_rows(tiny_dir, "test") if r["family"] == "signage")
    spec = json.loads(row["spec"])
    clean = codec.decode(row["video"]["bytes"])
    big = video(scale_spec(spec, 256, 256))
    assert quality.frame_quality(clean, "signage")["mf"] > 0.95 and quality.frame_quality(big, "signage")["mf"] > 0.95
    blurred = [quality.frame_quality(np.stack([cv2.GaussianBlur(f, (0, 0), s) for f in clean]), "signage")["mf"] for s in (0.8, 1.5, 3.0)]
    assert 1.0 > blurred[0] > blurred[1] > blurred[2]
    noisy = np.clip(clean + np.random.default_rng(0).normal(0, 12, clean.shape), 0, 255).astype(np.uint8)
    assert quality.frame_quality(noisy, "signage")["mf"] < 0.8
    assert quality.frame_quality(np.full_like(clean, 128), "signage")["mf"] == 0.0
