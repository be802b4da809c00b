"""Every metric of one video against its prompt: locate, track, judge.

The video may have any resolution, aspect, frame count and fps, and draw the prompt's symbols
anywhere, at any size, in any font and (unless the caption states them) any colours. The spec
says *what* must appear and *how it changes*; every metric finds the symbols in the video itself
(see :mod:`symbolset.bench.metrics`). The spec's own render (``native``) is used only for what the
spec implies that is not a pixel: its expected strings per frame, its motion profile and
acceleration, and the box of its figure (to carry a located figure onto the spec's canvas).
"""

from __future__ import annotations

import numpy as np

from ..render import render_clip
from ..spec import validate
from .match import DEFAULT_WEIGHTS, match
from .metrics import align, geometric, ocr, quality, seen, temporal

DEFAULT_OCR_FRAMES = 4
_MF_FRAMES = 8


def sample_indices(num_frames: int, k: int) -> list[int]:
    """``k`` frame indices spread evenly from the first to the last frame (all if fewer)."""
    if k >= num_frames:
        return list(range(num_frames))
    return [int(round(x)) for x in align.norm_times(k) * (num_frames - 1)]


class Scorer:
    """Scores videos against prompts; holds the options shared by every video of a run."""

    def __init__(self, *, ocr_frames: int = DEFAULT_OCR_FRAMES, use_ocr: bool = True, weights=DEFAULT_WEIGHTS, clip=None):
        """``ocr_frames``: frames sampled for OCR and the symbolic readers; ``clip``: a ClipScorer or None."""
        self.ocr_frames = max(1, int(ocr_frames))
        self.use_ocr = use_ocr
        self.weights = weights
        self.clip = clip

    def score(self, prompt: dict, video: np.ndarray, native=None) -> dict:
        """All sub-scores, Mf/Mc/Mt and Match of ``video`` (``(T, H, W, 3)`` uint8) for ``prompt``.

        ``native``: the spec's own render ``(frames, annotations)`` when already at hand."""
        spec = validate(prompt["spec"])
        spec_frames, annotations = native if native is not None else render_clip(spec)
        out: dict = {"frames": int(len(video)), "width": int(video.shape[2]), "height": int(video.shape[1])}
        mf_frames = [video[i] for i in sample_indices(len(video), _MF_FRAMES)]
        out.update(quality.frame_quality(mf_frames, spec["family"], real="stage" in spec))
        out["flicker"] = temporal.flicker_score(video, spec_frames)
        out["motion"] = temporal.motion_score(video, spec_frames)
        out["activity"] = temporal.activity(video, spec_frames)
        out["vbench_flicker"] = temporal.vbench_flicker(video)
        out["tracks"], out["track_accel"] = temporal.track_score(video, spec_frames)
        sampled = [video[i] for i in sample_indices(len(video), self.ocr_frames)]
        out.update(geometric.geometric_scores(spec, sampled, spec_frames, annotations))
        if self.use_ocr:
            states = [seen.expected_state(a) for a in annotations]
            out.update(ocr.text_scores(states, sampled, formula=spec["family"] in ocr.FORMULAS))
        if self.clip is not None:
            out["clipsim"] = self.clip.similarity(sampled, prompt.get("caption", {}).get("en", ""))
        out.update(match(out, self.weights))
        return out
