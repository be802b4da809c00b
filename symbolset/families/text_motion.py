"""``text_motion``: a phrase that translates, rotates and/or scales along a smooth path."""

from __future__ import annotations

import math

import cv2
import numpy as np

from .. import captions as cap
from .. import claims as cl
from .. import fonts
from ..claims import measure
from ..draw import pick
from ..render import element_states, render_frame
from ..spec import element, frame_time, value_at
from ..textlayout import layout_for, text_transform
from .canvas import font_metrics, skeleton, text_width
from .ink import luma_coverage
from .wording import text_difficulty
from .words import sample_text

NAME = "text_motion"
RULE = "The text never changes, stays whole and legible inside the frame, and moves along a smooth path with no jumps."

_BACKGROUNDS = ["white", "cream", "light gray", "black", "navy", "dark gray"]
_MOTIONS = ("translate", "rotate", "scale", "translate+rotate", "translate+scale", "rotate+scale")
_MARGIN = 3.0  # px kept free between the text's layout box and the canvas edge
_MAX_ROTATION = 25.0


def _half_extents(width: float, height: float, scale: float, rotation: float) -> tuple[float, float]:
    """Half width and half height of a w x h box scaled and rotated by ``rotation`` degrees."""
    c, s = abs(math.cos(math.radians(rotation))), abs(math.sin(math.radians(rotation)))
    return scale * (width / 2 * c + height / 2 * s), scale * (width / 2 * s + height / 2 * c)


def sample(rng: np.random.Generator, params: dict) -> dict:
    """A moving-text scene: text, font, colours and a smooth position/rotation/scale path from ``rng``."""
    bg = pick(rng, _BACKGROUNDS)
    spec = skeleton(params, NAME, cap.rgb(bg))
    w, h = spec["width"], spec["height"]
    text, script = sample_text(rng)
    font = fonts.pick_font(rng, text, fonts.fonts_for("han" if script in ("han", "mixed") else "latin"))
    color = cap.contrasting(rng, bg)
    motion = pick(rng, _MOTIONS)
    moves = set(motion.split("+"))
    ease = "linear" if rng.random() < 0.5 else "in_out"

    if "rotate" in moves:
        r0 = float(rng.uniform(-_MAX_ROTATION, _MAX_ROTATION))
        turn = float(rng.uniform(12, _MAX_ROTATION)) * (1 if rng.random() < 0.5 else -1)
        r1 = r0 + turn if abs(r0 + turn) <= _MAX_ROTATION else r0 - turn  # one way always stays in range
        rot = (round(r0, 2), round(r1, 2))
    else:
        rot = (0.0, 0.0)
    if "scale" in moves:
        small, large = float(rng.uniform(0.7, 0.9)), float(rng.uniform(1.1, 1.3))
        scl = (round(small, 3), round(large, 3)) if rng.random() < 0.5 else (round(large, 3), round(small, 3))
    else:
        scl = (1.0, 1.0)

    # Size: the largest box over the whole path (extents grow with |rotation| and scale) must fit.
    room = 0.7 if "translate" in moves else 0.85
    size = int(rng.integers(int(0.11 * h), int(0.19 * h) + 1))
    while True:
        ex, ey = _half_extents(text_width(font, size, text), sum(font_metrics(font, size)), max(scl), max(abs(rot[0]), abs(rot[1])))
        if size <= 8 or (2 * ex <= room * w - 2 * _MARGIN and 2 * ey <= 0.6 * h - 2 * _MARGIN):
            break
        size -= 1
    if min(scl) * size < 10:  # keep the smallest glyphs legible: shrink less, or not at all
        small = 10 / size
        if max(scl) - small >= 0.15:
            scl = (round(small, 3), scl[1]) if scl[0] < scl[1] else (scl[0], round(small, 3))
        else:
            scl = (1.0, 1.0)
            moves.discard("scale")
            motion = "+".join(mv for mv in ("translate", "rotate") if mv in moves) or "translate"
            moves.add(motion)
    lo = np.array([ex + _MARGIN, ey + _MARGIN])
    hi = np.array([w - ex - _MARGIN, h - ey - _MARGIN])
    hi = np.maximum(hi, lo)
    p0 = lo + rng.random(2) * (hi - lo)
    if "translate" in moves:
        # Aim for a clearly visible move; the farthest of a few draws wins.
        candidates = [lo + rng.random(2) * (hi - lo) for _ in range(4)]
        p1 = max(candidates, key=lambda q: float(np.linalg.norm(q - p0)))
    else:
        p1 = p0
    p0, p1 = [round(float(v), 2) for v in p0], [round(float(v), 2) for v in p1]

    n = spec["num_frames"]
    end = frame_time(spec, n - 1) if n > 1 else 0.0  # the path ends exactly on the last frame

    def track(a, b):
        return a if a == b or end == 0 else {"keys": [[0.0, a], [round(end, 6), b]], "ease": ease}

    el = element("text", "text", text=text, font=font, size=size, color=cap.rgb(color), position=track(p0, p1), anchor="center")
    if rot != (0.0, 0.0):
        el["rotation"] = track(*rot)
    if scl != (1.0, 1.0):
        el["scale"] = track(*scl)
    spec["elements"].append(el)
    spec["meta"] = {
        "text": text, "script": script, "motion": motion, "ease": ease, "end": round(end, 6),
        "position": [p0, p1], "rotation": list(rot), "scale": list(scl), "color": color, "background": bg,
    }  # fmt: skip
    return spec


