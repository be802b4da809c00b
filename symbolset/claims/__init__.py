"""Typed caption claims: what a caption says, as data, derived from what is rendered.

A family's ``claims(spec)`` returns a list of claims (plain dicts: ``{"kind": .., "subject": .., ..}``)
built from the rendered clip (frame times, drawn ink, annotations), and its captions state those
claims in words. :mod:`symbolset.claims.verify` measures every claim again on decoded or rendered
frames and annotations, within the tolerances of :data:`KINDS` (the dataset card quotes them).

Spatial words follow one rule (:func:`region`): a coordinate u in [0, 1] across the frame is
``left`` below 1/3, ``left of centre`` up to 0.44, ``centre`` within 0.44..0.56, ``right of centre``
up to 2/3 and ``right`` beyond (rows likewise); within ``REGION_MARGIN`` of a border no word is
given for that axis, so ink measured up to that far from the stated point keeps its word.
"""

from __future__ import annotations

import functools

import cv2
import numpy as np

from ..spec import is_track, value_at

# kind -> (what it states, the tolerance its verifier applies). The dataset card prints this table.
KINDS = {
    "quoted_text": ("a string quoted in the caption is drawn on screen exactly", "exact string; ink inside its annotated box"),
    "formula": ("an equation written with the glyphs shown (no LaTeX)", "every term drawn in the final frame"),
    "label": (
        "a named point or vertex carries that letter on screen",
        "the letter's ink in the final frame within 1.5 label heights of the point",
    ),
    "stroke_width": ("a line's drawn width", "perpendicular ink width (coverage integral) within 0.75 px, median over the line"),
    "glyph_height": ("the height of the text's ink", "ink height of the final text within 1 px"),
    "position_region": ("where the ink sits in the frame", "ink centre inside the stated band widened by 0.03 of the frame"),
    "time_range": (
        "when something changes",
        "first visible change within 2 frame steps after the first frame at or after the stated start (eased: 1 step after 5% of the change), last within 2 frame steps of the stated end (eased: of 95%); a move is measured against the first and last frames (5% of the whole change); no stated time after the last frame",
    ),
    "first_ink": ("when something first shows", "the first frame with its ink is at the stated time exactly"),
    "order": (
        "several animations run one after another or overlap",
        "measured active frame spans: disjoint for sequential, shared frames for overlapping",
    ),
    "typing": ("characters appear one per frame step at most", "per-frame count of inked glyphs grows by at most 1"),
    "motion": ("a move's direction and distance", "ink-centroid displacement within max(3 px, 15%); direction words match its sign"),
    "in_place": ("something turns or scales without travelling", "ink centroid moves less than 3 px + 4% of the frame"),
    "scale": ("a size change", "ratio of the ink's radius of gyration (last / first frame) within 10% of the stated ratio"),
    "value_sequence": ("the values a display shows, in order", "the distinct values read off the frames' segments equal the stated list"),
    "clock_time": ("the time a clock shows at a moment", "hands read off the frame within 3 degrees (+3 for the rounded unit's hand)"),
    "colour": (
        "the named palette colour of an element's ink or of an area",
        "one measurement (symbolset.claims.named_colour) among the family's colours (default: the whole palette), on the region of the claim's points, box, element or elements "
        "(less those excluded; none: the background, every pixel away from all drawn elements): an area's median colour is nearest the named colour, within 60 RGB units; "
        "ink (a stroke's or text's pixels at least half as far from the colour beneath as the 95th percentile) is best explained by the named colour (blend share from luma, "
        "chroma shift 0.35 to 1.1 times the colour's and pointing its way, + 20 units per unit of share the strongest ink misses 1); a claim over the whole palette (no family colours) allows a "
        "palette colour within 61 RGB units of it (white, light gray and cream; black and navy), or within 20 units of its blend line from the colour beneath (a partial cover: dark gray for black on white), "
        "to explain it better by at most 6 units",
    ),
    "pace": (
        "a move keeps a steady pace or eases in and out",
        "ink-centroid speed over the first and last fifth of the frame steps against the middle fifth: >= 0.7 steady, <= 0.6 eased",
    ),
    "line_pattern": (
        "a line is solid or dashed",
        "walking its centre in the last frame: solid is inked at >= 90% of the points with no gap over 2 points; dashed is inked at >= 2 points and has a gap of >= 2 points",
    ),
    "rotation": (
        "how far and which way something turns",
        "the first frame's ink, turned about its centroid (and scaled by the measured size change), best matches the last frame's at an angle within 3 degrees of the stated turn",
    ),
    # drawn figures (symbolset.claims.figures)
    "count": ("how many marks of a kind are drawn", "exactly that many of the named elements hold ink of their colour (coverage of at least 2 px within 1 px of each)"),
    "radius": ("a circle's radius in px", "least-squares circle fitted to the circle's ink within 1 px"),
    "relation": (
        "a circle passes through a polygon's vertices or touches its sides",
        "circle fitted to the circle's ink, vertices where lines fitted to the sides' ink cross: within 1.5 px",
    ),
    "turn": (
        "something turns about a centre, in a direction (and by an angle)",
        "its ink centroid's angle about the centre, unwrapped frame to frame: the stated sign, and within 8 degrees of a stated angle",
    ),
    "curve": (
        "a drawn curve is the graph of a function (with an amplitude, at a frame)",
        "every drawn column (but 3%: 4:2:0 video thins a 1 px curve) inked near the function's height; where the curve is shallow, its ink centre within 1 px of it",
    ),
    "data_value": ("a chart's value for a category", "the bar's height from its annotated foot to the luma half-coverage crossing of its top edge, less the fill's anti-aliasing spread measured across its sides (or the marker's ink centre), over the axis scale, within 1 px of the value"),
    "angle": ("an interior angle of a drawn polygon", "angle between lines fitted to the ink of its two sides (away from marks drawn over them) within 2 degrees of the stated whole degrees"),
}

