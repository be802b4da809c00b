"""``signage``: Chinese and English signs (exit, shop, road, appliance panel) seen by a panning / zooming camera.

The sign is laid out once in sign coordinates; the camera is one similarity transform per moment
(zoom ``s`` about the canvas centre, then a shift ``d``) applied to every element: polygon points,
text positions and text scales all move together. ``meta["camera"]`` stores the transform's keys.
verify() measures every character's ink on the pixels and checks it moved with that transform.
"""

from __future__ import annotations

import cv2
import numpy as np

from .. import captions as cap
from .. import claims as cl
from .. import fonts
from ..draw import pick
from ..errors import SymbolSetError
from ..spec import element, value_at
from ..textcolumn import column_layout
from ..textlayout import text_layout
from .canvas import fit_size, skeleton
from .ink import color_alpha
from .wording import article

NAME = "signage"
RULE = "The sign's text is identical in every frame and every character's box moves with the same camera transform as the rest of the sign."

# (kind, panel colour, text colour, lines [(text, relative size)], english noun, chinese noun)
_SIGNS = [
    ("exit", "green", "white", [("安全出口", 1.0), ("EXIT", 0.8)], "exit sign", "安全出口标志"),
    ("exit", "green", "white", [("紧急出口", 1.0), ("EMERGENCY EXIT", 0.55)], "exit sign", "紧急出口标志"),
    ("shop", "red", "yellow", [("营业中", 1.0), ("OPEN", 0.8)], "shop sign", "店铺招牌"),
    ("shop", "navy", "white", [("便利店", 1.0), ("Convenience Store", 0.5)], "shop sign", "店铺招牌"),
    ("shop", "orange", "black", [("面包房", 1.0), ("Bakery", 0.7)], "shop sign", "店铺招牌"),
    ("warning", "yellow", "black", [("小心地滑", 1.0), ("Caution Wet Floor", 0.5)], "warning sign", "警示牌"),
    ("warning", "white", "red", [("禁止吸烟", 1.0), ("No Smoking", 0.6)], "warning sign", "禁止标志"),
]
_CITIES = [("北京", "Beijing"), ("上海", "Shanghai"), ("广州", "Guangzhou"), ("杭州", "Hangzhou"), ("南京", "Nanjing"), ("成都", "Chengdu")]
_BUTTONS = [("开始", "Start"), ("暂停", "Pause"), ("温度", "Temp"), ("定时", "Timer"), ("电源", "Power"), ("模式", "Mode")]
_BACKGROUNDS = ["light gray", "cream", "dark gray", "gray"]
# Hanging shop signs written vertically (竖排), drawn only with the ``vertical`` option (a probability).
_VERTICAL = [("茶馆", "tea house sign", "茶馆招牌"), ("中药店", "herbal pharmacy sign", "中药店招牌"), ("书店", "bookshop sign", "书店招牌"),
             ("面馆", "noodle house sign", "面馆招牌"), ("客栈", "inn sign", "客栈招牌"), ("老字号酒家", "restaurant sign", "酒家招牌")]  # fmt: skip
_VERTICAL_COLORS = [("red", "yellow"), ("black", "yellow"), ("green", "white"), ("navy", "white")]
_INKS = sorted({s[2] for s in _SIGNS} | {"white"} | {ink for _, ink in _VERTICAL_COLORS})  # every colour a sign's text is drawn in


def _content(rng):
    """(kind, panel, text colour, lines, noun en, noun zh): a fixed sign, a road sign or an appliance panel."""
    which = int(rng.integers(len(_SIGNS) + 2))
    if which < len(_SIGNS):
        return _SIGNS[which]
    if which == len(_SIGNS):
        zh, en = pick(rng, _CITIES)
        km = int(rng.integers(2, 300))
        panel = "blue" if rng.random() < 0.5 else "green"
        return ("road", panel, "white", [(f"{zh} {km} km", 1.0), (en, 0.7)], "road sign", "路牌")
    idx = rng.choice(len(_BUTTONS), 3, replace=False)
    lines = [(f"{_BUTTONS[int(i)][0]} {_BUTTONS[int(i)][1]}", 0.7) for i in idx]
    return ("panel", "black", "white", lines, "appliance panel", "电器面板")


