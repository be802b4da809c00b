"""Composite scenes (symbolset/composite.py, families/composite.py): rules checked on rendered pixels."""

from __future__ import annotations

import collections
import copy

import numpy as np
import pytest

from symbolset import composite, composite_planes, families, record, stage, stage_camera
from symbolset.build import plan
from symbolset.config import load_config
from symbolset.errors import SpecError, SymbolSetError
from symbolset.families import composite as scene
from symbolset.render import render_clip, render_frame
from symbolset.spec import from_json, to_json, validate

PARAMS = {"width": 256, "height": 256, "num_frames": 5, "fps": 5.0, "options": {}, "font_pool": "pip", "occluders": 0.0}
SEEDS = {"dashboard": 0, "classroom": 1, "shop_front": 11}  # one seed of each layout (checked below)


def scene_spec(layout: str) -> dict:
    spec = record.sample_spec("composite", SEEDS[layout], PARAMS)
    assert spec["meta"]["layout"] == layout
    return spec


def seen(spec: dict) -> tuple[np.ndarray, list[dict]]:
    """The clip through the camera without the lens (noise and JPEG touch every pixel)."""
    frames, anns = render_clip(stage.card(spec))
    return stage.project(spec, frames, anns, lens=False)


def inside(quad: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Whether pixel centres lie in a convex quad (corners in order)."""
    pts = np.stack([xs + 0.5, ys + 0.5], axis=1)
    s = np.stack([(b[0] - a[0]) * (pts[:, 1] - a[1]) - (b[1] - a[1]) * (pts[:, 0] - a[0]) for a, b in zip(quad, np.roll(quad, -1, axis=0))])
    return (s >= -1e-6).all(axis=0) | (s <= 1e-6).all(axis=0)


def part_quad(spec: dict, part: dict, i: int) -> np.ndarray:
    """The image of the part's rectangle at frame ``i``, grown by the bilinear reach (as the stage grows
    boxes), through the card's homography or, for a part on a plane of its own, the scene's camera
    (its 3x4 projection) applied to the turned panel's corners in 3D."""
    x0, y0, x1, y1 = composite.rect(part)
    g = stage._GROW
    corners = [[x0 - g, y0 - g], [x1 + g, y0 - g], [x1 + g, y1 + g], [x0 - g, y1 + g]]
    if "plane" not in part:
        return stage.apply(stage.homography(spec["stage"], spec, i), corners)
    return project3d(spec, i, [turned(part, x, y) for x, y in corners])


def turned(part: dict, x: float, y: float) -> list[float]:
    """Card point (x, y) of a part's rectangle once the panel is turned about its hinge, in 3D
    (written out here apart from composite_planes.lift: z < 0 toward the camera)."""
    x0, y0, x1, y1 = composite.rect(part)
    a, hinge = np.radians(part["plane"]["angle"]), part["plane"]["hinge"]
    d = {"left": x - x0, "right": x1 - x, "top": y - y0, "bottom": y1 - y}[hinge]
    if hinge == "left":
        return [x0 + d * np.cos(a), y, -d * np.sin(a)]
    if hinge == "right":
        return [x1 - d * np.cos(a), y, -d * np.sin(a)]
    if hinge == "top":
        return [x, y0 + d * np.cos(a), -d * np.sin(a)]
    return [x, y1 - d * np.cos(a), -d * np.sin(a)]


def project3d(spec: dict, i: int, points: list) -> np.ndarray:
    q = np.column_stack([np.asarray(points, float), np.ones(len(points))]) @ stage_camera.projection(spec["stage"], spec, i).T
    return q[:, :2] / q[:, 2:3]


@pytest.mark.parametrize("layout", sorted(SEEDS))
def test_each_parts_text_ink_lies_in_its_quads_under_the_camera(layout):
    spec = scene_spec(layout)
    full, anns = seen(spec)
    checked = 0
    for p, part in enumerate(spec["parts"]):
        for el in [e for e in part["spec"]["elements"] if e["type"] == "text"]:
            without = copy.deepcopy(spec)
            sub = without["parts"][p]["spec"]
            sub["elements"] = [e for e in sub["elements"] if e["id"] != el["id"]]
            bare, _ = seen(without)
            name = f"{part['id']}/{el['id']}"
            for i in range(spec["num_frames"]):
                ys, xs = np.nonzero(np.abs(full[i].astype(int) - bare[i].astype(int)).max(axis=-1) > 0)
                if not len(xs):
                    continue
                quad = next(s for s in anns[i]["shapes"] if s["type"] == "text_quad" and s["element"] == name)
                assert inside(np.asarray(quad["params"]["quad"]), xs, ys).all(), (layout, name, i)
                box = next(t["box"] for t in anns[i]["texts"] if t["element"] == name)
                assert xs.min() >= box[0] and xs.max() + 1 <= box[2] and ys.min() >= box[1] and ys.max() + 1 <= box[3]
                assert set(quad["params"]["char_visibility"]) == {"full"}
                checked += 1
    assert checked


