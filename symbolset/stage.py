"""The 3D stage: a family's flat frame becomes a print on a surface in a scene seen by a camera.

``spec["stage"]`` (present only for the ``real`` style) says everything, so a clip still
re-renders bit for bit from its spec::

    {"surface": material,            # grain of what the symbols are printed on (materials.py)
     "environment": material,        # the wall/desk around it, in the same plane
     "camera": {"move", "fill", "focal", "keys": {"yaw","pitch","pan","tilt","roll","distance"}: [start, end],
                "shake": degrees, "seed"},
     "light": {"gradient": [gx, gy], "falloff", "center": [u, v], "shadow", "glare"},
     "lens": {"pattern": sigma, "noise": sigma, "jpeg": quality or null, "seed", "defocus", "motion_blur"},
                                     # pattern: fixed-pattern sensor noise; noise: per-frame noise
     "occluder": {...}}              # optional: something passing in front (stage_occlude.py)

The family's canvas (W x H) lies centred on the plane z = 0; a pinhole camera looks at it
(stage_camera.py). Each frame's homography maps layer pixels to image pixels, so every box becomes an
exact quad: the stored quad is the image of the flat ink box grown by 0.55 px, the reach of bilinear
resampling, hence it contains every pixel the ink touches; the axis-aligned box is the pixel hull of
the quad, and ``char_visibility`` says per character whether its quad lies in the frame (full,
partial, hidden), and an occluder, drawn after the warp, may hide it (stage_occlude.py). The drawn
camera keeps the whole card in the frame on every frame. Light, shadow,
blur, noise and JPEG (stage_light.py) act on pixels after annotation: they never move a box. Text
faces may be swapped for others of the font pool (same width or narrower). The family's captions
describe the flat card (:func:`card`); :func:`sentences` adds the surface and the camera move.
"""

from __future__ import annotations

import functools

import cv2
import numpy as np

from . import composite_planes, fontpack, fonts, materials, stage_light, stage_occlude
from .draw import pick
from .errors import SpecError
from .stage_camera import apply, homography, to_cv
from .stage_schema import MOVES, check
from .textlayout import layout_of

STYLES = ("flat", "real", "mixed")
FONT_LOCKED = ("formula",)  # families whose layout composes runs from one face's metrics
LOCKED_FACES = ("dejavu-sans", "dejavu-serif")  # the faces formula keeps: left to it, since it alone draws each in ~6 % of text clips
_SMALL = 12  # px: texts this small are checked for solid ink in a swapped face
_MIN_SOLID = 3  # pixels at least half covered (the quoted_text claim's test)
_GROW = 0.55  # bilinear reach (0.5 px) plus OpenCV's 1/32 px coordinate rounding


# ---------------------------------------------------------------- choosing a stage


def style_for(params: dict, family: str) -> str:
    """The style a family's clips get: ``params["style"]`` is a style name or a mapping
    ``{family: style, "default": style}``."""
    style = params.get("style", "flat")
    if isinstance(style, dict):
        style = style.get(family, style.get("default", "flat"))
    return style


def stylize(spec: dict, seed: int, params: dict) -> dict:
    """The spec with a stage drawn for it (``real``, or ``mixed`` at 50%); its faces (but the locked
    families') are drawn from the font pool in both styles, a ``mixed`` clip left flat included.

    Uses its own generator (``[seed, 2]``), so the family's own draws stay what they are in ``flat``.
    """
    style = style_for(params, spec.get("family", ""))
    if style == "flat" or "stage" in spec:  # a composite scene draws its own stage
        return spec
    rng = np.random.default_rng([seed, 2])
    flat_half = style == "mixed" and rng.random() < 0.5
    pool = fontpack.require_pool(params.get("font_pool", "pip"), "font_pool")
    spec = {**spec, "elements": [dict(el) for el in spec["elements"]], "meta": dict(spec.get("meta", {}))}
    if spec.get("family") not in FONT_LOCKED:
        _swap_fonts(spec, rng, pool)
    if flat_half:  # flat art, in the pool's faces: kept in the family's few faces, it made them most of a run's text
        return spec
    spec["stage"] = _draw_stage(rng, spec)
    occ_rng = np.random.default_rng([seed, 3])  # its own generator: the rest of the stage is as without occluders
    if occ_rng.random() < params.get("occluders", stage_occlude.SHARE):
        spec["stage"]["occluder"] = stage_occlude.sample(occ_rng, spec["width"], spec["height"])
    check(spec)
    return spec


