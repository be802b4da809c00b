"""Mf, frame quality: no-reference sharpness of the symbols located in the frame, less artefacts.

Nothing is compared with a reference render. In each sampled frame the symbols are *located* as
the strong edges (Canny, with a local contrast of at least ``_MIN_CONTRAST`` grey levels). At each
such pixel the gradient magnitude (Sobel, per pixel) is divided by the local contrast (max - min
of the 5x5 neighbourhood): a crisp anti-aliased edge gives about 0.5, and blur of sigma px lowers
it roughly as 1 / (sigma sqrt(2 pi)). The frame's sharpness ``S`` is the median over its symbol
edges, so it does not depend on where the symbols are, how many there are, or their colours.

``S`` is mapped to [0, 1] by the calibration in ``CALIBRATION``: ``(S - S_FLOOR) / (S_clean -
S_FLOOR)``, clipped, where ``S_clean`` is, per family, the lowest 20th percentile of ``S`` over the frames of the family's
clean renders (H.264, as published) at 128, 256 and 512 px (small text is least
crisp at 128 px), and ``S_FLOOR`` the ``S`` of a Gaussian blur of about 3 px. Two artefact terms
multiply it:

- **noise**: the noise level sigma (Immerkaer's 3x3 Laplacian-difference mask, median of its
  absolute response so that the symbols' own edges do not count)
  relative to the symbols' median contrast; ``1 - sigma / contrast / _NOISE_SPAN``;
- **blocking**: JPEG/MPEG-style 8x8 block edges: the mean small step (under 24 grey levels;
  symbol edges are larger) across 8-pixel block borders over that inside blocks (1 for none);
  ``1 - (ratio - 2.2) / 2.0`` for the excess. Clean renders reach 2.1 on tiny, so this term only
  catches gross blocking; JPEG damage lowers Mf mainly through the sharpness term.

A real-style prompt (its spec has a ``stage``: a card filmed by a camera, stage.py) is calibrated
apart, by ``REAL_CALIBRATION``: the camera's resampling of the card, its lens (defocus, motion
blur, sensor noise, JPEG) and perspective make its clean renders softer (per family, the lowest
20th percentile is 0.29-0.40 against 0.35-0.49 flat; the lower of the two values is used), and a
model that films the prompt as asked must not lose Mf for it.

Mf is the mean over the sampled frames that show symbol edges; a video where none does scores 0.
Re-measure the calibration with ``python -m symbolset.bench.metrics.quality <dataset folder>``, and
the real style's with ``python -m symbolset.bench.metrics.quality --real <dataset folder>``
(real-style specs drawn with the folder's configuration).
"""

from __future__ import annotations

import sys

import cv2
import numpy as np

_MIN_CONTRAST = 40
_MIN_EDGE_PIXELS = 8
S_FLOOR = 0.22
# Per family: the lowest 20th-percentile sharpness of clean render frames over 128/256/512 px, measured with
# `python -m symbolset.bench.metrics.quality tiny` (the checked-in tiny split, its 3 clips per family).
CALIBRATION = {
    "chart": 0.399, "clock": 0.477, "formula": 0.353, "geometry": 0.44, "lanes": 0.486, "plot": 0.402,
    "seven_segment": 0.45, "signage": 0.449, "text_motion": 0.368, "text_typing": 0.399,
}  # fmt: skip
DEFAULT_CLEAN = 0.35  # a family not calibrated yet: the lowest of the above
# The same for the real style, over 6 real-style specs per family at 128 and 256 px, measured with
# `python -m symbolset.bench.metrics.quality --real tiny` (specs drawn with tiny's configuration).
# Used as the lower of it and the flat value: a camera's image never has to be crisper than a flat one.
REAL_CALIBRATION = {
    "chart": 0.402, "clock": 0.297, "formula": 0.38, "geometry": 0.309, "lanes": 0.29, "plot": 0.332,
    "seven_segment": 0.337, "signage": 0.38, "text_motion": 0.375, "text_typing": 0.322,
}  # fmt: skip
DEFAULT_REAL_CLEAN = 0.29  # a family not calibrated yet: the lowest of the above
_NOISE_SPAN = 0.1
_BLOCK_STEP = 24
_BLOCK_FREE = 2.2  # clean H.264 frames measured up to 2.1 (tiny)
_BLOCK_SPAN = 2.0
_NOISE_MASK = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], np.float32)


def edge_sharpness(gray: np.ndarray) -> tuple[float, float] | None:
    """(median gradient / local contrast, median contrast) over the frame's symbol edges; None
    when it has fewer than ``_MIN_EDGE_PIXELS``."""
    g = gray.astype(np.float32)
    gx = cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3) / 8
    gy = cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3) / 8
    k = np.ones((5, 5), np.uint8)
    contrast = cv2.dilate(g, k) - cv2.erode(g, k)
    edges = (cv2.Canny(gray, 40, 120, L2gradient=True) > 0) & (contrast >= _MIN_CONTRAST)
    if edges.sum() < _MIN_EDGE_PIXELS:
        return None
    return float(np.median(np.hypot(gx, gy)[edges] / contrast[edges])), float(np.median(contrast[edges]))


