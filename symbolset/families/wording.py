"""Small helpers for captions and difficulty labels shared by several families."""

from __future__ import annotations

import numpy as np

from .. import captions as cap


def article(noun: str) -> str:
    """``noun`` with its English indefinite article ("an oven timer", "a clock")."""
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def text_difficulty(annotations: list[dict], text: str) -> dict:
    """Difficulty labels of a text: its length, script and median glyph height (px) over the clip."""
    heights = [b[3] - b[1] for a in annotations for tx in a["texts"] for b in tx["char_boxes"]]
    return {
        "text_length": len(text),
        "script": cap.script_of(text),
        "glyph_height_px": float(np.median(heights)) if heights else 0.0,
    }
