"""``geometry``: ruler-and-compass constructions drawn step by step, stored symbolically.

Constructions (``meta["construction"]``):

- ``circumcircle`` / ``incircle``: triangle ABC drawn edge by edge, vertex labels appear as
  each vertex is reached, then the circle is traced around its centre O.
- ``compass``: a compass leg (a ray of fixed length) sweeps once around O and traces a circle.
- ``moving_point``: a point P travels along a circle with its radius OP and the chord QP.

The meta keeps points, radii and relations; verify() re-measures everything on the pixels
(circle fits, line fits, label ink) and checks the construction's definition in every frame.
"""

from __future__ import annotations

import math

import numpy as np

from .. import captions as cap
from .. import claims as cl
from . import common

NAME = "geometry"
RULE = ("The constructed figure satisfies its definition in every frame: circle radii stay constant within 1 px, "
        "the polygon closes, labels stay on their vertices and an incircle touches all three sides.")  # fmt: skip

CONSTRUCTIONS = ("circumcircle", "incircle", "compass", "moving_point")
_BACKGROUNDS = ["white", "cream"]
_INKS = ["black", "red", "green", "blue", "purple", "orange"]
_LABEL_FONTS = ["dejavu-sans", "dejavu-sans-bold", "dejavu-serif"]


# ---------------------------------------------------------------- pixel helpers (shared by the math families)


def color_mask(frame: np.ndarray, color, others, background, min_alpha: float = 0.35) -> np.ndarray:
    """Pixels covered at least ``min_alpha`` by ``color`` (see :func:`color_alpha`)."""
    return common.color_alpha(frame, color, others, background) >= min_alpha


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


def pick_colors(rng: np.random.Generator, count: int, pool=_INKS) -> list[str]:
    """``count`` distinct palette colours drawn from ``pool``."""
    order = rng.permutation(len(pool))[:count]
    return [pool[int(i)] for i in order]


_CLOSE = ({"red", "orange"}, {"blue", "purple"})  # pairs that yuv420p video blurs into each other on thin strokes


def _separated(colors: list[str]) -> list[str]:
    """``colors`` (line, circle, label, point, chord) reordered so that line, circle and point, whose
    changes the captions time, never form a close pair: each such clash swaps with label or chord."""
    c = list(colors)
    for i, j in ((0, 1), (0, 3), (1, 3)):
        if {c[i], c[j]} in _CLOSE:
            k = next(k for k in (2, 4) if all({c[k], c[x]} not in _CLOSE for x in (0, 1, 3) if x != j))
            c[j], c[k] = c[k], c[j]
    return c


# ---------------------------------------------------------------- construction math


def _angle_at(p, q, r) -> float:
    """Interior angle at q of triangle pqr, in degrees."""
    a, b = np.subtract(p, q), np.subtract(r, q)
    return math.degrees(math.acos(float(np.clip(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)), -1, 1))))


def circumcircle(a, b, c) -> tuple[list[float], float]:
    """Centre and radius of the circle through a, b, c."""
    ax, ay = a
    bx, by = b
    cx, cy = c
    d = 2 * (ax * (by - cy) + bx * (cy - ay) + cx * (ay - by))
    ux = ((ax * ax + ay * ay) * (by - cy) + (bx * bx + by * by) * (cy - ay) + (cx * cx + cy * cy) * (ay - by)) / d
    uy = ((ax * ax + ay * ay) * (cx - bx) + (bx * bx + by * by) * (ax - cx) + (cx * cx + cy * cy) * (bx - ax)) / d
    return [ux, uy], math.hypot(ax - ux, ay - uy)


def incircle(a, b, c) -> tuple[list[float], float]:
    """Centre and radius of the circle tangent to the three sides."""
    la, lb, lc = math.dist(b, c), math.dist(a, c), math.dist(a, b)
    s = la + lb + lc
    center = [(la * a[0] + lb * b[0] + lc * c[0]) / s, (la * a[1] + lb * b[1] + lc * c[1]) / s]
    area = abs((b[0] - a[0]) * (c[1] - a[1]) - (c[0] - a[0]) * (b[1] - a[1])) / 2
    return center, 2 * area / s


