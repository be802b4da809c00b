"""Claims and captions of the geometry family (and its difficulty labels).

``claims(spec)`` states what the rendered clip shows (labels, colours, radius, angles, the circle's
relation to the triangle, turns, widths, times); ``words(claims, end, rng)`` writes the captions from
those claims alone.
"""

from __future__ import annotations

import numpy as np

from ... import captions as cap
from ... import claims as cl
from .. import common

_KIND_ZH = {"circumcircle": "外接圆", "incircle": "内切圆"}
_INKS = ["black", "red", "green", "blue", "purple", "orange"]
_BACKGROUNDS = ["white", "cream"]


def claims(spec: dict) -> list[dict]:
    """What the captions state: the drawn labels, colours, the circle's radius, the triangle's angles
    and the circle's relation to it, the turn of the compass or point, the drawn stroke widths
    (OpenCV's ink, measured) and the time spans of the changes, clipped to the last frame."""
    m = spec["meta"]
    col = {role: cap.rgb(c) for role, c in m["colors"].items()}
    k = m["construction"]
    px = cl.drawn_width(m["stroke_width"])
    last = cl.clip_end(spec)
    scene = [list(v) for v in col.values()]
    ids = [e["id"] for e in spec["elements"]]
    labels = [i for i in ids if i.startswith("label_")]
    bg = spec["background"]
    out = [cl.claim("label", name, element=f"label_{name}", color=col["label"], others=scene, point=at, size=m["label_size"]) for name, at in m["label_anchors"].items()]
    lines = {"circumcircle": ["edges"], "incircle": ["edges"], "compass": ["leg"], "moving_point": ["radius"]}[k]
    out.append(cl.claim("stroke_width", "circle", elements=["circle"], color=col["circle"], others=scene, px=px))
    out.append(cl.claim("stroke_width", "lines", elements=lines, color=col["line"], others=scene, px=px))
    out += [
        cl.colour("background", m["background"], among=_BACKGROUNDS),
        # the sides keep the circle that touches or crosses them (it lies along an incircle's sides); the
        # compass leg ends on its arc, where the circle's ink outweighs a 1 px leg's thin ink
        cl.colour("lines", m["colors"]["line"], elements=lines, part="ink", base=bg, exclude=[i for i in ids if i not in lines and (i != "circle" or k == "compass")], among=_INKS),
        cl.colour("circle", m["colors"]["circle"], elements=["circle"], part="ink", base=bg, exclude=[i for i in ids if i != "circle"], among=_INKS),
        # a label's box also holds the strokes it is drawn over (the compass leg passes under 'O')
        cl.colour("labels", m["colors"]["label"], elements=labels, part="ink", base=bg, exclude=[i for i in ids if i not in labels], among=_INKS),
        cl.claim("radius", "circle", element="circle", color=col["circle"], px=round(m["radius"], 1), exclude=[i for i in ids if i != "circle"]),
    ]  # fmt: skip
    # each change is measured near its own strokes, away from strokes of similar colours drawn at other times
    reach = px / 2 + 2.0
    if k in ("circumcircle", "incircle"):
        out.append(cl.count("centre dot", ["dot_O"], color=col["circle"], others=scene))
        marks = ["circle"] + [i for i in ids if i.startswith(("dot_", "label_"))]
        # the incircle lies over a long stretch of every side and hides half its stroke there: the
        # sides' directions cannot be measured to 2 degrees, so the angles are stated for circumcircles only
        for index, name in enumerate("ABC" if k == "circumcircle" else ""):
            out.append(cl.claim("angle", name, element="edges", index=index, color=col["line"], others=scene, exclude=marks,
                                exclude_grow=1.0, degrees=round(m["angles"][name])))  # fmt: skip
        if m["t_circle"] <= last:
            out.append(cl.claim("relation", k, relation=k, circle="circle", polygon="edges", circle_color=col["circle"], line_color=col["line"], others=scene, exclude_grow=px / 2 + 2.0,
                                exclude=[i for i in ids if i.startswith(("dot_", "label_"))]))  # fmt: skip
        else:  # the circle is still being traced at the end: its kind only, no relation measured
            out.append(cl.claim("count", k, elements=["circle"], count=1, color=col["circle"], others=scene))
        if spec["num_frames"] == 1:  # a still: nothing is drawn over time
            return out
        out.append(cl.claim("time_range", "triangle", color=col["line"], others=scene, grow_only=True, within=["edges"], exclude=["circle"], reach=reach, exclude_reach=px / 2 + 1,
                            start=0.0, end=min(m["t_edges"], last), stops=m["t_edges"] <= last))  # fmt: skip
        out.append(cl.claim("time_range", "circle", color=col["circle"], others=scene, grow_only=True, within=["circle"], reach=reach,
                            start=m["t_edges"], end=min(m["t_circle"], last), stops=m["t_circle"] <= last))  # fmt: skip
    elif spec["num_frames"] == 1:  # a still: the circle and its leg, or the point with its radius and chord, at rest
        if k == "moving_point":
            out.append(cl.colour("point", m["colors"]["point"], elements=["point_P"], part="fill", among=_INKS))
            out.append(cl.colour("chord", m["colors"]["chord"], elements=["chord"], part="ink", base=bg, exclude=["point_P", "dot_Q", "label_O", "radius"], among=_INKS, frame=0))
            out.append(cl.count("fixed point", ["dot_Q"], color=col["chord"], others=scene))
    else:
        role = "circle" if k == "compass" else "point"
        out.append(cl.claim("time_range", role, color=col[role], others=scene, within=["circle"], exclude=["dot_Q"], reach=reach + 4.0,
                            start=m["t_start"], end=min(m["t_end"], last), stops=m["t_end"] <= last))  # fmt: skip
        stops = m["t_end"] <= last
        if k == "compass":
            out.append(cl.claim("turn", "compass", element="leg", color=col["line"], others=scene, center=m["center"], exclude=labels,
                                direction=m["direction"], degrees=360.0 if stops else None))  # fmt: skip
        else:
            out.append(cl.claim("turn", "point", element="point_P", color=col["point"], others=scene, center=m["center"],
                                direction=m["direction"], degrees=round(abs(m["turns"]) * 360) if stops else None))  # fmt: skip
            out.append(cl.colour("point", m["colors"]["point"], elements=["point_P"], part="fill", among=_INKS))
            out.append(cl.colour("chord", m["colors"]["chord"], elements=["chord"], part="ink", base=bg, exclude=["point_P", "dot_Q", "label_O", "radius"], among=_INKS, frame=0))  # the chord is longest at the start
            out.append(cl.count("fixed point", ["dot_Q"], color=col["chord"], others=scene))
    return out