def camera_at(meta: dict, t: float) -> tuple[float, np.ndarray]:
    """Zoom and shift of the camera at time ``t``: a sign point p appears at ``s * (p - c) + c + d``."""
    cam = meta["camera"]
    return float(value_at(cam["zoom"], t)), np.asarray(value_at(cam["shift"], t), np.float64)


def sample(rng: np.random.Generator, params: dict) -> dict:
    """A sign, its fonts and layout, and a camera move (pan and/or zoom) that keeps it on the canvas."""
    bg = pick(rng, _BACKGROUNDS)
    spec = skeleton(params, NAME, cap.rgb(bg))
    w, h = spec["width"], spec["height"]
    dur = spec["num_frames"] / spec["fps"]
    share = (params.get("options") or {}).get("vertical", 0.0)  # no draw without the option: flat bytes stay
    if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 <= share <= 1:
        raise SymbolSetError(f"options.signage.vertical: expected a probability in [0, 1], got {share!r}")
    vertical = share > 0 and rng.random() < share
    if vertical:
        name, noun, noun_zh = pick(rng, _VERTICAL)
        panel, ink = pick(rng, _VERTICAL_COLORS)
        kind, lines = "shop", [(name, 1.0)]
    else:
        kind, panel, ink, lines, noun, noun_zh = _content(rng)
    text = "".join(t for t, _ in lines)
    font = fonts.pick_font(rng, text, fonts.fonts_for("han"))
    base = float(rng.uniform(0.11, 0.14) * h)
    sizes = [max(10, int(round(base * r))) for _, r in lines]
    if vertical:  # one column, at most 70% of the height
        sizes = [max(10, min(int(round(1.4 * base)), int(0.7 * h / len(text))))]
        col = column_layout(font, sizes[0], text)
        widths, pad = [col["width"]], 0.5 * base
        pw, ph = col["width"] + 2 * pad, col["ascent"] + 1.4 * pad
    else:
        for j, (line, _) in enumerate(lines):
            sizes[j] = fit_size(font, line, sizes[j], 0.55 * w)
        widths = [text_layout(font, s, line)["width"] for (line, _), s in zip(lines, sizes)]
        pad = 0.5 * base
        pw = max(widths) + 2 * pad
        ph = sum(s * 1.3 for s in sizes) + 1.4 * pad
    c = np.array([w / 2, h / 2])

    def room(z):
        """How far the zoomed panel can shift from the centre and stay on the canvas."""
        return np.maximum(0.0, (np.array([w, h]) - z * np.array([pw, ph])) / 2 - 0.04 * min(w, h))

    # Camera: zoom from z0 to z1, shift from d0 to d1 (eased), chosen so the panel stays inside the canvas.
    z0, z1 = (float(round(v, 3)) for v in rng.uniform(0.85, 1.25, 2))
    if rng.random() < 0.3:
        z1 = z0  # a pure pan
    d0 = [float(round(v, 2)) for v in rng.uniform(-1, 1, 2) * room(z0)]
    d1 = [float(round(v, 2)) for v in rng.uniform(-1, 1, 2) * room(z1)]
    if max(z0, z1) * pw > 0.95 * w or max(z0, z1) * ph > 0.95 * h:
        z0 = z1 = float(round(min(0.95 * w / pw, 0.95 * h / ph, 1.0), 3))
        d0 = d1 = [0.0, 0.0]
    t0, t1 = round(float(rng.uniform(0.0, 0.15)) * dur, 3), round(float(rng.uniform(0.8, 1.0)) * dur, 3)
    ease = "in_out" if rng.random() < 0.5 else "linear"
    keys = [t0, t1] if t0 < t1 else [t0]
    cam = {"zoom": {"keys": [[t0, z0], [t1, z1]], "ease": ease}, "shift": {"keys": [[t0, d0], [t1, d1]], "ease": ease}}

    cx, cy = float(c[0]), float(c[1])

    def track(p):
        """A sign-space point as an animated canvas position under the camera: z * (p - c) + c + d,
        in plain floats (the same operations, in the same order, as on float64 arrays)."""
        px, py = float(p[0]), float(p[1])
        return {
            "keys": [[t, [round(z * (px - cx) + cx + d[0], 4), round(z * (py - cy) + cy + d[1], 4)]] for t, z, d in zip(keys, (z0, z1), (d0, d1))],
            "ease": ease,
        }

    x0, y0 = c[0] - pw / 2, c[1] - ph / 2
    corners = [[x0, y0], [x0 + pw, y0], [x0 + pw, y0 + ph], [x0, y0 + ph]]
    border = base * 0.12
    inner = [
        [x0 + border, y0 + border],
        [x0 + pw - border, y0 + border],
        [x0 + pw - border, y0 + ph - border],
        [x0 + border, y0 + ph - border],
    ]
    els = spec["elements"]
    frame_c = "white" if panel not in ("white", "yellow") else "black"

    def outline(points):
        """A sign-space outline as an animated canvas outline under the camera."""
        tracks = [track(p)["keys"] for p in points]
        return {"keys": [[t, [tr[k][1] for tr in tracks]] for k, t in enumerate(keys)], "ease": ease}

    els.append(element("polygon", "panel_border", fill=cap.rgb(frame_c), points=outline(corners)))
    els.append(element("polygon", "panel", fill=cap.rgb(panel), points=outline(inner)))
    y = y0 + pad * 0.7
    placed = []
    for j, ((line, _), s) in enumerate(zip(lines, sizes)):
        y += s * 1.3 / 2
        anchor = c.tolist() if vertical else [c[0], y]
        zoom = {"keys": [[t, z] for t, z in zip(keys, (z0, z1))], "ease": ease}
        upright = {"vertical": True} if vertical else {}
        els.append(
            element(
                "text", f"line_{j}", text=line, font=font, size=s, color=cap.rgb(ink), anchor="center", position=track(anchor), scale=zoom,
                **upright,
            )
        )  # fmt: skip
        placed.append({"text": line, "size": s, "anchor": [round(float(v), 3) for v in anchor]})
        y += s * 1.3 / 2
    spec["meta"] = {"kind": kind, "lines": placed, "text": " / ".join(p["text"] for p in placed), "font": font, "panel": panel, "ink": ink,
                    "frame": frame_c, "background": bg, "noun": noun, "noun_zh": noun_zh, "center": c.tolist(),
                    "camera": cam, "zoom": [z0, z1], "shift": [d0, d1], "t_start": t0, "t_end": t1, "ease": ease}  # fmt: skip
    if vertical:
        spec["meta"]["vertical"] = True
    return spec


