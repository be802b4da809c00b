"""``text_typing``: a word or sentence typed character by character behind a cursor."""

from __future__ import annotations

import numpy as np

from .. import captions as cap
from .. import fonts
from ..render import text_layout
from . import common

NAME = "text_typing"
RULE = "The visible string at every frame is a prefix of the target text, and its length never decreases."

_BACKGROUNDS = ["white", "cream", "black", "navy", "dark gray"]


def sample(rng: np.random.Generator, params: dict) -> dict:
    """A typing scene: text, font, colours, position and per-character timing drawn from ``rng``."""
    bg = _BACKGROUNDS[int(rng.integers(len(_BACKGROUNDS)))]
    spec = common.skeleton(params, NAME, cap.rgb(bg))
    w, h = spec["width"], spec["height"]
    text, script = common.sample_text(rng)
    font = fonts.pick_font(rng, text, fonts.fonts_for("han" if script in ("han", "mixed") else "latin"))
    size = common.fit_size(font, text, int(rng.integers(int(0.09 * h), int(0.16 * h) + 1)), 0.85 * w)
    width = text_layout(font, size, text)["width"]
    x = float(round((w - width) / 2 + rng.uniform(-0.05, 0.05) * w))
    x = min(max(x, 0.04 * w), w - width - 0.06 * w)
    y = common.crisp_y(rng.uniform(0.3, 0.7) * h, font, size, text)
    color = cap.contrasting(rng, bg)

    duration = spec["num_frames"] / spec["fps"]
    n = len(text)
    # Whole tenths of a second, so the captions' one-decimal times are exact.
    start = round(float(rng.uniform(0.0, 0.2)) * duration, 1)
    end = max(round(float(rng.uniform(0.55, 0.8)) * duration, 1), round(start + 0.1, 1))  # the last character appears here
    step = (end - start) / n
    keys = [[round(start + k * step, 4), k] for k in range(n)] + [[end, n]]
    spec["elements"].append(
        {
            "id": "text",
            "type": "text",
            "text": text,
            "font": font,
            "size": size,
            "color": cap.rgb(color),
            "position": [x, y],
            "anchor": "left",
            "visible": {"keys": keys, "ease": "step"},
            "cursor": {"color": cap.rgb(color)},
        }
    )
    spec["meta"] = {"text": text, "script": script, "start": start, "end": end, "color": color, "background": bg}
    return spec


def _noun(text: str, script: str) -> tuple[str, str]:
    if script == "digits":
        return "number", "数字"
    if script == "han":
        return "text", "文字"
    return ("phrase", "短语") if " " in text else ("word", "单词")


def captions(spec: dict, rng: np.random.Generator) -> dict:
    """English and Chinese captions (short, detailed, temporal) stating the exact text and timing."""
    m = spec["meta"]
    el = spec["elements"][0]
    text, n = m["text"], len(m["text"])
    noun, noun_zh = _noun(text, m["script"])
    unit, unit_zh = ("character by character", "逐字") if m["script"] in ("han", "mixed", "digits") else ("letter by letter", "逐个字母")
    color, color_zh = m["color"], cap.color_name(el["color"], "zh")
    bg, bg_zh = m["background"], cap.color_name(spec["background"], "zh")
    where = cap.position_words(el["position"][0] + text_layout(el["font"], el["size"], text)["width"] / 2, el["position"][1], spec["width"], spec["height"])
    where_zh = cap.position_words(el["position"][0] + text_layout(el["font"], el["size"], text)["width"] / 2, el["position"][1], spec["width"], spec["height"], "zh")
    q, qz = cap.quote(text), cap.quote(text, "zh")
    t0, t1, dur = cap.seconds(m["start"]), cap.seconds(m["end"]), cap.seconds(spec["num_frames"] / spec["fps"])
    rate = n / max(m["end"] - m["start"], 1e-6)
    en = {
        "short": cap.choose(rng, [f"The {noun} {q} being typed {unit}.", f"Typing animation of the {noun} {q}.",
                                  f"A cursor types {q} {unit}."]),
        "detailed": cap.choose(rng, [
            f"On a {bg} background, the {noun} {q} ({n} characters) is typed {unit} in {color} {el['size']}-pixel type {where}, "
            f"with a {color} text cursor after the last character.",
            f"A {bg} screen shows {q} typed {unit} in {color}, {n} characters in all, {where}; a {color} cursor follows the text.",
        ]),
        "temporal": cap.choose(rng, [
            f"From {t0} s to {t1} s the {noun} {q} is typed {unit}, about {rate:.1f} characters per second; "
            f"the full text then stays on screen until {dur} s.",
            f"At {t0} s typing starts; by {t1} s all {n} characters of {q} are shown, and they remain until the clip ends at {dur} s.",
        ]),
    }
    zh = {
        "short": cap.choose(rng, [f"{unit_zh}打出{noun_zh}{qz}的动画。", f"光标{unit_zh}输入{qz}。"]),
        "detailed": cap.choose(rng, [
            f"{bg_zh}背景上，{color_zh}的{noun_zh}{qz}（共{n}个字符）在画面{where_zh}{unit_zh}出现，字高{el['size']}像素，最后一个字符后有{color_zh}光标。",
            f"画面{where_zh}以{color_zh}字体{unit_zh}输入{qz}，共{n}个字符，背景为{bg_zh}，文字后跟随{color_zh}光标。",
        ]),
        "temporal": cap.choose(rng, [
            f"从{t0}秒到{t1}秒，{qz}被{unit_zh}输入，每秒约{rate:.1f}个字符；之后完整文字保持到{dur}秒。",
            f"{t0}秒开始输入，到{t1}秒{qz}的{n}个字符全部出现，并一直保留到{dur}秒结束。",
        ]),
    }
    return cap.assemble(en, zh)


def difficulty(spec: dict, annotations: list[dict]) -> dict:
    """Text length, script, glyph height; motion speed is the typing rate in characters per second."""
    m = spec["meta"]
    out = common.text_difficulty(annotations, m["text"])
    out["motion_speed"] = round(len(m["text"]) / max(m["end"] - m["start"], 1e-6), 3)
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
        ink = common.ink_mask(frame, spec["background"])
        for shape in annotations[i]["shapes"]:  # the cursor is not text
            if shape["type"] == "cursor":
                q = np.asarray(shape["params"]["quad"])
                ink[max(0, int(q[:, 1].min()) - 1) : int(np.ceil(q[:, 1].max())) + 1, max(0, int(q[:, 0].min()) - 1) : int(np.ceil(q[:, 0].max())) + 1] = False
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
