"""Parts of a composite scene on planes of their own: a clock on a bracket standing out from the
shop's wall, a speed display on a dash tilted toward the driver.

A part with ``"plane": {"hinge": "left"|"right"|"top"|"bottom", "angle": degrees}`` is its flat
panel turned about that edge of its rectangle on the card, its free edge ``angle`` degrees out of
the card's plane toward the camera (composite.py checks the field). The camera (stage_camera.py)
sees every point of the scene, so each such part has its own exact homography per frame, card
pixels of its rectangle -> image (:func:`homographies`); the stage draws the card with the part's
rectangle left as bare backdrop, then the part's panel through its homography on top
(:func:`paint`), and maps the part's boxes through it (stage.py). The sampler keeps only planes that
stay in the frame, face the camera and cover no other part on every frame (:func:`place`), so no
character is hidden by another part; the captions say where each part is mounted
(:func:`symbolset.composite.centre`) and at what angle.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from .composite import rect
from .stage_camera import apply, projection, to_cv

HINGES = ("left", "right", "top", "bottom")
_MARGIN = 2.0  # px the turned panel keeps from the frame's edges
_REACH = 1.6  # px around a panel's quad that bilinear resampling may touch (as the stage grows boxes), and then some


def planed(spec: dict) -> list[dict]:
    """The parts that stand on planes of their own."""
    return [p for p in spec.get("parts", ()) if "plane" in p]


def lift(part: dict) -> np.ndarray:
    """4x3 matrix: card pixel ``[x, y, 1]`` of the part's rectangle -> scene point ``[x, y, z, 1]``
    once the panel is turned about its hinge (z < 0 toward the camera)."""
    x0, y0, x1, y1 = rect(part)
    a = math.radians(part["plane"]["angle"])
    c, s = math.cos(a), math.sin(a)
    hinge = part["plane"]["hinge"]
    # d = distance from the hinge along the panel: x - x0, x1 - x, y - y0 or y1 - y.
    if hinge in ("left", "right"):
        e, sign = (x0, 1.0) if hinge == "left" else (x1, -1.0)
        # x' = e + sign * d cos, z = -d sin, with d = sign * (x - e)
        return np.array([[c, 0, e * (1 - c)], [0, 1, 0], [-sign * s, 0, sign * s * e], [0, 0, 1]])
    e, sign = (y0, 1.0) if hinge == "top" else (y1, -1.0)
    return np.array([[1, 0, 0], [0, c, e * (1 - c)], [0, -sign * s, sign * s * e], [0, 0, 1]])


def homographies(stage: dict, spec: dict, index: int) -> dict[str, np.ndarray]:
    """Each planed part's 3x3 homography at frame ``index``: card pixels of its rectangle -> image."""
    parts = planed(spec)
    if not parts:
        return {}
    p = projection(stage, spec, index)
    out = {}
    for part in parts:
        m = p @ lift(part)
        out[part["id"]] = m / m[2, 2]
    return out


def corners(part: dict, grow: float = 0.0) -> np.ndarray:
    """The part's rectangle's corners on the card (top-left first, clockwise), grown by ``grow`` px."""
    x0, y0, x1, y1 = rect(part)
    return np.array([[x0 - grow, y0 - grow], [x1 + grow, y0 - grow], [x1 + grow, y1 + grow], [x0 - grow, y1 + grow]], np.float64)


# ---------------------------------------------------------------- drawing


def lift_panels(card: np.ndarray, spec: dict, bare: dict) -> dict[str, np.ndarray]:
    """Take each planed part's panel off ``card`` (the lit card), leaving ``bare[part id]`` (the
    lit backdrop) in its place; returns the panels."""
    panels = {}
    for part in planed(spec):
        x0, y0, x1, y1 = rect(part)
        region = card[y0:y1, x0:x1]
        panels[part["id"]] = region.copy()
        region[:] = bare[part["id"]]
    return panels


def bare_backdrops(spec: dict, card) -> dict[str, np.ndarray]:
    """What each planed part leaves behind on the card: the backdrop colour, lit like the card
    (``card.light(frame, dst)``, stage_light.Card)."""
    parts = planed(spec)
    if not parts:
        return {}
    plain = np.empty((spec["height"], spec["width"], 3), np.uint8)
    plain[:] = spec["background"]
    lit = np.empty_like(plain)
    card.light(plain, lit)
    out = {}
    for part in parts:
        x0, y0, x1, y1 = rect(part)
        out[part["id"]] = lit[y0:y1, x0:x1].copy()
    return out


