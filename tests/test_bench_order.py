"""Motion grades how much of a clip's order is broken (issue 13, stop 24 item 1): the order factor
compares the clip's temporal self-similarity with the spec's, so a shuffle of more frames costs
more, while the same motion drawn elsewhere, in other colours or at another frame rate costs nothing."""

from __future__ import annotations

import json

import numpy as np

from symbolset import codec
from symbolset.bench.corruptions import SEVERITIES, corrupt
from symbolset.bench.metrics import temporal
from symbolset.layout import iter_rows
from symbolset.render import render_clip
from symbolset.spec import validate


def _growing_bar(n: int, *, x0: int = 8, color=(0, 0, 0), size: int = 64) -> np.ndarray:
    """A bar that grows by the same length every frame (a steady, never-repeating motion)."""
    frames = np.full((n, size, size, 3), 255, np.uint8)
    for t in range(n):
        frames[t, 20:40, x0 : x0 + 2 + round(40 * t / (n - 1))] = color
    return frames


def test_order_falls_with_the_share_of_shuffled_frames():
    spec = _growing_bar(16)
    assert temporal.order_score(spec, spec) == 1.0
    means = [np.mean([temporal.order_score(corrupt("shuffle", spec, s, seed, {}), spec) for seed in range(6)]) for s in SEVERITIES]
    assert all(a > b for a, b in zip([1.0, *means], means)), means
    assert means[-1] < 0.6


def test_order_ignores_where_how_and_how_often_the_motion_is_drawn():
    spec = _growing_bar(16)
    elsewhere = _growing_bar(16, x0=16, color=(200, 30, 30), size=80)
    assert temporal.order_score(elsewhere, spec) >= 0.98
    finer = _growing_bar(31)  # twice the frame rate: the map puts each frame between two spec frames
    assert temporal.order_score(finer, spec, slack=0.5 / 15) >= 0.95
    held = spec.copy()
    held[[5, 6]] = held[[6, 5]]  # two frames swapped
    assert temporal.order_score(held, spec) < 0.98


def test_motion_falls_with_every_shuffle_severity_on_tiny(tiny_dir):
    """The validation's curve (mean over tiny's test clips, one per family, the same seeds): it
    rose from severity 3 to 4 before the order factor (rho -0.83)."""
    curves = []
    for k, row in enumerate(iter_rows(tiny_dir, "test", columns=["id", "spec", "video"])):
        spec = json.loads(row["spec"])
        native = render_clip(validate(spec))[0]
        frames = codec.decode(row["video"]["bytes"], row["id"])
        curves.append([temporal.motion_score(corrupt("shuffle", frames, s, k, spec) if s else frames, native) for s in (0, *SEVERITIES)])
    mean = np.mean(curves, axis=0)
    assert all(a > b for a, b in zip(mean, mean[1:])), mean
