"""Occluders of the real style: a thing that passes in front of the stage's card (a lamp post, a
passer-by, a leafy branch, a hand, the side of a passing car, a falling leaf), drawn procedurally on
the image after the camera's warp, and the per-character visibility it leaves.

``spec["stage"]["occluder"]`` (absent: none) holds everything, so a clip re-renders bit for bit::

    {"kind": str, "color": [r, g, b], "accent": [r, g, b], "size": px per unit / min(w, h),
     "angle": [start, end] degrees, "from": [x, y], "to": [x, y] (anchor, frame fractions),
     "blur": px (Gaussian sigma of its edge), "seed": int}

The anchor moves at constant speed from ``from`` (first frame) to ``to`` (last frame); the path is
drawn so that the shape lies wholly outside the frame on the first and the last frame: it enters,
crosses and leaves. Its mask is an alpha map (0..255) that is blended over the image exactly:
alpha 0 leaves a pixel as it was, alpha 255 replaces it.

Visibility, on pixels: the pixels of a character are those whose centres lie in its quad (the quad
holds every pixel its ink touches, stage.py). A character is ``hidden`` when every such pixel in the
frame is fully covered (alpha 255, so none of its ink can show), ``partial`` when some but not all are
touched (alpha > 0), and keeps the frame-edge verdict (``stage.visibility``) when none is touched.
The lens (blur, noise, JPEG) acts after the occluder: a hidden character's pixels are the occluder's
before the lens, so none of its ink shows after it either.
"""

from __future__ import annotations

import functools
import math

import cv2
import numpy as np

from .draw import pick
from .stage_camera import apply

KINDS = {  # kind: (English noun, Chinese noun)
    "pole": ("a lamp post", "一根灯柱"),
    "person": ("a passer-by", "一位路人"),
    "branch": ("a leafy branch", "一根带叶的树枝"),
    "hand": ("a hand", "一只手"),
    "vehicle": ("the side of a passing car", "一辆驶过的汽车的车身"),
    "leaf": ("a falling leaf", "一片落叶"),
}
_STILL_NOUNS = {"vehicle": ("the side of a car", "一辆汽车的车身"), "leaf": ("a leaf", "一片树叶")}  # one frame: nothing passes or falls
SHARE = 0.3  # the share of real clips that get an occluder unless the config says otherwise
_SHIFT = 4  # fixed-point bits of polygon corners handed to OpenCV (1/16 px)


# ---------------------------------------------------------------- drawing the parameters


def sample(rng: np.random.Generator, w: int, h: int) -> dict:
    """An occluder's parameters for a ``w`` x ``h`` frame (its path enters and leaves the frame)."""
    kind = pick(rng, tuple(KINDS))
    dark = [int(v) for v in rng.integers(25, 95, 3)]
    color = {"pole": [int(v) for v in (rng.integers(45, 110),) * 3], "leaf": [int(rng.integers(60, 140)), int(rng.integers(110, 170)), int(rng.integers(30, 70))],
             "hand": _skin(rng),
             "vehicle": [int(v) for v in rng.integers(30, 220, 3)]}.get(kind, dark)  # fmt: skip
    accent = {"branch": [int(rng.integers(40, 100)), int(rng.integers(100, 160)), int(rng.integers(30, 70))],
              "person": _skin(rng)}.get(kind, [25, 25, 30])  # fmt: skip
    size = round(float(rng.uniform(0.8, 1.15)), 3)
    a0 = round(float(rng.uniform(-6, 6)), 3)
    spin = {"leaf": float(rng.uniform(-90, 90)), "branch": float(rng.uniform(-10, 10))}.get(kind, 0.0)
    occ = {"kind": kind, "color": color, "accent": accent, "size": size, "angle": [a0, round(a0 + spin, 3)],
           "from": [0.0, 0.0], "to": [0.0, 0.0], "blur": round(float(rng.uniform(0.0, 1.5)), 3), "seed": int(rng.integers(2**31))}  # fmt: skip
    # Where it crosses: the anchor's fixed coordinate (frame fraction), and the direction.
    across = {"pole": rng.uniform(0.45, 0.55), "person": rng.uniform(0.75, 0.95), "hand": rng.uniform(0.7, 0.95),
              "vehicle": rng.uniform(0.7, 0.9), "branch": rng.uniform(0.25, 0.6), "leaf": rng.uniform(0.25, 0.75)}[kind]  # fmt: skip
    vertical = kind == "leaf"
    forward = bool(vertical or rng.random() < 0.5)
    lo, hi = _extent(occ, w, h, vertical)  # the shape's reach along the motion, about the anchor, px
    span = h if vertical else w
    start, end = float((-hi - 2) / span), float((span - lo + 2) / span)  # wholly outside before, wholly outside after
    if not forward:
        start, end = end, start
    fixed = round(float(across), 4)
    drift = round(float(rng.uniform(-0.15, 0.15)), 4) if vertical else 0.0
    occ["from"] = [fixed, round(start, 4)] if vertical else [round(start, 4), fixed]
    occ["to"] = [round(fixed + drift, 4), round(end, 4)] if vertical else [round(end, 4), fixed]
    # the drift and the end angle may widen the reach: step the ends out until both frames are empty
    for _ in range(20):
        if not _on_frame(occ, w, h, 0.0) and not _on_frame(occ, w, h, 1.0):
            break
        axis = 1 if vertical else 0
        d = 1 if occ["to"][axis] > occ["from"][axis] else -1
        occ["from"][axis] = round(occ["from"][axis] - d * 0.05, 4)
        occ["to"][axis] = round(occ["to"][axis] + d * 0.05, 4)
    return occ


