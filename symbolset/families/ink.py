"""Reading a family's ink off rendered or decoded frames: masks, colour coverage, nearest colours, angles."""

from __future__ import annotations

import numpy as np


def ink_mask(frame: np.ndarray, background, threshold: int = 40) -> np.ndarray:
    """Pixels that differ from the background colour by more than ``threshold`` in some channel."""
    return np.abs(frame.astype(np.int16) - np.asarray(background, np.int16)).max(axis=-1) > threshold


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