def paint(img: np.ndarray, panels: dict[str, np.ndarray], spec: dict, hs: dict[str, np.ndarray]) -> np.ndarray:
    """Draw each panel through its part's homography over ``img`` (bilinear, the panel's edge
    anti-aliased by its warped coverage; pixels out of its reach are left as they are)."""
    h, w = img.shape[:2]
    for part in planed(spec):
        x0, y0, _, _ = rect(part)
        panel = panels[part["id"]]
        m = hs[part["id"]] @ np.array([[1, 0, x0], [0, 1, y0], [0, 0, 1]], np.float64)  # panel pixels -> image
        ph, pw = panel.shape[:2]
        q = apply(m, [[0, 0], [pw, 0], [pw, ph], [0, ph]])
        bx0, by0 = (max(0, int(math.floor(v)) - 1) for v in q.min(axis=0))
        bx1, by1 = min(w, int(math.ceil(q[:, 0].max())) + 1), min(h, int(math.ceil(q[:, 1].max())) + 1)
        if bx1 <= bx0 or by1 <= by0:
            continue
        src = np.dstack([panel.astype(np.float32), np.ones(panel.shape[:2], np.float32)])
        to_box = np.array([[1, 0, -bx0], [0, 1, -by0], [0, 0, 1]], np.float64) @ m
        warped = cv2.warpPerspective(src, to_cv(to_box), (bx1 - bx0, by1 - by0), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
        region = img[by0:by1, bx0:bx1].astype(np.float32)
        # Premultiplied: outside the panel both colour and coverage are 0, so a pixel it does not reach keeps its value.
        out = region * (1.0 - warped[..., 3:]) + warped[..., :3]
        img[by0:by1, bx0:bx1] = np.clip(np.rint(out), 0, 255).astype(np.uint8)
    return img


# ---------------------------------------------------------------- choosing a plane


def _area(q: np.ndarray) -> float:
    x, y = q[:, 0], q[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


def fits(spec: dict, part: dict) -> bool:
    """Whether ``part``'s plane keeps it, on every frame, 2 px inside the frame, facing the camera (at
    least a quarter of its flat view's area) and clear of every other part's reach."""
    from .stage_camera import homography

    st, w, h = spec["stage"], spec["width"], spec["height"]
    for i in range(spec["num_frames"]):
        m = homography(st, spec, i)
        hs = {**homographies(st, spec, i), part["id"]: (projection(st, spec, i) @ lift(part))}
        mine = apply(hs[part["id"]], corners(part, _REACH)).astype(np.float32)
        flat = apply(m, corners(part))
        inner = apply(hs[part["id"]], corners(part))
        if (inner < _MARGIN).any() or (inner[:, 0] > w - _MARGIN).any() or (inner[:, 1] > h - _MARGIN).any():
            return False
        if _area(inner) * _area(flat) <= 0 or abs(_area(inner)) < 0.25 * abs(_area(flat)):
            return False
        for other in spec["parts"]:
            if other["id"] == part["id"]:
                continue
            theirs = apply(hs.get(other["id"], m), corners(other, _REACH)).astype(np.float32)
            if cv2.intersectConvexConvex(mine, theirs)[0] > 0:
                return False
    return True


def place(rng: np.random.Generator, spec: dict, choices: dict[str, tuple[str, float, float]]) -> None:
    """Give the parts named in ``choices`` (part id -> (hinge, least, most degrees)) a plane: an angle
    drawn in that range, stepped down by a quarter until :func:`fits` holds (a part that fits at no
    angle over 8 degrees stays on the card's plane)."""
    for part in spec["parts"]:
        if part["id"] not in choices:
            continue
        hinge, lo, hi = choices[part["id"]]
        angle = float(rng.uniform(lo, hi))
        while angle >= 8.0:
            part["plane"] = {"hinge": hinge, "angle": round(angle, 2)}
            if fits(spec, part):
                break
            del part["plane"]
            angle *= 0.75


def about(angle: float) -> int:
    """The angle as the captions say it: to the nearest 5 degrees."""
    return int(5 * round(angle / 5))

