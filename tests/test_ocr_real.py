"""The OCR legibility figure of real clips (benchmarks/ocr_real.py): its comparison, its sample's
pre-filter and how it counts words."""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import ocr_real
from symbolset import record, stage
from symbolset.render import render_frame


def test_the_celsius_token_read_after_a_degree_sign_is_one_ring_read_twice():
    # The recogniser's ℃ token holds the ring: "°℃" on the ink "°C" is the ring read twice.
    assert ocr_real.normalize("°℃") == ocr_real.normalize("°C") == ocr_real.normalize("℃")
    assert ocr_real.normalize("25°℉") == ocr_real.normalize("25°F")
    assert ocr_real.normalize("°℃", rules=()) != ocr_real.normalize("°C", rules=())  # the raw figure keeps it a miss
    # nothing else is forgiven: a lost ring, a lost letter, a ring read as a letter stay misses
    for read in ("C", "°", "oC", "°G", "°CC"):
        assert ocr_real.normalize(read) != ocr_real.normalize("°C"), read


def test_a_lone_zero_for_a_lone_o_is_forgiven_and_nothing_more():
    assert ocr_real.normalize("0") == ocr_real.normalize("O") == ocr_real.normalize("o")
    assert ocr_real.normalize("0", rules=()) != ocr_real.normalize("O", rules=())
    for word, read in (("OK", "0K"), ("10", "1O"), ("O", "Q"), ("O", "00"), ("8", "0")):
        assert ocr_real.normalize(read) != ocr_real.normalize(word), (word, read)
    # each forgiven read is put down to its rule, so the figure can say how many words each one saves
    assert [ocr_real._forgiven(r, w) for r, w in (("0", "O"), ("°℃", "°C"), ("°C", "°C"), ("C", "°C"))] == ["lone_ring", "ring_token", None, None]


def test_the_prefilter_never_skips_a_clip_that_has_a_word():
    """``may_have_words`` lets a sample render only clips with a word to read. Its bound holds for
    every unrotated text on every read frame, so a clip with a word always passes; and it skips some."""
    params = {"width": 448, "height": 448, "num_frames": 5, "fps": 8.0, "options": {}, "style": "real", "font_pool": "full"}
    checked = skipped = with_words = 0
    for family in ("signage", "seven_segment", "text_motion", "clock", "chart", "plot"):
        for seed in range(5):
            spec = record.sample_spec(family, 40 + seed, params)
            bounds = ocr_real.glyph_bounds(spec)
            rotated = {key for key, el in ocr_real._elements(spec).items() if el["type"] == "text" and el.get("rotation", 0)}
            found = 0
            for i in ocr_real.ocr_frames(spec):
                ann = render_frame(spec, i)[1]
                for t in ann["texts"]:
                    if t["char_boxes"] and t["element"] in bounds and t["element"] not in rotated:
                        assert statistics.median(b[3] - b[1] for b in t["char_boxes"]) <= bounds[t["element"]], (family, seed, t["string"])
                        checked += 1
                found += len(ocr_real.words(spec, ann))
            may = ocr_real.may_have_words(spec)
            assert may or not found, (family, seed, found)
            with_words, skipped = with_words + bool(found), skipped + (not may)
    assert checked > 100 and with_words >= 5 and skipped >= 5, (checked, with_words, skipped)
    assert not ocr_real.may_have_words({k: v for k, v in spec.items() if k != "stage"})  # a flat clip has no real frame


def test_a_word_counts_once_and_is_read_only_if_read_on_every_frame(monkeypatch):
    """The headline counts distinct words: a word held over three frames and misread on one is one
    word not read; per word-frame it is 2 of 3."""
    spec = record.sample_spec("signage", 3, {"width": 448, "height": 448, "num_frames": 5, "fps": 8.0, "options": {}, "style": "real", "font_pool": "full"})
    spec["stage"].pop("occluder", None)
    frames = ocr_real.ocr_frames(spec)
    drawn = [render_frame(spec, i) for i in frames]
    found = [ocr_real.words(spec, ann, min_glyph=8) for _, ann in drawn]
    assert all(found) and len({len(f) for f in found}) == 1 and not any(hit for f in found for *_, hit in f), found
    reads = iter([[t["string"] for t, *_ in f] for f in found[:2]] + [["x" * 3] + [t["string"] for t, *_ in found[2][1:]]])
    monkeypatch.setattr(ocr_real, "recognize", lambda crops: next(reads))
    tally = ocr_real.Tally()
    for i, (frame, ann) in zip(frames, drawn):
        tally.add("signage", 3, spec, i, frame, ann, 8)
    out = tally.report(8, "exact")
    n = len(found[0])
    assert (out["words"], out["read"]) == (n, n - 1)
    assert (out["per_word_frame"]["words"], out["per_word_frame"]["read"]) == (3 * n, 3 * n - 1)
    assert out["per_family"]["signage"] == {"read": n - 1, "read_raw": n - 1, "words": n}
    font = found[2][0][1]["font"]
    assert out["per_font"][font]["read"] == out["per_font"][font]["words"] - 1
    assert [m["frame"] for m in out["misses"]] == [frames[2]] and out["forgiven_words"] == {}


def test_a_word_another_element_draws_into_is_touched():
    """A clock's numerals under its hands: a numeral is touched exactly when, drawn without it, its
    box on the card is not one colour; touched words are counted apart from the figure."""
    spec = record.sample_spec("clock", 5, {"width": 448, "height": 448, "num_frames": 5, "fps": 8.0, "options": {}, "style": "real", "font_pool": "full"})
    card = stage.card(spec)
    _, ann = render_frame(card, 0)
    numerals = [t for t in ann["texts"] if t["element"].startswith("numeral")]
    hit = ocr_real.touched(spec, 0, [t["element"] for t in numerals])
    hands = [s for s in ann["shapes"] if s["element"] in ("hour", "minute")]
    assert hands and hit and len(hit) < len(numerals)
    for t in numerals:  # the verdict against the hands' own geometry: a numeral a hand's segment crosses is touched
        x0, y0, x1, y1 = t["box"]
        crossed = any(_crosses(s["params"], (x0 - 1, y0 - 1, x1 + 1, y1 + 1)) for s in hands)
        assert not crossed or t["element"] in hit, t["element"]


def _crosses(ray: dict, box: tuple) -> bool:
    """Whether a stroke of ``ray``'s width from its origin to its end reaches into ``box``."""
    (ox, oy), (ex, ey), half = ray["origin"], ray["end"], ray["width"] / 2
    x0, y0, x1, y1 = box
    for u in [i / 400 for i in range(401)]:
        x, y = ox + u * (ex - ox), oy + u * (ey - oy)
        if x0 - half <= x <= x1 + half and y0 - half <= y <= y1 + half and (x0 <= x <= x1 or y0 <= y <= y1):
            return True
    return False
