"""Mt (b), symbolic checks read from primitives located in the video, per family.

Nothing is compared at fixed coordinates. Two kinds of reader:

- **Located figure** (clock, geometry, plot, chart, 7-segment): the figure is found in the video
  and carried onto the spec's canvas by the map between its box and the same box in the spec's own
  render (see :mod:`symbolset.bench.metrics.locate`); for clock, geometry, plot and chart the map is
  then refined by fitting the spec's own primitives to the last frame's edges
  (:func:`.locate.register`: uniform scale and shift), so the parts drawn right line up and a part
  drawn wrong stays where the model put it. The spec's readers then run on it. So a clock drawn
  smaller in a corner reads the same time; one with the hands at other angles does not.

  - ``circles`` (any ``circle`` shape of r >= 4 px drawn over >= 90 degrees, e.g. geometry's
    constructions, clock faces): edge pixels within a band around the drawn part of the expected
    arc give the centre (least-squares fit, for arcs of 180 degrees or more) and the radius (their
    median distance from it); error = (|centre shift| + |radius error| - (1 + stroke width / 2)) / r,
    floored at 0 (edges sit half a stroke off the circle); score =
    max(0, 1 - error / 0.2) * share of the arc's 10-degree bins with edge pixels. The circle is
    placed relative to the rest of the figure, so roundness, tangency and incidence (a vertex on a
    circumcircle) are what it checks. What other strokes are drawn across (:func:`.figure.crossing`:
    a clock's hub under the round ends of its hands) has no outline of its own: those edges and
    bins are left out, and a circle wholly under other strokes is not judged.
  - ``segments`` (geometry): the *worst* straight edge of the construction's polylines, by how
    fully edge pixels line it (:func:`segments_score`): a moved vertex breaks a figure.
  - ``hands`` (clock): the family's reader finds each hand's angle from its stated colour about the
    located dial's centre; per hand ``max(0, 1 - |angle error| / 15 deg)``, a hand not found 0.
  - ``time`` (clock, from the same readings): the time the hands show, read as a person reads a
    clock (:func:`read_time`), against the spec's time track after DTW alignment; share of frames
    within one minute (one second with a second hand) -- a clock showing the wrong time scores 0.
    The time is what a clock prompt asks for: a frame's ``circles`` and ``hands`` count only as far
    as its time is right, so a well-drawn dial showing another time is a wrong clock.
  - ``marks`` (plot, chart): the *worst* mark -- axes, the curve, each bar, the line, each marker
    -- by how fully edge pixels line its outline where the spec's values put it
    (:func:`marks_score`; a mark at rest by its worst 16 px stretch, as a value is read): a bar of
    the wrong height or another function's curve leaves it bare. The values are those of the
    finished figure: the video's last frame is read against the spec's last, and every frame's
    reading counts only as far as that one's (a chart with one wrong value is a wrong chart, though
    its early frames, empty axes, were right).
  - ``seven_segment``: the panel is located by its stated colour, the family's decoder reads the
    digits; score = fraction of characters equal to the spec's value at that time.

  For geometry, plot and chart every reading is capped by :func:`precision_score` (the share of
  the figure's edge pixels lying where the spec puts ink, text boxes included): a stroke the spec
  lacks -- a vertex moved away, another prompt's figure, a part drawn early -- costs too.
  ``geo_segments``, ``geo_time`` and ``geo_marks`` are exactness terms of Match (``match.EXACT``).

- **Free-standing** (lanes): the vanishing point most line segments meet and the lane lines fanned
  out below it, wherever they are (:mod:`.lanes`).

Text, formulas and signs are judged by OCR (:mod:`.ocr`); their ``geo`` is None (plot and chart
labels are OCR's too).
"""

from __future__ import annotations

import math

import numpy as np

from ...families import clock, seven_segment
from ...families.common import angle_diff
from . import align, lanes, locate
from .figure import crossing, explained, mark_points, marks_score, precision_score, segments_score, shapes_of