_BANDS = ((1 / 3, 0), (0.44, 1), (0.56, 2), (2 / 3, 3), (1.0, 4))  # upper edge -> band index
REGION_MARGIN = 0.02
REGION_TOLERANCE = 0.03
_COLS = ("left", "left of centre", "centre", "right of centre", "right")
_ROWS = ("top", "above centre", "middle", "below centre", "bottom")


def claim(kind: str, subject: str, **values) -> dict:
    """One claim: its kind (a key of :data:`KINDS`), what it is about, and its values."""
    if kind not in KINDS:
        raise ValueError(f"unknown claim kind {kind!r}")
    return {"kind": kind, "subject": subject, **values}


def colour(subject: str, colour, **where) -> dict:
    """A ``colour`` claim: ``subject`` shows palette colour ``colour`` (its name, or its RGB triple),
    measured where ``where`` says (:mod:`.named_colour`: ``points``, ``box``, ``element`` or ``elements``
    less ``exclude``, else the background; ``part="ink"`` over ``base`` or an area; ``among`` the
    family's colours; at ``frame``). :func:`colour_words` names it."""
    from ..captions import color_name

    return claim("colour", subject, name=colour if isinstance(colour, str) else color_name(list(colour)), **where)


def band(u: float) -> int | None:
    """Band index 0..4 of a coordinate u (0..1 across the frame); None within the margin of a border."""
    edges = [e for e, _ in _BANDS[:-1]]
    if any(abs(u - e) < REGION_MARGIN for e in edges):
        return None
    return next(i for e, i in _BANDS if u < e or i == 4)


def band_limits(index: int) -> tuple[float, float]:
    """The [lo, hi] range of band ``index``."""
    edges = [0.0] + [e for e, _ in _BANDS]
    return edges[index], edges[index + 1]


def region(x: float, y: float, width: int, height: int) -> dict:
    """The region claim values of a point: ``{"col": 0..4 | None, "row": 0..4 | None, "point": [x, y]}``."""
    return {"col": band(x / width), "row": band(y / height), "point": [round(float(x), 2), round(float(y), 2)]}


