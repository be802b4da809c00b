"""The text rasteriser: a text's coverage mask (its glyphs, each drawn once by FreeType through
Pillow, laid out as Pillow's ``ImageDraw.text`` lays them: :mod:`.glyphs`), placed on the canvas by an
exact affine transform (PIL's bicubic warp, or a filtered one where it shrinks), and blended in.

Everything is cached by value (masks, matrices, placements): a run repeats its labels across frames
and clips. An upright text (no rotation) computes with plain floats the bits the general paths
compute with arrays (see the note above :func:`text_matrix`). Text geometry without pixels is
:mod:`.textlayout`; the element drawer that calls this (cursor, annotations) is in :mod:`.render`.
"""

from __future__ import annotations

import functools
import math

import cv2
import numpy as np
from PIL import Image, ImageDraw

from . import fonts, glyphs
from .glyphs import glyph
from .rounding import round3
from .textcolumn import column_mask
from .textlayout import apply_affine as _apply
from .textlayout import layout_of, text_layout, text_transform

PAD = 2  # px around a text mask, so anti-aliased edges are never clipped
# Text that a transform shrinks to less than this is drawn filtered (``_place``). Down to it PIL's
# bicubic point sampling keeps every glyph's ink within 0.33 px of an exact area rendering (signage
# sweeps of tests/families/test_signage_exact.py) and its strokes' solid cores, which the colour
# claims read (filtering a barely shrunk 10-15 px glyph greys it: black ink measured dark grey).
_SHRINK_FILTERED = 0.75


# Rasterising a text costs FreeType 0.2-0.3 ms even for a short label, and a run repeats its labels
# (tick values, weekdays, titles) across clips: 600 default clips ask 6,000 masks, 1,560 of them
# different; 256 kept drew 2,350, 2,048 kept draw the 1,560 (3.8 MB in all: the median mask is 0.9 KB).
_MASKS_KEPT = 2048


@functools.lru_cache(maxsize=_MASKS_KEPT)
def text_mask(font_id: str, size: int, text: str, shown: int) -> np.ndarray:
    """Coverage mask (uint8) of the first ``shown`` characters, baseline at y = PAD + ascent."""
    lay = text_layout(font_id, size, text)
    w = int(math.ceil(lay["width"])) + 2 * PAD + 2
    h = lay["ascent"] + lay["descent"] + 2 * PAD
    out = np.zeros((h, w), np.uint8)
    if shown:
        font, string = fonts.load(font_id, size), text[:shown]
        if "\n" in string:  # ImageDraw lays out lines of its own
            img = Image.new("L", (w, h), 0)
            ImageDraw.Draw(img).text((PAD, PAD + lay["ascent"]), string, font=font, fill=255, anchor="ls")
            out[:] = np.asarray(img)
        else:
            key, start = (font_id, size, text), 0
            last = _TYPED.get(key)
            if last is not None and last[0] < shown:  # typing: go on from the prefix drawn last
                start = last[0]
                out[:] = last[1]
            _draw_glyphs(out, PAD, PAD + lay["ascent"], string[start:], lay["pens"][start:shown], font)
            out.flags.writeable = False  # finished before another thread may go on from it
            if len(_TYPED) >= _TYPED_KEPT:
                _TYPED.clear()
            _TYPED[key] = (shown, out)
    out.flags.writeable = False  # shared by every caller of the cache
    return out


# The last prefix drawn of each text: glyphs are laid one over another in order, so a longer prefix is
# the shorter one with the next glyphs laid over it, bit for bit.
_TYPED: dict = {}
_TYPED_KEPT = 64


