"""The spec at another resolution and frame count: ``scale_spec``.

Used to make reference renders at a video's size (FVD's reference side, the quality calibration)
and legitimate re-renders in tests. No metric compares a video's pixels with such a render
(see :mod:`symbolset.bench.score`).
"""

from __future__ import annotations

import copy
import math

from ..spec import INT_PIXEL_FIELDS as INT_FIELDS
from ..spec import PIXEL_FIELDS, is_track, validate

# The real style's stage fields measured in pixels (stage.py, stage_occlude.py), with the most the
# schema allows; the rest of a stage is in degrees, frame fractions, grey levels or clip time.
_STAGE_PIXELS = {("lens", "defocus"): 1.5, ("occluder", "blur"): 3.0}


def _scale_value(value, s: float, as_int: bool):
    if isinstance(value, list):
        return [_scale_value(v, s, as_int) for v in value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return max(1, int(round(value * s))) if as_int else value * s
    return value


def _scale_elements(elements: list[dict], s: float) -> None:
    for el in elements:
        for key in list(el):
            if key not in PIXEL_FIELDS:
                continue
            as_int = key in INT_FIELDS
            if is_track(el[key]):
                el[key]["keys"] = [[t, _scale_value(v, s, as_int)] for t, v in el[key]["keys"]]
            else:
                el[key] = _scale_value(el[key], s, as_int)


def scale_stage(stage: dict, s: float) -> None:
    """Scale, in place, a real-style ``stage``'s blur sigmas measured in pixels by the frame's scale
    ``s`` (capped at the schema's maxima); its camera, light and materials are relative to the frame."""
    for (group, key), most in _STAGE_PIXELS.items():
        if isinstance(stage.get(group), dict) and key in stage[group]:
            stage[group][key] = round(min(most, stage[group][key] * s), 4)


def _scale_parts(out: dict, s: float, num_frames: int | None) -> None:
    """A composite's parts: each part's rectangle scaled about the card's corner with its edges
    rounded down (so parts that did not overlap still do not, and stay inside the card), and its
    spec scaled to the new rectangle, its sides made even as every canvas's are (same frame count
    and rate as the card)."""
    for part in out["parts"]:
        sub = part["spec"]
        x0, y0 = (math.floor(v * s + 1e-9) for v in part["at"])
        x1, y1 = math.floor((part["at"][0] + sub["width"]) * s + 1e-9), math.floor((part["at"][1] + sub["height"]) * s + 1e-9)
        part["at"] = [x0, y0]
        part["spec"] = scale_spec(sub, max(16, (x1 - x0) // 2 * 2), max(16, (y1 - y0) // 2 * 2), num_frames)
        part["spec"]["fps"] = out["fps"]


def scale_spec(spec: dict, width: int, height: int, num_frames: int | None = None) -> dict:
    """A copy of ``spec`` drawn on a ``width`` x ``height`` canvas (uniform scale by height) and,
    optionally, with ``num_frames`` frames over the same duration. Pixel fields (positions, sizes,
    radii, widths, ...) are scaled, animated ones key by key; times stay in seconds. A real-style
    spec's ``stage`` keeps its camera, light and materials (they are relative to the frame) and
    scales its pixel blurs; a composite's ``parts`` are scaled and placed with the card."""
    s = height / float(spec["height"])
    out = copy.deepcopy(spec)
    out["width"], out["height"] = int(width), int(height)
    if num_frames is not None and num_frames != spec["num_frames"]:
        duration = spec["num_frames"] / float(spec["fps"])
        out["num_frames"] = int(num_frames)
        out["fps"] = num_frames / duration
    if s != 1.0:
        _scale_elements(out["elements"], s)
        if "stage" in out:
            scale_stage(out["stage"], s)
    if "parts" in out and (s != 1.0 or out["num_frames"] != spec["num_frames"]):
        _scale_parts(out, s, out["num_frames"])
    return validate(out)
