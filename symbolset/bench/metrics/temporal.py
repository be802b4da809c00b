"""Mc, temporal coherence of the video itself, against the spec's timeline, never its pixels.

- **Flicker** (relative to the video's own motion): on 16-px-high grey thumbnails (blurred, so the
  measure does not depend on resolution), with ``D(a, b)`` the mean absolute difference of frames
  a and b, ``flicker = (sum_t D(t, t+2) + eps) / (sum_t D(t, t+1) + D(t+1, t+2) + eps)``. A video
  that changes steadily (text sliding, typing, a hand sweeping) moves on between t and t+2 about as
  much as in the two steps together (ratio near 1); one that jumps back and forth (flicker,
  shuffled frames, shake) comes back to where it was (ratio near 0.5 or lower). ``eps`` (0.5 grey
  level per step) keeps a still video at 1. Some prompts come back by design (a blinking cursor,
  lane dashes scrolling by), so ``flicker = min(1, ratio_video / ratio_spec)`` with ``ratio_spec``
  the same statistic of the spec's own render. ``vbench_flicker`` (VBench's ``(255 - MAE) / 255``)
  is reported too.
- **Motion agreement**: the video should change *when* and *as much as* the spec does. Each
  transition's change (mean over pixels of ``|f(t+1) - f(t)|``, differences of ``_MOTION_NOISE``
  grey levels or less ignored) is summed into a cumulative curve over normalised time (share of the
  clip's total change done by then), for the video and for the spec's own render -- so resolution,
  size, colours and frame count do not matter. The video's curve is aligned with the spec's by the
  best monotonic time map ``t = a u + b`` (speed ``a`` within 1/1.3 .. 1.3, offset ``b`` within
  +-0.2 of the clip): a model that plays the prompt 20% faster or slower is not punished, while a
  stutter (held frames, then a jump) is a local bend that no global time map explains. With ``r``
  the mean absolute gap between the aligned curves, ``motion = 1 - max(0, r - 0.005) / 0.08``
  (floored at 0), where, when the video's frame count differs from the spec's, a gap of up to half
  a frame of the coarser grid is free: a change seen between two frames happened somewhere between
  them, so a letter typed at another frame rate or timing lands a frame earlier or later without
  being wrong (0.8x-1.25x re-timings and other frame rates then stay below r = 0.01 on tiny's
  12-frame clips). On the same grid nothing is forgiven: one held frame is a stutter.
  It is multiplied by an *excess* factor: the video's total change per ink pixel (share of pixels
  unlike the frame's border colour) over the spec's, ``e``, must not exceed what the prompt's
  motion needs -- ``min(1, (2 / e)^3)``: frames played out of order or shaken travel back and
  forth, adding change the more of them there are, which the normalised curve alone cannot see (a
  shuffled clip's curve is nearly as straight as a clean one's); the factor keeps falling rather
  than stopping at 0, so more disorder still scores lower. It is multiplied by an *order* factor
  that grades how much of the clip's order is broken: the clip's temporal self-similarity matrix
  (:func:`self_distances`: the change between every pair of frames, over its largest) must agree
  with the spec's at the times the fitted map gives (between the spans of spec frames each video
  frame may show), ``order = 1 - mean over pairs of min(1, error / 0.25)``. Pairwise change does
  not depend on where, how large or in which colours the symbols are drawn, and frames played out
  of order carry their whole row of wrong distances with them, so the share of wrong pairs grows
  with the share of displaced frames (1 - (1 - f)^2) instead of saturating at the first one, while
  frames swapped within a held state change nothing (nothing visible is out of order). Where held
  states let many time maps fit equally, the one nearest no warp is used. A still video where the
  spec moves scores 0.
- **Track smoothness**: corners (Shi-Tomasi) of frame t tracked to t-1 and t+1 with pyramidal
  Lucas-Kanade; the acceleration ``a_t = mean |p(t+1) - 2 p(t) + p(t-1)|`` in units of 1/128 of the
  frame's height, a lost point counting as ``_LOST``. ``tracks = mean_t min(1, (A_spec + eps) /
  (a_t + eps))`` where ``A_spec`` is the largest of the same measure over the spec's own render's
  frames (how much its motion may accelerate, e.g. easing), ``eps = 0.5``: each broken frame costs its share, so
  the score grades with how many transitions are disordered or broken.
- **Activity** (Mc's gate, not a sub-score of its own): the share of the video's transitions that
  change at all relative to the share the spec's changes fill at the video's frame count
  (:func:`activity`): at a higher frame rate a typed letter still appears in one transition, so
  the expected share is at most the spec's changing transitions over the video's transitions; a
  still video scores 0 (a one-frame video too, where the spec moves), held frames lower it.
- **OCR stability** is computed with the OCR reads (:mod:`.ocr`).
"""