def _draw_glyphs(out: np.ndarray, x: int, y: int, string: str, pens: list, font) -> None:
    """``ImageDraw.Draw(img).text((x, y), string, font=font, fill=255, anchor="ls")`` into ``out`` (an
    "L" image's pixels, all 0), for one line; ``pens``: the string's pen positions (text_layout's).
    Pillow's own drawing, glyph by glyph (see :mod:`.glyphs`): each glyph's coverage at
    ``round-half-up(pen)`` plus its offset, laid over the ones before it as ``Font.render`` does."""
    height, width = out.shape
    for ch, pen in zip(string, pens):
        cov, (dx, dy, _, _) = glyph(font, ch)
        if cov is None:
            continue
        gx, gy = x + math.floor(pen + 0.5) + dx, y + dy
        x0, y0, x1, y1 = max(gx, 0), max(gy, 0), min(gx + cov.shape[1], width), min(gy + cov.shape[0], height)
        if x1 <= x0 or y1 <= y0:
            continue
        src, dst = cov[y0 - gy : y1 - gy, x0 - gx : x1 - gx], out[y0:y1, x0:x1]
        if not dst.any():  # over nothing: the glyph's own coverage
            dst[...] = src
            continue
        under = np.multiply(dst, 255 - src, dtype=np.uint16)  # ink + MULDIV255(under, 255 - ink), at most 255
        under += 128
        under += under >> 8
        under >>= 8
        under += src
        np.minimum(under, 255, out=under)
        dst[...] = under


@functools.lru_cache(maxsize=_MASKS_KEPT)
def _mask_source(font_id: str, size: int, text: str, shown: int, vertical: bool) -> tuple[Image.Image, int, int]:
    """The coverage mask of a text's first ``shown`` characters as a PIL image (``_warp``'s input),
    and where its ink ends: one past the last inked column and row (0 and 0 without ink)."""
    return _source_of((column_mask if vertical else text_mask)(font_id, size, text, shown))


def _source_of(mask: np.ndarray) -> tuple[Image.Image, int, int]:
    x, y, w, h = cv2.boundingRect(mask)
    return Image.fromarray(mask), x + w, y + h


# An upright text (no rotation) has a diagonal linear part, so every matrix product below has at
# most one non-zero term, which plain float arithmetic rounds exactly as NumPy's BLAS does (fused
# multiply-adds or not): the upright paths compute with floats the bits the general paths compute
# with arrays, without NumPy's per-call cost on a handful of numbers.


@functools.lru_cache(maxsize=1024)
def text_matrix(font_id: str, size: int, text: str, vertical: bool, position: tuple, scale, rotation, anchor) -> tuple:
    """The layout-to-canvas matrix of a text state (:func:`text_transform`) as a 6-tuple. Cached: a
    text that stays put is redrawn on every frame after anything that moves below it."""
    lay = layout_of(font_id, size, text, vertical)
    s, a = float(scale), math.radians(float(rotation))
    if math.sin(a) == 0 and math.cos(a) == 1:  # text_transform's arithmetic, upright
        ax, middle = (lay["width"] / 2 if anchor == "center" else 0.0), (lay["descent"] - lay["ascent"]) / 2
        b, c = s * math.sin(a), s * -math.sin(a)
        return (s, b, float(position[0]) - (s * ax + b * middle), c, s, float(position[1]) - (c * ax + s * middle))
    return tuple(text_transform({"position": list(position), "scale": scale, "rotation": rotation, "anchor": anchor}, lay).ravel().tolist())


@functools.lru_cache(maxsize=512)
def placed_text(font_id: str, size: int, text: str, shown: int, matrix: tuple, width: int, height: int, vertical: bool = False):
    """Coverage of the first ``shown`` characters placed on the canvas by ``matrix``, with its boxes.

    Cached: labels, tick values and signs keep the same placement over many frames, and
    resampling a glyph mask costs more than everything else about a static text.
    Returns ``(x0, y0, coverage, word_box, chars, char_boxes, paints)``, or None when nothing is
    inked; ``paints`` is the drawer's own record of this placement's blends by colour.
    """
    lay = layout_of(font_id, size, text, vertical)
    # Mask coordinates -> layout coordinates: subtract the pad and the baseline.
    a, b, c, d, e, f = matrix
    if b == 0 and d == 0:
        mm = (a, 0.0, a * -PAD + c, 0.0, e, e * (-PAD - lay["ascent"]) + f)
    else:
        m = np.asarray(matrix, np.float64).reshape(2, 3)
        to_layout = np.array([[1, 0, -PAD], [0, 1, -PAD - lay["ascent"]]], np.float64)
        mm = tuple(np.hstack([m[:, :2] @ to_layout[:, :2], (m[:, :2] @ to_layout[:, 2] + m[:, 2])[:, None]]).ravel().tolist())
    mask = (column_mask if vertical else text_mask)(font_id, size, text, shown)
    region = _place(mask, mm, width, height, lambda: _mask_source(font_id, size, text, shown, vertical))
    if region is None:
        return None
    x0, y0, cov = region
    u0, v0, iw, ih = cv2.boundingRect(cov)  # the inked rectangle
    if not iw:
        return None
    u1, v1 = u0 + iw, v0 + ih
    box = (float(x0 + u0), float(y0 + v0), float(x0 + u1), float(y0 + v1))
    chars, char_boxes = _char_boxes(text[:shown], lay["inks"][:shown], matrix, box)
    cov = np.ascontiguousarray(cov[v0:v1, u0:u1])  # only the inked rectangle: zero coverage leaves a pixel as it is
    cov.flags.writeable = False
    return x0 + u0, y0 + v0, cov, box, chars, char_boxes, {}


