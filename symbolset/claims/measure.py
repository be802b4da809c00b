"""Ink measurements shared by the claim makers (families) and the verifiers: colour coverage,
ink boxes, centroids, and an element's ink with text cursors cleared."""

from __future__ import annotations

import functools
import math

import cv2
import numpy as np


def coverage(frame: np.ndarray, color, background, others=(), margin: float = 1.0) -> np.ndarray:
    """Share (0..1) of ``color`` blended over ``background`` per pixel, read from luma where luma
    separates them (full resolution in yuv420p video), else from the RGB projection; 0 where the
    pixel is off the colour's blend line or another scene colour in ``others`` explains it better
    (by the factor ``margin``: above 1, only pixels clearly of ``color`` count)."""
    bg = _as_pixel(background)
    if bg is None or frame.dtype != np.uint8 or frame.ndim != 3 or frame.strides[1:] != (3, 1) or frame.size == 0:
        return _coverage(frame, color, background, others, margin)
    # Each pixel is measured alone, so every pixel of the background's own colour (most of a frame)
    # gets the value of one such pixel, bit for bit; only the others are measured.
    away = np.flatnonzero(cv2.inRange(frame, bg, bg).reshape(-1) == 0)
    if 2 * len(away) > frame.shape[0] * frame.shape[1]:
        return _coverage(frame, color, background, others, margin)
    value = _background_value(_key(color), _key(background), tuple(map(_key, others)), float(margin))
    out = np.full(frame.shape[0] * frame.shape[1], value, np.float32)
    if len(away):
        out[away] = _coverage(frame.reshape(-1, 3).take(away, axis=0), color, background, others, margin)
    return out.reshape(frame.shape[:2])


def _key(colour) -> tuple[float, ...]:
    return tuple(float(v) for v in colour)


@functools.lru_cache(maxsize=256)
def _background_value(color: tuple, background: tuple, others: tuple, margin: float) -> np.float32:
    """:func:`coverage` of a pixel of the background's own colour (the arguments as tuples of floats)."""
    return _coverage(np.array([background], np.uint8), color, background, others, margin)[0]


def _as_pixel(colour) -> np.ndarray | None:
    """``colour`` as a uint8 RGB pixel when it is one exactly (whole numbers 0..255), else None."""
    try:
        values = [float(v) for v in colour]
    except (TypeError, ValueError):
        return None
    if len(values) != 3 or not all(0 <= v <= 255 and v.is_integer() for v in values):
        return None
    return np.array(values, np.uint8)


_COMMON = 256  # pixels of one exact colour worth measuring once for them all (and the sample's size)
_MANY, _SHARE = 4096, 0.5  # the colour census pays from this many pixels, with this share of them in common colours


