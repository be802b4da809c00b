"""``plot``: a function graph drawn left to right on labelled axes, optionally with an animated parameter.

``meta`` stores the function symbolically (kind, coefficients, LaTeX and plain source), the axis
ranges, the pixel scale and the ticks, so every pixel of the curve and every tick label can be
recomputed. verify() measures the curve on the pixels column by column.
"""

from __future__ import annotations

import math

import numpy as np

from .. import captions as cap
from .. import claims as cl
from ..draw import pick
from ..rounding import rounded
from ..spec import element, value_at
from ..textlayout import text_layout
from . import common

NAME = "plot"
RULE = "The drawn curve matches its function within 1 px at the stated axis scale, and every tick label is the true value at its tick."

KINDS = ("polynomial", "sine", "exponential", "piecewise", "animated_sine")
_BACKGROUNDS = ["white", "cream"]
_AXES = ["black", "dark gray"]
_CURVES = ["red", "green", "blue", "purple", "orange"]
_STEPS = (0.5, 1, 2, 5, 10, 20, 50)


def _num(v: float) -> str:
    """A tick or coefficient value as text: integers without a decimal point, minus as U+2212."""
    s = f"{v:g}" if abs(v - round(v)) > 1e-9 else str(int(round(v)))
    return s.replace("-", "\u2212")


def evaluate(fn: dict, x, a: float | None = None):
    """The function of ``meta["function"]`` at ``x`` (numpy array); ``a`` overrides an animated amplitude."""
    x = np.asarray(x, np.float64)
    c = fn["coefficients"]
    if fn["kind"] == "polynomial":
        return sum(ci * x**k for k, ci in enumerate(c))
    if fn["kind"] in ("sine", "animated_sine"):
        return (c["a"] if a is None else a) * np.sin(c["b"] * x)
    if fn["kind"] == "exponential":
        return c["a"] * np.exp(c["k"] * x)
    return np.where(x < c["x0"], c["m1"] * (x - c["x0"]) + c["y0"], c["m2"] * (x - c["x0"]) + c["y0"])


def _poly_text(coeffs: list[float]) -> tuple[str, str]:
    terms, tex = [], []
    for k in range(len(coeffs) - 1, -1, -1):
        ci = coeffs[k]
        if ci == 0:
            continue
        mag = abs(ci)
        body = ("" if mag == 1 and k > 0 else _num(mag)) + ("x" if k >= 1 else "") + ({2: "²", 3: "³"}.get(k, ""))
        body_tex = ("" if mag == 1 and k > 0 else f"{mag:g}") + ("x" if k >= 1 else "") + (f"^{k}" if k >= 2 else "")
        sign = "\u2212" if ci < 0 else "+"
        terms.append((sign, body))
        tex.append(("-" if ci < 0 else "+", body_tex))
    text = ("\u2212" if terms[0][0] != "+" else "") + terms[0][1] + "".join(f" {s} {b}" for s, b in terms[1:])
    latex = ("-" if tex[0][0] == "-" else "") + tex[0][1] + "".join(f" {s} {b}" for s, b in tex[1:])
    return "y = " + text, "y = " + latex