_EN_BOTH = {(0, 0): "in the top-left corner", (0, 2): "at the top", (0, 4): "in the top-right corner", (2, 0): "on the left",
            (2, 2): "in the center", (2, 4): "on the right", (4, 0): "in the bottom-left corner", (4, 2): "at the bottom",
            (4, 4): "in the bottom-right corner"}  # fmt: skip
_ZH_BOTH = {
    (0, 0): "左上角",
    (0, 2): "上方",
    (0, 4): "右上角",
    (2, 0): "左侧",
    (2, 2): "中央",
    (2, 4): "右侧",
    (4, 0): "左下角",
    (4, 2): "下方",
    (4, 4): "右下角",
}
_EN_ROW = ("near the top", "a little above the middle", "at mid-height", "a little below the middle", "near the bottom")
_EN_COL = ("on the left", "just left of centre", "horizontally centred", "just right of centre", "on the right")
_ZH_ROW = ("靠上", "中部偏上", "垂直居中", "中部偏下", "靠下")
_ZH_COL = ("靠左", "中央偏左", "水平居中", "中央偏右", "靠右")


def region_words(r: dict, lang: str = "en") -> str:
    """A region claim in words (an adverbial phrase; "in the frame" when neither axis has a word)."""
    row, col = r["row"], r["col"]
    if (row, col) in _EN_BOTH:
        return _EN_BOTH[(row, col)] if lang == "en" else f"画面{_ZH_BOTH[(row, col)]}"
    parts = [w for w in ((_EN_ROW if lang == "en" else _ZH_ROW)[row] if row is not None else None,
                         (_EN_COL if lang == "en" else _ZH_COL)[col] if col is not None else None) if w]  # fmt: skip
    if not parts:
        return "in the frame" if lang == "en" else "画面中"
    return " and ".join(parts) if lang == "en" else "画面" + "、".join(parts)


def clip_end(spec: dict) -> float:
    """Time of the last frame (the clip shows nothing later)."""
    return (spec["num_frames"] - 1) / spec["fps"]


def frame_times(spec: dict) -> list[float]:
    """The time of every frame."""
    return [i / spec["fps"] for i in range(spec["num_frames"])]


def first_frame_time(spec: dict, track, test) -> float | None:
    """Time of the first frame at which ``test(value_at(track, t))`` holds; None if none does."""
    for t in frame_times(spec):
        if test(value_at(track, t)):
            return t
    return None


def changing_span(spec: dict, track) -> tuple[float, float] | None:
    """Times (t_a, t_b) of the frame before the first change of ``track`` and of its last change,
    as the frames show it (value compared frame to frame); None when it never changes."""
    times = frame_times(spec)
    stacked = track_values(track, times)
    if stacked is not None and len(times) > 1:
        steps = np.abs(stacked[1:] - stacked[:-1]).reshape(len(times) - 1, -1)
        changed = (np.flatnonzero(steps.max(axis=1) > 1e-9) + 1).tolist()
    else:
        values = [np.asarray(value_at(track, t), np.float64) for t in times]
        changed = [
            i for i in range(1, len(times)) if values[i].shape != values[i - 1].shape or np.abs(values[i] - values[i - 1]).max() > 1e-9
        ]
    if not changed:
        return None
    return times[changed[0] - 1], times[changed[-1]]


def track_values(track, times) -> np.ndarray | None:
    """``value_at(track, t)`` for every t of ``times`` as one float64 array (times first), bit for bit
    the same numbers (the same float64 operations, element-wise); None for what it does not cover:
    a constant, strings, keys of different shapes or out of time order, an empty value."""
    if not is_track(track) or len(times) == 0:
        return None
    keys = track["keys"]
    if any(isinstance(v, (str, bool)) or (isinstance(v, list) and not v) for _, v in keys):
        return None
    at = [t for t, _ in keys]
    if any(b < a for a, b in zip(at, at[1:])):
        return None
    try:
        values = np.asarray([v for _, v in keys], np.float64)
    except (ValueError, TypeError):
        return None
    if values.size == 0:
        return None
    at = np.asarray(at, np.float64)
    ts = np.asarray(times, np.float64)
    # value_at's segment (k - 1, k): the first key later than t; t at or before the first key gives
    # the first value, t at or after the last key the last value
    inside = (ts > at[0]) & (ts < at[-1])
    out = np.where(_column(ts <= at[0], values.ndim), values[0], values[-1])
    if inside.any():
        k = np.searchsorted(at, ts[inside], side="right")  # 1..len(keys) - 1 inside
        a = values[k - 1]
        if track.get("ease", "linear") == "step":
            out[inside] = a
        else:
            u = (ts[inside] - at[k - 1]) / (at[k] - at[k - 1])
            if track.get("ease", "linear") == "in_out":
                u = u * u * (3.0 - 2.0 * u)
            out[inside] = a + (values[k] - a) * _column(u, values.ndim)
    return out