def _direction(dx: float, dy: float) -> tuple[str | None, str | None]:
    """Horizontal and vertical direction words of a move (a component under 0.4 of the other has none)."""
    horiz = None if abs(dx) < 0.4 * abs(dy) else ("right" if dx > 0 else "left")
    vert = None if abs(dy) < 0.4 * abs(dx) else ("down" if dy > 0 else "up")
    return horiz, vert


def claims(spec: dict) -> list[dict]:
    """What the captions state, measured on the first and last rendered frames: the text, where its
    ink sits, how far and which way the ink travels (or that it stays in place), its size change, turn,
    time span and pace."""
    el = spec["elements"][0]
    w, h = spec["width"], spec["height"]
    first, a0 = render_frame(spec, 0)
    last, a1 = render_frame(spec, spec["num_frames"] - 1)
    c0 = measure.centroid(measure.coverage(first, el["color"], spec["background"]))
    c1 = measure.centroid(measure.coverage(last, el["color"], spec["background"]))
    box0 = next(t for t in a0["texts"] if t["element"] == "text")["box"]
    box1 = next(t for t in a1["texts"] if t["element"] == "text")["box"]
    out = [
        cl.claim("quoted_text", "text", element="text", text=el["text"], color=el["color"]),
        cl.claim("position_region", "start", element="text", color=el["color"], frame=0, **cl.region((box0[0] + box0[2]) / 2, (box0[1] + box0[3]) / 2, w, h)),
        cl.claim("position_region", "end", element="text", color=el["color"], frame=spec["num_frames"] - 1,
                 **cl.region((box1[0] + box1[2]) / 2, (box1[1] + box1[3]) / 2, w, h)),
    ]  # fmt: skip
    d = c1 - c0
    if isinstance(el["position"], dict):
        horiz, vert = _direction(float(d[0]), float(d[1]))
        out.append(cl.claim("motion", "text", color=el["color"], distance=round(float(np.linalg.norm(d))), horizontal=horiz, vertical=vert))
    elif spec["num_frames"] > 1:  # a still (one frame) neither moves nor stays: it is simply there
        out.append(cl.claim("in_place", "text", color=el["color"]))
    s0, s1 = (float(value_at(el.get("scale", 1.0), t)) for t in (0.0, cl.clip_end(spec)))
    if s0 != s1:
        out.append(cl.claim("scale", "text", color=el["color"], ratio=round(s1 / s0, 3), start=s0, end=s1))
    if isinstance(el["position"], dict) and "rotation" not in el and spec["num_frames"] >= 8:
        # a pure glide (turning swings the ink's centroid about the anchor): its speed profile shows
        out.append(cl.claim("pace", "text", color=el["color"], pace="eased" if el["position"]["ease"] == "in_out" else "steady"))
    last_t = cl.clip_end(spec)
    turn = float(value_at(el.get("rotation", 0.0), last_t)) - float(value_at(el.get("rotation", 0.0), 0.0))
    if abs(turn) >= 1.0:
        out.append(cl.claim("rotation", "text", color=el["color"], turn=round(turn, 1)))
    tracks = [el[k] for k in ("position", "rotation", "scale") if isinstance(el.get(k), dict)]
    if tracks and last_t > 0:  # the whole path runs from the first frame to the last
        seen = [cl.eased_visibility(spec, t, 0.0, last_t) for t in tracks]
        out.append(cl.claim("time_range", "text", color=el["color"], start=0.0, end=round(last_t, 6), stops=True,
                            visible_from=min(v["visible_from"] for v in seen), visible_until=max(v["visible_until"] for v in seen)))  # fmt: skip
    out += [
        cl.colour("text", el["color"], element="text", part="ink", base=spec["background"], frame=0),
        cl.colour("background", spec["background"]),
    ]
    return out


