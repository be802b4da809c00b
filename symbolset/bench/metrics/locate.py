"""Locating a prompt's figure in a video frame, wherever and however large the model drew it.

A symbolic reader written in the spec's coordinates (the clock's hand reader, the 7-segment
decoder, a circle fit) is applied to a video by first *locating* the figure: the bounding box of
the pixels that differ from the frame's own background (the most common colour on the frame's
border), taken over the sampled frames, or, for a figure whose panel colour the prompt states, the
box of that colour. The same box is located in the spec's own render; the axis-aligned map between
the two boxes (independent x and y scales, so aspect ratio is free too) carries the video frame
onto the spec's canvas. No pixel of the render is compared with the video: only the two boxes meet.

A box is set by the figure's extremes, so a figure with one part wrong (a vertex moved outwards)
shifts and rescales its box and the map would hide part of the error. :func:`register` refines
the map by fitting the spec's own primitives (points along the two sides of its polylines',
polygons' and circles' strokes, in the spec's coordinates: where a frame's edges lie) to the video's edges: the uniform scale and shift that put most of
those points on an edge (a robust, truncated chamfer fit), so the parts drawn right line up and
a part drawn wrong stays where the model put it.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
from scipy.optimize import minimize

INK_TOL = 24  # grey levels (max over channels) a pixel must differ from the background to be ink
_MIN_PIXELS = 2  # a row or column needs this many ink pixels to count (codec speckles do not)


def background(frame: np.ndarray) -> np.ndarray:
    """The most common colour (quantised to 16 levels per channel) on the frame's border."""
    border = np.concatenate([frame[0], frame[-1], frame[:, 0], frame[:, -1]]).astype(np.int32)
    keys = (border // 16) @ np.array([256, 16, 1])
    common = np.bincount(keys).argmax()
    return border[keys == common].mean(axis=0)


def _box(mask: np.ndarray) -> list[float] | None:
    rows, cols = np.nonzero(mask.sum(axis=1) >= _MIN_PIXELS)[0], np.nonzero(mask.sum(axis=0) >= _MIN_PIXELS)[0]
    if len(rows) < 2 or len(cols) < 2:
        return None
    return [float(cols[0]), float(rows[0]), float(cols[-1] + 1), float(rows[-1] + 1)]


def figure_box(frames, color=None, tol: float = INK_TOL) -> list[float] | None:
    """``[x0, y0, x1, y1]`` of the union over ``frames`` of the ink (pixels unlike each frame's
    background) or, with ``color``, of the pixels within ``tol`` of it (largest connected blob);
    None when nothing is found."""
    union = None
    for frame in frames:
        f = frame.astype(np.int16)
        if color is None:
            mask = np.abs(f - background(frame)).max(axis=-1) > tol
        else:
            mask = (np.abs(f - np.asarray(color)).max(axis=-1) <= tol).astype(np.uint8)
            n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
            mask = labels == (1 + int(stats[1:, cv2.CC_STAT_AREA].argmax())) if n > 1 else np.zeros(mask.shape, bool)
        union = mask if union is None else union | mask
    return None if union is None else _box(union)


def box_map(src: list[float], dst: list[float]) -> np.ndarray:
    """The 2x3 affine map (x and y scales, translation) that carries box ``src`` onto box ``dst``."""
    sx = (dst[2] - dst[0]) / max(1e-6, src[2] - src[0])
    sy = (dst[3] - dst[1]) / max(1e-6, src[3] - src[1])
    return np.array([[sx, 0.0, dst[0] - sx * src[0]], [0.0, sy, dst[1] - sy * src[1]]])


def onto_canvas(frames, matrix: np.ndarray, width: int, height: int) -> list[np.ndarray]:
    """``frames`` carried by the scale-and-shift ``matrix`` onto a ``width`` x ``height`` canvas:
    resized first (area filter when shrinking), then shifted; the border is filled with each
    frame's background."""
    sx, sy = float(matrix[0, 0]), float(matrix[1, 1])
    out = []
    for f in frames:
        h, w = f.shape[:2]
        nw, nh = max(1, int(round(w * sx))), max(1, int(round(h * sy)))
        scaled = cv2.resize(f, (nw, nh), interpolation=cv2.INTER_AREA if nw * nh < w * h else cv2.INTER_LINEAR)
        m = np.array([[sx * w / nw, 0.0, matrix[0, 2]], [0.0, sy * h / nh, matrix[1, 2]]])  # what rounding the size left, and the shift
        bg = tuple(float(v) for v in background(f))
        out.append(cv2.warpAffine(scaled, m, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=bg))
    return out


def edges(frame: np.ndarray) -> np.ndarray:
    """Canny edge pixels (bool) of an RGB frame."""
    return cv2.Canny(cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY), 50, 150, L2gradient=True) > 0