def _skin(rng: np.random.Generator) -> list[int]:
    """A skin tone, from deep brown to pale."""
    t = float(rng.uniform(0, 1))
    return [int(round(a + (b - a) * t)) for a, b in zip((88, 56, 38), (236, 196, 168))]


def check(occ: dict) -> str | None:
    """What is wrong with an occluder's parameters (a field and a problem), or None."""
    if not isinstance(occ, dict) or occ.get("kind") not in KINDS:
        return f"occluder.kind: expected one of {', '.join(KINDS)}"
    for k in ("color", "accent"):
        if not (isinstance(occ.get(k), list) and len(occ[k]) == 3 and all(isinstance(c, int) and 0 <= c <= 255 for c in occ[k])):
            return f"occluder.{k}: expected [r, g, b]"
    for k in ("angle", "from", "to"):
        v = occ.get(k)
        if not (isinstance(v, list) and len(v) == 2 and all(isinstance(x, (int, float)) and math.isfinite(x) and abs(x) <= 400 for x in v)):
            return f"occluder.{k}: expected two finite numbers"
    if not (
        isinstance(occ.get("size"), (int, float))
        and 0.1 <= occ["size"] <= 3
        and isinstance(occ.get("blur"), (int, float))
        and 0 <= occ["blur"] <= 3
    ):
        return "occluder: size in [0.1, 3], blur in [0, 3] px"
    if not isinstance(occ.get("seed"), int):
        return "occluder.seed: expected an integer"
    return None


# ---------------------------------------------------------------- the shape


def _ellipse(cx, cy, rx, ry, n=28):
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    return np.column_stack([cx + rx * np.cos(t), cy + ry * np.sin(t)])


def _capsule(a, b, r, n=10):
    """A thick segment from ``a`` to ``b`` with round ends of radius ``r``."""
    (ax, ay), (bx, by) = a, b
    ang = math.atan2(by - ay, bx - ax)
    t1 = np.linspace(ang + np.pi / 2, ang + 3 * np.pi / 2, n)
    t2 = np.linspace(ang - np.pi / 2, ang + np.pi / 2, n)
    return np.concatenate(
        [np.column_stack([ax + r * np.cos(t1), ay + r * np.sin(t1)]), np.column_stack([bx + r * np.cos(t2), by + r * np.sin(t2)])]
    )


def _parts(occ: dict) -> list[tuple[np.ndarray, tuple[int, int, int]]]:
    """The shape as (polygon in units about the anchor, colour) parts, drawn in order (the same on
    every frame: built once per occluder; the arrays are shared, never written to)."""
    return _shape(occ["kind"], tuple(occ["color"]), tuple(occ["accent"]), occ["seed"])


