"""``chart``: bar and line charts whose bars / points grow to their values, with value labels, axis titles and a legend.

``meta["data"]`` holds the categories and integer values; the pixel scale is stored so the final
frame can be read back to the data. verify() measures every bar (or point) on the pixels.
"""

from __future__ import annotations

import math

import numpy as np

from .. import captions as cap
from .. import claims as cl
from .. import fonts
from ..claims.figures import chart_values
from ..claims.verify import changes
from ..draw import pick
from ..render import render_clip
from ..spec import element
from ..textlayout import text_layout
from . import common
from .canvas import text_width

NAME = "chart"
RULE = "Bar heights (or point heights) are proportional to their value labels, and the final frame reads back to the chart's data."

KINDS = ("bar", "line")
_CATEGORIES = [
    (["Mon", "Tue", "Wed", "Thu", "Fri"], ["周一", "周二", "周三", "周四", "周五"], "Day", "星期"),
    (["Q1", "Q2", "Q3", "Q4"], ["一季度", "二季度", "三季度", "四季度"], "Quarter", "季度"),
    (["Jan", "Feb", "Mar", "Apr", "May", "Jun"], ["一月", "二月", "三月", "四月", "五月", "六月"], "Month", "月份"),
    (["A", "B", "C", "D", "E"], ["甲", "乙", "丙", "丁", "戊"], "Group", "组别"),
]
_SERIES = [("Sales", "销量"), ("Visitors", "访客"), ("Orders", "订单"), ("Rainfall", "降雨量"), ("Score", "得分")]
_BACKGROUNDS = ["white", "cream"]
_INKS = ["red", "green", "blue", "purple", "orange"]


