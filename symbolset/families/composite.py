"""The ``composite`` family: a scene made of several families' cards on one stage.

A shop front (a sign, a 7-segment display, a clock), a classroom board (a formula and a geometric
construction) or a dashboard (the road ahead and a 7-segment display). Each part is an existing
family's flat spec, sampled by that family alone from the part's own seed (so its draws are what they
are in a clip of its own), drawn as its own card and pasted at whole pixels onto the scene's card
(:mod:`symbolset.composite`); one camera sees the card (:mod:`symbolset.stage`; a composite is always
``real``). Element ids are namespaced ``"<part>/<element>"``. Where the scene calls for it (``PLANES``:
the shop's clock on a bracket, the dashboard's display on the dash) a part stands on a plane of its
own, turned out of the card's plane and seen through its own exact homography
(:mod:`symbolset.composite_planes`). Every part is checked on its own card before use: its claims
and its family's rule (:func:`problems`).

Captions compose the parts' own captions (each from the part's seed, so they are the family's
sentences for that card) with where each part lies on the scene's card; every claim of a part is
stated, and holds, on the part's own card, which the stage sentence says.
"""

from __future__ import annotations

import numpy as np

from .. import captions as cap
from .. import composite, composite_planes, fontpack, stage, stage_occlude
from ..draw import pick
from ..errors import SymbolSetError
from ..spec import validate
from . import get
from .canvas import skeleton

NAME = "composite"
RULE = (
    "Several families' symbols share one scene (a shop front, a classroom board, a dashboard), "
    "each on its own panel that obeys its family's rule, all seen by one camera."
)
_TRIES = 8  # seeds a part may take before its family is given up on at this size
MIN_SIDE = 256  # px: below this the smallest panels (a clock under half the card wide) get too small for their families

# layout -> (English, Chinese, backdrop colours, parts: (id, family, [x0, y0, x1, y1] as fractions of the card, square))
LAYOUTS = {
    "shop_front": ("A shop front", "店面", [[176, 96, 70], [226, 214, 190], [60, 62, 66]], (
        ("sign", "signage", (0.04, 0.04, 0.96, 0.34), False),
        ("display", "seven_segment", (0.04, 0.42, 0.46, 0.92), False),
        ("clock", "clock", (0.50, 0.38, 0.96, 0.96), True),
    )),
    "classroom": ("A classroom board", "教室里的板书", [[38, 58, 48], [30, 34, 36], [244, 246, 248]], (
        ("formula", "formula", (0.04, 0.22, 0.50, 0.78), False),
        ("figure", "geometry", (0.54, 0.06, 0.96, 0.94), False),
    )),
    "dashboard": ("A car dashboard", "汽车仪表台", [[30, 30, 34], [44, 44, 48], [20, 24, 28]], (
        ("road", "lanes", (0.04, 0.04, 0.96, 0.60), False),
        ("display", "seven_segment", (0.28, 0.66, 0.72, 0.95), False),
    )),
}  # fmt: skip
# (layout, part) -> a plane of its own: (hinge, least and most degrees, what the captions say, in en and zh)
PLANES = {
    ("shop_front", "clock"): ("right", 25.0, 50.0, "on a bracket standing out from the wall at about {a} degrees to it", "装在伸出墙面的支架上并与墙面约成{a}度的"),
    ("dashboard", "display"): ("top", 20.0, 40.0, "on the dash, tilted about {a} degrees toward the camera", "装在仪表台上并向镜头倾斜约{a}度的"),
}  # fmt: skip
NOUNS = {  # what each family's card is, in a word (true of every card the family draws)
    "signage": ("a sign", "招牌"),
    "seven_segment": ("a 7-segment display", "七段数码显示屏"),
    "clock": ("a clock", "时钟"),
    "formula": ("a formula", "公式"),
    "geometry": ("a geometric construction", "几何作图"),
    "lanes": ("the road ahead with its lane lines", "前方道路及车道线"),
}
_NUM_EN = {2: "two", 3: "three", 4: "four"}
_NUM_ZH = {2: "两", 3: "三", 4: "四"}


def _even(v: float) -> int:
    return int(v) // 2 * 2


def _rects(layout: str, w: int, h: int) -> list[tuple[int, int, int, int]]:
    """Each part's rectangle in whole pixels, even sizes (a square one centred in its slot)."""
    out = []
    for _, _, (fx0, fy0, fx1, fy1), square in LAYOUTS[layout][3]:
        x0, y0 = int(round(fx0 * w)), int(round(fy0 * h))
        pw, ph = _even((fx1 - fx0) * w), _even((fy1 - fy0) * h)
        if square:
            side = min(pw, ph)
            x0, y0, pw, ph = x0 + (pw - side) // 2, y0 + (ph - side) // 2, side, side
        out.append((x0, y0, pw, ph))
    return out


