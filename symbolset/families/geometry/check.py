"""The geometry rule, measured on pixels: circle and line fits, label ink, and each construction's
definition (the triangle closes, the circle passes through the vertices or touches the sides, P
stays on its circle) checked in every frame."""

from __future__ import annotations

import math

import numpy as np

from ... import captions as cap
from ...claims.figures import element_region
from .. import common


def fit_circle(xs: np.ndarray, ys: np.ndarray, weights=None) -> tuple[float, float, float]:
    """Weighted least-squares (Kasa) circle through pixel centres: (cx, cy, r)."""
    wt = np.sqrt(np.ones_like(xs) if weights is None else weights)
    a = np.column_stack([xs, ys, np.ones_like(xs)]) * wt[:, None]
    b = -(xs**2 + ys**2) * wt
    (d, e, f), *_ = np.linalg.lstsq(a, b, rcond=None)
    cx, cy = -d / 2, -e / 2
    return float(cx), float(cy), float(math.sqrt(max(cx * cx + cy * cy - f, 0.0)))


def fit_line(xs: np.ndarray, ys: np.ndarray, weights=None) -> tuple[np.ndarray, np.ndarray]:
    """Weighted total-least-squares line through pixel centres: (point on line, unit direction)."""
    pts = np.column_stack([xs, ys]).astype(np.float64)
    wt = np.ones(len(pts)) if weights is None else np.asarray(weights, np.float64)
    mean = (pts * wt[:, None]).sum(0) / wt.sum()
    _, _, vt = np.linalg.svd((pts - mean) * np.sqrt(wt)[:, None], full_matrices=False)
    return mean, vt[0]


def line_distance(point, line) -> float:
    """Distance from ``point`` to a line given as (point, unit direction)."""
    p0, d = line
    v = np.asarray(point, np.float64) - p0
    return float(abs(v[0] * d[1] - v[1] * d[0]))


def ring_pixels(alpha: np.ndarray, center, radius: float, band: float, min_alpha: float = 0.1):
    """Centres and coverages of pixels with ``alpha > min_alpha`` within ``band`` px of the circle."""
    cx, cy = center
    h, w = alpha.shape
    x0, x1 = max(0, int(cx - radius - band)), min(w, int(cx + radius + band) + 2)
    y0, y1 = max(0, int(cy - radius - band)), min(h, int(cy + radius + band) + 2)
    win = alpha[y0:y1, x0:x1]
    ys, xs = np.nonzero(win > min_alpha)
    wt = win[ys, xs].astype(np.float64)
    xs, ys = xs + x0 + 0.5, ys + y0 + 0.5
    keep = np.abs(np.hypot(xs - cx, ys - cy) - radius) <= band
    return xs[keep], ys[keep], wt[keep]


def _rel(ang, start, sweep):
    return ((ang - start) % 360.0) if sweep >= 0 else ((start - ang) % 360.0)


