"""The spec at another resolution and frame count: ``scale_spec``.

Used to make reference renders at a video's size (FVD's reference side, the quality calibration)
and legitimate re-renders in tests. No metric compares a video's pixels with such a render
(see :mod:`symbolset.bench.score`).
"""

from __future__ import annotations

import copy

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
