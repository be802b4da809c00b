"""What ``bench validate`` holds the metrics to: the goals, the metrics it reports, and which
corruption each metric is meant to detect. Read by the validation and by its report."""

from __future__ import annotations

from .corruptions import CORRUPTIONS

RHO_GOAL = -0.9
MATCH_GOAL = 0.95
METRICS = ("match", "mf", "mc", "mt", "flicker", "motion", "tracks", "ocr_stability", "ocr_ned", "ocr_precision", "ocr_symbols", "geo")
# The corruptions each metric is meant to detect (its rho must be <= RHO_GOAL on them).
TARGETS = {
    "mf": ("blur", "jpeg"),
    "flicker": ("shuffle", "jitter"),
    "motion": ("drop", "shuffle", "jitter"),
    "tracks": ("jitter",),
    "ocr_stability": ("shuffle",),
    "ocr_ned": ("char_sub", "blur", "stroke_break"),
    "geo": ("geometric", "stroke_break", "blur"),
    "mc": ("shuffle", "jitter", "drop"),
    "mt": ("char_sub", "stroke_break", "geometric"),
    "match": tuple(CORRUPTIONS),
}
