"""Stacked fractions read as what they are: a numerator over a bar over a denominator.

A text-line detector (RapidOCR's DB) takes a row of stacked fractions for one tall line, and the
line recogniser, which reads one row of glyphs, turns it into nonsense ("2/5 + 9/3 = 17/5" read
``+号=号``). Here a detected line is looked at as ink: a **fraction bar** is a thin horizontal
stroke with glyphs both above and below it, centred within its span. Its **numerator** is the ink
above it (the glyphs over the bar, and whatever touches them vertically: superscripts, a
radical's sign), its **denominator** the ink below, and each is recognised on its own, with every
other ink blanked; what remains of the line (the ``+`` and ``=`` between fractions) is recognised
in runs, one between each two fractions (a wide blank gap inside one crop misleads the
recogniser). Each part keeps its box, so the reads follow the same 2-D layout as the spec's
expected strings (numerators one row, operators the next, denominators the last:
:func:`.ocr.reading_order`). A wrong digit in a numerator is read as that digit.
"""

from __future__ import annotations

import cv2
import numpy as np

_THIN = 0.4  # a bar's height is at most this share of the glyphs' median height
_TALL = 0.6  # the numerator and the denominator each hold a glyph at least this share of the median height


def _components(ink: np.ndarray):
    """Boxes ``(x0, y0, x1, y1)`` of the glyph components (8-connected) and of the horizontal
    strokes of the ink (runs at least about a glyph's height long, with their round ends, taken
    out of the glyphs first: a fraction bar drawn small touches its numerator or denominator);
    one label image for both (label ``k + 1`` for box ``k``); the index of the first stroke; and
    the glyphs' median height (of the ink's components before the split)."""
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    glyph_h = float(np.median(stats[1:, 3])) if len(stats) > 1 else 1.0
    strokes = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, max(5, int(round(0.8 * glyph_h)))), np.uint8))
    strokes = cv2.dilate(strokes, np.ones((1, 5), np.uint8)) & ink  # with their round ends
    n_g, glyphs, g_stats, _ = cv2.connectedComponentsWithStats(ink & (1 - strokes), connectivity=8)
    _, bars, s_stats, _ = cv2.connectedComponentsWithStats(strokes, connectivity=8)
    labels = np.where(bars > 0, bars + n_g - 1, glyphs)
    boxes = [(int(x), int(y), int(x + w), int(y + h)) for x, y, w, h, _ in [*g_stats[1:], *s_stats[1:]]]
    return boxes, labels, n_g - 1, glyph_h


def _chain(seed: list[int], pool: list[int], boxes, upward: bool) -> list[int]:
    """``seed`` grown by the ``pool`` components whose vertical extent touches the group's, going
    away from the bar (up for a numerator, down for a denominator)."""
    group = list(seed)
    lo, hi = min(boxes[k][1] for k in group), max(boxes[k][3] for k in group)
    rest = sorted(set(pool) - set(group), key=lambda k: -boxes[k][3] if upward else boxes[k][1])
    for k in rest:
        if boxes[k][1] <= hi + 1 and boxes[k][3] >= lo - 1:
            group.append(k)
            lo, hi = min(lo, boxes[k][1]), max(hi, boxes[k][3])
    return group


def _speck(box, bar, size: float) -> bool:
    """Whether ``box`` is no larger than ``size`` and touches the ``bar``'s box."""
    small = max(box[2] - box[0], box[3] - box[1]) <= size
    return small and box[0] <= bar[2] + 1 and box[2] >= bar[0] - 1 and box[1] <= bar[3] + 1 and box[3] >= bar[1] - 1