def captions(spec: dict, rng: np.random.Generator) -> dict:
    """Captions naming the construction, its drawn labels, radius in px, angles, colours, widths and
    timing, from the claims only."""
    return words(claims(spec), cl.clip_end(spec), rng)


def words(claims: list[dict], end: float, rng: np.random.Generator) -> dict:
    """The captions of a construction's claims (``end``: the time of the last frame)."""
    c = {(x["kind"], x["subject"]): x for x in claims}
    col = {x["subject"]: cl.colour_words(x) for x in claims if x["kind"] == "colour"}
    zh = {x["subject"]: cl.colour_words(x, "zh") for x in claims if x["kind"] == "colour"}
    bg, bg_zh = col["background"], zh["background"]
    r = f"{c[('radius', 'circle')]['px']:.1f}"
    width, width_zh = cl.width_words(c[("stroke_width", "lines")]["px"]), cl.width_words(c[("stroke_width", "lines")]["px"], "zh")
    dur = cap.seconds(end)
    if end <= 0:
        return _still_words(c, col, zh, r, (width, width_zh), dur)
    if ("time_range", "triangle") in c:
        k = "circumcircle" if ("relation", "circumcircle") in c or ("count", "circumcircle") in c else "incircle"
        related = ("relation", k) in c
        if ("angle", "A") in c:
            a = {n: c[("angle", n)]["degrees"] for n in "ABC"}
            angles, angles_zh = f" ({a['A']}°, {a['B']}° and {a['C']}° at A, B and C)", f"，∠A = {a['A']}°，∠B = {a['B']}°，∠C = {a['C']}°"
        else:
            angles, angles_zh = "", ""
        angles_par_zh = f"（{angles_zh[1:]}）" if angles_zh else ""
        tri, circ = c[("time_range", "triangle")], c[("time_range", "circle")]
        te, tc = cap.seconds(tri["end"]), cap.seconds(circ["end"])
        what = "circumscribed circle" if k == "circumcircle" else "inscribed circle"
        rel = ("passing through all three vertices" if k == "circumcircle" else "touching all three sides") if related else "not yet closed"
        rel_zh = ("经过三个顶点" if k == "circumcircle" else "与三条边都相切") if related else "尚未闭合"
        done = f"completes at {tc} s, and the figure holds to {dur} s" if circ["stops"] else f"is still being traced when the clip ends at {dur} s"
        done_zh = f"于{tc}秒完成，并保持到{dur}秒" if circ["stops"] else f"到{dur}秒视频结束时仍在绘制"
        en = {
            "short": cap.choose(rng, [f"Triangle 'ABC' drawn edge by edge, then its {what}.",
                                      f"A geometric construction: triangle 'ABC' and its {k}.",
                                      f"Drawing triangle 'ABC' and the {what} around its marked centre."]),  # fmt: skip
            "detailed": cap.choose(rng, [
                f"On {common.article(bg)} background, {common.article(col['lines'])} triangle with vertices labelled 'A', 'B', 'C' in {col['labels']}{angles} "
                f"and its {col['circle']} {what} of radius {r} px around a {col['circle']} centre dot, {rel}; lines {width} wide.",
                f"{common.article(col['lines']).capitalize()} triangle 'ABC'{angles} on {bg}, with its {what} in {col['circle']}: centre marked by a dot, radius {r} px, {rel}. "
                f"The vertex labels are {col['labels']}.",
            ]),
            "temporal": cap.choose(rng, [
                f"From 0.0 s to {te} s the sides AB, BC and CA are drawn one after another, each label appearing as its vertex is reached; "
                f"from {te} s the {what} is traced around the centre dot and {done}.",
                f"The triangle closes at {te} s; then the {k} (radius {r} px) is traced and {done}.",
            ]),
        }  # fmt: skip
        zh_caps = {
            "short": cap.choose(rng, [f"逐边画出三角形“ABC”，再画出它的{_KIND_ZH[k]}。", f"尺规作图：三角形“ABC”及其{_KIND_ZH[k]}。"]),
            "detailed": cap.choose(rng, [
                f"{bg_zh}背景上，{zh['lines']}三角形的顶点标为“A”“B”“C”（{zh['labels']}{angles_zh}），"
                f"{zh['circle']}{_KIND_ZH[k]}的圆心用圆点标出、半径{r}像素，{rel_zh}；线宽{width_zh}。",
                f"画面中是{zh['lines']}三角形“ABC”{angles_par_zh}及其{zh['circle']}{_KIND_ZH[k]}：圆心处有圆点，半径{r}像素，{rel_zh}。",
            ]),
            "temporal": cap.choose(rng, [
                f"0.0秒到{te}秒依次画出边AB、BC、CA，每到一个顶点就出现其标签；从{te}秒起绕圆心画出{_KIND_ZH[k]}，{done_zh}。",
                f"三角形在{te}秒闭合，随后画出半径{r}像素的{_KIND_ZH[k]}，{done_zh}。",
            ]),
        }  # fmt: skip
        return cap.assemble(en, zh_caps)
    compass = ("turn", "compass") in c
    turn = c[("turn", "compass" if compass else "point")]
    span = c[("time_range", "circle" if compass else "point")]
    t0, t1 = cap.seconds(span["start"]), cap.seconds(span["end"])
    d, d_zh = turn["direction"], "顺时针" if turn["direction"] == "clockwise" else "逆时针"
    if compass:
        closes = f"the compass makes one full {d} turn and the circle closes; it stays until {dur} s" if span["stops"] else f"the compass turns {d}; the circle is not yet closed when the clip ends"
        closes_zh = f"圆规{d_zh}转一整圈，圆闭合，并保持到{dur}秒" if span["stops"] else f"圆规{d_zh}旋转，到视频结束时圆尚未闭合"
        en = {
            "short": cap.choose(rng, [f"A compass traces a circle of radius {r} px around 'O'.", "A compass drawing a circle around centre 'O'."]),
            "detailed": cap.choose(rng, [
                f"On {common.article(bg)} background, {common.article(col['lines'])} compass leg turns {d} around the point 'O' "
                f"({col['labels']} label) and leaves {common.article(col['circle'])} circle of radius {r} px behind it; lines {width} wide.",
                f"{common.article(col['circle']).capitalize()} circle of radius {r} px is traced {d} by {common.article(col['lines'])} compass leg pivoting on 'O', on {bg}.",
            ]),
            "temporal": cap.choose(rng, [
                f"From {t0} s to {t1} s {closes}.",
                f"The arc starts at {t0} s and grows at a steady rate until {t1} s{'' if span['stops'] else ', when the clip ends'}.",
            ]),
        }  # fmt: skip
        zh_caps = {
            "short": cap.choose(rng, [f"圆规绕“O”画出半径{r}像素的圆。", "圆规以“O”为圆心画圆。"]),
            "detailed": f"{bg_zh}背景上，{zh['lines']}圆规脚绕点“O”{d_zh}旋转，留下半径{r}像素的{zh['circle']}圆；线宽{width_zh}。",
            "temporal": cap.choose(rng, [f"从{t0}秒到{t1}秒{closes_zh}。", f"{t0}秒开始画弧，匀速延伸到{t1}秒。"]),
        }
        return cap.assemble(en, zh_caps)
    travelled = f"{turn['degrees']}" if turn["degrees"] is not None else None
    rest = f"; it rests until {dur} s" if span["stops"] else ", still moving when the clip ends"
    rest_zh = f"，之后静止到{dur}秒" if span["stops"] else "，到视频结束时仍在运动"
    en = {
        "short": cap.choose(rng, ["A point moving along a circle with its radius and a chord.", f"A point travels around a circle of radius {r} px centred on 'O'."]),
        "detailed": cap.choose(rng, [
            f"On {common.article(bg)} background, {common.article(col['circle'])} circle of radius {r} px with centre 'O'; {common.article(col['point'])} point on it is joined to 'O' "
            f"by {common.article(col['lines'])} radius and to a fixed {col['chord']} point on the circle by {common.article(col['chord'])} chord; lines {width} wide.",
            f"{common.article(col['circle']).capitalize()} circle (centre 'O', radius {r} px) on {bg}: the {col['lines']} radius and the {col['chord']} chord from a fixed point follow the moving {col['point']} point.",
        ]),
        "temporal": cap.choose(rng, [
            f"From {t0} s to {t1} s the {col['point']} point moves {d} at constant speed{f' through {travelled}°' if travelled else ''}, staying on the circle{rest}.",
            f"The {col['point']} point starts moving at {t0} s and turns {d} until {t1} s{rest}; its radius keeps its length of {r} px throughout.",
        ]),
    }  # fmt: skip
    zh_caps = {
        "short": cap.choose(rng, ["一个点沿圆运动，并连出半径和弦。", f"一个点沿半径{r}像素、圆心为“O”的圆运动。"]),
        "detailed": f"{bg_zh}背景上有圆心为“O”、半径{r}像素的{zh['circle']}圆；圆上的{zh['point']}动点由{zh['lines']}半径连到“O”，由{zh['chord']}弦连到圆上一个定点；线宽{width_zh}。",
        "temporal": cap.choose(rng, [f"从{t0}秒到{t1}秒{zh['point']}动点{d_zh}匀速运动{f'，转过{travelled}°' if travelled else ''}，始终在圆上{rest_zh}。",
                                     f"{zh['point']}动点在{t0}秒开始{d_zh}运动，直到{t1}秒{rest_zh}；半径始终为{r}像素。"]),  # fmt: skip
    }
    return cap.assemble(en, zh_caps)


