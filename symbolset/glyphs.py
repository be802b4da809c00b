"""Each character of a loaded face drawn alone, once: its coverage and its box, as Pillow gives them.

A run lays out and draws the same characters in many texts (labels, tick values, every typed prefix)
while FreeType loads every glyph of a string three times per drawing. ``Font.render`` (basic layout,
whole-pixel origin) lays each glyph's gray bitmap at ``round-half-up(pen)`` plus its bearing, over
the glyphs before it, in an image as large as the glyphs' grid-fitted boxes (which FreeType's gray
bitmaps fill exactly), so a string's mask is these glyphs laid out (:func:`.textdraw.text_mask`), and
a character's ink box is the box of its drawing alone (``getbbox(ch, anchor="ls")``: the same
bounding-box pass). Kept with the face: when the face cache lets a face go, its glyphs go too.
"""

from __future__ import annotations

import weakref

import numpy as np
from PIL import Image

_GLYPHS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # a loaded face -> {char: glyph}


def glyph(font, ch: str) -> tuple[np.ndarray | None, tuple[int, int, int, int]]:
    """``(coverage, box)`` of ``ch`` drawn alone by ``font`` with its pen at (0, 0), baseline anchored:
    ``box`` is ``font.getbbox(ch, anchor="ls")`` and the (read-only) coverage's corner sits at
    ``box[:2]``; coverage is None where the character has no ink."""
    kept = _GLYPHS.get(font)
    if kept is None:
        kept = _GLYPHS[font] = {}
    got = kept.get(ch)
    if got is None:
        got = kept[ch] = _draw(font, ch)
    return got


def _draw(font, ch: str) -> tuple[np.ndarray | None, tuple[int, int, int, int]]:
    core, (dx, dy) = font.getmask2(ch, "L", None, None, None, 0, "ls", 255, (0.0, 0.0), stroke_filled=True)
    w, h = core.size
    cov = np.zeros((h, w), np.uint8)
    if w and h:  # the bitmap's pixels, copied as ImageDraw pastes them (fill 255 through it)
        Image.core.draw(Image.frombuffer("L", (w, h), cov, "raw", "L", 0, 1).im, 0).draw_bitmap((0, 0), core, 255)
    cov.flags.writeable = False
    return (cov if cov.any() else None), (dx, dy, dx + w, dy + h)


def forget() -> None:
    """Forget every glyph drawn so far (the faces stay loaded)."""
    _GLYPHS.clear()