def _swap_fonts(spec: dict, rng: np.random.Generator, pool: tuple[str, ...]) -> None:
    """Give each face of the clip another face of ``pool`` that draws all its texts, shrinking a
    text until it is no wider and at most 10% taller than the family laid it out."""
    texts = [el for el in spec["elements"] if el["type"] == "text"]
    mapping = {}
    for old in dict.fromkeys(el["font"] for el in texts):
        group = "".join(el["text"] for el in texts if el["font"] == old)
        covering = [fid for fid in pool if fid not in LOCKED_FACES and not fonts.missing_chars(fid, group)]
        # Texts without Chinese leave the few Chinese faces to those with it (else, in the pip pool,
        # a Chinese face drew 11 % of text clips).
        covering = [fid for fid in covering if "han" not in fontpack.FACES[fid].scripts] or covering
        # A thin or light face at 8-12 px can leave a short label with no solid ink (a '0' drawn as a faint ring):
        # small texts keep to faces that draw each of them solidly at the size it gets.
        small = list({(el["text"], el["size"], bool(el.get("vertical"))): el for el in texts if el["font"] == old and el["size"] <= _SMALL}.values())
        covering = [fid for fid in covering if all(_solid(fid, _fit(el, fid), el["text"]) for el in small)]
        mapping[old] = pick(rng, covering) if covering else old
    for el in texts:
        new = mapping[el["font"]]
        el["font"], el["size"] = new, _fit(el, new)
    if spec["meta"].get("font") in mapping:
        spec["meta"]["font"] = mapping[spec["meta"]["font"]]


def _fit(el: dict, new: str) -> int:
    """The size (>= 8 px) at which text ``el`` in face ``new`` is no wider and at most 10% taller than as laid out."""
    return _fit_size(el["font"], int(round(el["size"])), el["text"], bool(el.get("vertical")), new)


@functools.lru_cache(maxsize=16384)  # the swap weighs every face of the pool for each small text; labels repeat
def _fit_size(old: str, size: int, text: str, vertical: bool, new: str) -> int:
    was_w, was_h = _extent(old, size, text, vertical)
    tall = was_h * 1.1
    lay_w, lay_h = _extent(new, size, text, vertical)  # metrics scale about linearly with size: one guess, then steps
    fit = max(8, min(size, int(size * min(was_w / max(lay_w, 1e-6), tall / lay_h))))
    while fit > 8:
        lay_w, lay_h = _extent(new, fit, text, vertical)
        if lay_w <= was_w and lay_h <= tall:
            break
        fit -= 1
    return fit


def _extent(font_id: str, size: int, text: str, vertical: bool) -> tuple[float, int]:
    """The width and the ascent + descent of ``text``'s layout (:func:`layout_of`). A row's are the
    font's advance and metrics, read without laying out each character (the swap weighs every face
    of the pool, and that layout was most of a chart's stylize); a column's come from its layout."""
    if vertical:
        lay = layout_of(font_id, size, text, True)
        return lay["width"], lay["ascent"] + lay["descent"]
    font = fonts.load(font_id, size)
    ascent, descent = font.getmetrics()
    return font.getlength(text), ascent + descent


@functools.lru_cache(maxsize=16384)
def _solid(font_id: str, size: int, text: str) -> bool:
    """Whether ``text`` drawn in ``font_id`` at ``size`` px keeps at least :data:`_MIN_SOLID` pixels half covered or
    more (the ink a ``quoted_text`` claim looks for) wherever it lands: at the worst sub-pixel offset, half a pixel
    both ways, which spreads each pixel's ink over four."""
    if not text.strip():
        return True
    mask = fonts.load(font_id, size).getmask(text)  # Pillow's coverage of the drawn string
    a = np.pad(np.asarray(mask, np.float32).reshape(mask.size[1], mask.size[0]), 1)
    spread = (a[:-1, :-1] + a[1:, :-1] + a[:-1, 1:] + a[1:, 1:]) / 4
    return int((spread > 127).sum()) >= _MIN_SOLID


def _pair(rng, lo, hi, still=False):
    a = float(rng.uniform(lo, hi))
    return [0.0, 0.0] if still else [round(-a / 2, 3), round(a / 2, 3)] if rng.random() < 0.5 else [round(a / 2, 3), round(-a / 2, 3)]


