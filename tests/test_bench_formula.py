"""SymbolBench reads a formula as laid out in 2-D and judges it as one statement.

Built from ``sample_spec`` on the default config (256 px), as ``generate default`` makes them:
a sum of stacked fractions (numerator over a bar over denominator), which the OCR line detector
takes for one tall line, and a sum of squares (superscripts).
"""

from __future__ import annotations

import copy

import pytest
from bench_variants import moved, video

from symbolset.bench.metrics import ocr
from symbolset.bench.reference import scale_spec
from symbolset.bench.score import Scorer
from symbolset.config import load_config
from symbolset.record import sample_spec
from symbolset.spec import validate

MARGIN = 0.15  # a wrong symbol scores at least this far below the correct, moved copy


def _formula(name: str) -> dict:
    params = load_config("default").params("formula")
    return next(s for s in (sample_spec("formula", i, params) for i in range(60)) if s["meta"]["name"] == name)


def _changed_digit(spec: dict, element: str) -> dict:
    """The spec with one digit of one text element replaced by another digit."""
    out = copy.deepcopy(spec)
    el = next(e for e in out["elements"] if e["id"] == element)
    i = next(k for k, c in enumerate(el["text"]) if c.isdigit())
    el["text"] = el["text"][:i] + str((int(el["text"][i]) + 4) % 10) + el["text"][i + 1 :]
    return validate(out)


def _score(spec: dict, drawn: dict) -> dict:
    return Scorer(ocr_frames=3).score({"id": "formula", "family": "formula", "spec": spec}, video(drawn))


@pytest.fixture(scope="module")
def fractions():
    spec = _formula("fraction sum")
    assert any(e["type"] == "polyline" for e in spec["elements"])  # the fraction bars
    return spec


def test_stacked_fractions_read_on_their_own_render_moved_and_smaller(fractions):
    """It used to score 0.63-0.82 (read ``+号=号``: numerators, bars and denominators as one line).
    At 192 px (``bench validate``'s resize by 0.75) a bar is 4 px of ink for 13 px glyphs."""
    w, h = fractions["width"], fractions["height"]
    for drawn in (fractions, moved(fractions, dx=0.08 * w, dy=-0.06 * h, scale=0.9), scale_spec(fractions, w * 3 // 4, h * 3 // 4)):
        got = _score(fractions, drawn)
        assert got["match"] >= 0.95 and got["ocr_symbols"] == 1.0, got


@pytest.mark.parametrize("name", ["fraction sum", "Pythagorean identity"])
def test_one_wrong_digit_makes_the_formula_wrong(name):
    """A wrong digit (here in the first numerator or base) costs at least MARGIN against the correct
    copy moved and 10% smaller (it used to cost 0.07-0.12: half the per-symbol factor, and only in
    the frames that show the wrong term)."""
    spec = _formula(name)
    w, h = spec["width"], spec["height"]
    right = _score(spec, moved(spec, dx=0.08 * w, dy=-0.06 * h, scale=0.9))
    wrong = _score(spec, _changed_digit(spec, "term0_0"))
    assert wrong["ocr_symbols"] == 0.0 and wrong["match"] <= right["match"] - MARGIN, (wrong, right["match"])


def test_a_statement_is_judged_by_its_final_state():
    states = [{"strings": []}, {"strings": ["5"]}, {"strings": ["5", "+", "9"]}]
    # frames aligned to states 0, 1, 2, 2: the last two read with 1 and 2 wrong symbols
    assert ocr.whole_statement(states, [0, 1, 2, 2], [0, 0, 2, 1]) == [0, 1, 2, 1]
    assert ocr.whole_statement(states, [0, 1, 2, 2], [0, 0, 0, 0]) == [0, 0, 0, 0]
    assert ocr.whole_statement(states[:1], [0, 0], [0, 0]) == [0, 0]  # no text expected: nothing to judge