@pytest.mark.parametrize("layout", sorted(SEEDS))
def test_parts_do_not_overlap_and_each_parts_ink_stays_in_its_panel(layout):
    spec = scene_spec(layout)
    full, _ = seen(spec)
    inks = []
    for p, part in enumerate(spec["parts"]):
        without = {**spec, "parts": [q for j, q in enumerate(spec["parts"]) if j != p]}
        bare, _ = seen(validate(without))
        ink = np.abs(full.astype(int) - bare.astype(int)).max(axis=-1) > 0
        assert ink.any(), part["id"]
        for i in range(spec["num_frames"]):
            ys, xs = np.nonzero(ink[i])
            assert inside(part_quad(spec, part, i), xs, ys).all(), (layout, part["id"], i)
        inks.append(ink)
    for a in range(len(inks)):
        for b in range(a + 1, len(inks)):
            assert not (inks[a] & inks[b]).any(), (layout, spec["parts"][a]["id"], spec["parts"][b]["id"])


def test_a_part_is_its_familys_own_card_pasted_at_whole_pixels_with_namespaced_ids():
    spec = scene_spec("shop_front")
    card, anns = render_clip(stage.card(spec))
    for part in spec["parts"]:
        sub = part["spec"]
        x0, y0, x1, y1 = composite.rect(part)
        own, own_anns = render_clip(sub)
        assert np.array_equal(card[:, y0:y1, x0:x1], own)
        mine = composite.part_annotations(anns, part["id"])
        for a, oa in zip(mine, own_anns):
            assert [t["string"] for t in a["texts"]] == [t["string"] for t in oa["texts"]]
            for t, ot in zip(a["texts"], oa["texts"]):
                assert t["box"] == [ot["box"][0] + x0, ot["box"][1] + y0, ot["box"][2] + x0, ot["box"][3] + y0]
            assert [s["type"] for s in a["shapes"]] == [s["type"] for s in oa["shapes"]]
    ids = {t["element"] for a in anns for t in a["texts"]} | {s["element"] for a in anns for s in a["shapes"]}
    assert ids and all(i.split("/")[0] in {p["id"] for p in spec["parts"]} for i in ids)


@pytest.mark.parametrize("layout", sorted(SEEDS))
def test_a_part_is_the_real_clip_its_family_draws_alone_from_its_seed_less_the_stage(layout):
    spec = scene_spec(layout)
    for part in spec["parts"]:
        sub = part["spec"]
        size = {"width": sub["width"], "height": sub["height"]}
        alone = record.sample_spec(sub["family"], part["seed"], {**PARAMS, **size, "style": "real"})
        assert stage.card(alone) == sub  # the family's draws, with the faces the real style gives that seed
        flat = validate(families.get(sub["family"]).sample(np.random.default_rng(part["seed"]), {**PARAMS, **size}))
        assert [el["id"] for el in flat["elements"]] == [el["id"] for el in sub["elements"]]
        assert scene.problems(sub) == []  # its claims hold on its own card
        frames, anns = render_clip(sub)
        assert families.get(sub["family"]).verify(sub, frames, anns) == []  # and its family's rule


def test_moving_annotations_knows_every_shape_the_renderer_draws():
    for name in families.FAMILY_NAMES:
        spec = record.sample_spec(name, 4, {**PARAMS, "width": 192, "height": 144})
        _, anns = render_clip(spec)
        for a in anns:
            assert composite.move_annotation(a, "p", 0, 0)["shapes"] == [{**s, "element": "p/" + s["element"]} for s in a["shapes"]]
            moved = composite.move_annotation(a, "p", 3, 5)
            for s, m in zip(a["shapes"], moved["shapes"]):
                if s["type"] in ("polygon", "polyline"):
                    x, y = s["params"]["points"][0]
                    assert m["params"]["points"][0] == [round(x + 3, 3), round(y + 5, 3)]


