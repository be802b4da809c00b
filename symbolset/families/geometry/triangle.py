"""``circumcircle`` / ``incircle``: triangle ABC drawn edge by edge, each vertex label appearing as its
vertex is reached, then the circle traced around its marked centre."""

from __future__ import annotations

import math

import numpy as np

from ... import captions as cap
from ...spec import element
from .. import common
from .shapes import label, triangle


def draw(rng: np.random.Generator, kind: str, w: int, h: int, dur: float) -> dict:
    """The triangle, its circle and the timing, drawn from ``rng``."""
    pts, center, r, angles = triangle(rng, w, h, kind)
    t_edges = round(float(rng.uniform(0.3, 0.45)) * dur, 3)
    t_circle = round(float(rng.uniform(0.75, 0.9)) * dur, 3)
    start = float(round(rng.uniform(0, 360), 1))
    return {"points": pts, "center": center, "radius": r, "angles": angles, "t_edges": t_edges, "t_circle": t_circle, "start": start}


def build(spec: dict, meta: dict, d: dict) -> None:
    """Append the construction's elements to ``spec`` and its values to ``meta`` (deterministic in ``d``)."""
    kind, col, width = meta["construction"], meta["colors"], meta["stroke_width"]
    font, size = meta["label_font"], meta["label_size"]
    pts, center, r, t_edges, t_circle, start = d["points"], d["center"], d["radius"], d["t_edges"], d["t_circle"], d["start"]
    still = spec["num_frames"] == 1  # one frame: the finished construction, every part drawn at 0 s
    last = math.floor((spec["num_frames"] - 1) / spec["fps"] * 1000) / 1000  # the last frame's time (to the ms, down)
    if still:
        t_edges = t_circle = 0.0
    elif t_circle > last:  # few frames: the figure is complete on the last frame (its circle's radius is read there)
        t_edges, t_circle = round(t_edges * last / t_circle, 3), last
    line, circle = cap.rgb(col["line"]), cap.rgb(col["circle"])
    dot = max(1.5, width * 1.2)
    lengths = [math.dist(pts[i], pts[(i + 1) % 3]) for i in range(3)]
    arrive = [0.0, lengths[0] / sum(lengths) * t_edges, (lengths[0] + lengths[1]) / sum(lengths) * t_edges]
    els = spec["elements"]
    els.append(element("polyline", "edges", points=pts, closed=True, color=line, width=width, progress=1.0 if still else {"keys": [[0.0, 0.0], [t_edges, 1.0]], "ease": "linear"}))
    for i, p in enumerate(pts):
        els.append(element("circle", f"dot_{'ABC'[i]}", center=p, radius=dot, color=line, width=1, fill=line, opacity=common.step_on(round(arrive[i], 4))))
    els.append(element("circle", "circle", center=center, radius=r, color=circle, width=width, start=start,
                       sweep=360.0 if still else {"keys": [[0.0, 0.0], [t_edges, 0.0], [t_circle, 360.0]], "ease": "linear"}))  # fmt: skip
    els.append(element("circle", "dot_O", center=center, radius=dot, color=circle, width=1, fill=circle, opacity=common.step_on(t_edges)))
    centroid = np.mean(pts, axis=0)
    gap = size * 0.75 + width
    labels = {}
    for i, p in enumerate(pts):
        labels["ABC"[i]] = label(spec, f"label_{'ABC'[i]}", "ABC"[i], font, size, col["label"], p, centroid, gap, round(arrive[i], 4))
    meta.update({"points": dict(zip("ABC", pts)), "center": center, "radius": r, "angles": dict(zip("ABC", d["angles"])),
                 "relation": f"O is the {'circumcentre' if kind == 'circumcircle' else 'incentre'} of triangle ABC",
                 "label_anchors": labels, "label_gap": gap, "t_edges": t_edges, "t_circle": t_circle, "start": start,
                 "side_lengths": {"AB": round(lengths[0], 2), "BC": round(lengths[1], 2), "CA": round(lengths[2], 2)}})  # fmt: skip
