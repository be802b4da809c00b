"""``symbolset validate --captions``: run the claim verifiers over a whole dataset folder.

For each record the family's claims are derived again from the stored spec and rendered into
captions with the record's seed. When they equal the stored captions, every claim is measured on
the stored video (decoded) and its annotations; a claim the pixels do not bear out is a violation.
A caption that differs from that rendering (a person edited it in review) has no claims that can
be read back from free text: it is counted as *unverifiable*, never as a violation.

A real-style clip (a spec with a ``stage``) states its family's claims about the flat card (the
stage sentence says that positions, sizes and distances are the card's), so they are measured on the
card rendered again from the spec, exactly as when the captions were written; the stored video must
then be that card seen through the recorded camera: every decoded frame within ``MIN_PSNR`` of the
spec's own rendering (H.264 at the dataset's settings keeps 37-46 dB; a frozen or swapped clip falls
to 12-23 dB). ``tests/test_stage.py`` checks that every character's ink lies in its quad under every
camera.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from .. import codec, families, layout, stage
from ..errors import SymbolSetError
from ..record import caption_rng, parse_annotations
from ..render import render_clip, reuse
from ..spec import from_json
from .verify import verify_claims

MIN_PSNR = 30.0  # dB, per frame, stored real-style video against its spec's rendering
_COLUMNS = ["id", "family", "seed", "spec", "video", "captions", "caption_source", "annotations"]


def check_record(row: dict) -> tuple[str, str, list[str]]:
    """(family, status, problems) of one record; status is ``ok``, ``violation`` or ``unverifiable``."""
    where = f"record {row['id']}"
    try:
        spec = from_json(row["spec"], f"{where}: spec")
        fam = families.get(spec["family"])
    except SymbolSetError as exc:
        return row["family"], "violation", [str(exc)]
    if not callable(getattr(fam, "claims", None)):
        return spec["family"], "unverifiable", [f"{where}: family {spec['family']} states no typed claims (a scene template)"]
    card, annotations = stage.card(spec), parse_annotations(row)
    if "parts" in spec:  # a composite scene: each part's claims are stated on, and measured on, its own panel
        status, problems = fam.check_claims(spec, row["seed"], row["captions"], annotations)
        return spec["family"], status, [f"{where}: {p}" for p in problems]
    if stage.add_captions(spec, fam.captions(card, caption_rng(row["seed"])), annotations) != row["captions"]:
        return (
            spec["family"],
            "unverifiable",
            [f"{where}: caption ({row['caption_source']}) differs from its claims' rendering; its claims cannot be read back"],
        )
    try:
        frames = codec.decode(row["video"]["bytes"], where)
    except codec.VideoError as exc:
        return spec["family"], "violation", [str(exc)]
    with reuse():  # the card drawn on the way to the real frames is the one the claims measure
        if card is not spec:
            worst = _worst_psnr(frames, render_clip(spec)[0])
            if worst < MIN_PSNR:
                return spec["family"], "violation", [f"{where}: the video is not its spec seen through its camera (a frame is {worst:.1f} dB from the spec's rendering)"]
            frames, annotations = render_clip(card)
        problems = verify_claims(card, frames, annotations, fam.claims(card))
    return spec["family"], ("violation" if problems else "ok"), [f"{where}: {p}" for p in problems]


def _worst_psnr(frames: np.ndarray, rendered: np.ndarray) -> float:
    """The lowest per-frame PSNR (dB) of ``frames`` against ``rendered``; 0 when their shapes differ."""
    if frames.shape != rendered.shape:
        return 0.0
    mse = ((frames.astype(np.float32) - rendered.astype(np.float32)) ** 2).reshape(len(frames), -1).mean(axis=1)
    return float(10 * np.log10(255.0**2 / max(float(mse.max()), 1e-6)))


def check_captions(root: str | Path, *, workers: int = 1) -> dict:
    """Check every record of a dataset folder. Returns ``{"families": {name: Counter(ok, violation,
    unverifiable)}, "problems": [line, ...]}``."""
    layout.load_manifest(root)  # a clear error for a folder that is not a dataset
    rows = layout.iter_rows(root, columns=_COLUMNS)
    counts: dict[str, Counter] = {}
    problems: list[str] = []
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            results = list(pool.map(check_record, rows, chunksize=4))
    else:
        results = map(check_record, rows)
    for family, status, lines in results:
        counts.setdefault(family, Counter())[status] += 1
        problems += lines
    return {"families": counts, "problems": problems}


def report_lines(result: dict) -> list[str]:
    """One summary line per family, then a total."""
    lines, total = [], Counter()
    for name in sorted(result["families"]):
        c = result["families"][name]
        total.update(c)
        lines.append(f"{name}: {sum(c.values())} clips, {c['violation']} with violations, {c['unverifiable']} unverifiable")
    lines.append(f"total: {sum(total.values())} clips, {total['violation']} with violations, {total['unverifiable']} unverifiable")
    return lines
