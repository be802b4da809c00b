"""``lanes``: a road in perspective whose lane lines run to one vanishing point while dashes stream toward the viewer."""

from __future__ import annotations

import math

import cv2
import numpy as np

from .. import captions as cap
from .. import claims as cl
from ..draw import pick
from ..render import render_frame
from ..rounding import rounded
from ..spec import element
from .canvas import skeleton
from .ink import angle_diff, coverage, pixel_at

NAME = "lanes"
RULE = "All lane lines meet at one vanishing point in every frame, and the dashes move toward the viewer at a constant speed without breaking or jumping."

_SKIES = ["blue", "light gray", "navy", "cream"]
_GROUNDS = ["green", "gray"]
_ROADS = ["dark gray", "black"]
_VP_TOLERANCE = 4.0  # px (yuv420p blur included), for a line seen from a quarter below the horizon down to the bottom
_FULL_LEVER = 5 / 3  # that line's extrapolation lever: (mean row - horizon) / half its rows' spread
_ROW_TOLERANCE = 1.5  # px: a row's ink centre off the drawn line (anti-aliasing, yuv420p)


def sample(rng: np.random.Generator, params: dict) -> dict:
    """A road scene: horizon, vanishing point, 2-4 lane lines (solid/dashed) and a dash speed from ``rng``."""
    sky = pick(rng, _SKIES)
    spec = skeleton(params, NAME, cap.rgb(sky))
    w, h = spec["width"], spec["height"]
    ground = pick(rng, _GROUNDS)
    road = pick(rng, _ROADS)
    vx = float(round(w * rng.uniform(0.4, 0.6), 2))
    vy = float(round(h * rng.uniform(0.3, 0.42), 2))
    n = int(rng.integers(2, 5))
    half = w * float(rng.uniform(0.4, 0.65))  # half the road's width at the bottom row
    left, right = vx - half + w * rng.uniform(-0.1, 0.1), vx + half + w * rng.uniform(-0.1, 0.1)
    bottoms = [float(round(left + (right - left) * k / (n - 1), 2)) for k in range(n)]
    kinds = ["solid", "dashed"] if n == 2 else ["solid"] + ["dashed"] * (n - 2) + ["solid"]
    if n == 2 and rng.random() < 0.5:
        kinds.reverse()
    edge_yellow = rng.random() < 0.5  # a yellow left edge, as on many roads
    dash = [round(float(rng.uniform(0.4, 0.8)), 3), round(float(rng.uniform(0.8, 1.4)), 3)]
    period = dash[0] + dash[1]
    per_frame = float(rng.uniform(0.12, 0.35)) * period  # well under half a period: no wagon-wheel ambiguity
    speed = round(per_frame * spec["fps"], 4)  # depth units per second
    line_w = max(2, int(round(w * rng.uniform(0.02, 0.035))))

    margin = 0.6 * line_w + 0.02 * w
    spec["elements"] = [
        element("polygon", "ground", fill=cap.rgb(ground), points=[[0.0, vy], [float(w), vy], [float(w), float(h)], [0.0, float(h)]]),
        element("polygon", "road", fill=cap.rgb(road), points=[[vx, vy], [max(bottoms) + margin * 4, float(h)], [min(bottoms) - margin * 4, float(h)]]),
    ]  # fmt: skip
    lanes = []
    end = spec["num_frames"] / spec["fps"]
    for k, (bx, kind) in enumerate(zip(bottoms, kinds)):
        color = "yellow" if (k == 0 and edge_yellow and kind == "solid") else "white"
        el = element("lane_line", f"lane{k}", vanishing_point=[vx, vy], bottom_x=bx, bottom_width=line_w, color=cap.rgb(color))
        if kind == "dashed":
            el["dash"] = dash
            el["offset"] = {"keys": [[0.0, 0.0], [round(end, 6), round(speed * end, 6)]], "ease": "linear"}
        spec["elements"].append(el)
        lanes.append({"id": el["id"], "kind": kind, "color": color, "bottom_x": bx})
    spec["meta"] = {
        "vanishing_point": [vx, vy],
        "lanes": lanes,
        "dash": dash,
        "speed": speed,
        "sky": sky,
        "ground": ground,
        "road": road,
        "line_width": line_w,
    }
    return spec


