"""``seven_segment``: an appliance's 7-segment display (oven timer, air conditioner, washing machine).

The shown value is a step track of the display's text. With ``params["options"]["readings_csv"]``
(a CSV with columns ``time_s,value``) recorded readings drive the display instead: the clip starts
at the first reading and, at clip time t, shows the latest reading at data time
``first + t * readings_speedup`` (option ``readings_speedup``, default 1).
"""

from __future__ import annotations

import csv
import math

import numpy as np

from .. import captions as cap
from .. import claims as cl
from .. import fonts
from ..draw import pick
from ..errors import SymbolSetError
from ..render import SEGMENTS, render_frame, segment_layout
from ..spec import duration, element, frame_time, value_at
from .canvas import crisp_y, skeleton
from .ink import pixel_at
from .wording import article

NAME = "seven_segment"
RULE = "The digits lit on the display at every frame spell exactly the appliance's value at that time."

_KINDS = {  # kind -> English noun, Chinese noun, label choices (en, zh)
    "oven": ("oven timer", "烤箱定时器", ("TIMER", "定时")),
    "aircon": ("air-conditioner display", "空调显示屏", ("TEMP", "温度")),
    "washer": ("washing-machine countdown", "洗衣机倒计时", ("TIME LEFT", "剩余时间")),
    "readings": ("appliance display", "电器显示屏", None),
}
_PANELS = ["black", "navy", "dark gray"]
_LIT = ["red", "green", "orange", "white", "yellow"]
_BACKGROUNDS = ["white", "cream", "light gray", "gray"]
_CSV_CHARS = set("0123456789-:.")


def load_readings(path: str) -> list[tuple[float, str]]:
    """Timestamped readings ``(time_s, value)`` from a CSV; :class:`SymbolSetError` names the file and line."""
    try:
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
    except (OSError, UnicodeDecodeError) as exc:
        raise SymbolSetError(f"{path}: cannot read readings ({exc})") from None
    if not rows or [c.strip() for c in rows[0]] != ["time_s", "value"]:
        raise SymbolSetError(f"{path}:1: expected the header 'time_s,value'")
    out: list[tuple[float, str]] = []
    for line, row in enumerate(rows[1:], start=2):
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) != 2:
            raise SymbolSetError(f"{path}:{line}: expected 2 fields (time_s,value), got {len(row)}")
        try:
            t = float(row[0])
        except ValueError:
            raise SymbolSetError(f"{path}:{line}: time_s {row[0]!r} is not a number") from None
        value = row[1].strip()
        if not math.isfinite(t):
            raise SymbolSetError(f"{path}:{line}: time_s {row[0]!r} is not finite")
        if not value or not set(value) <= _CSV_CHARS or len(value) > 12:
            raise SymbolSetError(
                f"{path}:{line}: value {row[1]!r} cannot be shown on a 7-segment display (digits, '-', ':', '.'; at most 12)"
            )
        if out and t <= out[-1][0]:
            raise SymbolSetError(f"{path}:{line}: time_s {t:g} does not increase (previous {out[-1][0]:g})")
        out.append((t, value))
    if not out:
        raise SymbolSetError(f"{path}:2: no readings")
    return out


def _generated_values(rng: np.random.Generator, kind: str, dur: float) -> list[list]:
    """Step keys ``[[t, value], ...]`` of a synthetic appliance."""
    period = float(rng.choice([0.25, 0.5, 1.0]))  # clip seconds per displayed count
    steps = max(1, int(math.ceil(dur / period - 1e-9)))
    if kind == "aircon":
        temp = int(rng.integers(17, 30))
        direction = 1 if (temp < 23 or (temp < 29 and rng.random() < 0.5)) else -1
        changes = int(rng.integers(1, min(4, steps) + 1))
        first = int(rng.integers(0, steps - changes + 1))
        values = [temp + direction * max(0, min(k - first + 1, changes)) if k >= first else temp for k in range(steps)]
        values = [min(30, max(16, v)) for v in values]
        texts = [f"{v:2d}" for v in values]
    elif kind == "oven":
        start = int(rng.integers(steps + 5, 60 * 60))
        texts = [f"{(start - k) // 60:02d}:{(start - k) % 60:02d}" for k in range(steps)]
    else:  # washer: h:mm of time left
        start = int(rng.integers(steps + 5, 180))
        texts = [f"{(start - k) // 60}:{(start - k) % 60:02d}" for k in range(steps)]
    return _dedupe([[round(k * period, 6), v] for k, v in enumerate(texts)])