def _draw_stage(rng: np.random.Generator, spec: dict) -> dict:
    move = pick(rng, MOVES)
    keys = {"yaw": [0.0, 0.0], "pitch": [0.0, 0.0], "pan": [0.0, 0.0], "tilt": [0.0, 0.0], "roll": [0.0, 0.0], "distance": [1.0, 1.0]}
    base_yaw = float(rng.choice([-1, 1]) * rng.uniform(6, 18))  # always seen at an angle
    base_pitch = float(rng.uniform(-14, 14))
    keys["yaw"] = [round(base_yaw, 3)] * 2
    keys["pitch"] = [round(base_pitch, 3)] * 2
    keys["roll"] = [round(float(rng.uniform(-4, 4)), 3)] * 2
    if move == "orbit":
        d = _pair(rng, 16, 30)
        keys["yaw"] = [round(base_yaw / 2 + d[0], 3), round(base_yaw / 2 + d[1], 3)]
    elif move == "dolly":
        near, far = 1.0, float(rng.uniform(1.25, 1.5))
        keys["distance"] = [round(far, 3), near] if rng.random() < 0.5 else [near, round(far, 3)]
    elif move == "pan":
        keys["pan"] = _pair(rng, 6, 10)
    elif move == "tilt":
        keys["tilt"] = _pair(rng, 5, 8)
    dark = sum(c * k for c, k in zip(spec.get("background", (255, 255, 255)), (0.299, 0.587, 0.114))) < 100
    surface = materials.sample(rng, materials.DARK_PLANE_KINDS if dark else materials.PLANE_KINDS)
    environment = materials.sample(rng, tuple(k for k in materials.KINDS if k not in ("lcd",)))
    camera = {"move": move, "fill": round(float(rng.uniform(0.66, 0.8)), 3), "focal": round(float(rng.uniform(1.0, 1.6)), 3),
              "keys": keys, "shake": round(float(rng.uniform(0.15, 0.35)), 3) if move == "shake" else 0.0, "seed": int(rng.integers(2**31))}  # fmt: skip
    light = {"gradient": [round(float(rng.uniform(-0.12, 0.12)), 3), round(float(rng.uniform(-0.12, 0.12)), 3)],
             "falloff": round(float(rng.uniform(0.0, 0.12)), 3), "center": [round(float(rng.uniform(0.2, 0.8)), 3), round(float(rng.uniform(0.2, 0.8)), 3)],
             "shadow": round(float(rng.uniform(0.2, 0.45)), 3), "glare": round(float(rng.uniform(0.05, 0.18)), 3) if rng.random() < 0.4 else 0.0}  # fmt: skip
    noise, jpeg = rng.random(2) < (0.5, 0.4)
    lens = {
        "pattern": round(float(rng.uniform(0.5, 2.5)), 3) if noise else 0.0,
        "jpeg": int(rng.integers(60, 92)) if jpeg else None,
        "seed": int(rng.integers(2**31)),
    }
    defocus, motion = rng.random(2) < (0.3, 0.5)
    lens["defocus"] = round(float(rng.uniform(0.3, 0.8)), 3) if defocus else 0.0  # Gaussian sigma, px
    lens["motion_blur"] = round(float(rng.uniform(0.3, 0.8)), 3) if motion and move != "static" else 0.0  # exposure / frame
    # Sensor noise is mostly a fixed pattern (the same on every frame: cheap to draw and to encode);
    # a quarter of clips add a faint per-frame part.
    lens["noise"] = round(float(rng.uniform(0.3, 0.8)), 3) if rng.random() < 0.25 else 0.0
    stage = {"surface": surface, "environment": environment, "camera": camera, "light": light, "lens": lens}
    _fit_camera(stage, spec)
    return stage


def _fit_camera(stage: dict, spec: dict) -> None:
    """Step the camera back until the whole card stays 2 px inside the frame on every frame."""
    w, h = spec["width"], spec["height"]
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float64)
    for _ in range(40):
        ok = True
        for i in range(spec["num_frames"]):
            q = apply(homography(stage, spec, i), corners)
            if not ((q[:, 0] >= 2).all() and (q[:, 0] <= w - 2).all() and (q[:, 1] >= 2).all() and (q[:, 1] <= h - 2).all()):
                ok = False
                break
        if ok:
            return
        stage["camera"]["fill"] = round(stage["camera"]["fill"] * 0.93, 4)
    raise SpecError("stage.camera: no distance keeps the card inside the frame")  # pragma: no cover