def claims(spec: dict) -> list[dict]:
    """What the captions state: each line as drawn, the camera's zoom and the sign's shift as the
    first and last frames show them (a move that outlasts the clip is stated as far as it got),
    and the time span of the move."""
    m = spec["meta"]
    last = cl.clip_end(spec)
    by_id = {el["id"]: el for el in spec["elements"]}
    ink, panel, frame = by_id["line_0"]["color"], by_id["panel"]["fill"], by_id["panel_border"]["fill"]
    scene = [ink, panel, frame, list(spec["background"])]
    t_stop = min(m["t_end"], last)
    (za, da), (zb, db) = camera_at(m, 0.0), camera_at(m, t_stop)
    out = [
        cl.claim("quoted_text", f"line {j}", element=f"line_{j}", text=p["text"], color=ink, base=panel) for j, p in enumerate(m["lines"])
    ]
    if abs(zb / za - 1) >= 0.05:
        out.append(
            cl.claim(
                "scale", "sign text", color=ink, base=panel, others=scene, ratio=round(zb / za, 3), start=round(za, 2), end=round(zb, 2)
            )
        )
    d = db - da
    if float(np.hypot(*d)) > 2:
        horiz = None if abs(d[0]) < 0.4 * abs(d[1]) else ("right" if d[0] > 0 else "left")
        vert = None if abs(d[1]) < 0.4 * abs(d[0]) else ("down" if d[1] > 0 else "up")
        out.append(
            cl.claim("motion", "sign", color=panel, others=scene, distance=round(float(np.hypot(*d))), horizontal=horiz, vertical=vert)
        )
    else:
        out.append(cl.claim("in_place", "sign", color=panel, others=scene))
    if abs(zb / za - 1) >= 0.05 or float(np.hypot(*d)) > 2:
        seen = cl.eased_visibility(spec, m["camera"]["shift"] if float(np.hypot(*d)) > 2 else m["camera"]["zoom"], m["t_start"], m["t_end"])
        out.append(
            cl.claim(
                "time_range",
                "camera",
                color=ink,
                base=panel,
                others=scene,
                start=m["t_start"],
                end=t_stop,
                stops=m["t_end"] <= last,
                **seen,
            )
        )
    w, h = spec["width"], spec["height"]
    corners = [[x, y] for x in (0, 1, 2, w - 3, w - 2, w - 1) for y in (0, 1, 2, h - 3, h - 2, h - 1)]  # the camera keeps the sign off them
    out += [
        # among the family's text colours: a 10 px black CJK stroke never fully covers a pixel, and over yellow or orange
        # its blend reads as dark grey over the whole palette
        cl.colour("sign text", ink, element="line_0", part="ink", base=panel, among=_INKS),
        cl.colour("panel", panel, element="panel"),
        cl.colour("background", spec["background"], points=corners),
    ]
    return out


