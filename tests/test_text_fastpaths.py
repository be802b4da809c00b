"""The text drawer's shortcuts give the bits of the arithmetic they replace.

An upright text is placed, warped and boxed with plain floats instead of NumPy matrix products and
``np.linalg.inv``; a warp's region ends just past the mask's ink; a placement drawn again blends
from kept operands. Each is checked here against the array arithmetic written out in full, on
random upright and turned placements, to the last bit of every coverage value and box.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from PIL import Image

from symbolset import fonts, render, textdraw
from symbolset.textlayout import apply_affine, layout_of, text_transform


def _reference_placed(font_id, size, text, shown, matrix, width, height):
    """``textdraw.placed_text`` as NumPy arrays compute it: (x0, y0, coverage, box, chars, char boxes)."""
    lay = layout_of(font_id, size, text)
    m = np.asarray(matrix, np.float64).reshape(2, 3)
    to_layout = np.array([[1, 0, -textdraw.PAD], [0, 1, -textdraw.PAD - lay["ascent"]]], np.float64)
    mm = np.hstack([m[:, :2] @ to_layout[:, :2], (m[:, :2] @ to_layout[:, 2] + m[:, 2])[:, None]])
    mask = textdraw.text_mask(font_id, size, text, shown)
    h, w = mask.shape
    corners = apply_affine(mm, [[0, 0], [w, 0], [w, h], [0, h]])
    x0, y0 = max(0, int(math.floor(corners[:, 0].min()))), max(0, int(math.floor(corners[:, 1].min())))
    x1, y1 = min(width, int(math.ceil(corners[:, 0].max()))), min(height, int(math.ceil(corners[:, 1].max())))
    if x1 <= x0 or y1 <= y0:
        return None
    assert textdraw.supersampling(mm[:, :2]) == 1  # the cases below are drawn by PIL's bicubic transform
    inv = np.linalg.inv(mm[:, :2])
    c = inv @ (np.array([x0, y0], np.float64) - mm[:, 2])
    coeffs = (inv[0, 0], inv[0, 1], c[0], inv[1, 0], inv[1, 1], c[1])
    cov = np.asarray(Image.fromarray(mask).transform((x1 - x0, y1 - y0), Image.Transform.AFFINE, coeffs, resample=Image.Resampling.BICUBIC))
    cols, rows = np.flatnonzero(cov.any(axis=0)), np.flatnonzero(cov.any(axis=1))
    if not len(cols):
        return None
    u0, v0, u1, v1 = int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1
    box = (float(x0 + u0), float(y0 + v0), float(x0 + u1), float(y0 + v1))
    kept = [(ch, ink) for ch, ink in zip(text[:shown], lay["inks"][:shown]) if ink is not None]
    ink = np.array([k[1] for k in kept], np.float64)
    q = apply_affine(m, ink[:, [0, 1, 2, 1, 2, 3, 0, 3]].reshape(-1, 2)).reshape(-1, 4, 2)
    lo, hi = q.min(axis=1), q.max(axis=1)
    boxes = np.stack(
        [np.maximum(lo[:, 0], box[0]), np.maximum(lo[:, 1], box[1]), np.minimum(hi[:, 0], box[2]), np.minimum(hi[:, 1], box[3])], axis=1
    )
    char_boxes = tuple(tuple(round(v, 3) for v in b) for b in boxes.tolist())
    return x0 + u0, y0 + v0, cov[v0:v1, u0:u1], box, tuple(k[0] for k in kept), char_boxes


_TEXTS = [("dejavu-sans", "Convenience Store"), ("noto-sans-sc", "安全出口 EXIT"), ("dejavu-serif", "Jan 39"), ("noto-sans-tc", "中药店")]


@pytest.mark.parametrize("turned", [False, True])
def test_placed_text_equals_the_array_arithmetic(turned):
    rng = np.random.default_rng(7 + turned)
    for i in range(60):
        font_id, text = _TEXTS[i % len(_TEXTS)]
        size = int(rng.integers(10, 40))
        state = {"position": [float(v) for v in rng.uniform(-20, 280, 2)], "scale": float(rng.uniform(0.8, 1.6)),
                 "rotation": float(rng.uniform(-30, 30)) if turned else 0.0, "anchor": "center" if i % 2 else "left"}  # fmt: skip
        matrix = tuple(text_transform(state, layout_of(font_id, size, text)).ravel().tolist())
        assert (
            textdraw.text_matrix(font_id, size, text, False, tuple(state["position"]), state["scale"], state["rotation"], state["anchor"])
            == matrix
        )
        shown = int(rng.integers(1, len(text) + 1))
        got = textdraw.placed_text.__wrapped__(font_id, size, text, shown, matrix, 256, 256)
        want = _reference_placed(font_id, size, text, shown, matrix, 256, 256)
        if want is None:
            assert got is None
            continue
        assert got[:2] == want[:2] and got[3:6] == want[3:6], (font_id, text, state)
        assert np.array_equal(got[2], want[2])


def test_blending_from_kept_operands_equals_the_rounded_integer_blend():
    d = np.repeat(np.arange(256, dtype=np.uint8), 256).reshape(256, 256)  # every background value ...
    a = np.tile(np.arange(256, dtype=np.uint8), 256).reshape(256, 256)  # ... under every coverage
    for rgb in [(0, 1, 2), (127, 128, 129), (253, 254, 255), (7, 200, 77)]:
        canvas = np.stack([d, d, d], axis=2)
        textdraw._composite_operands(canvas, 0, 0, *textdraw._blend_operands(a, rgb))
        a16, d16 = a.astype(np.int64), d.astype(np.int64)
        assert (canvas == np.stack([(d16 * (255 - a16) + c * a16 + 127) // 255 for c in rgb], axis=2)).all()


def test_the_first_blend_is_the_rounded_integer_blend_for_every_operand_triple():
    # _composite divides by 255 in float32 (OpenCV): every background under every coverage in every
    # channel value, placed off the canvas's corner (a strided region), and narrow regions (SIMD tails).
    d = np.repeat(np.arange(256, dtype=np.uint8), 256).reshape(256, 256)
    a = np.tile(np.arange(256, dtype=np.uint8), 256).reshape(256, 256)
    a16, d16 = a.astype(np.int64), d.astype(np.int64)
    for c0 in range(0, 256, 3):
        rgb = (c0, min(c0 + 1, 255), min(c0 + 2, 255))
        canvas = np.zeros((260, 263, 3), np.uint8)
        canvas[3:259, 5:261] = d[..., None]
        textdraw._composite(canvas, 5, 3, a, rgb)
        assert (canvas[3:259, 5:261] == np.stack([(d16 * (255 - a16) + c * a16 + 127) // 255 for c in rgb], axis=2)).all()
        canvas[3:259, 5:261] = 0
        assert not canvas.any()  # nothing outside the region
    rng = np.random.default_rng(11)
    for h, w in [(1, 1), (1, 7), (3, 5), (2, 17), (5, 33), (1, 70)]:
        canvas = rng.integers(0, 256, (9, 80, 3), dtype=np.uint8)
        cov = rng.integers(0, 256, (h, w), dtype=np.uint8)
        want = canvas.copy().astype(np.int64)
        rgb = tuple(int(v) for v in rng.integers(0, 256, 3))
        want[2 : 2 + h, 1 : 1 + w] = (want[2 : 2 + h, 1 : 1 + w] * (255 - cov[..., None]) + np.array(rgb) * cov[..., None] + 127) // 255
        textdraw._composite(canvas, 1, 2, cov, rgb)
        assert (canvas == want).all()


def test_a_label_drawn_in_every_frame_draws_what_it_drew_first():
    p = {
        "type": "text",
        "id": "label",
        "text": "Feb 40",
        "font": "dejavu-sans",
        "size": 14,
        "color": [200, 30, 40],
        "position": [100.25, 60.5],
    }
    canvases = []
    for _ in range(3):  # a first draw blends, the next ones blend from the operands kept by the first
        canvas = np.full((128, 256, 3), 240, np.uint8)
        ann = {"texts": [], "shapes": []}
        render._draw_text(canvas, p, 0.0, ann)
        canvases.append((canvas, ann))
    assert all(np.array_equal(c, canvases[0][0]) and a == canvases[0][1] for c, a in canvases)
    assert (canvases[0][0] != 240).any()


def test_an_upright_warps_inverse_is_lapacks_to_the_bit():
    rng = np.random.default_rng(3)
    for _ in range(20000):
        a, e = rng.uniform(0.75, 3.0, 2)
        c, f = rng.uniform(-300, 300, 2)
        x0, y0 = (int(v) for v in rng.integers(0, 256, 2))
        mm = np.array([[a, 0.0, c], [-0.0, e, f]])
        inv = np.linalg.inv(mm[:, :2])
        o = inv @ (np.array([x0, y0], np.float64) - mm[:, 2])
        assert textdraw._inverse((a, 0.0, c, -0.0, e, f), x0, y0) == (inv[0, 0], inv[0, 1], o[0], inv[1, 0], inv[1, 1], o[1])


def test_a_width_alone_is_measured_in_one_call(monkeypatch):
    # Fitting a text tries size after size for its width; the pens and ink boxes (two measurements
    # per character) are measured when first read, and are then those of the eager layout.
    from PIL import ImageFont

    from symbolset import textlayout

    calls = []
    original = ImageFont.FreeTypeFont.getlength
    monkeypatch.setattr(ImageFont.FreeTypeFont, "getlength", lambda self, s, *a, **k: calls.append(s) or original(self, s, *a, **k))
    text = "Caution Wet Floor 小心地滑"
    textlayout.text_layout.cache_clear()
    lay = textlayout.text_layout("noto-sans-sc", 31, text)
    assert lay["width"] > 0 and calls == [text]
    font = fonts.load("noto-sans-sc", 31)
    assert lay["pens"] == [original(font, text[: i + 1]) - original(font, ch) for i, ch in enumerate(text)]
    assert len(lay["inks"]) == len(text) and sorted(lay) == ["ascent", "descent", "inks", "pens", "width"]


def test_a_label_redrawn_over_other_pixels_blends_with_them():
    # A placement drawn again reuses its last result only over the very pixels it blended then.
    p = {
        "type": "text",
        "id": "tick",
        "text": "Mar 7",
        "font": "dejavu-serif",
        "size": 13,
        "color": [20, 90, 200],
        "position": [60.0, 40.5],
    }
    rng = np.random.default_rng(5)
    backgrounds = [np.full((96, 160, 3), 255, np.uint8)] * 2 + [rng.integers(0, 256, (96, 160, 3), dtype=np.uint8) for _ in range(2)]
    backgrounds += [backgrounds[0], backgrounds[2]]
    for bg in backgrounds:
        canvas = bg.copy()
        render._draw_text(canvas, p, 0.0, {"texts": [], "shapes": []})
        x0, y0, cov = textdraw.placed_text(
            "dejavu-serif", 13, "Mar 7", 5, textdraw.text_matrix("dejavu-serif", 13, "Mar 7", False, (60.0, 40.5), 1.0, 0.0, "left"), 160, 96
        )[:3]
        want = bg.copy()
        textdraw._composite(want, x0, y0, cov, p["color"])
        assert np.array_equal(canvas, want)


def _installed_faces() -> list[str]:
    from symbolset import fontpack

    return sorted(set(fonts.FONT_IDS) | {fid for fid, face in fontpack.FACES.items() if face.path() is not None})


@pytest.mark.parametrize("font_id", _installed_faces())
def test_a_text_mask_is_imagedraws_rendering(font_id):
    # text_mask composes each face's glyphs, each drawn once by Pillow, as Font.render lays them: every
    # prefix of texts whose ink leaves the layout box (accents over the ascent, descenders), kerned and
    # overlapping pairs, combining marks laid over their base, lines; and random strings of the face.
    from PIL import ImageDraw

    from symbolset.textlayout import text_layout

    cmap = sorted(fonts.codepoints(font_id))
    pool = [chr(c) for c in cmap if 0x20 < c < 0x250 or 0x300 <= c < 0x530] + [chr(c) for c in cmap if 0x4E00 <= c < 0x9FFF][:500]
    rng = np.random.default_rng(len(font_id))
    texts = ["Ÿ ÅÉ jgpq", "AV Wa To ffi", "7:45 PM", "x\ny", "Ǻǻ|]", "e\u0301a\u0308\u0323 n\u0303", "安全出口 EXIT"]
    texts += ["".join(rng.choice(pool, int(rng.integers(1, 12)))) for _ in range(3)]
    for size in (7, 16, 41):
        for text in texts:
            text = "".join(ch for ch in text if ch.isspace() or not fonts.missing_chars(font_id, ch))
            lay = text_layout(font_id, size, text)
            # typed on (each prefix from the last), then in another order (from a longer one, or afresh)
            size_px = (int(math.ceil(lay["width"])) + 2 * textdraw.PAD + 2, lay["ascent"] + lay["descent"] + 2 * textdraw.PAD)
            for shown in list(range(len(text) + 1)) + list(rng.permutation(len(text) + 1)):
                img = Image.new("L", size_px)
                if shown:
                    pen = (textdraw.PAD, textdraw.PAD + lay["ascent"])
                    ImageDraw.Draw(img).text(pen, text[:shown], font=fonts.load(font_id, size), fill=255, anchor="ls")
                got = textdraw.text_mask.__wrapped__(font_id, size, text, shown)
                assert np.array_equal(got, np.asarray(img)), (font_id, size, text, shown)
                assert not got.flags.writeable  # the cache hands the same array to every caller


@pytest.mark.parametrize("font_id", _installed_faces())
def test_a_glyphs_box_is_pillows_bbox(font_id):
    # text_layout's ink boxes come from the glyphs text_mask draws: their box is getbbox's, every size.
    from symbolset import glyphs

    cmap = sorted(fonts.codepoints(font_id))
    chars = [chr(c) for c in cmap if 0x20 <= c < 0x250 or 0x300 <= c < 0x370] + [chr(c) for c in cmap if 0x4E00 <= c < 0x9FFF][::97]
    chars = list(np.random.default_rng(len(font_id)).choice(chars, min(len(chars), 80), replace=False)) + [" "]
    for size in (6, 11, 19, 33, 60):
        font = fonts.load(font_id, size)
        for ch in chars:
            cov, box = glyphs.glyph(font, ch)
            assert box == font.getbbox(ch, anchor="ls"), (font_id, size, ch)
            assert cov is None or (cov.shape == (box[3] - box[1], box[2] - box[0]) and cov.any())


def test_a_warp_is_pils_transform():
    # _warp runs Image.transform's core call into its own array: random upright, turned and
    # mirrored matrices over a mask, regions starting on and off it.
    mask = textdraw.text_mask("dejavu-sans", 21, "Quartz 9", 8)
    image = Image.fromarray(mask)
    rng = np.random.default_rng(13)
    for _ in range(300):
        s, r = rng.uniform(0.75, 2.5), math.radians(rng.choice([0.0, rng.uniform(-40, 40)]))
        a, b = s * math.cos(r), s * math.sin(r)
        mm = (a * rng.choice([1, -1]), b, float(rng.uniform(-30, 60)), -b, a, float(rng.uniform(-30, 60)))
        x0, y0, w, h = (int(v) for v in rng.integers(0, 40, 4))
        w, h = w + 1, h + 1
        want = image.transform((w, h), Image.Transform.AFFINE, textdraw._inverse(mm, x0, y0), resample=Image.Resampling.BICUBIC)
        assert np.array_equal(textdraw._warp(image, mm, x0, y0, w, h), np.asarray(want))