def _char_boxes(string: str, inks: list, m: tuple, word_box: tuple) -> tuple[tuple, tuple]:
    """Non-space characters and their boxes: the transformed ink box, clipped to the word's ink."""
    kept = [(ch, ink) for ch, ink in zip(string, inks) if ink is not None]
    if not kept:
        return (), ()
    a, b, c, d, e, f = m
    if b == 0 and d == 0:  # upright: x' = a x + c, y' = e y + f, as the array product rounds them
        bx0, by0, bx1, by1 = word_box
        flat = []
        for _, (x0, y0, x1, y1) in kept:
            u0, u1, v0, v1 = x0 * a + c, x1 * a + c, y0 * e + f, y1 * e + f
            lo_x, hi_x = (u1, u0) if u1 < u0 else (u0, u1)
            lo_y, hi_y = (v1, v0) if v1 < v0 else (v0, v1)
            # np.maximum / np.minimum's choice on ties: the second operand
            flat += (lo_x if lo_x > bx0 else bx0, lo_y if lo_y > by0 else by0, hi_x if hi_x < bx1 else bx1, hi_y if hi_y < by1 else by1)
    else:
        # All corners in one product (the same arithmetic as one _apply per character, bit for bit).
        ink = np.array([k[1] for k in kept], np.float64)
        q = _apply(np.asarray(m, np.float64).reshape(2, 3), ink[:, [0, 1, 2, 1, 2, 3, 0, 3]].reshape(-1, 2)).reshape(-1, 4, 2)
        lo, hi = q.min(axis=1), q.max(axis=1)
        flat = np.stack([np.maximum(lo[:, 0], word_box[0]), np.maximum(lo[:, 1], word_box[1]),
                         np.minimum(hi[:, 0], word_box[2]), np.minimum(hi[:, 1], word_box[3])], axis=1).ravel()  # fmt: skip
    r = round3(flat)  # round(v, 3) of each, to the bit
    return tuple(k[0] for k in kept), tuple(tuple(r[i : i + 4]) for i in range(0, len(r), 4))