def check_ring(alpha, center, radius, band, start, sweep, where, occluder=None) -> tuple[list[str], tuple | None]:
    """Measure the drawn arc (angles start..start+sweep, OpenCV degrees) against its definition.

    ``alpha``: coverage of the circle's colour; ``occluder``: mask of other marks that may lie on top of
    the arc (sectors they touch are not measured). Sectors of about 6 px of arc must each be inked
    and lie on the defined radius (weighted mean distance within 1 px); a full circle's fitted centre
    and radius must match too. Returns problems and the fitted (cx, cy, r) of a full circle, else None.
    """
    xs, ys, wt = ring_pixels(alpha, center, radius, band)
    hidden = np.zeros(0)
    if occluder is not None:
        ox, oy, _ = ring_pixels(occluder.astype(np.float32), center, radius, band, 0.5)
        hidden = _rel(np.degrees(np.arctan2(oy - center[1], ox - center[0])), start, sweep)
    span = abs(sweep)
    rel = _rel(np.degrees(np.arctan2(ys - center[1], xs - center[0])), start, sweep)
    keep = rel <= span
    xs, ys, wt, rel = xs[keep], ys[keep], wt[keep], rel[keep]
    bins = max(1, int(math.radians(span) * radius // 6))
    edges = np.linspace(0, span, bins + 1)
    dist = np.hypot(xs - center[0], ys - center[1])
    problems: list[str] = []
    for a, b in zip(edges, edges[1:]):
        if np.any((hidden >= a - 3) & (hidden < b + 3)):
            continue
        sel = (rel >= a) & (rel < b)
        if wt[sel].sum() < 1.0:
            problems.append(f"{where}: the arc is missing at {start + (a + b) / 2 * (1 if sweep >= 0 else -1):.0f} deg")
            break
        off = float((dist[sel] * wt[sel]).sum() / wt[sel].sum()) - radius
        if abs(off) > 1.0:
            problems.append(f"{where}: the arc at {start + (a + b) / 2 * (1 if sweep >= 0 else -1):.0f} deg lies {off:+.2f} px off its radius {radius:.2f}")
            break
    if span < 359 or len(xs) < 12:
        return problems, None
    cx, cy, r = fit_circle(xs, ys, wt)
    if abs(r - radius) > 1.0:
        problems.append(f"{where}: measured radius {r:.2f} px, defined {radius:.2f} px")
    if math.hypot(cx - center[0], cy - center[1]) > 1.0:
        problems.append(f"{where}: measured centre ({cx:.1f}, {cy:.1f}), defined ({center[0]:.1f}, {center[1]:.1f})")
    return problems, (cx, cy, r)



def _shape(ann: dict, element: str) -> dict | None:
    return next((s["params"] for s in ann["shapes"] if s["element"] == element), None)


def verify(spec: dict, frames: np.ndarray, annotations: list[dict]) -> list[str]:
    """Measure circles, sides, points and labels on the pixels and check the construction in every frame."""
    m = spec["meta"]
    bg = spec["background"]
    scene = [cap.rgb(c) for c in m["colors"].values()]
    width = m["stroke_width"]
    band = width + 3.0
    k = m["construction"]
    problems: list[str] = []
    last: list[str] = []  # the previous frame's problems
    for i, (frame, ann) in enumerate(zip(frames, annotations)):
        if i and np.array_equal(frame, frames[i - 1]) and _same(ann, annotations[i - 1]):
            # A held frame (the construction paused or done): every check reads only the frame, its
            # annotation and the spec, so it finds what the previous frame's found.
            last = [f"frame {i}:" + p[len(f"frame {i - 1}:") :] for p in last]
            problems += last
            continue
        start = len(problems)
        fits: dict = {}  # each scene colour's blend fit of this frame, computed once for all roles

        def alpha_of(role, frame=frame, fits=fits):
            return common.color_alpha(frame, cap.rgb(m["colors"][role]), scene, bg, fits)

        circle = _shape(ann, "circle")
        circle_alpha = alpha_of("circle")
        fit = None
        if circle and abs(circle["sweep"]) >= 20:
            trim = min(8.0, abs(circle["sweep"]) * 0.2)  # the stroke's round end is not part of the arc
            sweep = circle["sweep"] - math.copysign(trim, circle["sweep"])
            occluder = None
            if k in ("moving_point", "compass"):  # strokes drawn on top of the circle
                occluder = common.ink_mask(frame, bg) & (circle_alpha < 0.2)
            found, fit = check_ring(circle_alpha, m["center"], m["radius"], band, circle["start"], sweep, f"frame {i}: circle", occluder)
            problems += found
        label_ink = alpha_of("label") >= 0.35
        _labels_ok(spec, ann, label_ink & ~_crossings(ann, label_ink.shape), problems, i)
        if k in ("circumcircle", "incircle"):
            edges = _shape(ann, "edges")
            drawn = sum(math.dist(p, q) for p, q in zip(edges["points"], edges["points"][1:]))
            if drawn >= sum(m["side_lengths"].values()) - 0.5:
                problems += _check_triangle(alpha_of("line"), spec, fit if abs(circle["sweep"]) >= 359.9 else None, i)
        elif k == "compass":
            leg = _shape(ann, "leg")
            problems += _check_segment((alpha_of("line") >= 0.25) | label_ink, m["center"], leg["end"], width, f"frame {i}: compass leg")
        else:
            p = _shape(ann, "point_P")["center"]
            pa = alpha_of("point")
            reach = int(band + 6)
            y0, x0 = max(0, int(p[1]) - reach), max(0, int(p[0]) - reach)
            win = pa[y0 : int(p[1]) + reach, x0 : int(p[0]) + reach]
            ys, xs = np.nonzero(win > 0.1)
            if len(xs) < 3:
                problems.append(f"frame {i}: point P is missing")
            else:
                wt = win[ys, xs]
                c = ((xs * wt).sum() / wt.sum() + x0 + 0.5, (ys * wt).sum() / wt.sum() + y0 + 0.5)
                off = math.dist(c, m["center"]) - m["radius"]
                if abs(off) > 1.0:
                    problems.append(f"frame {i}: point P is {off:+.2f} px off the circle")
            under = (alpha_of("line") >= 0.25) | (alpha_of("chord") >= 0.25) | label_ink  # the chord and label 'O' may cover OP
            end = np.asarray(m["center"]) + (np.subtract(_shape(ann, "radius")["end"], m["center"])) * (1 - (band + 4) / m["radius"])
            problems += _check_segment(under, m["center"], end, width, f"frame {i}: radius OP")
        last = problems[start:]
    return problems


def _same(a: dict, b: dict) -> bool:
    """Whether two frames' annotations are the same but for the frame's number and time."""
    return {**a, "frame": 0, "time": 0} == {**b, "frame": 0, "time": 0}


def _crossings(ann: dict, shape: tuple[int, int]) -> np.ndarray:
    """Pixels where two or more of the frame's strokes overlap (within 1 px of each). A blend of two
    inks may look like a third (red over blue reads purple, purple over green black), so the label
    check leaves these out: only there can another colour's pixels pass for the label's ink."""
    count = np.zeros(shape, np.uint8)
    for s in ann["shapes"]:
        count += element_region(ann, [s["element"]], shape, grow=1.0)
    return count >= 2


def _labels_ok(spec, ann, mask, problems, i) -> None:
    """Each shown label's ink sits where it was placed beside its vertex."""
    m = spec["meta"]
    for name, anchor in m["label_anchors"].items():
        vertex = m["points"][name] if "points" in m else m["center"]
        if not any(t["element"] == f"label_{name}" for t in ann["texts"]):
            continue
        reach = int(m["label_gap"] + m["label_size"])
        x0, y0 = max(0, int(vertex[0]) - reach), max(0, int(vertex[1]) - reach)
        ys, xs = np.nonzero(mask[y0 : int(vertex[1]) + reach + 1, x0 : int(vertex[0]) + reach + 1])
        if len(xs) < 3:
            problems.append(f"frame {i}: label {name!r} is missing near its vertex")
            continue
        off = float(np.linalg.norm(np.array([xs.mean() + x0 + 0.5, ys.mean() + y0 + 0.5]) - np.asarray(anchor)))
        if off > 0.5 * m["label_size"] + 1:
            problems.append(f"frame {i}: label {name!r} is {off:.1f} px from its place beside vertex {name}")


def _check_segment(mask, start, end, width, where) -> list[str]:
    """A straight stroke from ``start`` to ``end`` must be inked along its whole length."""
    h, w = mask.shape
    reach = width / 2 + 1.5
    for u in np.linspace(0.15, 1.0, 7):
        s = np.asarray(start) + (np.asarray(end) - np.asarray(start)) * u
        win = mask[max(0, int(s[1] - reach)) : min(h, int(s[1] + reach) + 1), max(0, int(s[0] - reach)) : min(w, int(s[0] + reach) + 1)]
        if not win.any():
            return [f"{where}: no ink at ({s[0]:.1f}, {s[1]:.1f})"]
    return []


def _check_triangle(line_alpha, spec, fit, i) -> list[str]:
    """The three sides are inked and straight between their vertices (the polygon closes); with a
    complete circle, the fitted circle must touch the fitted sides (incircle) or pass through the vertices."""
    m = spec["meta"]
    pts = [np.asarray(m["points"][k]) for k in "ABC"]
    width = m["stroke_width"]
    h, w = line_alpha.shape
    reach = int(width / 2 + 2)
    dot = next((el["radius"] for el in spec["elements"] if el["id"] == "dot_O"), 0.0)
    problems, lines = [], []
    for a, b, name in ((0, 1, "AB"), (1, 2, "BC"), (2, 0, "CA")):
        p, q = pts[a], pts[b]
        d = (q - p) / np.linalg.norm(q - p)
        normal = np.array([d[1], -d[0]])
        offsets, missing = [], 0
        for u in np.linspace(0.12, 0.88, 15):
            s = p + (q - p) * u
            if abs(math.dist(s, m["center"]) - m["radius"]) < width + 4:
                continue  # where the circle crosses or touches the side, the circle is on top
            if math.dist(s, m["center"]) < dot + width + 3:
                continue  # so is the centre's dot, on a side through the centre (a right triangle's circumcentre)
            x0, y0 = max(0, int(s[0]) - reach), max(0, int(s[1]) - reach)
            win = line_alpha[y0 : min(h, int(s[1]) + reach + 1), x0 : min(w, int(s[0]) + reach + 1)]
            if win.max(initial=0) < 0.25:
                missing += 1
                continue
            ys, xs = np.nonzero(win > 0.05)
            off = (xs + x0 + 0.5 - s[0]) * normal[0] + (ys + y0 + 0.5 - s[1]) * normal[1]
            along = (xs + x0 + 0.5 - s[0]) * d[0] + (ys + y0 + 0.5 - s[1]) * d[1]
            near = (np.abs(off) <= width / 2 + 2) & (np.abs(along) <= reach - 0.5)  # this side only, a symmetric window
            wt = win[ys, xs][near]
            if wt.sum() <= 0:
                missing += 1
                continue
            offsets.append(float((off[near] * wt).sum() / wt.sum()))
        if missing:
            problems.append(f"frame {i}: side {name} has {missing} gaps: the triangle does not close")
            continue
        if not offsets:
            continue
        worst = max(offsets, key=abs)
        if abs(worst) > 1.0:
            problems.append(f"frame {i}: side {name} is drawn {worst:+.2f} px off the line {name}")
        lines.append((p + normal * float(np.mean(offsets)), d))
    if fit is None or len(lines) < 3 or problems:
        return problems
    cx, cy, r = fit
    if m["construction"] == "incircle":
        for line, name in zip(lines, ("AB", "BC", "CA")):
            gap = line_distance((cx, cy), line) - r
            if abs(gap) > 1.0:
                problems.append(f"frame {i}: the incircle misses side {name} by {gap:+.2f} px")
    else:
        for v, name in zip(pts, "ABC"):
            gap = math.dist((cx, cy), v) - r
            if abs(gap) > 1.0:
                problems.append(f"frame {i}: the circumcircle misses vertex {name} by {gap:+.2f} px")
    return problems