def _dedupe(keys: list[list]) -> list[list]:
    """Drop keys that repeat the previous value (a step track only needs the changes)."""
    out = []
    for t, v in keys:
        if not out or out[-1][1] != v:
            out.append([t, v])
    return out


def _csv_values(options: dict, dur: float) -> list[list]:
    path = str(options["readings_csv"])
    readings = load_readings(path)
    speed = float(options.get("readings_speedup", 1.0))
    if not (math.isfinite(speed) and speed > 0):
        raise SymbolSetError(f"readings_speedup: expected a positive number, got {options.get('readings_speedup')!r}")
    t0 = readings[0][0]
    keys = []
    for t, value in readings:
        clip_t = round((t - t0) / speed, 6)
        if clip_t > dur:
            break
        if keys and clip_t <= keys[-1][0]:  # two readings closer than a microsecond of clip time
            keys[-1][1] = value
        else:
            keys.append([clip_t, value])
    width = max(len(v) for _, v in keys)
    return _dedupe([[t, v.rjust(width)] for t, v in keys])


def _cells_width(text: str, h: float) -> float:
    geo = segment_layout(h)
    widths = [geo["narrow"] if ch in ":." else geo["advance"] for ch in text]
    last = text[-1]
    return sum(widths) - (0 if last in ":." else geo["advance"] - geo["width"])


def sample(rng: np.random.Generator, params: dict) -> dict:
    """A display scene: appliance, colours, layout and the value track (generated or from a CSV)."""
    options = params.get("options") or {}
    bg = pick(rng, _BACKGROUNDS)
    spec = skeleton(params, NAME, cap.rgb(bg))
    w, h = spec["width"], spec["height"]
    dur = duration(spec)
    if options.get("readings_csv"):
        kind = options.get("appliance", "readings")
        if kind not in _KINDS:
            raise SymbolSetError(f"appliance: expected one of {', '.join(_KINDS)}, got {kind!r}")
        keys = _csv_values(options, dur)
    else:
        kind = pick(rng, ("oven", "aircon", "washer"))
        keys = _generated_values(rng, kind, dur)
    panel = pick(rng, _PANELS)
    lit = cap.contrasting(rng, panel, _LIT)
    off = "dark gray" if panel != "dark gray" and rng.random() < 0.5 else None
    longest = max((v for _, v in keys), key=lambda v: _cells_width(v, 1.0))

    # Label above the digits and (for temperatures) a unit to their right, both inside the panel.
    label = None
    if _KINDS[kind][2] is not None:
        label = pick(rng, _KINDS[kind][2])
    unit = "°C" if kind == "aircon" else None
    unit_share = 0.45 if unit else 0.0  # the unit's width relative to the digit height
    digit_h = min(0.36 * h, 0.72 * w / (_cells_width(longest, 1.0) + unit_share))
    digit_h = float(round(max(digit_h, 16.0) * float(rng.uniform(0.85, 1.0)), 1))
    label_size = max(10, int(round(0.22 * digit_h)))
    gap = 0.12 * digit_h
    block_w = _cells_width(longest, digit_h) + (unit_share * digit_h if unit else 0.0)
    block_h = digit_h + (label_size * 1.3 + gap if label else 0.0)
    x = float(round((w - block_w) / 2 + rng.uniform(-0.03, 0.03) * w, 1))
    top = float(round((h - block_h) / 2 + rng.uniform(-0.05, 0.05) * h, 1))
    digits_y = top + block_h - digit_h
    pad = 0.22 * digit_h
    px0, py0, px1, py1 = x - pad, top - pad, x + block_w + pad, top + block_h + pad
    c = 0.1 * digit_h  # chamfered corners
    chamfered = [
        [px0 + c, py0],
        [px1 - c, py0],
        [px1, py0 + c],
        [px1, py1 - c],
        [px1 - c, py1],
        [px0 + c, py1],
        [px0, py1 - c],
        [px0, py0 + c],
    ]
    spec["elements"].append(element("polygon", "panel", fill=cap.rgb(panel), points=chamfered))
    if label:
        font = fonts.pick_font(rng, label, fonts.fonts_for("han" if cap.script_of(label) == "han" else "latin"))
        label_y = crisp_y(top + label_size * 0.65, font, label_size, label)
        spec["elements"].append(
            element("text", "label", text=label, font=font, size=label_size, color=cap.rgb(lit), position=[x, label_y], anchor="left")
        )
    shown = {"keys": keys, "ease": "step"} if len(keys) > 1 else keys[0][1]
    spec["elements"].append(
        element("seven_segment", "display", position=[x, float(round(digits_y, 2))], digit_height=digit_h, text=shown, color=cap.rgb(lit),
                off_color=cap.rgb(off) if off else None)
    )  # fmt: skip
    if unit:
        ufont = fonts.pick_font(rng, unit, fonts.fonts_for("latin"))
        usize = max(10, int(round(0.3 * digit_h)))
        ux = x + _cells_width(longest, digit_h) + 0.08 * digit_h
        unit_y = crisp_y(digits_y + usize * 0.6, ufont, usize, unit)
        spec["elements"].append(
            element(
                "text", "unit", text=unit, font=ufont, size=usize, color=cap.rgb(lit), position=[float(round(ux, 2)), unit_y], anchor="left"
            )
        )
    spec["meta"] = {"kind": kind, "values": keys, "label": label, "unit": unit, "color": lit, "panel": panel,
                    "off_color": off, "background": bg, "source": "csv" if options.get("readings_csv") else "generated"}  # fmt: skip
    return spec


