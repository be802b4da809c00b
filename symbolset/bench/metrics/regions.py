"""Expected symbol regions of a frame: boxes from the reference annotations, as a pixel mask."""

from __future__ import annotations

import numpy as np


def _pairs(value) -> list[list[float]]:
    """Every [x, y] pair nested in a shape's parameters."""
    if isinstance(value, list):
        if len(value) == 2 and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
            return [list(value)]
        return [p for v in value for p in _pairs(v)]
    if isinstance(value, dict):
        return [p for k, v in value.items() if k != "depths" for p in _pairs(v)]
    return []


def shape_box(shape: dict) -> list[float] | None:
    """Bounding box ``[x0, y0, x1, y1]`` of an annotated shape (circles from centre and radius,
    others from every point in their parameters), padded by half the stroke width."""
    p = shape["params"]
    pad = float(p.get("width", 2) or 2) / 2 + 1
    if shape["type"] == "circle":
        (cx, cy), r = p["center"], float(p["radius"])
        return [cx - r - pad, cy - r - pad, cx + r + pad, cy + r + pad]
    pts = _pairs(p)
    if not pts:
        return None
    a = np.asarray(pts, np.float64)
    return [a[:, 0].min() - pad, a[:, 1].min() - pad, a[:, 0].max() + pad, a[:, 1].max() + pad]


def region_mask(annotation: dict, height: int, width: int) -> np.ndarray:
    """Boolean mask of the union of a frame's text boxes and shape boxes (clipped to the frame)."""
    mask = np.zeros((height, width), bool)
    boxes = [t["box"] for t in annotation.get("texts", [])]
    boxes += [b for s in annotation.get("shapes", []) if s["type"] != "cursor" for b in [shape_box(_parsed(s))] if b]
    for x0, y0, x1, y1 in boxes:
        x0, y0 = max(0, int(np.floor(x0))), max(0, int(np.floor(y0)))
        x1, y1 = min(width, int(np.ceil(x1))), min(height, int(np.ceil(y1)))
        if x1 > x0 and y1 > y0:
            mask[y0:y1, x0:x1] = True
    return mask


def _parsed(shape: dict) -> dict:
    if isinstance(shape.get("params"), str):
        import json

        return {**shape, "params": json.loads(shape["params"])}
    return shape
