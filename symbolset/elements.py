"""The element registry: every element type a scene spec may hold, declared once.

``ELEMENT_FIELDS`` maps each type to its fields, each field to ``(kind, required, animatable)``; the
spec validator (:mod:`symbolset.spec`) checks values by kind, the renderer keeps one drawer per type
and fails at import when a type declared here has none, and the sets derived below (``PIXEL_FIELDS``:
the fields measured in pixels) are what the benchmark rescales. Adding an element type is one entry
here plus one drawer in ``render.py``. :mod:`symbolset.spec` re-exports every name.
"""

from __future__ import annotations

from typing import Any

from .errors import SpecError

# Element schemas: field -> (kind, required, animatable). Kinds are checked by spec._check_value.
_COMMON = {"id": ("str", True, False), "type": ("str", True, False), "opacity": ("unit", False, True)}
ELEMENT_FIELDS: dict[str, dict[str, tuple[str, bool, bool]]] = {
    "text": {
        "text": ("str", True, False),
        "font": ("str", True, False),
        "size": ("fontsize", True, False),
        "color": ("rgb", True, False),
        "position": ("xy", True, True),
        "anchor": ("anchor", False, False),
        "rotation": ("num", False, True),
        "scale": ("scale", False, True),
        "visible": ("count", False, True),
        "cursor": ("cursor", False, False),
        "vertical": ("bool", False, False),  # one upright column, top to bottom (textcolumn.py)
    },
    "polyline": {
        "points": ("points", True, True),
        "color": ("rgb", True, False),
        "width": ("width", True, False),
        "closed": ("bool", False, False),
        "progress": ("unit", False, True),
    },
    "circle": {
        "center": ("xy", True, True),
        "radius": ("length", True, True),
        "color": ("rgb", True, False),
        "width": ("width", False, False),
        "fill": ("rgb?", False, False),
        "start": ("num", False, False),
        "sweep": ("num", False, True),
    },
    "polygon": {
        "points": ("points", True, True),
        "fill": ("rgb", True, False),
    },
    "ray": {
        "origin": ("xy", True, True),
        "length": ("length", True, True),
        "angle": ("num", True, True),
        "color": ("rgb", True, False),
        "width": ("width", True, False),
    },
    "seven_segment": {
        "position": ("xy", True, True),
        "digit_height": ("length", True, False),
        "text": ("segtext", True, True),
        "color": ("rgb", True, False),
        "off_color": ("rgb?", False, False),
    },
    "lane_line": {
        "vanishing_point": ("xy", True, False),
        "bottom_x": ("coord", True, False),
        "bottom_width": ("width", True, False),
        "color": ("rgb", True, False),
        "dash": ("dash?", False, False),
        "offset": ("num", False, True),
    },
}
SEGMENT_CHARS = set("0123456789-: .")
# Kinds whose values are measured in pixels: they scale with the canvas (bench re-renders a spec at
# another size). Every other kind (colours, angles, counts, dash patterns in depth units) is unitless.
PIXEL_KINDS = frozenset({"xy", "points", "coord", "length", "fontsize", "width"})
PIXEL_FIELDS = frozenset(name for fields in ELEMENT_FIELDS.values() for name, (kind, _, _) in fields.items() if kind in PIXEL_KINDS)
INT_PIXEL_FIELDS = frozenset(name for fields in ELEMENT_FIELDS.values() for name, (kind, _, _) in fields.items() if kind == "width")


def element(etype: str, id: str, **fields: Any) -> dict:
    """One element dict of type ``etype``; a field its schema does not declare is a :class:`SpecError`.

    Family samplers build elements with keyword arguments (``element("text", "title", text=..., ...)``)
    instead of long dict literals; :func:`validate` still checks kinds and required fields.
    """
    allowed = _ALLOWED.get(etype)
    if allowed is None:
        raise SpecError(f"element {id!r}: unknown type {etype!r}")
    if not allowed.issuperset(fields):
        raise SpecError(f"element {id!r} ({etype}): unknown field(s) {', '.join(sorted(set(fields) - allowed))}")
    return {"id": id, "type": etype, **fields}


_ALLOWED = {etype: frozenset(schema) | frozenset(_COMMON) for etype, schema in ELEMENT_FIELDS.items()}  # a type's field names, for element()
