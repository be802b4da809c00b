"""Vertical CJK text (竖排): one column, characters upright, read top to bottom.

A text element with ``"vertical": true`` is laid out here instead of on a baseline. The layout
dict has the keys of :func:`symbolset.textlayout.text_layout`, in the same coordinates (x to the right,
y down, the layout box spanning ``x in [0, width]`` and ``y in [-ascent, descent]``), so the
renderer's transform, placement and character boxes work unchanged:

- each character gets a square cell one em (``size`` px) tall, stacked from the top;
- it is drawn upright, centred in the cell (Pillow's ``"mm"`` anchor) at whole-pixel positions,
  and its ink box is the one Pillow measures for that same anchor, so boxes are exact;
- ``width`` is the column's width (an em, widened if a glyph reaches further), ``ascent`` the
  column's length (descent 0), ``pens[i]`` the top of cell ``i``.

Only characters that stand upright in a column are allowed: CJK ideographs, kana, hangul and other
wide letters or digits. Punctuation and Latin letters need rotated or substituted glyph forms in
vertical writing, which a plain font draw cannot give, so :func:`bad_char` refuses them.
"""

from __future__ import annotations

import functools
import math
import unicodedata

import numpy as np
from PIL import Image, ImageDraw

from . import fonts

PAD = 2  # the renderer's margin around a text mask (textdraw.PAD)


def bad_char(text: str) -> str | None:
    """The first character of ``text`` that cannot stand upright in a vertical column, else None."""
    for ch in text:
        if unicodedata.east_asian_width(ch) not in ("W", "F") or unicodedata.category(ch)[0] not in ("L", "N"):
            return ch
    return None


@functools.lru_cache(maxsize=512)
def column_layout(font_id: str, size: int, text: str) -> dict:
    """Cells, ink boxes and extent of ``text`` set as one vertical column (see the module docstring)."""
    font = fonts.load(font_id, size)
    boxes = [font.getbbox(ch, anchor="mm") for ch in text]
    half = max([size / 2] + [max(-b[0], b[2]) for b in boxes])
    width = 2 * math.ceil(half)
    cx = width // 2
    centres = [i * size + size // 2 for i in range(len(text))]  # whole pixels: Pillow draws and measures alike
    top = math.floor(min([0] + [c + b[1] for c, b in zip(centres, boxes)]))
    bottom = math.ceil(max([len(text) * size] + [c + b[3] for c, b in zip(centres, boxes)]))
    inks = [
        (cx + b[0], c + b[1] - bottom, cx + b[2], c + b[3] - bottom) if b[2] > b[0] and b[3] > b[1] else None
        for c, b in zip(centres, boxes)
    ]
    return {
        "ascent": bottom - top, "descent": 0, "width": float(width), "inks": inks, "vertical": True,
        "pens": [float(i * size - bottom) for i in range(len(text))], "centres": [(cx, c - top) for c in centres],
    }  # fmt: skip


@functools.lru_cache(maxsize=256)
def column_mask(font_id: str, size: int, text: str, shown: int) -> np.ndarray:
    """Coverage mask (uint8) of the first ``shown`` characters of the column; layout ``(x, y)`` is
    mask pixel ``(PAD + x, PAD + ascent + y)``, as for a horizontal mask."""
    lay = column_layout(font_id, size, text)
    img = Image.new("L", (int(lay["width"]) + 2 * PAD + 2, lay["ascent"] + lay["descent"] + 2 * PAD), 0)
    draw, font = ImageDraw.Draw(img), fonts.load(font_id, size)
    for ch, (x, y) in zip(text[:shown], lay["centres"]):
        draw.text((PAD + x, PAD + y), ch, font=font, fill=255, anchor="mm")
    return np.asarray(img)
