"""The stage's light and lens: the lit environment and the card's light, glare, blur, noise, JPEG.

Part of the real style (stage.py). Nothing here moves a box: the card's light and glare multiply
and add pixel by pixel on the card before the warp (computed once per clip, :class:`Card`), and the
lens acts after it, with centred blurs and per-pixel noise and JPEG.
"""

from __future__ import annotations

import functools
import math
from typing import NamedTuple

import cv2
import numpy as np

from . import materials
from .stage_camera import apply

WALL = 2  # the environment plane spans WALL x the card in each direction (mirrored beyond)
MAX_STREAK = 3.0  # px: the longest motion-blur streak
MUL_ONE = 192  # the card's light gain in fixed point: 192 means 1 (the gain stays under 1.07 x 1.2 < 255 / 192)


def _light(light: dict, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """The light map (float32, clipped to [0.7, 1.2]) at card coordinates ``u`` (a row) and ``v`` (a column)."""
    (gx, gy), (cx, cy), fall = light["gradient"], light["center"], light["falloff"]
    # the gradient and the falloff are sums of a term in u and a term in v: one pass over the map
    row = (1 + gx * (u - 0.5) - fall * (u - cx) ** 2).astype(np.float32)
    col = (gy * (v - 0.5) - fall * (v - cy) ** 2).astype(np.float32)
    return np.clip(row + col, np.float32(0.7), np.float32(1.2))


def wall(stage: dict, spec: dict) -> tuple[np.ndarray, Card, np.ndarray]:
    """The lit environment plane (uint8, WALL x the card) with the card's shadow, the card's light
    (its surface grain times the light map, and the glare: :class:`Card`) and the card's corner on the plane."""
    w, h = spec["width"], spec["height"]
    big_w, big_h = WALL * w, WALL * h
    ox, oy = (WALL - 1) * w // 2, (WALL - 1) * h // 2
    light = stage["light"]
    # The environment, its light and the card's soft shadow are drawn at half resolution and scaled
    # up once: they are smooth or never seen closer than 1:1, and it costs 4x less.
    half_w, half_h = (big_w + 1) // 2, (big_h + 1) // 2
    u = ((2 * np.arange(half_w, dtype=np.float32) + 0.5 - ox) / w)[None, :]  # card units: the card spans [0, 1]
    v = ((2 * np.arange(half_h, dtype=np.float32) + 0.5 - oy) / h)[:, None]
    shadow = np.zeros((half_h, half_w), np.float32)
    off = max(2, round(0.03 * min(w, h)))
    shadow[(oy + off) // 2 : (oy + h + off) // 2, (ox + off) // 2 : (ox + w + off) // 2] = 1
    shadow = cv2.GaussianBlur(shadow, (0, 0), max(0.5, 0.01 * min(w, h)) / 2)
    lit = _light(light, u, v) * (1 - light["shadow"] * shadow)
    env = cv2.resize(materials.texture(stage["environment"], half_h, half_w, lit), (big_w, big_h), interpolation=cv2.INTER_LINEAR)
    u, v = (np.arange(w, dtype=np.float32) + 0.5) / w, (np.arange(h, dtype=np.float32) + 0.5) / h
    surface = materials.grain(stage["surface"], h, w, 0.07) * _light(light, u[None, :], v[:, None])
    return env, Card.of(surface, _glare(light, u, v, w, h)), np.array([ox, oy])


class Card(NamedTuple):
    """What the stage's light does to the card, the same on every frame: the printed frame ``f`` is
    lit, ``f * mul / MUL_ONE`` (``mul`` uint8, card size, three channels: fixed point, whose 1/192
    steps move no value by more than 0.67 of a level, at half the cost of a float product), then
    screen-blended with the glare ``g`` (float32, or None): ``lit + (255 - lit) g``, rounded, which
    only brightens and never saturates."""

    mul: np.ndarray
    glare: np.ndarray | None

    @classmethod
    def of(cls, gain: np.ndarray, glare: np.ndarray | None) -> Card:
        """The card for a gain map (float32, h x w, at most 255 / MUL_ONE) and a glare strength map (0..1 or None)."""
        mul = np.clip(np.rint(gain * MUL_ONE), 0, 255).astype(np.uint8)
        return cls(cv2.merge([mul] * 3), None if glare is None else cv2.merge([glare] * 3))

    def light(self, frame: np.ndarray, dst: np.ndarray) -> None:
        """Write the lit card of ``frame`` (uint8) into ``dst``."""
        cv2.multiply(frame, self.mul, dst=dst, scale=1 / MUL_ONE)
        if self.glare is not None:
            cv2.add(dst, cv2.multiply(cv2.bitwise_not(dst), self.glare, dtype=cv2.CV_8U), dst=dst)


def _glare(light: dict, u: np.ndarray, v: np.ndarray, w: int, h: int) -> np.ndarray | None:
    """The specular highlight's strength over the card (float32, h x w; None without glare): a
    Gaussian spot fixed on the card at the light's centre, so it slides with the camera."""
    g = light["glare"]
    if g <= 0:
        return None
    sigma = 0.18 * min(w, h)
    gx = np.exp(-(((u - light["center"][0]) * w) ** 2) / (2 * sigma**2))
    gy = np.exp(-(((v - light["center"][1]) * h) ** 2) / (2 * sigma**2))
    return np.float32(g) * gy[:, None] * gx[None, :]


@functools.lru_cache(maxsize=64)
def _rounded_normal(sigma: float, bits: int) -> tuple[np.ndarray, np.ndarray]:
    """Tables that turn a uniform ``bits``-bit draw into ``rint(sigma * z)``, z standard normal, as its
    positive and its negative part (uint8, 2**bits entries each): value k gets the share
    Phi((k + 1/2) / sigma) - Phi((k - 1/2) / sigma) of the draws, rounded to 1 / 2**bits."""
    reach = int(math.ceil(6 * sigma)) + 1
    ks = np.arange(-reach, reach + 1)
    cdf = [0.5 * (1 + math.erf((k + 0.5) / sigma / math.sqrt(2))) for k in ks[:-1]]
    edges = np.rint(np.array([0.0, *cdf, 1.0]) * (1 << bits)).astype(np.int64)
    counts = np.diff(edges)
    return np.repeat(np.clip(ks, 0, 255).astype(np.uint8), counts), np.repeat(np.clip(-ks, 0, 255).astype(np.uint8), counts)


def _noise(rng: np.random.Generator, sigma: float, h: int, w: int, bits: int = 16) -> tuple[np.ndarray, np.ndarray]:
    """Integer luminance noise ``rint(sigma * z)`` per pixel (H x W) as its positive and negative
    parts, uint8 on three channels: a table lookup of uniform draws (2x cheaper than drawing normals).
    16-bit draws keep the tails to 1/65536; 8-bit ones (OpenCV's LUT, cheaper again) suit a faint
    noise (sigma <= 0.8, whose values past +-2 are rarer than 1/256 anyway)."""
    pos_of, neg_of = _rounded_normal(float(sigma), bits)
    if bits == 8:
        u = cv2.merge([rng.integers(0, 256, (h, w), dtype=np.uint8)] * 3)
        return cv2.LUT(u, pos_of), cv2.LUT(u, neg_of)
    u = rng.integers(0, 1 << 16, (h, w), dtype=np.uint16)
    pos, neg = np.take(pos_of, u), np.take(neg_of, u)
    return cv2.merge([pos, pos, pos]), cv2.merge([neg, neg, neg])


def _add_noise(img: np.ndarray, parts: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """``clip(img + noise, 0, 255)``: a pixel gets only one non-zero part, so two saturating adds are exact."""
    return cv2.subtract(cv2.add(img, parts[0]), parts[1])


def pattern_noise(st: dict, spec: dict) -> tuple[np.ndarray, np.ndarray] | None:
    """The sensor's fixed-pattern noise (see :func:`_noise`): the same on every frame, drawn from the lens seed."""
    sigma = st["lens"].get("pattern", 0.0)
    if sigma <= 0:
        return None
    return _noise(np.random.default_rng([st["lens"]["seed"], 1 << 31]), sigma, spec["height"], spec["width"])


def streak(st: dict, spec: dict, m_a: np.ndarray, m_b: np.ndarray) -> np.ndarray | None:
    """The motion-blur streak (px, x and y) of a frame whose exposure spans the card centre's image
    motion from homography ``m_a`` to ``m_b``; None when the lens leaves the frame sharp."""
    if st["lens"].get("motion_blur", 0) <= 0 or spec["num_frames"] <= 1:
        return None
    centre = [[spec["width"] / 2, spec["height"] / 2]]
    v = (apply(m_b, centre) - apply(m_a, centre))[0] * st["lens"]["motion_blur"]
    length = float(np.hypot(*v))
    if length > MAX_STREAK:  # a shutter short enough to keep glyphs of 24 px legible
        v, length = v * (MAX_STREAK / length), MAX_STREAK
    return v if length >= 0.5 else None  # a streak under half a pixel changes nothing visible


def lens(img: np.ndarray, st: dict, spec: dict, index: int, v: np.ndarray | None, pattern: tuple | None) -> np.ndarray:
    """Defocus (Gaussian), motion blur along the streak ``v`` (:func:`streak`), sensor noise
    (luminance, the same on the three channels: a fixed pattern plus a per-frame part) and JPEG-like
    compression of frame ``index``."""
    lens = st["lens"]
    if lens.get("defocus", 0) > 0:
        img = cv2.GaussianBlur(img, (0, 0), lens["defocus"])
    if v is not None:
        img = cv2.filter2D(img, -1, _streak(v), borderType=cv2.BORDER_REFLECT_101)
    if pattern is not None:
        img = _add_noise(img, pattern)
    if lens["noise"] > 0:
        img = _add_noise(
            img, _noise(np.random.default_rng([lens["seed"], index]), lens["noise"], *img.shape[:2], bits=8 if lens["noise"] <= 0.8 else 16)
        )
    if lens["jpeg"] is not None:
        ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, int(lens["jpeg"])])
        img = cv2.imdecode(buf, cv2.IMREAD_UNCHANGED)
    return img


def _streak(v: np.ndarray) -> np.ndarray:
    """A normalised line kernel along the motion ``v`` (px), centred (the box stays where the mid-exposure image is)."""
    n = int(np.ceil(np.abs(v).max())) * 2 + 1
    k = np.zeros((n, n), np.float32)
    c, t = n // 2, np.linspace(-0.5, 0.5, 4 * n)
    np.add.at(k, (np.rint(c + t * v[1]).astype(int), np.rint(c + t * v[0]).astype(int)), 1)
    return k / k.sum()
