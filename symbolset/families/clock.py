"""``clock``: an analogue clock whose hands advance at a steady rate."""

from __future__ import annotations

import math

import cv2
import numpy as np

from .. import captions as cap
from .. import claims as cl
from .. import fonts
from ..draw import pick
from ..render import ray_end
from ..spec import element, frame_time, value_at
from ..textlayout import text_layout
from . import common

NAME = "clock"
RULE = "Time on the clock advances monotonically and the hour hand always points at 30*h + 0.5*m degrees, consistent with the minute hand."

_FACES = ["white", "cream", "light gray"]
_BACKGROUNDS = ["navy", "dark gray", "gray", "cream", "white", "light gray"]
_INKS = ["black", "dark gray"]
_HOURS = ["black", "navy", "dark gray"]
_MINUTES = ["blue", "green", "purple"]
_SECONDS = ["red", "orange"]
_TOLERANCE = 3.0  # degrees, pixel estimate vs spec


def clock_string(total_seconds: float, with_seconds: bool) -> str:
    """12-hour ``h:mm`` (or ``h:mm:ss``) of a time given in seconds after midnight."""
    s = int(round(total_seconds)) % (12 * 3600)
    h, m, sec = s // 3600, s % 3600 // 60, s % 60
    return f"{h or 12}:{m:02d}:{sec:02d}" if with_seconds else f"{h or 12}:{m:02d}"


def hand_angles(total_seconds: float) -> dict[str, float]:
    """Exact hand angles (degrees clockwise from 12) at a time of day in seconds."""
    return {"hour": total_seconds / 120.0 % 360.0, "minute": total_seconds / 10.0 % 360.0, "second": total_seconds * 6.0 % 360.0}


def sample(rng: np.random.Generator, params: dict) -> dict:
    """A clock scene: colours, size, numerals or not, start time and a rate chosen by ``rng``."""
    faces = _FACES
    bg = pick(rng, _BACKGROUNDS)
    face = pick(rng, [f for f in faces if f != bg])
    spec = common.skeleton(params, NAME, cap.rgb(bg))
    w, h = spec["width"], spec["height"]
    ink = pick(rng, _INKS)
    hour_c = pick(rng, _HOURS)
    minute_c = pick(rng, _MINUTES)
    with_seconds = bool(rng.random() < 0.4)
    second_c = pick(rng, _SECONDS) if with_seconds else None

    r = float(round(min(w, h) * float(rng.uniform(0.38, 0.45)), 1))
    cx = float(round(w / 2 + rng.uniform(-1, 1) * (w / 2 - r - 2) * 0.8, 1))
    cy = float(round(h / 2 + rng.uniform(-1, 1) * (h / 2 - r - 2) * 0.8, 1))
    numerals = 0.17 * r >= 10 and rng.random() < 0.6

    # Start time and how far the clock advances between the first and the last frame.
    n = spec["num_frames"]
    span = frame_time(spec, n - 1) if n > 1 else 0.0
    start = int(rng.integers(0, 12 * 3600))
    if with_seconds:
        advance = int(rng.integers(2, 31)) if span else 0  # clock seconds
    else:
        start -= start % 60
        # under half a turn of the minute hand between frames, so the frames show it going forward
        advance = 60 * int(rng.choice([v for v in (1, 2, 5, 10, 15, 20, 30, 45, 60, 90) if v < 30 * (n - 1)])) if span else 0
    rate = advance / span if span else 0.0  # clock seconds per clip second

    rim = max(2, int(round(r * 0.04)))
    els = [element("circle", "face", center=[cx, cy], radius=r, color=cap.rgb(ink), width=rim, fill=cap.rgb(face))]
    for k in range(12):
        a = math.radians(30 * k)
        inner = 0.78 if k % 3 == 0 else 0.85
        pts = [[round(cx + q * r * math.sin(a), 3), round(cy - q * r * math.cos(a), 3)] for q in (inner, 0.93)]
        els.append(element("polyline", f"tick{k}", points=pts, color=cap.rgb(ink), width=2 if k % 3 == 0 or r < 60 else 1))
    if numerals:
        font = fonts.pick_font(rng, "0123456789", fonts.fonts_for("latin"))
        size = int(round(0.17 * r))
        for k in range(1, 13):
            text = str(k)
            lay = text_layout(font, size, text)
            inks = [b for b in lay["inks"] if b]
            # Centre the digits' ink (not the layout box) on the numeral's spot.
            ink_x = (min(b[0] for b in inks) + max(b[2] for b in inks)) / 2 - lay["width"] / 2
            ink_y = (min(b[1] for b in inks) + max(b[3] for b in inks)) / 2 - (lay["descent"] - lay["ascent"]) / 2
            a = math.radians(30 * k)
            els.append(element("text", f"numeral{k}", text=text, font=font, size=size, color=cap.rgb(ink), anchor="center", position=[round(cx + 0.67 * r * math.sin(a) - ink_x, 3), round(cy - 0.67 * r * math.cos(a) - ink_y, 3)]))  # fmt: skip
    # Each hand is wider than the ones drawn over it, so a covered hand still shows its edges.
    minute_w = max(3, int(round(r * 0.045)))
    hands = [("hour", hour_c, 0.5, max(minute_w + 2, int(round(r * 0.08)))), ("minute", minute_c, 0.78, minute_w)]
    if with_seconds:
        hands.append(("second", second_c, 0.88, max(2, int(round(r * 0.02)))))  # 1 px loses its colour in yuv420p
    for name, color, length, width in hands:
        # Unwrapped linear tracks: the angle grows at a constant rate, so every frame is exact.
        per_second = {"hour": 1 / 120.0, "minute": 0.1, "second": 6.0}[name]
        a0 = round(hand_angles(start)[name], 6)
        angle = {"keys": [[0.0, a0], [round(span, 6), round(a0 + per_second * advance, 6)]], "ease": "linear"} if span else a0
        els.append(
            element("ray", name, origin=[cx, cy], length=round(length * r, 2), angle=angle, color=cap.rgb(color), width=width)
        )
    els.append(
        element("circle", "cap", center=[cx, cy], radius=round(max(2.0, 0.05 * r), 2), color=cap.rgb(hour_c), width=1, fill=cap.rgb(hour_c))
    )
    spec["elements"] = els
    spec["meta"] = {
        "start_seconds": start, "advance_seconds": advance, "rate": round(rate, 6), "span": round(span, 6),
        "start": clock_string(start, with_seconds), "end": clock_string(start + advance, with_seconds),
        "with_seconds": with_seconds, "numerals": bool(numerals), "center": [cx, cy], "radius": r,
        "colors": {"background": bg, "face": face, "ink": ink, "hour": hour_c, "minute": minute_c, "second": second_c},
    }  # fmt: skip
    return spec


