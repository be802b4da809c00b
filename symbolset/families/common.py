"""Helpers shared by the family samplers and their pixel-level rule checks."""

from __future__ import annotations

import numpy as np

from .. import captions as cap
from ..render import text_layout
from ..spec import SPEC_VERSION

# Words and phrases the text families draw from (every one is covered by the fonts chosen for it).
LATIN_WORDS = ["EXIT", "OPEN", "STOP", "PUSH", "PULL", "SALE", "HOTEL", "CAFE", "Hello", "Welcome", "Start", "Pause",
               "Symbol", "Video", "Metro", "Garden", "Library", "Station", "Bakery", "Pharmacy", "Quartz", "Zebra"]  # fmt: skip
LATIN_PHRASES = ["No Entry", "Push to Start", "Mind the Gap", "Fire Exit", "Hello World", "Keep Right",
                 "Platform 3", "Gate B12", "Open 24 Hours", "Wet Floor", "Quiet Please", "Level 2"]  # fmt: skip
HAN_WORDS = ["出口", "入口", "欢迎光临", "小心地滑", "安全出口", "禁止吸烟", "请勿触摸", "营业中", "停车场", "图书馆",
             "地铁站", "医院", "超市", "电梯", "紧急出口", "注意安全", "前方施工", "谢谢惠顾"]  # fmt: skip
DIGIT_STRINGS = ["2026", "12:45", "3.14159", "110", "8848", "2026-11-23", "+86 10 1234", "42", "007", "1024", "99.9%"]
MIXED_STRINGS = ["Gate 12 登机口", "B2 停车场", "出口 EXIT", "3号线 Line 3", "WiFi 密码 8888", "营业时间 9:00-21:00", "电梯 Lift 2F"]


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


def sample_text(rng: np.random.Generator, scripts=("latin", "phrase", "han", "digits", "mixed")) -> tuple[str, str]:
    """A string to show and its script label (``latin``, ``han``, ``digits`` or ``mixed``)."""
    kind = scripts[int(rng.integers(len(scripts)))]
    pool = {"latin": LATIN_WORDS, "phrase": LATIN_PHRASES, "han": HAN_WORDS, "digits": DIGIT_STRINGS, "mixed": MIXED_STRINGS}[kind]
    text = pool[int(rng.integers(len(pool)))]
    return text, cap.script_of(text)


def fit_size(font_id: str, text: str, size: int, max_width: float) -> int:
    """The largest size <= ``size`` at which ``text`` is at most ``max_width`` px wide."""
    while size > 8 and text_layout(font_id, size, text)["width"] > max_width:
        size -= 1
    return size


def ink_mask(frame: np.ndarray, background, threshold: int = 40) -> np.ndarray:
    """Pixels that differ from the background colour by more than ``threshold`` in some channel."""
    return np.abs(frame.astype(np.int16) - np.asarray(background, np.int16)).max(axis=-1) > threshold


def crisp_y(y: float, font_id: str, size: int, text: str) -> float:
    """Shift a left/centre-anchored text's y so that its baseline falls on a whole pixel (sharp glyphs)."""
    lay = text_layout(font_id, size, text)
    middle = (lay["descent"] - lay["ascent"]) / 2
    return float(round(y - middle) + middle)


def text_difficulty(annotations: list[dict], text: str) -> dict:
    """Difficulty labels of a text: its length, script and median glyph height (px) over the clip."""
    heights = [b[3] - b[1] for a in annotations for tx in a["texts"] for b in tx["char_boxes"]]
    return {
        "text_length": len(text),
        "script": cap.script_of(text),
        "glyph_height_px": float(np.median(heights)) if heights else 0.0,
    }


def coverage(frame: np.ndarray, color, base, max_residual: float = 60.0) -> np.ndarray:
    """Per-pixel share (0..1) of ``color`` blended over ``base``; 0 where a pixel is neither blend.

    Anti-aliased edges and codec blur mix a stroke's colour with what lies under it; projecting
    onto the segment base -> color recovers that mix, and the residual rejects other colours.
    """
    p = frame.astype(np.float32) - np.asarray(base, np.float32)
    d = np.asarray(color, np.float32) - np.asarray(base, np.float32)
    alpha = np.clip(p @ d / float(d @ d), 0.0, 1.0)
    residual = np.linalg.norm(p - alpha[..., None] * d, axis=-1)
    return np.where(residual <= max_residual, alpha, 0.0).astype(np.float32)


def nearest_color(frame: np.ndarray, colors: list) -> np.ndarray:
    """Index into ``colors`` of the colour nearest each pixel (Euclidean RGB distance)."""
    c = np.asarray(colors, np.float32)
    d = ((frame.astype(np.float32)[..., None, :] - c) ** 2).sum(axis=-1)
    return d.argmin(axis=-1)


def pixel_at(frame: np.ndarray, x: float, y: float) -> np.ndarray:
    """The pixel covering the continuous point (x, y) (pixel (i, j) covers [i, i+1) x [j, j+1))."""
    h, w = frame.shape[:2]
    return frame[min(max(int(np.floor(y)), 0), h - 1), min(max(int(np.floor(x)), 0), w - 1)]


def angle_diff(a: float, b: float, period: float = 360.0) -> float:
    """Signed difference ``a - b`` wrapped into [-period/2, period/2)."""
    return float((a - b + period / 2) % period - period / 2)


def luma(rgb) -> np.ndarray:
    """BT.601 luma of RGB values (the channel yuv420p video keeps at full resolution)."""
    return np.asarray(rgb, np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)


def luma_coverage(frame: np.ndarray, color, base) -> np.ndarray:
    """Per-pixel share (0..1) of ``color`` over ``base`` read from luma alone (robust to chroma blur)."""
    y, y0, y1 = luma(frame), float(luma(base)), float(luma(color))
    return np.clip((y - y0) / (y1 - y0), 0.0, 1.0)


def article(noun: str) -> str:
    """``noun`` with its English indefinite article ("an oven timer", "a clock")."""
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def color_alpha(frame: np.ndarray, color, others, background) -> np.ndarray:
    """Coverage (0..1) of ``color`` over ``background`` per pixel; 0 where another scene colour explains it better.

    Each pixel is modelled as a blend ``background + a * (c - background)`` for every scene colour c;
    the colour whose blend line passes closest to the pixel owns it.
    """
    f = frame.astype(np.float32)
    bg = np.asarray(background, np.float32)

    def fit(c):
        v = np.asarray(c, np.float32) - bg
        a = np.clip(((f - bg) @ v) / max(float(v @ v), 1.0), 0.0, 1.0)
        return a, np.sqrt(((f - bg - a[..., None] * v) ** 2).sum(-1))

    alpha, resid = fit(color)
    own = resid <= 0.25 * float(np.linalg.norm(np.asarray(color, np.float32) - bg)) + 12
    for o in others:
        if list(o) in (list(color), list(background)):
            continue
        _, r2 = fit(o)
        own &= resid < r2
    return np.where(own, alpha, 0.0)


def centered_text(font: str, size: int, text: str, cx: float, cy: float) -> list[float]:
    """Position of a centre-anchored text whose pixels land on whole pixels (sharp glyphs)."""
    width = text_layout(font, size, text)["width"]
    return [float(round(cx - width / 2) + width / 2), crisp_y(cy, font, size, text)]


def step_on(t: float) -> dict:
    """Opacity track that switches an element on at time ``t`` (seconds)."""
    return {"keys": [[0.0, 0.0], [max(t, 1e-3), 1.0]], "ease": "step"} if t > 0 else 1.0
