"""Text layout cost against text length: ``textlayout.text_layout`` (pens and ink boxes of every character).

Prints JSON: for each length, the median seconds of the layout, of one ``font.getlength(text)``
call over the whole text (the floor: one pass of FreeType's basic layout in C) and of the former
per-prefix measurement (quadratic; measured only up to ``--quadratic-max`` characters), with the
ratios. Goal: layout within a constant factor of the floor at every length (linear), where the
prefix measurement grows with the square of the length.

    python benchmarks/text_layout.py [--lengths 250,1000,4000,16000] [--repeats 5] [--font noto-sans-sc] [--size 17]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from symbolset import fonts, textlayout

SAMPLE = "The quick brown fox jumps over the lazy dog. 时钟显示十二点。 AVATAR Ta To 0.25 "


def _median(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _prefix_layout(font, text: str) -> list[float]:
    return [font.getlength(text[: i + 1]) - font.getlength(ch) for i, ch in enumerate(text)]


def main() -> None:
    """Measure and print the JSON report."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lengths", default="250,1000,4000,16000")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--font", default="noto-sans-sc")
    ap.add_argument("--size", type=int, default=17)
    ap.add_argument("--quadratic-max", type=int, default=4000)
    args = ap.parse_args()
    font = fonts.load(args.font, args.size)
    rows = []
    for n in (int(x) for x in args.lengths.split(",")):
        text = (SAMPLE * (n // len(SAMPLE) + 1))[:n]

        def layout(text=text):
            textlayout.text_layout.cache_clear()
            textlayout.text_layout(args.font, args.size, text)

        row = {"chars": n, "layout_s": _median(layout, args.repeats), "floor_s": _median(lambda text=text: font.getlength(text), args.repeats)}
        row["layout_over_floor"] = round(row["layout_s"] / row["floor_s"], 1)
        if n <= args.quadratic_max:
            row["prefix_s"] = _median(lambda text=text: _prefix_layout(font, text), max(1, args.repeats // 2))
            row["prefix_over_layout"] = round(row["prefix_s"] / row["layout_s"], 1)
        rows.append({k: round(v, 6) if isinstance(v, float) else v for k, v in row.items()})
    print(json.dumps({"font": args.font, "size": args.size, "repeats": args.repeats, "lengths": rows}, indent=2))


if __name__ == "__main__":
    main()