def _inside(box, w, h, margin) -> bool:
    return box[0] >= margin and box[1] >= margin and box[2] <= w - margin and box[3] <= h - margin


def _triangle(rng, w, h, relation):
    for _ in range(200):
        pts = [[float(rng.uniform(0.12, 0.88) * w), float(rng.uniform(0.15, 0.88) * h)] for _ in range(3)]
        angles = [_angle_at(pts[2], pts[0], pts[1]), _angle_at(pts[0], pts[1], pts[2]), _angle_at(pts[1], pts[2], pts[0])]
        if min(angles) < 28 or max(angles) > 115 or min(math.dist(p, q) for p, q in zip(pts, pts[1:] + pts[:1])) < 0.32 * min(w, h):
            continue
        if relation == "circumcircle":
            center, r = circumcircle(*pts)
        else:
            center, r = incircle(*pts)
        box = [center[0] - r, center[1] - r, center[0] + r, center[1] + r]
        if r >= (0.1 if relation == 'circumcircle' else 0.12) * min(w, h) and _inside(box, w, h, 0.04 * min(w, h)):
            pts = [[round(x, 2), round(y, 2)] for x, y in pts]
            center, r = circumcircle(*pts) if relation == "circumcircle" else incircle(*pts)
            return pts, [round(center[0], 4), round(center[1], 4)], round(r, 4), [round(a, 1) for a in angles]
    raise AssertionError("no triangle found")  # pragma: no cover - 200 tries always succeed at these ranges


def _label(spec, el_id, text, font, size, color, at, toward, distance, on):
    """A vertex label placed ``distance`` px from ``at``, away from the point ``toward``."""
    d = np.subtract(at, toward)
    d = d / (np.linalg.norm(d) or 1.0)
    cx, cy = at[0] + d[0] * distance, at[1] + d[1] * distance
    spec["elements"].append({"id": el_id, "type": "text", "text": text, "font": font, "size": size, "color": cap.rgb(color),
                             "position": common.centered_text(font, size, text, cx, cy), "anchor": "center", "opacity": common.step_on(on)})  # fmt: skip
    return [round(cx, 3), round(cy, 3)]