def _sample_function(rng) -> dict:
    kind = pick(rng, KINDS)
    if kind == "polynomial":
        degree = int(rng.integers(2, 4))
        coeffs = [float(rng.integers(-3, 4)) for _ in range(degree)] + [float(rng.choice([-1, -0.5, 0.5, 1]))]
        text, latex = _poly_text(coeffs)
        x_max = 3.0 if degree == 2 else 2.0
        return {"kind": kind, "coefficients": coeffs, "text": text, "latex": latex, "x_range": [-x_max, x_max]}
    if kind in ("sine", "animated_sine"):
        a, b = float(rng.choice([1, 2, 3, 0.5])), float(rng.choice([0.5, 1, 2]))
        c = {"a": a, "b": b}
        bt = "" if b == 1 else _num(b)
        if kind == "animated_sine":
            c["a_end"] = float(rng.choice([v for v in (-3, -2, -1, 1, 2, 3) if v != a]))
            return {"kind": kind, "coefficients": c, "text": f"y = a·sin({bt}x)", "latex": rf"y = a \sin({bt}x)", "x_range": [-math.pi / b * 1.5, math.pi / b * 1.5]}
        at = "" if a == 1 else _num(a)
        return {"kind": kind, "coefficients": c, "text": f"y = {at}sin({bt}x)", "latex": rf"y = {at}\sin({bt}x)", "x_range": [-math.pi / b * 1.5, math.pi / b * 1.5]}
    if kind == "exponential":
        a, k = float(rng.choice([1, 2, 0.5])), float(rng.choice([-1, -0.5, 0.5, 1]))
        at, kt = ("" if a == 1 else _num(a)), ("" if k == 1 else "\u2212" if k == -1 else _num(k))
        ktx = "" if k == 1 else "-" if k == -1 else f"{k:g}"
        return {"kind": kind, "coefficients": {"a": a, "k": k}, "text": f"y = {at + '·' if at else ''}exp({kt}x)", "latex": f"y = {'' if a == 1 else f'{a:g}'}e^{{{ktx}x}}", "x_range": [-3.0, 3.0]}
    x0, y0 = float(rng.integers(-1, 2)), float(rng.integers(-1, 3))
    m1, m2 = float(rng.choice([-2, -1, -0.5, 0, 0.5])), float(rng.choice([0.5, 1, 2, -1]))
    text = f"y = {_num(m1)}(x {'−' if x0 >= 0 else '+'} {_num(abs(x0))}) + {_num(y0)} for x < {_num(x0)}; {_num(m2)}(x {'−' if x0 >= 0 else '+'} {_num(abs(x0))}) + {_num(y0)} otherwise"
    latex = rf"y = \begin{{cases}} {m1:g}(x - {x0:g}) + {y0:g} & x < {x0:g} \\ {m2:g}(x - {x0:g}) + {y0:g} & x \ge {x0:g} \end{{cases}}"
    return {"kind": kind, "coefficients": {"x0": x0, "y0": y0, "m1": m1, "m2": m2}, "text": text, "latex": latex, "x_range": [-3.0, 3.0]}


def _ticks(lo: float, hi: float, count: int = 5) -> tuple[float, list[float]]:
    step = next((s for s in _STEPS if (hi - lo) / s <= count), _STEPS[-1])
    first = math.ceil(lo / step - 1e-9)
    return step, [round(k * step, 6) for k in range(first, math.floor(hi / step + 1e-9) + 1)]


def _with_vertex(cols: np.ndarray, x: float) -> np.ndarray:
    """``np.unique(np.append(cols, x))`` of strictly increasing ``cols`` (``x`` inserted in order unless
    already there), without np.unique: its first call imports numpy.ma (~17 ms a process)."""
    i = int(np.searchsorted(cols, x))
    return cols if i < len(cols) and cols[i] == x else np.insert(cols, i, x)


