"""``formula``: a mathematical expression that appears term by term, laid out without any LaTeX install.

The expression is a small box tree (symbols, superscripts, subscripts, fractions, roots, 2x2
matrices) laid out here with the DejaVu fonts' metrics and drawn as text runs plus strokes
(fraction bars, radical signs, brackets). ``meta`` keeps the LaTeX-style source of every term.
A term is switched on once (opacity step) and never moves; verify() compares each term's pixels
with the final frame's.
"""

from __future__ import annotations

import functools
import math
from fractions import Fraction

import numpy as np

from .. import captions as cap
from .. import claims as cl
from ..claims import measure
from ..draw import pick
from ..render import render_frame
from ..spec import element
from ..textlayout import text_layout
from . import common

NAME = "formula"
RULE = "The final frame shows the whole expression; each term appears in order and never moves once placed."

_BACKGROUNDS = ["white", "cream", "navy", "dark gray"]
_FONTS = ["dejavu-serif", "dejavu-sans"]
_INKS = ["black", "white", "blue", "red", "yellow", "navy", "dark gray"]


# ---------------------------------------------------------------- a tiny box layout

def _sym(text):
    return ("sym", text)


def layout(node, size: float, font: str):
    """Lay out a node at font ``size``: (width, ascent, descent, items) with items relative to (pen 0, baseline 0).

    Items are ``("text", string, size, x, baseline_y)`` and ``("line", [[x, y], ...], width)``.
    """
    kind = node[0]
    if kind == "sym":
        s = max(6, int(round(size)))
        return (*_sym_box(font, s, node[1]), [("text", node[1], s, 0.0, 0.0)])
    if kind == "row":
        x, asc, desc, items = 0.0, 0.0, 0.0, []
        for child in node[1]:
            w, a, d, its = layout(child, size, font)
            items += _shift(its, x, 0.0)
            x += w + size * 0.12
            asc, desc = max(asc, a), max(desc, d)
        return x - size * 0.12, asc, desc, items
    if kind == "subsup":  # limits of a big operator: superscript and subscript stacked at the same x
        bw, ba, bd, bits = layout(node[1], size, font)
        sw, sa, sd, sits = layout(node[2], size * 0.55, font)
        pw, pa, pd, pits = layout(node[3], size * 0.55, font)
        up, down = -(ba * 0.6 + pd), bd + sa * 0.8
        items = bits + _shift(pits, bw + size * 0.05, up) + _shift(sits, bw + size * 0.05, down)
        return bw + size * 0.05 + max(sw, pw), max(ba, -up + pa), max(bd, down + sd), items
    if kind in ("sup", "sub"):
        bw, ba, bd, bits = layout(node[1], size, font)
        sw, sa, sd, sits = layout(node[2], size * 0.62, font)
        dy = -(ba * 0.55 + sd) if kind == "sup" else bd * 0.4 + sa * 0.6
        items = bits + _shift(sits, bw + size * 0.05, dy)
        return bw + size * 0.05 + sw, max(ba, -dy + sa), max(bd, dy + sd), items
    if kind == "frac":
        nw, na, nd, nits = layout(node[1], size * 0.8, font)
        dw, da, dd, dits = layout(node[2], size * 0.8, font)
        w = max(nw, dw) + size * 0.3
        axis = -size * 0.3  # the fraction bar sits at the maths axis, a little above the baseline
        gap = size * 0.15
        items = _shift(nits, (w - nw) / 2, axis - gap - nd) + _shift(dits, (w - dw) / 2, axis + gap + da)
        items.append(("line", [[0.0, axis], [w, axis]], max(1, round(size / 14))))
        return w, -axis + gap + nd + na, axis + gap + da + dd, items
    if kind == "sqrt":
        bw, ba, bd, bits = layout(node[1], size, font)
        lw = max(1, round(size / 14))
        top = -ba - size * 0.15
        hook = size * 0.45
        items = _shift(bits, hook + size * 0.1, 0.0)
        items.append(("line", [[0.0, -size * 0.25], [hook * 0.35, -size * 0.32], [hook * 0.7, bd], [hook, top], [hook + size * 0.15 + bw, top]], lw))
        return hook + size * 0.2 + bw, -top + lw, bd, items
    if kind == "matrix":
        rows = node[1]
        cells = [[layout(c, size * 0.9, font) for c in row] for row in rows]
        col_w = [max(cells[r][c][0] for r in range(len(rows))) for c in range(len(rows[0]))]
        row_h = size * 1.15
        height = row_h * len(rows)
        top = -height / 2 - size * 0.3
        pad = size * 0.35
        items, x = [], pad
        for c, cw in enumerate(col_w):
            for r in range(len(rows)):
                w, a, d, its = cells[r][c]
                items += _shift(its, x + (cw - w) / 2, top + row_h * (r + 0.78))
            x += cw + size * 0.6
        x += pad - size * 0.6
        lw = max(1, round(size / 14))
        br = size * 0.2
        items.append(("line", [[br, top], [0.0, top], [0.0, top + height], [br, top + height]], lw))
        items.append(("line", [[x - br, top], [x, top], [x, top + height], [x - br, top + height]], lw))
        return x, -top, top + height, items
    raise ValueError(f"unknown node {kind!r}")