def sample(rng: np.random.Generator, params: dict) -> dict:
    """A construction drawn from ``rng``: its kind, points, colours, stroke width and timing."""
    bg = _BACKGROUNDS[int(rng.integers(len(_BACKGROUNDS)))]
    spec = common.skeleton(params, NAME, cap.rgb(bg))
    w, h = spec["width"], spec["height"]
    kind = CONSTRUCTIONS[int(rng.integers(len(CONSTRUCTIONS)))]
    line_c, circle_c, label_c, point_c, chord_c = _separated(pick_colors(rng, 5))
    width = int(max(1, round(min(w, h) / 160)) + rng.integers(0, 2))
    font = _LABEL_FONTS[int(rng.integers(len(_LABEL_FONTS)))]
    size = max(9, int(round(min(w, h) * float(rng.uniform(0.065, 0.085)))))
    dur = spec["num_frames"] / spec["fps"]
    dot = max(1.5, width * 1.2)
    meta = {"construction": kind, "background": bg, "colors": {"line": line_c, "circle": circle_c, "label": label_c, "point": point_c, "chord": chord_c},
            "stroke_width": width, "label_font": font, "label_size": size}  # fmt: skip

    if kind in ("circumcircle", "incircle"):
        pts, center, r, angles = _triangle(rng, w, h, kind)
        t_edges = round(float(rng.uniform(0.3, 0.45)) * dur, 3)
        t_circle = round(float(rng.uniform(0.75, 0.9)) * dur, 3)
        start = float(round(rng.uniform(0, 360), 1))
        lengths = [math.dist(pts[i], pts[(i + 1) % 3]) for i in range(3)]
        arrive = [0.0, lengths[0] / sum(lengths) * t_edges, (lengths[0] + lengths[1]) / sum(lengths) * t_edges]
        spec["elements"].append({"id": "edges", "type": "polyline", "points": pts, "closed": True, "color": cap.rgb(line_c), "width": width,
                                 "progress": {"keys": [[0.0, 0.0], [t_edges, 1.0]], "ease": "linear"}})  # fmt: skip
        for i, p in enumerate(pts):
            spec["elements"].append({"id": f"dot_{'ABC'[i]}", "type": "circle", "center": p, "radius": dot, "color": cap.rgb(line_c),
                                     "width": 1, "fill": cap.rgb(line_c), "opacity": common.step_on(round(arrive[i], 4))})  # fmt: skip
        spec["elements"].append({"id": "circle", "type": "circle", "center": center, "radius": r, "color": cap.rgb(circle_c), "width": width,
                                 "start": start, "sweep": {"keys": [[0.0, 0.0], [t_edges, 0.0], [t_circle, 360.0]], "ease": "linear"}})  # fmt: skip
        spec["elements"].append({"id": "dot_O", "type": "circle", "center": center, "radius": dot, "color": cap.rgb(circle_c), "width": 1,
                                 "fill": cap.rgb(circle_c), "opacity": common.step_on(t_edges)})  # fmt: skip
        centroid = np.mean(pts, axis=0)
        gap = size * 0.75 + width
        labels = {}
        for i, p in enumerate(pts):
            labels["ABC"[i]] = _label(spec, f"label_{'ABC'[i]}", "ABC"[i], font, size, label_c, p, centroid, gap, round(arrive[i], 4))
        meta.update({"points": dict(zip("ABC", pts)), "center": center, "radius": r, "angles": dict(zip("ABC", angles)),
                     "relation": f"O is the {'circumcentre' if kind == 'circumcircle' else 'incentre'} of triangle ABC",
                     "label_anchors": labels, "label_gap": gap, "t_edges": t_edges, "t_circle": t_circle, "start": start,
                     "side_lengths": {"AB": round(lengths[0], 2), "BC": round(lengths[1], 2), "CA": round(lengths[2], 2)}})  # fmt: skip
    else:
        r = round(float(rng.uniform(0.22, 0.32)) * min(w, h), 2)
        center = [round(float(rng.uniform(0.42, 0.58)) * w, 2), round(float(rng.uniform(0.45, 0.58)) * h, 2)]
        a0 = float(round(rng.uniform(0, 360), 1))  # compass angle: clockwise from 12 o'clock
        t0 = round(float(rng.uniform(0.0, 0.15)) * dur, 3)
        t1 = round(float(rng.uniform(0.75, 0.95)) * dur, 3)
        direction = 1 if rng.random() < 0.5 else -1
        if kind == "compass":
            spec["elements"].append({"id": "circle", "type": "circle", "center": center, "radius": r, "color": cap.rgb(circle_c), "width": width,
                                     "start": a0 - 90.0, "sweep": {"keys": [[t0, 0.0], [t1, 360.0 * direction]], "ease": "linear"}})  # fmt: skip
            spec["elements"].append({"id": "leg", "type": "ray", "origin": center, "length": r, "color": cap.rgb(line_c), "width": width,
                                     "angle": {"keys": [[t0, a0], [t1, a0 + 360.0 * direction]], "ease": "linear"}})  # fmt: skip
            meta.update({"t_start": t0, "t_end": t1})
        else:
            turns = float(round(rng.uniform(0.35, 0.8), 2)) * direction
            times = [round(i / spec["fps"], 6) for i in range(spec["num_frames"])]

            def angle_at(t):
                u = min(max((t - t0) / max(t1 - t0, 1e-6), 0.0), 1.0)
                return a0 + 360.0 * turns * u

            def point(a):
                return [center[0] + r * math.sin(math.radians(a)), center[1] - r * math.cos(math.radians(a))]

            q_angle = a0 + 180.0 + float(rng.uniform(-50, 50))
            # P stops short of Q (by its dot, Q's dot and a margin) so it never hides the fixed point
            room = ((q_angle - a0) * direction) % 360.0 - math.degrees((2 * dot + 2.0 + 2 * width) / r) - 5.0
            turns = math.copysign(min(abs(turns), math.floor(room / 360.0 * 100) / 100), turns)
            q = [round(v, 4) for v in point(q_angle)]
            spec["elements"].append({"id": "circle", "type": "circle", "center": center, "radius": r, "color": cap.rgb(circle_c), "width": width})
            spec["elements"].append({"id": "radius", "type": "ray", "origin": center, "length": r, "color": cap.rgb(line_c), "width": width,
                                     "angle": {"keys": [[t0, a0], [t1, a0 + 360.0 * turns]], "ease": "linear"}})  # fmt: skip
            spec["elements"].append({"id": "chord", "type": "polyline", "color": cap.rgb(chord_c), "width": width,
                                     "points": {"keys": [[t, [q, [round(v, 4) for v in point(angle_at(t))]]] for t in times], "ease": "linear"}})  # fmt: skip
            spec["elements"].append({"id": "dot_Q", "type": "circle", "center": q, "radius": dot + 0.5, "color": cap.rgb(chord_c), "width": 1,
                                     "fill": cap.rgb(chord_c)})  # fmt: skip
            spec["elements"].append({"id": "point_P", "type": "circle", "radius": dot + 1.5, "color": cap.rgb(point_c), "width": 1,
                                     "fill": cap.rgb(point_c), "center": {"keys": [[t, [round(v, 4) for v in point(angle_at(t))]] for t in times], "ease": "linear"}})  # fmt: skip
            meta.update({"t_start": t0, "t_end": t1, "turns": turns, "Q": q, "relation": "P lies on the circle with centre O; OP is a radius and QP a chord"})
        # drawn last, so the turning leg or radius passes under the label instead of cutting its glyph
        label_at = _label(spec, "label_O", "O", font, size, label_c, center, [center[0] + 1, center[1] - 1], size * 0.8, 0.0)
        meta.update({"center": center, "radius": r, "start_angle": a0, "direction": "clockwise" if direction > 0 else "counter-clockwise",
                     "label_anchors": {"O": label_at}, "label_gap": size * 0.8})  # fmt: skip
        if kind == "compass":
            meta["relation"] = "every traced point is at distance r from O"
    spec["meta"] = meta
    return spec