@functools.lru_cache(maxsize=32)
def _shape(kind: str, c: tuple[int, int, int], acc: tuple[int, int, int], seed: int) -> list[tuple[np.ndarray, tuple[int, int, int]]]:
    rng = np.random.default_rng(seed)
    shade = tuple(int(v * 0.7) for v in c)
    if kind == "pole":
        wd = rng.uniform(0.035, 0.06)
        return [(np.array([[-wd, -2.0], [wd, -2.0], [wd, 2.0], [-wd, 2.0]]), c),
                (np.array([[wd * 0.3, -2.0], [wd, -2.0], [wd, 2.0], [wd * 0.3, 2.0]]), shade),
                (np.array([[-wd * 1.4, 0.12], [wd * 1.4, 0.12], [wd * 1.4, 0.2], [-wd * 1.4, 0.2]]), shade)]  # fmt: skip
    if kind == "person":  # head to hips, the body reaching below the frame
        sh = rng.uniform(0.19, 0.24)
        body = np.array([[-sh, -0.3], [sh, -0.3], [sh * 1.05, -0.22], [sh * 0.95, 1.4], [-sh * 0.95, 1.4], [-sh * 1.05, -0.22]])
        return [(body, c), (_capsule((-sh, -0.22), (-sh * 1.2, 0.5), 0.06), shade), (_capsule((sh, -0.22), (sh * 1.2, 0.5), 0.06), shade),
                (_capsule((0, -0.42), (0, -0.28), 0.045), acc), (_ellipse(0, -0.5, 0.085, 0.105), acc), (_ellipse(0, -0.56, 0.09, 0.06), shade)]  # fmt: skip
    if kind == "hand":  # a palm with four fingers and a thumb, the forearm reaching below the frame
        parts = [(_capsule((0, 0.15), (0, 1.5), 0.12), shade), (_ellipse(0, 0.0, 0.16, 0.19), c)]
        for k, (x, ln) in enumerate(((-0.11, 0.2), (-0.04, 0.25), (0.035, 0.24), (0.105, 0.19))):
            tip = (x * 1.3 + rng.uniform(-0.01, 0.01), -0.12 - ln)
            parts.append((_capsule((x, -0.1), tip, 0.034 - 0.002 * k), c))
        parts.append((_capsule((0.13, 0.05), (0.28, -0.12), 0.038), c))
        return parts
    if kind == "vehicle":  # a car's side: body, windows, wheels; much longer than the frame is wide
        length = 0.7
        body = np.array([[-length, -0.05], [length, -0.05], [length * 1.02, 0.1], [length, 0.38], [-length, 0.38], [-length * 1.02, 0.1]])
        roof = np.array([[-length * 0.55, -0.35], [length * 0.35, -0.35], [length * 0.6, -0.04], [-length * 0.8, -0.04]])
        glass = tuple(int(v * 0.35) + 20 for v in c)
        parts = [(roof, c), (body, c)]
        for x0, x1 in ((-length * 0.5, -length * 0.05), (0.0, length * 0.3)):
            parts.append((np.array([[x0, -0.3], [x1, -0.3], [x1 + 0.12, -0.08], [x0 - 0.12, -0.08]]), glass))
        for x in (-length * 0.62, length * 0.62):
            parts += [(_ellipse(x, 0.38, 0.17, 0.17), (20, 20, 22)), (_ellipse(x, 0.38, 0.08, 0.08), (120, 120, 125))]
        parts.append((np.array([[-length, 0.12], [length, 0.12], [length, 0.15], [-length, 0.15]]), shade))
        return parts
    if kind == "branch":  # a stem hanging from above with leaves along it
        pts = [(0.0, -0.9)]
        for _ in range(4):
            x, y = pts[-1]
            pts.append((x + rng.uniform(-0.12, 0.12), y + rng.uniform(0.18, 0.28)))
        parts = [(_capsule(a, b, 0.025 - 0.003 * k), shade) for k, (a, b) in enumerate(zip(pts, pts[1:]))]
        for k, (x, y) in enumerate(pts[1:]):
            for side in (0.0, math.pi):  # a leaf to each side, drooping a little
                ang = side + rng.uniform(-0.6, 0.6) + (0.4 if side == 0 else -0.4)
                ln = rng.uniform(0.1, 0.16)
                rot = np.array([[math.cos(ang), -math.sin(ang)], [math.sin(ang), math.cos(ang)]])
                centre = [x + 0.9 * ln * math.cos(ang), y + 0.9 * ln * math.sin(ang)]
                parts.append((_ellipse(0, 0, ln, ln * 0.38) @ rot.T + centre, acc if k % 2 else c))
        return parts
    # leaf: a pointed blade and its stem, close to the lens
    t = np.linspace(0, np.pi, 16)
    ln, wd = rng.uniform(0.22, 0.3), rng.uniform(0.08, 0.12)
    upper = np.column_stack([-ln * np.cos(t), -wd * np.sin(t)])
    lower = np.column_stack([ln * np.cos(t), wd * np.sin(t)])
    return [
        (_capsule((ln, 0), (ln + 0.08, 0.02), 0.01), shade),
        (np.concatenate([upper, lower]), c),
        (_capsule((-ln * 0.9, 0), (ln * 0.9, 0), 0.008), shade),
    ]


