"""How the stage's warp treats small text when the camera shrinks the card (fill 0.66-0.8), in one run.

``stage.project`` warps the lit card with one bilinear ``cv2.warpPerspective``, which samples a shrunk
image at points (no low-pass). Here three lines of 10 px text (``--size``) are warped at scales 0.66,
0.7, 0.75 and 0.8 and 12 sub-pixel phases each, every glyph alone (the warps are linear, so a glyph's
output is its share of the whole), by:

- ``bilinear``: what ``stage.project`` does today;
- ``gauss``: a Gaussian pre-filter of sigma ``0.7 * sqrt(1 / s^2 - 1)`` card px, then bilinear;
- ``area``: ``cv2.INTER_AREA`` to the scale first, then bilinear for the rest (near 1x);
- ``reference``: bilinear onto a 4x finer grid, then the mean of each 4x4 block.

Per way: ``centroid_px`` (median, p99, max distance between a glyph's ink centroid and where the
warp maps its card centroid), ``mass_swing`` (median and max over glyphs of (max - min) / mean ink
amount over the phases: a moving camera shows that as shimmer), ``peak`` (median of each glyph's
darkest pixel, 0..1: contrast) and ``ms`` (median CPU ms to warp a 512 x 512 RGB wall to 256 x 256).
Any low-pass spreads ink past the exact text quads that ``tests/test_stage.py`` holds every changed
pixel to; that is why the stage does not filter yet.

    python benchmarks/stage_shrink.py [--size 10] [--repeats 50]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from symbolset import fonts

N = 256
SCALES = (0.66, 0.7, 0.75, 0.8)
PHASES = [(px, py) for px in np.linspace(0, 1, 6, endpoint=False) for py in (0.0, 0.37)]


def warp(img: np.ndarray, m: np.ndarray, way: str, size: int = N) -> np.ndarray:
    """``img`` through the 2x3 affine ``m`` (OpenCV's pixel-centre convention), one of the four ways."""
    s = float(np.sqrt(abs(np.linalg.det(m[:, :2]))))
    if way == "gauss":
        img = cv2.GaussianBlur(img, (0, 0), 0.7 * np.sqrt(max(1 / s**2 - 1, 0.0)))
    elif way == "area":
        small = cv2.resize(img, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
        fx, fy = small.shape[1] / img.shape[1], small.shape[0] / img.shape[0]
        to_small = np.array([[fx, 0, 0.5 * fx - 0.5], [0, fy, 0.5 * fy - 0.5], [0, 0, 1]])
        m, img = (np.vstack([m, [0, 0, 1]]) @ np.linalg.inv(to_small))[:2], small
    elif way == "reference":
        k = 4
        fine = np.hstack([k * m[:, :2], (k * m[:, 2] + (k - 1) / 2)[:, None]])
        return cv2.resize(cv2.warpAffine(img, fine, (k * size, k * size), flags=cv2.INTER_LINEAR), (size, size), interpolation=cv2.INTER_AREA)
    return cv2.warpAffine(img, m, (size, size), flags=cv2.INTER_LINEAR)


def glyphs(size: int) -> list[tuple[np.ndarray, np.ndarray, float]]:
    """Each glyph of a card of three text lines alone: (coverage image, ink centroid, ink amount)."""
    img = Image.new("L", (N, N), 0)
    for row, text in enumerate(["Hamburg 1234 illi", "Wien 5678 mmW", "EXIT 90 lil TT"]):
        ImageDraw.Draw(img).text((20, 60 + 40 * row), text, font=fonts.load("dejavu-sans", size), fill=255)
    card = np.asarray(img).astype(np.float32) / 255
    count, labels = cv2.connectedComponents((card > 0.02).astype(np.uint8))
    yy, xx = np.mgrid[0:N, 0:N]
    out = []
    for j in range(1, count):
        g = card * (labels == j)
        if (labels == j).sum() >= 3:
            out.append((g, np.array([(g * xx).sum(), (g * yy).sum()]) / g.sum(), float(g.sum())))
    return out


def measure(way: str, parts) -> dict:
    yy, xx = np.mgrid[0:N, 0:N]
    errs, swings, peaks = [], [], []
    for s in SCALES:
        amounts = []
        for px, py in PHASES:
            m = np.array([[s, 0, 30 + px], [0, s, 30 + py]])
            row = []
            for g, c, amount in parts:
                out = warp(g, m, way).astype(np.float64)
                total = out.sum()
                errs.append(float(np.hypot(*(np.array([(out * xx).sum(), (out * yy).sum()]) / total - (m[:, :2] @ c + m[:, 2])))))
                row.append(total / (amount * s * s))
                peaks.append(float(out.max()))
            amounts.append(row)
        a = np.array(amounts)
        swings += list((a.max(0) - a.min(0)) / a.mean(0))
    return {"centroid_px": [round(float(np.percentile(errs, q)), 3) for q in (50, 99, 100)],
            "mass_swing": [round(float(np.median(swings)), 3), round(float(np.max(swings)), 3)], "peak": round(float(np.median(peaks)), 3)}  # fmt: skip


def cost_ms(way: str, repeats: int) -> float:
    wall = np.random.default_rng(0).integers(0, 256, (512, 512, 3), dtype=np.uint8)
    m = np.array([[0.72, 0.0, -50.3], [0.0, 0.72, -48.7]])
    times = []
    for _ in range(repeats):
        t = time.process_time()
        warp(wall, m, way)
        times.append((time.process_time() - t) * 1e3)
    return round(statistics.median(times), 3)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=10, help="font size of the card's text, px")
    ap.add_argument("--repeats", type=int, default=50, help="timed warps per way")
    args = ap.parse_args()
    parts = glyphs(args.size)
    ways = ("bilinear", "gauss", "area", "reference")
    print(json.dumps({"size": args.size, "glyphs": len(parts), "scales": SCALES, "phases": len(PHASES),
                      **{w: {**measure(w, parts), "ms": cost_ms(w, args.repeats)} for w in ways}}, indent=1))  # fmt: skip


if __name__ == "__main__":
    main()