def value_at_time(spec: dict, t: float) -> str:
    """The value the display must show at time ``t`` (from the spec's meta)."""
    return value_at({"keys": spec["meta"]["values"], "ease": "step"}, t)


def _shown(spec: dict) -> list[tuple[float, str]]:
    """The distinct values actually shown in the clip's frames, with the time each first appears."""
    out: list[tuple[float, str]] = []
    for i in range(spec["num_frames"]):
        t = frame_time(spec, i)
        v = value_at_time(spec, t).strip()
        if not out or out[-1][1] != v:
            out.append((t, v))
    return out


def claims(spec: dict) -> list[dict]:
    """What the captions state: the distinct values the frames show, in order (read back from segments),
    the label and unit as drawn, and the colours of the digits, their unlit segments, the panel and the
    background."""
    by_id = {el["id"]: el for el in spec["elements"]}
    display, panel = by_id["display"], by_id["panel"]
    off = display.get("off_color")
    out = [cl.claim("value_sequence", "display", element="display", color=display["color"], off=off or panel["fill"],
                    values=[v for _, v in _shown(spec)], times=[round(t, 6) for t, _ in _shown(spec)])]  # fmt: skip
    for key in ("label", "unit"):
        if key in by_id:
            out.append(cl.claim("quoted_text", key, element=key, text=by_id[key]["text"], color=by_id[key]["color"], base=panel["fill"]))
    w, h = spec["width"], spec["height"]
    out += [
        cl.colour("digits", display["color"], element="display", part="ink", base=panel["fill"]),
        cl.colour("panel", panel["fill"], element="panel"),
        cl.colour("background", spec["background"], points=[[x, y] for x in (0, 1, w - 2, w - 1) for y in (0, 1, h - 2, h - 1)]),
    ]
    if off:
        unlit = _unlit_centres(spec, display)
        if unlit:
            out.append(cl.colour("unlit segments", off, points=unlit))
    return out


def _unlit_centres(spec: dict, display: dict) -> list[list[float]]:
    """Centre pixels of the segments left unlit in the last frame (where an ``off_color`` ghost shows)."""
    _, ann = render_frame(spec, spec["num_frames"] - 1)
    shape = next(s for s in ann["shapes"] if s["element"] == "display")
    out = []
    for d in shape["params"]["digits"]:
        if d["char"] in ":." or d["char"] not in SEGMENTS:
            continue
        for seg, (x, y) in segment_centers(d["cell"]).items():
            if seg not in SEGMENTS[d["char"]]:
                out.append([round(x, 2), round(y, 2)])
    return out


