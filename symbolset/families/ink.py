"""Reading a family's ink off rendered or decoded frames: masks, colour coverage, nearest colours, angles."""

from __future__ import annotations

import numpy as np

from ..claims.measure import color_alpha  # noqa: F401  (re-exported for the families)


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
    """Index into ``colors`` of the colour nearest each pixel (Euclidean RGB distance; the first on a tie)."""
    # |f - c|^2 = |f|^2 - 2 f.c + |c|^2, and |f|^2 is the same for every colour: one matrix product
    # (exact in float64 for 8-bit frames and integer colours, so the same argmin) instead of a
    # (H, W, K, 3) difference array.
    c = np.asarray(colors, np.float64)
    if frame.dtype == np.uint8 and frame.shape[-1:] == (3,) and c.ndim == 2 and c.shape[1] == 3 and 0 < len(c) < 256 and np.all((c >= 0) & (c <= 255) & (c == np.round(c))):
        return _nearest_8bit(frame, c.astype(np.float32))
    d = (c * c).sum(axis=-1) - 2.0 * (frame.reshape(-1, 3).astype(np.float64) @ c.T)
    return d.argmin(axis=-1).reshape(frame.shape[:2])


def _nearest_8bit(frame: np.ndarray, c: np.ndarray) -> np.ndarray:
    """:func:`nearest_color` of a uint8 frame and 1..255 colours of whole numbers 0..255, in float32.

    Every product and partial sum is a whole number below 2**24, so float32 holds the very distances
    the float64 path computes, in any summation order; one colour at a time, a strictly closer colour
    (always of a higher index) takes the pixel, as ``argmin`` keeps the first of equal distances.
    """
    d = (-2.0 * c) @ frame.reshape(-1, 3).astype(np.float32).T  # (K, pixels)
    d += (c * c).sum(axis=-1)[:, None]
    best, idx = d[0], np.zeros(d.shape[1], np.uint8)
    for k in range(1, len(c)):
        closer = d[k] < best
        np.maximum(idx, closer.view(np.uint8) * np.uint8(k), out=idx)  # k exceeds every index set so far
        np.minimum(best, d[k], out=best)
    return idx.astype(np.intp).reshape(frame.shape[:-1])


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