def claims(spec: dict) -> list[dict]:
    """What the captions state: the time read at the first and at the last frame, the colours of the
    face, rim and marks, hands and background, and the number of tick marks and numerals."""
    m = spec["meta"]
    col = m["colors"]
    unit = "second" if m["with_seconds"] else "minute"
    last = spec["num_frames"] - 1
    face, ink = cap.rgb(col["face"]), cap.rgb(col["ink"])
    hands = ["hour", "minute"] + (["second"] if m["with_seconds"] else [])
    numerals = [e["id"] for e in spec["elements"] if e["id"].startswith("numeral")]
    marks = [e["id"] for e in spec["elements"] if e["id"].startswith("tick")] + numerals
    out = [
        cl.claim("clock_time", "start", frame=0, time=0.0, seconds=m["start_seconds"], text=m["start"], unit_hand=unit),
        cl.claim("clock_time", "end", frame=last, time=round(cl.clip_end(spec), 6), seconds=m["start_seconds"] + m["advance_seconds"], text=m["end"], unit_hand=unit),
        cl.colour("background", col["background"], among=_BACKGROUNDS),
        cl.colour("face", col["face"], elements=["face"], part="fill", exclude=marks + hands + ["cap"], among=_FACES),
        cl.colour("rim", col["ink"], elements=["face"], part="ink", base=face, among=_INKS),
        cl.count("tick marks", [e for e in marks if e.startswith("tick")], color=ink, base=face),
    ]  # fmt: skip
    if numerals:
        out.append(cl.count("numerals", numerals, color=ink, base=face))
    tracks = {e["id"]: e["angle"] for e in spec["elements"] if e["id"] in hands}
    for k, (name, pool) in enumerate(zip(hands, (_HOURS, _MINUTES, _SECONDS))):
        # read at the frame where the hands drawn over this one are furthest from it
        def clear(i, name=name, k=k):
            a = value_at(tracks[name], i / spec["fps"])
            return min([abs((value_at(tracks[o], i / spec["fps"]) - a + 180) % 360 - 180) for o in hands[k + 1 :]], default=180.0)

        frame = max(range(spec["num_frames"]), key=clear)
        out.append(cl.colour(f"{name} hand", col[name], elements=[name], part="ink", base=face, exclude=hands[k + 1 :] + ["cap"], among=pool, frame=frame,
                                   exclude_grow=0.5))  # fmt: skip
    return out