# ---------------------------------------------------------------- captions


_KIND_ZH = {"circumcircle": "外接圆", "incircle": "内切圆"}


def claims(spec: dict) -> list[dict]:
    """What the captions state: the drawn labels, the drawn stroke widths (OpenCV's ink, measured) and
    the time spans of the changes, clipped to the last frame."""
    m = spec["meta"]
    col = {role: cap.rgb(c) for role, c in m["colors"].items()}
    k = m["construction"]
    px = cl.drawn_width(m["stroke_width"])
    last = cl.clip_end(spec)
    scene = [list(v) for v in col.values()]
    out = [cl.claim("label", name, element=f"label_{name}", color=col["label"], others=scene, point=at, size=m["label_size"]) for name, at in m["label_anchors"].items()]
    lines = {"circumcircle": ["edges"], "incircle": ["edges"], "compass": ["leg"], "moving_point": ["radius"]}[k]
    out.append(cl.claim("stroke_width", "circle", elements=["circle"], color=col["circle"], others=scene, px=px))
    out.append(cl.claim("stroke_width", "lines", elements=lines, color=col["line"], others=scene, px=px))
    # each change is measured near its own strokes, away from strokes of similar colours drawn at other times
    reach = px / 2 + 2.0
    if k in ("circumcircle", "incircle"):
        out.append(cl.claim("time_range", "triangle", color=col["line"], others=scene, grow_only=True, within=["edges"], exclude=["circle"], reach=reach, exclude_reach=px / 2 + 1,
                            start=0.0, end=min(m["t_edges"], last), stops=m["t_edges"] <= last))  # fmt: skip
        out.append(cl.claim("time_range", "circle", color=col["circle"], others=scene, grow_only=True, within=["circle"], reach=reach,
                            start=m["t_edges"], end=min(m["t_circle"], last), stops=m["t_circle"] <= last))  # fmt: skip
    else:
        role = "circle" if k == "compass" else "point"
        out.append(cl.claim("time_range", role, color=col[role], others=scene, within=["circle"], exclude=["dot_Q"], reach=reach + 4.0,
                            start=m["t_start"], end=min(m["t_end"], last), stops=m["t_end"] <= last))  # fmt: skip
    return out


