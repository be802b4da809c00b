"""Composite scenes: several families' cards laid out on one card, seen by one camera.

A composite spec is an ordinary spec (its own ``elements`` are the backdrop, usually none) plus
``parts``::

    "parts": [{"id": "sign", "at": [x, y], "seed": s, "spec": {...}},
              {"id": "clock", ..., "plane": {"hinge": "right", "angle": 38.5}}, ...]  # a plane of its own (optional)

Each part's ``spec`` is a whole flat spec of an existing family (no ``stage``, no ``parts``), drawn
by that family alone from its own seed, with the composite's ``fps`` and ``num_frames``. The card is
the backdrop with each part's frames pasted at the whole-pixel offset ``at``: a pixel-exact copy, so
every box of a part moves by exactly ``at`` and its element ids become ``"<part>/<element>"``
(:func:`symbolset.render.paste_parts`). The parts' rectangles lie inside the card and do not overlap. The stage
(stage.py) then sees the whole card through one camera, as it sees any card; a part with a
``plane`` is turned out of the card's plane about one edge of its rectangle and seen through its own
exact homography (composite_planes.py).

This module imports no renderer at load time: :func:`check` runs inside ``spec.validate``, which
the loaders call.
"""

from __future__ import annotations

import math
import re

from .errors import SpecError

SEP = "/"  # element ids of a part's annotations: "<part id>/<element id>"
_PART_ID = re.compile(r"[a-z][a-z0-9_]{0,31}")

# How each shape parameter of the renderer's annotations moves with the card (see render.py's drawers):
# a point, a list of points, a list of boxes/segments [x0, y0, x1, y1], an x coordinate, or nothing.
_POINT = {"center", "origin", "end", "vanishing_point"}
_POINTS = {"points", "quad"}
_BOX = {"cell", "box"}
_BOXES = {"marks"}
_X = {"bottom_x"}
_FIXED = {"text", "digit_height", "dashed", "depths", "radius", "start", "sweep", "width", "angle", "index", "char", "segments"}


# ---------------------------------------------------------------- schema


def check(spec: dict, validate) -> None:
    """Validate ``spec["parts"]``, each part's spec with ``validate`` (:func:`symbolset.spec.validate`,
    passed in by it) as a spec of its own; a :class:`SpecError` names the first bad field."""

    parts = spec["parts"]
    if not isinstance(parts, list) or not 1 <= len(parts) <= 8:
        raise SpecError("parts: expected a list of 1 to 8 parts")
    ids, rects = set(), []
    for i, part in enumerate(parts):
        where = f"parts[{i}]"
        if not isinstance(part, dict) or set(part) - {"plane"} != {"id", "at", "seed", "spec"}:
            raise SpecError(f"{where}: expected id, at, seed and spec (and an optional plane)")
        if "plane" in part:
            _check_plane(part["plane"], where)
        if not (isinstance(part["id"], str) and _PART_ID.fullmatch(part["id"])) or part["id"] in ids:
            raise SpecError(f"{where}.id: expected a unique lower-case name (letters, digits, _), got {part['id']!r}")
        ids.add(part["id"])
        if not (isinstance(part["seed"], int) and not isinstance(part["seed"], bool) and part["seed"] >= 0):
            raise SpecError(f"{where}.seed: expected a non-negative integer")
        sub = part["spec"]
        if not isinstance(sub, dict) or "stage" in sub or "parts" in sub:
            raise SpecError(f"{where}.spec: expected a flat spec (no stage, no parts)")
        try:
            validate(sub)
        except SpecError as exc:
            raise SpecError(f"{where}.spec.{exc}") from None
        if sub.get("family") in (None, "composite") or sub["fps"] != spec["fps"] or sub["num_frames"] != spec["num_frames"]:
            raise SpecError(f"{where}.spec: expected a family's spec with the composite's fps and num_frames")
        at = part["at"]
        if not (isinstance(at, list) and len(at) == 2 and all(isinstance(v, int) and not isinstance(v, bool) for v in at)):
            raise SpecError(f"{where}.at: expected [x, y] whole pixels")
        rect = (at[0], at[1], at[0] + sub["width"], at[1] + sub["height"])
        if rect[0] < 0 or rect[1] < 0 or rect[2] > spec["width"] or rect[3] > spec["height"]:
            size = f"{sub['width']}x{sub['height']}"
            raise SpecError(f"{where}.at: the part ({size} at {at}) does not fit in the {spec['width']}x{spec['height']} card")
        for j, other in enumerate(rects):
            if rect[0] < other[2] and other[0] < rect[2] and rect[1] < other[3] and other[1] < rect[3]:
                raise SpecError(f"{where}.at: overlaps parts[{j}]")
        rects.append(rect)
    if any(SEP in el["id"] for el in spec["elements"]):
        raise SpecError(f"elements: a composite's own element ids may not contain {SEP!r}")