_DIR_ZH = {"right": "向右", "left": "向左", "down": "向下", "up": "向上"}


def _motion_words(spec: dict, c: dict) -> tuple[list[str], list[str]]:
    """What the text does, as English and Chinese clauses, from the claims."""
    en, zh = [], []
    if ("motion", "text") in c:
        mv = c[("motion", "text")]
        a, b = cl.region_words(c[("position_region", "start")]), cl.region_words(c[("position_region", "end")])
        az, bz = cl.region_words(c[("position_region", "start")], "zh"), cl.region_words(c[("position_region", "end")], "zh")
        way = " and ".join(d for d in (mv["horizontal"], mv["vertical"]) if d)
        way_zh = "".join(_DIR_ZH[d] for d in (mv["horizontal"], mv["vertical"]) if d)
        dist = mv["distance"]
        en.append(f"glides {way} about {dist} px, starting {a} and ending {b}" if a != b else f"glides {way} about {dist} px, staying {a}")
        zh.append(f"从{az}{way_zh}平移到{bz}，约{dist}像素" if az != bz else f"在{az}{way_zh}平移约{dist}像素")
    if ("rotation", "text") in c:
        turn = c[("rotation", "text")]["turn"]
        ccw = turn > 0  # positive rotation is counter-clockwise on screen
        en.append(f"turns {'counter-clockwise' if ccw else 'clockwise'} by about {abs(turn):.0f}°")
        zh.append(f"{'逆时针' if ccw else '顺时针'}旋转约{abs(turn):.0f}°")
    if ("scale", "text") in c:
        s0, s1 = c[("scale", "text")]["start"], c[("scale", "text")]["end"]
        en.append(f"{'grows' if s1 > s0 else 'shrinks'} from {s0 * 100:.0f}% to {s1 * 100:.0f}% of its size")
        zh.append(f"从原大小的{s0 * 100:.0f}%{'放大' if s1 > s0 else '缩小'}到{s1 * 100:.0f}%")
    if ("in_place", "text") in c:
        en[-1] += " in place"
        zh[0] = "在原地" + zh[0]
    return en, zh