def sample(rng: np.random.Generator, params: dict) -> dict:
    """A graph: function, axis ranges and ticks, colours, stroke width and drawing time from ``rng``."""
    bg = pick(rng, _BACKGROUNDS)
    spec = common.skeleton(params, NAME, cap.rgb(bg))
    w, h = spec["width"], spec["height"]
    dur = spec["num_frames"] / spec["fps"]
    axis_c = pick(rng, _AXES)
    curve_c = pick(rng, _CURVES)
    fn = _sample_function(rng)
    x_lo, x_hi = fn["x_range"]
    xs = np.linspace(x_lo, x_hi, 2001)
    amps = [fn["coefficients"]["a"], fn["coefficients"]["a_end"]] if fn["kind"] == "animated_sine" else [None]
    ys = np.concatenate([evaluate(fn, xs, a) for a in amps])
    y_step, _ = _ticks(float(ys.min()), float(ys.max()))
    y_lo = math.floor(ys.min() / y_step) * y_step
    y_hi = math.ceil(ys.max() / y_step) * y_step
    if y_hi - y_lo < y_step * 2:
        y_hi += y_step
    y_step, y_ticks = _ticks(y_lo, y_hi)
    x_step, x_ticks = _ticks(x_lo, x_hi, 7)
    size = max(8, int(round(h * 0.045)))
    font = "dejavu-sans"
    pad, tick = float(max(3, round(0.025 * h))), max(3.0, round(0.02 * h))
    label_w = max(text_layout(font, size, _num(v))["width"] for v in y_ticks)
    left_room = label_w + tick + pad + 5  # the widest y tick label must fit left of the axis
    box = [float(max(round(0.17 * w), np.ceil(left_room))), float(round(0.16 * h)), float(round(0.95 * w)), float(round(0.84 * h))]  # left, top, right, bottom
    sx = (box[2] - box[0]) / (x_hi - x_lo)
    sy = (box[3] - box[1]) / (y_hi - y_lo)

    def px(x, y):
        return [box[0] + (x - x_lo) * sx, box[3] - (y - y_lo) * sy]

    width = int(max(1, round(min(w, h) / 160)) + rng.integers(0, 2))
    axis_w = max(1, width - 1)
    els = spec["elements"]
    # the axes sit ``pad`` outside the data box, so the curve never touches them
    left, bottom = box[0] - pad, box[3] + pad
    els.append(element("polyline", "axes", points=[[left, box[1] - pad], [left, bottom], [box[2] + pad, bottom]], color=cap.rgb(axis_c), width=axis_w))
    for k, v in enumerate(x_ticks):
        x = px(v, y_lo)[0]
        els.append(element("polyline", f"xtick_{k}", points=[[x, bottom], [x, bottom + tick]], color=cap.rgb(axis_c), width=axis_w))
        els.append(element("text", f"xlabel_{k}", text=_num(v), font=font, size=size, color=cap.rgb(axis_c), anchor="center", position=common.centered_text(font, size, _num(v), x, bottom + tick + 2 + size * 0.6)))  # fmt: skip
    for k, v in enumerate(y_ticks):
        y = px(x_lo, v)[1]
        label = _num(v)
        lw = text_layout(font, size, label)["width"]
        els.append(element("polyline", f"ytick_{k}", points=[[left - tick, y], [left, y]], color=cap.rgb(axis_c), width=axis_w))
        els.append(element("text", f"ylabel_{k}", text=label, font=font, size=size, color=cap.rgb(axis_c), anchor="center", position=common.centered_text(font, size, label, left - tick - 3 - lw / 2, y)))  # fmt: skip
    title_size = max(9, int(round(h * 0.055)))
    title = fn["text"] if fn["kind"] != "piecewise" else "piecewise linear y(x)"
    title_size = common.fit_size(font, title, title_size, 0.9 * w)
    els.append(element("text", "title", text=title, font=font, size=title_size, color=cap.rgb(axis_c), anchor="center", position=common.centered_text(font, title_size, title, w / 2, box[1] / 2)))  # fmt: skip
    cols = np.append(np.arange(box[0], box[2], 2.0), box[2])  # a vertex every 2 px: chords stay within 0.05 px of the curve
    if fn["kind"] == "piecewise":  # the kink is a vertex of the drawn polyline
        cols = _with_vertex(cols, round(px(fn["coefficients"]["x0"], 0)[0], 3))
    xv = x_lo + (cols - box[0]) / sx
    t0 = round(float(rng.uniform(0.05, 0.2)) * dur, 3)
    t1 = round(float(rng.uniform(0.6, 0.85)) * dur, 3)
    still = spec["num_frames"] == 1  # one frame: the finished graph (a changing amplitude at its start value)
    if still:
        t0 = t1 = 0.0

    xs_px = rounded(cols, 3)

    def curve(a=None):
        # px(0, y)[1] of every y at once: the same float64 operations, element by element, as one at a
        # time, and rounded as round(y, 3) rounds each
        ys_px = rounded(box[3] - (evaluate(fn, xv, a) - y_lo) * sy, 3)
        return [[c, y] for c, y in zip(xs_px, ys_px)]

    if fn["kind"] == "animated_sine":
        c = fn["coefficients"]
        times = [round(i / spec["fps"], 6) for i in range(spec["num_frames"])]

        def a_at(t):
            u = 0.0 if still else min(max((t - t0) / (t1 - t0), 0.0), 1.0)
            return c["a"] + (c["a_end"] - c["a"]) * u

        els.append(element("polyline", "curve", color=cap.rgb(curve_c), width=width, points={"keys": [[t, curve(a_at(t))] for t in times], "ease": "linear"}))  # fmt: skip
        c["a_track"] = c["a"] if still else {"keys": [[t0, c["a"]], [t1, c["a_end"]]], "ease": "linear"}
    else:
        progress = 1.0 if still else {"keys": [[t0, 0.0], [t1, 1.0]], "ease": "linear"}
        els.append(element("polyline", "curve", points=curve(), color=cap.rgb(curve_c), width=width, progress=progress))
    spec["meta"] = {"function": fn, "x_range": [x_lo, x_hi], "y_range": [y_lo, y_hi], "x_ticks": x_ticks, "y_ticks": y_ticks,
                    "x_step": x_step, "y_step": y_step, "box": box, "scale": [sx, sy], "t_start": t0, "t_end": t1,
                    "colors": {"axes": axis_c, "curve": curve_c}, "background": bg, "stroke_width": width, "title": title}  # fmt: skip
    return spec


