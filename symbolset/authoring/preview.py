"""Render a few samples of a scene template, check them on their pixels, and show them."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .. import codec
from ..errors import SymbolSetError
from ..families import scene
from ..layout import write_bytes_atomic
from ..record import caption_rng, sample_seed, sample_spec
from ..render import render_clip


def preview_samples(template: dict, *, num: int = 3, seed: int = 0, width: int = 256, height: int = 256,
                    num_frames: int = 16, fps: float = 8.0) -> list[dict]:
    """``num`` samples of ``template``: each ``{id, spec, frames, captions, problems}``."""
    family = scene.register(template)
    params = {"width": width, "height": height, "num_frames": num_frames, "fps": fps, "options": {}, "template": template}
    out = []
    for k in range(num):
        s = sample_seed(seed, family.NAME, k)
        spec = sample_spec(family.NAME, s, params)
        frames, annotations = render_clip(spec)
        out.append({"id": f"{family.NAME}-{seed}-{k:06d}", "spec": spec, "frames": frames,
                    "captions": family.captions(spec, caption_rng(s)), "problems": family.verify(spec, frames, annotations)})  # fmt: skip
    return out


def contact_sheet(samples: list[dict], columns: int = 4) -> np.ndarray:
    """One image: a row per sample, ``columns`` frames spread over its clip."""
    rows = []
    for s in samples:
        frames = s["frames"]
        picks = np.linspace(0, len(frames) - 1, columns).round().astype(int)
        rows.append(np.concatenate([frames[i] for i in picks], axis=1))
    return np.concatenate(rows, axis=0)


def write_preview(samples: list[dict], out: str | Path) -> Path:
    """``out``: a PNG contact sheet, or (``.mp4``/``.mkv``) the samples' clips one after another."""
    import io

    from PIL import Image

    out = Path(out)
    suffix = out.suffix.lower().lstrip(".")
    if suffix == "png":
        buf = io.BytesIO()
        Image.fromarray(contact_sheet(samples)).save(buf, format="PNG", optimize=True)
        write_bytes_atomic(out, buf.getvalue())
    elif suffix in codec.DEFAULT_FOR_EXTENSION:
        frames = np.concatenate([s["frames"] for s in samples])
        write_bytes_atomic(out, codec.encode(frames, samples[0]["spec"]["fps"], codec.DEFAULT_FOR_EXTENSION[suffix]))
    else:
        raise SymbolSetError(f"{out}: expected a .png, .mp4 or .mkv file")
    return out
