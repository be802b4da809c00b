"""The stage's pinhole camera: its pose at a frame and the homography from card to image pixels.

Part of the real style (stage.py): the card (the family's W x H frame) lies centred on the plane
z = 0; the camera sits on a sphere around the card's centre, looks at it with its x axis level, then
pans, tilts and rolls; ``stage["camera"]`` holds the keys (see stage.py).
"""

from __future__ import annotations

import math

import numpy as np


def _rot(axis: str, deg: float) -> np.ndarray:
    a = math.radians(deg)
    c, s = math.cos(a), math.sin(a)
    if axis == "x":
        return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])
    if axis == "y":
        return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])


def pose(stage: dict, spec: dict, index: int) -> dict:
    """The camera's angles (degrees) and distance factor at frame ``index`` (eased start -> end, plus shake)."""
    cam = stage["camera"]
    u = index / max(1, spec["num_frames"] - 1)
    u = u * u * (3 - 2 * u)
    p = {k: a + (b - a) * u for k, (a, b) in cam["keys"].items()}
    if cam["shake"]:
        rng = np.random.default_rng(cam["seed"])
        freq, phase = rng.uniform(0.7, 2.3, (3, 2)), rng.uniform(0, 2 * np.pi, (3, 2))
        t = index / float(spec["fps"])
        for row, k in enumerate(("pan", "tilt", "roll")):
            p[k] += cam["shake"] * float(np.sin(2 * np.pi * freq[row] * t + phase[row]).mean())
    return p


def homography(stage: dict, spec: dict, index: int) -> np.ndarray:
    """3x3 matrix mapping card (layer) continuous pixel coordinates to image coordinates at a frame."""
    k, r, c, shift = _camera(stage, spec, index)
    m = k @ np.column_stack([r[:, 0], r[:, 1], -r @ c]) @ shift
    return m / m[2, 2]


def projection(stage: dict, spec: dict, index: int) -> np.ndarray:
    """3x4 matrix mapping a scene point ``[x, y, z, 1]`` to image coordinates at a frame: x, y are card
    pixels, z is pixels from the card's plane, negative toward the camera (z = 0 gives
    :func:`homography`, up to scale)."""
    k, r, c, _ = _camera(stage, spec, index)
    shift = np.array([[1, 0, 0, -spec["width"] / 2], [0, 1, 0, -spec["height"] / 2], [0, 0, 1, 0], [0, 0, 0, 1]])
    return k @ np.column_stack([r, -r @ c]) @ shift


def _camera(stage: dict, spec: dict, index: int):
    """The intrinsics, rotation, centre (card-centred) and the card-to-centred shift at a frame."""
    w, h = spec["width"], spec["height"]
    p, cam = pose(stage, spec, index), stage["camera"]
    f = cam["focal"] * max(w, h)
    dist = f / cam["fill"] * p["distance"]
    yaw, pitch = math.radians(p["yaw"]), math.radians(p["pitch"])
    # The camera sits on a sphere around the card's centre and looks at it, its x axis level.
    # Written out in scalars: numpy's cross/norm on 3-vectors cost more than the whole warp of a small frame.
    cx, cy, cz = dist * math.sin(yaw) * math.cos(pitch), -dist * math.sin(pitch), -dist * math.cos(yaw) * math.cos(pitch)
    n = math.sqrt(cx * cx + cy * cy + cz * cz)
    z = (-cx / n, -cy / n, -cz / n)
    nx = math.hypot(z[2], z[0])
    x = (z[2] / nx, 0.0, -z[0] / nx)  # (0, 1, 0) x z, normalised
    y = (z[1] * x[2] - z[2] * x[1], z[2] * x[0] - z[0] * x[2], z[0] * x[1] - z[1] * x[0])
    r = _rot("z", p["roll"]) @ _rot("x", p["tilt"]) @ _rot("y", p["pan"]) @ np.array([x, y, z])
    k = np.array([[f, 0, w / 2], [0, f, h / 2], [0, 0, 1]])
    shift = np.array([[1, 0, -w / 2], [0, 1, -h / 2], [0, 0, 1]])
    return k, r, np.array([cx, cy, cz]), shift


def apply(m: np.ndarray, pts) -> np.ndarray:
    """Map ``(N, 2)`` points through a homography."""
    q = np.asarray(pts, np.float64) @ m[:, :2].T + m[:, 2]
    return q[:, :2] / q[:, 2:3]


def to_cv(m: np.ndarray) -> np.ndarray:
    """A continuous-coordinate homography in OpenCV's convention (pixel centres on integers)."""
    a, b = np.array([[1, 0, 0.5], [0, 1, 0.5], [0, 0, 1]]), np.array([[1, 0, -0.5], [0, 1, -0.5], [0, 0, 1]])
    return b @ m @ a