from __future__ import annotations

import cv2
import numpy as np

from . import align

_LOST = 16.0
_TRACK_EPS = 0.5
_MAX_CORNERS = 200
_MOTION_NOISE = 10
_FLICKER_EPS = 0.5
# Speed changes (spec seconds per video second) and offsets (share of the clip) a video may take.
_SPEEDS = np.linspace(1 / 1.3, 1.3, 31)
_OFFSETS = np.linspace(-0.2, 0.2, 21)
_MOTION_FREE, _MOTION_SPAN = 0.005, 0.08
# Total change per ink pixel, video / spec: clean renders and legitimate re-renders (other size,
# layout, fps, timing) stay under 1.8; shuffled frames and shake go past it, more the more of them.
_EXCESS_FREE = 2.0
_THUMB = 16
_EXCESS_POWER = 3
_SSM_HEIGHT = 128
_ORDER_TOL = 0.25


def mean_abs_diff(frames: np.ndarray) -> float:
    """Mean absolute difference (0..255) between consecutive frames; 0 for a single frame."""
    if len(frames) < 2:
        return 0.0
    f = frames.astype(np.int16)
    return float(np.mean([np.abs(f[i + 1] - f[i]).mean() for i in range(len(f) - 1)]))


def vbench_flicker(frames: np.ndarray) -> float:
    """VBench's temporal-flickering score ``(255 - MAE) / 255`` (1 = no change at all)."""
    return (255.0 - mean_abs_diff(frames)) / 255.0


def _thumbs(frames) -> np.ndarray:
    h, w = frames[0].shape[:2]
    size = (max(1, round(_THUMB * w / h)), _THUMB)
    gray = [cv2.cvtColor(f, cv2.COLOR_RGB2GRAY) for f in frames]
    return np.stack([cv2.resize(g, size, interpolation=cv2.INTER_AREA) for g in gray]).astype(np.float32)


def steadiness(frames) -> float | None:
    """``(sum D(t, t+2) + eps) / (sum D(t, t+1) + D(t+1, t+2) + eps)`` on thumbnails (see the module
    docstring); None under three frames."""
    if len(frames) < 3:
        return None
    th = _thumbs(frames)
    d1 = np.abs(np.diff(th, axis=0)).mean(axis=(1, 2))
    d2 = np.abs(th[2:] - th[:-2]).mean(axis=(1, 2))
    eps = _FLICKER_EPS * len(d2)
    return float(min(1.0, (d2.sum() + eps) / ((d1[:-1] + d1[1:]).sum() + eps)))


def flicker_score(video, spec_frames) -> float | None:
    """The video's steadiness relative to the steadiness the spec's own change has (a blinking
    cursor or scrolling lane dashes come back by design); None under three frames."""
    q_v, q_s = steadiness(video), steadiness(spec_frames)
    if q_v is None:
        return None
    return float(min(1.0, q_v / max(q_s or 1.0, 0.05)))


def _channel_max(img: np.ndarray) -> np.ndarray:
    """The largest channel of each pixel (numpy's ``max(axis=-1)`` over three channels is slow)."""
    return np.maximum(np.maximum(img[..., 0], img[..., 1]), img[..., 2])


def _change(a: np.ndarray, b: np.ndarray) -> float:
    """Mean over pixels of the largest channel's absolute difference, differences of
    ``_MOTION_NOISE`` grey levels or less counted as 0."""
    diff = cv2.threshold(_channel_max(cv2.absdiff(a, b)), _MOTION_NOISE, 0, cv2.THRESH_TOZERO)[1]
    return int(diff.sum(dtype=np.int64)) / diff.size


def motion_profile(frames) -> np.ndarray:
    """Per-transition change (mean over pixels, 0..255) with differences of ``_MOTION_NOISE``
    grey levels or less ignored; length ``T - 1``."""
    return np.array([_change(frames[t + 1], frames[t]) for t in range(len(frames) - 1)], dtype=float)