def claims(spec: dict) -> list[dict]:
    """What the captions state: where the vanishing point lies (by the region rule of
    :mod:`symbolset.claims`; verify() checks that the lines' ink meets there) and that the dashes move
    from the first frame to the last."""
    m = spec["meta"]
    road = cap.rgb(m["road"])
    scene = [cap.rgb(m[k]) for k in ("sky", "ground")] + [cap.rgb("yellow")]
    out = [
        cl.claim("position_region", "vanishing point", point_of=["lane0", "vanishing_point"], frame=spec["num_frames"] - 1,
                 **cl.region(*m["vanishing_point"], spec["width"], spec["height"])),
    ]  # fmt: skip
    if spec["num_frames"] > 1:  # a still (one frame) shows the road, nothing moving
        out.append(cl.claim("time_range", "dashes", color=cap.rgb("white"), base=road, others=scene, start=0.0, end=cl.clip_end(spec), stops=False))
    return out + _colour_claims(spec)


def _colour_claims(spec: dict) -> list[dict]:
    """Colour claims of each lane line (at its ink in the last frame, near the bottom where lines are
    widest), the sky, the verges beside the horizon and the road between the lines."""
    w, h = spec["width"], spec["height"]
    by_id = {el["id"]: el for el in spec["elements"]}
    lanes = [el for el in spec["elements"] if el["type"] == "lane_line"]
    vx, vy = lanes[0]["vanishing_point"]
    _, ann = render_frame(spec, spec["num_frames"] - 1)
    shapes = {sh["element"]: sh["params"] for sh in ann["shapes"] if sh["type"] == "lane_line"}
    low = vy + 0.3 * (h - vy)  # nearer the horizon the lines are too thin to show their colour
    out = []
    for k, el in enumerate(lanes):
        rows = [(min(y0, y1) + 1, max(y0, y1) - 1) for _, y0, _, y1 in shapes[el["id"]]["marks"]] if el.get("dash") else [(low, h - 2)]
        ys = [y + 0.5 for a, b in rows for y in range(int(math.ceil(max(a, low))), int(math.floor(b)))]
        # every centre at once (the same float64 steps per number); a pixel centre y + 0.5 rounds to itself
        pts = [[x, y] for x, y in zip(rounded(_line_centre(el, np.asarray(ys, np.float64), h), 2), ys)]
        pts = [p for p in pts if 2 <= p[0] <= w - 2]
        out.append(cl.colour(f"lane {k}", el["color"], points=pts, part="ink", base=by_id["road"]["fill"]))
        centres = [y + 0.5 for y in range(int(math.ceil(low)), h - 1)]
        walk = [[x, y] for x, y in zip(rounded(_line_centre(el, np.asarray(centres, np.float64), h), 2), centres)]
        walk = [p for p in walk if 2 <= p[0] <= w - 2]
        out.append(
            cl.claim("line_pattern", f"lane {k}", color=el["color"], base=by_id["road"]["fill"], points=walk, dashed=bool(el.get("dash")))
        )
    band = max(2, int(0.04 * h))
    verge = [[x, y] for y in range(int(math.ceil(vy)) + 1, int(math.ceil(vy)) + 1 + band) for x in (0, 1, 2, w - 3, w - 2, w - 1)]
    bottoms = sorted(el["bottom_x"] for el in lanes)
    between = [[(a + b) / 2, float(y)] for a, b in zip(bottoms, bottoms[1:]) for y in range(h - 1 - band, h - 1)]
    out += [
        cl.colour("sky", spec["background"], box=[0, 0, w, max(1, int(vy) - 2)]),
        cl.colour("ground", by_id["ground"]["fill"], points=verge),
        cl.colour("road", by_id["road"]["fill"], points=[p for p in between if 1 <= p[0] <= w - 2]),
    ]
    return out