def test_composites_rerender_bit_for_bit_and_frame_by_frame():
    spec = scene_spec("dashboard")
    again = from_json(to_json(spec))
    f1, a1 = render_clip(spec)
    f2, a2 = render_clip(again)
    assert np.array_equal(f1, f2) and a1 == a2
    for i in (0, 3):
        f, a = render_frame(spec, i)
        assert np.array_equal(f, f1[i]) and a == a1[i]
    assert scene.verify(spec, f1, a1) == []


def test_captions_name_every_part_where_it_is_and_carry_its_own_captions():
    for layout in SEEDS:
        spec = scene_spec(layout)
        row = record.build_record(spec, sample_id="c", split="train", seed=SEEDS[layout])
        caps = row["captions"]
        own = scene.part_captions(spec)
        for part, pc in zip(spec["parts"], own):
            noun, place = scene.NOUNS[part["spec"]["family"]], composite.where(part, spec["width"], spec["height"])
            for g in ("short", "detailed", "temporal"):
                assert noun[0] in caps["en"][g] and place[0] in caps["en"][g].lower(), (layout, g)
                assert noun[1] in caps["zh"][g] and place[1] in caps["zh"][g], (layout, g)
                assert pc["en"][g].rstrip(".") in caps["en"][g] and pc["zh"][g].rstrip("。") in caps["zh"][g]
        for lang, tail in (("en", "those of its own panel."), ("zh", "该部分自身的面板。")):
            assert caps[lang]["detailed"].endswith(tail) and caps[lang]["temporal"].endswith(tail)
        assert row["family"] == "composite" and row["difficulty"]["num_elements"] == sum(len(p["spec"]["elements"]) for p in spec["parts"])


def test_where_words_follow_the_parts_centre():
    part = {"at": [0, 0], "spec": {"width": 80, "height": 80}}
    assert composite.where(part, 300, 300) == ("at the top left", "左上方")
    assert composite.where({**part, "at": [110, 220]}, 300, 300) == ("at the bottom", "下方")
    assert composite.where({**part, "at": [220, 110]}, 300, 300) == ("on the right", "右侧")


def test_bad_parts_fail_in_one_line_naming_the_field():
    spec = to_json(scene_spec("classroom"))

    def broken(edit):
        s = from_json(spec)
        edit(s)
        with pytest.raises(SpecError) as exc:
            validate(s)
        return str(exc.value)

    onto_first = broken(lambda s: s["parts"][1].update(at=[s["parts"][0]["at"][0] + 20, s["parts"][1]["at"][1]]))
    assert onto_first.startswith("parts[1].at: overlaps parts[0]")
    assert broken(lambda s: s["parts"][0].update(at=[250, 0])).startswith("parts[0].at: the part")
    assert broken(lambda s: s["parts"][0]["spec"].update(stage=s["stage"])).startswith("parts[0].spec: expected a flat spec")
    assert broken(lambda s: s["parts"][0]["spec"].update(num_frames=6)).startswith("parts[0].spec: expected a family's spec")
    assert broken(lambda s: s["parts"][0]["spec"]["elements"][0].update(type="blob")).startswith("parts[0].spec.elements[0].type")
    assert broken(lambda s: s["parts"][1].update(id=s["parts"][0]["id"])).startswith("parts[1].id")
    assert "\n" not in broken(lambda s: s["parts"][0].pop("seed"))


def test_release_plans_a_quarter_composite_and_default_and_tiny_plan_none():
    release = load_config("release", num=1000, width=256, height=256)
    counts = collections.Counter(t["family"] for t in plan(release))
    assert counts["composite"] / 1000 >= 0.2 and sum(counts.values()) == 1000
    first = [t["family"] for t in plan(release)[:40]]
    assert 0.1 <= first.count("composite") / 40 <= 0.4  # spread through the plan, not piled at its end
    for name in ("default", "tiny"):
        cfg = load_config(name)
        assert "composite" not in cfg.to_dict() and all(t["family"] != "composite" for t in plan(cfg))
    assert load_config("default", composite=0.3).params("composite")["font_pool"] == "pip"
    listed = load_config("default", families=["composite", "clock"], num=4)
    assert [t["family"] for t in plan(listed)] == ["composite", "clock"] * 2 and listed.params("composite")["font_pool"] == "pip"