def captions(spec: dict, rng: np.random.Generator) -> dict:
    """English and Chinese captions stating the claims: exact text, colours, where it is and how it moves."""
    c = {(k["kind"], k["subject"]): k for k in claims(spec)}
    text = c[("quoted_text", "text")]["text"]
    q, qz = cap.quote(text), cap.quote(text, "zh")
    color, color_zh = c[("colour", "text")]["name"], cl.colour_words(c[("colour", "text")], "zh")
    bg, bg_zh = c[("colour", "background")]["name"], cl.colour_words(c[("colour", "background")], "zh")
    if spec["num_frames"] == 1:
        return _still_words(c, (color, color_zh), (bg, bg_zh), cap.seconds(cl.clip_end(spec)))
    moves, moves_zh = _motion_words(spec, c)
    what, what_zh = " while it ".join(moves), "，同时".join(moves_zh)
    pace = c.get(("pace", "text"), {}).get("pace")
    smooth = {"eased": "smoothly, easing in and out", "steady": "smoothly, at a steady pace"}.get(pace, "smoothly")
    smooth_zh = {"eased": "先加速后减速，平滑", "steady": "匀速、平滑"}.get(pace, "平滑")
    span = c.get(("time_range", "text"), {"start": 0.0, "end": cl.clip_end(spec)})  # none: a one-frame clip
    t0, t1 = cap.seconds(span["start"]), cap.seconds(span["end"])
    start, start_zh = cl.region_words(c[("position_region", "start")]), cl.region_words(c[("position_region", "start")], "zh")
    turns, grows = ("rotation", "text") in c, ("scale", "text") in c
    travel = ("moving smoothly across the frame" if ("motion", "text") in c else "turning and resizing in place" if grows and turns
              else "turning in place" if turns else "changing size in place")  # fmt: skip
    travel_zh = "在画面中平滑移动" if ("motion", "text") in c else "在原地变化"
    en = {
        "short": cap.choose(rng, [f"The text {q} {travel}.", f"{q} in {color} {what}.", f"Animated text {q} that {what}."]),
        "detailed": cap.choose(
            rng,
            [
                f"On a {bg} background, the text {q} ({len(text)} characters, {color}) {what}; it stays whole and unchanged the entire time.",
                f"A {bg} frame shows {q} in {color} lettering. Over the clip the text {what}, never leaving the frame.",
            ],
        ),
        "temporal": cap.choose(
            rng,
            [
                f"From {t0} s to {t1} s the text {q} {what}, {smooth}; its content never changes.",
                f"At {t0} s {q} is {start}; until {t1} s it {what}, {smooth}.",
            ],
        ),
    }
    zh = {
        "short": cap.choose(rng, [f"文字{qz}{travel_zh}。", f"{color_zh}的{qz}{what_zh}。"]),
        "detailed": cap.choose(
            rng,
            [
                f"{bg_zh}背景上，{color_zh}文字{qz}（共{len(text)}个字符）{what_zh}，内容始终完整不变。",
                f"画面背景为{bg_zh}，{color_zh}的{qz}{what_zh}，始终完整地留在画面内。",
            ],
        ),
        "temporal": cap.choose(
            rng,
            [
                f"从{t0}秒到{t1}秒，{qz}{smooth_zh}地{what_zh}，文字内容始终不变。",
                f"{t0}秒时{qz}位于{start_zh}，到{t1}秒为止{smooth_zh}地{what_zh}。",
            ],
        ),
    }
    return cap.assemble(en, zh)


def _still_words(c: dict, color: tuple[str, str], bg: tuple[str, str], at: str) -> dict:
    """The captions of a one-frame clip: the text where it sits, nothing moving."""
    text = c[("quoted_text", "text")]["text"]
    q, qz = cap.quote(text), cap.quote(text, "zh")
    where, where_zh = cl.region_words(c[("position_region", "start")]), cl.region_words(c[("position_region", "start")], "zh")
    still, still_zh = cap.single_frame(at, f": the text {q} is {where}, whole and inside the frame.", f"：文字{qz}位于{where_zh}，完整地留在画面内。")
    en = {
        "short": f"The text {q} in {color[0]} on a {bg[0]} background.",
        "detailed": f"On a {bg[0]} background, the text {q} ({len(text)} characters, {color[0]}) sits {where}, whole and inside the frame.",
        "temporal": still,
    }
    zh = {
        "short": f"{bg[1]}背景上{color[1]}的文字{qz}。",
        "detailed": f"{bg[1]}背景上，{color[1]}文字{qz}（共{len(text)}个字符）位于{where_zh}，完整地留在画面内。",
        "temporal": still_zh,
    }
    return cap.assemble(en, zh)


def difficulty(spec: dict, annotations: list[dict]) -> dict:
    """Text length, script, glyph height; motion speed is the mean speed of the text's centre in px/s."""
    m = spec["meta"]
    out = text_difficulty(annotations, m["text"])
    pos = spec["elements"][0]["position"]
    pts = np.array([value_at(pos, a["time"]) for a in annotations], np.float64)
    length = float(np.linalg.norm(np.diff(pts, axis=0), axis=1).sum()) if len(pts) > 1 else 0.0
    out["motion_speed"] = round(length / m["end"], 3) if m["end"] > 0 else 0.0
    return out


