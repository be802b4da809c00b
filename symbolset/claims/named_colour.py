"""The ``colour`` claim's one measurement: which palette colour a region of a frame shows.

Where the region is (:func:`region_pixels`): ``points`` (pixels at those points), a ``box``, one
``element``'s annotated box, several ``elements`` (their strokes' cores, their polygons' and filled
circles' insides, their texts' boxes) less those of ``exclude``, or, with none of these, the
background (every pixel away from all drawn elements).

How it is judged (:func:`colour_scores`, :func:`shows`), among the palette colours ``among``
(default: all): an area (``part`` ``"fill"`` or unset) by its median colour, which must be nearest
the named colour, within :data:`AREA_REACH` RGB units; ink (``part="ink"``: strokes and text, drawn
over ``base``) by how well each colour's blend with ``base`` explains the region's strongest ink
(:func:`_ink_score`): the named colour must explain it best (over the whole palette: but for a near
colour, by at most :data:`INK_TIE`).
"""

from __future__ import annotations

import math

import numpy as np

from ..captions import PALETTE
from .figures import element_region, shape_box
from .measure import find

AREA_REACH = 60.0  # RGB units: an area's median must lie this near its named colour
NEAR = 61.0  # RGB units: palette colours this close (white / light gray / cream, black / navy) may tie on thin ink
NEAR_LINE = 20.0  # RGB units from the blend line of the colour beneath and another colour: a partial cover of it
INK_TIE = 6.0  # misfit units by which such a near colour may explain ink better than the named one
_MIN_CHROMA = 0.35  # share of a colour's chroma shift that even a thin stroke keeps in 4:2:0 video
_YCC = np.array([[0.299, 0.587, 0.114], [-0.1687, -0.3313, 0.5], [0.5, -0.4187, -0.0813]], np.float32)


def _ink_score(pixels: np.ndarray, color, base) -> tuple[float, float]:
    """How well ``color`` blended over ``base`` explains ``pixels``, in YCbCr: the blend share comes
    from luma (full resolution in 4:2:0 video); the chroma shift may shrink (4:2:0 shares a thin
    stroke's chroma with its surround, to no less than _MIN_CHROMA) but must point the colour's way. Returns (median misfit,
    how far the strongest pixels' blend share is from 1)."""
    p, c, b = pixels @ _YCC.T, np.asarray(color, np.float32) @ _YCC.T, np.asarray(base, np.float32) @ _YCC.T
    dy = float(c[0] - b[0])
    o, d = p[:, 1:] - b[1:], c[1:] - b[1:]
    if abs(dy) >= 10:
        a = (p[:, 0] - b[0]) / dy
    else:  # a colour as bright as what lies under it: its share from the chroma shift
        a = o @ d / max(float(d @ d), 1.0)
    misfit = 100.0 * (np.clip(a - 1.1, 0, None) + np.clip(-a, 0, None)) + np.abs(p[:, 0] - b[0] - np.clip(a, 0, 1) * dy)
    norm_d = float(np.linalg.norm(d))
    if norm_d > 10:
        along = o @ d / norm_d
        misfit = misfit + np.linalg.norm(o - along[:, None] * d / norm_d, axis=-1) + np.clip(along - 1.1 * np.clip(a, 0, 1) * norm_d, 0, None)
        misfit = misfit + np.clip(_MIN_CHROMA * np.clip(a, 0, 1) * norm_d - along, 0, None)
    else:  # a grey on a grey-ish ground: the chroma shift is the blend's own
        misfit = misfit + np.linalg.norm(o - np.clip(a, 0, 1)[:, None] * d, axis=-1)
    return float(np.median(misfit)), abs(float(np.percentile(a, 90)) - 1.0)


def region_pixels(frame: np.ndarray, annotation: dict, c: dict) -> np.ndarray | None:
    """The pixels (N x 3, float32) of the claim's region in ``frame``; None when its ``element`` is not drawn."""
    h, w = frame.shape[:2]
    box = c.get("box")
    if box is None and c.get("element"):
        ann = find(annotation, c["element"]) or find(annotation, c["element"], "shapes")
        if ann is None:
            return None
        box = ann.get("box") or shape_box(ann)
    if "points" in c:
        return np.array([frame[min(max(int(y), 0), h - 1), min(max(int(x), 0), w - 1)] for x, y in c["points"]], np.float32).reshape(-1, 3)
    if box is not None:
        x0, y0, x1, y1 = (int(math.floor(box[0])), int(math.floor(box[1])), int(math.ceil(box[2])), int(math.ceil(box[3])))
        return frame[max(0, y0) : max(0, y1), max(0, x0) : max(0, x1)].reshape(-1, 3).astype(np.float32)
    if c.get("elements"):
        fill = c.get("part") == "fill"
        region = element_region(annotation, c["elements"], (h, w), fill=fill, grow=-1.0 if fill else 0.0)
    else:  # the background: every pixel away from all drawn elements
        everything = {s["element"] for s in annotation["shapes"]} | {t["element"] for t in annotation["texts"]}
        region = ~element_region(annotation, everything, (h, w), fill=True, grow=3.0)
    if c.get("exclude"):
        region &= ~element_region(annotation, c["exclude"], (h, w), fill=False, grow=c.get("exclude_grow", 2.0))
    return frame[region].astype(np.float32)