def to_pixel(meta: dict, x, y) -> tuple[np.ndarray, np.ndarray]:
    """Data coordinates -> canvas pixels at the meta's axis scale."""
    box, (sx, sy) = meta["box"], meta["scale"]
    return box[0] + (np.asarray(x) - meta["x_range"][0]) * sx, box[3] - (np.asarray(y) - meta["y_range"][0]) * sy


_KIND_WORDS = {"polynomial": ("polynomial", "多项式"), "sine": ("sine wave", "正弦曲线"), "exponential": ("exponential curve", "指数曲线"),
               "piecewise": ("piecewise linear function", "分段线性函数"), "animated_sine": ("sine wave with a changing amplitude", "振幅变化的正弦曲线")}  # fmt: skip


def claims(spec: dict) -> list[dict]:
    """What the captions state: the title and every tick label as drawn, the curve as the graph of
    its function (at the first and last frames for a changing amplitude), the colours, the curve's
    drawn width and its drawing span (clipped to the last frame)."""
    m = spec["meta"]
    fn = m["function"]
    curve, axes = cap.rgb(m["colors"]["curve"]), cap.rgb(m["colors"]["axes"])
    scene = [cap.rgb(v) for v in m["colors"].values()]
    last = cl.clip_end(spec)
    texts = {e["id"]: e["text"] for e in spec["elements"] if e["type"] == "text"}
    out = [cl.claim("quoted_text", "title", element="title", text=m["title"], color=axes)]
    for axis in ("x", "y"):
        out += [cl.claim("quoted_text", f"{axis} tick {k}", element=f"{axis}label_{k}", text=texts[f"{axis}label_{k}"], color=axes) for k in range(len(m[f"{axis}_ticks"]))]
    graph = {k: fn[k] for k in ("kind", "coefficients", "text")}
    scale_marks = [e["id"] for e in spec["elements"] if e["id"] == "axes" or "tick_" in e["id"]]
    final = spec["num_frames"] - 1
    if fn["kind"] == "animated_sine":
        for subject, frame in (("curve at the start", 0), ("curve", final)):
            a = float(value_at(fn["coefficients"]["a_track"], frame / spec["fps"]))
            out.append(cl.claim("curve", subject, function=graph, frame=frame, amplitude=a, title_shown=m["title"] == fn["text"], color=curve, exclude=scale_marks))
    else:
        out.append(cl.claim("curve", "curve", function=graph, frame=final, amplitude=None, title_shown=m["title"] == fn["text"], color=curve, exclude=scale_marks))
    out += [
        cl.colour("curve", m["colors"]["curve"], elements=["curve"], part="ink", base=spec["background"], among=_CURVES),
        cl.colour("background", m["background"], among=_BACKGROUNDS),
        cl.claim("stroke_width", "curve", elements=["curve"], color=curve, others=scene, px=cl.drawn_width(m["stroke_width"])),
    ]
    if spec["num_frames"] > 1:  # a still draws nothing over time
        out.append(cl.claim("time_range", "curve", color=curve, others=scene, grow_only=fn["kind"] != "animated_sine",
                            start=m["t_start"], end=min(m["t_end"], last), stops=m["t_end"] <= last))  # fmt: skip
    if next(e for e in spec["elements"] if e["id"] == "axes")["width"] >= 2:  # a 1 px line never shows black apart from dark gray
        out.append(cl.colour("axes", m["colors"]["axes"], elements=["axes"], part="ink", base=spec["background"], among=_AXES))
    return out