def _coverage(frame: np.ndarray, color, background, others, margin: float) -> np.ndarray:
    """:func:`coverage` of every pixel of ``frame`` (any leading shape, RGB last). A pixel's value
    depends on its colour alone, and a drawn frame's pixels mostly wear a few exact colours (a bar's
    fill, a sign's panel), so the colours common in an even sample of the pixels are measured once
    each and the other pixels one by one (the same numbers: element-wise arithmetic does not depend
    on an array's shape)."""
    if frame.dtype != np.uint8 or frame.shape[-1:] != (3,) or frame.size < 3 * _MANY:
        return _each_coverage(frame, color, background, others, margin)
    flat = frame.reshape(-1, 3)
    key = (flat[:, 0].astype(np.int32) << 16) | (flat[:, 1].astype(np.int32) << 8) | flat[:, 2]
    sample, counts = np.unique(key[:: len(key) // _COMMON], return_counts=True)  # 256 to 511 pixels
    often = counts >= 16  # a colour of about 1/16 of the pixels or more
    if counts[often].sum() < _SHARE * counts.sum():  # too few pixels share a colour to pay
        return _each_coverage(frame, color, background, others, margin)
    out = np.empty(len(key), np.float32)
    rest = np.ones(len(key), bool)
    common = []
    for k in sample[often].tolist():
        same = key == k
        if np.count_nonzero(same) >= _COMMON:
            common.append((same, int(np.argmax(same))))
            rest &= ~same
    if common:
        values = _each_coverage(flat[[at for _, at in common]], color, background, others, margin)
        for (same, _), v in zip(common, values):
            out[same] = v
    if rest.any():
        out[rest] = _each_coverage(flat[rest], color, background, others, margin)
    return out.reshape(frame.shape[:-1])


def _each_coverage(frame: np.ndarray, color, background, others, margin: float) -> np.ndarray:
    """:func:`coverage` of every pixel of ``frame`` (any leading shape, RGB last), each measured."""
    f = frame.astype(np.float32)
    c, b = np.asarray(color, np.float32), np.asarray(background, np.float32)
    d = c - b
    w = np.array([0.299, 0.587, 0.114], np.float32)
    if abs(float(d @ w)) >= 40:
        alpha = np.clip((_dot(f, w) - float(b @ w)) / float(d @ w), 0.0, 1.0)
    else:
        alpha = _share(f, b, d)
    # The blend-line tests below decide only where alpha > 0 (elsewhere the answer is 0 anyway), so
    # they run on those pixels alone: most of a frame is background. Products are written out per
    # channel, not with @, whose rounding would vary with the array's shape.
    out = np.zeros(alpha.shape, np.float32)
    inked = alpha > 0
    g = f[inked]
    resid = _off_line(g, b, d)
    own = resid <= 0.35 * float(np.linalg.norm(d)) + 20.0
    for o in others:
        if list(o) not in (list(color), list(background)):
            own &= resid * margin < _off_line(g, b, np.asarray(o, np.float32) - b)
    out[inked] = np.where(own, alpha[inked], 0.0)
    return out


def _share(f: np.ndarray, b: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Position (0..1) of each pixel's projection on the blend line from ``b`` towards ``b + v``."""
    return np.clip(_dot(f - b, v) / max(float(v @ v), 1.0), 0.0, 1.0)


def _off_line(f: np.ndarray, b: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Distance of each pixel from the blend line from ``b`` towards ``b + v``."""
    r = f - b - _share(f, b, v)[..., None] * v
    return np.sqrt(_dot(r, r))


def _dot(x: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Per-pixel dot product over the last (RGB) axis, written out: a sum over a 3-long axis is slow."""
    return x[..., 0] * v[..., 0] + x[..., 1] * v[..., 1] + x[..., 2] * v[..., 2]


def find(annotation: dict, element: str, kind: str = "texts"):
    """The annotation entry (``texts`` or ``shapes``) of ``element``; None when it is not drawn."""
    return next((t for t in annotation[kind] if t["element"] == element), None)


def window(cov: np.ndarray, box, pad: int = 1) -> tuple[np.ndarray, int, int]:
    """The part of ``cov`` inside ``box`` grown by ``pad`` px, with its top-left corner."""
    x0, y0, x1, y1 = _bounds(cov.shape[:2], box, pad)
    return cov[y0:y1, x0:x1], x0, y0


def _bounds(shape, box, pad: int) -> tuple[int, int, int, int]:
    """``box`` grown by ``pad`` px as whole pixels inside an image of ``shape`` (h, w): x0, y0, x1, y1."""
    h, w = shape
    x0, y0 = max(0, int(math.floor(box[0])) - pad), max(0, int(math.floor(box[1])) - pad)
    x1, y1 = min(w, int(math.ceil(box[2])) + pad), min(h, int(math.ceil(box[3])) + pad)
    return x0, y0, x1, y1


def ink_box(cov: np.ndarray, threshold: float = 0.5):
    """[x0, y0, x1, y1] of pixels covered more than ``threshold``; None when there are none."""
    inked = cov > threshold
    rows = np.flatnonzero(inked.any(axis=1))
    if len(rows) == 0:
        return None
    cols = np.flatnonzero(inked.any(axis=0))
    return [int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1]


def centroid(cov: np.ndarray) -> np.ndarray | None:
    """Coverage-weighted centre (pixel centres at +0.5) of the pixels covered more than 0.15."""
    cov = np.where(cov > 0.15, cov, 0.0)
    mass = float(cov.sum())
    if mass < 1.0:
        return None
    # pixel centres as a row and a column: the products are those with whole grids, the same
    # (H, W) array summed the same way
    xs = np.arange(cov.shape[1], dtype=np.float64) + 0.5
    ys = np.arange(cov.shape[0], dtype=np.float64)[:, None] + 0.5
    return np.array([(cov * xs).sum() / mass, (cov * ys).sum() / mass])


def hide_cursors(cov: np.ndarray, annotation: dict) -> np.ndarray:
    """``cov`` with every text cursor's quad (and a 1 px rim) cleared: a cursor is no glyph."""
    for s in annotation["shapes"]:
        if s["type"] == "cursor":
            q = np.asarray(s["params"]["quad"])
            cov[
                max(0, int(q[:, 1].min()) - 1) : int(np.ceil(q[:, 1].max())) + 1,
                max(0, int(q[:, 0].min()) - 1) : int(np.ceil(q[:, 0].max())) + 1,
            ] = 0
    return cov


def element_coverage(spec: dict, frames, annotations: list[dict], c: dict, index: int, margin: float = 1.0) -> np.ndarray:
    """Coverage of the claim's colour at frame ``index``, cursors cleared, kept to the claim's box
    (or to its element's annotated box at the last frame) when it has one, and to the pixels near
    the strokes of ``within`` (not near those of ``exclude``) when it names them."""
    region = _measured_region(annotations, c, frames[index].shape[:2])
    raw = _colour_coverage(spec, c, margin)(_crop(frames[index], region))
    return _kept(spec, annotations, c, index, raw, region, frames[index].shape[:2])


def element_coverages(spec: dict, frames, annotations: list[dict], c: dict, margin: float = 1.0) -> list[np.ndarray]:
    """:func:`element_coverage` of every frame (equal arrays), each frame's colour coverage measured
    only where its pixels differ from the frame before (:func:`per_pixel_frames`)."""
    shape = frames[0].shape[:2]
    region = _measured_region(annotations, c, shape)
    raws = per_pixel_frames(_colour_coverage(spec, c, margin), [_crop(f, region) for f in frames])
    return [_kept(spec, annotations, c, i, raw, region, shape) for i, raw in enumerate(raws)]


def kept_mask(spec: dict, annotations: list[dict], c: dict, index: int, shape) -> np.ndarray | None:
    """Which pixels of a frame of ``shape`` :func:`element_coverage` keeps for claim ``c`` at frame
    ``index`` (the others it clears: cursors, away from ``within``, outside its box); None when it
    keeps all of the claim's region (:func:`claim_region`; a box without cursors)."""
    region = _measured_region(annotations, c, shape)
    if region is not None and not any(s["type"] == "cursor" for s in annotations[index]["shapes"]):
        return None
    ones = np.ones(shape if region is None else (region[3] - region[1], region[2] - region[0]), np.float32)
    return _kept(spec, annotations, c, index, ones, region, shape) > 0


def per_pixel_frames(fn, frames) -> list[np.ndarray]:
    """``[fn(f) for f in frames]`` for a ``fn`` that maps each pixel alone ((H, W, 3) -> (H, W)):
    a frame is measured only where its pixels differ from the previous frame's, the rest is copied
    (the same pixel gives the same value, bit for bit: NumPy's element-wise arithmetic does not
    depend on an array's shape). A chart growing bar by bar changes a few pixels per frame."""
    out: list[np.ndarray] = []
    for i, f in enumerate(frames):
        if i == 0:
            out.append(fn(f))
            continue
        ne = f != frames[i - 1]
        changed = ne[..., 0] | ne[..., 1] | ne[..., 2]  # faster than .any(axis=2) over 3 channels
        v = out[-1].copy()
        if changed.any():
            v[changed] = fn(f[changed][None])[0]
        out.append(v)
    return out


def changed_pixels(frames: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The pixels of a clip ``(T, H, W, 3)`` that differ from the frame before: their frame numbers
    (1..T-1) and flat pixel numbers (y * W + x), in that order. Most pixels of a clip keep their
    colour, so whole 8-byte words of two frames are compared first and only the pixels of the words
    that differ are compared one by one."""
    t, h, w = frames.shape[:3]
    n = h * w * 3
    if not (frames.flags.c_contiguous and frames.dtype == np.uint8 and n % 8 == 0 and t > 1):
        ne = frames[1:] != frames[:-1]
        at = np.flatnonzero(ne[..., 0] | ne[..., 1] | ne[..., 2])
        return at // (h * w) + 1, at % (h * w)
    words = frames.reshape(t, n).view(np.uint64)
    # a differing word's byte offset from frame 0 (frame f's word k: f * n + 8k, as n % 8 == 0) holds
    # parts of 3 or 4 pixels, numbered from frame 0 too: bytes b..b+7 are pixels b // 3 .. (b + 7) // 3
    start = 8 * np.flatnonzero(words[1:] != words[:-1])
    pixel = (start // 3)[:, None] + np.arange(4)
    key = pixel[pixel <= ((start + 7) // 3)[:, None]]  # ascending, but a pixel two words share comes twice
    key = key[np.concatenate(([True], key[1:] != key[:-1]))]
    flat = frames.reshape(-1, 3)
    ne = flat.take(key + h * w, axis=0) != flat.take(key, axis=0)  # the pixel in the next frame against it
    key = key[ne[:, 0] | ne[:, 1] | ne[:, 2]]
    return key // (h * w) + 1, key % (h * w)


def _measured_region(annotations, c, shape):
    """The window whose coverage is measured: the claim's region, unless ``within`` needs the whole frame."""
    return None if c.get("within") else claim_region(annotations, c, shape)


def _crop(frame: np.ndarray, region) -> np.ndarray:
    return frame if region is None else frame[region[1] : region[3], region[0] : region[2]]


def _colour_coverage(spec: dict, c: dict, margin: float):
    base, others = c.get("base", spec["background"]), c.get("others", ())
    return lambda f: coverage(f, c["color"], base, others, margin)


def _kept(spec: dict, annotations: list[dict], c: dict, index: int, raw: np.ndarray, region, shape) -> np.ndarray:
    """The claim's coverage at frame ``index`` from the colour coverage ``raw`` of ``region`` (None: the frame)."""
    if region is not None:
        # Coverage and clearing cursors are per pixel, so the box's window alone is measured (the
        # same values there; most of a frame lies outside it).
        x0, y0, x1, y1 = region
        out = np.zeros(shape, np.float32)
        out[y0:y1, x0:x1] = raw
        return hide_cursors(out, annotations[index])
    cov = hide_cursors(raw, annotations[index])
    if c.get("within"):  # only near the final strokes of these elements, away from those of ``exclude``
        keep = shape_mask(annotations[-1], c["within"], c["reach"], cov.shape) & ~shape_mask(
            annotations[-1], c.get("exclude", ()), c.get("exclude_reach", c["reach"]), cov.shape
        )
        cov = np.where(keep, cov, 0.0)
    box = c.get("box")
    if box is None and c.get("element"):
        ann = find(annotations[-1], c["element"])
        box = ann["box"] if ann else None
    if box is None:
        return cov
    out = np.zeros_like(cov)
    win, x0, y0 = window(cov, box, c.get("pad", 1))
    out[y0 : y0 + win.shape[0], x0 : x0 + win.shape[1]] = win
    return out


def claim_region(annotations: list[dict], c: dict, shape) -> tuple[int, int, int, int] | None:
    """The pixels (x0, y0, x1, y1) that :func:`element_coverage` keeps for claim ``c``: its box (or its
    element's annotated box at the last frame) grown by its pad; None when it has neither."""
    box = c.get("box")
    if box is None and c.get("element"):
        ann = find(annotations[-1], c["element"])
        box = ann["box"] if ann else None
    return None if box is None else _bounds(shape, box, c.get("pad", 1))


def shape_mask(annotation: dict, elements, reach: float, shape: tuple[int, int]) -> np.ndarray:
    """Pixels within ``reach`` px of the drawn strokes (circles, polylines, rays) or outlines of ``elements``."""
    mask = np.zeros(shape, np.uint8)
    thick = max(1, int(round(2 * reach)))
    for s in annotation["shapes"]:
        if s["element"] not in elements:
            continue
        p = s["params"]
        if s["type"] == "circle":
            centre = tuple(int(round(v * 16)) for v in p["center"])
            r = int(round(p["radius"] * 16))
            if abs(p["sweep"]) >= 360 or p["radius"] <= reach:
                cv2.circle(mask, centre, r, 1, thick if p["radius"] > reach else -1, cv2.LINE_8, 4)
            else:
                cv2.ellipse(mask, centre, (r, r), 0, p["start"], p["start"] + p["sweep"], 1, thick, cv2.LINE_8, 4)
        else:
            pts = [p["origin"], p["end"]] if s["type"] == "ray" else p["points"] + (p["points"][:1] if s["type"] == "polygon" else [])
            if len(pts) >= 2:
                cv2.polylines(mask, [np.round(np.asarray(pts) * 16).astype(np.int32)], False, 1, thick, cv2.LINE_8, 4)
    return mask.astype(bool)


def gyration(cov: np.ndarray) -> float:
    """Radius of gyration of the ink (px): proportional to its size, whatever its rotation."""
    cov = np.where(cov > 0.15, cov, 0.0)
    mass = float(cov.sum())
    yy, xx = np.mgrid[0 : cov.shape[0], 0 : cov.shape[1]]
    cx, cy = (cov * xx).sum() / mass, (cov * yy).sum() / mass
    return math.sqrt(float((cov * ((xx - cx) ** 2 + (yy - cy) ** 2)).sum()) / mass)


def color_alpha(frame: np.ndarray, color, others, background, fits: dict | None = None) -> np.ndarray:
    """Coverage (0..1) of ``color`` over ``background`` per pixel; 0 where another scene colour explains it better.

    Each pixel is modelled as a blend ``background + a * (c - background)`` for every scene colour c;
    the colour whose blend line passes closest to the pixel owns it. ``fits``, a dict kept by the
    caller for one frame and background, holds each colour's blend fit so that several colours of
    one frame fit each colour once (the result is the same).
    """
    fits = {} if fits is None else fits
    pixels = None

    def fit(c):
        nonlocal pixels
        key = tuple(int(v) for v in c)
        if key not in fits:
            pixels = _off_background(frame, background) if pixels is None else pixels
            fits[key] = _blend_fit(frame, pixels, c, background)
        return fits[key]

    alpha, resid = fit(color)
    own = resid <= 0.25 * float(np.linalg.norm(np.asarray(color, np.float32) - np.asarray(background, np.float32))) + 12
    for o in others:
        if list(o) in (list(color), list(background)):
            continue
        _, r2 = fit(o)
        own &= resid < r2
    return np.where(own, alpha, 0.0)


def _blend(f: np.ndarray, c, background) -> tuple[np.ndarray, np.ndarray]:
    """Blend share (0..1) of ``c`` over ``background`` and the distance off the blend line, per pixel of ``f`` (float32, RGB last)."""
    bg = np.asarray(background, np.float32)
    v = np.asarray(c, np.float32) - bg
    a = np.clip(((f - bg) @ v) / max(float(v @ v), 1.0), 0.0, 1.0)
    return a, np.sqrt(((f - bg - a[..., None] * v) ** 2).sum(-1))


def _off_background(frame: np.ndarray, background) -> np.ndarray | None:
    """Flat indices of the pixels of a uint8 frame that differ from ``background`` (an exact pixel), or
    None to measure every pixel (another frame, or too few background pixels to pay)."""
    bg = _as_pixel(background)
    if bg is None or frame.dtype != np.uint8 or frame.ndim != 3 or frame.strides[1:] != (3, 1) or frame.size == 0:
        return None
    away = np.flatnonzero(cv2.inRange(frame, bg, bg).reshape(-1) == 0)
    return None if 2 * len(away) > frame.shape[0] * frame.shape[1] else away


def _blend_fit(frame: np.ndarray, away: np.ndarray | None, c, background) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_blend` of every pixel of ``frame``, measuring only the pixels ``away`` from the background.

    Each pixel is measured alone (its dot product is a whole number, exact in any order; the rest is
    element-wise), so every background pixel gets the value of one such pixel, bit for bit.
    """
    if away is None:
        return _blend(frame.astype(np.float32), c, background)
    a_bg, r_bg = _blend(np.asarray([background], np.float32), c, background)
    a = np.full(frame.shape[0] * frame.shape[1], a_bg[0], np.float32)
    r = np.full(len(a), r_bg[0], np.float32)
    if len(away):
        a[away], r[away] = _blend(frame.reshape(-1, 3).take(away, axis=0).astype(np.float32), c, background)
    return a.reshape(frame.shape[:2]), r.reshape(frame.shape[:2])