@pytest.mark.parametrize("overrides, message", [
    ({"composite": 1.5}, "composite: expected a share in [0, 1)"),
    ({"composite": 0.2, "width": 128, "height": 128}, "composite scenes need a canvas of at least 256x256"),
    ({"composite": 0.2, "families": ["composite", "clock"]}, "give one of them"),
])  # fmt: skip
def test_bad_composite_configs_fail_in_one_line(overrides, message):
    with pytest.raises(SymbolSetError) as exc:
        load_config("default", **overrides)
    assert message in str(exc.value) and "\n" not in str(exc.value)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    """Two composite scenes beside two flat signage clips, made by the CLI."""
    from symbolset.cli import main

    out = tmp_path_factory.mktemp("composite") / "ds"
    argv = ["generate", "--out", str(out), "--num", "4", "--families", "signage", "--composite", "0.5", "--size", "256", "--frames", "4"]
    argv.append("--quiet")
    assert main(argv) == 0
    return out


def test_a_composite_dataset_validates_rerenders_and_passes_validate_captions(dataset, capsys):
    from symbolset.claims.check import check_captions
    from symbolset.cli import main
    from symbolset.layout import iter_rows, load_manifest
    from symbolset.validate import validate_dataset

    assert validate_dataset(dataset) == []
    assert load_manifest(dataset)["config"]["composite"] == 0.5
    rows = [r for r in iter_rows(dataset) if r["family"] == "composite"]
    assert len(rows) == 2 and all(r["id"].startswith("composite-0-") for r in rows)
    again = record.build_record(from_json(rows[0]["spec"]), sample_id=rows[0]["id"], split=rows[0]["split"], seed=rows[0]["seed"])
    assert again["video"]["bytes"] == rows[0]["video"]["bytes"] and again["annotations"] == rows[0]["annotations"]
    report = check_captions(dataset)
    assert report["families"]["composite"]["ok"] == 2 and not any(c["violation"] for c in report["families"].values())
    capsys.readouterr()
    assert main(["validate", str(dataset), "--captions"]) == 0
    card = (dataset / "README.md").read_text()
    assert "| `composite` |" in card and "## Fonts" in card
    used = {el["font"] for r in rows for el in composite.all_elements(from_json(r["spec"])) if el["type"] == "text"}
    assert used and all(f"`{fid}`" in card for fid in used)


def test_validate_captions_catches_a_part_whose_claim_the_panel_does_not_bear_out(dataset):
    from symbolset.claims.check import check_record
    from symbolset.layout import iter_rows

    row = next(r for r in iter_rows(dataset) if r["family"] == "composite")
    spec = from_json(row["spec"])
    fam, status, _ = check_record(row)
    assert (fam, status) == ("composite", "ok")
    # a part whose texts are never shown: its captions (rendered from the same spec) still quote them, its panel does not show them
    part = next(p for p in spec["parts"] if any(e["type"] == "text" for e in p["spec"]["elements"]))
    for e in part["spec"]["elements"]:
        if e["type"] == "text":
            e["visible"] = 0
    caps = record.build_record(spec, sample_id=row["id"], split=row["split"], seed=row["seed"])["captions"]
    assert caps == row["captions"]
    fam, status, problems = check_record({**row, "spec": to_json(spec)})
    assert status == "violation" and all(line.startswith(f"record {row['id']}: part {part['id']}: ") for line in problems), problems
    assert check_record({**row, "captions": {**row["captions"], "en": {**row["captions"]["en"], "short": "edited"}}})[1] == "unverifiable"


def test_loaders_converters_and_the_viewer_take_composite_rows(dataset, tmp_path, capsys):
    from symbolset.cli import main
    from symbolset.layout import iter_rows
    from symbolset.torch import SymbolVideoDataset
    from symbolset.viewer.app import build_app
    from symbolset.viewer.index import DatasetIndex, Filters

    train = SymbolVideoDataset(dataset, "train", families=["composite"])
    assert len(train) == 1 and train[0]["family"] == "composite" and train[0]["video"].shape == (4, 3, 256, 256)
    capsys.readouterr()
    assert main(["convert", str(dataset), str(tmp_path / "wds"), "--to", "webdataset", "--quiet"]) == 0
    assert main(["convert", str(tmp_path / "wds"), str(tmp_path / "back"), "--to", "parquet", "--quiet"]) == 0
    assert list(iter_rows(tmp_path / "back")) == list(iter_rows(dataset))
    index = DatasetIndex(dataset)
    hits = [index.row(int(p))["id"] for p in index.query(Filters(family="composite"))]
    assert len(hits) == 2
    viewer = build_app(dataset)
    sid, video, slider, overlay, meta, captions = viewer.open_sample(hits[0], ["word boxes", "shapes"])[:6]
    assert sid == hits[0] and overlay.ndim == 3 and "composite" in meta and "panels seen by one camera" in captions
    verdict, image = viewer.rerender(hits[0], 1)
    assert "it matches" in verdict and image.shape[0] == 256