def captions(spec: dict, rng: np.random.Generator) -> dict:
    """Captions naming the construction, its drawn labels, radius in px, angles, colours, widths and timing."""
    m = spec["meta"]
    c = {(x["kind"], x["subject"]): x for x in claims(spec)}
    k = m["construction"]
    col = m["colors"]
    zh = {name: cap.color_name(cap.rgb(v), "zh") for name, v in col.items()}
    bg, bg_zh = m["background"], cap.color_name(spec["background"], "zh")
    r = f"{m['radius']:.1f}"
    width, width_zh = cl.width_words(c[("stroke_width", "lines")]["px"]), cl.width_words(c[("stroke_width", "lines")]["px"], "zh")
    dur = cap.seconds(cl.clip_end(spec))
    if k in ("circumcircle", "incircle"):
        a = m["angles"]
        angles = f"angle A = {a['A']:.0f}°, angle B = {a['B']:.0f}°, angle C = {a['C']:.0f}°"
        angles_zh = f"∠A = {a['A']:.0f}°，∠B = {a['B']:.0f}°，∠C = {a['C']:.0f}°"
        tri, circ = c[("time_range", "triangle")], c[("time_range", "circle")]
        te, tc = cap.seconds(tri["end"]), cap.seconds(circ["end"])
        what = "circumscribed circle" if k == "circumcircle" else "inscribed circle"
        rel = "passing through all three vertices" if k == "circumcircle" else "touching all three sides"
        rel_zh = "经过三个顶点" if k == "circumcircle" else "与三条边都相切"
        done = f"completes at {tc} s, and the figure holds to {dur} s" if circ["stops"] else f"is still being traced when the clip ends at {dur} s"
        done_zh = f"于{tc}秒完成，并保持到{dur}秒" if circ["stops"] else f"到{dur}秒视频结束时仍在绘制"
        en = {
            "short": cap.choose(rng, [f"Triangle 'ABC' drawn edge by edge, then its {what}.",
                                      f"A geometric construction: triangle 'ABC' and its {k}.",
                                      f"Drawing triangle 'ABC' and the {what} around its marked centre."]),  # fmt: skip
            "detailed": cap.choose(rng, [
                f"On {common.article(bg)} background, {common.article(col['line'])} triangle with vertices labelled 'A', 'B', 'C' in {col['label']} ({angles}) "
                f"and its {col['circle']} {what} of radius {r} px around a {col['circle']} centre dot, {rel}; lines {width} wide.",
                f"{common.article(col['line']).capitalize()} triangle 'ABC' ({angles}) on {bg}, with its {what} in {col['circle']}: centre marked by a dot, radius {r} px, {rel}. "
                f"The vertex labels are {col['label']}.",
            ]),
            "temporal": cap.choose(rng, [
                f"From 0.0 s to {te} s the sides AB, BC and CA are drawn one after another, each label appearing as its vertex is reached; "
                f"from {te} s the {what} is traced around the centre dot and {done}.",
                f"The triangle closes at {te} s; then the {k} (radius {r} px) is traced and {done}.",
            ]),
        }
        zh_caps = {
            "short": cap.choose(rng, [f"逐边画出三角形“ABC”，再画出它的{_KIND_ZH[k]}。", f"尺规作图：三角形“ABC”及其{_KIND_ZH[k]}。"]),
            "detailed": cap.choose(rng, [
                f"{bg_zh}背景上，{zh['line']}三角形的顶点标为“A”“B”“C”（{zh['label']}，{angles_zh}），"
                f"{zh['circle']}{_KIND_ZH[k]}的圆心用圆点标出、半径{r}像素，{rel_zh}；线宽{width_zh}。",
                f"画面中是{zh['line']}三角形“ABC”（{angles_zh}）及其{zh['circle']}{_KIND_ZH[k]}：圆心处有圆点，半径{r}像素，{rel_zh}。",
            ]),
            "temporal": cap.choose(rng, [
                f"0.0秒到{te}秒依次画出边AB、BC、CA，每到一个顶点就出现其标签；从{te}秒起绕圆心画出{_KIND_ZH[k]}，{done_zh}。",
                f"三角形在{te}秒闭合，随后画出半径{r}像素的{_KIND_ZH[k]}，{done_zh}。",
            ]),
        }
    else:
        span = c[("time_range", "circle" if k == "compass" else "point")]
        t0, t1 = cap.seconds(span["start"]), cap.seconds(span["end"])
        d, d_zh = m["direction"], "顺时针" if m["direction"] == "clockwise" else "逆时针"
        if k == "compass":
            closes = f"the compass makes one full {d} turn and the circle closes; it stays until {dur} s" if span["stops"] else f"the compass turns {d}; the circle is not yet closed when the clip ends"
            closes_zh = f"圆规{d_zh}转一整圈，圆闭合，并保持到{dur}秒" if span["stops"] else f"圆规{d_zh}旋转，到视频结束时圆尚未闭合"
            en = {
                "short": cap.choose(rng, [f"A compass traces a circle of radius {r} px around 'O'.", "A compass drawing a circle around centre 'O'."]),
                "detailed": cap.choose(rng, [
                    f"On {common.article(bg)} background, {common.article(col['line'])} compass leg of fixed length {r} px turns {d} around the point 'O' "
                    f"({col['label']} label) and leaves {common.article(col['circle'])} circle of radius {r} px behind it; lines {width} wide.",
                    f"{common.article(col['circle']).capitalize()} circle of radius {r} px is traced {d} by {common.article(col['line'])} compass leg pivoting on 'O', on {bg}.",
                ]),
                "temporal": cap.choose(rng, [
                    f"From {t0} s to {t1} s {closes}.",
                    f"The arc starts at {t0} s and grows at a steady rate until {t1} s{'' if span['stops'] else ', when the clip ends'}.",
                ]),
            }
            zh_caps = {
                "short": cap.choose(rng, [f"圆规绕“O”画出半径{r}像素的圆。", "圆规以“O”为圆心画圆。"]),
                "detailed": f"{bg_zh}背景上，长度固定为{r}像素的{zh['line']}圆规脚绕点“O”{d_zh}旋转，留下半径{r}像素的{zh['circle']}圆；线宽{width_zh}。",
                "temporal": cap.choose(rng, [f"从{t0}秒到{t1}秒{closes_zh}。", f"{t0}秒开始画弧，匀速延伸到{t1}秒。"]),
            }
        else:
            deg = f"{abs(m['turns']) * 360:.0f}"
            rest = f"; it rests until {dur} s" if span["stops"] else ", still moving when the clip ends"
            rest_zh = f"，之后静止到{dur}秒" if span["stops"] else "，到视频结束时仍在运动"
            travelled = deg if span["stops"] else None
            en = {
                "short": cap.choose(rng, ["A point moving along a circle with its radius and a chord.", f"A point travels around a circle of radius {r} px centred on 'O'."]),
                "detailed": cap.choose(rng, [
                    f"On {common.article(bg)} background, {common.article(col['circle'])} circle of radius {r} px with centre 'O'; {common.article(col['point'])} point on it is joined to 'O' "
                    f"by {common.article(col['line'])} radius and to a fixed {col['chord']} point on the circle by {common.article(col['chord'])} chord; lines {width} wide.",
                    f"{common.article(col['circle']).capitalize()} circle (centre 'O', radius {r} px) on {bg}: the {col['line']} radius and the {col['chord']} chord from a fixed point follow the moving {col['point']} point.",
                ]),
                "temporal": cap.choose(rng, [
                    f"From {t0} s to {t1} s the {col['point']} point moves {d} at constant speed{f' through {travelled}°' if travelled else ''}, staying on the circle{rest}.",
                    f"The {col['point']} point starts moving at {t0} s and turns {d} until {t1} s{rest}; its radius keeps its length of {r} px throughout.",
                ]),
            }
            zh_caps = {
                "short": cap.choose(rng, ["一个点沿圆运动，并连出半径和弦。", f"一个点沿半径{r}像素、圆心为“O”的圆运动。"]),
                "detailed": f"{bg_zh}背景上有圆心为“O”、半径{r}像素的{zh['circle']}圆；圆上的{zh['point']}动点由{zh['line']}半径连到“O”，由{zh['chord']}弦连到圆上一个定点；线宽{width_zh}。",
                "temporal": cap.choose(rng, [f"从{t0}秒到{t1}秒{zh['point']}动点{d_zh}匀速运动{f'，转过{travelled}°' if travelled else ''}，始终在圆上{rest_zh}。",
                                             f"{zh['point']}动点在{t0}秒开始{d_zh}运动，直到{t1}秒{rest_zh}；半径始终为{r}像素。"]),  # fmt: skip
            }
    return cap.assemble(en, zh_caps)