def _amount(seconds: int, lang: str) -> str:
    m, s = divmod(seconds, 60)
    if lang == "zh":
        return (f"{m}分钟" if m else "") + (f"{s}秒" if s else "") or "0秒"
    parts = [f"{m} minute{'s' * (m != 1)}"] * bool(m) + [f"{s} second{'s' * (s != 1)}"] * bool(s)
    return " and ".join(parts) or "0 seconds"


def captions(spec: dict, rng: np.random.Generator) -> dict:
    """English and Chinese captions stating the exact start and end time and how fast time runs (from the claims only)."""
    return words(claims(spec), cl.clip_end(spec), rng)


def words(claims: list[dict], end: float, rng: np.random.Generator) -> dict:
    """The captions of a clock's claims: times, the time that passes and its rate, colours and marks
    (``end``, the time of the last frame, is the end claim's own)."""
    cc = {(x["kind"], x["subject"]): x for x in claims}
    start, end = cc[("clock_time", "start")], cc[("clock_time", "end")]
    t0, t1, span = start["text"], end["text"], cap.seconds(end["time"])
    c = {k[1].removesuffix(" hand"): cl.colour_words(x) for k, x in cc.items() if k[0] == "colour"}
    zh = {k[1].removesuffix(" hand"): cl.colour_words(x, "zh") for k, x in cc.items() if k[0] == "colour"}
    advance = end["seconds"] - start["seconds"]
    adv, adv_zh = _amount(advance, "en"), _amount(advance, "zh")
    with_seconds = start["unit_hand"] == "second"
    rate = advance / end["time"] if end["time"] else 0.0  # clock seconds per second of video
    numerals = ("count", "numerals") in cc
    ticks = cc[("count", "tick marks")]["count"]
    marks = f"numerals 1 to {cc[('count', 'numerals')]['count']} and {ticks} tick marks" if numerals else f"{ticks} tick marks and no numerals"
    marks_zh = f"1到{cc[('count', 'numerals')]['count']}的数字和{ticks}个刻度" if numerals else f"{ticks}个刻度，没有数字"
    second_en = f", and a {c['second']} second hand" if with_seconds else ""
    second_zh = f"，还有一根{zh['second']}秒针" if with_seconds else ""
    speed = f"about {rate / 60:.1f} clock minutes pass per second of video" if not with_seconds else f"about {rate:.1f} clock seconds pass per second of video"
    speed_zh = f"视频每秒约走过{rate / 60:.1f}分钟" if not with_seconds else f"视频每秒约走过{rate:.1f}秒"
    if end["time"] <= 0:  # one frame: the clock at its time, no hand moving
        still, still_zh = cap.single_frame(span, f": the clock reads {t0}.", f"：时钟显示{t0}。")
        en = {"short": f"An analog clock reading {t0}.",
              "detailed": f"A round {c['face']} clock with a {c['rim']} rim, {marks}, on a {c['background']} background; a {c['hour']} hour hand "
                          f"and a {c['minute']} minute hand{second_en} show the time {t0}.",
              "temporal": still}
        zh_caps = {"short": f"指针式时钟显示{t0}。",
                   "detailed": f"{zh['background']}背景上有一个{zh['face']}圆形钟面，{zh['rim']}边框，{marks_zh}；{zh['hour']}时针和{zh['minute']}分针{second_zh}显示时间{t0}。",
                   "temporal": still_zh}  # fmt: skip
        return cap.assemble(en, zh_caps)
    en = {
        "short": cap.choose(rng, [f"An analog clock running from {t0} to {t1}.", f"Clock hands sweep from {t0} to {t1}.",
                                  f"A {c['face']} clock face whose time goes from {t0} to {t1}."]),
        "detailed": cap.choose(rng, [
            f"A round {c['face']} clock with a {c['rim']} rim, {marks}, on a {c['background']} background; a {c['hour']} hour hand "
            f"and a {c['minute']} minute hand{second_en} show the time going from {t0} to {t1}.",
            f"On {c['background']}, an analog clock face in {c['face']} with a {c['rim']} rim carries {marks}. Its {c['hour']} hour hand and "
            f"{c['minute']} minute hand{second_en} move from {t0} to {t1}.",
        ]),
        "temporal": cap.choose(rng, [
            f"At 0.0 s the clock reads {t0}; the hands turn steadily clockwise and at {span} s it reads {t1}, {adv} later ({speed}).",
            f"From 0.0 s to {span} s the time shown advances {adv}, from {t0} to {t1}; {speed}.",
        ]),
    }  # fmt: skip
    zh_caps = {
        "short": cap.choose(rng, [f"指针式时钟从{t0}走到{t1}。", f"时钟指针从{t0}转到{t1}。"]),
        "detailed": cap.choose(rng, [
            f"{zh['background']}背景上有一个{zh['face']}圆形钟面，{zh['rim']}边框，{marks_zh}；{zh['hour']}时针和{zh['minute']}分针{second_zh}显示时间从{t0}走到{t1}。",
            f"钟面为{zh['face']}，{zh['rim']}边框，带有{marks_zh}，{zh['hour']}时针与{zh['minute']}分针{second_zh}从{t0}移动到{t1}，背景为{zh['background']}。",
        ]),
        "temporal": cap.choose(rng, [
            f"0.0秒时时钟显示{t0}，指针匀速顺时针转动，到{span}秒时显示{t1}，共走过{adv_zh}（{speed_zh}）。",
            f"从0.0秒到{span}秒，时钟时间前进{adv_zh}，从{t0}到{t1}；{speed_zh}。",
        ]),
    }  # fmt: skip
    return cap.assemble(en, zh_caps)


