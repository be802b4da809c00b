"""The family helpers under one name, for the families that import them from here.

The helpers live in small modules by job: :mod:`.words` (the strings text families draw),
:mod:`.canvas` (building a spec: skeleton, text sizes and positions, switch-on tracks), :mod:`.ink`
(reading ink off frames: masks, colour coverage, angles) and :mod:`.wording` (caption and difficulty
helpers). New code imports those modules directly; this module only re-exports them.
"""

from __future__ import annotations

from .canvas import centered_text, crisp_y, fit_size, skeleton, step_on
from .ink import angle_diff, color_alpha, coverage, ink_mask, luma, luma_coverage, nearest_color, pixel_at
from .wording import article, text_difficulty
from .words import DIGIT_STRINGS, HAN_WORDS, LATIN_PHRASES, LATIN_WORDS, MIXED_STRINGS, sample_text

__all__ = [
    "DIGIT_STRINGS", "HAN_WORDS", "LATIN_PHRASES", "LATIN_WORDS", "MIXED_STRINGS", "angle_diff", "article",
    "centered_text", "color_alpha", "coverage", "crisp_y", "fit_size", "ink_mask", "luma", "luma_coverage",
    "nearest_color", "pixel_at", "sample_text", "skeleton", "step_on", "text_difficulty",
]  # fmt: skip