def test_a_part_that_breaks_its_familys_checks_is_drawn_again(monkeypatch):
    plain = scene_spec("classroom")
    calls = []

    def first_fails(sub):
        calls.append(sub["family"])
        return ["a problem"] if len(calls) == 1 else []

    monkeypatch.setattr(scene, "problems", first_fails)
    again = scene_spec("classroom")
    assert calls == ["formula", "formula", "geometry"]
    assert again["parts"][0]["seed"] != plain["parts"][0]["seed"]  # the next seed of the part's stream
    assert again["parts"][0]["spec"]["family"] == "formula" and validate(again) == again


def test_an_occluder_passes_in_front_of_a_composite_and_hidden_characters_show_no_ink():
    hits = 0
    for seed in range(12):
        spec = record.sample_spec("composite", seed, {**PARAMS, "occluders": 1.0})
        assert "occluder" in spec["stage"]
        full, anns = seen(spec)
        hidden = [(i, s["element"], k) for i, a in enumerate(anns) for s in a["shapes"] if s["type"] == "text_quad"
                  for k, v in enumerate(s["params"]["char_visibility"]) if v == "hidden"]  # fmt: skip
        if not hidden:
            continue
        i, name, k = hidden[0]
        pid, eid = name.split("/")
        without = copy.deepcopy(spec)
        sub = next(p["spec"] for p in without["parts"] if p["id"] == pid)
        sub["elements"] = [e for e in sub["elements"] if e["id"] != eid]
        bare, _ = seen(without)
        quad = next(s for s in anns[i]["shapes"] if s["type"] == "text_quad" and s["element"] == name)["params"]["char_quads"][k]
        ys, xs = np.nonzero(np.abs(full[i].astype(int) - bare[i].astype(int)).max(axis=-1) > 0)
        assert not inside(np.asarray(quad), xs, ys).any(), (seed, name, k)  # the character's ink is covered
        caps = record.build_record(spec, sample_id="c", split="train", seed=seed)["captions"]
        assert "passes" in caps["en"]["detailed"] and "经过" in caps["zh"]["detailed"]
        hits += 1
        if hits == 2:
            break
    assert hits


# ---------------------------------------------------------------- parts on planes of their own

PLANED = {"dashboard": "display", "shop_front": "clock"}  # the test scenes' parts on planes of their own


@pytest.mark.parametrize("layout", sorted(PLANED))
def test_a_part_on_its_own_plane_is_seen_through_the_3d_camera_not_the_cards_homography(layout):
    spec = scene_spec(layout)
    part = next(p for p in spec["parts"] if p["id"] == PLANED[layout])
    assert part["plane"]["angle"] >= 8 and part["plane"]["hinge"] == scene.PLANES[layout, part["id"]][0]
    assert all("plane" not in p for p in spec["parts"] if p is not part)
    x0, y0, x1, y1 = composite.rect(part)
    _, anns = seen(spec)
    for i in range(spec["num_frames"]):
        m = stage.homography(spec["stage"], spec, i)
        shape = next(s for s in anns[i]["shapes"] if s["type"] == "plane" and s["element"] == part["id"])
        corners = [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]
        on_plane = stage.apply(np.asarray(shape["params"]["homography"]), corners)
        assert np.allclose(on_plane, project3d(spec, i, [turned(part, x, y) for x, y in corners]), atol=1e-3)
        hinge = {"left": [0, 3], "right": [1, 2], "top": [0, 1], "bottom": [2, 3]}[part["plane"]["hinge"]]
        free = [k for k in range(4) if k not in hinge]
        flat = stage.apply(m, corners)
        assert np.allclose(on_plane[hinge], flat[hinge], atol=1e-3)  # the hinge stays on the card's plane
        assert np.abs(on_plane[free] - flat[free]).max() > 3  # the free edge does not
        # Every text of the part: its quads are its flat boxes (grown by the bilinear reach) through the plane.
        for t in anns[i]["texts"]:
            if t["element"].startswith(part["id"] + "/"):
                quad = next(s for s in anns[i]["shapes"] if s["type"] == "text_quad" and s["element"] == t["element"])
                assert len(quad["params"]["char_quads"]) == len(t["char_boxes"])


