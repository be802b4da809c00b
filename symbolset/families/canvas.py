"""Building a spec: the empty canvas, text sizes and positions that land on whole pixels, and switch-on tracks."""

from __future__ import annotations

import functools

from .. import fonts
from ..spec import SPEC_VERSION
from ..textlayout import text_layout


def skeleton(params: dict, family: str, background: list[int]) -> dict:
    """An empty spec with the canvas settings of ``params``."""
    return {
        "version": SPEC_VERSION,
        "family": family,
        "width": int(params["width"]),
        "height": int(params["height"]),
        "fps": float(params["fps"]),
        "num_frames": int(params["num_frames"]),
        "background": background,
        "elements": [],
        "meta": {},
    }


@functools.lru_cache(maxsize=8192)
def text_width(font_id: str, size: int, text: str) -> float:
    """``text_layout(font_id, size, text)["width"]``, remembered apart from the layouts: fitting loops
    (and scene templates' ``text_width``) try a text at several sizes and keep one, which would push the
    layouts the renderer reuses out of text_layout's cache; signs, labels and tick numbers recur from
    clip to clip, so most sizes need no face loaded. (Like text_layout's cache, it assumes a font id
    keeps its file for the life of the process.)"""
    return fonts.load(font_id, size).getlength(text)


@functools.lru_cache(maxsize=2048)
def font_metrics(font_id: str, size: int) -> tuple[int, int]:
    """``(ascent, descent)`` of a font at ``size`` px, as text_layout gives them, remembered."""
    return fonts.load(font_id, size).getmetrics()


def fit_size(font_id: str, text: str, size: int, max_width: float) -> int:
    """The largest size <= ``size`` at which ``text`` is at most ``max_width`` px wide."""
    while size > 8 and text_width(font_id, size, text) > max_width:
        size -= 1
    return size


def crisp_y(y: float, font_id: str, size: int, text: str) -> float:
    """Shift a left/centre-anchored text's y so that its baseline falls on a whole pixel (sharp glyphs)."""
    lay = text_layout(font_id, size, text)
    middle = (lay["descent"] - lay["ascent"]) / 2
    return float(round(y - middle) + middle)


def centered_text(font: str, size: int, text: str, cx: float, cy: float) -> list[float]:
    """Position of a centre-anchored text whose pixels land on whole pixels (sharp glyphs)."""
    width = text_layout(font, size, text)["width"]
    return [float(round(cx - width / 2) + width / 2), crisp_y(cy, font, size, text)]


def step_on(t: float) -> dict:
    """Opacity track that switches an element on at time ``t`` (seconds)."""
    return {"keys": [[0.0, 0.0], [max(t, 1e-3), 1.0]], "ease": "step"} if t > 0 else 1.0
