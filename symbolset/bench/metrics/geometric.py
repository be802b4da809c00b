"""Mt (b), geometric fidelity: detected primitives against the spec's values, per family.

Frames are read at the spec's native resolution (see :mod:`symbolset.bench.reference`), so the
spec's own annotations give the expected primitives. Every detector returns a score in [0, 1] or
None when it does not apply; a family's geometric fidelity is the mean of the detectors that apply.

- ``edges`` (every frame with annotated shapes or text, any family): Canny edges of the frame
  against those of the reference render, F-score with a tolerance of 1.5 px. For text this is
  glyph *shape* fidelity, which OCR (built to tolerate distorted letters) does not measure.
- ``circles`` (any ``circle`` shape, e.g. geometry, clock faces): edge pixels within a band around
  the expected circle are fitted (least squares); error = (|centre shift| + |radius error|) / r;
  score = max(0, 1 - error / 0.2) * coverage of the expected arc by edge pixels.
- ``lanes`` (``lane_line`` shapes): Hough segments of the frame that point roughly at the expected
  vanishing point are intersected (least squares); score = exp(-d / (0.05 * diagonal)).
- ``seven_segment``: the family's own 7-segment reader decodes the digits; score = fraction of
  characters equal to the spec's value at that time.
- ``hands`` (clock): the family's own reader finds each hand's angle from its colour; per hand,
  score = max(0, 1 - |angle error| / 15 degrees), a hand not found scoring 0.

Detectors are registered per shape type / family in ``DETECTORS``; a family that is added later is
covered by ``edges`` (and any shape-type detector) until it registers its own.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from ...families import clock, seven_segment
from ...families.common import angle_diff

_EDGE_TOL = 1.5


def _edges(frame: np.ndarray) -> np.ndarray:
    gray = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)
    return cv2.Canny(gray, 50, 150, L2gradient=True) > 0


def edge_fscore(frame: np.ndarray, reference: np.ndarray) -> float | None:
    """F-score of the frame's edges against the reference's, each matched within 1.5 px."""
    e_v, e_r = _edges(frame), _edges(reference)
    if not e_r.any():
        return None
    if not e_v.any():
        return 0.0
    d_r = cv2.distanceTransform((~e_r).astype(np.uint8), cv2.DIST_L2, 3)
    d_v = cv2.distanceTransform((~e_v).astype(np.uint8), cv2.DIST_L2, 3)
    precision = float((d_r[e_v] <= _EDGE_TOL).mean())
    recall = float((d_v[e_r] <= _EDGE_TOL).mean())
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def fit_circle(xs: np.ndarray, ys: np.ndarray) -> tuple[float, float, float]:
    """Least-squares (Kasa) circle through points: (cx, cy, r)."""
    a = np.column_stack([xs, ys, np.ones_like(xs)])
    (d, e, f), *_ = np.linalg.lstsq(a, -(xs**2 + ys**2), rcond=None)
    cx, cy = -d / 2, -e / 2
    return float(cx), float(cy), float(math.sqrt(max(cx * cx + cy * cy - f, 0.0)))


def circle_score(frame: np.ndarray, params: dict) -> float | None:
    """Fit of the edges near one expected circle (see the module docstring)."""
    (cx, cy), r = params["center"], float(params["radius"])
    sweep = abs(float(params.get("sweep", 360.0)))
    if r < 4 or sweep < 90:
        return None
    edges = _edges(frame)
    band = max(3.0, 0.15 * r) + float(params.get("width", 2)) / 2
    ys, xs = np.nonzero(edges)
    xs, ys = xs + 0.5, ys + 0.5
    near = np.abs(np.hypot(xs - cx, ys - cy) - r) <= band
    if near.sum() < 8:
        return 0.0
    fx, fy, fr = fit_circle(xs[near], ys[near])
    error = (math.hypot(fx - cx, fy - cy) + abs(fr - r)) / r
    angles = np.degrees(np.arctan2(ys[near] - cy, xs[near] - cx)) % 360
    covered = len(np.unique((angles // 10).astype(int))) / max(1, int(math.ceil(sweep / 10)))
    return float(max(0.0, 1.0 - error / 0.2) * min(1.0, covered))


def lanes_score(frame: np.ndarray, shapes: list[dict]) -> float | None:
    """Vanishing-point consistency of the lane lines seen in the frame."""
    lanes = [s["params"] for s in shapes if s["type"] == "lane_line"]
    if len(lanes) < 2:
        return None
    vx, vy = lanes[0]["vanishing_point"]
    h, w = frame.shape[:2]
    edges = _edges(frame).astype(np.uint8) * 255
    edges[: int(max(0, vy + 0.1 * (h - vy)))] = 0
    segs = cv2.HoughLinesP(edges, 1, np.pi / 180, threshold=max(8, h // 16), minLineLength=max(6, h // 12), maxLineGap=max(2, h // 40))
    if segs is None:
        return 0.0
    normals, offsets = [], []
    for x0, y0, x1, y1 in segs.reshape(-1, 4).astype(float) + 0.5:
        d = np.array([x1 - x0, y1 - y0])
        length = np.linalg.norm(d)
        to_vp = np.array([vx - x0, vy - y0])
        cos = abs(d @ to_vp) / (length * np.linalg.norm(to_vp) + 1e-9)
        if length == 0 or cos < math.cos(math.radians(20)):
            continue
        n = np.array([-d[1], d[0]]) / length
        normals.append(n * math.sqrt(length))
        offsets.append(n @ np.array([x0, y0]) * math.sqrt(length))
    if len(normals) < 2:
        return 0.0
    a, b = np.asarray(normals), np.asarray(offsets)
    if np.linalg.matrix_rank(a) < 2:
        return 0.0
    p, *_ = np.linalg.lstsq(a, b, rcond=None)
    d = math.hypot(p[0] - vx, p[1] - vy)
    return float(math.exp(-d / (0.05 * math.hypot(h, w))))


def seven_segment_score(frame: np.ndarray, spec: dict, shapes: list[dict]) -> float | None:
    """Fraction of 7-segment characters decoded from pixels that equal the spec's value."""
    display = next((el for el in spec["elements"] if el.get("type") == "seven_segment"), None)
    shape = next((s for s in shapes if s["type"] == "seven_segment"), None)
    if display is None or shape is None:
        return None
    panel = next((el for el in spec["elements"] if el.get("type") == "polygon"), None)
    off = display.get("off_color") or (panel["fill"] if panel else spec["background"])
    want = shape["params"]["text"]
    got = seven_segment.read_display(frame, shape["params"]["digits"], display["color"], off)
    return float(np.mean([a == b for a, b in zip(got, want)])) if want else None