def sample(rng: np.random.Generator, params: dict) -> dict:
    """A composite spec: a layout and backdrop, each part sampled by its family from its own seed
    (with the real style's faces for that seed, checked on its own card), a stage for the card, and
    the layout's parts that stand on planes of their own turned out of it."""
    w, h = int(params["width"]), int(params["height"])
    if min(w, h) < MIN_SIDE:
        raise SymbolSetError(f"composite: needs a canvas of at least {MIN_SIDE}x{MIN_SIDE} px, got {w}x{h}")
    layout = pick(rng, tuple(LAYOUTS))
    background = [int(c) for c in pick(rng, LAYOUTS[layout][2])]
    pool = fontpack.require_pool(params.get("font_pool", "pip"), "font_pool")
    parts = []
    for (pid, fam, _, _), (x0, y0, pw, ph) in zip(LAYOUTS[layout][3], _rects(layout, w, h)):
        sub_params = {"width": pw, "height": ph, "num_frames": params["num_frames"], "fps": params["fps"],
                      "codec": params.get("codec"), "options": dict(params.get("options", {}).get(fam, {}))}  # fmt: skip
        for _ in range(_TRIES):
            seed = int(rng.integers(2**63 - 1))
            sub = _part(fam, seed, sub_params, pool)
            if not problems(sub):
                break
        else:  # pragma: no cover - a family that fails its own checks _TRIES times in a row at this size
            raise SymbolSetError(f"composite: part {pid} ({fam}, {pw}x{ph} px) failed its family's checks {_TRIES} times")
        parts.append({"id": pid, "at": [x0, y0], "seed": seed, "spec": sub})
    spec = {**skeleton(params, NAME, background), "meta": {"layout": layout}, "parts": parts}
    spec["stage"] = stage._draw_stage(rng, spec)
    if rng.random() < params.get("occluders", stage_occlude.SHARE):  # something may pass in front, as in any real clip
        spec["stage"]["occluder"] = stage_occlude.sample(rng, w, h)
    composite_planes.place(rng, spec, {pid: PLANES[layout, pid][:3] for pid, *_ in LAYOUTS[layout][3] if (layout, pid) in PLANES})
    return validate(spec)


def _part(fam: str, seed: int, params: dict, pool: tuple[str, ...]) -> dict:
    """The family's flat spec from ``seed`` with the faces the real style gives that seed (its
    generator ``[seed, 2]``; formula keeps its face: its layout is one face's metrics)."""
    sub = validate(get(fam).sample(np.random.default_rng(seed), params))
    if fam not in stage.FONT_LOCKED:
        sub = {**sub, "elements": [dict(el) for el in sub["elements"]], "meta": dict(sub["meta"])}
        stage._swap_fonts(sub, np.random.default_rng([seed, 2]), pool)
    return validate(sub)


def problems(sub: dict) -> list[str]:
    """What a part's own card does not bear out: the claims of its captions (what ``validate
    --captions`` measures on it) and its family's rule (its ``verify``), both on its frames.

    A draw can fail at a panel's size and shape (a clock's hour hand read 3 degrees off on a 90 px
    face); such a draw is not used: the sampler takes the part's next seed, so every part written
    holds its captions and its family's rule on its panel."""
    from ..claims.verify import verify_claims
    from ..render import render_clip

    frames, anns = render_clip(sub)
    family = get(sub["family"])
    return verify_claims(sub, frames, anns, family.claims(sub)) or family.verify(sub, frames, anns)


# ---------------------------------------------------------------- captions


def _end(text: str, lang: str) -> str:
    text = text.strip()
    stop = "." if lang == "en" else "。"
    return text if text[-1:] in (".", "!", "?", "。", "！", "？") else text + stop


def part_captions(spec: dict) -> list[dict]:
    """Each part's own captions: its family's, for its own card, with its own caption seed."""
    return [get(p["spec"]["family"]).captions(p["spec"], np.random.default_rng([p["seed"], 1])) for p in spec["parts"]]


def _plane_words(layout: str, part: dict) -> tuple[str, str] | None:
    """What the captions say of a part on a plane of its own (its angle to the nearest 5 degrees)."""
    if "plane" not in part:
        return None
    *_, en, zh = PLANES[layout, part["id"]]
    a = composite_planes.about(part["plane"]["angle"])
    return en.format(a=a), zh.format(a=a)