def _check_plane(plane, where: str) -> None:
    hinges = ("left", "right", "top", "bottom")  # composite_planes.HINGES (that module draws; this one only checks)
    if not isinstance(plane, dict) or set(plane) != {"hinge", "angle"} or plane["hinge"] not in hinges:
        raise SpecError(f"{where}.plane: expected a hinge (one of {', '.join(hinges)}) and an angle")
    angle = plane["angle"]
    if not isinstance(angle, (int, float)) or isinstance(angle, bool) or not 0 < angle <= 70:
        raise SpecError(f"{where}.plane.angle: expected degrees in (0, 70], got {angle!r}")


def all_elements(spec: dict) -> list[dict]:
    """The spec's own elements, then every part's (a composite's texts live in its parts)."""
    return spec["elements"] + [el for part in spec.get("parts", ()) for el in part["spec"]["elements"]]


def rect(part: dict) -> tuple[int, int, int, int]:
    """The part's rectangle ``(x0, y0, x1, y1)`` on the card."""
    x, y = part["at"]
    return x, y, x + part["spec"]["width"], y + part["spec"]["height"]


# ---------------------------------------------------------------- where a part is


def centre(part: dict) -> tuple[float, float]:
    """The part's centre on the card; for a part on a plane of its own, the point of the card's plane
    straight behind the turned panel's centre (nearer its hinge by the cosine of its angle)."""
    x0, y0, x1, y1 = rect(part)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    if "plane" in part:
        c, hinge = math.cos(math.radians(part["plane"]["angle"])), part["plane"]["hinge"]
        e = {"left": x0, "right": x1, "top": y0, "bottom": y1}[hinge]
        if hinge in ("left", "right"):
            cx = e + (cx - e) * c
        else:
            cy = e + (cy - e) * c
    return cx, cy


def where(part: dict, width: int, height: int) -> tuple[str, str]:
    """Where the part's centre (:func:`centre`) lies on the card, in thirds: (``"at the top left"``, ``"左上方"``)."""
    cx, cy = centre(part)
    col = min(2, int(3 * cx / width))
    row = min(2, int(3 * cy / height))
    en = {(0, 1): "on the left", (2, 1): "on the right", (1, 0): "at the top", (1, 2): "at the bottom", (1, 1): "in the middle"}
    zh = {(0, 1): "左侧", (2, 1): "右侧", (1, 0): "上方", (1, 2): "下方", (1, 1): "中间"}
    if (col, row) in en:
        return en[(col, row)], zh[(col, row)]
    v_en, v_zh = ("top", "上") if row == 0 else ("bottom", "下")
    h_en, h_zh = ("left", "左") if col == 0 else ("right", "右")
    return f"at the {v_en} {h_en}", f"{h_zh}{v_zh}方"


# ---------------------------------------------------------------- pasting


def _move(params: dict, dx: int, dy: int) -> dict:
    out = {}
    for k, v in params.items():
        if k in _POINT:
            out[k] = [round(v[0] + dx, 3), round(v[1] + dy, 3)]
        elif k in _POINTS:
            out[k] = [[round(p[0] + dx, 3), round(p[1] + dy, 3)] for p in v]
        elif k in _BOX:
            out[k] = [round(v[0] + dx, 3), round(v[1] + dy, 3), round(v[2] + dx, 3), round(v[3] + dy, 3)]
        elif k in _BOXES:
            out[k] = [[round(b[0] + dx, 3), round(b[1] + dy, 3), round(b[2] + dx, 3), round(b[3] + dy, 3)] for b in v]
        elif k in _X:
            out[k] = round(v + dx, 3)
        elif k == "digits":
            out[k] = [_move(d, dx, dy) for d in v]
        elif k in _FIXED:
            out[k] = v
        else:  # a new drawer's parameter: say so rather than leave it where it was
            raise SpecError(f"composite: no rule to move shape parameter {k!r}")
    return out


def move_annotation(ann: dict, pid: str, dx: int, dy: int) -> dict:
    """A part's annotation of one frame as it lies on the card: boxes and shape geometry moved by
    ``(dx, dy)``, element ids namespaced ``"<pid>/<id>"``."""

    def box(b):
        return [b[0] + dx, b[1] + dy, b[2] + dx, b[3] + dy]

    texts = [
        {**t, "element": pid + SEP + t["element"], "box": box(t["box"]), "char_boxes": [box(b) for b in t["char_boxes"]]} for t in ann["texts"]
    ]
    shapes = [{**s, "element": pid + SEP + s["element"], "params": _move(s["params"], dx, dy)} for s in ann["shapes"]]
    return {"texts": texts, "shapes": shapes}


def part_annotations(annotations: list[dict], pid: str) -> list[dict]:
    """The annotations of one part's elements, ids without the part's prefix (boxes as given)."""
    pre = pid + SEP
    return [
        {**a, "texts": [{**t, "element": t["element"][len(pre):]} for t in a["texts"] if t["element"].startswith(pre)],
         "shapes": [{**s, "element": s["element"][len(pre):]} for s in a["shapes"] if s["element"].startswith(pre)]}
        for a in annotations
    ]  # fmt: skip