def colour_scores(frame: np.ndarray, annotation: dict, c: dict) -> dict[str, float] | None:
    """How badly each candidate palette colour (``among``, default all) explains the claim's region in
    ``frame``, lower is better: an area's median colour's RGB distance to it; ink's misfit
    (:func:`_ink_score`) plus 20 units per unit of blend share the strongest ink misses 1. None when
    the region is not drawn or too small (under 3 pixels, or no ink away from ``base``)."""
    pixels = region_pixels(frame, annotation, c)
    if pixels is None or len(pixels) < 3:
        return None
    names = c.get("among") or list(PALETTE)
    if c.get("part") != "ink":
        median = np.median(pixels, axis=0)
        return {n: float(np.linalg.norm(median - np.asarray(PALETTE[n][0], np.float32))) for n in names}
    base = np.asarray(c["base"], np.float32)
    away = np.linalg.norm(pixels - base, axis=-1)
    top = float(np.percentile(away, 95))
    strong = pixels[away >= 0.5 * top]
    if top <= 20 or len(strong) < 3:
        return None
    scores = {}
    for n in names:
        if list(PALETTE[n][0]) != list(c["base"]):
            misfit, reach = _ink_score(strong, PALETTE[n][0], base)
            scores[n] = misfit + 20.0 * reach
    return scores


def shows(c: dict, scores: dict[str, float]) -> tuple[bool, str]:
    """Whether ``scores`` bear out the claim's colour, and the best-scoring name. An area must be nearest
    its named colour, within :data:`AREA_REACH`. Ink must be explained best by its named colour among
    the family's colours (``among``); over the whole palette it may be beaten, by at most
    :data:`INK_TIE`, by a colour its thin ink may look like (:func:`_alike`: thin anti-aliased ink, or
    a light face, cannot tell white from light gray, black from navy, or black from dark gray on white)."""
    best = min(scores, key=scores.get)
    named = scores.get(c["name"], float("inf"))
    if c.get("part") != "ink":
        return best == c["name"] and named <= AREA_REACH, best
    if c.get("among"):  # the family draws from these colours: the named one must explain the ink best
        return best == c["name"], best
    rivals = [n for n, v in scores.items() if v < named]
    return all(scores[n] >= named - INK_TIE and _alike(n, c["name"], c["base"]) for n in rivals), best


def _alike(a: str, b: str, base) -> bool:
    """Whether thin ink of palette colours ``a`` and ``b`` over ``base`` may look the same: they lie within
    :data:`NEAR` RGB units, or on one blend line from ``base`` (within :data:`NEAR_LINE`: partly covered
    black is dark gray on white, partly covered light gray is gray on black)."""
    pa, pb, o = (np.asarray(v, np.float64) for v in (PALETTE[a][0], PALETTE[b][0], base))
    if np.linalg.norm(pa - pb) <= NEAR:
        return True
    far, near = (pa, pb) if np.linalg.norm(pa - o) >= np.linalg.norm(pb - o) else (pb, pa)
    u = (far - o) / max(float(np.linalg.norm(far - o)), 1e-9)  # the blend line toward the farther colour
    off = near - o
    return off @ u >= 0 and float(np.linalg.norm(off - (off @ u) * u)) <= NEAR_LINE


def colour(spec, frames, annotations, c):
    """The ``colour`` verifier: the frame (``frame``, default the last) shows the claim's palette colour."""
    i = c.get("frame", -1)
    scores = colour_scores(frames[i], annotations[i], c)
    if scores is None:
        return [f"colour of {c['subject']}: nothing of it to measure at frame {i % len(frames)}"]
    ok, best = shows(c, scores)
    return [] if ok else [f"colour of {c['subject']}: the frame shows {best}, caption says {c['name']}"]