def _place(mask: np.ndarray, mm: tuple, width: int, height: int, source=None):
    """Warp a mask by the 2x3 matrix ``mm`` (a 6-tuple) onto the canvas: (x0, y0, coverage) or None
    if off-canvas. ``source``: a callable giving :func:`_source_of` the mask, if the caller keeps it.

    A matrix that shrinks the mask below :data:`_SHRINK_FILTERED` (a zoomed-out sign, a text scaling
    down) is drawn filtered: warped (bilinear) onto a grid ``k`` times finer, where it no longer
    shrinks, and each canvas pixel is the mean of its ``k x k`` samples. PIL's bicubic transform
    (used otherwise; those bytes are as they were) samples a mask shrunk that far at points, which
    makes a thin stroke's ink come and go with the sub-pixel phase: at 0.4x a glyph's centroid was
    1.2 px off an exact rendering, and some small glyphs lost all their ink."""
    h, w = mask.shape
    a, b, c, d, e, f = mm
    if b == 0 and d == 0:
        xs, ys = (c, w * a + c), (f, h * e + f)
    else:
        corners = _apply(np.asarray(mm, np.float64).reshape(2, 3), [[0, 0], [w, 0], [w, h], [0, h]])
        xs, ys = corners[:, 0].tolist(), corners[:, 1].tolist()
    x0, y0 = max(0, math.floor(min(xs))), max(0, math.floor(min(ys)))
    x1, y1 = min(width, math.ceil(max(xs))), min(height, math.ceil(max(ys)))
    if x1 <= x0 or y1 <= y0:
        return None
    if a == 1 and b == 0 and d == 0 and e == 1 and c == round(c) and f == round(f):  # pure integer shift: exact copy
        ox, oy = int(round(c)), int(round(f))
        return x0, y0, mask[y0 - oy : y1 - oy, x0 - ox : x1 - ox]
    k = supersampling(((a, b), (d, e)))
    if k == 1:
        image, ink_w, ink_h = source() if source is not None else _source_of(mask)
        # PIL's bicubic taps reach 2.5 px from a sample, so canvas pixels whose samples fall over 3 px
        # right of or below the mask's ink are 0: the region may end there. (Its start may not move:
        # PIL computes each sample from the region's origin, and other bits would come out.)
        ex, ey = ink_w + 3, ink_h + 3
        if b == 0 and d == 0:
            xs, ys = (-3 * a + c, ex * a + c), (-3 * e + f, ey * e + f)
        else:
            far = _apply(np.asarray(mm, np.float64).reshape(2, 3), [[-3, -3], [ex, -3], [ex, ey], [-3, ey]])
            xs, ys = far[:, 0].tolist(), far[:, 1].tolist()
        x1, y1 = min(x1, math.ceil(max(xs)) + 1), min(y1, math.ceil(max(ys)) + 1)
        if x1 <= x0 or y1 <= y0:
            return None
        return x0, y0, _warp(image, mm, x0, y0, x1 - x0, y1 - y0)
    # Fine pixel (i, j) covers canvas [x0 + i / k, ...); OpenCV puts pixel centres on integers.
    lin, off = np.array([[a, b], [d, e]]), np.array([c, f])
    fine = np.hstack([k * lin, (k * (off - (x0, y0)) + k * lin @ (0.5, 0.5) - 0.5)[:, None]])
    warped = cv2.warpAffine(mask, fine, (k * (x1 - x0), k * (y1 - y0)), flags=cv2.INTER_LINEAR)
    return x0, y0, cv2.resize(warped, (x1 - x0, y1 - y0), interpolation=cv2.INTER_AREA)  # a whole factor: the k x k mean


def supersampling(lin) -> int:
    """How many samples per canvas pixel side a 2x2 linear map (rows ``(a, b), (c, d)``: an array or
    nested tuples) is drawn with: 1 (PIL's bicubic point sampling) unless it shrinks below
    :data:`_SHRINK_FILTERED`, else enough that it does not shrink on the finer grid,
    ``ceil(1 / smallest singular value)`` (at most 64: the fine grid is then no larger than the
    mask). The singular value is computed in closed form, the same on every machine."""
    (a, b), (c, d) = (float(v) for v in lin[0]), (float(v) for v in lin[1])
    smallest = abs(math.hypot(a + d, c - b) - math.hypot(a - d, b + c)) / 2
    if smallest >= _SHRINK_FILTERED:
        return 1
    return math.ceil(1 / max(smallest, 1 / 64) - 1e-9)


def _warp(image: Image.Image, mm: tuple, x0: int, y0: int, width: int, height: int) -> np.ndarray:
    """The ``width x height`` region at ``(x0, y0)`` of the mask ``image`` warped by ``mm`` (PIL bicubic).

    ``Image.transform``'s own core call, writing into the returned array's memory (mapped by
    ``Image.frombuffer``) rather than into a new image copied out afterwards."""
    out = np.zeros((height, width), np.uint8)
    target = Image.frombuffer("L", (width, height), out, "raw", "L", 0, 1)
    target.im.transform((0, 0, width, height), image.im, Image.Transform.AFFINE, _inverse(mm, x0, y0), Image.Resampling.BICUBIC, 1)
    return out


def _inverse(mm: tuple, x0: int, y0: int) -> tuple:
    """PIL's affine coefficients for ``mm`` seen from a region at ``(x0, y0)``: region pixel (u, v)
    sits at canvas (u + x0, v + y0), and PIL samples pixel centres."""
    a, b, c, d, e, f = mm
    if b == 0 and d == 0:  # LAPACK's inverse of a diagonal matrix is the reciprocals, to the bit
        ia, ie = 1 / a, 1 / e
        return (ia, 0.0, ia * (x0 - c), 0.0, ie, ie * (y0 - f))
    inv = np.linalg.inv(np.array([[a, b], [d, e]]))
    o = inv @ (np.array([x0, y0], np.float64) - (c, f))
    return (inv[0, 0], inv[0, 1], o[0], inv[1, 0], inv[1, 1], o[1])