def _placed(occ: dict, w: int, h: int, u: float) -> list[tuple[np.ndarray, tuple[int, int, int]]]:
    """The parts in image pixels at clip fraction ``u`` (0 = first frame, 1 = last)."""
    unit = occ["size"] * min(w, h)
    ang = math.radians(occ["angle"][0] + (occ["angle"][1] - occ["angle"][0]) * u)
    rot = np.array([[math.cos(ang), -math.sin(ang)], [math.sin(ang), math.cos(ang)]]) * unit
    ax = (occ["from"][0] + (occ["to"][0] - occ["from"][0]) * u) * w
    ay = (occ["from"][1] + (occ["to"][1] - occ["from"][1]) * u) * h
    return [(poly @ rot.T + [ax, ay], col) for poly, col in _parts(occ)]


def _extent(occ: dict, w: int, h: int, vertical: bool) -> tuple[float, float]:
    """The shape's reach (min, max) along x (or y) about the anchor, at either end angle, plus its blur."""
    axis = 1 if vertical else 0
    pad = 3 * occ["blur"] + 2
    lo = hi = 0.0
    for u in (0.0, 1.0):
        pts = np.concatenate([p for p, _ in _placed({**occ, "from": [0, 0], "to": [0, 0]}, w, h, u)])
        lo, hi = min(lo, pts[:, axis].min() - pad), max(hi, pts[:, axis].max() + pad)
    return lo, hi


def _on_frame(occ: dict, w: int, h: int, u: float) -> bool:
    pts = np.concatenate([p for p, _ in _placed(occ, w, h, u)])
    pad = 3 * occ["blur"] + 2
    return bool(pts[:, 0].max() + pad > 0 and pts[:, 0].min() - pad < w and pts[:, 1].max() + pad > 0 and pts[:, 1].min() - pad < h)


def layers(occ: dict, w: int, h: int, index: int, num_frames: int) -> tuple[np.ndarray, np.ndarray]:
    """The occluder's alpha (uint8, h x w) and colour (uint8, h x w x 3) at frame ``index``."""
    alpha, color = np.zeros((h, w), np.uint8), np.zeros((h, w, 3), np.uint8)
    roi = _region(occ, w, h, index, num_frames)
    if roi is not None:
        a, c, (x0, y0) = roi
        alpha[y0 : y0 + a.shape[0], x0 : x0 + a.shape[1]], color[y0 : y0 + a.shape[0], x0 : x0 + a.shape[1]] = a, c
    return alpha, color


def _region(occ: dict, w: int, h: int, index: int, num_frames: int):
    """The alpha and colour of the part of the frame the occluder can touch, and that part's corner
    ``(x0, y0)``; None when it is wholly outside the frame. (Drawn with a margin of 3 blur sigmas
    + 2 px of zeros, so the blur sees what it would see on the whole frame.)"""
    placed = _placed(occ, w, h, index / (num_frames - 1) if num_frames > 1 else 0.5)  # a still shows it midway across
    pts = np.concatenate([p for p, _ in placed])
    pad = math.ceil(3 * occ["blur"]) + 2
    x0, y0 = max(0, int(math.floor(pts[:, 0].min())) - pad), max(0, int(math.floor(pts[:, 1].min())) - pad)
    x1, y1 = min(w, int(math.ceil(pts[:, 0].max())) + pad + 1), min(h, int(math.ceil(pts[:, 1].max())) + pad + 1)
    if x1 <= x0 or y1 <= y0:
        return None
    alpha, color = np.zeros((y1 - y0, x1 - x0), np.uint8), np.zeros((y1 - y0, x1 - x0, 3), np.uint8)
    for poly, col in placed:
        fixed = np.round((poly - [x0 + 0.5, y0 + 0.5]) * (1 << _SHIFT)).astype(np.int32)  # OpenCV puts pixel centres on integers
        cv2.fillPoly(alpha, [fixed], 255, cv2.LINE_AA, _SHIFT)
        cv2.fillPoly(color, [fixed], col, cv2.LINE_AA, _SHIFT)
    if occ["blur"] > 0:  # a near object, out of the card's focus: a soft edge
        alpha = cv2.GaussianBlur(alpha, (0, 0), occ["blur"])
        color = cv2.GaussianBlur(color, (0, 0), occ["blur"])
    return alpha, color, (x0, y0)


