"""Spec -> spec transformations for validating SymbolBench: legitimate re-renders and wrong content.

Each function is pure (the input spec is never changed), seeded (``seed`` fixes every choice)
and returns a valid spec that :func:`symbolset.render.render_clip` draws. The new spec's
``meta["variant"]`` names the transformation and its parameters.

*Legitimate* variants (``LEGITIMATE``) draw the same content as the prompt asks, as another
generator might: re-laid out (moved, slightly smaller, slightly rotated where orientation carries
no meaning), in another covering font, in other shades of the named colours, at another
resolution or aspect, at another frame rate, or with the timeline stretched 0.8-1.25x. A good
metric scores them close to the reference render.

*Wrong* variants (``WRONG``) change exactly one symbol: a character, a display digit, the time
shown by a clock, a vertex of a construction, the kind of a lane line, a chart's value. A good metric scores them
clearly lower. :func:`one_symbol` picks the change that fits a spec's family.

The module stays just over 400 lines: the two lists are read side by side (each legitimate change
has the wrong change it must be told apart from), and every function is a short spec edit.
"""

from __future__ import annotations

import copy
import math

import numpy as np

from .. import fonts
from ..captions import PALETTE
from ..composite import all_elements
from ..draw import pick
from ..render import element_states
from ..spec import duration, elements_of, frame_time, is_track, validate
from ..textlayout import text_quad
from .reference import scale_stage

# Families whose captions state sizes in pixels (type size, radius, travel): no re-scaling in ``move``.
PIXEL_SIZED = frozenset({"geometry", "text_typing", "text_motion"})
# Families whose drawing carries no meaning in its orientation (text on a page or a sign).
ROTATABLE = frozenset({"text_typing", "text_motion", "signage", "formula"})
# Families whose captions name the font, or whose layout was measured in their font.
FONT_FIXED = frozenset({"formula"})
_ROTATABLE_TYPES = frozenset({"text", "polyline", "polygon", "circle", "ray"})


def _rng(seed: int, name: str) -> np.random.Generator:
    return np.random.default_rng([seed, *name.encode()])


def _tag(spec: dict, name: str, **params) -> dict:
    spec.setdefault("meta", {})["variant"] = {"name": name, **params}
    return validate(spec)


def _map(value, fn):
    """``fn`` applied to a constant, or to every key value of a track."""
    if is_track(value):
        return {**value, "keys": [[t, fn(v)] for t, v in value["keys"]]}
    return fn(value)


# ---------------------------------------------------------------- geometry of a whole scene