def test_a_turned_panel_changes_only_pixels_within_its_reach_and_leaves_the_backdrop_behind():
    spec = scene_spec("shop_front")
    part = next(p for p in spec["parts"] if "plane" in p)
    flat = copy.deepcopy(spec)
    del next(p for p in flat["parts"] if p["id"] == part["id"])["plane"]
    turned_frames, _ = seen(spec)
    flat_frames, _ = seen(validate(flat))
    bare, _ = seen(validate({**spec, "parts": [p for p in spec["parts"] if p["id"] != part["id"]]}))
    for i in range(spec["num_frames"]):
        changed = np.abs(turned_frames[i].astype(int) - bare[i].astype(int)).max(axis=-1) > 0
        ys, xs = np.nonzero(changed)
        x0, y0, x1, y1 = composite.rect(part)
        around = [[x0 - 1, y0 - 1], [x1 + 1, y0 - 1], [x1 + 1, y1 + 1], [x0 - 1, y1 + 1]]
        footprint = inside(stage.apply(stage.homography(spec["stage"], spec, i), around), xs, ys)
        # What changed is the turned panel (within its reach) or its bare footprint on the wall, nothing else.
        assert (inside(part_quad(spec, part, i), xs, ys) | footprint).all(), i
        assert not np.array_equal(turned_frames[i], flat_frames[i])


@pytest.mark.parametrize("layout", sorted(PLANED))
def test_captions_say_how_a_part_on_its_own_plane_stands_in_both_languages(layout):
    spec = scene_spec(layout)
    part = next(p for p in spec["parts"] if "plane" in p)
    caps = record.build_record(spec, sample_id="c", split="train", seed=SEEDS[layout])["captions"]
    a = composite_planes.about(part["plane"]["angle"])
    assert abs(a - part["plane"]["angle"]) <= 2.5
    for g in ("short", "detailed", "temporal"):
        assert f"about {a} degrees" in caps["en"][g] and (f"约成{a}度" in caps["zh"][g] or f"约{a}度" in caps["zh"][g]), g
        words = ("wall", "墙面") if layout == "shop_front" else ("dash", "仪表台")
        assert words[0] in caps["en"][g] and words[1] in caps["zh"][g]
    # Where it is mounted: behind the turned panel's centre, nearer its hinge.
    assert composite.where(part, spec["width"], spec["height"])[0] in caps["en"]["short"].lower()


def test_a_bad_plane_fails_in_one_line_naming_the_field():
    spec = to_json(scene_spec("dashboard"))
    for edit, start in (({"hinge": "diagonal", "angle": 20}, "parts[1].plane: expected a hinge"),
                        ({"hinge": "top", "angle": 95}, "parts[1].plane.angle: expected degrees"),
                        ({"hinge": "top"}, "parts[1].plane: expected a hinge")):  # fmt: skip
        s = from_json(spec)
        s["parts"][1]["plane"] = edit
        with pytest.raises(SpecError) as exc:
            validate(s)
        assert str(exc.value).startswith(start) and "\n" not in str(exc.value)


def test_a_plane_that_would_cover_another_part_or_leave_the_frame_is_not_kept():
    spec = scene_spec("shop_front")
    part = next(p for p in spec["parts"] if "plane" in p)
    assert composite_planes.fits(spec, part)
    steep = {**part, "plane": {**part["plane"], "angle": 70.0}}  # seen nearly edge-on, or over the sign
    assert not composite_planes.fits({**spec, "parts": [steep if p is part else p for p in spec["parts"]]}, steep)


def test_generation_checks_each_parts_family_rule_and_takes_the_next_seed_when_it_fails(monkeypatch):
    first = scene_spec("classroom")
    fam = families.get("geometry")
    refused = []

    def strict(sub, frames, anns):
        refused.append(sub["meta"])
        return ["refused"] if len(refused) == 1 else []

    monkeypatch.setattr(fam, "verify", strict)
    again = scene_spec("classroom")
    assert len(refused) == 2 and again["parts"][1]["seed"] != first["parts"][1]["seed"]
    assert again["parts"][0] == first["parts"][0]
