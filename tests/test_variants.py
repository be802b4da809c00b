"""The spec variants of bench validate, checked on rendered frames and their annotations."""

from __future__ import annotations

import json

import numpy as np
import pytest

from symbolset import fonts
from symbolset.bench import variants as V
from symbolset.captions import PALETTE
from symbolset.layout import iter_rows
from symbolset.render import render_clip


@pytest.fixture(scope="module")
def specs(tiny_dir):
    return {r["family"]: json.loads(r["spec"]) for r in iter_rows(tiny_dir, "test", columns=["family", "spec"])}


def _texts(ann):
    return {t["element"]: t for t in ann["texts"]}


def test_every_variant_is_seeded_pure_and_renders(specs):
    for fam, spec in specs.items():
        before = json.dumps(spec, sort_keys=True)
        for name, fn in {**V.LEGITIMATE, "one_symbol": V.one_symbol}.items():
            a, b = fn(spec, 3), fn(spec, 3)
            assert a == b, (fam, name)  # same seed, same spec
            assert a["meta"]["variant"]["name"] in (name, *V.WRONG), (fam, name)
            frames, _ = render_clip(a)
            assert frames.shape == (a["num_frames"], a["height"], a["width"], 3)
        assert json.dumps(spec, sort_keys=True) == before, fam  # the input is never changed


def test_a_moved_scene_has_the_reference_annotations_shifted(specs):
    for fam in ("text_typing", "seven_segment", "chart"):
        spec = specs[fam]
        _, ref = render_clip(spec)
        _, moved = render_clip(V.transform(spec, dx=5, dy=-3))
        for a, b in zip(ref, moved):
            for eid, t in _texts(a).items():
                u = _texts(b)[eid]
                assert u["string"] == t["string"]
                assert np.allclose(np.subtract(u["box"], t["box"]), [5, -3, 5, -3], atol=1.01), (fam, eid, t["box"], u["box"])


def test_move_keeps_text_in_frame_and_scales_only_where_the_caption_allows(specs):
    for fam, spec in specs.items():
        v = V.move(spec, 1)
        p = v["meta"]["variant"]
        assert (p["scale"] == 1.0) if fam in V.PIXEL_SIZED else True
        assert p["rotation"] == 0.0 or fam in V.ROTATABLE
        _, ann = render_clip(v)
        _, ref = render_clip(spec)
        for a, r in zip(ann, ref):  # same strings (nothing pushed out of the frame), inside the frame
            assert sorted(t["string"] for t in a["texts"]) == sorted(t["string"] for t in r["texts"]), fam
            for t in a["texts"]:
                assert t["box"][0] >= -1 and t["box"][1] >= -1 and t["box"][2] <= v["width"] + 1 and t["box"][3] <= v["height"] + 1


def test_retimed_and_refps_variants_end_in_the_same_state(specs):
    for fam in ("text_typing", "clock", "seven_segment", "geometry"):
        spec = specs[fam]
        _, ref = render_clip(spec)
        for v in (V.retime(spec, 2), V.refps(spec, 2)):
            frames, ann = render_clip(v)
            assert v["num_frames"] != spec["num_frames"] or v["fps"] != spec["fps"]
            assert [t["string"] for t in ann[-1]["texts"]] == [t["string"] for t in ref[-1]["texts"]], fam
            if fam == "clock":  # the hands' final angles agree to a fraction of a degree
                ang = {s["element"]: s["params"]["angle"] for s in ann[-1]["shapes"] if s["type"] == "ray"}
                want = {s["element"]: s["params"]["angle"] for s in ref[-1]["shapes"] if s["type"] == "ray"}
                assert all(abs((ang[k] - want[k] + 180) % 360 - 180) < 6.1 for k in want)  # one frame of the second hand at most


def test_resize_and_reframe_change_the_canvas_not_the_content(specs):
    spec = specs["clock"]
    _, ref = render_clip(spec)
    for v in (V.resize(spec, 0), V.reframe(spec, 0)):
        frames, ann = render_clip(v)
        assert (v["width"], v["height"]) != (spec["width"], spec["height"]) and frames.shape[1:3] == (v["height"], v["width"])
        rays = {s["element"]: s["params"]["angle"] for s in ann[-1]["shapes"] if s["type"] == "ray"}
        assert rays == {s["element"]: s["params"]["angle"] for s in ref[-1]["shapes"] if s["type"] == "ray"}
    lanes = V.reframe(specs["lanes"], 0)
    frames, _ = render_clip(lanes)
    bottom = frames[-1, -1]  # the road and ground still reach both sides of the wider frame
    assert not (bottom == lanes["background"]).all(axis=1).any()


