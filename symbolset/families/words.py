"""Words, phrases and numbers the text families draw from (every one is covered by the fonts chosen for it)."""

from __future__ import annotations

import numpy as np

from .. import captions as cap
from ..draw import pick

LATIN_WORDS = ["EXIT", "OPEN", "STOP", "PUSH", "PULL", "SALE", "HOTEL", "CAFE", "Hello", "Welcome", "Start", "Pause",
               "Symbol", "Video", "Metro", "Garden", "Library", "Station", "Bakery", "Pharmacy", "Quartz", "Zebra"]  # fmt: skip

LATIN_PHRASES = ["No Entry", "Push to Start", "Mind the Gap", "Fire Exit", "Hello World", "Keep Right",
                 "Platform 3", "Gate B12", "Open 24 Hours", "Wet Floor", "Quiet Please", "Level 2"]  # fmt: skip

HAN_WORDS = ["出口", "入口", "欢迎光临", "小心地滑", "安全出口", "禁止吸烟", "请勿触摸", "营业中", "停车场", "图书馆",
             "地铁站", "医院", "超市", "电梯", "紧急出口", "注意安全", "前方施工", "谢谢惠顾"]  # fmt: skip

DIGIT_STRINGS = ["2026", "12:45", "3.14159", "110", "8848", "2026-11-23", "+86 10 1234", "42", "007", "1024", "99.9%"]

MIXED_STRINGS = ["Gate 12 登机口", "B2 停车场", "出口 EXIT", "3号线 Line 3", "WiFi 密码 8888", "营业时间 9:00-21:00", "电梯 Lift 2F"]


def sample_text(rng: np.random.Generator, scripts=("latin", "phrase", "han", "digits", "mixed")) -> tuple[str, str]:
    """A string to show and its script label (``latin``, ``han``, ``digits`` or ``mixed``)."""
    kind = pick(rng, scripts)
    pool = {"latin": LATIN_WORDS, "phrase": LATIN_PHRASES, "han": HAN_WORDS, "digits": DIGIT_STRINGS, "mixed": MIXED_STRINGS}[kind]
    text = pick(rng, pool)
    return text, cap.script_of(text)
