"""Draw a frame's annotations over it: word boxes with their strings, character boxes, primitives.

The frame is enlarged first (small clips are 128 px) so thin boxes and labels stay readable;
coordinates follow the renderer's convention (pixel (i, j) covers [i, i+1) x [j, j+1)).
"""

from __future__ import annotations

import functools

import numpy as np
from PIL import Image, ImageDraw, ImageFont

WORD = (255, 64, 160)
CHAR = (0, 200, 255)
SHAPE = (255, 176, 0)
LABEL_BG = (20, 20, 20)


@functools.lru_cache(maxsize=4)
def _font(size: int) -> ImageFont.ImageFont:
    from symbolset import fonts  # the project's font discovery (covers Latin and Chinese)

    try:
        return fonts.load("noto-sans-sc", size)
    except Exception:  # any font problem: fall back to Pillow's built-in bitmap font
        return ImageFont.load_default(size)


def draw_overlay(
    frame: np.ndarray,
    annotation: dict | None,
    *,
    words: bool = True,
    chars: bool = True,
    strings: bool = True,
    shapes: bool = True,
    min_size: int = 512,
) -> np.ndarray:
    """``frame`` (H, W, 3) enlarged to at least ``min_size`` px, with the chosen annotations drawn."""
    h, w = frame.shape[:2]
    s = max(1.0, min_size / max(h, w))
    img = Image.fromarray(frame).resize((round(w * s), round(h * s)), Image.Resampling.LANCZOS) if s > 1 else Image.fromarray(frame)
    if annotation:
        draw = ImageDraw.Draw(img)
        lw = max(1, round(s / 2))
        if shapes:
            for shape in annotation.get("shapes", []):
                _draw_shape(draw, shape["type"], shape["params"], s, lw)
        for text in annotation.get("texts", []):
            if chars:
                for box in text.get("char_boxes") or []:
                    draw.rectangle(_scale_box(box, s), outline=CHAR, width=lw)
            if words:
                draw.rectangle(_scale_box(text["box"], s), outline=WORD, width=lw + 1)
            if strings:
                _label(draw, text["string"], _scale_box(text["box"], s), img.size)
    return np.asarray(img)


def _scale_box(box, s: float) -> list[float]:
    x0, y0, x1, y1 = box
    return [x0 * s, y0 * s, x1 * s - 1, y1 * s - 1]


def _label(draw: ImageDraw.ImageDraw, text: str, box: list[float], size: tuple[int, int]) -> None:
    font = _font(max(12, size[1] // 32))
    tb = draw.textbbox((0, 0), text, font=font)
    tw, th = tb[2] - tb[0] + 6, tb[3] - tb[1] + 6
    x = min(max(0.0, box[0]), size[0] - tw)
    y = box[1] - th - 2 if box[1] - th - 2 >= 0 else min(box[3] + 2, size[1] - th)
    draw.rectangle([x, y, x + tw, y + th], fill=LABEL_BG)
    draw.text((x + 3 - tb[0], y + 3 - tb[1]), text, fill=WORD, font=font)


def _pts(points, s: float) -> list[tuple[float, float]]:
    return [(float(x) * s, float(y) * s) for x, y in points]


def _draw_shape(draw: ImageDraw.ImageDraw, kind: str, p: dict, s: float, lw: int) -> None:
    """One primitive: known types by their parameters, anything else by the points it carries."""
    if kind == "circle":
        (cx, cy), r = p["center"], p["radius"]
        box = [(cx - r) * s, (cy - r) * s, (cx + r) * s, (cy + r) * s]
        sweep = p.get("sweep", 360.0)
        if abs(sweep) >= 360:
            draw.ellipse(box, outline=SHAPE, width=lw)
        elif sweep:
            start = p.get("start", 0.0)
            a, b = sorted((start, start + sweep))
            draw.arc(box, a, b, fill=SHAPE, width=lw)
        r2 = 2 * lw
        draw.ellipse([cx * s - r2, cy * s - r2, cx * s + r2, cy * s + r2], fill=SHAPE)
    elif kind == "ray":
        draw.line(_pts([p["origin"], p["end"]], s), fill=SHAPE, width=lw)
    elif kind == "lane_line":
        for m in p.get("marks", []):
            draw.line(_pts([m[:2], m[2:]], s), fill=SHAPE, width=lw + 1)
        vx, vy = p["vanishing_point"]
        r = 4 * lw
        draw.line([(vx * s - r, vy * s), (vx * s + r, vy * s)], fill=SHAPE, width=lw)
        draw.line([(vx * s, vy * s - r), (vx * s, vy * s + r)], fill=SHAPE, width=lw)
    elif kind == "seven_segment":
        for d in p.get("digits", []):
            draw.rectangle(_scale_box(d["cell"], s), outline=SHAPE, width=lw)
    elif kind == "cursor" or "quad" in p:
        draw.polygon(_pts(p["quad"], s), outline=SHAPE, width=lw)
    elif kind == "polygon":
        draw.polygon(_pts(p["points"], s), outline=SHAPE, width=lw)
    elif "points" in p and len(p["points"]) >= 2:
        draw.line(_pts(p["points"], s), fill=SHAPE, width=lw, joint="curve")
    elif "box" in p and p["box"][2] > p["box"][0] and p["box"][3] > p["box"][1]:  # an empty box (an occluder off frame) draws nothing
        draw.rectangle(_scale_box(p["box"], s), outline=SHAPE, width=lw)