def captions(spec: dict, rng: np.random.Generator) -> dict:
    """English and Chinese captions: the lanes left to right, their colours, the vanishing point and the dash motion."""
    c = {(x["kind"], x["subject"]): x for x in claims(spec)}
    lanes = [x for x in c.values() if x["kind"] == "line_pattern"]
    zh_kind = {"solid": "实线", "dashed": "虚线"}
    colours = [c[("colour", f"lane {k}")] for k in range(len(lanes))]
    kinds = ["dashed" if c[("line_pattern", f"lane {k}")]["dashed"] else "solid" for k in range(len(lanes))]
    listing = ", ".join(f"a {kind} {col['name']} line" for kind, col in zip(kinds, colours))
    listing_zh = "、".join(f"{cl.colour_words(col, 'zh')}{zh_kind[kind]}" for kind, col in zip(kinds, colours))
    dashed = kinds.count("dashed")
    where = cl.region_words(c[("position_region", "vanishing point")])
    where_zh = cl.region_words(c[("position_region", "vanishing point")], "zh")
    sky, ground, road = (c[("colour", k)]["name"] for k in ("sky", "ground", "road"))
    zh = {k: cl.colour_words(c[("colour", k)], "zh") for k in ("sky", "ground", "road")}
    dur = cap.seconds(cl.clip_end(spec))
    dashes = "dashes" if dashed > 1 else "dashes of the dashed line"
    if spec["num_frames"] == 1:  # a still: the road as it is, nothing moving
        still, still_t_zh = cap.single_frame(dur, f": {listing}, from left to right, meet at one vanishing point {where}.", f"：从左到右为{listing_zh}，交于{where_zh}的同一个消失点。")
        still_en = {"short": f"A {road} road in perspective whose {len(lanes)} lane lines meet at the horizon.",
                    "temporal": still}
        still_zh = {"short": f"透视视角下的{zh['road']}道路，{len(lanes)}条车道线汇聚于地平线。",
                    "temporal": still_t_zh}
    en = {
        "short": cap.choose(
            rng,
            [
                f"A road in perspective with {len(lanes)} lane lines, seen from a moving car.",
                f"Driving view of a {road} road whose {len(lanes)} lane lines meet at the horizon.",
            ],
        ),
        "detailed": cap.choose(
            rng,
            [
                f"A {road} road runs straight to the horizon under a {sky} sky, with {ground} ground on both sides. From left to right it has "
                f"{listing}; all {len(lanes)} lines converge at one vanishing point {where}.",
                f"Perspective view of a straight {road} road: {listing}, from left to right, all meeting at a single vanishing point {where}; "
                f"the sky is {sky} and the verges {ground}.",
            ],
        ),
        "temporal": cap.choose(
            rng,
            [
                f"From 0.0 s to {dur} s the {dashes} slide steadily toward the viewer at a constant speed, growing as they approach, "
                f"while the solid lines and the vanishing point stay fixed.",
                f"Throughout the clip, from 0.0 s to {dur} s, the camera moves forward at a steady speed: the {dashes} stream toward the bottom of the frame "
                f"without breaking, and every line keeps meeting the others at the same point {where}.",
            ],
        ),
    }
    zh_caps = {
        "short": cap.choose(
            rng, [f"透视视角下有{len(lanes)}条车道线的道路。", f"行驶中看到的{zh['road']}道路，{len(lanes)}条车道线汇聚于地平线。"]
        ),
        "detailed": cap.choose(
            rng,
            [
                f"一条{zh['road']}的笔直道路伸向地平线，天空为{zh['sky']}，两侧是{zh['ground']}地面。从左到右依次是{listing_zh}，"
                f"{len(lanes)}条线汇聚于{where_zh}的同一个消失点。",
                f"透视下的{zh['road']}直路：从左到右为{listing_zh}，全部交于{where_zh}的一个消失点；天空{zh['sky']}，路边{zh['ground']}。",
            ],
        ),
        "temporal": cap.choose(
            rng,
            [
                f"从0.0秒到{dur}秒，虚线段以恒定速度向观众驶来，越近越大，实线和消失点保持不动。",
                f"从0.0秒到{dur}秒的整段视频中，镜头匀速前进，虚线段连续不断地流向画面底部，所有线始终交于{where_zh}的同一点。",
            ],
        ),
    }
    if spec["num_frames"] == 1:
        en, zh_caps = {**en, **still_en}, {**zh_caps, **still_zh}
    return cap.assemble(en, zh_caps)