_edges = locate.edges


def fit_circle(xs: np.ndarray, ys: np.ndarray) -> tuple[float, float, float]:
    """Least-squares (Kasa) circle through points: (cx, cy, r)."""
    a = np.column_stack([xs, ys, np.ones_like(xs)])
    (d, e, f), *_ = np.linalg.lstsq(a, -(xs**2 + ys**2), rcond=None)
    cx, cy = -d / 2, -e / 2
    return float(cx), float(cy), float(math.sqrt(max(cx * cx + cy * cy - f, 0.0)))


def circle_score(frame: np.ndarray, params: dict, crossed: np.ndarray | None = None) -> float | None:
    """Fit of the edges near one expected circle or arc (see the module docstring). ``crossed``:
    where other strokes are drawn across it (:func:`.figure.crossing`); the edges there and the
    10-degree bins of the arc mostly under them are left out (None when the whole arc is)."""
    (cx, cy), r = params["center"], float(params["radius"])
    start, sweep = float(params.get("start", 0.0)), float(params.get("sweep", 360.0))
    if r < 4 or abs(sweep) < 90:
        return None
    edges = _edges(frame) if crossed is None else _edges(frame) & ~crossed
    nbins = max(1, math.ceil(abs(sweep) / 10))
    expected = np.ones(nbins, bool)
    if crossed is not None:  # a bin is judged when most of its stretch of the arc is not under another stroke
        a = np.radians(min(start, start + sweep) + np.arange(0.5, 10 * nbins, 1.0))
        h, w = crossed.shape
        px = np.clip((cx + r * np.cos(a)).astype(int), 0, w - 1)
        py = np.clip((cy + r * np.sin(a)).astype(int), 0, h - 1)
        hidden = crossed[py, px].reshape(nbins, 10).mean(axis=1) > 0.5
        expected = ~hidden
        if not expected.any():
            return None
    band = max(3.0, 0.15 * r) + float(params.get("width", 2)) / 2
    ys, xs = np.nonzero(edges)
    xs, ys = xs + 0.5, ys + 0.5
    angles = np.degrees(np.arctan2(ys - cy, xs - cx)) % 360  # clockwise on screen, as cv2 draws arcs
    along = ((angles - min(start, start + sweep)) % 360) <= abs(sweep) + 5  # on the drawn part of the arc
    near = along & (np.abs(np.hypot(xs - cx, ys - cy) - r) <= band)
    if near.sum() < 8:
        return 0.0
    if abs(sweep) >= 180:  # enough arc to fit the centre too
        fx, fy, _ = fit_circle(xs[near], ys[near])
    else:
        fx, fy = cx, cy
    radius = float(np.median(np.hypot(xs[near] - fx, ys[near] - fy)))  # robust to a stroke crossing the band
    # A stroke's two edges sit half its width either side of the circle: that much (and a pixel) is no error.
    slack = 1.0 + float(params.get("width", 2)) / 2
    error = max(0.0, math.hypot(fx - cx, fy - cy) + abs(radius - r) - slack) / r
    bins = np.unique(((angles[near] - min(start, start + sweep)) % 360 // 10).astype(int))
    bins = bins[bins < nbins]
    covered = float(expected[bins].sum()) / float(expected.sum())
    return float(max(0.0, 1.0 - error / 0.2) * min(1.0, covered))


_HAND_TOL_DEG = 15.0
_TIME_TOL_DEG = 6.0  # of the finest hand: one minute, or one second
_UNIT = {"hour": 3600.0, "minute": 60.0, "second": 1.0}  # seconds per unit a hand counts
_TURN = {"hour": 12, "minute": 60, "second": 60}  # units per turn
_DIAL = 12 * 3600.0


edge_distance = locate.edge_distance


def hands_score(frame: np.ndarray, spec: dict, time: float) -> float | None:
    """Mean over the clock's hands of ``max(0, 1 - |angle error| / 15 deg)`` (0 for a hand not found)."""
    return _hands_vs(clock.read_hands(spec, frame), spec, time)


def _hands_vs(got: dict, spec: dict, time: float) -> float:
    want = clock.expected_hands(spec, time)
    errors = [None if got[n] is None else abs(angle_diff(got[n], want[n])) for n in clock.hand_names(spec)]
    return float(np.mean([0.0 if e is None else max(0.0, 1.0 - e / _HAND_TOL_DEG) for e in errors]))


def read_time(angles: dict, names: list[str]) -> float | None:
    """The time (seconds after 12:00, 0 .. 43200) that hand ``angles`` (degrees clockwise from 12)
    show, read as a person reads a clock: the finest hand gives the time within its turn, each
    coarser hand only its whole unit, rounded against what the finer hands add (so an hour hand a
    little off still reads its hour, one turned by hours does not). None if a hand is missing."""
    if any(angles.get(n) is None for n in names):
        return None
    finest = names[-1]
    t = angles[finest] / 360.0 * _TURN[finest] * _UNIT[finest]
    for n in reversed(names[:-1]):
        t += (round(angles[n] / 360.0 * _TURN[n] - t / _UNIT[n]) % _TURN[n]) * _UNIT[n]
    return t % _DIAL


def time_credits(spec: dict, readings: list[dict]) -> np.ndarray:
    """Per video frame, the credit for its read time: whether it (:func:`read_time` of each frame's hand angles,
    ``readings``, evenly spread over the video) is within the finest hand's ``_TIME_TOL_DEG`` (one
    minute, or one second on a clock with a second hand) of the spec's time (a frame's credit falls
    linearly from 1 at that tolerance to 0 at three times it), the video's timeline
    aligned to the spec's by DTW over a fine grid of the spec's continuous time track (so a clock
    run 20% faster or slower is not wrong). A frame whose hands are not all seen counts wrong."""
    names = clock.hand_names(spec)
    tol = _TIME_TOL_DEG / 360.0 * _TURN[names[-1]] * _UNIT[names[-1]]
    m = spec["meta"]
    end = (spec["num_frames"] - 1) / spec["fps"]
    grid = np.linspace(0.0, end, 8 * max(1, spec["num_frames"] - 1) + 1)
    want = (m["start_seconds"] + m["rate"] * grid) % _DIAL
    got = np.array([np.nan if t is None else t for t in (read_time(r, names) for r in readings)])
    err = np.abs((got[None, :] - want[:, None] + _DIAL / 2) % _DIAL - _DIAL / 2)
    err = np.where(np.isnan(err), _DIAL, err)
    rows = align.best_per_column(-err, align.dtw_path(np.minimum(1.0, err / (10 * tol))))
    return np.array([np.clip((3 * tol - err[i, j]) / (2 * tol), 0.0, 1.0) for j, i in enumerate(rows)])


def _circles(frame, shapes):
    scores = [
        circle_score(frame, s["params"], crossing(shapes, frame.shape[:2], s.get("element"))) for s in shapes if s["type"] == "circle"
    ]
    scores = [s for s in scores if s is not None]
    return float(np.mean(scores)) if scores else None


_shapes = shapes_of


def _still(annotations: list[dict], i: int) -> set:
    """The elements whose shapes in spec frame ``i`` are the same in the frames either side of it
    (those that exist): marks at rest, whose values a reader reads."""

    def params(a):
        return {s["element"]: (s["type"], s["params"]) for s in _shapes(a)}

    here = params(annotations[i])
    around = [params(annotations[k]) for k in (i - 1, i + 1) if 0 <= k < len(annotations)]
    return {e for e, v in here.items() if all(other.get(e) == v for other in around)}


def _prepare(name: str, annotations: list[dict], shape: tuple[int, int], zoom: float = 1.0) -> list | None:
    """What reader ``name`` needs of each spec frame that no video frame changes (done once a clip);
    ``zoom``: canvas px per video px, which widens the tolerance around the spec's ink as
    :func:`.figure.marks_score` widens its own (a smaller video's strokes and grid are coarser on the canvas)."""
    if name == "marks":
        return [mark_points(_shapes(a), shape, _still(annotations, i)) for i, a in enumerate(annotations)]
    if name == "precision":
        tol = 2.0 * max(1.0, zoom)
        return [explained(a, shape, tol, annotations[i + 1] if i + 1 < len(annotations) else None) for i, a in enumerate(annotations)]
    return None


def _reader(name: str, spec: dict, frame: np.ndarray, annotations: list[dict], hands: dict | None = None, prepared: list | None = None,
            zoom: float = 1.0):  # fmt: skip
    """A function ``i -> score | None`` of one video frame (on the spec's canvas) against spec
    frame ``i``; what does not depend on ``i`` (a reading of the frame) is done once, here.
    ``hands``: the clock's hand angles read from ``frame``, when already at hand; ``prepared``:
    :func:`_prepare`'s per-spec-frame results; ``zoom``: canvas px per video px (:func:`.figure.marks_score`)."""
    if name == "circles":
        return lambda i: _circles(frame, _shapes(annotations[i]))
    if name == "segments":
        dist = edge_distance(frame)
        return lambda i: segments_score(frame, _shapes(annotations[i]), dist)
    if name == "marks":
        dist = edge_distance(frame)
        return lambda i: marks_score(frame, _shapes(annotations[i]), dist, prepared[i] if prepared else None, zoom)
    if name == "precision":
        edges = _edges(frame)
        following = annotations[1:] + [None]
        return lambda i: precision_score(edges, annotations[i], following[i], prepared[i] if prepared else None)
    if name == "lanes":
        got = lanes.read_lanes(frame, lanes.lane_colors(spec))
        return lambda i: lanes.lanes_score(got, spec, annotations[i])
    if name == "hands":
        got = clock.read_hands(spec, frame) if hands is None else hands
        return lambda i: _hands_vs(got, spec, annotations[i]["time"])
    if name == "seven_segment":
        display = next((el for el in spec["elements"] if el.get("type") == "seven_segment"), None)
        shape = next((s for a in annotations for s in a["shapes"] if s["type"] == "seven_segment"), None)
        if display is None or shape is None:
            return lambda i: None
        panel = next((el for el in spec["elements"] if el.get("type") == "polygon"), None)
        off = display.get("off_color") or (panel["fill"] if panel else spec["background"])
        got = seven_segment.read_display(frame, shape["params"]["digits"], display["color"], off)

        def score(i):
            want = next((s["params"]["text"] for s in annotations[i]["shapes"] if s["type"] == "seven_segment"), "")
            return float(np.mean([a == b for a, b in zip(got, want)])) if want else None

        return score
    raise KeyError(name)


READERS = ("circles", "segments", "marks", "lanes", "hands", "seven_segment")
# family -> readers that apply; families not listed have no symbolic reader (OCR judges them)
FAMILY_DETECTORS = {
    "seven_segment": ("seven_segment",),
    "clock": ("circles", "hands"),
    "lanes": ("lanes",),
    "geometry": ("circles", "segments"),
    "plot": ("marks",),
    "chart": ("marks",),
}
# families whose readers need the figure carried onto the spec's canvas
_LOCATED = {"seven_segment", "clock", "geometry", "plot", "chart"}
_REGISTERED = {"clock", "geometry", "plot", "chart"}  # ... and then registered on their primitives (locate.register)
_PRECISE = {"geometry", "plot", "chart"}  # constructions: every reading is capped by precision_score (no stroke the spec lacks)


def _panel_color(spec: dict):
    """The 7-segment panel's fill (its colour is stated in the caption), else None."""
    panel = next((el for el in spec["elements"] if el.get("id") == "panel"), None)
    return panel.get("fill") if panel else None


def _matrix(name: str, spec: dict, frames, annotations: list[dict], hands, zoom: float = 1.0) -> np.ndarray:
    """Reader ``name``'s score of every video frame (columns) against every spec frame (rows); NaN
    where it does not apply."""
    score = np.full((len(annotations), len(frames)), np.nan)
    prepared = _prepare(name, annotations, frames[0].shape[:2], zoom) if frames else None
    for j, frame in enumerate(frames):
        read = _reader(name, spec, frame, annotations, hands[j], prepared, zoom)
        for i in range(len(annotations)):
            value = read(i) if _shapes(annotations[i]) else None
            score[i, j] = np.nan if value is None else value
    return score


def geometric_scores(spec: dict, frames: list[np.ndarray], spec_frames, annotations: list[dict]) -> dict:
    """Per-reader means and their mean ``geo`` for sampled video ``frames`` (any size, evenly
    spread over the video), against the spec's render ``spec_frames`` / ``annotations`` (every
    frame). Each reader scores every video frame against every spec frame; the two timelines are
    aligned by DTW (:mod:`.align`) and each video frame keeps its best aligned score, but for the
    last, which is read against the spec's last frame (the finished figure, where a person reads a
    chart's values: a wrong bar grows through heights an earlier spec frame shows). None when
    the family has no reader or no frame has annotated shapes; a figure not located scores 0."""
    names = FAMILY_DETECTORS.get(spec["family"], ())
    if not names or not any(_shapes(a) for a in annotations):
        return {"geo": None}
    w, h = spec["width"], spec["height"]
    picks = [int(round(x)) for x in align.norm_times(len(frames)) * (len(spec_frames) - 1)]
    zoom = 1.0  # canvas px per video px
    if spec["family"] in _LOCATED:
        color = _panel_color(spec) if spec["family"] == "seven_segment" else None
        src, dst = locate.figure_box(frames, color), locate.figure_box([spec_frames[i] for i in picks], color)
        if dst is None:
            return {"geo": None}
        if src is None:
            return {"geo": 0.0, **{f"geo_{n}": 0.0 for n in names + (("time",) if "hands" in names else ())}}
        matrix = locate.box_map(src, dst)
        if spec["family"] in _REGISTERED:  # fit the spec's own primitives to the edges of the last frame
            matrix = locate.register(frames[-1], _shapes(annotations[picks[-1]]), matrix)
        frames = locate.onto_canvas(frames, matrix, w, h)
        zoom = float(np.sqrt(abs(np.linalg.det(np.asarray(matrix, float)[:2, :2]))))
    means = {}
    hands = [clock.read_hands(spec, f) for f in frames] if "hands" in names else [None] * len(frames)
    strict = _matrix("precision", spec, frames, annotations, hands, zoom) if spec["family"] in _PRECISE else None
    times = time_credits(spec, hands) if "hands" in names else None
    for n in names:
        score = _matrix(n, spec, frames, annotations, hands, zoom)
        if strict is not None:  # a reading counts only as far as the figure has no stroke the spec lacks
            score = np.minimum(score, np.nan_to_num(strict, nan=0.0))
        if times is not None:  # ... or as far as the clock shows the prompt's time (what a clock is for)
            score = np.minimum(score, times[None, :])
        if n == "marks" and len(frames) > 1 and not np.isnan(score[-1, -1]):  # ... or as far as the finished chart's values are right
            score = np.minimum(score, score[-1, -1])
        if np.isnan(score).all():
            continue
        filled = np.nan_to_num(score, nan=0.0)
        rows = align.best_per_column(filled, align.dtw_path(1.0 - filled))
        if len(rows) > 1:  # the video ends where the prompt does: its last frame is read against the final state
            rows[-1] = len(annotations) - 1
        values = [score[i, j] for j, i in enumerate(rows) if not np.isnan(score[i, j])]
        if values:
            means[f"geo_{n}"] = float(np.mean(values))
    if times is not None:
        means["geo_time"] = float(np.mean(times))
    return {"geo": float(np.mean(list(means.values()))) if means else None, **means}