def captions(spec: dict, rng: np.random.Generator) -> dict:
    """The scene and where each part lies on it, then each part's own caption at the same
    granularity (the parts' captions come from their own seeds; ``rng`` is not drawn from)."""
    name_en, name_zh = LAYOUTS[spec["meta"]["layout"]][:2]
    if spec["meta"]["layout"] == "classroom" and sum(spec["background"]) > 600:
        name_zh = "教室里的白板板书"
    w, h, n = spec["width"], spec["height"], len(spec["parts"])
    places = [composite.where(p, w, h) for p in spec["parts"]]
    nouns = [NOUNS[p["spec"]["family"]] for p in spec["parts"]]
    planes = [_plane_words(spec["meta"]["layout"], p) for p in spec["parts"]]
    listed = [f"{noun[0]} {place[0]}" + (f", {pl[0]}," if pl else "") for noun, place, pl in zip(nouns, places, planes)]
    intro_en = f"{name_en} with {_NUM_EN.get(n, n)} panels seen by one camera: {', '.join(listed[:-1])} and {listed[-1].rstrip(',')}."
    listed_zh = "、".join(f"{place[1]}是{pl[1] if pl else ''}{noun[1]}" for noun, place, pl in zip(nouns, places, planes))
    intro_zh = f"{name_zh}，同一镜头拍摄的{_NUM_ZH.get(n, n)}块面板：{listed_zh}。"
    caps = part_captions(spec)
    out = {"en": {}, "zh": {}}
    for g in ("short", "detailed", "temporal"):
        parts = list(zip(nouns, places, caps))
        en, zh = intro_en, intro_zh
        if g == "temporal" and spec["num_frames"] == 1:  # one frame: said once for the scene, not again by every part
            en, zh = cap.single_frame(cap.seconds(0.0), f": {intro_en[0].lower()}{intro_en[1:]}", f"：{intro_zh}")
            parts = [(noun, place, {lang: {g: cap.without_single_frame(c[lang][g])} for lang in c}) for noun, place, c in parts]
        out["en"][g] = " ".join([en] + [f"{place[0][0].upper()}{place[0][1:]}, {noun[0]}: {_end(c['en'][g], 'en')}" for noun, place, c in parts])
        out["zh"][g] = zh + "".join(f"{place[1]}的{noun[1]}：{_end(c['zh'][g], 'zh')}" for noun, place, c in parts)
    return out


# ---------------------------------------------------------------- labels and checks


def difficulty(spec: dict, annotations: list[dict]) -> dict:
    """The parts' labels combined: counts and lengths add up, the smallest glyph and stroke and the
    fastest motion stand for the scene, several scripts make ``mixed``."""
    labels = [get(p["spec"]["family"]).difficulty(p["spec"], composite.part_annotations(annotations, p["id"])) for p in spec["parts"]]
    scripts = {lab.get("script", "none") for lab in labels} - {"none"}

    def smallest(key):
        values = [lab.get(key, 0.0) for lab in labels if lab.get(key, 0.0) > 0]
        return float(min(values)) if values else 0.0

    return {
        "num_elements": sum(len(p["spec"]["elements"]) for p in spec["parts"]),
        "text_length": sum(lab.get("text_length", 0) for lab in labels),
        "script": scripts.pop() if len(scripts) == 1 else "mixed" if scripts else "none",
        "glyph_height_px": smallest("glyph_height_px"),
        "motion_speed": max(float(lab.get("motion_speed", 0.0)) for lab in labels),
        "stroke_width": smallest("stroke_width"),
    }


def claims(spec: dict) -> list[dict]:
    """Every part's typed claims, ids namespaced ``"<part>/<element>"``; each is stated on (and measured
    on, see :func:`check_claims`) its part's own panel."""
    return [{**c, "part": p["id"]} for p in spec["parts"] for c in get(p["spec"]["family"]).claims(p["spec"])]


def check_claims(spec: dict, seed: int, stored: dict, annotations: list[dict]) -> tuple[str, list[str]]:
    """(status, problems) for ``validate --captions``: the stored captions must be what the parts'
    claims render to (else ``unverifiable``: edited text has no claims to read back), and every
    part's claims must hold on its panel, rendered again from the stored spec (where they are stated;
    the video shows that panel through the camera's exact homographies). ``annotations`` are the
    record's (the occluder's sentence is measured on them)."""
    from ..claims.verify import verify_claims
    from ..render import render_clip

    if stage.add_captions(spec, captions(stage.card(spec), np.random.default_rng([seed, 1])), annotations) != stored:
        return "unverifiable", ["caption differs from its parts' claims' rendering; its claims cannot be read back"]
    problems = []
    for p in spec["parts"]:
        sub = p["spec"]
        frames, anns = render_clip(sub)
        problems += [f"part {p['id']}: {line}" for line in verify_claims(sub, frames, anns, get(sub["family"]).claims(sub))]
    return ("violation" if problems else "ok"), problems


def verify(spec: dict, frames: np.ndarray, annotations: list[dict]) -> list[str]:
    """Each part's rule checked on its own card (its family's ``verify``), and every text of every
    part annotated in the scene at every frame under its namespaced id."""
    from ..render import render_clip

    problems = []
    for p in spec["parts"]:
        sub = p["spec"]
        sub_frames, sub_anns = render_clip(sub)
        problems += [f"part {p['id']}: {line}" for line in get(sub["family"]).verify(sub, sub_frames, sub_anns)]
        for i, (a, sa) in enumerate(zip(annotations, sub_anns)):
            have = {t["element"] for t in a["texts"]}
            lost = [t["element"] for t in sa["texts"] if f"{p['id']}{composite.SEP}{t['element']}" not in have]
            if lost:
                problems.append(f"frame {i}: part {p['id']}: texts {lost} are not annotated")
    return problems
