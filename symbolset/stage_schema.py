"""The schema of a spec's ``stage`` (surface, environment, camera, light, lens) and its check.

Kept apart from :mod:`.stage`, which draws the stage, so that :func:`symbolset.spec.validate` can
check a stage without importing the renderer (spec -> stage -> render -> spec was a cycle).
"""

from __future__ import annotations

import math

from . import materials
from .errors import SpecError
from .stage_occlude import check as occlusion_problem

MOVES = ("static", "orbit", "dolly", "pan", "tilt", "shake")


def check(spec: dict) -> None:
    """Validate ``spec["stage"]``; :class:`SpecError` names the first bad field."""
    st = spec["stage"]

    def bad(where, problem):
        raise SpecError(f"stage.{where}: {problem}")

    if not isinstance(st, dict) or set(st) - {"occluder"} != {"surface", "environment", "camera", "light", "lens"}:
        bad("", "expected surface, environment, camera, light and lens (and an optional occluder)")
    if "occluder" in st and (problem := occlusion_problem(st["occluder"])):
        bad(*problem.split(": ", 1))
    for name in ("surface", "environment"):
        m = st[name]
        if not isinstance(m, dict) or m.get("kind") not in materials.KINDS:
            bad(name + ".kind", f"expected one of {', '.join(materials.KINDS)}")
        if not (
            isinstance(m.get("color"), list) and len(m["color"]) == 3 and all(isinstance(c, int) and 0 <= c <= 255 for c in m["color"])
        ):
            bad(name + ".color", "expected [r, g, b]")
        if not (isinstance(m.get("seed"), int) and isinstance(m.get("scale"), (int, float)) and 0.2 <= m["scale"] <= 5):
            bad(name, "expected an integer seed and a scale in [0.2, 5]")
    cam = st["camera"]
    if cam.get("move") not in MOVES:
        bad("camera.move", f"expected one of {', '.join(MOVES)}")
    for k in ("yaw", "pitch", "pan", "tilt", "roll", "distance"):
        v = cam.get("keys", {}).get(k)
        if not (isinstance(v, list) and len(v) == 2 and all(isinstance(x, (int, float)) and math.isfinite(x) for x in v)):
            bad(f"camera.keys.{k}", "expected [start, end] numbers")
        if k in ("yaw", "pitch") and max(abs(x) for x in v) > 45:
            bad(f"camera.keys.{k}", "at most 45 degrees")
    if not (0.1 <= cam.get("fill", 0) <= 1 and 0.3 <= cam.get("focal", 0) <= 5 and min(cam["keys"]["distance"]) >= 0.5):
        bad("camera", "fill in [0.1, 1], focal in [0.3, 5], distance >= 0.5")
    lens = st["lens"]
    if not (0 <= lens.get("defocus", 0) <= 1.5 and 0 <= lens.get("motion_blur", 0) <= 1):
        bad("lens", "defocus sigma in [0, 1.5] px, motion_blur exposure in [0, 1]")
    noise_ok = 0 <= lens.get("noise", -1) <= 8 and 0 <= lens.get("pattern", 0) <= 8
    if not noise_ok or not (lens.get("jpeg") is None or 30 <= lens["jpeg"] <= 100):
        bad("lens", "noise and pattern in [0, 8], jpeg quality 30..100 or null")
    light = st["light"]
    if not (0 <= light.get("glare", -1) <= 0.3 and 0 <= light.get("shadow", -1) <= 0.8 and 0 <= light.get("falloff", -1) <= 0.3):
        bad("light", "glare <= 0.3, shadow <= 0.8, falloff <= 0.3")