def _column(x: np.ndarray, ndim: int) -> np.ndarray:
    """``x`` (one number per time) shaped to broadcast against values of ``ndim - 1`` dimensions."""
    return x.reshape((-1,) + (1,) * (ndim - 1))


@functools.cache
def drawn_width(thickness: int) -> float:
    """Width in px (to 0.5 px) of the ink of an anti-aliased OpenCV line of ``thickness``, measured
    as the coverage across a drawn test line (OpenCV's ink is wider than ``thickness``)."""
    canvas = np.zeros((64, 256), np.uint8)
    cv2.line(canvas, (16 * 16, int(31.3 * 16)), (240 * 16, int(33.1 * 16)), 255, int(thickness), cv2.LINE_AA, 4)
    return round(2 * float(canvas[:, 100:156].sum()) / 255 / 56) / 2


def width_words(px: float, lang: str = "en") -> str:
    """A drawn width as the caption states it."""
    text = f"{px:g}"
    return f"about {text} px" if lang == "en" else f"约{text}像素"


def eased_visibility(spec: dict, track, start: float, end: float, share: float = 0.05) -> dict:
    """``visible_from`` / ``visible_until``: the times by which an eased change has done ``share`` of
    its total and has ``share`` left (a slow start or stop moves too little to see before or after)."""
    times = np.linspace(start, end, 201)
    stacked = track_values(track, np.concatenate(([start, end], times)))
    if stacked is not None:  # every value at once
        v0, v1 = stacked[0], stacked[1]
        total = float(np.abs(v1 - v0).max()) or 1.0
        done = np.abs(stacked[2:] - v0).reshape(len(times), -1).max(axis=1) / total
    else:
        if is_track(track) and not any(isinstance(v, str) for _, v in track["keys"]):
            track = {**track, "keys": [[t, np.asarray(v, np.float64)] for t, v in track["keys"]]}
        v0, v1 = np.asarray(value_at(track, start), np.float64), np.asarray(value_at(track, end), np.float64)
        total = float(np.abs(v1 - v0).max()) or 1.0
        done = np.array([float(np.abs(np.asarray(value_at(track, t), np.float64) - v0).max()) / total for t in times])
    return {"visible_from": round(times[_first(done >= share)], 6), "visible_until": round(times[_first(done >= 1 - share)], 6)}


def _first(flags: np.ndarray) -> int:
    """Index of the first True of ``flags`` (StopIteration when there is none, as ``next`` raises)."""
    hits = np.flatnonzero(flags)
    if not len(hits):
        raise StopIteration
    return int(hits[0])


def tolerance_table() -> str:
    """The claim kinds and their verifiers' tolerances, as a Markdown table (for the dataset card)."""
    rows = "".join(f"| `{kind}` | {what} | {tolerance} |\n" for kind, (what, tolerance) in KINDS.items())
    return "| claim | what the caption states | checked on the frames |\n|---|---|---|\n" + rows


def colour_words(c: dict, lang: str = "en") -> str:
    """The colour a ``colour`` claim states, as a word in ``lang``."""
    from ..captions import PALETTE

    return c["name"] if lang == "en" else PALETTE[c["name"]][1]


def count(subject: str, elements: list[str], **values) -> dict:
    """A ``count`` claim: as many ``elements`` as there are hold ink of ``values["color"]``."""
    return claim("count", subject, elements=list(elements), count=len(elements), **values)