def _function_words(fn: dict, title_shown: bool) -> tuple[str, str]:
    """The function as the caption names it: its on-screen title quoted, or (piecewise, whose formula
    is not on screen) described in words without quotation marks."""
    if title_shown:
        return cap.quote(fn["text"]), cap.quote(fn["text"], "zh")
    c = fn["coefficients"]
    x0, y0, m1, m2 = (_num(c[k]) for k in ("x0", "y0", "m1", "m2"))
    return (f"y(x) with slope {m1} for x < {x0} and slope {m2} for x ≥ {x0}, through ({x0}, {y0})",
            f"y(x)（x < {x0}时斜率为{m1}，x ≥ {x0}时斜率为{m2}，经过点({x0}, {y0})）")  # fmt: skip


def captions(spec: dict, rng: np.random.Generator) -> dict:
    """Captions with the function (quoted only as drawn), tick labels, colours, width and timing, from the claims only."""
    return words(claims(spec), cl.clip_end(spec), rng)


def words(claims: list[dict], end: float, rng: np.random.Generator) -> dict:
    """The captions of a plot's claims (``end``: the time of the last frame)."""
    c = {(x["kind"], x["subject"]): x for x in claims}
    graph = c[("curve", "curve")]
    fn = graph["function"]
    kind, kind_zh = _KIND_WORDS[fn["kind"]]
    title = c[("quoted_text", "title")]["text"]
    q, qz = _function_words(fn, graph["title_shown"])
    xt = ", ".join(x["text"] for x in claims if x["kind"] == "quoted_text" and x["subject"].startswith("x tick"))
    yt = ", ".join(x["text"] for x in claims if x["kind"] == "quoted_text" and x["subject"].startswith("y tick"))
    cc, bg = (cl.colour_words(c[("colour", k)]) for k in ("curve", "background"))
    cz, bgz = (cl.colour_words(c[("colour", k)], "zh") for k in ("curve", "background"))
    ac = f"{cl.colour_words(c[('colour', 'axes')])} axes" if ("colour", "axes") in c else "axes"
    az = f"{cl.colour_words(c[('colour', 'axes')], 'zh')}坐标轴" if ("colour", "axes") in c else "坐标轴"
    if end <= 0:  # one frame: the finished graph
        span = {"start": 0.0, "end": 0.0, "stops": True}
        if fn["kind"] == "animated_sine":
            kind, kind_zh = "sine wave", "正弦曲线"
    else:
        span = c[("time_range", "curve")]
    t0, t1, dur = cap.seconds(span["start"]), cap.seconds(span["end"]), cap.seconds(end)
    hold = f"it stays until {dur} s" if span["stops"] else "the clip ends as it finishes"
    hold_zh = f"并保持到{dur}秒" if span["stops"] else "到视频结束时刚好画完"
    width, width_zh = cl.width_words(c[("stroke_width", "curve")]["px"]), cl.width_words(c[("stroke_width", "curve")]["px"], "zh")
    if end <= 0:
        a = f" with a = {_num(graph['amplitude'])}" if fn["kind"] == "animated_sine" else ""
        temporal, temporal_zh = cap.single_frame(dur, f" showing the finished graph of {q}{a}, drawn across the whole x axis.",
                                                 f"，显示{qz}{a.replace(' with a = ', '（a = ') + '）' if a else ''}完整的图像，曲线横跨整个x轴。")
    elif fn["kind"] == "animated_sine":
        a0, a1 = _num(c[("curve", "curve at the start")]["amplitude"]), _num(graph["amplitude"])
        temporal = cap.choose(rng, [f"From {t0} s to {t1} s the amplitude a of {q} changes steadily from {a0} to {a1}; the curve then holds until {dur} s.",
                                    f"The curve {q} starts with a = {a0}; between {t0} s and {t1} s a moves to {a1}, and the wave stretches accordingly."])  # fmt: skip
        temporal_zh = f"从{t0}秒到{t1}秒，{qz}中的振幅a由{a0}匀速变为{a1}，之后曲线保持到{dur}秒。"
    else:
        temporal = cap.choose(rng, [f"From {t0} s to {t1} s the curve {q} is drawn from left to right at constant speed; {hold}.",
                                    f"The graph of {q} starts at the left end of the x axis at {t0} s and reaches its right end at {t1} s."])  # fmt: skip
        temporal_zh = cap.choose(rng, [f"从{t0}秒到{t1}秒，曲线{qz}从左到右匀速画出，{hold_zh}。", f"{t0}秒开始从左向右绘制{qz}的图像，{t1}秒画完。"])
    en = {
        "short": cap.choose(rng, [f"A plot of {q}.", f"Graph of the {kind} {q} on labelled axes.", f"The {kind} {q} drawn on a coordinate grid."]),
        "detailed": cap.choose(rng, [
            f"On {common.article(bg)} background, {ac} with x ticks labelled {xt} and y ticks labelled {yt}; "
            f"the {kind} {q} is drawn as {common.article(cc)} curve {width} wide, with the title {cap.quote(title)} above.",
            f"{common.article(cc).capitalize()} {kind}, {q}, plotted on {ac}: x axis labelled {xt}, y axis labelled {yt}; {bg} background.",
        ]),
        "temporal": temporal,
    }  # fmt: skip
    zh = {
        "short": cap.choose(rng, [f"{qz}的函数图像。", f"坐标轴上画出{kind_zh}{qz}。"]),
        "detailed": cap.choose(rng, [
            f"{bgz}背景上是{az}，x轴刻度为{xt}，y轴刻度为{yt}；{cz}{kind_zh}{qz}线宽{width_zh}，上方标题为{cap.quote(title, 'zh')}。",
            f"{cz}的{kind_zh}{qz}画在{az}上，x轴刻度为{xt}，y轴刻度为{yt}，背景为{bgz}。",
        ]),
        "temporal": temporal_zh,
    }  # fmt: skip
    return cap.assemble(en, zh)