# ---------------------------------------------------------------- rendering onto the stage


def project(spec: dict, frames: np.ndarray, annotations: list[dict], *, index: int = 0, lens: bool = True) -> tuple[np.ndarray, list[dict]]:
    """Put a clip's flat frames on the stage: the camera's frames and annotations (texts' boxes become
    the pixel hulls of exact quads, recorded as ``text_quad`` shapes; a ``camera`` shape carries the
    frame's homography; shape parameters are marked ``"space": "layer"``). ``index`` is the first
    frame's number; ``lens=False`` leaves out noise and JPEG (for checks of ink against quads)."""
    st = spec["stage"]
    w, h = spec["width"], spec["height"]
    wall, card, (ox, oy) = stage_light.wall(st, spec)  # only the card's region of the wall changes from frame to frame
    # Kept with a 4th, unused channel: OpenCV warps 4 channels over twice as fast as 3, each channel the same.
    canvas, lit = cv2.cvtColor(wall, cv2.COLOR_BGR2BGRA), np.empty((h, w, 3), np.uint8)
    out = np.empty_like(frames)
    new_ann = []
    to_wall = np.array([[1, 0, -ox], [0, 1, -oy], [0, 0, 1]], np.float64)
    # One homography per frame (and the one before the first, for motion blur), computed once.
    first = max(0, index - 1)
    hs = [homography(st, spec, j) for j in range(first, max(index + len(frames), first + 2))]
    pattern = stage_light.pattern_noise(st, spec) if lens else None
    bare = composite_planes.bare_backdrops(spec, card)  # parts on planes of their own (composite_planes.py)
    planes = [composite_planes.homographies(st, spec, index + i) if bare else {} for i in range(len(frames))]
    boxes = _text_quads(annotations, hs[index - first : index - first + len(frames)], w, h, planes)
    m_prev = img = seen = panels = None
    for i in range(len(frames)):
        m = hs[index + i - first]
        same_card = i > 0 and np.array_equal(frames[i], frames[i - 1])  # then the wall holds this frame's lit card already
        held = ("occluder" not in st and same_card and np.array_equal(m, m_prev)
                and {**annotations[i], "frame": 0, "time": 0} == {**annotations[i - 1], "frame": 0, "time": 0})  # fmt: skip
        if held:  # a still camera on an unchanged card (a held display, a typing pause): same image before the lens
            new_ann.append({**new_ann[-1], "frame": annotations[i]["frame"], "time": annotations[i]["time"]})
        else:
            if not same_card:
                card.light(frames[i], lit)
                panels = composite_planes.lift_panels(lit, spec, bare) if bare else None
                cv2.mixChannels([lit], [canvas[oy : oy + h, ox : ox + w]], [0, 0, 1, 1, 2, 2])
            img = cv2.warpPerspective(canvas, to_cv(m @ to_wall), (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT_101)
            img = cv2.cvtColor(img, cv2.COLOR_BGRA2BGR)
            if planes[i]:
                img = composite_planes.paint(img, panels, spec, planes[i])
            new_ann.append(_map_annotations(annotations[i], m, st["camera"]["move"], *boxes[i], planes[i]))
            if "occluder" in st:  # something passes in front: drawn after the warp, before the lens
                img, new_ann[-1] = stage_occlude.occlude(img, new_ann[-1], st, spec, index + i, m)
        if lens:  # stage_light.lens() returns a new image; the exposure spans the move from the previous frame to this one
            j = index + i - first
            v = stage_light.streak(st, spec, hs[j - 1] if index + i else hs[j], hs[j] if index + i else hs[j + 1])
            if held and not st["lens"]["noise"] and (v is None) == (seen is None) and (v is None or np.array_equal(v, seen)):
                out[i] = out[i - 1]  # the same image through the same lens (no per-frame noise): the same frame
            else:
                out[i] = stage_light.lens(img, st, spec, index + i, v, pattern)
            seen = v
        else:
            out[i] = img
        m_prev = m
    return out, new_ann


def visibility(quads: np.ndarray, w: int, h: int) -> list[str]:
    """Per quad ``(N, 4, 2)``: ``"full"`` when it lies wholly in the frame (all its ink is seen),
    ``"hidden"`` when it shares no area with the frame (none is), else ``"partial"``: the verdict of the
    frame's edges, which an occluder refines (stage_occlude.py)."""
    frame = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    within = ((quads >= 0) & (quads <= [w, h])).all(axis=(1, 2))  # a convex quad with its corners in the frame lies in it
    if within.all():  # always so under the drawn cameras
        return ["full"] * len(quads)
    out = []
    for q, whole in zip(np.ascontiguousarray(quads, np.float32), within):
        if whole:
            out.append("full")
            continue
        area = abs(cv2.contourArea(q))
        inside = cv2.intersectConvexConvex(q, frame)[0] if area > 0 else 0.0
        out.append("full" if inside >= area * (1 - 1e-5) else "hidden" if inside <= 0 else "partial")
    return out


def _text_quads(annotations: list[dict], ms: list[np.ndarray], w: int, h: int, planes: list[dict] | None = None) -> list[tuple[list, list, list]]:
    """Per frame (homography ``ms[i]``), its texts' boxes and character boxes (a text's box, then its
    characters', text by text) as pixel hulls, quads rounded to 1/1000 px and frame-edge verdicts;
    every frame's boxes are mapped at once, each corner by the same scalar arithmetic whatever the
    number of frames (so a frame rendered alone gets the same numbers). A composite part on a plane of
    its own (``planes[i]``: part id -> homography) has its texts mapped by its plane's homography."""
    per = [[b for t in a["texts"] for b in (t["box"], *t["char_boxes"])] for a in annotations]
    counts = [len(p) for p in per]
    if not sum(counts):
        return [([], [], [])] * len(annotations)
    grown = np.array([b for p in per for b in p], np.float64).reshape(-1, 4) + np.array([-_GROW, -_GROW, _GROW, _GROW])
    x, y = grown[:, [0, 2, 2, 0]], grown[:, [1, 1, 3, 3]]  # top-left, top-right, bottom-right, bottom-left
    m = np.stack(ms)[np.repeat(np.arange(len(ms)), counts)]
    k = 0
    for a, own in zip(annotations, planes or []):
        for t in a["texts"]:
            n = 1 + len(t["char_boxes"])
            for pid, mp in own.items():
                if t["element"].startswith(pid + "/"):
                    m[k : k + n] = mp
            k += n
    m = m[:, :, :, None]  # (boxes, 3, 3, 1)
    den = m[:, 2, 0] * x + m[:, 2, 1] * y + m[:, 2, 2]
    quads = np.stack([(m[:, 0, 0] * x + m[:, 0, 1] * y + m[:, 0, 2]) / den, (m[:, 1, 0] * x + m[:, 1, 1] * y + m[:, 1, 2]) / den], axis=-1)
    lo, hi = quads.min(axis=1), quads.max(axis=1)
    # The pixel hull, clamped to the frame (a quad wholly outside gets an empty box on the nearest edge).
    start = np.clip(np.ceil(lo - 0.5), 0, [w, h])
    hulls = np.column_stack([start, np.maximum(start, np.minimum([w, h], np.floor(hi - 0.5) + 1))]).tolist()
    rounded = np.round(quads, 3).tolist()
    out, k = [], 0
    for n in counts:
        out.append((hulls[k : k + n], rounded[k : k + n], visibility(quads[k : k + n], w, h)))
        k += n
    return out


def _map_annotations(ann: dict, m: np.ndarray, move: str, hulls: list, rounded: list, seen: list, planes: dict | None = None) -> dict:
    texts, shapes = [], []
    k = 0
    for t in ann["texts"]:
        n = 1 + len(t["char_boxes"])
        texts.append({**t, "box": hulls[k], "char_boxes": hulls[k + 1 : k + n]})
        params = {"quad": rounded[k], "char_quads": rounded[k + 1 : k + n], "char_visibility": seen[k + 1 : k + n]}
        shapes.append({"element": t["element"], "type": "text_quad", "params": params})
        k += n
    for s in ann["shapes"]:
        shapes.append({**s, "params": {**s["params"], "space": "layer"}})
    shapes.append(
        {"element": "stage", "type": "camera", "params": {"move": move, "homography": [[round(float(v), 9) for v in row] for row in m]}}
    )
    for pid, mp in (planes or {}).items():  # its "layer" shapes are mapped by this one
        shapes.append({"element": pid, "type": "plane", "params": {"homography": [[round(float(v), 9) for v in row] for row in mp]}})
    return {**ann, "texts": texts, "shapes": shapes}


# ---------------------------------------------------------------- captions

_MOVE_EN = {
    "static": "the camera holds still, looking at it at an angle",
    "orbit": "the camera orbits {dir} around it while staying aimed at it",
    "dolly": "the camera dollies {dir}",
    "pan": "the camera pans {dir}",
    "tilt": "the camera tilts {dir}",
    "shake": "the hand-held camera shakes slightly",
}
_MOVE_ZH = {
    "static": "镜头静止，从斜侧方拍摄",
    "orbit": "镜头始终对准它并{dir}环绕",
    "dolly": "镜头{dir}",
    "pan": "镜头{dir}平移",
    "tilt": "镜头{dir}俯仰",
    "shake": "手持镜头轻微晃动",
}


def _direction(cam: dict) -> tuple[str, str]:
    k, move = cam["keys"], cam["move"]
    if move == "orbit":
        return ("to the left", "向左") if k["yaw"][1] > k["yaw"][0] else ("to the right", "向右")
    if move == "dolly":
        return ("in, closer to it", "推近") if k["distance"][1] < k["distance"][0] else ("out, away from it", "拉远")
    if move == "pan":
        return ("to the right", "向右") if k["pan"][1] > k["pan"][0] else ("to the left", "向左")
    if move == "tilt":
        return ("up", "向上") if k["tilt"][1] > k["tilt"][0] else ("down", "向下")
    return "", ""


def sentences(spec: dict) -> dict[str, str]:
    """One family-independent sentence per language about the surface, its surroundings and the camera."""
    st = spec["stage"]
    surf, env = materials.KINDS[st["surface"]["kind"]], materials.KINDS[st["environment"]["kind"]]
    d_en, d_zh = _direction(st["camera"])
    move_en = _MOVE_EN[st["camera"]["move"]].format(dir=d_en)
    move_zh = _MOVE_ZH[st["camera"]["move"]].format(dir=d_zh)
    filmed = "filmed"
    if spec["num_frames"] == 1:  # a still: the camera's pose on its one frame, no move
        filmed, move_en, move_zh = "seen", "the camera looks at it at an angle", "镜头从斜侧方拍摄"
    screen = st["surface"]["kind"] == "lcd"
    if "parts" in spec:  # a composite: each part's caption describes its own panel (families/composite.py)
        return {"en": f"The panels are {'shown on' if screen else 'printed on'} {surf[0]} set against {env[0]}, {filmed} in perspective; {move_en}. "
                      "Each part's positions, sizes and distances, and what its sentences call the frame, the view and the background, are those of its own panel.",
                "zh": f"各面板{'显示在' if screen else '印在'}{surf[1]}上，背后是{env[1]}，以透视角度拍摄；{move_zh}。各部分所说的位置、大小、距离以及画面、视角和背景均指该部分自身的面板。"}  # fmt: skip
    en = (f"It is {'shown on' if screen else 'printed on'} {surf[0]} set against {env[0]}, {filmed} in perspective; {move_en}. "
          f"Positions, sizes and distances above are those on the {'screen' if screen else 'card'} itself.")  # fmt: skip
    zh = f"画面{'显示在' if screen else '印在'}{surf[1]}上，背后是{env[1]}，以透视角度拍摄；{move_zh}。上文的位置、大小和距离均指{'屏幕' if screen else '卡片'}本身。"
    return {"en": en, "zh": zh}


def card(spec: dict) -> dict:
    """The spec without its stage: the flat card the family drew, which its captions describe.

    The family's claims are measured on this card (by colour against its plain background); the
    homographies map it exactly into the video, and the stage sentence says so."""
    return {k: v for k, v in spec.items() if k != "stage"} if "stage" in spec else spec


def add_captions(spec: dict, caps: dict, annotations: list[dict]) -> dict:
    """The family's captions with the stage sentence appended to the detailed and temporal ones (and,
    when an occluder passes, a sentence measured on the clip's rendered ``annotations``)."""
    if "stage" not in spec:
        return caps
    s = sentences(spec)
    if "occluder" in spec["stage"]:
        o = stage_occlude.sentences(spec, annotations)
        if o["en"]:  # (empty: a one-frame clip whose occluder is off the frame)
            s = {"en": s["en"] + " " + o["en"], "zh": s["zh"] + o["zh"]}
    sep = {"en": " ", "zh": ""}
    return {
        lang: {g: (text + sep[lang] + s[lang] if g in ("detailed", "temporal") else text) for g, text in by_g.items()}
        for lang, by_g in caps.items()
    }