def captions(spec: dict, rng: np.random.Generator) -> dict:
    """English and Chinese captions quoting every value the display shows, and when it changes."""
    m = spec["meta"]
    noun, noun_zh, _ = _KINDS[m["kind"]]  # the appliance the display belongs to
    c = {(x["kind"], x["subject"]): x for x in claims(spec)}
    seq = c[("value_sequence", "display")]
    shown = list(zip(seq["times"], seq["values"]))
    first, last = shown[0][1], shown[-1][1]
    q0, q1, qz0, qz1 = cap.quote(first), cap.quote(last), cap.quote(first, "zh"), cap.quote(last, "zh")
    (color, color_zh), (panel, panel_zh), (bg, bg_zh) = (
        (c[("colour", k)]["name"], cl.colour_words(c[("colour", k)], "zh")) for k in ("digits", "panel", "background")
    )
    unit = c.get(("quoted_text", "unit"))
    unit_en = f" {unit['text']}" if unit else ""
    unit_zh = unit["text"] if unit else ""
    label = c.get(("quoted_text", "label"))
    label_en = f" under the label {cap.quote(label['text'])}" if label else ""
    label_zh = f"，上方标有{cap.quote(label['text'], 'zh')}" if label else ""
    ghost_c = c.get(("colour", "unlit segments"))
    ghost = f", unlit segments faintly visible in {ghost_c['name']}" if ghost_c else ""
    ghost_zh = f"，未点亮的笔画呈{cl.colour_words(ghost_c, 'zh')}隐约可见" if ghost_c else ""
    dur = cap.seconds(cl.clip_end(spec))
    if len(shown) == 1:
        change_en, change_zh = f"it shows {q0}{unit_en} for the whole clip", f"始终显示{qz0}{unit_zh}"
        short = [
            f"{article('7-segment ' + noun).capitalize()} showing {q0}{unit_en}.",
            f"{color.capitalize()} 7-segment digits reading {q0}.",
        ]
        short_zh = [f"七段数码{noun_zh}显示{qz0}{unit_zh}。"]
        temporal = [f"From 0.0 s to {dur} s the display holds {q0}{unit_en}."]
        temporal_zh = [f"从0.0秒到{dur}秒，显示屏一直显示{qz0}{unit_zh}。"]
        if spec["num_frames"] == 1:  # a still: what the display shows, nothing held over time
            change_en, change_zh = f"it shows {q0}{unit_en}", f"显示{qz0}{unit_zh}"
            temporal, temporal_zh = ([s] for s in cap.single_frame(dur, f": the display shows {q0}{unit_en}.", f"：显示屏显示{qz0}{unit_zh}。"))
    else:
        change_en = f"it changes from {q0} to {q1}{unit_en}"
        change_zh = f"从{qz0}变为{qz1}{unit_zh}"
        short = [
            f"{article('7-segment ' + noun).capitalize()} going from {q0} to {q1}.",
            f"{color.capitalize()} 7-segment digits change from {q0} to {q1}.",
        ]
        short_zh = [f"七段数码{noun_zh}从{qz0}变为{qz1}。", f"{color_zh}七段数码管的读数从{qz0}变到{qz1}。"]
        steps = shown if len(shown) <= 12 else shown[:5] + shown[-5:]
        listing = ", ".join(f"{cap.quote(v)} at {cap.seconds(t)} s" for t, v in steps)
        listing_zh = "，".join(f"{cap.seconds(t)}秒{cap.quote(v, 'zh')}" for t, v in steps)
        more, more_zh = (" (with other values in between)", "（中间还有其他读数）") if steps is not shown else ("", "")
        temporal = [f"The display shows {listing}{more}, holding each value until the next; the clip ends at {dur} s.",
                    f"Over {dur} s the readout steps through {listing}{more}."]  # fmt: skip
        temporal_zh = [f"显示屏依次显示：{listing_zh}{more_zh}，每个读数保持到下一次变化，视频在{dur}秒结束。"]
    en = {
        "short": cap.choose(rng, short),
        "detailed": cap.choose(
            rng,
            [
                f"{article(noun).capitalize()} on a {bg} background: a {panel} panel with {color} 7-segment digits{label_en}{ghost}; {change_en}.",
                f"{color.capitalize()} seven-segment digits glow on the {panel} panel of {article(noun)}{label_en}, set against {bg}{ghost}; {change_en}.",
            ],
        ),
        "temporal": cap.choose(rng, temporal),
    }
    zh = {
        "short": cap.choose(rng, short_zh),
        "detailed": cap.choose(
            rng,
            [
                f"{bg_zh}背景上的{noun_zh}：{panel_zh}面板上是{color_zh}七段数码管数字{label_zh}{ghost_zh}；读数{change_zh}。",
                f"{noun_zh}的{panel_zh}面板上，{color_zh}七段数码管{change_zh}{label_zh}{ghost_zh}，背景为{bg_zh}。",
            ],
        ),
        "temporal": cap.choose(rng, temporal_zh),
    }
    return cap.assemble(en, zh)


