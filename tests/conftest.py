"""Shared fixtures: the checked-in tiny split, and small generated datasets."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def tiny_dir() -> Path:
    """The checked-in tiny split (Hub layout). Treat it as read-only."""
    return REPO / "tiny"


@pytest.fixture(scope="session")
def small_dataset(tmp_path_factory) -> Path:
    """A freshly generated small dataset (every family, 64x64, 8 frames) in a temporary folder."""
    from symbolset.build import generate
    from symbolset.config import load_config

    out = tmp_path_factory.mktemp("small") / "ds"
    cfg = load_config("tiny", name="small", width=64, height=64, num_frames=8, shard_size=4)
    generate(cfg, out, progress=False)
    return out
