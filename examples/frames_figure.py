"""Draw docs/examples.png: one clip of every family, flat (top) and real (bottom), first and last frame.

    python examples/frames_figure.py --out docs/examples.png

Every tile is rendered from a spec sampled with the built-in default's settings (real: the ``real``
style with the pip font pool), so the figure shows what ``symbolset generate`` makes.
"""

from __future__ import annotations

import argparse

import numpy as np
from PIL import Image, ImageDraw

from symbolset import fonts, record
from symbolset.build import sample_seed
from symbolset.families import FAMILY_NAMES
from symbolset.render import render_clip


def tile(family: str, seed: int, style: str, size: int) -> np.ndarray:
    """First and last frame of one clip side by side, with the family's name."""
    params = {"width": size, "height": size, "num_frames": 12, "fps": 8.0, "codec": "h264", "options": {}}
    if style != "flat":
        params.update(style=style, font_pool="pip")
    frames, _ = render_clip(record.sample_spec(family, seed, params))
    pair = Image.fromarray(np.concatenate([frames[0], np.full((size, 4, 3), 255, np.uint8), frames[-1]], axis=1))
    label = Image.new("RGB", (pair.width, 22), "white")
    ImageDraw.Draw(label).text((4, 3), f"{family} ({style})", fill="black", font=fonts.load("dejavu-sans", 14))
    out = Image.new("RGB", (pair.width, pair.height + 22), "white")
    out.paste(label, (0, 0))
    out.paste(pair, (0, 22))
    return np.asarray(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="docs/examples.png")
    ap.add_argument("--size", type=int, default=160)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rows = []
    for style in ("flat", "real"):
        tiles = [tile(f, sample_seed(args.seed, f, 0), style, args.size) for f in FAMILY_NAMES]
        gap = np.full((tiles[0].shape[0], 8, 3), 255, np.uint8)
        for half in (tiles[:5], tiles[5:]):
            rows.append(np.concatenate([x for t in half for x in (t, gap)][:-1], axis=1))
    gap = np.full((8, rows[0].shape[1], 3), 255, np.uint8)
    Image.fromarray(np.concatenate([x for r in rows for x in (r, gap)][:-1], axis=0)).save(args.out, optimize=True)
    print(args.out)


if __name__ == "__main__":
    main()