def _cumulative(d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(normalised frame times, share of the clip's total change done by each frame) of a clip
    whose :func:`motion_profile` is ``d``."""
    return align.norm_times(len(d) + 1), np.concatenate([[0.0], np.cumsum(d) / d.sum()])


def _time_fit(c_v, t_v, t_s, c_s, slack: float) -> tuple[float, float, float]:
    """(mean gap, speed a, offset b) of the best time map ``t = a u + b`` between the video's
    cumulative-change curve and the spec's (see the module docstring)."""
    u = np.linspace(0.0, 1.0, 65)
    c_v = np.interp(u, t_v, c_v)
    mapped = _SPEEDS[:, None, None] * u + _OFFSETS[None, :, None]  # every (speed, offset) at once
    low = np.interp(mapped - slack, t_s, c_s, left=0.0, right=1.0)
    high = np.interp(mapped + slack, t_s, c_s, left=0.0, right=1.0)
    gaps = np.maximum(0.0, np.maximum(low - c_v, c_v - high)).mean(axis=-1)
    fits = [(float(gaps[i, j]), float(a), float(b)) for i, a in enumerate(_SPEEDS) for j, b in enumerate(_OFFSETS)]
    # Held states make many maps fit equally well; of those, the one nearest no warp at all.
    least = min(f[0] for f in fits)
    return min((f for f in fits if f[0] <= least + 1e-6), key=lambda f: abs(f[1] - 1.0) + abs(f[2]))


def self_distances(frames) -> np.ndarray:
    """The clip's temporal self-similarity matrix: for every pair of frames, the mean over pixels
    of their change beyond ``_MOTION_NOISE`` grey levels (as :func:`motion_profile`), on frames
    brought to at most ``_SSM_HEIGHT`` rows, divided by its largest value (all zeros for a still
    clip), which, unlike the mean, does not depend on how long each state is held. It does not
    depend on where, how large or in which colours the symbols are drawn, and reordering frames
    permutes it without changing its values."""
    h = frames[0].shape[0]
    if h > _SSM_HEIGHT:
        size = (max(1, round(frames[0].shape[1] * _SSM_HEIGHT / h)), _SSM_HEIGHT)
        frames = [cv2.resize(f, size, interpolation=cv2.INTER_AREA) for f in frames]
    n = len(frames)
    d = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            d[i, j] = d[j, i] = _change(frames[i], frames[j])
    return d / d.max() if d.max() > 0 else d


def order_score(video, spec_frames, speed: float = 1.0, offset: float = 0.0, slack: float = 0.0) -> float | None:
    """Share of the video's frame pairs whose distance agrees with the spec's timeline (see the
    module docstring): each video frame is mapped to spec time by ``t = speed u + offset`` (give
    or take ``slack``), and the pair's normalised distance must fall within the range the spec's
    self-similarity matrix has over the mapped spans, a pair off by ``_ORDER_TOL`` or more counting
    fully. None under three frames or for a spec that does not change."""
    if len(video) < 3 or len(spec_frames) < 2:
        return None
    d_v, d_s = self_distances(video), self_distances(spec_frames)
    if not d_s.any():
        return None
    n_s = len(spec_frames)
    t = np.clip(speed * align.norm_times(len(video)) + offset, 0.0, 1.0) * (n_s - 1)
    lo = np.clip(np.floor(t - slack * (n_s - 1) + 1e-9), 0, n_s - 1).astype(int)
    hi = np.clip(np.ceil(t + slack * (n_s - 1) - 1e-9), 0, n_s - 1).astype(int)
    errors = []
    for i in range(len(video)):
        for j in range(i + 1, len(video)):
            span = d_s[lo[i] : hi[i] + 1, lo[j] : hi[j] + 1]
            errors.append(max(0.0, span.min() - d_v[i, j], d_v[i, j] - span.max()))
    return float(1.0 - np.mean(np.minimum(1.0, np.asarray(errors) / _ORDER_TOL)))


def motion_parts(video, spec_frames, d_v=None, d_s=None) -> dict:
    """The factors of :func:`motion_score` for a video and a spec that both change (``d_v``,
    ``d_s``: their :func:`motion_profile` when at hand): ``curve`` (timing agreement), ``excess``
    (total change per ink pixel, video over spec) and ``order`` (self-similarity agreement)."""
    d_v = motion_profile(video) if d_v is None else d_v
    d_s = motion_profile(spec_frames) if d_s is None else d_s
    (t_v, c_v), (t_s, c_s) = _cumulative(d_v), _cumulative(d_s)
    # A change seen between two frames happened somewhere between them: on two different frame grids
    # the curves may disagree by half a frame of the coarser one (a typed letter lands in another
    # frame at another fps). On the same grid they need not, and a held frame must not be forgiven.
    slack = 0.0 if len(video) == len(spec_frames) else 0.5 / max(1, min(len(video), len(spec_frames)) - 1)
    gap, a, b = _time_fit(c_v, t_v, t_s, c_s, slack)
    order = order_score(video, spec_frames, a, b, slack)
    return {"curve": max(0.0, 1.0 - max(0.0, gap - _MOTION_FREE) / _MOTION_SPAN),
            "excess": (d_v.sum() / _ink(video)) / (d_s.sum() / _ink(spec_frames)),
            "order": 1.0 if order is None else order}  # fmt: skip


def motion_score(video, spec_frames) -> float | None:
    """Motion agreement of ``video`` with the spec's render ``spec_frames`` (see the module
    docstring); None for a spec that does not move (or has one frame), 0 for a one-frame video of
    one that does (a still picture cannot show the prompt's motion)."""
    if len(spec_frames) < 2:
        return None
    if len(video) < 2:
        return 0.0 if motion_profile(spec_frames).any() else None
    d_v, d_s = motion_profile(video), motion_profile(spec_frames)
    if d_s.sum() <= 0:
        return None if d_v.sum() <= 0.01 * len(d_v) else 0.0
    if d_v.sum() <= 0:
        return 0.0
    p = motion_parts(video, spec_frames, d_v, d_s)
    return float(p["curve"] * min(1.0, (_EXCESS_FREE / p["excess"]) ** _EXCESS_POWER) * p["order"])


def _ink(frames) -> float:
    """Mean share of a frame's pixels that are ink (unlike its border colour), over every third frame."""
    from .locate import INK_TOL, background

    shares = [(_channel_max(np.abs(f.astype(np.int16) - background(f))) > INK_TOL).mean() for f in frames[::3]]
    return max(float(np.mean(shares)), 1e-3)


def track_accelerations(frames) -> list[float]:
    """Per middle frame, the mean Lucas-Kanade track acceleration in 1/128 of the frame height per
    frame^2 (frames without corners left out); empty under 3 frames."""
    if len(frames) < 3:
        return []
    gray = [cv2.cvtColor(f, cv2.COLOR_RGB2GRAY) for f in frames]
    unit = gray[0].shape[0] / 128.0
    lk = {"winSize": (15, 15), "maxLevel": 2, "criteria": (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 20, 0.03)}
    min_dist = max(3, min(gray[0].shape) // 40)
    values = []
    for t in range(1, len(gray) - 1):
        pts = cv2.goodFeaturesToTrack(gray[t], maxCorners=_MAX_CORNERS, qualityLevel=0.05, minDistance=min_dist, blockSize=5)
        if pts is None:
            continue
        nxt, st_n, _ = cv2.calcOpticalFlowPyrLK(gray[t], gray[t + 1], pts, None, **lk)
        prv, st_p, _ = cv2.calcOpticalFlowPyrLK(gray[t], gray[t - 1], pts, None, **lk)
        ok = (st_n.ravel() == 1) & (st_p.ravel() == 1)
        acc = np.full(len(pts), _LOST)
        acc[ok] = np.minimum(np.linalg.norm((nxt - 2 * pts + prv).reshape(-1, 2)[ok], axis=1) / unit, _LOST)
        values.append(float(acc.mean()))
    return values


def track_acceleration(frames) -> float | None:
    """Mean of :func:`track_accelerations`; None when fewer than 3 frames or no corners."""
    values = track_accelerations(frames)
    return float(np.mean(values)) if values else None


def track_score(video, spec_frames) -> tuple[float | None, float | None]:
    """(score, video acceleration): per middle frame, smoothness relative to the spec's own
    render's largest acceleration, averaged -- so the score falls with the share of broken frames
    rather than dropping at the first one."""
    per_frame = track_accelerations(video)
    if not per_frame:
        return None, None
    a_s = max(track_accelerations(spec_frames), default=0.0)
    score = np.mean([min(1.0, (a_s + _TRACK_EPS) / (a + _TRACK_EPS)) for a in per_frame])
    return float(score), float(np.mean(per_frame))


def activity(video, spec_frames) -> float | None:
    """Share of the video's transitions that change anything (beyond ``_MOTION_NOISE``), relative
    to the share the spec's render's changes fill at the video's frame count, capped at 1: 0 for
    a still video (a one-frame video included), lower for one that holds frames (a stutter); None
    when the spec does not move."""
    if len(spec_frames) < 2:
        return None
    if len(video) < 2:
        return 0.0 if motion_profile(spec_frames).any() else None
    d_v, d_s = motion_profile(video), motion_profile(spec_frames)
    moving_s = float(np.mean(d_s > 0))
    if moving_s <= 0:
        return None
    # Each changing spec transition is at least one change; a video with more frames (a higher
    # frame rate) needs no more changing transitions than that: a typed letter still appears once.
    expected = min(moving_s, float(np.sum(d_s > 0)) / len(d_v))
    return float(min(1.0, np.mean(d_v > 0) / expected))
