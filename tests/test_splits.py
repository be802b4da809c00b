"""The split rule: a family's first clip is train, then test, then validation (8/1/1 of every ten),
so any run has a train split (README's snippet reads ds["train"]) and the README states the rule."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from symbolset.build import plan, split_of
from symbolset.config import load_config
from symbolset.families import FAMILY_NAMES


@pytest.mark.parametrize(("per_family", "splits"), [(1, {"train"}), (2, {"train", "test"}), (3, {"train", "test", "validation"})])
def test_small_runs_always_have_train(per_family, splits):
    tasks = plan(load_config("default", num=per_family * len(FAMILY_NAMES)))
    assert {t["split"] for t in tasks} == splits
    for fam in FAMILY_NAMES:
        assert {t["split"] for t in tasks if t["family"] == fam} == splits


def test_every_ten_clips_are_eight_one_one():
    assert Counter(split_of(k) for k in range(1000)) == {"train": 800, "test": 100, "validation": 100}
    assert [split_of(k) for k in range(3)] == ["train", "test", "validation"]


def test_readme_states_the_rule():
    text = " ".join((Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8").split())
    assert "1 mod 10: test, 2 mod 10: validation, the rest train" in text