def difficulty(spec: dict, annotations: list[dict]) -> dict:
    """Stroke width, tick-label glyph height, number of tick labels, and drawing speed in px/s."""
    m = spec["meta"]
    heights = [b[3] - b[1] for tx in annotations[-1]["texts"] if tx["element"] != "title" for b in tx["char_boxes"]]
    box = m["box"]
    return {"stroke_width": float(m["stroke_width"]), "glyph_height_px": float(np.median(heights)) if heights else 0.0,
            "text_length": len(m["title"]), "script": cap.script_of(m["title"]),
            "motion_speed": 0.0 if spec["num_frames"] == 1 else round((box[2] - box[0]) / max(m["t_end"] - m["t_start"], 1e-6), 3)}  # fmt: skip


def verify(spec: dict, frames: np.ndarray, annotations: list[dict]) -> list[str]:
    """Tick labels are the true values at their ticks; the inked curve follows the function within 1 px."""
    m = spec["meta"]
    problems: list[str] = []
    axes_rgb, curve_rgb = cap.rgb(m["colors"]["axes"]), cap.rgb(m["colors"]["curve"])
    scene = [axes_rgb, curve_rgb]
    final = {t["element"]: t for t in annotations[-1]["texts"]}
    ink = common.color_alpha(frames[-1], axes_rgb, scene, spec["background"]) >= 0.3
    for axis, ticks in (("x", m["x_ticks"]), ("y", m["y_ticks"])):
        for k, v in enumerate(ticks):
            label = final.get(f"{axis}label_{k}")
            if label is None or label["string"].replace("\u2212", "-") != f"{v:g}":
                problems.append(f"{axis} tick {k}: label {label and label['string']!r} is not the value {v:g}")
                continue
            x0, y0, x1, y1 = label["box"]
            if not ink[int(y0) : int(math.ceil(y1)), int(x0) : int(math.ceil(x1))].any():
                problems.append(f"{axis} tick {k}: label {label['string']!r} has no ink")
            px_x, px_y = to_pixel(m, v, v)
            centre = (x0 + x1) / 2 if axis == "x" else (y0 + y1) / 2
            pos = float(px_x if axis == "x" else px_y)
            if abs(centre - pos) > 0.5 * (y1 - y0) + 1.5:
                problems.append(f"{axis} tick {k}: label {label['string']!r} sits at {centre:.1f} px, its value maps to {pos:.1f} px")
    fn = m["function"]
    for i, frame in enumerate(frames):
        a = value_at(fn["coefficients"]["a_track"], annotations[i]["time"]) if fn["kind"] == "animated_sine" else None
        problems += curve_problems(spec, fn, frame, annotations[i], a, f"frame {i}")
    return problems