def difficulty(spec: dict, annotations: list[dict]) -> dict:
    """Line width at the bottom; motion speed is the dashes' screen speed at the bottom row, in px/s."""
    m = spec["meta"]
    span = spec["height"] - m["vanishing_point"][1]
    return {"motion_speed": 0.0 if spec["num_frames"] == 1 else round(span * m["speed"], 3), "stroke_width": float(m["line_width"])}


def _road_mask(spec: dict, shape) -> np.ndarray:
    road = next(el for el in spec["elements"] if el["id"] == "road")
    mask = np.zeros(shape, np.uint8)
    cv2.fillPoly(mask, [np.round(np.asarray(road["points"]) - 0.5).astype(np.int32)], 1)
    return cv2.erode(mask, np.ones((5, 5), np.uint8)).astype(bool)


def _near_mark_ends(ys: np.ndarray, marks: list) -> np.ndarray:
    """Rows (pixel centres ``ys``) within 2 px of a dash's near or far end (OpenCV's anti-aliasing reaches a pixel past it)."""
    ends = np.array([y for m in marks for y in (m[1], m[3])], np.float64)
    return (np.abs(ys[:, None] - ends[None, :]) < 2.0).any(axis=1) if len(ends) else np.zeros(len(ys), bool)


def _line_centre(p: dict, y: float, height: int) -> float:
    vx, vy = p["vanishing_point"]
    return vx + (p["bottom_x"] - vx) * (y - vy) / (height - vy)