def captions(spec: dict, rng: np.random.Generator) -> dict:
    """Captions quoting every line of the sign exactly, its colours and the camera move as the frames show it."""
    m = spec["meta"]
    c = {(x["kind"], x["subject"]): x for x in claims(spec)}
    lines = [c[("quoted_text", f"line {j}")]["text"] for j in range(len(m["lines"]))]
    noun, noun_zh = m["noun"], m["noun_zh"]  # what kind of sign the quoted lines make it
    quoted = " and ".join(cap.quote(t) for t in lines)
    quoted_zh = "和".join(cap.quote(t, "zh") for t in lines)
    (panel, pz), (ink, iz), (bg, bgz) = (
        (c[("colour", k)]["name"], cl.colour_words(c[("colour", k)], "zh")) for k in ("panel", "sign text", "background")
    )
    moves, moves_zh = [], []
    if ("scale", "sign text") in c:
        z0, z1 = c[("scale", "sign text")]["start"], c[("scale", "sign text")]["end"]
        moves.append(f"zooms {'in' if z1 > z0 else 'out'} from {z0:.2f}x to {z1:.2f}x")
        moves_zh.append(f"{'推近' if z1 > z0 else '拉远'}，缩放从{z0:.2f}倍变为{z1:.2f}倍")
    if ("motion", "sign") in c:
        mv = c[("motion", "sign")]
        way = " and ".join(v for v in (mv["horizontal"], mv["vertical"]) if v)
        way_zh = "".join(
            {"right": "向右", "left": "向左", "up": "向上", "down": "向下"}[v] for v in (mv["horizontal"], mv["vertical"]) if v
        )
        moves.append(f"pans so that the sign shifts {way} by about {mv['distance']} px")
        moves_zh.append(f"平移，标志{way_zh}移动约{mv['distance']}像素")
    move = " and ".join(moves) or "holds still"
    move_zh = "，".join(moves_zh) or "保持不动"
    dur = cap.seconds(cl.clip_end(spec))
    # a single Chinese column, as drawn (verify() checks its characters run top to bottom on the pixels)
    vertical = bool(next(el for el in spec["elements"] if el["id"] == "line_0").get("vertical"))
    lang_en, lang_zh = ("Chinese", "中文") if vertical else ("bilingual", "中英双语")
    set_en = "written vertically in one column, read top to bottom" if vertical else "one line above the other"
    set_zh = "竖排，从上到下" if vertical else "上下排列"
    span = c.get(("time_range", "camera"))
    t0, t1 = (cap.seconds(span["start"]), cap.seconds(span["end"])) if span else ("0.0", dur)
    tail = "" if not span or span["stops"] else ", still moving when the clip ends"
    tail_zh = "" if not span or span["stops"] else "，到视频结束时仍在运动"
    if spec["num_frames"] == 1:  # a still: the sign as the one frame shows it
        still, still_zh = cap.single_frame(dur, f" showing the {noun} with its text {quoted}.", f"，显示写着{quoted_zh}的{noun_zh}。")
        en = {"short": f"{article(noun).capitalize()} reading {quoted}.",
              "detailed": f"{article(panel).capitalize()} {noun} on {article(bg)} background; its {ink} text reads {quoted}, {set_en}.",
              "temporal": still}
        zh = {"short": f"写着{quoted_zh}的{noun_zh}。", "detailed": f"{bgz}背景上是一块{pz}{noun_zh}，{iz}文字为{quoted_zh}，{set_zh}。",
              "temporal": still_zh}  # fmt: skip
        return cap.assemble(en, zh)
    en = {
        "short": cap.choose(
            rng,
            [
                f"{article(noun).capitalize()} reading {quoted}.",
                f"A {lang_en} {noun}: {quoted}.",
                f"The camera {move} over {article(noun)} that says {quoted}.",
            ],
        ),
        "detailed": cap.choose(
            rng,
            [
                f"{article(panel).capitalize()} {noun} on {article(bg)} background; its {ink} text reads {quoted}, {set_en}.",
                f"On {article(bg)} wall, {article(noun)} in {panel} with {ink} lettering{' written vertically' if vertical else ''}: {quoted}. The text stays the same throughout; only the camera moves.",
            ],
        ),
        "temporal": cap.choose(
            rng,
            [
                f"From {t0} s to {t1} s the camera {move}{tail}; the sign and its text {quoted} move and scale together, unchanged, until {dur} s.",
                f"Between {t0} s and {t1} s the view {move}{tail}; every character of {quoted} follows the same motion as the sign.",
            ],
        ),
    }
    zh = {
        "short": cap.choose(rng, [f"写着{quoted_zh}的{noun_zh}。", f"{lang_zh}{noun_zh}：{quoted_zh}。"]),
        "detailed": f"{bgz}背景上是一块{pz}{noun_zh}，{iz}文字为{quoted_zh}，{set_zh}。",
        "temporal": f"从{t0}秒到{t1}秒镜头{move_zh}{tail_zh}；标志和文字{quoted_zh}一起移动和缩放，内容始终不变，直到{dur}秒。",
    }
    return cap.assemble(en, zh)