def noise_sigma(gray: np.ndarray) -> float:
    """Noise standard deviation (grey levels), Immerkaer's mask with a robust median."""
    h, w = gray.shape
    if h < 3 or w < 3:
        return 0.0
    conv = cv2.filter2D(gray.astype(np.float32), -1, _NOISE_MASK)[1:-1, 1:-1]
    # The median (not Immerkaer's mean) of |mask response|: symbol edges are a minority of pixels and
    # do not move it. For Gaussian noise the response has std 6 sigma and median |.| 0.6745 of that.
    return float(np.median(np.abs(conv)) / (0.6745 * 6))


def blockiness(gray: np.ndarray) -> float:
    """Mean small step (under ``_BLOCK_STEP`` grey levels: symbol edges are larger) across
    8-pixel block borders over that inside blocks, horizontal and vertical together (1 for none)."""
    g = gray.astype(np.float32)
    dx, dy = np.abs(np.diff(g, axis=1)), np.abs(np.diff(g, axis=0))
    if dx.shape[1] < 16 or dy.shape[0] < 16:
        return 1.0
    dx[dx >= _BLOCK_STEP] = 0
    dy[dy >= _BLOCK_STEP] = 0
    bx, by = (np.arange(dx.shape[1]) % 8) == 7, (np.arange(dy.shape[0]) % 8) == 7
    border = dx[:, bx].mean() + dy[by].mean()
    inside = dx[:, ~bx].mean() + dy[~by].mean()
    return float((border + 0.05) / (inside + 0.05))


def frame_quality(frames, family: str | None = None, real: bool = False) -> dict:
    """Mf of video ``frames`` (RGB, any size) of a prompt of ``family``, filmed in the real style
    when ``real`` (see the module docstring)."""
    clean = CALIBRATION.get(family, DEFAULT_CLEAN)
    if real:
        clean = min(clean, REAL_CALIBRATION.get(family, DEFAULT_REAL_CLEAN))
    sharp, noise, block, scores = [], [], [], []
    for frame in frames:
        gray = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)
        found = edge_sharpness(gray)
        if found is None:  # nothing drawn in this frame (yet): judged by the frames that show symbols
            continue
        s, contrast = found
        q = float(np.clip((s - S_FLOOR) / (clean - S_FLOOR), 0.0, 1.0))
        n = max(0.0, 1.0 - noise_sigma(gray) / contrast / _NOISE_SPAN)
        b = max(0.0, 1.0 - max(0.0, blockiness(gray) - _BLOCK_FREE) / _BLOCK_SPAN)
        sharp.append(q)
        noise.append(n)
        block.append(b)
        scores.append(q * n * b)
    mean = lambda v: float(np.mean(v)) if v else None  # noqa: E731
    return {"mf": mean(scores) if scores else 0.0, "mf_sharpness": mean(sharp), "mf_noise": mean(noise), "mf_blocking": mean(block)}


def _specs(folder: str, real: bool, per_family: int):
    """(family, spec) of the folder's flat clips (a real-style clip, one with a ``stage``, is softer by
    design and calibrated apart); with ``real``, ``per_family`` real-style specs of each of its
    families drawn with its configuration (seeded, so the calibration is reproducible)."""
    from ...layout import iter_rows
    from ...spec import from_json

    if not real:
        for row in iter_rows(folder, columns=["family", "spec"]):
            spec = from_json(row["spec"])
            if "stage" not in spec:
                yield row["family"], spec
        return
    import json
    from pathlib import Path

    from ... import record

    config = json.loads((Path(folder) / "manifest.json").read_text())["config"]
    for family in config["families"]:
        params = {**config, "style": "real", "options": config.get("options", {}).get(family, {})}
        for i in range(per_family):
            yield family, record.sample_spec(family, record.sample_seed(config["seed"] + 1, family, i), params)


def calibrate(folder: str, sizes=(128, 256, 512), real: bool = False, per_family: int = 6) -> dict:
    """Per family, the lowest over ``sizes`` of the 20th percentile of the sharpness of its clean
    renders' frames (H.264-encoded as published): the folder's clips, or with ``real`` real-style
    specs drawn with its configuration (:func:`_specs`)."""
    from ... import codec
    from ...render import render_clip
    from ..reference import scale_spec

    per: dict[str, dict[int, list[float]]] = {}
    for family, spec in _specs(folder, real, per_family):
        for size in sizes:
            scaled = scale_spec(spec, size * spec["width"] // spec["height"], size)
            frames = codec.decode(codec.encode(render_clip(scaled)[0], scaled["fps"]))
            for f in frames[:: max(1, len(frames) // 4)]:
                found = edge_sharpness(cv2.cvtColor(f, cv2.COLOR_RGB2GRAY))
                if found:
                    per.setdefault(family, {}).setdefault(size, []).append(found[0])
    return {fam: round(min(float(np.percentile(v, 20)) for v in by.values()), 3) for fam, by in sorted(per.items())}


if __name__ == "__main__":  # pragma: no cover - a measurement, run by hand
    args = [a for a in sys.argv[1:] if a != "--real"]
    real = "--real" in sys.argv[1:]
    print(calibrate(args[0] if args else "tiny", sizes=(128, 256) if real else (128, 256, 512), real=real))