def difficulty(spec: dict, annotations: list[dict]) -> dict:
    """Numeral height (if any), thinnest hand width; motion speed is the minute hand's degrees per second."""
    m = spec["meta"]
    out: dict = {"motion_speed": 0.0 if spec["num_frames"] == 1 else round(m["rate"] * 0.1, 3)}
    out["stroke_width"] = float(min(el["width"] for el in spec["elements"] if el["type"] == "ray"))
    if m["numerals"]:
        heights = [b[3] - b[1] for a in annotations[:1] for tx in a["texts"] for b in tx["char_boxes"]]
        out.update(script="digits", glyph_height_px=float(np.median(heights)) if heights else 0.0)
    return out


def _ray_profile(weight: np.ndarray, center, r0: float, r1: float) -> tuple[np.ndarray, np.ndarray]:
    """Mean of ``weight`` along rays from ``center`` (radii r0..r1), every 0.5 degrees."""
    angles = np.arange(0.0, 360.0, 0.5)
    radii = np.arange(r0, r1, 0.5)
    a = np.radians(angles)[:, None]
    # Continuous coordinates -> OpenCV sample positions (pixel centres at integers).
    xs = (center[0] + radii[None] * np.sin(a) - 0.5).astype(np.float32)
    ys = (center[1] - radii[None] * np.cos(a) - 0.5).astype(np.float32)
    samples = cv2.remap(weight.astype(np.float32), xs, ys, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    return angles, samples.mean(axis=1)


def _match(mask: np.ndarray, hidden: np.ndarray, center, length: float, width: int, r0: float, candidates) -> float:
    """The candidate angle whose drawn hand best matches ``mask``, ignoring ``hidden`` pixels and r < r0."""
    h, w = mask.shape
    pad = length + width + 2
    x0, y0 = max(0, int(center[0] - pad)), max(0, int(center[1] - pad))
    x1, y1 = min(w, int(center[0] + pad) + 1), min(h, int(center[1] + pad) + 1)
    yy, xx = np.mgrid[y0:y1, x0:x1]
    keep = ~hidden[y0:y1, x0:x1] & (np.hypot(xx + 0.5 - center[0], yy + 0.5 - center[1]) >= r0)
    target = mask[y0:y1, x0:x1] & keep
    best, best_cost = candidates[0], None
    one = 1 << 4
    for a in candidates:
        end = ray_end(center, length, a)
        p = [int(round((center[0] - x0 - 0.5) * one)), int(round((center[1] - y0 - 0.5) * one))]
        q = [int(round((end[0] - x0 - 0.5) * one)), int(round((end[1] - y0 - 0.5) * one))]
        canvas = np.zeros(target.shape, np.uint8)
        cv2.line(canvas, p, q, 255, width, cv2.LINE_AA, 4)
        cost = int(np.count_nonzero(((canvas > 127) & keep) != target))
        if best_cost is None or cost < best_cost:
            best, best_cost = a, cost
    return float(best)


def estimate_angle(mask: np.ndarray, hidden: np.ndarray, center, length: float, width: int, r0: float) -> float | None:
    """Angle (degrees clockwise from 12) of a hand from its pixel ``mask``; None if no hand is seen.

    The ray profile's peak finds the hand coarsely; matching a drawn hand of the same length and
    width (coarse to fine) gives the precise angle even where another hand covers part of it.
    """
    # Pixels of a hand drawn on top may hide this one: they count half, so a covered hand is still found.
    # A hand partly covered still shows pixels within a few degrees of its axis; pixels of hands
    # drawn on top count half, so a fully covered hand is still found under the one covering it.
    angles, seen = _ray_profile(mask.astype(np.float32), center, r0, length - 1.0)
    _, covered = _ray_profile(hidden.astype(np.float32), center, r0, length - 1.0)
    prof = np.max([np.roll(seen, s) for s in range(-6, 7)], axis=0) + 0.5 * covered
    k = int(prof.argmax())
    if prof[k] < 0.3:
        return None
    # Coarse angle: the middle of the peak's plateau (a thick hand is seen by a few neighbouring rays).
    top = prof >= prof[k] - 0.05
    lo, hi = k, k
    while top[(lo - 1) % len(prof)] and hi - lo < 60:
        lo -= 1
    while top[(hi + 1) % len(prof)] and hi - lo < 60:
        hi += 1
    coarse = float(angles[k] + 0.25 * (lo + hi - 2 * k))
    visible = mask & ~hidden
    if np.count_nonzero(visible) < 2 * length:  # mostly covered: the plateau is all we have
        return coarse % 360.0
    a = _match(mask, hidden, center, length, width, r0, coarse + np.arange(-8.0, 8.01, 1.0))
    return _match(mask, hidden, center, length, width, r0, a + np.arange(-1.0, 1.01, 0.1)) % 360.0


def _stack_cost(target: np.ndarray, region: np.ndarray, origin, canvas: np.ndarray, center, hands: list[dict], k: int, angle: float) -> float:
    """Colour mismatch between a frame crop and the hands drawn over the face, hand ``k`` at ``angle``.

    ``target`` is the frame crop (uint8, or float32 holding integers), ``region`` a uint8 mask of the
    pixels compared and ``canvas`` the crop filled with the face colour (copied, not changed).
    """
    one = 1 << 4
    x0, y0 = origin
    synth = canvas.copy()
    for j, hand in enumerate(hands):
        end = ray_end(center, hand["length"], angle if j == k else hand["angle"])
        p = (int(round((center[0] - x0 - 0.5) * one)), int(round((center[1] - y0 - 0.5) * one)))
        q = (int(round((end[0] - x0 - 0.5) * one)), int(round((end[1] - y0 - 0.5) * one)))
        cv2.line(synth, p, q, tuple(hand["color"]), hand["width"], cv2.LINE_AA, 4)
    if target.dtype == np.uint8:
        # Every |difference| is an integer, and while the total stays below 2**24 every partial sum of
        # NumPy's float32 pairwise summation is exact: OpenCV's exact integer L1 norm is then the very
        # float the float32 sum gives, at a fraction of its cost.
        total = cv2.norm(synth, target, cv2.NORM_L1, mask=region)
        if total < 1 << 24:
            return float(total)
        target = target.astype(np.float32)
    return float(np.abs(synth.astype(np.float32) - target)[region.astype(bool)].sum())


def _refine(frame: np.ndarray, hands: list[dict], face, center, r0: float, passes: int = 2) -> None:
    """Improve each hand's ``angle`` in place by redrawing the hand stack and comparing it with the frame.

    ``hands`` are dicts (length, width, color, angle) in drawing order. Near overlaps a hand is
    partly covered; drawing the others at their current estimates explains those pixels.
    """
    h, w = frame.shape[:2]
    for _ in range(passes):
        for k in reversed(range(len(hands))):
            reach = hands[k]["length"] + hands[k]["width"] + 2
            x0, y0 = max(0, int(center[0] - reach)), max(0, int(center[1] - reach))
            x1, y1 = min(w, int(center[0] + reach) + 1), min(h, int(center[1] + reach) + 1)
            yy, xx = np.mgrid[y0:y1, x0:x1]
            rad = np.hypot(xx + 0.5 - center[0], yy + 0.5 - center[1])
            region = ((rad >= r0) & (rad <= reach)).astype(np.uint8)
            target = frame[y0:y1, x0:x1]
            target = target if target.dtype == np.uint8 else target.astype(np.float32)
            canvas = np.empty(target.shape[:2] + (3,), np.uint8)
            canvas[..., 0], canvas[..., 1], canvas[..., 2] = face  # per channel: far quicker than broadcasting a tuple
            best = hands[k]["angle"]
            for step, span in ((0.5, 4.0), (0.1, 0.5)):
                candidates = best + np.arange(-span, span + step / 2, step)
                costs = [_stack_cost(target, region, (x0, y0), canvas, center, hands, k, a) for a in candidates]
                best = float(candidates[int(np.argmin(costs))])
            hands[k]["angle"] = best % 360.0


def read_hands(spec: dict, frame: np.ndarray) -> dict[str, float | None]:
    """Each hand's angle (degrees clockwise from 12) read from its colour in ``frame``, at the
    spec's resolution; None for a hand that is not seen. Overlapping hands are resolved by
    redrawing the hand stack (see ``_refine``)."""
    m = spec["meta"]
    c = m["colors"]
    (cx, cy), r = m["center"], m["radius"]
    names = hand_names(spec)
    scene = [c["face"], c["ink"]] + [c[n] for n in names]
    palette = [cap.rgb(x) for x in dict.fromkeys(scene)]  # unique colours, in order
    reach = {el["id"]: float(el["length"]) for el in spec["elements"] if el["type"] == "ray"}
    widths = {el["id"]: int(el["width"]) for el in spec["elements"] if el["type"] == "ray"}
    nearest = common.nearest_color(frame, palette)
    got = {}
    for k, name in enumerate(names):
        mask = nearest == palette.index(cap.rgb(c[name]))
        hidden = np.zeros_like(mask)
        for above in names[k + 1 :]:  # hands drawn later cover this one
            hidden |= nearest == palette.index(cap.rgb(c[above]))
        got[name] = estimate_angle(mask, hidden, (cx, cy), reach[name], widths[name], 0.15 * r)
    near = any(abs(common.angle_diff(got[a], got[b])) < 20 for a in names for b in names if a < b and got[a] is not None and got[b] is not None)
    if near and all(v is not None for v in got.values()):  # overlapping hands: model the occlusion
        stack = [{"length": reach[n], "width": widths[n], "color": cap.rgb(c[n]), "angle": got[n]} for n in names]
        _refine(frame, stack, cap.rgb(c["face"]), (cx, cy), 0.15 * r)
        got = {n: hand["angle"] for n, hand in zip(names, stack)}
    return got


def hand_names(spec: dict) -> list[str]:
    """The hands a clock spec draws, in drawing order."""
    return ["hour", "minute"] + (["second"] if spec["meta"]["with_seconds"] else [])


def expected_hands(spec: dict, t: float) -> dict[str, float]:
    """The exact hand angles of a clock spec at time ``t`` seconds into the clip."""
    m = spec["meta"]
    return hand_angles(m["start_seconds"] + m["rate"] * t)


def verify(spec: dict, frames: np.ndarray, annotations: list[dict]) -> list[str]:
    """Estimate each hand's angle from its colour in the pixels; compare with the time, check consistency and order."""
    names = hand_names(spec)
    problems, minutes = [], []
    for i, frame in enumerate(frames):
        want = expected_hands(spec, annotations[i]["time"])
        got = read_hands(spec, frame)
        for name in names:
            if got[name] is None:
                problems.append(f"frame {i}: no {name} hand found")
            elif abs(common.angle_diff(got[name], want[name])) > _TOLERANCE:
                problems.append(f"frame {i}: {name} hand at {got[name]:.1f} deg, expected {want[name]:.1f} deg")
        if got["hour"] is not None and got["minute"] is not None:
            # hour = 30 h + minute / 12 for a whole h: the hour hand must agree with the minute hand.
            off = common.angle_diff(got["hour"] - got["minute"] / 12.0, 0.0, 30.0)
            if abs(off) > _TOLERANCE:
                problems.append(f"frame {i}: hour hand is {off:+.1f} deg off the position the minute hand implies")
        minutes.append(got["minute"])
    for i in range(1, len(minutes)):
        if minutes[i] is not None and minutes[i - 1] is not None and common.angle_diff(minutes[i], minutes[i - 1]) < -1.0:
            problems.append(f"frame {i}: time runs backwards (minute hand {minutes[i - 1]:.1f} -> {minutes[i]:.1f} deg)")
    return problems