def test_refont_covers_the_text_and_recolor_keeps_colour_names(specs):
    spec = specs["text_typing"]
    v = V.refont(spec, 0)
    (old, new), = v["meta"]["variant"]["fonts"].items()
    assert new != old and not fonts.missing_chars(new, spec["elements"][0]["text"])
    assert V.refont(specs["formula"], 0)["meta"]["variant"]["fonts"] == {}  # the caption names the font
    for spec in specs.values():
        c = V.recolor(spec, 0)
        assert c["background"] != spec.get("background") or spec.get("background") in ([255, 255, 255],)
        for a, b in zip(spec["elements"], c["elements"]):
            if isinstance(a.get("color"), list):
                assert V._nearest(a["color"]) == V._nearest(b["color"]) and a["color"] in [list(v[0]) for v in PALETTE.values()]


def test_one_symbol_changes_exactly_one_symbol_on_the_pixels(specs):
    for fam in ("text_typing", "signage", "plot", "formula"):
        spec = specs[fam]
        _, ref = render_clip(spec)
        _, bad = render_clip(V.one_symbol(spec, 0))
        a, b = _texts(ref[-1]), _texts(bad[-1])
        diffs = [(eid, i) for eid in a for i, (x, y) in enumerate(zip(a[eid]["string"], b[eid]["string"])) if x != y]
        assert len(diffs) == 1, (fam, diffs)
    _, ref = render_clip(specs["seven_segment"])
    _, bad = render_clip(V.one_symbol(specs["seven_segment"], 0))
    for r, w in zip(ref, bad):
        s, t = _texts(r)["display"]["string"], _texts(w)["display"]["string"]
        assert sum(x != y for x, y in zip(s, t)) == 1
    clock = V.one_symbol(specs["clock"], 0)
    _, ann = render_clip(clock)
    _, ref = render_clip(specs["clock"])
    hour = [next(s["params"]["angle"] for s in a["shapes"] if s["element"] == "hour") for a in (ann[-1], ref[-1])]
    assert abs((hour[0] - hour[1] + 180) % 360 - 180) >= 89
    geo = V.one_symbol(specs["geometry"], 0)
    k = geo["meta"]["variant"]["index"]
    _, ann = render_clip(geo)
    _, ref = render_clip(specs["geometry"])
    edges = [next(s["params"]["points"] for s in a["shapes"] if s["element"] == "edges") for a in (ann[-1], ref[-1])]
    assert np.hypot(*np.subtract(edges[0][k], edges[1][k])) > 5
    lanes = V.one_symbol(specs["lanes"], 0)
    _, ann = render_clip(lanes)
    _, ref = render_clip(specs["lanes"])
    kinds = [[s["params"]["dashed"] for s in a["shapes"] if s["type"] == "lane_line"] for a in (ann[-1], ref[-1])]
    assert sum(x != y for x, y in zip(*kinds)) == 1


def test_a_charts_one_symbol_is_one_value_drawn_elsewhere(specs):
    """A chart's symbols are its values: one value changes by half a tick step, its bar or point
    moves there and its printed value says so; nothing else of the finished chart changes."""
    spec = specs["chart"]
    bad = V.one_symbol(spec, 0)
    m, k = spec["meta"], bad["meta"]["variant"]["index"]
    changed = [i for i, (a, b) in enumerate(zip(m["data"]["values"], bad["meta"]["data"]["values"])) if a != b]
    assert changed == [k] and abs(bad["meta"]["data"]["values"][k] - m["data"]["values"][k]) >= m["tick_step"] / 2
    (_, ref), (_, ann) = render_clip(spec), render_clip(bad)
    a, b = _texts(ref[-1]), _texts(ann[-1])
    assert [e for e in a if a[e]["string"] != b[e]["string"]] == [f"value_{k}"] and b[f"value_{k}"]["string"] == str(bad["meta"]["data"]["values"][k])
    shapes = [{s["element"]: s["params"] for s in x[-1]["shapes"]} for x in (ref, ann)]
    moved = sorted(e for e in shapes[0] if shapes[0][e] != shapes[1][e])
    assert moved == sorted({f"bar_{k}", f"marker_{k}", "line"} & set(shapes[0])), moved


def test_one_symbol_changes_a_greek_letter_the_font_draws():
    """Euler's identity's longest text is 'iπ': a changed π must be another Greek letter the formula's
    font draws (the Han pool it fell into is not in DejaVu Sans, and the draw raised 'high <= 0')."""
    from symbolset.config import load_config
    from symbolset.record import sample_spec
    from symbolset.spec import elements_of

    spec = sample_spec("formula", 1, load_config("default").params("formula"))
    assert "iπ" in [e["text"] for e in elements_of(spec, "text")]
    changed = [V.swap_char(spec, seed)["meta"]["variant"] for seed in range(12)]
    assert {c["old"] for c in changed} == {"i", "π"}
    for c in changed:
        assert c["new"] != c["old"] and c["new"].isalpha() and ("α" <= c["new"] <= "ω") == (c["old"] == "π"), c