def sample(rng: np.random.Generator, params: dict) -> dict:
    """A chart: kind, categories (English or Chinese), integer values, colours and growth timing from ``rng``."""
    bg = pick(rng, _BACKGROUNDS)
    spec = common.skeleton(params, NAME, cap.rgb(bg))
    w, h = spec["width"], spec["height"]
    dur = spec["num_frames"] / spec["fps"]
    kind = pick(rng, KINDS)
    cats_en, cats_zh, x_title_en, x_title_zh = pick(rng, _CATEGORIES)
    series_en, series_zh = pick(rng, _SERIES)
    chinese = bool(rng.random() < 0.4)
    cats, x_title, series = (cats_zh, x_title_zh, series_zh) if chinese else (cats_en, x_title_en, series_en)
    top = int(rng.choice([10, 20, 50, 100]))
    step = top // 5
    ink, accent = (str(c) for c in rng.choice(_INKS, 2, replace=False))
    text_c = "black"
    font = fonts.pick_font(rng, "".join(cats) + x_title + series + "0123456789", fonts.fonts_for("han" if chinese else "latin"))
    size = max(8, int(round(h * 0.045)))
    left_room = text_layout(font, size, str(top))["width"] + 5 + 3  # the widest y tick label fits left of the axis
    box = [float(max(round(0.16 * w), np.ceil(left_room))), float(round(0.2 * h)), float(round(0.95 * w)), float(round(0.8 * h))]
    scale = (box[3] - box[1]) / top  # px per unit
    grain = next(g for g in (1, 2, 5, 10, 20) if g * scale >= 2.5)  # values are multiples of this: readable to the unit
    values = [int(v) * grain for v in rng.integers(max(1, top // (10 * grain)), top // grain + 1, len(cats))]
    els = spec["elements"]
    els.append(element("polyline", "axes", points=[[box[0], box[1]], [box[0], box[3]], [box[2], box[3]]], color=cap.rgb(text_c), width=1))
    for k in range(0, top + 1, step):
        y = box[3] - k * scale
        els.append(element("polyline", f"ytick_{k}", points=[[box[0] - 3, y], [box[0], y]], color=cap.rgb(text_c), width=1))
        label = str(k)
        lw = text_width(font, size, label)
        els.append(element("text", f"ylabel_{k}", text=label, font=font, size=size, color=cap.rgb(text_c), anchor="center", position=common.centered_text(font, size, label, box[0] - 5 - lw / 2, y)))  # fmt: skip
    n = len(cats)
    slot = (box[2] - box[0]) / n
    bar_w = float(round(slot * 0.55))
    last = math.floor(cl.clip_end(spec) * 1000) / 1000  # the last frame's time (to the ms, down): what the clip shows
    still = last <= 0  # one frame: no time to grow in, so the frame shows the finished chart
    t_grow = [round(float(rng.uniform(0.05, 0.15)) * dur + k * 0.5 * dur / n, 3) for k in range(n)]
    grow = round(0.35 * dur, 3)
    if max(t_grow) + grow > last:  # few frames: the bars must be full (and labelled) by the last frame, where the data is read
        fit = last / (max(t_grow) + grow)
        t_grow, grow = [round(t * fit, 3) for t in t_grow], round(grow * fit, 3)
    points = []
    for k, (c, v) in enumerate(zip(cats, values)):
        cx = float(round(box[0] + slot * (k + 0.5)))
        top_y = box[3] - v * scale
        t0, t1 = t_grow[k], min(round(t_grow[k] + grow, 3), last)
        els.append(element("text", f"cat_{k}", text=c, font=font, size=size, color=cap.rgb(text_c), anchor="center", position=common.centered_text(font, size, c, cx, box[3] + 4 + size * 0.6)))  # fmt: skip
        if kind == "bar":
            x0, x1 = cx - bar_w / 2, cx + bar_w / 2
            flat = [[x0, box[3]], [x1, box[3]], [x1, box[3]], [x0, box[3]]]
            full = [[x0, box[3]], [x1, box[3]], [x1, top_y], [x0, top_y]]
            growing = {"points": {"keys": [[0.0, flat], [t0, flat], [t1, full]], "ease": "in_out"}, "opacity": common.step_on(round(t0 + 0.02, 3))}
            growth = {"points": full} if still else growing
            els.append(element("polygon", f"bar_{k}", fill=cap.rgb(ink), **growth))
        points.append([cx, top_y])
        els.append(element("text", f"value_{k}", text=str(v), font=font, size=size, color=cap.rgb(text_c), anchor="center", position=common.centered_text(font, size, str(v), cx, top_y - 4 - size * 0.6 - (3 if kind == "line" else 0)), opacity=common.step_on(t1)))  # fmt: skip
    t_line = [round(float(rng.uniform(0.05, 0.15)) * dur, 3), round(float(rng.uniform(0.65, 0.8)) * dur, 3)]
    if t_line[1] > last:  # the last point and its label are on screen by the last frame
        t_line = [round(t_line[0] * last / t_line[1], 3), last]
    if kind == "line":
        progress = 1.0 if still else {"keys": [[t_line[0], 0.0], [t_line[1], 1.0]], "ease": "linear"}
        els.append(element("polyline", "line", points=points, color=cap.rgb(ink), width=2, progress=progress))
        lengths = np.concatenate([[0.0], np.cumsum([math.dist(p, q) for p, q in zip(points, points[1:])])])
        for k, p in enumerate(points):
            at = round(t_line[0] + (t_line[1] - t_line[0]) * lengths[k] / lengths[-1], 3)
            els.append(element("circle", f"marker_{k}", center=p, radius=3.5, color=cap.rgb(accent), width=1, fill=cap.rgb(accent), opacity=common.step_on(at)))  # fmt: skip
            next(e for e in els if e["id"] == f"value_{k}")["opacity"] = common.step_on(at)
    # axis titles and legend
    els.append(element("text", "x_title", text=x_title, font=font, size=size, color=cap.rgb(text_c), anchor="center", position=common.centered_text(font, size, x_title, (box[0] + box[2]) / 2, box[3] + 6 + size * 1.8)))  # fmt: skip
    y_title = series
    els.append(element("text", "y_title", text=y_title, font=font, size=size, color=cap.rgb(text_c), anchor="left", position=[float(round(0.03 * w)), common.crisp_y(box[1] - size * 1.6, font, size, y_title)]))  # fmt: skip
    sw = size * 0.8
    lx, ly = float(round(box[2] - text_width(font, size, series) - sw - 6)), float(round(0.07 * h))
    els.append(element("polygon", "legend_key", fill=cap.rgb(ink), points=[[lx, ly - sw / 2], [lx + sw, ly - sw / 2], [lx + sw, ly + sw / 2], [lx, ly + sw / 2]]))
    els.append(element("text", "legend", text=series, font=font, size=size, color=cap.rgb(text_c), anchor="left", position=[lx + sw + 4, common.crisp_y(ly, font, size, series)]))  # fmt: skip
    spec["meta"] = {"kind": kind, "data": {"categories": cats, "values": values, "series": series}, "axis_max": top, "tick_step": step,
                    "box": box, "scale": scale, "grain": grain, "bar_width": bar_w, "points": points, "t_grow": t_grow, "grow": grow, "t_line": t_line,
                    "x_title": x_title, "y_title": y_title, "chinese": chinese,
                    "colors": {"ink": ink, "accent": accent, "text": text_c}, "background": bg}  # fmt: skip
    if still:
        spec["meta"]["still"] = True
    return spec


def claims(spec: dict) -> list[dict]:
    """What the captions state: the data (each category's value as drawn, its label and value text),
    the axis titles, legend and y tick labels as drawn, the number of bars or points, the colours,
    and the timing (:func:`_time_claims`)."""
    m = spec["meta"]
    d = m["data"]
    text = cap.rgb(m["colors"]["text"])
    ink = cap.rgb(m["colors"]["ink"])
    scene = [cap.rgb(v) for v in m["colors"].values()]

    def quoted(subject, element):
        return cl.claim("quoted_text", subject, element=element, text=next(e["text"] for e in spec["elements"] if e["id"] == element), color=text)

    out = [quoted("legend", "legend"), quoted("x title", "x_title"), quoted("y title", "y_title")]
    out += [quoted(f"y tick {k}", f"ylabel_{k}") for k in sorted({0, m["tick_step"], m["axis_max"]})]  # first, second and last: the range and step
    for k, (category, value) in enumerate(zip(d["categories"], d["values"])):
        out += [quoted(f"category {k}", f"cat_{k}"), quoted(f"value {k}", f"value_{k}")]
        out.append(cl.claim("data_value", f"value {k}", index=k, category=category, value=value, color=ink, others=scene))
    if m["kind"] == "bar":
        out.append(cl.count("bars", [f"bar_{k}" for k in range(len(d["values"]))], color=ink, others=scene))
        out.append(cl.colour("bars", m["colors"]["ink"], elements=[f"bar_{k}" for k in range(len(d["values"]))], part="fill", among=_INKS))
    else:
        accent = cap.rgb(m["colors"]["accent"])
        out.append(cl.count("points", [f"marker_{k}" for k in range(len(d["values"]))], color=accent, others=scene))
        out.append(cl.colour("line", m["colors"]["ink"], elements=["line"], part="ink", base=spec["background"], exclude=[f"marker_{k}" for k in range(len(d["values"]))], among=_INKS))
    out.append(cl.colour("background", m["background"], among=_BACKGROUNDS))
    return out + _time_claims(spec)


def _time_claims(spec: dict) -> list[dict]:
    """For bars, each bar's growth span as the frames show it and whether the spans are disjoint
    (one after another) or overlap; for lines, the drawing span; none for a one-frame (still) chart."""
    m = spec["meta"]
    if m.get("still"):
        return []
    last = cl.clip_end(spec)
    ink = cap.rgb(m["colors"]["ink"])
    scene = [cap.rgb(v) for v in m["colors"].values()]
    if m["kind"] != "bar":
        t0, t1 = m["t_line"]
        return [cl.claim("time_range", "line", color=ink, others=scene, grow_only=True, box=m["box"], start=t0, end=min(t1, last), stops=t1 <= last)]
    step = 1.0 / spec["fps"]
    bars = {e["id"]: e for e in spec["elements"] if e["id"].startswith("bar_")}
    spans, subjects = [], []
    for k in range(len(m["data"]["values"])):
        el = bars[f"bar_{k}"]
        before, final = cl.changing_span(spec, el["points"])
        spans.append((round(before / step) + 1, round(final / step)))
        pts = np.asarray(el["points"]["keys"][-1][1])
        subjects.append({"color": ink, "others": scene, "grow_only": True, "box": [float(pts[:, 0].min()), float(pts[:, 1].min()), float(pts[:, 0].max()), float(pts[:, 1].max())]})
    order = sorted(spans)
    mode = "overlapping" if any(b[0] <= a[1] for a, b in zip(order, order[1:])) else "sequential"
    first, final = min(a for a, _ in spans), max(b for _, b in spans)
    # A bar worth a pixel or two grows invisibly: the bars are seen to start when the rendered frames
    # first gain bar ink (at small sizes and low frame rates that can be a later bar's start).
    frames, annotations = render_clip(spec)
    drawn = changes(spec, frames, annotations, {"subject": "bars", "color": ink, "others": scene, "grow_only": True, "box": m["box"]})
    first = max(first, drawn[0]) if drawn else first
    k0, k1 = min(range(len(spans)), key=lambda k: spans[k][0]), max(range(len(spans)), key=lambda k: spans[k][1])
    # the bars ease in and out: a bar's first and last moves are too small to see
    seen = {"visible_from": cl.eased_visibility(spec, bars[f"bar_{k0}"]["points"], *_grow_span(bars[f"bar_{k0}"]))["visible_from"],
            "visible_until": cl.eased_visibility(spec, bars[f"bar_{k1}"]["points"], *_grow_span(bars[f"bar_{k1}"]))["visible_until"]}  # fmt: skip
    return [
        cl.claim("order", "bars", mode=mode, subjects=subjects),
        cl.claim("time_range", "bars", color=ink, others=scene, grow_only=True, box=m["box"], start=round((first - 1) * step, 6), end=round(final * step, 6),
                 stops=final < spec["num_frames"] - 1 or max(_grow_span(b)[1] for b in bars.values()) <= last, **seen),
    ]  # fmt: skip


def _grow_span(bar: dict) -> tuple[float, float]:
    """Start and end time of a bar's growth (its last two keys)."""
    keys = bar["points"]["keys"]
    return keys[-2][0], keys[-1][0]


def captions(spec: dict, rng: np.random.Generator) -> dict:
    """Captions listing every category with its exact value, the axis titles, legend, colours and
    timing, from the claims only."""
    return words(claims(spec), cl.clip_end(spec), rng)


def words(claims: list[dict], end: float, rng: np.random.Generator) -> dict:
    """The captions of a chart's claims (``end``: the time of the last frame)."""
    c = {(x["kind"], x["subject"]): x for x in claims}
    values = [x for x in claims if x["kind"] == "data_value"]
    pairs = ", ".join(f"{cap.quote(v['category'])} = {v['value']}" for v in values)
    pairs_zh = "，".join(f"{cap.quote(v['category'], 'zh')}为{v['value']}" for v in values)
    bar = ("count", "bars") in c
    ink = cl.colour_words(c[("colour", "bars" if bar else "line")])
    ink_zh = cl.colour_words(c[("colour", "bars" if bar else "line")], "zh")
    bg, bg_zh = cl.colour_words(c[("colour", "background")]), cl.colour_words(c[("colour", "background")], "zh")
    series, x_title, y_title = (c[("quoted_text", k)]["text"] for k in ("legend", "x title", "y title"))
    s, sz = cap.quote(series), cap.quote(series, "zh")
    xt, yt = cap.quote(x_title), cap.quote(y_title)
    ticks = [int(x["text"]) for x in claims if x["kind"] == "quoted_text" and x["subject"].startswith("y tick")]
    top, step = max(ticks), sorted(ticks)[1] - sorted(ticks)[0]
    dur = cap.seconds(end)
    noun, noun_zh = ("bar chart", "柱状图") if bar else ("line chart", "折线图")
    still = ("time_range", "bars" if bar else "line") not in c
    marks, marks_zh = ("bar", "柱子") if bar else ("point", "数据点")
    if still:
        temporal, temporal_zh = cap.single_frame(dur, f" showing the finished chart: every {marks} is drawn with its value label; nothing grows.",
                                                 f"，显示完成的图表：每个{marks_zh}及其数值都已画出，没有生长过程。")
    elif bar:
        span = c[("time_range", "bars")]
        t0, t1 = cap.seconds(span["start"]), cap.seconds(span["end"])
        done = f"by {t1} s all bars are complete and stay until {dur} s" if span["stops"] else f"the last bar is still growing when the clip ends at {dur} s"
        done_zh = f"到{t1}秒全部完成，保持到{dur}秒" if span["stops"] else f"到{dur}秒视频结束时最后一根仍在升高"
        if c[("order", "bars")]["mode"] == "sequential":
            how, how_zh, rise = "one after another", "依次", "rise in turn"
        else:
            how, how_zh, rise = "in a staggered, overlapping cascade", "错开而相互重叠地", "rise in an overlapping cascade"
        n = c[("count", "bars")]["count"]
        temporal = cap.choose(rng, [f"From {t0} s the bars grow from the axis {how}, each value label appearing when its bar is full; {done}.",
                                    f"The {n} bars {rise} between {t0} s and {t1} s, then the chart holds until {dur} s."
                                    if span["stops"] else f"The {n} bars {rise} from {t0} s; {done}."])  # fmt: skip
        temporal_zh = f"从{t0}秒起柱子{how_zh}从坐标轴升起，每根柱子长满时显示数值；{done_zh}。"
    else:
        span = c[("time_range", "line")]
        t0, t1 = cap.seconds(span["start"]), cap.seconds(span["end"])
        temporal = cap.choose(rng, [f"From {t0} s to {t1} s the line is drawn from left to right; each point and its value label appear as the line reaches it; the chart stays until {dur} s.",
                                    f"The line grows point by point between {t0} s and {t1} s and the complete chart remains until {dur} s."])  # fmt: skip
        temporal_zh = f"从{t0}秒到{t1}秒折线从左到右画出，到达每个数据点时显示该点和数值，之后保持到{dur}秒。"
    en = {
        "short": cap.choose(rng, [f"A {noun} of {s} by {x_title.lower() if x_title.isascii() else x_title}.", f"{'A' if still else 'An animated'} {noun}: {pairs}."]),
        "detailed": cap.choose(rng, [
            f"On {common.article(bg)} background, {common.article(ink)} {noun} titled by its legend {s} with data {pairs}; the y axis runs from 0 to {top} in steps of {step}, "
            f"x-axis title {xt}, y-axis title {yt}, and each value is written above its {'bar' if bar else 'point'}.",
            f"{common.article(ink).capitalize()} {noun} ({s}): {pairs}. Axis titles {xt} and {yt}; y ticks 0 to {top}; {bg} background.",
        ]),
        "temporal": temporal,
    }  # fmt: skip
    zh = {
        "short": cap.choose(rng, [f"{sz}的{noun_zh}{'' if still else '动画'}。", f"{noun_zh}：{pairs_zh}。"]),
        "detailed": f"{bg_zh}背景上的{ink_zh}{noun_zh}，图例为{sz}，数据为{pairs_zh}；y轴从0到{top}，间隔{step}，横轴标题{cap.quote(x_title, 'zh')}，纵轴标题{cap.quote(y_title, 'zh')}，每个数值标在其上方。",
        "temporal": temporal_zh,
    }
    return cap.assemble(en, zh)


def difficulty(spec: dict, annotations: list[dict]) -> dict:
    """Number of data labels, script of the labels, label glyph height and growth speed (px/s)."""
    m = spec["meta"]
    heights = [b[3] - b[1] for tx in annotations[-1]["texts"] for b in tx["char_boxes"]]
    if m.get("still"):
        speed = 0.0
    elif m["kind"] == "bar":
        speed = max(m["data"]["values"]) * m["scale"] / m["grow"]
    else:
        speed = (m["box"][2] - m["box"][0]) / max(m["t_line"][1] - m["t_line"][0], 1e-6)
    text = "".join(m["data"]["categories"])
    return {"text_length": len(text), "script": cap.script_of(text), "glyph_height_px": float(np.median(heights)) if heights else 0.0,
            "motion_speed": round(float(speed), 3), "stroke_width": 2.0 if m["kind"] == "line" else 0.0}  # fmt: skip


def verify(spec: dict, frames: np.ndarray, annotations: list[dict]) -> list[str]:
    """Every shown value label equals its measured bar/point value (within 1 px); the final frame reads back to the data."""
    m = spec["meta"]
    problems: list[str] = []
    values = m["data"]["values"]
    for i in sorted({len(frames) - 1, len(frames) // 2, 3 * len(frames) // 4}):
        measured = chart_values(spec, frames[i])
        shown = {t["element"]: t["string"] for t in annotations[i]["texts"]}
        for k, (v, got) in enumerate(zip(values, measured)):
            label = shown.get(f"value_{k}")
            if label is None:
                if i == len(frames) - 1:
                    problems.append(f"frame {i}: value label of {m['data']['categories'][k]!r} is missing")
                continue
            if label != str(v) or not abs(got - int(label)) * m["scale"] <= 1.0:
                problems.append(f"frame {i}: {m['data']['categories'][k]!r} is labelled {label!r} but measures {got:.2f} on the pixels")
        if i == len(frames) - 1 and [round(x / m["grain"]) * m["grain"] if x == x else None for x in measured] != values:
            problems.append(f"final frame reads back as {[round(x, 2) for x in measured]}, data is {values}")
    return problems
