"""``text_typing``: a word or sentence typed character by character behind a cursor."""

from __future__ import annotations

import numpy as np

from .. import captions as cap
from .. import claims as cl
from .. import fonts
from ..claims import measure
from ..draw import pick
from ..render import render_frame
from ..spec import element, value_at
from ..textlayout import text_layout
from .canvas import crisp_y, fit_size, skeleton
from .ink import ink_mask
from .wording import article, text_difficulty
from .words import sample_text

NAME = "text_typing"
RULE = "The visible string at every frame is a prefix of the target text, and its length never decreases."

_BACKGROUNDS = ["white", "cream", "black", "navy", "dark gray"]


def sample(rng: np.random.Generator, params: dict) -> dict:
    """A typing scene: text, font, colours, position and per-character timing drawn from ``rng``."""
    bg = pick(rng, _BACKGROUNDS)
    spec = skeleton(params, NAME, cap.rgb(bg))
    w, h = spec["width"], spec["height"]
    text, script = sample_text(rng)
    font = fonts.pick_font(rng, text, fonts.fonts_for("han" if script in ("han", "mixed") else "latin"))
    size = fit_size(font, text, int(rng.integers(int(0.09 * h), int(0.16 * h) + 1)), 0.85 * w)
    width = text_layout(font, size, text)["width"]
    x = float(round((w - width) / 2 + rng.uniform(-0.05, 0.05) * w))
    x = min(max(x, 0.04 * w), w - width - 0.06 * w)
    y = crisp_y(rng.uniform(0.3, 0.7) * h, font, size, text)
    color = cap.contrasting(rng, bg)

    duration = spec["num_frames"] / spec["fps"]
    n = len(text)
    # Whole tenths of a second, so the captions' one-decimal times are exact.
    start = round(float(rng.uniform(0.0, 0.2)) * duration, 1)
    end = max(round(float(rng.uniform(0.55, 0.8)) * duration, 1), round(start + 0.1, 1))  # the last character appears here
    last_frame = (spec["num_frames"] - 1) / spec["fps"]
    start, end = min(start, last_frame), min(end, last_frame)  # short clips: the whole text is typed by the last frame
    step = (end - start) / n
    keys = [[round(start + k * step, 4), k] for k in range(n)] + [[end, n]]
    # one frame (a still): the whole text is typed, the cursor after it
    visible = n if last_frame <= 0 else {"keys": keys, "ease": "step"}
    spec["elements"].append(
        element("text", "text", text=text, font=font, size=size, color=cap.rgb(color), position=[x, y], anchor="left",
                visible=visible, cursor={"color": cap.rgb(color)})
    )  # fmt: skip
    spec["meta"] = {"text": text, "script": script, "start": start, "end": end, "color": color, "background": bg}
    return spec


def _noun(text: str, script: str) -> tuple[str, str]:
    if script == "digits":
        return "number", "数字"
    if script == "han":
        return "text", "文字"
    return ("phrase", "短语") if " " in text else ("word", "单词")