def transform(spec: dict, *, dx: float = 0.0, dy: float = 0.0, scale: float = 1.0, rotation: float = 0.0,
              width: int | None = None, height: int | None = None) -> dict:  # fmt: skip
    """The scene scaled by ``scale`` and rotated ``rotation`` degrees counter-clockwise about the
    frame's centre, then moved by ``(dx, dy)`` px, on a canvas of ``width`` x ``height`` (default:
    unchanged; the content's centre goes to the new canvas's centre). Sizes and stroke widths scale
    too; backdrop polygons (those reaching a frame edge) keep reaching it. Rotation applies only to
    element types that have an orientation (not 7-segment displays or lane lines)."""
    out = copy.deepcopy(spec)
    w0, h0 = spec["width"], spec["height"]
    w1, h1 = width or w0, height or h0
    out["width"], out["height"] = w1, h1
    c0 = np.array([w0 / 2, h0 / 2])
    c1 = np.array([w1 / 2 + dx, h1 / 2 + dy])
    a = math.radians(rotation)
    m = scale * np.array([[math.cos(a), math.sin(a)], [-math.sin(a), math.cos(a)]])

    def pt(p):
        return [round(float(v), 4) for v in m @ (np.asarray(p, float) - c0) + c1]

    def pts(ps):
        return [pt(p) for p in ps]

    def size(v):
        return round(float(v) * scale, 4)

    def stroke(v):
        return max(1, int(round(v * scale)))

    for el in out["elements"]:
        kind = el["type"]
        if rotation and kind not in _ROTATABLE_TYPES:
            raise ValueError(f"{kind} elements cannot be rotated")
        if kind == "text":
            el["position"] = _map(el["position"], pt)
            el["size"] = max(1.0, size(el["size"]))
            if rotation:
                el["rotation"] = _map(el.get("rotation", 0.0), lambda r: r + rotation)
        elif kind == "polyline":
            el["points"], el["width"] = _map(el["points"], pts), stroke(el["width"])
        elif kind == "polygon":
            el["points"] = _map(el["points"], lambda ps: _backdrop(ps, pts(ps), w0, h0, w1, h1))
        elif kind == "circle":
            el["center"], el["radius"] = _map(el["center"], pt), _map(el["radius"], size)
            if "width" in el:
                el["width"] = stroke(el["width"])
            if rotation:
                el["start"] = el.get("start", 0.0) - rotation  # cv2 angles turn clockwise on screen
        elif kind == "ray":
            el["origin"], el["length"], el["width"] = _map(el["origin"], pt), _map(el["length"], size), stroke(el["width"])
            if rotation:
                el["angle"] = _map(el["angle"], lambda v: v - rotation)  # clockwise from 12 o'clock
        elif kind == "seven_segment":
            el["position"], el["digit_height"] = _map(el["position"], pt), size(el["digit_height"])
        elif kind == "lane_line":
            vp = pt(el["vanishing_point"])
            bottom = pt([el["bottom_x"], h0])
            el["vanishing_point"] = vp
            el["bottom_x"] = round(vp[0] + (bottom[0] - vp[0]) * (h1 - vp[1]) / (bottom[1] - vp[1]), 4)
            el["bottom_width"] = stroke(el["bottom_width"])
        else:  # a new element type must say how it moves, rather than stay behind
            raise ValueError(f"transform: no rule for {kind} elements")
    for part in out.get("parts", ()):  # a composite's part: its rectangle moves and scales with the card
        if rotation:
            raise ValueError("transform: a composite's parts cannot be rotated")
        sub = part["spec"]
        (x0, y0), (x1, y1) = pt(part["at"]), pt([part["at"][0] + sub["width"], part["at"][1] + sub["height"]])
        x0, y0 = math.floor(x0 + 1e-9), math.floor(y0 + 1e-9)
        pw, ph = max(16, int(x1 - x0) // 2 * 2), max(16, int(y1 - y0) // 2 * 2)  # canvases have even sides
        part["at"] = [x0, y0]
        part["spec"] = transform(sub, scale=ph / sub["height"], width=pw, height=ph)
    return out


def _backdrop(before: list, after: list, w0: int, h0: int, w1: int, h1: int) -> list:
    """Vertices of a polygon that lay on or beyond a frame edge are pushed back onto the new edge,
    sliding along the side towards an inner neighbour when there is one (a road's sides keep their
    slope), so a ground or a road still fills the frame."""
    out = [list(p) for p in after]
    inside = [0 < p[0] < w0 and 0 < p[1] < h0 for p in before]
    n = len(before)
    for i, (x, y) in enumerate(before):
        nx, ny = out[i]
        if y >= h0 and ny < h1:
            ny = h1
        elif y <= 0 and ny > 0:
            ny = 0.0
        if ny != out[i][1]:
            inner = [j for j in ((i - 1) % n, (i + 1) % n) if inside[j]]
            if inner:
                qx, qy = after[inner[0]]
                nx = qx + (out[i][0] - qx) * (ny - qy) / (out[i][1] - qy)
        if x <= 0 and nx > 0:
            nx = 0.0
        elif x >= w0 and nx < w1:
            nx = float(w1)
        out[i] = [round(nx, 4), round(ny, 4)]
    return out


def _boxes_inside(spec: dict, margin: float = 1.0) -> bool:
    """Every text's quad lies inside the frame in every frame (the caption's "never leaves the frame"),
    and every part of a composite inside the card."""
    w, h = spec["width"], spec["height"]
    for part in spec.get("parts", ()):
        x, y = part["at"]
        if x < 0 or y < 0 or x + part["spec"]["width"] > w or y + part["spec"]["height"] > h or not _boxes_inside(part["spec"], margin):
            return False
    for i in range(spec["num_frames"]):
        for st in element_states(spec, frame_time(spec, i)):
            if st["type"] == "text":
                q = text_quad(st)
                if q[:, 0].min() < -margin or q[:, 1].min() < -margin or q[:, 0].max() > w + margin or q[:, 1].max() > h + margin:
                    return False
    return True


def _cells(spec: dict) -> list:
    """The region words (the captions' position rule, :func:`symbolset.claims.region`) of every text
    element's position at the clip's start and end (captions say "in the center", "at the bottom")."""
    from ..claims import region, region_words

    out = []
    for el in elements_of(spec, "text"):
        for t in (0.0, duration(spec)):
            st = element_states({**spec, "elements": [el]}, t)[0]
            out.append(region_words(region(*st["position"], spec["width"], spec["height"])))
    return out


def move(spec: dict, seed: int, *, max_shift: float = 0.06, min_scale: float = 0.85, max_rotation: float = 4.0) -> dict:
    """Re-layout: shifted up to ``max_shift`` of the frame, scaled to ``min_scale``..1 (not where
    the caption states pixel sizes) and rotated up to ``max_rotation`` degrees (text-like families
    only). Halved until every text stays inside the frame and in the same third of it."""
    rng = _rng(seed, "move")
    fam = spec.get("family", "")
    dx, dy = (rng.uniform(-1, 1, 2) * max_shift * np.array([spec["width"], spec["height"]])).tolist()
    scale = 1.0 if fam in PIXEL_SIZED else float(rng.uniform(min_scale, 1.0))
    types = {el["type"] for el in spec["elements"]}
    rotation = float(rng.uniform(-max_rotation, max_rotation)) if fam in ROTATABLE and types <= _ROTATABLE_TYPES else 0.0
    cells = _cells(spec)
    for _ in range(6):
        out = transform(spec, dx=dx, dy=dy, scale=scale, rotation=rotation)
        if _boxes_inside(out) and _cells(out) == cells:
            return _tag(out, "move", dx=round(dx, 3), dy=round(dy, 3), scale=round(scale, 4), rotation=round(rotation, 3))
        dx, dy, rotation, scale = dx / 2, dy / 2, rotation / 2, (1 + scale) / 2
    return _tag(copy.deepcopy(spec), "move", dx=0.0, dy=0.0, scale=1.0, rotation=0.0)


def resize(spec: dict, seed: int) -> dict:
    """Another resolution: the whole scene scaled by 0.75, 1.25 or 1.5 (even frame sizes)."""
    factor = float(_rng(seed, "resize").choice([0.75, 1.25, 1.5]))
    w, h = 2 * round(spec["width"] * factor / 2), 2 * round(spec["height"] * factor / 2)
    out = transform(spec, scale=w / spec["width"], width=w, height=h)
    if "stage" in out:  # the real style's blurs are in pixels of the frame
        scale_stage(out["stage"], w / spec["width"])
    return _tag(out, "resize", factor=factor)


def reframe(spec: dict, seed: int) -> dict:
    """Another aspect: the canvas widened (16:9-like) or heightened by a quarter, content centred."""
    wide = bool(_rng(seed, "reframe").integers(2))
    w = spec["width"] + (2 * round(spec["width"] / 8) if wide else 0)
    h = spec["height"] + (0 if wide else 2 * round(spec["height"] / 8))
    return _tag(transform(spec, width=w, height=h), "reframe", width=w, height=h)


# ---------------------------------------------------------------- fonts and colours


def refont(spec: dict, seed: int) -> dict:
    """Every text in another registered font that covers all of its characters (cmap checked);
    unchanged where the family's caption names its font or no other font covers the text."""
    out = copy.deepcopy(spec)
    rng = _rng(seed, "refont")
    changed = {}
    if spec.get("family") not in FONT_FIXED:
        # A composite's texts live in its parts; a part of a font-fixed family keeps its font.
        free = [out] + [p["spec"] for p in out.get("parts", ()) if p["spec"].get("family") not in FONT_FIXED]
        texts = [el for sub in free for el in elements_of(sub, "text")]
        by_font: dict[str, str] = {}
        for el in texts:  # one new font per old font, so labels that shared a font still do
            if el["font"] not in by_font:
                same = [e["text"] for e in texts if e["font"] == el["font"]]
                pool = [f for f in fonts.FONT_IDS if f != el["font"] and not any(fonts.missing_chars(f, t) for t in same)]
                by_font[el["font"]] = pick(rng, pool) if pool else el["font"]
            el["font"] = by_font[el["font"]]
        changed = {k: v for k, v in by_font.items() if k != v}
        if not _boxes_inside(out):
            out, changed = copy.deepcopy(spec), {}
    return _tag(out, "refont", fonts=changed)


def _nearest(rgb) -> str:
    return min(PALETTE, key=lambda n: sum((a - b) ** 2 for a, b in zip(PALETTE[n][0], rgb)))


def recolor(spec: dict, seed: int, *, spread: int = 24) -> dict:
    """Other shades of the same named colours: each distinct colour (background included) made
    lighter or darker by up to ``spread`` (and up to 6 per channel), keeping its nearest palette
    name (what captions state)."""
    rng = _rng(seed, "recolor")
    shades: dict[tuple, list] = {}

    def shade(rgb):
        key = tuple(rgb)
        if key not in shades:
            new = list(key)
            for _ in range(20):
                common = int(rng.integers(-spread, spread + 1))  # mostly lighter/darker: no tint on greys
                cand = [int(np.clip(c + common + rng.integers(-6, 7), 0, 255)) for c in key]
                if _nearest(cand) == _nearest(key) and cand != list(key):
                    new = cand
                    break
            shades[key] = new
        return shades[key]

    out = copy.deepcopy(spec)
    out["background"] = shade(spec.get("background", [255, 255, 255]))
    for part in out.get("parts", ()):
        part["spec"]["background"] = shade(part["spec"].get("background", [255, 255, 255]))
    for el in all_elements(out):
        for field in ("color", "fill", "off_color"):
            if isinstance(el.get(field), list):
                el[field] = shade(el[field])
        if isinstance(el.get("cursor"), dict) and "color" in el["cursor"]:
            el["cursor"]["color"] = shade(el["cursor"]["color"])
    return _tag(out, "recolor", spread=spread)


# ---------------------------------------------------------------- time


def _keys_end(spec: dict) -> float:
    return max([k[0] for el in all_elements(spec) for v in el.values() if is_track(v) for k in v["keys"]], default=0.0)


def _scale_times(spec: dict, factor: float, fps: float) -> dict:
    out = copy.deepcopy(spec)
    for el in all_elements(out):
        for name, v in el.items():
            if is_track(v):
                el[name] = {**v, "keys": [[round(t * factor, 6), val] for t, val in v["keys"]]}
        if isinstance(el.get("cursor"), dict) and "blink" in el["cursor"]:
            el["cursor"]["blink"] = el["cursor"]["blink"] * factor
    out["fps"] = fps
    frames = round(duration(spec) * factor * fps)
    out["num_frames"] = max(1, frames, math.ceil(_keys_end(out) * fps - 1e-9))
    for part in out.get("parts", ()):  # a composite's parts keep its frame rate and count
        part["spec"]["fps"], part["spec"]["num_frames"] = fps, out["num_frames"]
    return out


def retime(spec: dict, seed: int, *, low: float = 0.8, high: float = 1.25) -> dict:
    """The timeline stretched by a factor in ``low``..``high`` (same frame rate, frame count
    scaled): every change happens in the same order and ends in the same state."""
    factor = float(_rng(seed, "retime").uniform(low, high))
    return _tag(_scale_times(spec, factor, spec["fps"]), "retime", factor=round(factor, 4))


def refps(spec: dict, seed: int) -> dict:
    """Another frame rate (6, 12, 16 or 24 fps; frame count follows, duration kept)."""
    fps = float(_rng(seed, "refps").choice([f for f in (6.0, 12.0, 16.0, 24.0) if f != spec["fps"]]))
    return _tag(_scale_times(spec, 1.0, fps), "refps", fps=fps)


LEGITIMATE = {"move": move, "resize": resize, "reframe": reframe, "refont": refont, "recolor": recolor, "retime": retime, "refps": refps}


# ---------------------------------------------------------------- wrong content: one symbol changed


def _other_char(ch: str, rng: np.random.Generator, font: str) -> str:
    """Another character of ``ch``'s kind (digit, Latin capital or small letter, Greek, Han) that
    ``font`` draws; another digit or small letter where it draws nothing else of that kind."""
    if ch.isdigit():
        pool = "0123456789"
    elif ch.isascii() and ch.isupper():
        pool = "ABCDEFGHKLMNPRSTUVWXYZ"
    elif ch.isascii() and ch.islower():
        pool = "abcdefghkmnprstuvwxyz"
    elif "\u0391" <= ch <= "\u03c9":
        pool = "αβγδεθλμπστφω"
    else:
        pool = "中国大小上下山水火木日月人口手"
    drawn = [c for c in pool if c != ch and not fonts.missing_chars(font, c)]
    return pick(rng, drawn or [c for c in "0123456789abcdefghkmnprstuvwxyz" if c != ch and not fonts.missing_chars(font, c)])


def swap_char(spec: dict, seed: int) -> dict:
    """One character of the longest text replaced by another of its kind (digit, letter, Han)."""
    rng = _rng(seed, "swap_char")
    out = copy.deepcopy(spec)
    texts = sorted(elements_of(out, "text"), key=lambda e: -len(e["text"].replace(" ", "")))
    if not texts:
        raise ValueError("swap_char: the spec has no text")
    el = texts[0]
    spots = [i for i, c in enumerate(el["text"]) if c.isalnum()] or [i for i, c in enumerate(el["text"]) if not c.isspace()]
    i = pick(rng, spots)
    old = el["text"][i]
    new = _other_char(old, rng, el["font"])
    el["text"] = el["text"][:i] + new + el["text"][i + 1 :]
    return _tag(out, "swap_char", element=el["id"], index=i, old=old, new=new)


def swap_digit(spec: dict, seed: int) -> dict:
    """One digit position of a 7-segment display shows another digit throughout."""
    rng = _rng(seed, "swap_digit")
    out = copy.deepcopy(spec)
    el = elements_of(out, "seven_segment")[0]
    values = [v for _, v in el["text"]["keys"]] if is_track(el["text"]) else [el["text"]]
    spots = [i for i in range(min(map(len, values))) if all(v[i].isdigit() for v in values)]
    i = pick(rng, spots)
    step = int(rng.integers(1, 10))

    def change(v):
        return v[:i] + str((int(v[i]) + step) % 10) + v[i + 1 :]

    el["text"] = _map(el["text"], change)
    return _tag(out, "swap_digit", element=el["id"], index=i, step=step)


def shift_time(spec: dict, seed: int) -> dict:
    """The clock shows another time: its hour hand turned by 3 to 5 hours throughout."""
    rng = _rng(seed, "shift_time")
    out = copy.deepcopy(spec)
    hours = int(rng.integers(3, 6)) * int(rng.choice([-1, 1]))
    el = next(e for e in out["elements"] if e["id"] == "hour")
    el["angle"] = _map(el["angle"], lambda a: a + 30.0 * hours)
    return _tag(out, "shift_time", hours=hours)


def move_vertex(spec: dict, seed: int, *, fraction: float = 0.25) -> dict:
    """One fixed vertex of the construction's main polyline (and its dot and label) moved by
    ``fraction`` of the figure's size in a seeded direction; in a polyline that moves (a chord from a
    fixed point to a moving one) the vertex is moved in every key. A construction with no fixed
    vertex (a compass tracing a circle) is traced the other way round instead (:func:`reverse_trace`)."""
    rng = _rng(seed, "move_vertex")
    out = copy.deepcopy(spec)
    lines = [(e, _fixed_vertices(e)) for e in elements_of(out, "polyline")]
    lines = [(e, fixed) for e, fixed in lines if fixed]
    if not lines:
        return reverse_trace(spec, seed)
    line, fixed = max(lines, key=lambda lf: len(lf[1]))
    keyed = [k[1] for k in line["points"]["keys"]] if is_track(line["points"]) else [line["points"]]
    k = fixed[int(rng.integers(len(fixed)))]
    size = float(np.ptp(np.concatenate([np.asarray(p, float) for p in keyed]), axis=0).max())
    a = rng.uniform(0, 2 * math.pi)
    d = np.array([math.cos(a), math.sin(a)]) * fraction * size
    old = list(keyed[0][k])
    new = np.clip(np.asarray(old) + d, 4, [spec["width"] - 4, spec["height"] - 4])
    d = new - np.asarray(old)
    for points in keyed:
        points[k] = [round(float(v), 4) for v in new]
    for el in out["elements"]:  # whatever sat on that vertex follows it
        for field in ("center", "position"):
            if field in el and not is_track(el[field]) and math.dist(el[field], old) < 0.2 * size and el is not line:
                el[field] = [round(el[field][0] + float(d[0]), 4), round(el[field][1] + float(d[1]), 4)]
    return _tag(out, "move_vertex", element=line["id"], index=k, shift=[round(float(v), 3) for v in d])


def _fixed_vertices(line: dict) -> list[int]:
    """Indices of a polyline's vertices that stay put: all of a static one's, those equal in every key of a moving one."""
    points = line["points"]
    if not is_track(points):
        return list(range(len(points)))
    keyed = [k[1] for k in points["keys"]]
    return [i for i in range(len(keyed[0])) if all(len(p) == len(keyed[0]) and p[i] == keyed[0][i] for p in keyed)]


def reverse_trace(spec: dict, seed: int) -> dict:
    """The traced circle swept the other way round (its stated direction reversed): the arc's
    sweep and the compass leg's turn change sign, each from the same start."""
    out = copy.deepcopy(spec)
    circle = next(e for e in out["elements"] if e["type"] == "circle" and is_track(e.get("sweep")))
    circle["sweep"] = _map(circle["sweep"], lambda v: -v)
    for el in elements_of(out, "ray"):
        if is_track(el["angle"]):
            a0 = el["angle"]["keys"][0][1]
            el["angle"] = _map(el["angle"], lambda v, a0=a0: 2 * a0 - v)
    return _tag(out, "reverse_trace", element=circle["id"])


def swap_lane_kind(spec: dict, seed: int) -> dict:
    """One lane line changes kind: a solid line becomes dashed, or a dashed line solid."""
    rng = _rng(seed, "swap_lane_kind")
    out = copy.deepcopy(spec)
    lanes = elements_of(out, "lane_line")
    el = pick(rng, lanes)
    if el.get("dash") is None:
        el["dash"] = next((e["dash"] for e in lanes if e.get("dash")), [0.8, 0.9])
    else:
        el["dash"] = None
        el.pop("offset", None)
    return _tag(out, "swap_lane_kind", element=el["id"], dashed=el["dash"] is not None)


def chart_value(spec: dict, index: int, value: int) -> dict:
    """The chart with its ``index``-th value drawn as ``value``: its bar's top or its line's point
    and marker, and its value label, placed as the family places them; the rest as it was."""
    from ..families import common

    out = copy.deepcopy(spec)
    m = out["meta"]
    old, top, cx = m["points"][index][1], m["box"][3] - value * m["scale"], m["points"][index][0]
    for el in out["elements"]:
        if el["id"] == f"bar_{index}":
            el["points"] = _map(el["points"], lambda ps: [[x, top if y == old else y] for x, y in ps])
        elif el["id"] == "line":
            el["points"][index] = [cx, top]
        elif el["id"] == f"marker_{index}":
            el["center"] = [cx, top]
        elif el["id"] == f"value_{index}":
            lift = 4 + el["size"] * 0.6 + (3 if m["kind"] == "line" else 0)
            el["text"], el["position"] = str(value), common.centered_text(el["font"], el["size"], str(value), cx, top - lift)
    m["data"]["values"][index], m["points"][index] = value, [cx, top]
    return out


def change_value(spec: dict, seed: int) -> dict:
    """One of a chart's values drawn half a tick step (up to the chart's grain) higher or lower: its
    bar or point and its printed value -- a chart's symbols are its values, as a text's are its
    characters."""
    rng = _rng(seed, "change_value")
    m = spec["meta"]
    k = int(rng.integers(len(m["data"]["values"])))
    v, grain = m["data"]["values"][k], m["grain"]
    step = math.ceil(m["tick_step"] / 2 / grain) * grain
    sign = int(rng.choice([-1, 1]))
    if not grain <= v + sign * step <= m["axis_max"]:
        sign = -sign
    return _tag(chart_value(spec, k, v + sign * step), "change_value", index=k, old=v, new=v + sign * step)


WRONG = {"swap_char": swap_char, "swap_digit": swap_digit, "shift_time": shift_time, "move_vertex": move_vertex, "reverse_trace": reverse_trace,
         "swap_lane_kind": swap_lane_kind, "change_value": change_value}  # fmt: skip
_FOR_FAMILY = {"seven_segment": swap_digit, "clock": shift_time, "geometry": move_vertex, "lanes": swap_lane_kind,
               "chart": change_value}  # fmt: skip


def one_symbol(spec: dict, seed: int) -> dict:
    """The prompt's content with exactly one symbol changed, in the way that fits its family
    (a display digit, the clock's time, a vertex, a lane's kind, a chart's value; otherwise a character)."""
    return _FOR_FAMILY.get(spec.get("family", ""), swap_char)(spec, seed)
