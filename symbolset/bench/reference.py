"""Reference renders aligned with a video under test, and the resampling rules every metric uses.

A generated video may have any resolution, frame count and fps. Two rules map it onto the spec:

- **Aligned reference** (Mf, flicker, track smoothness, FVD): the spec is re-rendered at the
  video's resolution (uniform scale by height; the video is resized to that canvas if its aspect
  ratio differs) and with the video's frame count spread evenly over the spec's duration, so
  video frame ``j`` is compared with reference frame ``j``.
- **Native sampling** (OCR, geometric fidelity): ``k`` frame times are picked evenly over the
  spec's frames; for each, the video frame at the same normalised time ``j = round(i * T_v / T_s)`` (frame ``i`` starts at ``i / fps````
  is taken. OCR reads it at the video's resolution (expected boxes scaled); geometric detectors
  read it resized to the spec's native resolution, where the spec's own annotations apply.
"""

from __future__ import annotations

import copy

import cv2
import numpy as np

from ..render import render_clip
from ..spec import INT_PIXEL_FIELDS as INT_FIELDS
from ..spec import PIXEL_FIELDS, is_track, validate


def _scale_value(value, s: float, as_int: bool):
    if isinstance(value, list):
        return [_scale_value(v, s, as_int) for v in value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return max(1, int(round(value * s))) if as_int else value * s
    return value


def scale_spec(spec: dict, width: int, height: int, num_frames: int | None = None) -> dict:
    """A copy of ``spec`` drawn on a ``width`` x ``height`` canvas (uniform scale by height) and,
    optionally, with ``num_frames`` frames over the same duration. Pixel fields (positions, sizes,
    radii, widths, ...) are scaled, animated ones key by key; times stay in seconds."""
    s = height / float(spec["height"])
    out = copy.deepcopy(spec)
    out["width"], out["height"] = int(width), int(height)
    if num_frames is not None and num_frames != spec["num_frames"]:
        duration = spec["num_frames"] / float(spec["fps"])
        out["num_frames"] = int(num_frames)
        out["fps"] = num_frames / duration
    if s != 1.0:
        for el in out["elements"]:
            for key in list(el):
                if key not in PIXEL_FIELDS:
                    continue
                as_int = key in INT_FIELDS
                if is_track(el[key]):
                    el[key]["keys"] = [[t, _scale_value(v, s, as_int)] for t, v in el[key]["keys"]]
                else:
                    el[key] = _scale_value(el[key], s, as_int)
    return validate(out)


def canvas_for(spec: dict, video_height: int) -> tuple[int, int]:
    """The reference canvas (width, height) for a video of height ``video_height``: the spec's
    aspect ratio, even sizes."""
    s = video_height / float(spec["height"])
    w = max(2, int(round(spec["width"] * s / 2)) * 2)
    h = max(2, int(round(video_height / 2)) * 2)
    return w, h


def fit_frames(frames: np.ndarray, width: int, height: int) -> np.ndarray:
    """Frames resized to ``width`` x ``height`` (area filter when shrinking, cubic when enlarging)."""
    if frames.shape[1:3] == (height, width):
        return frames
    interp = cv2.INTER_AREA if width * height < frames.shape[1] * frames.shape[2] else cv2.INTER_CUBIC
    return np.stack([cv2.resize(f, (width, height), interpolation=interp) for f in frames])


def aligned_reference(spec: dict, video: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[dict], dict]:
    """``(video_fitted, reference_frames, reference_annotations, reference_spec)``, frames of equal
    shapes: the reference rendered at the video's resolution and frame count (see the module docstring)."""
    w, h = canvas_for(spec, video.shape[1])
    fitted = fit_frames(video, w, h)
    ref_spec = scale_spec(spec, w, h, len(video))
    ref, ann = render_clip(ref_spec)
    return fitted, ref, ann, ref_spec


def sample_indices(num_spec_frames: int, k: int) -> list[int]:
    """``k`` spec frame indices spread evenly from the first to the last frame (all if fewer)."""
    if k >= num_spec_frames:
        return list(range(num_spec_frames))
    return sorted({int(round(x)) for x in np.linspace(0, num_spec_frames - 1, k)})


def video_index(spec_index: int, num_spec_frames: int, num_video_frames: int) -> int:
    """The video frame at the same normalised time as spec frame ``spec_index``."""
    return min(num_video_frames - 1, int(round(spec_index * num_video_frames / num_spec_frames)))