def claims(spec: dict) -> list[dict]:
    """What the captions state, measured on the rendered clip: the text, when its first and last
    glyphs show, whether glyphs arrive one per frame, its ink height and where its ink sits."""
    el = spec["elements"][0]
    n = len(el["text"])
    last, ann = render_frame(spec, spec["num_frames"] - 1)
    text_ann = next(t for t in ann["texts"] if t["element"] == "text")
    cov = measure.element_coverage(spec, [last], [ann], {"element": "text", "color": el["color"], "box": text_ann["box"]}, 0)
    box = measure.ink_box(cov)
    # the last glyph's own pixels: its ink box less the 1 px column the glyph before it may reach
    first_box, last_box = text_ann["char_boxes"][0], list(text_ann["char_boxes"][-1])
    if last_box[2] - last_box[0] >= 6:
        last_box[0] += 1
    visible = el["visible"]
    counts = [int(value_at(visible, t)) for t in cl.frame_times(spec)]
    glyphs = [sum(1 for ch in el["text"][:k] if not ch.isspace()) for k in counts]
    one_by_one = all(b - a <= 1 for a, b in zip(glyphs, glyphs[1:]))
    out = [
        cl.claim("quoted_text", "text", element="text", text=el["text"], color=el["color"]),
        cl.claim("first_ink", "the first glyph", element="text", color=el["color"], box=first_box, pad=0, time=round(cl.first_frame_time(spec, visible, lambda v: v >= 1), 6)),
        cl.claim("first_ink", "the last glyph", element="text", color=el["color"], box=last_box, pad=0, time=round(cl.first_frame_time(spec, visible, lambda v: v >= n), 6)),
        cl.claim("glyph_height", "text", element="text", color=el["color"], frame=spec["num_frames"] - 1, px=int(box[3] - box[1])),
        cl.claim("position_region", "text", element="text", color=el["color"], frame=spec["num_frames"] - 1,
                 **cl.region((text_ann["box"][0] + text_ann["box"][2]) / 2, (text_ann["box"][1] + text_ann["box"][3]) / 2, spec["width"], spec["height"])),
    ]  # fmt: skip
    if one_by_one and spec["num_frames"] > 1:  # a still shows no typing
        out.append(cl.claim("typing", "text", element="text", color=el["color"]))
    cursor = next(s for s in ann["shapes"] if s["type"] == "cursor")["params"]["quad"]
    q = np.asarray(cursor)
    out += [
        cl.colour("text", el["color"], element="text", part="ink", base=spec["background"]),
        cl.colour("cursor", el["cursor"]["color"], box=[float(q[:, 0].min()), float(q[:, 1].min()), float(q[:, 0].max()), float(q[:, 1].max())],
                  part="ink", base=spec["background"]),
        cl.colour("background", spec["background"]),
    ]  # fmt: skip
    return out


def captions(spec: dict, rng: np.random.Generator) -> dict:
    """English and Chinese captions stating the claims: exact text, first/last glyph times, ink height, place."""
    c = {(k["kind"], k["subject"]): k for k in claims(spec)}
    text = c[("quoted_text", "text")]["text"]
    n = len(text)
    script = cap.script_of(text)
    noun, noun_zh = _noun(text, script)
    if ("typing", "text") in c:
        unit, unit_zh = ("character by character", "逐字") if script in ("han", "mixed", "digits") else ("letter by letter", "逐个字母")
    else:
        unit, unit_zh = "a few characters at a time", "每次几个字符地"
    color, color_zh = c[("colour", "text")]["name"], cl.colour_words(c[("colour", "text")], "zh")
    cur, cur_zh = c[("colour", "cursor")]["name"], cl.colour_words(c[("colour", "cursor")], "zh")
    bg, bg_zh = c[("colour", "background")]["name"], cl.colour_words(c[("colour", "background")], "zh")
    where, where_zh = cl.region_words(c[("position_region", "text")]), cl.region_words(c[("position_region", "text")], "zh")
    tall = c[("glyph_height", "text")]["px"]
    q, qz = cap.quote(text), cap.quote(text, "zh")
    ta, tb = c[("first_ink", "the first glyph")]["time"], c[("first_ink", "the last glyph")]["time"]
    t0, t1, dur = cap.seconds(ta), cap.seconds(tb), cap.seconds(cl.clip_end(spec))
    if spec["num_frames"] == 1:
        return cap.assemble(*_still_words(text, noun, noun_zh, (color, color_zh), (cur, cur_zh), (bg, bg_zh), (where, where_zh), tall, dur))
    en = {
        "short": cap.choose(
            rng, [f"The {noun} {q} being typed {unit}.", f"Typing animation of the {noun} {q}.", f"A cursor types {q} {unit}."]
        ),
        "detailed": cap.choose(
            rng,
            [
                f"On {article(bg)} background, the {noun} {q} ({n} characters) is typed {unit} in {color} type {where}, its ink {tall} px tall, "
                f"with {article(cur)} text cursor after the last character.",
                f"{article(bg).capitalize()} screen shows {q} typed {unit} in {color}, {n} characters in all, {where}; {article(cur)} cursor follows the text.",
            ],
        ),
        "temporal": cap.choose(
            rng,
            [
                f"The first character of the {noun} {q} appears at {t0} s and the last at {t1} s, typed {unit}; "
                f"the full text then stays on screen until {dur} s.",
                f"At {t0} s the first character shows; by {t1} s all {n} characters of {q} are shown, and they remain until the clip ends at {dur} s.",
            ],
        ),
    }
    zh = {
        "short": cap.choose(rng, [f"{unit_zh}打出{noun_zh}{qz}的动画。", f"光标{unit_zh}输入{qz}。"]),
        "detailed": cap.choose(
            rng,
            [
                f"{bg_zh}背景上，{color_zh}的{noun_zh}{qz}（共{n}个字符）在{where_zh}{unit_zh}出现，文字墨迹高{tall}像素，最后一个字符后有{cur_zh}光标。",
                f"{where_zh}以{color_zh}字体{unit_zh}输入{qz}，共{n}个字符，背景为{bg_zh}，文字后跟随{cur_zh}光标。",
            ],
        ),
        "temporal": cap.choose(
            rng,
            [
                f"第一个字符在{t0}秒出现，最后一个在{t1}秒出现，{qz}被{unit_zh}输入；之后完整文字保持到{dur}秒。",
                f"{t0}秒出现第一个字符，到{t1}秒{qz}的{n}个字符全部出现，并一直保留到{dur}秒结束。",
            ],
        ),
    }
    return cap.assemble(en, zh)