def difficulty(spec: dict, annotations: list[dict]) -> dict:
    """Text length and script of the sign, glyph height, and camera speed (px/s of the sign centre)."""
    m = spec["meta"]
    text = "".join(p["text"] for p in m["lines"])
    heights = [b[3] - b[1] for a in annotations for tx in a["texts"] for b in tx["char_boxes"]]
    (d0, d1), span = m["shift"], max(m["t_end"] - m["t_start"], 1e-6)
    return {"text_length": len(text.replace(" ", "")), "script": cap.script_of(text), "glyph_height_px": float(np.median(heights)) if heights else 0.0,
            "motion_speed": 0.0 if spec["num_frames"] == 1 else round(float(np.hypot(d1[0] - d0[0], d1[1] - d0[1])) / span, 3)}  # fmt: skip


def _ink_alpha(frame, spec):
    """Coverage of the sign's text colour over its panel, per pixel."""
    m = spec["meta"]
    return color_alpha(frame, cap.rgb(m["ink"]), [cap.rgb(m["ink"]), cap.rgb(m["frame"])], cap.rgb(m["panel"]))


def _char_inks(alpha, boxes):
    """Ink mass and centroid of the sign's text colour (its coverage ``alpha``) inside each box."""
    out = []
    for x0, y0, x1, y1 in boxes:
        xa, ya = max(0, int(x0)), max(0, int(y0))
        win = alpha[ya : int(np.ceil(y1)), xa : int(np.ceil(x1))]
        mass = float(win.sum())
        if mass < 1:
            out.append((mass, None))
            continue
        ys, xs = np.mgrid[0 : win.shape[0], 0 : win.shape[1]]
        out.append((mass, np.array([(xs * win).sum() / mass + xa + 0.5, (ys * win).sum() / mass + ya + 0.5])))
    return out


def _carried(alpha: np.ndarray, ratio: float, offset: np.ndarray, window: tuple[int, int, int, int]) -> np.ndarray:
    """``alpha`` (the first frame's ink) moved by the camera to another frame (canvas point p to
    ``ratio * p + offset``), over ``window`` (x0, y0, x1, y1; zero elsewhere): warped onto a 4x finer
    grid and area-averaged, so a zoom-out does not alias it."""
    fine, (x0, y0, x1, y1) = 4, window
    out = np.zeros_like(alpha)
    if x1 <= x0 or y1 <= y0:
        return out
    shift = fine * (offset - (x0, y0)) + fine * ratio * 0.5 - 0.5  # OpenCV puts pixel centres on integers
    m = np.array([[fine * ratio, 0.0, shift[0]], [0.0, fine * ratio, shift[1]]])
    warped = cv2.warpAffine(alpha, m, (fine * (x1 - x0), fine * (y1 - y0)), flags=cv2.INTER_LINEAR)
    out[y0:y1, x0:x1] = cv2.resize(warped, (x1 - x0, y1 - y0), interpolation=cv2.INTER_AREA)
    return out