def split_line(ink: np.ndarray, box: list[float]):
    """Parts of one detected line ``box``: ``(parts, boxes, labels, (x0, y0))`` -- the component
    indices of each numerator, denominator and run of the rest, and the component boxes and label
    image of the line's crop at offset ``(x0, y0)`` (:func:`_components`); None when the line
    holds no fraction bar."""
    h, w = ink.shape
    x0, y0 = max(0, int(box[0]) - 2), max(0, int(box[1]) - 2)
    x1, y1 = min(w, int(np.ceil(box[2])) + 2), min(h, int(np.ceil(box[3])) + 2)
    boxes, labels, first, glyph_h = _components(ink[y0:y1, x0:x1])
    if first == len(boxes):
        return None
    thin = [k for k in range(first, len(boxes)) if boxes[k][3] - boxes[k][1] <= max(2.0, _THIN * glyph_h)]
    glyphs = [k for k in range(len(boxes)) if k not in thin]
    centre = lambda k: (boxes[k][0] + boxes[k][2]) / 2  # noqa: E731
    used: set[int] = set()
    parts = []
    for bar in sorted(thin, key=lambda k: boxes[k][2] - boxes[k][0], reverse=True):  # widest first: an outer bar owns its nested parts
        if bar in used:
            continue
        bx0, by0, bx1, by1 = boxes[bar]
        over = [k for k in glyphs if k not in used and bx0 <= centre(k) <= bx1]
        above = [k for k in over if boxes[k][3] <= by0 + 1 and boxes[k][3] >= by0 - 0.6 * glyph_h]
        below = [k for k in over if boxes[k][1] >= by1 - 1 and boxes[k][1] <= by1 + 0.6 * glyph_h]
        tall = lambda ks: any(boxes[k][3] - boxes[k][1] >= _TALL * glyph_h for k in ks)  # noqa: E731
        if not tall(above) or not tall(below):  # a plus sign's stroke has only half strokes above and below
            continue
        inside = over + [k for k in thin if k != bar and k not in used and bx0 <= centre(k) <= bx1]
        pool_up = [k for k in inside if boxes[k][3] <= by0 + 1]
        pool_down = [k for k in inside if boxes[k][1] >= by1 - 1]
        num, den = _chain(above, pool_up, boxes, True), _chain(below, pool_down, boxes, False)
        # what the stroke split left of the bar's ends (a slightly turned bar steps between rows)
        ends = [k for k in glyphs if k not in used and _speck(boxes[k], boxes[bar], _THIN * glyph_h)]
        num = [k for k in num if k not in ends]
        den = [k for k in den if k not in ends]
        used.update(num + den + ends + [bar])
        parts += [num, den]
    if not parts:
        return None
    # The rest, in runs that the fractions separate.
    run: list[int] = []
    for k in sorted((k for k in range(len(boxes)) if k not in used), key=lambda k: boxes[k][0]):
        if run and any(max(boxes[j][2] for j in run) <= centre(f) <= boxes[k][0] for f in used):
            parts.append(run)
            run = []
        run.append(k)
    if run:
        parts.append(run)
    return parts, boxes, labels, (x0, y0)


def fraction_items(frame: np.ndarray, ink: np.ndarray, lines: list, recognise) -> list:
    """``lines`` (``(text, box)``) with every line that holds a fraction bar replaced by its parts,
    each recognised on its own by ``recognise`` (a list of BGR crops -> a list of texts; an empty
    text drops the part)."""
    from .locate import background

    bg = background(frame)[::-1].astype(np.uint8)
    out, crops, spots = [], [], []
    for text, box in lines:
        split = split_line(ink, box)
        if split is None:
            out.append((text, box))
            continue
        parts, boxes, labels, (ox, oy) = split
        for members in parts:
            px0, py0 = min(boxes[k][0] for k in members), min(boxes[k][1] for k in members)
            px1, py1 = max(boxes[k][2] for k in members), max(boxes[k][3] for k in members)
            pad = int(0.3 * (py1 - py0)) + 2
            sy = slice(max(0, py0 - pad), min(labels.shape[0], py1 + pad))
            sx = slice(max(0, px0 - pad), min(labels.shape[1], px1 + pad))
            keep = np.isin(labels[sy, sx], [k + 1 for k in members])
            # other ink blanked with its faint anti-aliased fringe (a bar's fringe reads as "-")
            other = cv2.dilate((labels[sy, sx] > 0).astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool) & ~keep
            crop = frame[oy + sy.start : oy + sy.stop, ox + sx.start : ox + sx.stop, ::-1]
            crops.append(np.where(other[..., None], bg, crop))
            spots.append([float(ox + px0), float(oy + py0), float(ox + px1), float(oy + py1)])
    for read, spot in zip(recognise(crops) if crops else [], spots):
        if read:
            out.append((read, spot))
    return out