@functools.lru_cache(maxsize=4096)
def _sym_box(font: str, s: int, text: str) -> tuple[float, float, float]:
    """Width, ascent and descent of a symbol's ink at size ``s``, remembered: the fitting loop lays
    out every term at several sizes, and the symbols of the few expressions recur from clip to clip."""
    lay = text_layout(font, s, text)
    inks = [b for b in lay["inks"] if b is not None]
    asc = -min(b[1] for b in inks) if inks else s * 0.7
    desc = max(b[3] for b in inks) if inks else 0.0
    return lay["width"], max(asc, s * 0.35), max(desc, 0.0)


def _shift(items, dx, dy):
    out = []
    for it in items:
        if it[0] == "text":
            out.append(("text", it[1], it[2], it[3] + dx, it[4] + dy))
        else:
            out.append(("line", [[x + dx, y + dy] for x, y in it[1]], it[2]))
    return out


# ---------------------------------------------------------------- expressions (terms + LaTeX)

def _row(*parts):
    return ("row", [(_sym(p) if isinstance(p, str) else p) for p in parts])


def _expressions(rng):
    """(name, [(node, latex, words)], plain text) for one of several templates, numbers drawn from rng."""
    kind = int(rng.integers(7))
    if kind == 0:
        a, b = (int(v) for v in rng.integers(1, 10, 2))
        c, d = (int(v) for v in rng.integers(2, 10, 2))
        total = Fraction(a, c) + Fraction(b, d)
        terms = [(("frac", _sym(str(a)), _sym(str(c))), rf"\frac{{{a}}}{{{c}}}"), (_sym("+"), "+"),
                 (("frac", _sym(str(b)), _sym(str(d))), rf"\frac{{{b}}}{{{d}}}"), (_sym("="), "=")]  # fmt: skip
        terms.append((("frac", _sym(str(total.numerator)), _sym(str(total.denominator))) if total.denominator != 1 else _sym(str(total.numerator)),
                      rf"\frac{{{total.numerator}}}{{{total.denominator}}}" if total.denominator != 1 else str(total.numerator)))  # fmt: skip
        return "fraction sum", terms
    if kind == 1:
        return "quadratic formula", [(_sym("x"), "x"), (_sym("="), "="),
            (("frac", _row("\u2212b", "±", ("sqrt", _row(("sup", _sym("b"), _sym("2")), "\u2212", "4ac"))), _sym("2a")), r"\frac{-b \pm \sqrt{b^2 - 4ac}}{2a}")]  # fmt: skip
    if kind == 2:
        a = int(rng.choice([3, 5, 6, 8, 9, 12]))
        trip = {3: (4, 5), 5: (12, 13), 6: (8, 10), 8: (15, 17), 9: (12, 15), 12: (16, 20)}[a]
        return "Pythagorean identity", [(("sup", _sym(str(a)), _sym("2")), f"{a}^2"), (_sym("+"), "+"), (("sup", _sym(str(trip[0])), _sym("2")), f"{trip[0]}^2"),
                                        (_sym("="), "="), (("sup", _sym(str(trip[1])), _sym("2")), f"{trip[1]}^2")]  # fmt: skip
    if kind == 3:
        return "Euler's identity", [(("sup", _sym("e"), _sym("iπ")), r"e^{i\pi}"), (_sym("+"), "+"), (_sym("1"), "1"), (_sym("="), "="), (_sym("0"), "0")]
    if kind == 4:
        n = int(rng.integers(3, 20))
        return "sum of integers", [(("subsup", _sym("∑"), _sym("k=1"), _sym(str(n))), rf"\sum_{{k=1}}^{{{n}}}"), (_sym("k"), "k"), (_sym("="), "="),
                                   (_sym(str(n * (n + 1) // 2)), str(n * (n + 1) // 2))]  # fmt: skip
    if kind == 5:
        a, b, c, d = (int(v) for v in rng.integers(-5, 10, 4))
        det = a * d - b * c

        def num(v):
            return str(v).replace("-", "\u2212")

        return "determinant", [(_sym("det"), r"\det"), (("matrix", [[_sym(num(a)), _sym(num(b))], [_sym(num(c)), _sym(num(d))]]),
                               rf"\begin{{pmatrix}} {a} & {b} \\ {c} & {d} \end{{pmatrix}}"), (_sym("="), "="), (_sym(num(det)), str(det))]  # fmt: skip
    greek = [("α", r"\alpha"), ("β", r"\beta"), ("γ", r"\gamma"), ("θ", r"\theta"), ("λ", r"\lambda"), ("μ", r"\mu")]
    g1, t1 = pick(rng, greek)
    return "trigonometric identity", [(("sup", _sym("sin"), _sym("2")), r"\sin^2"), (_sym(g1), t1), (_sym("+"), "+"), (("sup", _sym("cos"), _sym("2")), r"\cos^2"),
                                      (_sym(g1), t1), (_sym("="), "="), (_sym("1"), "1")]  # fmt: skip


def _plain(node) -> str:
    kind = node[0]
    if kind == "sym":
        return node[1]
    if kind == "row":
        return "".join(_plain(c) for c in node[1])
    if kind == "sup":
        return f"{_plain(node[1])}^{_plain(node[2])}"
    if kind == "sub":
        return f"{_plain(node[1])}_{_plain(node[2])}"
    if kind == "subsup":
        return f"{_plain(node[1])}_{_plain(node[2])}^{_plain(node[3])}"
    if kind == "frac":
        return f"({_plain(node[1])})/({_plain(node[2])})"
    if kind == "sqrt":
        return f"√({_plain(node[1])})"
    return "[" + "; ".join(" ".join(_plain(c) for c in row) for row in node[1]) + "]"


def sample(rng: np.random.Generator, params: dict) -> dict:
    """An expression, its font, size, colours and the time each term appears, drawn from ``rng``."""
    bg = pick(rng, _BACKGROUNDS)
    spec = common.skeleton(params, NAME, cap.rgb(bg))
    w, h = spec["width"], spec["height"]
    dur = spec["num_frames"] / spec["fps"]
    name, terms = _expressions(rng)
    font = pick(rng, _FONTS)
    color = cap.contrasting(rng, bg, _INKS)
    size = float(rng.uniform(0.1, 0.14) * h)
    gap = 0.3
    while True:
        boxes = [layout(node, size, font) for node, _ in terms]
        total = sum(b[0] for b in boxes) + gap * size * (len(terms) - 1)
        if total <= 0.84 * w or size <= 8:
            break
        size *= 0.92
    asc, desc = max(b[1] for b in boxes), max(b[2] for b in boxes)
    baseline = float(round(h / 2 + (asc - desc) / 2))
    x = float(round((w - total) / 2))
    t0 = round(float(rng.uniform(0.05, 0.15)) * dur, 3)
    t1 = round(float(rng.uniform(0.6, 0.8)) * dur, 3)
    last = (spec["num_frames"] - 1) / spec["fps"]  # the last frame's time: every term shows by then
    if last <= 0:  # one frame: every term is on it
        t0 = t1 = 0.0
    elif last < t1:  # few frames
        t0, t1 = round(t0 * last / t1, 3), math.floor(last * 1000) / 1000
    times = [round(t0 + (t1 - t0) * k / max(len(terms) - 1, 1), 3) for k in range(len(terms))]
    shown = (lambda at: {}) if last <= 0 else (lambda at: {"opacity": common.step_on(at)})  # one frame: the whole equation
    term_meta = []
    for k, ((node, latex), (tw, ta, td, items), at) in enumerate(zip(terms, boxes, times)):
        ids = []
        for j, it in enumerate(items):
            el_id = f"term{k}_{j}"
            ids.append(el_id)
            if it[0] == "text":
                lay = text_layout(font, it[2], it[1])
                px, by = round(x + it[3]), round(baseline + it[4])  # whole pixels: glyphs are copied exactly
                spec["elements"].append(element("text", el_id, text=it[1], font=font, size=it[2], color=cap.rgb(color), position=[float(px), float(by + (lay["descent"] - lay["ascent"]) / 2)], anchor="left", **shown(at)))  # fmt: skip
            else:
                spec["elements"].append(element("polyline", el_id, points=[[round(x + px, 3), round(baseline + py, 3)] for px, py in it[1]], color=cap.rgb(color), width=int(it[2]), **shown(at)))  # fmt: skip
        term_meta.append({"latex": latex, "text": _plain(node), "display": display(node), "time": at, "elements": ids, "box": [round(x, 3), round(baseline - ta, 3), round(x + tw, 3), round(baseline + td, 3)]})
        x += tw + gap * size
    spec["meta"] = {"name": name, "latex": " ".join(t["latex"] for t in term_meta), "text": " ".join(t["text"] for t in term_meta), "terms": term_meta,
                    "font": font, "size": round(size, 3), "color": color, "background": bg, "t_start": t0, "t_end": t1}  # fmt: skip
    return spec


_SUP = str.maketrans("0123456789+−=()in", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁱⁿ")
_SUB = str.maketrans("0123456789+−=()k", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₖ")


def _script(text: str, table: dict) -> str | None:
    out = text.translate(table)
    return out if all(a != b or a in " " for a, b in zip(text, out)) else None


def display(node) -> str:
    """A formula node written with the glyphs it shows (superscript digits, √, ∑, ±), never LaTeX."""
    kind = node[0]
    if kind == "sym":
        return node[1]
    if kind == "row":
        return " ".join(display(c) for c in node[1])
    if kind in ("sup", "subsup"):
        base, exp = display(node[1]), display(node[-1])
        sub = _script(display(node[2]), _SUB) if kind == "subsup" else ""
        up = _script(exp, _SUP)
        if up is None or sub is None:
            return f"({base} to the power {exp})" if kind == "sup" else f"{base} from {display(node[2])} to {exp} of"
        return base + sub + up
    if kind == "sub":
        low = _script(display(node[2]), _SUB)
        return display(node[1]) + (low if low is not None else f" sub {display(node[2])}")
    if kind == "frac":
        top, bottom = display(node[1]), display(node[2])
        return "/".join(f"({v})" if " " in v else v for v in (top, bottom))
    if kind == "sqrt":
        return f"√({display(node[1])})"
    rows = "; ".join(", ".join(display(c) for c in row) for row in node[1])
    return f"of the matrix with rows ({rows.replace('; ', ') and (')})"


def claims(spec: dict) -> list[dict]:
    """What the captions state: the equation as drawn (every term's elements present at the end; its
    name and the glyphs of each term), the frame times at which the first and last terms first show,
    where it sits, its colour and the background's, and the number of terms."""
    m = spec["meta"]
    color = cap.rgb(m["color"])
    els = {e["id"]: e for e in spec["elements"]}

    def shows(term):
        return round(cl.first_frame_time(spec, els[term["elements"][0]].get("opacity", 1.0), lambda v: v >= 1), 6)

    first, last = m["terms"][0], m["terms"][-1]
    frame, _ = render_frame(spec, spec["num_frames"] - 1)
    x0, y0, x1, y1 = measure.ink_box(measure.coverage(frame, color, spec["background"]))
    every = [e for t in m["terms"] for e in t["elements"]]
    return [
        cl.claim("position_region", "equation", color=color, frame=spec["num_frames"] - 1, **cl.region((x0 + x1) / 2, (y0 + y1) / 2, spec["width"], spec["height"])),
        cl.claim("formula", "equation", text=" ".join(t["display"] for t in m["terms"]), terms=[t["elements"] for t in m["terms"]],
                 name=m["name"], displays=[t["display"] for t in m["terms"]]),
        cl.claim("first_ink", "the first term", color=color, box=first["box"], time=shows(first)),
        cl.claim("first_ink", "the last term", color=color, box=last["box"], time=shows(last)),
        cl.count("terms", [t["elements"][0] for t in m["terms"]], color=color),
        cl.colour("equation", m["color"], elements=every, part="ink", base=spec["background"], among=_INKS),
        cl.colour("background", m["background"], among=_BACKGROUNDS),
    ]  # fmt: skip


def captions(spec: dict, rng: np.random.Generator) -> dict:
    """Captions writing the equation with the glyphs shown (no LaTeX), the term order and timing, and
    the colours, from the claims only."""
    return words(claims(spec), cl.clip_end(spec), rng)


def words(claims: list[dict], end: float, rng: np.random.Generator) -> dict:
    """The captions of a formula's claims (``end``: the time of the last frame)."""
    c = {(x["kind"], x["subject"]): x for x in claims}
    eq = c[("formula", "equation")]
    q, name = eq["text"], eq["name"]
    n = c[("count", "terms")]["count"]
    where, where_zh = cl.region_words(c[("position_region", "equation")]), cl.region_words(c[("position_region", "equation")], "zh")
    col, col_zh = cl.colour_words(c[("colour", "equation")]), cl.colour_words(c[("colour", "equation")], "zh")
    bg, bg_zh = cl.colour_words(c[("colour", "background")]), cl.colour_words(c[("colour", "background")], "zh")
    order = ", then ".join(eq["displays"])
    order_zh = "，然后".join(eq["displays"])
    ta, tb = c[("first_ink", "the first term")]["time"], c[("first_ink", "the last term")]["time"]
    t0, t1, dur = cap.seconds(ta), cap.seconds(tb), cap.seconds(end)
    if end <= 0:  # one frame: the whole equation, nothing appearing
        still, still_zh = cap.single_frame(dur, f" showing the whole equation {q}: all {n} terms are written, left to right: {', '.join(eq['displays'])}.",
                                           f"，显示完整的公式 {q}：{n}项从左到右全部写出：{'，'.join(eq['displays'])}。")  # fmt: skip
        en = {"short": f"The {name} {q}, written out in full.",
              "detailed": f"On {common.article(bg)} background, the {name}, the equation {q}, in {col} type {where}, {n} terms in one line.",
              "temporal": still}
        zh = {"short": f"完整写出的公式 {q}。", "detailed": f"{bg_zh}背景上，{where_zh}是{col_zh}的公式 {q}，共{n}项排成一行。",
              "temporal": still_zh}  # fmt: skip
        return cap.assemble(en, zh)
    en = {
        "short": cap.choose(rng, [f"The {name} {q} written term by term.", f"A formula appears piece by piece: the equation {q}.", f"Typesetting the equation {q} one term at a time."]),
        "detailed": cap.choose(rng, [
            f"On {common.article(bg)} background, the {name}, the equation {q}, in {col} type {where}, {n} terms in one line.",
            f"{common.article(col).capitalize()} formula {where} on {bg}: the equation {q}, typeset with {n} terms.",
        ]),
        "temporal": cap.choose(rng, [
            f"From {t0} s to {t1} s the terms appear left to right: {order}; each stays where it is placed, and the whole expression holds until {dur} s.",
            f"The first term appears at {t0} s and the last at {t1} s; nothing moves once it is shown, and the equation holds until {dur} s.",
        ]),
    }  # fmt: skip
    zh = {
        "short": cap.choose(rng, [f"逐项写出公式 {q}。", f"公式 {q} 一项一项地出现。"]),
        "detailed": f"{bg_zh}背景上，{where_zh}是{col_zh}的公式 {q}，共{n}项排成一行。",
        "temporal": f"从{t0}秒到{t1}秒，各项从左到右依次出现：{order_zh}；每项出现后位置不变，完整公式保持到{dur}秒。",
    }
    return cap.assemble(en, zh)


def difficulty(spec: dict, annotations: list[dict]) -> dict:
    """Formula length (characters of its plain form), glyph height, and terms per second."""
    m = spec["meta"]
    heights = [b[3] - b[1] for tx in annotations[-1]["texts"] for b in tx["char_boxes"]]
    return {"text_length": len(m["text"].replace(" ", "")), "script": "latin", "glyph_height_px": float(np.median(heights)) if heights else 0.0,
            "motion_speed": 0.0 if spec["num_frames"] == 1 else round(len(m["terms"]) / max(m["t_end"] - m["t_start"], 1e-6), 3), "stroke_width": 1.0}  # fmt: skip


def verify(spec: dict, frames: np.ndarray, annotations: list[dict]) -> list[str]:
    """Each term's box is blank before its time and pixel-identical to the final frame from then on; the final frame inks every term."""
    m = spec["meta"]
    problems: list[str] = []
    h, w = frames.shape[1:3]
    final = frames[-1]
    ink = common.ink_mask(final, spec["background"])
    boxes = []
    edges = [t["box"] for t in m["terms"]]
    for k, term in enumerate(m["terms"]):
        x0, y0, x1, y1 = term["box"]
        left = (edges[k - 1][2] + x0) / 2 if k else x0 - 2  # each term owns the space up to half-way to its neighbours
        right = (x1 + edges[k + 1][0]) / 2 if k + 1 < len(edges) else x1 + 2
        boxes.append((max(0, int(np.ceil(left))), max(0, int(y0) - 2), min(w, int(right)), min(h, int(np.ceil(y1)) + 2)))
        if not ink[boxes[-1][1] : boxes[-1][3], boxes[-1][0] : boxes[-1][2]].any():
            problems.append(f"final frame: term {k} {term['latex']!r} is not shown")
    for i, frame in enumerate(frames):
        t = annotations[i]["time"]
        frame_ink = common.ink_mask(frame, spec["background"], threshold=80)  # lossy video leaves faint ringing: ignore it
        shown = []
        for k, (term, (x0, y0, x1, y1)) in enumerate(zip(m["terms"], boxes)):
            on = int(frame_ink[y0:y1, x0:x1].sum()) >= 3
            shown.append(on)
            if t + 1e-9 >= term["time"]:
                diff = np.abs(frame[y0:y1, x0:x1].astype(np.int16) - final[y0:y1, x0:x1]).max(-1)
                if (diff > 80).mean() > 0.01:  # exact on rendered frames; tolerant of codec noise, not of a shifted glyph
                    problems.append(f"frame {i}: term {k} {term['latex']!r} differs from its final placement (moved or changed)")
            elif on:
                problems.append(f"frame {i}: term {k} {term['latex']!r} is shown before its time")
        if False in shown and any(shown[shown.index(False) :]):
            problems.append(f"frame {i}: terms shown out of order {shown}")
    return problems