def verify(spec: dict, frames: np.ndarray, annotations: list[dict]) -> list[str]:
    """The same strings every frame (a vertical sign's characters running down one column, each
    below the one before and within a quarter glyph of its axis); each line's ink centroid follows the camera transform within 1 px
    (1.5 px for a vertical column, whose few glyphs average out less of the codec's error) with ink scaling as zoom², and each
    character's ink centroid in its box lies within 1 px of the first frame's ink carried there by the camera
    (:func:`_carried`; both read in the same box, so a neighbour's ink reaching into it counts alike:
    comparing with the first frame's own box instead moved even an exact rendering's glyphs 1.4 px)."""
    m = spec["meta"]
    problems: list[str] = []
    c = np.asarray(m["center"])
    expected = {f"line_{j}": p["text"].replace(" ", "") for j, p in enumerate(m["lines"])}
    z_ref, d_ref = camera_at(m, annotations[0]["time"])
    ref_texts = {t["element"]: t for t in annotations[0]["texts"]}
    first = _ink_alpha(frames[0], spec).astype(np.float32)
    ref = {el: _char_inks(first, [ref_texts[el]["box"]])[0] for el in expected if el in ref_texts}  # each line's ink mass and centroid

    def moved(point, z, d):
        return z * ((point - c - d_ref) / z_ref) + c + d  # back to sign space, then through this frame's camera

    for i, frame in enumerate(frames):
        texts = {t["element"]: t for t in annotations[i]["texts"]}
        alpha = carried = None  # the frame's ink coverage and the first frame's carried here, read once for all its lines
        z, d = camera_at(m, annotations[i]["time"])
        for el, want in expected.items():
            got = texts.get(el)
            if got is None or "".join(got["chars"]) != want:
                problems.append(f"frame {i}: {el} shows {got and got['string']!r}, expected {want!r}")
                continue
            if el not in ref:
                continue
            alpha = _ink_alpha(frame, spec) if alpha is None else alpha
            (mass, cen), (rmass, rcen) = _char_inks(alpha, [got["box"]])[0], ref[el]
            if cen is None or rcen is None:
                problems.append(f"frame {i}: {el} has no ink")
                continue
            off = float(np.linalg.norm(cen - moved(rcen, z, d)))
            ratio = mass / rmass / (z / z_ref) ** 2
            if off > (1.5 if m.get("vertical") else 1.0):
                problems.append(f"frame {i}: the text {want!r} is {off:.2f} px off the camera transform")
            if not 0.85 <= ratio <= 1.18:
                problems.append(f"frame {i}: the text {want!r} has {ratio:.2f}x the expected ink: its glyphs changed")
            inks = _char_inks(alpha, got["char_boxes"])
            if m.get("vertical") and not all(
                p[1] is not None and q[1] is not None and q[1][1] - p[1][1] > 0.5 * (bq[3] - bq[1]) and abs(q[1][0] - p[1][0]) < 0.25 * (bq[2] - bq[0])
                for p, q, bq in zip(inks, inks[1:], got["char_boxes"][1:])
            ):  # fmt: skip
                problems.append(f"frame {i}: the characters of {want!r} do not run down one column")
            if carried is None:
                boxes = np.array([t["box"] for t in texts.values()])
                h, w = alpha.shape
                window = (max(0, int(boxes[:, 0].min()) - 2), max(0, int(boxes[:, 1].min()) - 2),
                          min(w, int(np.ceil(boxes[:, 2].max())) + 2), min(h, int(np.ceil(boxes[:, 3].max())) + 2))  # fmt: skip
                carried = _carried(first, z / z_ref, c + d - z / z_ref * (c + d_ref), window)
            for k, ((_, cc), (_, rc)) in enumerate(zip(inks, _char_inks(carried, got["char_boxes"]))):
                if cc is None or rc is None:
                    problems.append(f"frame {i}: character {want[k]!r} of {el} has no ink")
                    break
                if np.linalg.norm(cc - rc) > 1.0:
                    problems.append(f"frame {i}: character {want[k]!r} of {el} is {np.linalg.norm(cc - rc):.2f} px off the camera transform")
                    break
    return problems