_HAND_TOL_DEG = 15.0


def hands_score(frame: np.ndarray, spec: dict, time: float) -> float | None:
    """Mean over the clock's hands of ``max(0, 1 - |angle error| / 15 deg)`` (0 for a hand not found)."""
    got, want = clock.read_hands(spec, frame), clock.expected_hands(spec, time)
    errors = [None if got[n] is None else abs(angle_diff(got[n], want[n])) for n in clock.hand_names(spec)]
    return float(np.mean([0.0 if e is None else max(0.0, 1.0 - e / _HAND_TOL_DEG) for e in errors]))


def _circles(frame, shapes):
    scores = [circle_score(frame, s["params"]) for s in shapes if s["type"] == "circle"]
    scores = [s for s in scores if s is not None]
    return float(np.mean(scores)) if scores else None


# name -> detector(frame, reference_frame, spec, annotation, shapes) -> score | None
DETECTORS = {
    "edges": lambda frame, reference, spec, ann, shapes: edge_fscore(frame, reference),
    "circles": lambda frame, reference, spec, ann, shapes: _circles(frame, shapes),
    "lanes": lambda frame, reference, spec, ann, shapes: lanes_score(frame, shapes),
    "seven_segment": lambda frame, reference, spec, ann, shapes: seven_segment_score(frame, spec, shapes),
    "hands": lambda frame, reference, spec, ann, shapes: hands_score(frame, spec, ann["time"]),
}
# family -> detectors that apply (families not listed use DEFAULT_DETECTORS)
FAMILY_DETECTORS = {
    "text_typing": ("edges",),
    "text_motion": ("edges",),
    "seven_segment": ("edges", "seven_segment"),
    "clock": ("edges", "circles", "hands"),
    "lanes": ("edges", "lanes"),
    "geometry": ("edges", "circles"),
}
DEFAULT_DETECTORS = ("edges", "circles")


def geometric_scores(spec: dict, frames: list[np.ndarray], references: list[np.ndarray], annotations: list[dict]) -> dict:
    """Per-detector means and their mean ``geo`` over sampled native-resolution frames (None when
    the family has no geometric detector or no frame has annotated shapes or text)."""
    names = FAMILY_DETECTORS.get(spec["family"], DEFAULT_DETECTORS)
    per: dict[str, list[float]] = {n: [] for n in names}
    for frame, ref, ann in zip(frames, references, annotations):
        shapes = [s for s in ann["shapes"] if s["type"] != "cursor"]
        if not shapes and not any(t["string"].strip() for t in ann.get("texts", [])):
            continue
        for n in names:
            value = DETECTORS[n](frame, ref, spec, ann, shapes)
            if value is not None:
                per[n].append(value)
    means = {f"geo_{n}": float(np.mean(v)) for n, v in per.items() if v}
    return {"geo": float(np.mean(list(means.values()))) if means else None, **means}