def difficulty(spec: dict, annotations: list[dict]) -> dict:
    """Stroke width, label glyph height, and motion speed (degrees/s of the tracing arc or point)."""
    m = spec["meta"]
    heights = [b[3] - b[1] for a in annotations for tx in a["texts"] for b in tx["char_boxes"]]
    if m["construction"] in ("circumcircle", "incircle"):
        speed = 360.0 / max(m["t_circle"] - m["t_edges"], 1e-6)
    elif m["construction"] == "compass":
        speed = 360.0 / max(m["t_end"] - m["t_start"], 1e-6)
    else:
        speed = abs(m["turns"]) * 360.0 / max(m["t_end"] - m["t_start"], 1e-6)
    return {"stroke_width": float(m["stroke_width"]), "glyph_height_px": float(np.median(heights)) if heights else 0.0,
            "motion_speed": round(speed, 3), "text_length": len(m["label_anchors"]), "script": "latin"}  # fmt: skip


# ---------------------------------------------------------------- the rule, on pixels


def _shape(ann: dict, element: str) -> dict | None:
    return next((s["params"] for s in ann["shapes"] if s["element"] == element), None)


def _labels_ok(frame, spec, ann, masks_for, problems, i) -> None:
    m = spec["meta"]
    label_rgb = cap.rgb(m["colors"]["label"])
    mask = masks_for(label_rgb)
    for name, anchor in m["label_anchors"].items():
        vertex = m["points"][name] if "points" in m else m["center"]
        el = next(e for e in spec["elements"] if e["id"] == f"label_{name}")
        shown = any(t["element"] == el["id"] for t in ann["texts"])
        if not shown:
            continue
        reach = int(m["label_gap"] + m["label_size"])
        x0, y0 = max(0, int(vertex[0]) - reach), max(0, int(vertex[1]) - reach)
        ys, xs = np.nonzero(mask[y0 : int(vertex[1]) + reach + 1, x0 : int(vertex[0]) + reach + 1])
        if len(xs) < 3:
            problems.append(f"frame {i}: label {name!r} is missing near its vertex")
            continue
        c = np.array([xs.mean() + x0 + 0.5, ys.mean() + y0 + 0.5])
        if np.linalg.norm(c - np.asarray(anchor)) > 0.35 * m["label_size"] + 1:
            problems.append(f"frame {i}: label {name!r} is {np.linalg.norm(c - np.asarray(anchor)):.1f} px from its place beside vertex {name}")


def verify(spec: dict, frames: np.ndarray, annotations: list[dict]) -> list[str]:
    """Measure circles, sides, points and labels on the pixels and check the construction in every frame."""
    m = spec["meta"]
    bg = spec["background"]
    scene = [cap.rgb(c) for c in m["colors"].values()]
    width = m["stroke_width"]
    band = width + 3.0
    k = m["construction"]
    problems: list[str] = []
    for i, (frame, ann) in enumerate(zip(frames, annotations)):

        def alpha_of(role, frame=frame):
            return common.color_alpha(frame, cap.rgb(m["colors"][role]), scene, bg)

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
        _labels_ok(spec, ann, label_ink, problems, i)
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
    return problems


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