# ---------------------------------------------------------------- the image and its annotations


def composite(img: np.ndarray, alpha: np.ndarray, color: np.ndarray, at: tuple[int, int] = (0, 0)) -> np.ndarray:
    """``img`` with the occluder (``alpha``, ``color``, placed with their corner at ``at``) blended over
    it, in place and exactly: alpha 0 keeps a pixel, alpha 255 replaces it."""
    x0, y0 = at
    region = img[y0 : y0 + alpha.shape[0], x0 : x0 + alpha.shape[1]]
    a = alpha.astype(np.float32) * np.float32(1 / 255)  # 0 and 255 map to exactly 0 and 1
    region[:] = cv2.blendLinear(region, color, 1 - a, a)  # (f (1 - a) + c a) / 1, rounded: f where a = 0, c where a = 1
    return img


def quad_pixels(quad: np.ndarray, w: int, h: int) -> tuple[np.ndarray, np.ndarray]:
    """The frame's pixels (rows, columns) whose centres lie in a convex quad (corners in order)."""
    inside, gx, gy = _pixel_masks(np.asarray(quad, np.float64)[None], w, h)
    ys, xs = np.nonzero(inside[0])
    return gy[0][ys], gx[0][xs]


def _pixel_masks(quads: np.ndarray, w: int, h: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For quads ``(N, 4, 2)``: a mask ``(N, rows, cols)`` of the frame pixels whose centres lie in each,
    over a grid from each quad's pixel box (``gx`` ``(N, cols)``, ``gy`` ``(N, rows)``: the grid's
    columns and rows; the grid has the size of the largest box)."""
    lo = np.maximum(np.floor(quads.min(axis=1) - 0.5).astype(int), 0)
    hi = np.minimum(np.ceil(quads.max(axis=1) + 0.5).astype(int), [w, h])
    cols, rows = np.maximum(hi - lo, 0).max(axis=0)
    gx, gy = lo[:, :1] + np.arange(cols), lo[:, 1:] + np.arange(rows)
    px, py = gx[:, None, :] + 0.5, gy[:, :, None] + 0.5
    valid = (gx < hi[:, :1])[:, None, :] & (gy < hi[:, 1:])[:, :, None]
    return valid & _inside(quads[:, None, None], px, py), gx, gy


def _inside(quad: np.ndarray, px, py) -> np.ndarray:
    """Whether points (``px``, ``py``) lie in a convex quad ``(..., 4, 2)`` (corners in order; the
    leading axes broadcast against the points')."""
    pos = neg = True
    for k in range(4):
        a, b = quad[..., k, :], quad[..., (k + 1) % 4, :]
        side = (b[..., 0] - a[..., 0]) * (py - a[..., 1]) - (b[..., 1] - a[..., 1]) * (px - a[..., 0])
        pos, neg = pos & (side >= -1e-6), neg & (side <= 1e-6)
    return pos | neg


def occlude(img: np.ndarray, ann: dict, stage: dict, spec: dict, index: int, m: np.ndarray) -> tuple[np.ndarray, dict]:
    """Draw the stage's occluder over frame ``index`` (after the warp, before the lens) and update the
    frame's ``char_visibility``; an ``occluder`` shape records its pixel box and whether it covers the
    card. Boxes and quads are never changed."""
    occ = stage["occluder"]
    w, h = spec["width"], spec["height"]
    roi = _region(occ, w, h, index, spec["num_frames"])
    box = [0, 0, 0, 0]
    if roi is not None:
        alpha, color, (x0, y0) = roi
        img = composite(img, alpha, color, (x0, y0))
        bx, by, bw, bh = cv2.boundingRect(alpha)  # the box of its non-zero pixels
        if bw:
            box = [x0 + bx, y0 + by, x0 + bx + bw, y0 + by + bh]
    touched = box[2] > box[0]
    quads = [s for s in ann["shapes"] if s["type"] == "text_quad" and s["params"]["char_quads"]] if touched else []
    seen = {}
    if quads:  # every text's characters in one pass
        verdicts = _verdicts(alpha, (x0, y0), box, np.concatenate([np.asarray(s["params"]["char_quads"], np.float64) for s in quads]),
                             [v for s in quads for v in s["params"]["char_visibility"]], w, h)  # fmt: skip
        k = 0
        for s in quads:
            n = len(s["params"]["char_quads"])
            seen[id(s)], k = verdicts[k : k + n], k + n
    shapes = [{**s, "params": {**s["params"], "char_visibility": seen[id(s)]}} if id(s) in seen else s for s in ann["shapes"]]
    card = apply(m, [[0, 0], [w, 0], [w, h], [0, h]])
    corners = np.array([[box[0], box[1]], [box[2], box[1]], [box[2], box[3]], [box[0], box[3]]], np.float64)
    if touched and _inside(card, corners[:, 0], corners[:, 1]).all():  # its box lies on the card (which is convex)
        covers = True
    elif touched:  # a few of its pixels first (one on the card settles it), then all of them
        at = cv2.findNonZero(alpha).reshape(-1, 2) + [x0 + 0.5, y0 + 0.5]  # its pixels' centres, as np.nonzero orders them (3x cheaper)
        xs, ys = at[:, 0], at[:, 1]
        covers = bool(_inside(card, xs[::61], ys[::61]).any() or _inside(card, xs, ys).any())
    else:
        covers = False
    shapes.append({"element": "stage", "type": "occluder", "params": {"kind": occ["kind"], "box": box, "covers_card": covers}})
    return img, {**ann, "shapes": shapes}


def _verdicts(alpha: np.ndarray, at: tuple[int, int], box: list[int], quads: np.ndarray, edges: list[str], w: int, h: int) -> list[str]:
    """The characters' visibility with the occluder (see the module's docstring): ``alpha`` is the
    occluder's region with its corner at ``at``, ``box`` the pixel box of its non-zero part, ``edges``
    the frame-edge verdicts of the ``quads``."""
    out = list(edges)
    lo, hi = quads.min(axis=1), quads.max(axis=1)
    near = [k for k in range(len(quads)) if edges[k] != "hidden" and hi[k, 0] >= box[0] - 1 and lo[k, 0] <= box[2] + 1
            and hi[k, 1] >= box[1] - 1 and lo[k, 1] <= box[3] + 1]  # fmt: skip
    if not near:
        return out
    inside, gx, gy = _pixel_masks(quads[near], w, h)
    x0, y0 = at
    rx, ry = gx - x0, gy - y0  # the grid in the region's coordinates; outside it alpha is 0
    ok_x, ok_y = (rx >= 0) & (rx < alpha.shape[1]), (ry >= 0) & (ry < alpha.shape[0])
    a = alpha[np.clip(ry, 0, alpha.shape[0] - 1)[:, :, None], np.clip(rx, 0, alpha.shape[1] - 1)[:, None, :]]
    a = np.where(ok_y[:, :, None] & ok_x[:, None, :] & inside, a, 0)
    count = inside.sum(axis=(1, 2))
    covered, touched = ((a == 255) & inside).sum(axis=(1, 2)), (a > 0).any(axis=(1, 2))
    for n, k in enumerate(near):
        if count[n] and covered[n] == count[n]:
            out[k] = "hidden"
        elif touched[n]:
            out[k] = "partial"
    return out


# ---------------------------------------------------------------- captions


def _direction(occ: dict) -> tuple[str, str]:
    (fx, fy), (tx, ty) = occ["from"], occ["to"]
    if abs(ty - fy) > abs(tx - fx):
        return ("from top to bottom", "从上往下") if ty > fy else ("from bottom to top", "从下往上")
    return ("from left to right", "从左往右") if tx > fx else ("from right to left", "从右往左")


def sentences(spec: dict, annotations: list[dict]) -> dict[str, str]:
    """One sentence per language on what passes in front, measured on the frames' annotations: when
    it covers the card, how many characters it hides completely or in part at some moment, and how
    many of them are hidden on every frame that shows them (a text shown only while it passes)."""
    occ = spec["stage"]["occluder"]
    noun_en, noun_zh = KINDS[occ["kind"]]
    if spec["num_frames"] == 1:
        return _still_sentences(spec, annotations[0], *_STILL_NOUNS.get(occ["kind"], (noun_en, noun_zh)))
    d_en, d_zh = _direction(occ)
    covering = [a for a in annotations if any(s["type"] == "occluder" and s["params"]["covers_card"] for s in a["shapes"])]
    worst: dict[tuple, str] = {}
    seen = set()
    for a in annotations:
        for s in a["shapes"]:
            if s["type"] == "text_quad":
                for k, v in enumerate(s["params"]["char_visibility"]):
                    key = (s["element"], k)
                    if v == "hidden" or (v == "partial" and worst.get(key) != "hidden"):
                        worst[key] = v
                    if v != "hidden":
                        seen.add(key)
    never = sum(v == "hidden" and key not in seen for key, v in worst.items())
    hidden = sum(v == "hidden" for v in worst.values())
    part = sum(v == "partial" for v in worst.values())
    if not covering:
        return {"en": f"{noun_en[0].upper() + noun_en[1:]} passes by in front of the scene {d_en} without covering the {_what(spec)}.",
                "zh": f"{noun_zh}{d_zh}从画面前方经过，没有遮挡{_what(spec, 'zh')}。"}  # fmt: skip
    t0, t1 = covering[0]["time"], covering[-1]["time"]
    when_en = f"from {t0:.2f} s to {t1:.2f} s" if t1 > t0 else f"at {t0:.2f} s"
    when_zh = f"在{t0:.2f}秒到{t1:.2f}秒之间" if t1 > t0 else f"在{t0:.2f}秒时"
    en = f"{noun_en[0].upper() + noun_en[1:]} passes in front of it {d_en}, covering part of the {_what(spec)} {when_en}"
    zh = f"{noun_zh}{d_zh}从它前面经过，{when_zh}遮住了{_what(spec, 'zh')}的一部分"
    hide_en, hide_zh = _hiding(hidden, part, moment=True)
    en, zh = en + hide_en, zh + hide_zh
    if hidden and never:
        en += f"; {never} of them {'is' if never == 1 else 'are'} never seen in the clip"
        zh += f"；其中{never}个字符在整段视频中始终看不到"
    return {"en": en + ".", "zh": zh + "。"}


def _hiding(hidden: int, part: int, moment: bool) -> tuple[str, str]:
    """The clause (en, zh) saying how many characters the occluder hides wholly and in part."""
    if hidden:
        return (f" and hiding {hidden} of its characters completely{' for a moment' if moment else ''}" + (f" and {part} in part" if part else ""),
                f"，{'一度' if moment else ''}完全挡住其中{hidden}个字符" + (f"，部分挡住{part}个" if part else ""))  # fmt: skip
    if part:
        return f" and partly hiding {part} of its characters", f"，部分挡住其中{part}个字符"
    return "", ""


def _still_sentences(spec: dict, ann: dict, noun_en: str, noun_zh: str) -> dict[str, str]:
    """The occluder on a one-frame clip: nothing when it is off the frame, else where it is and how
    many characters it hides, with no motion."""
    occ = next(s for s in ann["shapes"] if s["type"] == "occluder")["params"]
    if occ["box"][2] <= occ["box"][0]:
        return {"en": "", "zh": ""}
    seen = [v for s in ann["shapes"] if s["type"] == "text_quad" for v in s["params"]["char_visibility"]]
    hidden, part = seen.count("hidden"), seen.count("partial")
    if not occ["covers_card"]:
        return {"en": f"{noun_en[0].upper() + noun_en[1:]} is in front of the scene without covering the {_what(spec)}.",
                "zh": f"{noun_zh}在画面前方，没有遮挡{_what(spec, 'zh')}。"}  # fmt: skip
    en = f"{noun_en[0].upper() + noun_en[1:]} is in front of it, covering part of the {_what(spec)}"
    zh = f"{noun_zh}在它前面，遮住了{_what(spec, 'zh')}的一部分"
    hide_en, hide_zh = _hiding(hidden, part, moment=False)
    return {"en": en + hide_en + ".", "zh": zh + hide_zh + "。"}


def _what(spec: dict, lang: str = "en") -> str:
    screen = spec["stage"]["surface"]["kind"] == "lcd"
    return ("屏幕" if screen else "卡片") if lang == "zh" else ("screen" if screen else "card")