def curve_problems(spec: dict, fn: dict, frame: np.ndarray, annotation: dict, a: float | None, where: str,
                   missing_share: float = 0.0, alpha: np.ndarray | None = None) -> list[str]:  # fmt: skip
    """The inked curve of one frame against the function ``fn`` (amplitude ``a`` for an animated
    sine) at the spec's axis scale: every drawn column inked (but for ``missing_share`` of them),
    within 1 px where the curve is shallow, and no curve ink beyond its drawn end. ``alpha``: the
    curve colour's coverage of the frame (default: fitted in RGB)."""
    m = spec["meta"]
    box, width = m["box"], m["stroke_width"]
    curve_rgb = cap.rgb(m["colors"]["curve"])
    scene = [cap.rgb(m["colors"]["axes"]), curve_rgb]
    problems: list[str] = []
    curve = next(s["params"] for s in annotation["shapes"] if s["element"] == "curve")
    x_end = curve["points"][-1][0] if len(curve["points"]) > 1 else box[0]
    alpha = common.color_alpha(frame, curve_rgb, scene, spec["background"]) if alpha is None else alpha
    cols = np.arange(int(box[0]) + 2, int(x_end) - 2)
    if len(cols) == 0:
        return problems
    xv = m["x_range"][0] + (cols + 0.5 - box[0]) / m["scale"][0]
    _, yv = to_pixel(m, 0, evaluate(fn, xv, a))
    _, yl = to_pixel(m, 0, evaluate(fn, xv - 0.5 / m["scale"][0], a))
    _, yr = to_pixel(m, 0, evaluate(fn, xv + 0.5 / m["scale"][0], a))
    bad, missing = 0, []
    if fn["kind"] == "piecewise":  # at the kink two strokes meet: no single height to measure
        kink = float(to_pixel(m, fn["coefficients"]["x0"], 0)[0])
        keep = np.abs(cols + 0.5 - kink) > width + 2
        cols, yv, yl, yr = cols[keep], yv[keep], yl[keep], yr[keep]
    for c, y, lo, hi in zip(cols, yv, yl, yr):
        top, bottom = min(lo, hi) - width - 2, max(lo, hi) + width + 2
        column = np.clip(alpha[max(0, int(top)) : int(math.ceil(bottom)), c] - 0.1, 0, None)  # drop faint codec bleed
        if column.sum() < 0.3:
            missing.append(int(c))
            if len(missing) > missing_share * len(cols):
                problems.append(f"{where}: the curve is missing at x = {', '.join(map(str, missing[:3]))} px")
                break
            continue
        if abs(hi - lo) < 1.0:  # shallow: the column's ink centre is the curve's height there
            rows = np.arange(max(0, int(top)), max(0, int(top)) + len(column)) + 0.5
            centre = float((rows * column).sum() / column.sum())
            if abs(centre - y) > 1.0:
                bad += 1
                if bad == 1:
                    problems.append(f"{where}: at x = {c} px the curve is drawn at y = {centre:.2f} px, the function gives {y:.2f} px")
    stray = alpha[int(box[1]) : int(box[3]), int(math.ceil(x_end)) + width + 2 : int(box[2]) + 1] > 0.5
    if stray.any():
        problems.append(f"{where}: curve-coloured ink beyond the drawn part of the curve")
    return problems