def edge_distance(frame: np.ndarray) -> np.ndarray:
    """Per pixel, the distance (px) to the nearest Canny edge pixel of ``frame``."""
    return cv2.distanceTransform((~edges(frame)).astype(np.uint8), cv2.DIST_L2, 3)


def shape_points(shapes: list[dict], step: float = 1.0, outline: bool = False) -> tuple[np.ndarray, float]:
    """``(N, 2)`` points every ``step`` px along the polylines, polygons (closed) and circles
    (their drawn arcs) of annotation ``shapes``, and the widest stroke of those shapes. With
    ``outline``, the points lie on each stroke's two sides (half its width off its middle line, where
    a frame's edges are) instead of on its middle."""
    out, widths = [], []
    for s in shapes:
        p = s["params"]
        half = float(p.get("width", 1)) / 2
        if s["type"] in ("polyline", "polygon"):
            pts = np.asarray(p["points"], float)
            if s["type"] == "polygon" and len(pts) > 2:
                pts = np.vstack([pts, pts[:1]])
            for a, b in zip(pts, pts[1:]):
                length = math.hypot(*(b - a))
                n = max(2, int(length / step) + 1)
                line = a + np.linspace(0.0, 1.0, n)[:, None] * (b - a)
                if not outline:
                    out.append(line)
                elif length > 0:
                    normal = np.array([a[1] - b[1], b[0] - a[0]]) / length * half
                    out += [line + normal, line - normal]
        elif s["type"] == "circle":
            r, sweep = float(p["radius"]), float(p.get("sweep", 360.0))
            n = max(8, int(abs(math.radians(sweep)) * r / step) + 1)
            a = np.radians(float(p.get("start", 0.0)) + np.linspace(0.0, sweep, n))
            for radius in ((r + half, max(0.0, r - half)) if outline else (r,)):
                out.append(np.column_stack([p["center"][0] + radius * np.cos(a), p["center"][1] + radius * np.sin(a)]))
        else:
            continue
        widths.append(2 * half)
    return (np.concatenate(out) if out else np.zeros((0, 2))), max(widths, default=1.0)


def register(frame: np.ndarray, shapes: list[dict], matrix: np.ndarray) -> np.ndarray:
    """The video-to-canvas ``matrix`` (e.g. :func:`box_map`) refined to the uniform scale and
    shift that lay the spec's primitives (``shapes`` of one spec frame, their strokes' sides: :func:`shape_points`) best
    along the edges of ``frame`` (the same moment of the video): the mean, over the points, of the
    frame's Canny edges blurred by half the widest stroke and a pixel (so a stroke's two edges make one ridge
    along its middle), maximised on a grid around the box map (scale +-10%, shift +-5% of the
    figure) then by Nelder-Mead. Returned as a 2x3 matrix of the same kind; unchanged with fewer than 8 points."""
    points, width = shape_points(shapes, outline=True)
    if len(points) < 8:
        return matrix
    found = edges(frame).astype(np.float32)
    sx, sy = float(matrix[0, 0]), float(matrix[1, 1])
    s0 = 1.0 / math.sqrt(max(1e-12, sx * sy))  # canvas -> video: one scale (the geometric mean)
    centre = points.mean(axis=0)
    into = np.array([(centre[0] - matrix[0, 2]) / sx, (centre[1] - matrix[1, 2]) / sy])  # where the box map sends it
    sigma = s0 * (width / 2 + 1.0)  # a stroke's two edges (and an anti-aliased 1 px line's) merge into one ridge

    def cost(x, field):
        q = ((points - centre) * (s0 * math.exp(x[0])) + into + x[1:]).astype(np.float32) - 0.5
        return -float(cv2.remap(field, q[:, 0:1], q[:, 1:2], cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0).mean())

    reach = max(2.0, 0.05 * s0 * float(np.ptp(points, axis=0).max()))  # how far the box map may be off
    fine = cv2.GaussianBlur(found, (0, 0), sigma)
    steps = np.linspace(-reach, reach, 9)
    grid = [np.array([a, b, c]) for a in np.linspace(-0.1, 0.1, 9) for b in steps for c in steps]
    x0 = min(grid, key=lambda x: cost(x, fine))  # coarse first: the ridges are narrow, a blurrier field shifts their peaks
    simplex = np.vstack([x0, x0 + np.diag([0.02, reach / 4, reach / 4])])
    bounds = [(-0.2, 0.2), (-2 * reach, 2 * reach), (-2 * reach, 2 * reach)]  # a figure that fits nowhere must not run off
    x = minimize(cost, x0, args=(fine,), method="Nelder-Mead", bounds=bounds, options={"xatol": 0.005, "fatol": 1e-5, "initial_simplex": simplex}).x
    s, t = s0 * math.exp(x[0]), into + x[1:]
    # video -> canvas: the inverse of q = (p - centre) * s + t
    return np.array([[1.0 / s, 0.0, centre[0] - t[0] / s], [0.0, 1.0 / s, centre[1] - t[1] / s]])
