"""Captions of the figure families are rendered from their claims alone (issue 19): ``captions(spec)``
equals ``words(claims(spec), end, rng)``, and a changed claim changes what the caption says."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from symbolset import claims as cl
from symbolset import families
from symbolset.record import caption_rng

FAMILIES = ("geometry", "plot", "chart", "formula", "clock")


def _spec(name: str, seed: int) -> dict:
    return families.get(name).sample(np.random.default_rng(seed), {"width": 256, "height": 256, "num_frames": 16, "fps": 8.0})


@pytest.mark.parametrize("name", FAMILIES)
def test_captions_are_the_words_of_the_claims(name):
    fam = families.get(name)
    for seed in range(6):
        spec = _spec(name, seed)
        claims = fam.claims(spec)
        expected = fam.captions(spec, caption_rng(seed))
        spec["meta"] = {}  # the words may not look at the spec
        assert fam.words(claims, cl.clip_end(spec), caption_rng(seed)) == expected


@pytest.mark.parametrize("name", FAMILIES)
def test_a_changed_colour_claim_changes_the_caption(name):
    fam = families.get(name)
    spec = _spec(name, 1)
    claims = fam.claims(spec)
    background = next(c for c in claims if c["kind"] == "colour" and c["subject"] == "background")
    other = "navy" if background["name"] != "navy" else "cream"
    changed = copy.deepcopy(claims)
    next(c for c in changed if c["kind"] == "colour" and c["subject"] == "background")["name"] = other
    before = fam.words(claims, cl.clip_end(spec), caption_rng(1))
    after = fam.words(changed, cl.clip_end(spec), caption_rng(1))
    assert before != after
    assert "藏青色" in after["zh"]["detailed"] or "米色" in after["zh"]["detailed"]


@pytest.mark.parametrize("name", FAMILIES)
def test_every_colour_the_captions_name_is_claimed(name):
    """No palette colour word in an English caption that no colour claim states (colours came from meta before)."""
    from symbolset.captions import PALETTE

    fam = families.get(name)
    for seed in range(6):
        spec = _spec(name, seed)
        claimed = {c["name"] for c in fam.claims(spec) if c["kind"] == "colour"}
        caps = fam.captions(spec, caption_rng(seed))
        text = " ".join(caps["en"].values()).lower()
        for colour in PALETTE:
            words = text.replace("dark gray", "#").replace("light gray", "#") if colour == "gray" else text
            if f" {colour} " in f" {words} ".replace(",", " ").replace(".", " ").replace("(", " ").replace(")", " "):
                assert colour in claimed, (seed, colour, caps["en"])