def verify(spec: dict, frames: np.ndarray, annotations: list[dict]) -> list[str]:
    """From pixels: fit each lane line and check they meet at the vanishing point; dashes keep a constant speed and have ink."""
    m = spec["meta"]
    h, w = frames.shape[1:3]
    vx, vy = m["vanishing_point"]
    lanes = [el for el in spec["elements"] if el["type"] == "lane_line"]
    road_rgb = next(el for el in spec["elements"] if el["id"] == "road")["fill"]
    road = _road_mask(spec, (h, w))
    rows = np.arange(h)
    y_min = vy + 0.25 * (h - vy)  # near the horizon the lines crowd together
    problems = []
    phases: list[float | None] = []
    # Give each road pixel to the nearest lane line (by the expected geometry), then fit from pixels.
    centres = np.stack([_line_centre(p, rows + 0.5, h) for p in lanes])  # (lanes, H)
    cols = np.arange(w) + 0.5
    nearest = np.abs(cols[None, None, :] - centres[:, :, None]).argmin(axis=0)  # (H, W)
    owned = []  # per lane: the road pixels it owns, less the rows it cannot be read on (the same every frame)
    for k, p in enumerate(lanes):
        mask = road & (nearest == k)
        mask[: int(math.ceil(y_min))] = False
        # A row where the frame's edge cuts the stroke has its ink centroid pulled inward: not a
        # point of the line (a line leaving the frame at the side read 4-5 px off the vanishing point).
        half = p["bottom_width"] * np.maximum(rows + 0.5 - vy, 0) / (h - vy) / 2 + 1.0
        mask[(centres[k] - half < 0) | (centres[k] + half > w)] = False
        owned.append(mask)
    for i, frame in enumerate(frames):
        shapes = {s["element"]: s["params"] for s in annotations[i]["shapes"] if s["type"] == "lane_line"}
        inks = {}  # each lane colour's coverage of this frame, computed once
        for p in lanes:
            if tuple(p["color"]) not in inks:
                inks[tuple(p["color"])] = coverage(frame, p["color"], road_rgb)
        fits = []
        for k, p in enumerate(lanes):
            cov = inks[tuple(p["color"])] * owned[k]
            cov = np.where(cov > 0.2, cov, 0.0)
            mass = cov.sum(axis=1)
            ok = mass > 0.5
            if ok.sum() < 4:
                problems.append(f"frame {i}: lane line {p['id']} has no visible ink")
                fits.append(None)
                continue
            xc = (cov * cols).sum(axis=1)[ok] / mass[ok]
            ys = rows[ok] + 0.5
            a, b = np.polyfit(ys, xc, 1, w=np.sqrt(mass[ok]))
            fits.append((a, b))
            # Each row's ink lies on the line from the vanishing point (OpenCV's anti-aliased fill puts
            # a slanted stroke's centre up to ~0.7 px off; a mark's first and last rows, cut
            # across, more: they are left out).
            inner = ~_near_mark_ends(ys, shapes[p["id"]]["marks"]) if p.get("dash") else np.ones(len(ys), bool)
            off = np.abs(xc - _line_centre(p, ys, h))[inner]
            if len(off) and off.max() > _ROW_TOLERANCE:
                k_bad = int(np.argmax(off))
                y_bad = ys[inner][k_bad]
                problems.append(f"frame {i}: lane line {p['id']} has ink {off[k_bad]:.1f} px off its line to the vanishing point at y={y_bad:.1f}")
            # The fitted line must pass through the vanishing point, within the tolerance scaled by how
            # far the fit is extrapolated: a row error e moves the fit's end by e * lever (one dash
            # seen 25 rows long, 75 rows below the horizon, reached it 4-6 px off).
            lever = (float(np.average(ys, weights=mass[ok])) - vy) / max(float(np.ptp(ys)) / 2, 1.0)
            miss = a * vy + b - vx
            if abs(miss) > _VP_TOLERANCE * max(1.0, lever / _FULL_LEVER):
                problems.append(
                    f"frame {i}: lane line {p['id']} reaches the horizon at x={a * vy + b:.1f}, {miss:+.1f} px off the vanishing point"
                )
        good = [f for f in fits if f is not None]
        for (a1, b1), (a2, b2) in zip(good, good[1:]):
            if abs(a1 - a2) > 1e-6:
                y = (b2 - b1) / (a1 - a2)
                x = a1 * y + b1
                if math.hypot(x - vx, y - vy) > 2 * _VP_TOLERANCE:
                    problems.append(f"frame {i}: lane lines meet at ({x:.1f}, {y:.1f}), not at the vanishing point ({vx:.1f}, {vy:.1f})")
        # Every annotated dash has ink at its centre, and no ink in the middle of each gap.
        for p in lanes:
            if p.get("dash") is None:
                continue
            params = shapes[p["id"]]
            cov = inks[tuple(p["color"])]
            for (x0, y0, x1, y1), (zn, zf) in zip(params["marks"], params["depths"]):
                inside = 2 <= (x0 + x1) / 2 <= w - 2  # a line may leave the frame at the bottom
                if abs(y1 - y0) >= 3 and y0 >= y_min and inside:
                    if pixel_at(cov[..., None], (x0 + x1) / 2, (y0 + y1) / 2)[0] < 0.5:
                        problems.append(f"frame {i}: dash of {p['id']} at depth {zn:.2f}-{zf:.2f} has no ink at its centre")
            for (_, zf), (zn2, _) in zip(params["depths"], params["depths"][1:]):
                yg0, yg1 = vy + (h - vy) / zf, vy + (h - vy) / zn2
                yg = (yg0 + yg1) / 2
                if yg0 - yg1 >= 4 and yg1 >= y_min and 2 <= _line_centre(p, yg, h) <= w - 2:
                    if pixel_at(cov[..., None], _line_centre(p, yg, h), yg)[0] > 0.5:
                        problems.append(f"frame {i}: ink in the gap of {p['id']} at y={yg:.1f}")
            unclipped = [zn for zn, _ in params["depths"] if zn > 1.0 + 1e-3]
            phases.append(unclipped[0] % sum(p["dash"]) if unclipped else None)
            break  # all dashed lines share one pattern; the first one gives the phase
    # Constant speed: the dash pattern's phase advances by the same depth every frame.
    dashed = next((p for p in lanes if p.get("dash")), None)
    if dashed is not None and len(phases) > 1:
        period = sum(dashed["dash"])
        steps = [(a - b) % period for a, b in zip(phases, phases[1:]) if a is not None and b is not None]
        want = m["speed"] / spec["fps"] % period
        for k, s in enumerate(steps):
            if abs(angle_diff(s, want, period)) > 1e-3:
                problems.append(f"frame {k + 1}: dashes advanced {s:.4f} depth units, expected {want:.4f} (speed is not constant)")
    return problems