def _still_words(c: dict, col: dict, zh: dict, r: str, width: tuple[str, str], dur: str) -> dict:
    """The captions of a one-frame clip: the finished construction, nothing being drawn."""
    bg, bg_zh = col["background"], zh["background"]
    a = common.article
    if ("count", "centre dot") in c:
        k = "circumcircle" if ("relation", "circumcircle") in c else "incircle"
        what = "circumscribed circle" if k == "circumcircle" else "inscribed circle"
        rel, rel_zh = ("passing through all three vertices", "经过三个顶点") if k == "circumcircle" else ("touching all three sides", "与三条边都相切")
        if ("angle", "A") in c:
            d = {n: c[("angle", n)]["degrees"] for n in "ABC"}
            angles, angles_zh = f" ({d['A']}°, {d['B']}° and {d['C']}° at A, B and C)", f"，∠A = {d['A']}°，∠B = {d['B']}°，∠C = {d['C']}°"
        else:
            angles, angles_zh = "", ""
        still, still_zh = cap.single_frame(dur, f" showing the finished construction: triangle 'ABC' with its labelled vertices and its {what} of radius {r} px around the marked centre.",
                                           f"，显示完成的作图：顶点已标注的三角形“ABC”及其半径{r}像素、圆心标有圆点的{_KIND_ZH[k]}。")  # fmt: skip
        en = {"short": f"Triangle 'ABC' with its {what}.",
              "detailed": f"On {a(bg)} background, {a(col['lines'])} triangle with vertices labelled 'A', 'B', 'C' in {col['labels']}{angles} "
                          f"and its {col['circle']} {what} of radius {r} px around a {col['circle']} centre dot, {rel}; lines {width[0]} wide.",
              "temporal": still}
        zh_caps = {"short": f"三角形“ABC”及其{_KIND_ZH[k]}。",
                   "detailed": f"{bg_zh}背景上，{zh['lines']}三角形的顶点标为“A”“B”“C”（{zh['labels']}{angles_zh}），{zh['circle']}{_KIND_ZH[k]}的圆心用圆点标出、半径{r}像素，{rel_zh}；线宽{width[1]}。",
                   "temporal": still_zh}
    elif ("count", "fixed point") in c:
        still, still_zh = cap.single_frame(dur, f": the {col['point']} point sits on the circle, joined to 'O' by the radius and to the fixed point by the chord.",
                                           f"：{zh['point']}点位于圆上，由半径连到“O”，由弦连到定点。")  # fmt: skip
        en = {"short": f"A point on a circle of radius {r} px centred on 'O', with its radius and a chord.",
              "detailed": f"On {a(bg)} background, {a(col['circle'])} circle of radius {r} px with centre 'O'; {a(col['point'])} point on it is joined to 'O' "
                          f"by {a(col['lines'])} radius and to a fixed {col['chord']} point on the circle by {a(col['chord'])} chord; lines {width[0]} wide.",
              "temporal": still}
        zh_caps = {"short": f"圆心为“O”、半径{r}像素的圆上的一点，连有半径和弦。",
                   "detailed": f"{bg_zh}背景上有圆心为“O”、半径{r}像素的{zh['circle']}圆；圆上的{zh['point']}点由{zh['lines']}半径连到“O”，由{zh['chord']}弦连到圆上一个定点；线宽{width[1]}。",
                   "temporal": still_zh}
    else:
        still, still_zh = cap.single_frame(dur, " showing the finished circle with the compass leg from its centre 'O'.", "，显示画好的圆和从圆心“O”伸出的圆规脚。")
        en = {"short": f"A circle of radius {r} px around 'O' with a compass leg on it.",
              "detailed": f"On {a(bg)} background, {a(col['circle'])} circle of radius {r} px around the point 'O' ({col['labels']} label), "
                          f"with {a(col['lines'])} compass leg from 'O' to the circle; lines {width[0]} wide.",
              "temporal": still}
        zh_caps = {"short": f"以“O”为圆心、半径{r}像素的圆和圆规脚。",
                   "detailed": f"{bg_zh}背景上，以点“O”为圆心、半径{r}像素的{zh['circle']}圆，{zh['lines']}圆规脚从“O”连到圆上；线宽{width[1]}。",
                   "temporal": still_zh}
    return cap.assemble(en, zh_caps)


def difficulty(spec: dict, annotations: list[dict]) -> dict:
    """Stroke width, label glyph height, and motion speed (degrees/s of the tracing arc or point)."""
    m = spec["meta"]
    heights = [b[3] - b[1] for a in annotations for tx in a["texts"] for b in tx["char_boxes"]]
    if spec["num_frames"] == 1:
        speed = 0.0
    elif m["construction"] in ("circumcircle", "incircle"):
        speed = 360.0 / max(m["t_circle"] - m["t_edges"], 1e-6)
    elif m["construction"] == "compass":
        speed = 360.0 / max(m["t_end"] - m["t_start"], 1e-6)
    else:
        speed = abs(m["turns"]) * 360.0 / max(m["t_end"] - m["t_start"], 1e-6)
    return {"stroke_width": float(m["stroke_width"]), "glyph_height_px": float(np.median(heights)) if heights else 0.0,
            "motion_speed": round(speed, 3), "text_length": len(m["label_anchors"]), "script": "latin"}  # fmt: skip
