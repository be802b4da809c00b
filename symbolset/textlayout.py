"""Where a text element's characters go: baseline layout, vertical columns, transform and quad.

The geometry of text without its pixels, shared by the renderer (which rasterises it) and the
stage (which swaps fonts and must keep a text's extent): :func:`text_layout` measures a baseline
run with the font's own metrics, :mod:`.textcolumn` a vertical column, :func:`text_transform`
places either on the canvas.
"""

from __future__ import annotations

import functools
import math
import weakref

import numpy as np

from . import fonts
from .glyphs import glyph
from .textcolumn import column_layout

_MEASURED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # a loaded face -> {string: length}


def _measured(font) -> dict:
    """What ``text_layout`` has measured of a loaded face: the lengths of one- and two-character
    strings (characters' ink boxes are their glyphs', :mod:`.glyphs`). Texts of one face and size
    share most of them (a chart's labels, a clock's numerals); they go with the face when the face
    cache lets it go."""
    got = _MEASURED.get(font)
    if got is None:
        got = _MEASURED[font] = {}
    return got


@functools.lru_cache(maxsize=1024)
def text_layout(font_id: str, size: int, text: str) -> dict:
    """Pen positions and ink boxes of each character (baseline at y = 0, pen starts at x = 0):
    ``{"ascent", "descent", "width", "pens", "inks"}``. The pens and inks are measured when first
    read: fitting a text to a width asks one size after another for its width alone."""
    font = fonts.load(font_id, size)
    ascent, descent = font.getmetrics()
    return _Layout(font_id, size, text, {"ascent": ascent, "descent": descent, "width": font.getlength(text)})


class _Layout(dict):
    """A baseline layout whose ``pens`` and ``inks`` are measured on first read (``lay["pens"]``)."""

    def __init__(self, font_id: str, size: int, text: str, known: dict):
        super().__init__(known)
        self._of = (font_id, size, text)

    def __missing__(self, key: str):
        if key not in ("pens", "inks"):
            raise KeyError(key)
        self["pens"], self["inks"] = _pens_and_inks(*self._of)
        return self[key]


def _pens_and_inks(font_id: str, size: int, text: str) -> tuple[list, list]:
    font = fonts.load(font_id, size)
    lengths = _measured(font)

    def length(s: str) -> float:
        v = lengths.get(s)
        if v is None:
            v = lengths[s] = font.getlength(s)
        return v

    def bbox(ch: str) -> tuple:  # font.getbbox(ch, anchor="ls"), from the glyph the mask will draw
        return glyph(font, ch)[1]

    # The pen of character i is length(text[:i+1]) - length(ch). Measuring every prefix is
    # quadratic; with the basic layout a prefix's length is its glyph advances plus the kerning of
    # each adjacent pair, all whole 1/64 px, so extending it by one pair term is linear and exact.
    pens, inks, end = [], [], 0.0
    for i, ch in enumerate(text):
        end += length(text[i - 1 : i + 1]) - length(text[i - 1]) if i else length(ch)
        pen = end - length(ch)
        pens.append(pen)
        x0, y0, x1, y1 = bbox(ch)
        inks.append((pen + x0, y0, pen + x1, y1) if x1 > x0 and not ch.isspace() else None)
    return pens, inks


def text_transform(p: dict, lay: dict) -> np.ndarray:
    """2x3 matrix mapping text-layout coordinates (baseline origin) to the canvas."""
    middle = (lay["descent"] - lay["ascent"]) / 2
    anchor = (lay["width"] / 2 if p.get("anchor", "left") == "center" else 0.0, middle)
    s = float(p.get("scale", 1.0))
    a = math.radians(float(p.get("rotation", 0.0)))  # counter-clockwise on screen
    m = s * np.array([[math.cos(a), math.sin(a)], [-math.sin(a), math.cos(a)]])
    offset = np.asarray(p["position"], np.float64) - m @ np.asarray(anchor)
    return np.hstack([m, offset[:, None]])


def apply_affine(m: np.ndarray, pts) -> np.ndarray:
    """Points (N x 2) through a 2x3 affine matrix."""
    pts = np.asarray(pts, np.float64)
    return pts @ m[:, :2].T + m[:, 2]


def shown_count(p: dict) -> int:
    """How many characters of a text element state are visible (typing reveals them one by one)."""
    text = p["text"]
    return max(0, min(len(text), int(math.floor(float(p.get("visible", len(text))) + 1e-9))))


def layout_of(font_id: str, size: int, text: str, vertical: bool = False) -> dict:
    """The layout of ``text``: a vertical column (textcolumn.py) or a baseline run."""
    return (column_layout if vertical else text_layout)(font_id, size, text)


def layout_for(p: dict, size: int | None = None) -> dict:
    """The layout of a text element (state), at its own size unless ``size`` is given."""
    return layout_of(p["font"], int(round(p["size"])) if size is None else size, p["text"], bool(p.get("vertical")))


def text_quad(p: dict) -> np.ndarray:
    """The oriented layout box of a text element state's visible characters on the canvas: 4
    corners (top-left, top-right, bottom-right, bottom-left in reading order), ascent to descent."""
    text, lay, shown = p["text"], layout_for(p), shown_count(p)
    top, bottom = -lay["ascent"], lay["descent"]
    if lay.get("vertical"):  # a column: the shown cells, from the top
        end = lay["pens"][shown] if shown < len(text) else bottom
        return apply_affine(text_transform(p, lay), [[0.0, top], [lay["width"], top], [lay["width"], end], [0.0, end]])
    end = lay["pens"][shown] if shown < len(text) else lay["width"]
    return apply_affine(text_transform(p, lay), [[0.0, top], [end, top], [end, bottom], [0.0, bottom]])
