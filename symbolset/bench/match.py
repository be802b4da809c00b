"""Match = b1*Mf + b2*Mc + b3*Mt, each component in [0, 1].

Components (means of the sub-scores that apply to a video; a missing sub-score is left out):

- Mf = ``mf``                                   frame quality (no reference)
- Mc = mean(``flicker``, ``motion``, ``tracks``, ``ocr_stability``) x min(1, ``activity`` / 0.5)
  temporal coherence; the factor (the share of transitions that change at all, relative to the
  spec's) keeps a still (or blank) video from scoring well on the steadiness of a motion it does
  not have, and lowers one that holds frames (FVD is a set-level distance, reported in the summary)
- Mt = mean(``ocr_ned``, ``ocr_precision``, ``geo``) x (1 - 0.3 (1 - E))   text and symbol
  alignment: expected text found, no hallucinated text, symbolic readings right; ``E`` is the
  mean of the per-symbol exactness terms present -- ``ocr_symbols`` (halves per wrong or missing
  character of a frame's text, so one wrong character takes 15% off Mt), ``geo_segments`` (the
  worst of a construction's edges where the spec puts them relative to the rest of the figure,
  so one moved vertex costs clearly), ``geo_time`` (the share of frames whose clock, read from its
  hands, shows the prompt's time, aligned by DTW) and ``geo_marks`` (the worst plot/chart mark
  -- axis, curve, bar, point -- where the spec's values put it) -- where the similarity terms, averaged over long
  texts and whole figures, barely move (CLIPSIM is reported but not included: its scale depends
  on the CLIP model)

Every sub-score is computed on what is found in the video itself, never against the reference
render's pixels (see :mod:`symbolset.bench.score`).

Default weights ``b = (0.2, 0.3, 0.5)``: alignment carries half the weight because drawing the
*right* symbols is what SymbolBench exists to measure and only Mt checks exact ground truth;
temporal coherence is next (symbols must not break or flicker between frames; four independent
sub-scores make it the most robust component); frame sharpness is the least symbol-specific and
the easiest to game (over-sharpening), so it weighs least. With these weights the reference
renders score >= 0.95 in every family, legitimate re-renders keep >= 90% of that, and wrong
content scores clearly lower (``tests/test_bench_invariance.py``); the validation report
(``symbolset bench validate``) measures the response to corruptions. Weights are configurable
(``--weights 0.2,0.3,0.5``) and are renormalised over the components present.
"""

from __future__ import annotations

import numpy as np

from ..errors import SymbolSetError

DEFAULT_WEIGHTS = (0.2, 0.3, 0.5)
COMPONENTS = {"mf": ("mf",), "mc": ("flicker", "motion", "tracks", "ocr_stability"), "mt": ("ocr_ned", "ocr_precision", "geo")}
MOTION_GATE = 0.5
SYMBOL_GATE = 0.3  # 0.5 cost the references' own OCR misreads too much (reference Match 0.941; 0.3: 0.957)
EXACT = ("ocr_symbols", "geo_segments", "geo_time", "geo_marks")  # per-symbol exactness: each wrong character / broken edge costs clearly


def parse_weights(text: str | None) -> tuple[float, float, float]:
    """``"b1,b2,b3"`` -> weights (non-negative, not all zero); None -> the defaults."""
    if text is None:
        return DEFAULT_WEIGHTS
    try:
        w = tuple(float(x) for x in text.split(","))
    except ValueError:
        raise SymbolSetError(f"--weights: expected three numbers b1,b2,b3, got {text!r}") from None
    if len(w) != 3 or min(w) < 0 or sum(w) <= 0:
        raise SymbolSetError(f"--weights: expected three non-negative numbers, not all zero, got {text!r}")
    return w  # type: ignore[return-value]


def components(scores: dict) -> dict:
    """Mf, Mc, Mt of one video's sub-scores (None where no sub-score applies)."""
    out = {}
    for name, keys in COMPONENTS.items():
        values = [scores[k] for k in keys if scores.get(k) is not None]
        out[name] = float(np.mean(values)) if values else None
    exact = [scores[k] for k in EXACT if scores.get(k) is not None]
    if out["mt"] is not None and exact:
        out["mt"] *= 1.0 - SYMBOL_GATE * (1.0 - float(np.mean(exact)))
    if out["mc"] is not None and scores.get("activity") is not None:
        out["mc"] *= min(1.0, scores["activity"] / MOTION_GATE)
    return out


def match(scores: dict, weights=DEFAULT_WEIGHTS) -> dict:
    """``{"mf", "mc", "mt", "match"}`` of one video's sub-scores."""
    comp = components(scores)
    pairs = [(w, comp[k]) for w, k in zip(weights, ("mf", "mc", "mt")) if comp[k] is not None and w > 0]
    total = sum(w for w, _ in pairs)
    comp["match"] = float(sum(w * v for w, v in pairs) / total) if total else None
    return comp
