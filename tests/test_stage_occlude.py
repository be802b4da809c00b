"""Occluders of the real style (stage_occlude.py): visibility rules checked on rendered pixels."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from test_stage import inside, real_spec

from symbolset import record, stage, stage_occlude
from symbolset.config import load_config
from symbolset.errors import SpecError, SymbolSetError
from symbolset.render import render_clip
from symbolset.spec import from_json, to_json, value_at
from symbolset.textlayout import text_layout


def with_occluder(spec: dict, **fields) -> dict:
    """The spec with a passer-by crossing left to right at the height of its texts (or ``fields``)."""
    spec = copy.deepcopy(spec)
    occ = {"kind": "person", "color": [40, 45, 60], "accent": [200, 150, 120], "size": 1.0, "angle": [0.0, 0.0],
           "from": [-0.4, 0.85], "to": [1.4, 0.85], "blur": 0.6, "seed": 7}  # fmt: skip
    spec["stage"]["occluder"] = {**occ, **fields}
    return spec


def whole_pixels(spec: dict) -> tuple[dict, dict]:
    """The spec with its longest text unscaled, unrotated, on whole pixels (there the flat char boxes
    hold each glyph's ink exactly), and that text element."""
    spec = copy.deepcopy(spec)
    el = max((e for e in spec["elements"] if e["type"] == "text"), key=lambda e: len(e["text"].replace(" ", "")))
    el.update(scale=1.0, rotation=0.0)
    lay = text_layout(el["font"], int(round(el["size"])), el["text"])
    anchor = np.array([lay["width"] / 2 if el.get("anchor") == "center" else 0.0, (lay["descent"] - lay["ascent"]) / 2])
    el["position"] = (np.round(np.asarray(value_at(el["position"], 0.0)) - anchor) + anchor).tolist()
    return spec, el


def each_characters_ink(spec: dict, el: dict, lens: bool):
    """Per inked character of ``el`` (in order): its own ink on every frame, as the change that
    revealing it makes to the staged frames (typing it in, one character at a time)."""
    flat = stage.card(spec)

    def shown(k):
        els = [{**e, "visible": k} if e["id"] == el["id"] else e for e in flat["elements"]]
        frames, anns = render_clip({**flat, "elements": els})
        return stage.project(spec, frames, anns, lens=lens)

    before, _ = shown(0)
    for k, ch in enumerate(el["text"]):
        after, _ = shown(k + 1)
        if not ch.isspace():
            yield np.abs(after.astype(int) - before.astype(int)).max(axis=-1)
        before = after


def test_hidden_characters_show_none_of_their_ink_and_full_ones_all_of_it():
    """A character marked hidden has no ink of its own in that frame (with the lens too: blur, noise and
    JPEG come after the occluder); a full one has exactly the ink it has without the occluder."""
    spec, el = whole_pixels(with_occluder(real_spec("signage", 5)))
    spec["stage"]["lens"].update(defocus=0.8, noise=1.0, pattern=1.5, jpeg=70)  # every lens effect on
    free = {**spec, "stage": {k: v for k, v in spec["stage"].items() if k != "occluder"}}
    _, anns = stage.project(spec, *render_clip(stage.card(spec)), lens=False)
    seen = [next(s for s in a["shapes"] if s["type"] == "text_quad" and s["element"] == el["id"])["params"] for a in anns]
    kinds = set()
    w, h = spec["width"], spec["height"]
    for n, (ink, ink_lens, ink_free) in enumerate(zip(each_characters_ink(spec, el, False), each_characters_ink(spec, el, True),
                                                      each_characters_ink(free, el, False))):  # fmt: skip
        for i in range(spec["num_frames"]):
            v, quad = seen[i]["char_visibility"][n], np.asarray(seen[i]["char_quads"][n])
            kinds.add(v)
            ys, xs = np.nonzero(ink_free[i])
            assert inside(quad, xs, ys).all()  # the rule's premise: the quad holds the character's ink
            if v == "hidden":
                assert not ink[i].any() and not ink_lens[i].any(), (n, i)
            elif v == "full":
                assert np.array_equal(ink[i], ink_free[i]), (n, i)
            else:  # partial: part of its pixels is touched, not all covered
                alpha, _ = stage_occlude.layers(spec["stage"]["occluder"], w, h, i, spec["num_frames"])
                a = alpha[stage_occlude.quad_pixels(quad, w, h)]
                assert (a > 0).any() and (a < 255).any()
    assert kinds == {"hidden", "partial", "full"}


def test_occluders_never_move_a_box_and_clips_rerender_bit_for_bit():
    spec = real_spec("text_motion", 4)
    spec = with_occluder(spec, kind="hand", **{"from": [1.3, 0.8], "to": [-0.3, 0.8]})
    free = {**spec, "stage": {k: v for k, v in spec["stage"].items() if k != "occluder"}}
    f1, a1 = render_clip(spec)
    f2, a2 = render_clip(free)
    assert not np.array_equal(f1, f2)

    def boxes(anns):
        return [(a["texts"], [(s["element"], s["type"], {k: v for k, v in s["params"].items() if k != "char_visibility"})
                              for s in a["shapes"] if s["type"] != "occluder"]) for a in anns]  # fmt: skip

    assert boxes(a1) == boxes(a2)
    f3, a3 = render_clip(from_json(to_json(spec)))
    assert np.array_equal(f1, f3) and a1 == a3
    for i in (0, 2, spec["num_frames"] - 1):  # a single frame is the clip's frame
        from symbolset.render import render_frame

        f, a = render_frame(spec, i)
        assert np.array_equal(f, f1[i]) and a == a1[i]


@pytest.mark.parametrize("kind", stage_occlude.KINDS)
def test_each_kind_enters_crosses_and_leaves_the_frame(kind):
    def first_of_kind():
        rng = np.random.default_rng(11)
        return next(o for o in (stage_occlude.sample(rng, 160, 120) for _ in range(60)) if o["kind"] == kind)

    occ = first_of_kind()
    assert occ == first_of_kind() and stage_occlude.check(occ) is None  # seeded
    n = 9
    alphas = [stage_occlude.layers(occ, 160, 120, i, n)[0] for i in range(n)]
    assert not alphas[0].any() and not alphas[-1].any()  # wholly outside on the first and last frame
    assert any((a == 255).sum() > 0.02 * a.size for a in alphas[1:-1])  # and really in front in between


def test_the_share_of_real_clips_with_an_occluder_is_an_option_and_flat_is_untouched():
    def share(**extra):
        return sum("occluder" in real_spec("clock", s, **extra)["stage"] for s in range(60)) / 60

    assert 0.15 <= share() <= 0.45  # the default, 0.3
    assert share(occluders=0.0) == 0.0 and share(occluders=1.0) == 1.0
    # the rest of the stage is drawn as without occluders
    a, b = real_spec("clock", 3, occluders=1.0), real_spec("clock", 3, occluders=0.0)
    assert {k: v for k, v in a["stage"].items() if k != "occluder"} == b["stage"]
    assert load_config("release").params("clock")["occluders"] == 0.3
    assert "occluders" not in load_config("default").to_dict() and "occluders" not in load_config("tiny").params("clock")
    assert load_config("default", style="real", occluders=0.5).params("plot")["occluders"] == 0.5
    with pytest.raises(SymbolSetError, match=r"^config 'default': occluders: expected a share in \[0, 1\], got 2"):
        load_config("default", style="real", occluders=2)


def test_a_bad_occluder_fails_in_one_line():
    spec = with_occluder(real_spec("clock", 1))
    from_json(to_json(spec))
    for field, value, message in (("kind", "dragon", r"stage.occluder.kind: expected one of pole"),
                                  ("color", [0, 0], r"stage.occluder.color: expected \[r, g, b\]"),
                                  ("from", [0, "top"], r"stage.occluder.from: expected two finite numbers"),
                                  ("size", 9, r"stage.occluder: size in \[0.1, 3\]")):  # fmt: skip
        broken = copy.deepcopy(spec)
        broken["stage"]["occluder"][field] = value
        with pytest.raises(SpecError, match="^spec: " + message):
            from_json(to_json(broken))


def test_captions_say_what_passes_in_front_and_how_much_it_hides():
    spec = with_occluder(real_spec("signage", 5))
    row = record.build_record(spec, sample_id="x", split="train", seed=5)
    anns = record.parse_annotations(row)
    o = stage_occlude.sentences(spec, anns)
    hidden = {(s["element"], k) for a in anns for s in a["shapes"] if s["type"] == "text_quad"
              for k, v in enumerate(s["params"]["char_visibility"]) if v == "hidden"}  # fmt: skip
    assert hidden and f"hiding {len(hidden)} of its characters completely" in o["en"]
    assert f"完全挡住其中{len(hidden)}个字符" in o["zh"] and "一位路人从左往右" in o["zh"]
    assert o["en"].startswith("A passer-by passes in front of it from left to right, covering part of the card from ")
    for lang in ("en", "zh"):
        assert row["captions"][lang]["detailed"].endswith(o[lang]) and row["captions"][lang]["temporal"].endswith(o[lang])
        assert o[lang] not in row["captions"][lang]["short"]
    # the times are those of the frames where it covers the card
    covering = [a["time"] for a in anns if any(s["type"] == "occluder" and s["params"]["covers_card"] for s in a["shapes"])]
    assert f"from {covering[0]:.2f} s to {covering[-1]:.2f} s" in o["en"]
    # passing beside the card only: said so, with no claim of covering it
    beside = with_occluder(real_spec("signage", 5), kind="leaf", size=0.4, **{"from": [0.02, -0.5], "to": [0.02, 1.5]})
    _, anns = render_clip(beside)
    if not any(s["params"]["covers_card"] for a in anns for s in a["shapes"] if s["type"] == "occluder"):
        assert "without covering the card" in stage_occlude.sentences(beside, anns)["en"]


def test_ocr_figure_leaves_out_occluded_words():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from benchmarks.ocr_real import ocr_words

    spec = with_occluder(real_spec("signage", 5, width=384, height=384), size=1.0)
    frames, anns = render_clip(spec)
    assert ocr_words(spec, frames[0], anns[0], min_glyph=1)[1]  # nothing in front on the first frame
    left_out = 0
    for frame, ann in zip(frames, anns):
        hit = {s["element"] for s in ann["shapes"] if s["type"] == "text_quad" and set(s["params"]["char_visibility"]) != {"full"}}
        _, _, details = ocr_words(spec, frame, ann, min_glyph=1)
        assert not hit & {d["element"] for d in details}
        left_out += len(hit)
    assert left_out  # the passer-by did cover words


def test_characters_hidden_whenever_shown_are_said_never_to_be_seen():
    """A text shown only while something passes in front must not read as seen: the sentence counts
    the characters hidden on every frame that shows them (here on synthetic annotations)."""
    spec = with_occluder(real_spec("signage", 5))

    def frame(t, vis, covers=True):
        return {"time": t, "texts": [], "shapes": [{"element": "a", "type": "text_quad", "params": {"char_visibility": vis}},
                                                   {"element": "stage", "type": "occluder", "params": {"covers_card": covers}}]}  # fmt: skip

    anns = [frame(0.0, ["full"], False), frame(0.5, ["hidden", "hidden", "partial"]), frame(1.0, ["full"], False)]
    o = stage_occlude.sentences(spec, anns)
    assert "hiding 2 of its characters completely for a moment and 1 in part; 1 of them is never seen in the clip." in o["en"]
    assert "一度完全挡住其中2个字符，部分挡住1个；其中1个字符在整段视频中始终看不到。" in o["zh"]
    assert "covering part of the card at 0.50 s and" in o["en"] and "在0.50秒时遮住了卡片的一部分" in o["zh"]
    anns[2] = frame(1.0, ["full", "full", "full"], False)
    assert "never seen" not in stage_occlude.sentences(spec, anns)["en"]