def paint(canvas: np.ndarray, placed: tuple, rgb: tuple) -> None:
    """Blend a :func:`placed_text` into ``canvas`` in colour ``rgb``; the second time a placement is
    painted in a colour it keeps the blend's operands (:func:`_composite_again`)."""
    x0, y0, cov, paints = placed[0], placed[1], placed[2], placed[6]
    operands = paints.get(rgb)
    if operands is None:  # first time in this colour: blend; the second time keeps the blend's operands
        paints[rgb] = False
        _composite(canvas, x0, y0, cov, rgb)
    else:
        if operands is False:
            operands = paints[rgb] = [*_blend_operands(cov, rgb), None]
        _composite_again(canvas, x0, y0, operands)


def _composite(canvas: np.ndarray, x0: int, y0: int, coverage: np.ndarray, rgb) -> None:
    """``dst = round((dst * (255 - a) + rgb * a) / 255)`` in place: both products are exact integers
    (uint16; ``rgb * a`` looked up), and the one division rounds them to the nearest (``(x + 127) // 255``:
    ``x / 255`` is never half an integer and float32 lands within 3e-5 of it; checked on every operand
    triple)."""
    h, w = coverage.shape
    dst = canvas[y0 : y0 + h, x0 : x0 + w]
    a = cv2.cvtColor(coverage, cv2.COLOR_GRAY2RGB)
    v = np.multiply(dst, cv2.bitwise_not(a), dtype=np.uint16)
    cv2.add(v, cv2.LUT(a, _times_colour(tuple(rgb))), dst=v)
    cv2.convertScaleAbs(v, dst, alpha=1 / 255)


@functools.lru_cache(maxsize=256)
def _times_colour(rgb: tuple) -> np.ndarray:
    """The lookup table ``a -> rgb * a`` (uint16, per channel) of OpenCV's ``LUT``."""
    table = (np.arange(256, dtype=np.uint16)[:, None] * np.array(rgb, np.uint16)).reshape(1, 256, 3)
    table.flags.writeable = False
    return table


def _blend_operands(coverage: np.ndarray, rgb) -> tuple[np.ndarray, np.ndarray]:
    """What :func:`_composite` computes from the coverage and colour alone: ``255 - a`` and ``rgb * a + 128``."""
    a = cv2.cvtColor(coverage, cv2.COLOR_GRAY2RGB)
    pre = cv2.LUT(a, _times_colour(tuple(rgb)))
    pre += 128
    return cv2.bitwise_not(a), pre


def _composite_again(canvas: np.ndarray, x0: int, y0: int, kept: list) -> None:
    """:func:`_composite` of a text drawn again where it was, from ``kept = [keep, pre, last]``
    (:func:`_blend_operands`, and the last ``(pixels before, pixels after)``): a label redrawn on
    every frame over what it covered on the last one (a chart's ticks) gets what it got then."""
    keep, pre, last = kept
    dst = canvas[y0 : y0 + keep.shape[0], x0 : x0 + keep.shape[1]]
    before = dst.tobytes()
    if last is not None and last[0] == before:
        dst[:] = last[1]
        return
    _composite_operands(canvas, x0, y0, keep, pre)
    kept[2] = (before, dst.copy())  # one assignment: another thread never sees a mismatched pair


def _composite_operands(canvas: np.ndarray, x0: int, y0: int, keep: np.ndarray, pre: np.ndarray) -> None:
    """:func:`_composite` from its :func:`_blend_operands` (a text drawn again where it was)."""
    dst = canvas[y0 : y0 + keep.shape[0], x0 : x0 + keep.shape[1]]
    v = np.multiply(dst, keep, dtype=np.uint16)
    v += pre
    v += v >> 8
    v >>= 8
    dst[:] = v


def forget() -> None:
    """Forget every text mask, placement and layout kept so far (fonts stay loaded): a benchmark's
    repeated render then costs what a first one does."""
    for cached in (text_mask, _mask_source, text_matrix, placed_text, text_layout):
        cached.cache_clear()
    glyphs.forget()
    _TYPED.clear()
