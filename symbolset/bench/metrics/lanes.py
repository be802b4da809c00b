"""Mt (b), the lanes family's free-standing reader (no figure to locate: lane lines run off the
frame). What a frame shows (:func:`read_lanes`):

- the vanishing point: line segments (probabilistic Hough on each colour channel's Canny edges: a
  road and a verge of one brightness differ in hue only) are intersected pairwise to find the
  point most of them meet (wherever it is: the least-squares point of the segments passing the
  best crossing), and the share of the segments' length passing within 2% of the diagonal of it;
- the lane lines, left to right: rays fanned out below that point (and below the sky's lower edge
  in each column: a cream sky is within 40 grey levels of a white line) find the lines of each
  stated colour (a yellow edge line beside white ones) and of any colour unlike the road, the
  ground and the stated ones, a line covering >= 10% of its ray's visible length; each is read as its kind -- ``S`` (solid: on along >= 80% of its visible
  length, judged over a fan of +-1.5 degrees so that a line a lens or warp bends a little stays
  solid) or ``D`` (dashed) -- and its colour (the stated colour most of its pixels have, or none);
- the scene: the palette names of the median colours above the point (sky), straight below it
  (road) and at the verges by the horizon (ground).

``lanes`` (:func:`lanes_score`) = the share, halved for every statement of the caption the frame
contradicts: each line wrong, missing or extra against the caption's list ("a solid yellow line, a
dashed white line, ...": the edit distance of the two lists, as a wrong character halves a text's
``ocr_symbols``), the sky's, ground's or road's colour, and the vanishing point's region (the
caption's words, with :data:`_VP_SLACK` for a re-layout). Positions, widths and the spacing of the
lines are free: the caption does not state them.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from ...captions import PALETTE
from ...claims import band_limits, region

_LANE_MIN, _LANE_SOLID = 0.1, 0.8  # a dashed line near the viewer may show one long gap: 15% missed one (reframed lanes-0-000007)
_VP_SLACK = 0.08  # share of the frame a vanishing point may lie outside its stated region (a re-layout moves it)


def _segments(frame: np.ndarray) -> np.ndarray:
    """Hough line segments ``(N, 4)`` of the frame's edges, none near-horizontal."""
    h, w = frame.shape[:2]
    # every channel's edges: a road and a verge of the same brightness (dark grey beside green) differ in hue only
    edges = np.maximum.reduce([cv2.Canny(np.ascontiguousarray(frame[..., c]), 50, 150, L2gradient=True) for c in range(3)])
    segs = cv2.HoughLinesP(edges, 1, np.pi / 180, threshold=max(8, h // 16), minLineLength=max(6, h // 12), maxLineGap=max(2, h // 40))
    if segs is None:
        return np.zeros((0, 4))
    segs = segs.reshape(-1, 4).astype(float) + 0.5
    d = segs[:, 2:] - segs[:, :2]
    return segs[np.abs(d[:, 1]) > 0.2 * np.hypot(d[:, 0], d[:, 1])]


def vanishing_point(frame: np.ndarray) -> tuple[np.ndarray, float] | None:
    """(the point most line segments meet, share of the segments' length passing within 2% of the
    diagonal of it); None when fewer than two segments are found."""
    segs = _segments(frame)
    if len(segs) < 2:
        return None
    h, w = frame.shape[:2]
    tol = 0.02 * math.hypot(h, w)
    p, d = segs[:, :2], segs[:, 2:] - segs[:, :2]
    length = np.hypot(d[:, 0], d[:, 1])
    n = np.column_stack([-d[:, 1], d[:, 0]]) / length[:, None]
    off = (n * p).sum(axis=1)
    best, best_vp = -1.0, None
    for a in range(len(segs)):  # every pair's intersection is a candidate (segments are few)
        for b in range(a + 1, len(segs)):
            m = np.array([n[a], n[b]])
            if abs(np.linalg.det(m)) < 1e-3:
                continue
            vp = np.linalg.solve(m, [off[a], off[b]])
            support = length[np.abs(n @ vp - off) <= tol].sum()
            if support > best:
                best, best_vp = support, vp
    if best_vp is None:
        return None
    # The first pair's crossing with the most support rests on two short segments and may sit a few
    # px off; the lines are read from the length-weighted least-squares point of all the segments it
    # explains (what they agree on), the share is that consensus's.
    inlier = np.abs(n @ best_vp - off) <= tol
    weight = np.sqrt(length[inlier])
    best_vp = np.linalg.lstsq(n[inlier] * weight[:, None], off[inlier] * weight, rcond=None)[0]
    return best_vp, float(best / length.sum())


def _unlike(frame: np.ndarray, colors, blends) -> np.ndarray:
    """Pixels more than 40 grey levels (any channel) from every colour of ``colors`` and more than
    40 RGB units from the blend line of every pair in ``blends`` (an edge between two backdrops)."""
    f = frame.astype(np.float32)
    out = np.ones(frame.shape[:2], bool)
    for c in colors:
        out &= np.abs(f - np.asarray(c, np.float32)).max(axis=-1) > 40
    for a, b in blends:
        a, d = np.asarray(a, np.float32), np.asarray(b, np.float32) - np.asarray(a, np.float32)
        t = np.clip(((f - a) @ d) / max(float(d @ d), 1.0), 0.0, 1.0)
        out &= np.linalg.norm(f - a - t[..., None] * d, axis=-1) > 40
    return out


def _below_sky(frame: np.ndarray, sky) -> np.ndarray:
    """Pixels below the sky: in each column, from the first pixel down from the top that is more
    than 40 grey levels from ``sky`` (a cream sky is within 40 of a white line; a warped horizon
    crosses the rays fanned out just below a vanishing point)."""
    h = frame.shape[0]
    unlike = np.abs(frame.astype(np.int16) - np.asarray(sky, np.float32)).max(axis=-1) > 40
    top = np.where(unlike.any(axis=0), unlike.argmax(axis=0), h)
    return np.arange(h)[:, None] >= top[None, :]


def lane_lines(frame: np.ndarray, vp: np.ndarray, colors, backdrop=None, sky=None) -> list[tuple[str, int]]:
    """The lane lines fanning out below ``vp`` in any of ``colors`` (each within 40 grey levels),
    left to right on screen: ``(kind, colour)`` with kind ``S`` for a solid line (on along 80% or
    more of its visible length) or ``D`` for dashed, and colour the index in ``colors`` that most of
    the line's pixels have. With ``backdrop`` (the road's and the ground's colours, as read), a line
    of any other colour (unlike both, their blend and ``colors``) is found too, with colour -1. With
    ``sky`` (its colour, as read), nothing above the sky's lower edge counts (:func:`_below_sky`)."""
    h, w = frame.shape[:2]
    f = frame.astype(np.int16)
    masks = [(np.abs(f - np.asarray(c)).max(axis=-1) <= 40) for c in colors]
    if backdrop is not None:  # less the edges where two known colours meet (blended, their chroma smeared by 4:2:0)
        known = list(colors) + list(backdrop)
        other = _unlike(frame, known, [(a, b) for i, a in enumerate(known) for b in known[i + 1 :]])
        masks.append(cv2.morphologyEx(other.astype(np.uint8), cv2.MORPH_OPEN, np.ones((2, 2), np.uint8)).astype(bool))
    if sky is not None:
        below = _below_sky(frame, sky)
        masks = [m & below for m in masks]
    angles = np.radians(np.arange(8.0, 172.5, 0.5))  # directions below the horizon through vp (not along it)
    radii = np.arange(0.08 * h, math.hypot(h, w), 0.5)
    xs = (vp[0] + np.cos(angles)[:, None] * radii[None]).astype(np.float32) - 0.5
    ys = (vp[1] + np.sin(angles)[:, None] * radii[None]).astype(np.float32) - 0.5
    inside = (xs >= 0) & (xs <= w - 1) & (ys >= 0) & (ys <= h - 1)
    each = np.stack(
        [cv2.remap(m.astype(np.float32), xs, ys, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0) > 0.5 for m in masks]
    )
    on = each.any(axis=0)
    seen = np.maximum(inside.sum(axis=1), 1)
    # a thin line between two rays; its kind is judged over a wider fan of rays (+-1.5 degrees), so a
    # line bent a little (lens or warp) or a vanishing point found a pixel or two off still reads as
    # solid (a dash's gap is empty across the whole fan)
    near = on | np.roll(on, 1, axis=0) | np.roll(on, -1, axis=0)
    wide = near | np.roll(near, 2, axis=0) | np.roll(near, -2, axis=0)
    cover = (near & inside).sum(axis=1) / seen
    solid = (wide & inside).sum(axis=1) / seen
    by_colour = (each & inside[None]).sum(axis=2)  # (masks, rays): pixels of each colour along each ray
    peaks, k = [], 0
    while k < len(cover):
        if cover[k] < _LANE_MIN:
            k += 1
            continue
        top = k
        while k < len(cover) and cover[k] >= _LANE_MIN:
            top = k if cover[k] > cover[top] else top
            k += 1
        if peaks and top - peaks[-1] < 8:  # within 4 degrees: the same line (a dash gap split it)
            peaks[-1] = top if cover[top] > cover[peaks[-1]] else peaks[-1]
        else:
            peaks.append(top)
    out = []
    for t in reversed(peaks):  # the ray angle grows clockwise from screen-right: reversed is left to right
        c = int(by_colour[:, max(0, t - 2) : t + 3].sum(axis=1).argmax())
        out.append(("S" if solid[t] >= _LANE_SOLID else "D", c if c < len(colors) else -1))
    return out


def _nearest(rgb) -> str:
    """The palette name nearest an RGB colour (how captions name colours)."""
    return min(PALETTE, key=lambda n: sum((float(a) - b) ** 2 for a, b in zip(PALETTE[n][0], rgb)))


def scene_colours(frame: np.ndarray, vp: np.ndarray) -> dict:
    """The median colours of what lies around the vanishing point ``vp``: ``sky`` (the rows above
    it), ``road`` (the wedge straight below it, 60-120 degrees) and ``ground`` (the outer eighths of
    the rows just below it: the verges by the horizon); a part with too few pixels in the frame is
    left out."""
    h, w = frame.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w] + 0.5
    dy, dx = ys - vp[1], xs - vp[0]
    parts = {
        "sky": dy < -0.02 * h,
        "road": (np.hypot(dx, dy) > 0.08 * h) & (dy > np.abs(dx) * math.tan(math.radians(60))),
        "ground": (dy > 0.01 * h) & (dy < 0.08 * h) & ((xs < w / 8) | (xs > w - w / 8)),
    }
    return {k: np.median(frame[m].astype(np.float32), axis=0) for k, m in parts.items() if m.sum() >= 0.002 * h * w}


def lane_colors(spec: dict) -> list:
    """The distinct colours of ``spec``'s lane lines, in element order."""
    out: list = []
    for el in spec["elements"]:
        if el["type"] == "lane_line" and list(el["color"]) not in out:
            out.append(list(el["color"]))
    return out


def read_lanes(frame: np.ndarray, colors) -> dict | None:
    """What a frame shows: ``share`` (of its segments meeting at one point), ``vp`` (that point,
    as a share of the frame's width and height), ``scene`` (:func:`scene_colours`, named) and
    ``lines`` (:func:`lane_lines` of ``colors``, and of any colour unlike the road and the ground);
    None without a vanishing point."""
    found = vanishing_point(frame)
    if found is None:
        return None
    vp, share = found
    h, w = frame.shape[:2]
    scene = scene_colours(frame, vp)
    backdrop = [scene["road"], scene["ground"]] if "road" in scene and "ground" in scene else None
    return {"share": share, "vp": (vp[0] / w, vp[1] / h), "scene": {k: _nearest(v) for k, v in scene.items()},
            "lines": lane_lines(frame, vp, colors, backdrop, scene.get("sky"))}  # fmt: skip


def stated_lines(spec: dict, annotation: dict) -> list[tuple[str, int]]:
    """The lines the caption lists, left to right (by where they cross the bottom row), as
    :func:`lane_lines` reads them: ``(kind, index in lane_colors(spec))``."""
    colors = lane_colors(spec)
    color_of = {el["id"]: list(el["color"]) for el in spec["elements"] if el["type"] == "lane_line"}
    shapes = sorted((s for s in annotation["shapes"] if s["type"] == "lane_line"), key=lambda s: s["params"]["bottom_x"])
    return [("D" if s["params"]["dashed"] else "S", colors.index(color_of[s["element"]])) for s in shapes]


def stated_scene(spec: dict) -> dict:
    """The palette names of the sky (the background), ground and road the caption states, and the
    vanishing point's region claim (:func:`symbolset.claims.region`)."""
    by_id = {el["id"]: el for el in spec["elements"]}
    out = {"sky": _nearest(spec["background"])}
    out.update({k: _nearest(by_id[k]["fill"]) for k in ("ground", "road") if k in by_id and "fill" in by_id[k]})
    vx, vy = next(el["vanishing_point"] for el in spec["elements"] if el["type"] == "lane_line")
    out["vp"] = region(vx, vy, spec["width"], spec["height"])
    return out


def _off_band(u: float, band: int | None) -> bool:
    """Whether share ``u`` lies more than :data:`_VP_SLACK` outside region band ``band`` (None: any)."""
    if band is None:
        return False
    lo, hi = band_limits(band)
    return u < lo - _VP_SLACK or u > hi + _VP_SLACK


def lanes_score(reading, spec: dict, annotation: dict) -> float | None:
    """A frame's :func:`read_lanes` against spec frame ``annotation``: the vanishing point's share,
    halved for every statement of the caption the frame contradicts -- each lane line (kind and
    colour, left to right) wrong, missing or extra, the sky's, ground's or road's colour, the
    vanishing point's region (with :data:`_VP_SLACK`); None when the spec frame shows fewer than two lines."""
    want = stated_lines(spec, annotation)
    if len(want) < 2:
        return None
    if reading is None:
        return 0.0
    from .ocr import levenshtein

    stated = stated_scene(spec)
    wrong = levenshtein(tuple(reading["lines"]), tuple(want))
    wrong += sum(reading["scene"].get(k, stated[k]) != stated[k] for k in ("sky", "ground", "road") if k in stated)
    wrong += _off_band(reading["vp"][0], stated["vp"]["col"]) or _off_band(reading["vp"][1], stated["vp"]["row"])
    return float(reading["share"] * 0.5**wrong)
