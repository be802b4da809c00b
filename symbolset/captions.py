"""Shared vocabulary for captions: colours, positions, times and seeded phrasing, in English and Chinese.

Each family writes its own sentences (``family.captions(spec, rng)``) from its typed claims
(``family.claims(spec)``, see :mod:`symbolset.claims`, which also holds the one rule for words of
place) with these helpers, so every caption states only what the rendered clip shows. ``rng`` picks among phrasings
(several per template) and is derived from the sample's seed, so captions vary across samples
yet are reproducible.
"""

from __future__ import annotations

import re

import numpy as np

from .draw import pick

LANGUAGES = ("en", "zh")
GRANULARITIES = ("short", "detailed", "temporal")

# The palette every family draws from, so that each colour has an exact name in both languages.
PALETTE = {
    "black": ([20, 20, 20], "黑色"),
    "white": ([250, 250, 250], "白色"),
    "red": ([210, 30, 30], "红色"),
    "green": ([20, 150, 60], "绿色"),
    "blue": ([30, 70, 200], "蓝色"),
    "yellow": ([245, 200, 20], "黄色"),
    "orange": ([240, 120, 20], "橙色"),
    "purple": ([120, 50, 160], "紫色"),
    "gray": ([128, 128, 128], "灰色"),
    "dark gray": ([60, 60, 60], "深灰色"),
    "light gray": ([220, 220, 220], "浅灰色"),
    "navy": ([20, 30, 80], "藏青色"),
    "cream": ([250, 245, 230], "米色"),
}


def rgb(name: str) -> list[int]:
    """RGB triple of a palette colour."""
    return list(PALETTE[name][0])


def color_name(value: list[int], lang: str = "en") -> str:
    """Name of a palette colour (exact match), in ``lang``."""
    for name, (c, zh) in PALETTE.items():
        if list(c) == list(value):
            return name if lang == "en" else zh
    raise KeyError(f"colour {value} is not in the palette")


def contrasting(rng: np.random.Generator, background: str, names=None) -> str:
    """A palette colour name that reads well on ``background`` (luma difference >= 90)."""

    def luma(c):
        return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]

    bg = luma(PALETTE[background][0])
    options = [n for n in (names or PALETTE) if abs(luma(PALETTE[n][0]) - bg) >= 90]
    return pick(rng, options)


def seconds(t: float) -> str:
    """A time in seconds, exact to the millisecond, with as many decimals as it needs
    (``"0.0"``, ``"1.2"``, ``"0.25"``, ``"1.125"``); callers add the unit."""
    text = f"{t:.3f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def quote(text: str, lang: str = "en") -> str:
    """Exact text, quoted: 'EXIT' in English, “EXIT” in Chinese."""
    return f"'{text}'" if lang == "en" else f"“{text}”"


def choose(rng: np.random.Generator, options: list[str]) -> str:
    """One phrasing among several, picked by ``rng``."""
    return pick(rng, options)


def script_of(text: str) -> str:
    """``latin``, ``han``, ``digits``, ``mixed`` (Han with Latin or digits) or ``none``."""
    han = any("\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf" for c in text)
    latin = any(c.isascii() and c.isalpha() for c in text)
    digits = any(c.isdigit() for c in text)
    if han:
        return "mixed" if (latin or digits) else "han"
    if latin:
        return "latin"
    return "digits" if digits else "none"


_SINGLE_FRAME = re.compile(r"A single frame at \d+(?:\.\d+)? s(?:: | showing )|只有\d+(?:\.\d+)?秒处的一帧(?:：|，显示|，)")


def single_frame(at: str, en: str, zh: str) -> tuple[str, str]:
    """The temporal sentences of a one-frame clip: "A single frame at {at} s" / "只有{at}秒处的一帧",
    then ``en`` / ``zh``, what the frame shows from their own punctuation on (``": the clock reads
    9:45."`` or ``" showing the finished chart."``; ``"：时钟显示9:45。"`` or ``"，显示完成的图表。"``)."""
    return f"A single frame at {at} s{en}", f"只有{at}秒处的一帧{zh}"


def without_single_frame(text: str) -> str:
    """``text`` without the opening :func:`single_frame` gives it (a scene of several parts says it
    once for all of them): what the frame shows, from its first word."""
    m = _SINGLE_FRAME.match(text)
    return text[m.end() :] if m else text


def assemble(en: dict, zh: dict) -> dict:
    """Check that both languages have all three granularities and return ``{"en": .., "zh": ..}``."""
    out = {"en": en, "zh": zh}
    for lang in LANGUAGES:
        for g in GRANULARITIES:
            if not isinstance(out[lang].get(g), str) or not out[lang][g]:
                raise ValueError(f"caption {lang}.{g} is missing")
    return out