def _still_words(text, noun, noun_zh, color, cur, bg, where, tall, dur) -> tuple[dict, dict]:
    """The captions of a one-frame clip: the whole text typed, the cursor after it, nothing moving."""
    n, q, qz = len(text), cap.quote(text), cap.quote(text, "zh")
    still, still_zh = cap.single_frame(dur, f": all {n} characters of {q} are shown, with the cursor after the last one.", f"：{qz}的{n}个字符全部显示，光标位于最后一个字符后面。")
    en = {
        "short": f"The {noun} {q} typed out in full, with {article(cur[0])} cursor after it.",
        "detailed": f"On {article(bg[0])} background, the {noun} {q} ({n} characters) is written in {color[0]} type {where[0]}, its ink {tall} px tall, "
        f"with {article(cur[0])} text cursor after the last character.",
        "temporal": still,
    }
    zh = {
        "short": f"{noun_zh}{qz}已全部输入，后面跟着{cur[1]}光标。",
        "detailed": f"{bg[1]}背景上，{color[1]}的{noun_zh}{qz}（共{n}个字符）位于{where[1]}，文字墨迹高{tall}像素，最后一个字符后有{cur[1]}光标。",
        "temporal": still_zh,
    }
    return en, zh


def difficulty(spec: dict, annotations: list[dict]) -> dict:
    """Text length, script, glyph height; motion speed is the typing rate in characters per second."""
    m = spec["meta"]
    out = text_difficulty(annotations, m["text"])
    out["motion_speed"] = 0.0 if spec["num_frames"] == 1 else round(len(m["text"]) / max(m["end"] - m["start"], 1e-6), 3)
    return out


def verify(spec: dict, frames: np.ndarray, annotations: list[dict]) -> list[str]:
    """Read which characters carry ink in each frame; they must form a non-shrinking prefix."""
    final = next((t for t in annotations[-1]["texts"] if t["element"] == "text"), None)
    text = spec["meta"]["text"]
    expected = [c for c in text if not c.isspace()]
    if final is None or final["chars"] != expected:
        return [f"final frame shows {final and final['string']!r}, expected {text!r}"]
    problems, previous = [], 0
    for i, frame in enumerate(frames):
        ink = ink_mask(frame, spec["background"])
        for shape in annotations[i]["shapes"]:  # the cursor is not text
            if shape["type"] == "cursor":
                q = np.asarray(shape["params"]["quad"])
                ink[
                    max(0, int(q[:, 1].min()) - 1) : int(np.ceil(q[:, 1].max())) + 1,
                    max(0, int(q[:, 0].min()) - 1) : int(np.ceil(q[:, 0].max())) + 1,
                ] = False
        inked = []
        for x0, y0, x1, y1 in final["char_boxes"]:
            inset = 1 if min(x1 - x0, y1 - y0) >= 6 else 0  # keep thin glyphs such as "-" measurable
            core = ink[int(y0) + inset : int(np.ceil(y1)) - inset, int(x0) + inset : int(np.ceil(x1)) - inset]
            inked.append(bool(core.any()))
        count = inked.index(False) if False in inked else len(inked)
        if any(inked[count:]):
            problems.append(f"frame {i}: characters shown out of order ({inked})")
        if count < previous:
            problems.append(f"frame {i}: visible text shrank from {previous} to {count} characters")
        previous = count
    return problems