def verify(spec: dict, frames: np.ndarray, annotations: list[dict]) -> list[str]:
    """Check from pixels: ink in every frame, inside the canvas and the annotated box; no jumps; constant ink."""
    m = spec["meta"]
    el = spec["elements"][0]
    h, w = frames.shape[1:3]
    problems, coverages, masses, times = [], [], [], []
    for i, frame in enumerate(frames):
        t = annotations[i]["time"]
        ann = next((a for a in annotations[i]["texts"] if a["element"] == "text"), None)
        if ann is None or ann["string"] != m["text"]:
            problems.append(f"frame {i}: annotated string {ann and ann['string']!r}, expected {m['text']!r}")
            continue
        cov = luma_coverage(frame, el["color"], spec["background"])
        ink = cov > 0.25
        if ink.sum() < 4:
            problems.append(f"frame {i}: no ink of the text")
            continue
        ys, xs = np.nonzero(ink)
        box = [int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1]
        if box[0] <= 0 or box[1] <= 0 or box[2] >= w or box[3] >= h:
            problems.append(f"frame {i}: the text touches the canvas edge (box {box}); it may be cut off")
        a = ann["box"]
        outside = max(a[0] - box[0], a[1] - box[1], box[2] - a[2], box[3] - a[3])
        loose = max(box[0] - a[0], box[1] - a[1], a[2] - box[2], a[3] - box[3])
        if outside > 1 or loose > 4:  # faint anti-aliased rims count in the annotation, not in ``ink``
            problems.append(f"frame {i}: ink box {box} does not match the annotated box {a}")
        cov = np.where(cov > 0.15, cov, 0.0).astype(np.float32)  # codec noise on the background would bias the sums
        coverages.append(cov)
        masses.append(float(cov.sum()) / float(value_at(el.get("scale", 1.0), t)) ** 2)
        times.append(t)
    if len(coverages) != len(frames):
        return problems
    for k, off in enumerate(_path_residuals(spec, coverages, times), start=1):
        if off > 2.0:
            problems.append(f"frame {k}: the text jumps ({off:.1f} px off its smooth path from frame {k - 1})")
    ratio = np.array(masses) / np.median(masses)
    for k in np.nonzero((ratio < 0.85) | (ratio > 1.15))[0]:
        problems.append(f"frame {k}: the amount of ink changes by {100 * (ratio[k] - 1):+.0f}% (the text content changed)")
    return problems


def _path_residuals(spec: dict, coverages: list[np.ndarray], times: list[float]) -> list[float]:
    """How far (px) each frame's ink lies from where the spec's path carries the previous frame's ink.

    The previous frame's coverage is moved by the spec's own step (its translation, turn and scale,
    about the anchor) and registered to this frame's by phase correlation; a smooth path leaves a few
    tenths of a pixel, a jump its size. A shape's registration reads all of its ink at once: an
    ink-weighted centroid does not do here, because a glyph's ink amount swings by up to 15% with its
    sub-pixel phase (the resampling's ringing, clipped at zero, on hinted one-pixel stems) and, across
    a wide text, that moved the centroid by up to 0.8 px at a constant speed."""
    h, w = coverages[0].shape
    lay = layout_for(spec["elements"][0])

    def matrix(t):
        return np.vstack([text_transform(element_states(spec, t)[0], lay), [0.0, 0.0, 1.0]])

    out, prev = [], matrix(times[0])
    for k in range(1, len(coverages)):
        cur = matrix(times[k])
        step = (cur @ np.linalg.inv(prev))[:2]
        moved = cv2.warpAffine(coverages[k - 1], step, (w, h), flags=cv2.INTER_LINEAR)
        (dx, dy), _ = cv2.phaseCorrelate(moved, coverages[k])
        out.append(float(np.hypot(dx, dy)))
        prev = cur
    return out