def difficulty(spec: dict, annotations: list[dict]) -> dict:
    """Value length, digit height, segment stroke; motion speed is value changes per second."""
    display = next(el for el in spec["elements"] if el["id"] == "display")
    h = float(display["digit_height"])
    shown = _shown(spec)
    return {
        "text_length": max(len(v) for _, v in shown),
        "script": "digits",
        "glyph_height_px": h,
        "motion_speed": round((len(shown) - 1) / duration(spec), 3),
        "stroke_width": round(segment_layout(h)["stroke"], 3),
    }


def segment_centers(cell: list[float]) -> dict[str, tuple[float, float]]:
    """Centre point of each of the 7 segments of a digit cell ``[x0, y0, x1, y1]``."""
    x, y, _, y1 = cell
    h = y1 - y
    geo = segment_layout(h)
    w, s = geo["width"], geo["stroke"]
    upper, lower = y + (s / 2 + h / 2) / 2, y + (h / 2 + h - s / 2) / 2
    return {"a": (x + w / 2, y + s / 2), "g": (x + w / 2, y + h / 2), "d": (x + w / 2, y + h - s / 2),
            "f": (x + s / 2, upper), "b": (x + w - s / 2, upper), "e": (x + s / 2, lower), "c": (x + w - s / 2, lower)}  # fmt: skip


_DECODE = {segs: ch for ch, segs in SEGMENTS.items()}


def read_display(frame: np.ndarray, digits: list[dict], on, off) -> str:
    """Decode the characters shown, from pixels: each segment centre is lit if nearer ``on`` than ``off``."""
    on, off = np.asarray(on, np.float32), np.asarray(off, np.float32)

    def lit(x, y):
        p = pixel_at(frame, x, y).astype(np.float32)
        return np.linalg.norm(p - on) < np.linalg.norm(p - off)

    out = []
    for d in digits:
        x0, y0, x1, y1 = d["cell"]
        if d["char"] in ":.":  # the dot squares: one at the bottom, or two for a colon
            s = x1 - x0
            ys = [y0 + s / 2, y1 - s / 2] if d["char"] == ":" else [(y0 + y1) / 2]
            out.append(d["char"] if all(lit((x0 + x1) / 2, v) for v in ys) else " ")
            continue
        segs = "".join(k for k, (x, y) in sorted(segment_centers(d["cell"]).items()) if lit(x, y))
        out.append(_DECODE.get(segs, "?"))
    return "".join(out)


def verify(spec: dict, frames: np.ndarray, annotations: list[dict]) -> list[str]:
    """Read the digits off each frame's pixels and compare them with the value at that frame's time."""
    display = next(el for el in spec["elements"] if el["id"] == "display")
    panel = next(el for el in spec["elements"] if el["id"] == "panel")
    off = display.get("off_color") or panel["fill"]
    problems = []
    for i, frame in enumerate(frames):
        shape = next((s for s in annotations[i]["shapes"] if s["element"] == "display"), None)
        want = value_at_time(spec, annotations[i]["time"])
        if shape is None:
            problems.append(f"frame {i}: no display annotated")
            continue
        got = read_display(frame, shape["params"]["digits"], display["color"], off)
        if got != want:
            problems.append(f"frame {i}: display reads {got!r}, expected {want!r} at {annotations[i]['time']:.3f} s")
    return problems
