"""Every metric of one video against its prompt (see ``reference`` for the resampling rules)."""

from __future__ import annotations

import numpy as np

from ..render import render_clip
from ..spec import validate
from . import reference
from .match import DEFAULT_WEIGHTS, match
from .metrics import geometric, ocr, quality, temporal

DEFAULT_OCR_FRAMES = 4


class Scorer:
    """Scores videos against prompts; holds the options shared by every video of a run."""

    def __init__(self, *, ocr_frames: int = DEFAULT_OCR_FRAMES, use_ocr: bool = True, weights=DEFAULT_WEIGHTS, clip=None):
        """``ocr_frames``: frames sampled for OCR and geometry; ``clip``: a ClipScorer or None."""
        self.ocr_frames = max(1, int(ocr_frames))
        self.use_ocr = use_ocr
        self.weights = weights
        self.clip = clip

    def score(self, prompt: dict, video: np.ndarray, native=None) -> dict:
        """All sub-scores, Mf/Mc/Mt and Match of ``video`` (``(T, H, W, 3)`` uint8) for ``prompt``.

        ``native``: the spec's own render ``(frames, annotations)`` when already at hand."""
        spec = validate(prompt["spec"])
        fitted, ref, ref_ann, ref_spec = reference.aligned_reference(spec, video)
        out: dict = {"frames": int(len(video)), "width": int(video.shape[2]), "height": int(video.shape[1])}
        out.update(quality.frame_quality(fitted, ref, ref_ann))
        out["flicker"] = temporal.flicker_score(fitted, ref)
        out["motion"] = temporal.motion_score(fitted, ref)
        out["vbench_flicker"] = temporal.vbench_flicker(fitted)
        out["tracks"], out["track_accel_px"] = temporal.track_score(fitted, ref)

        native_frames, native_ann = native if native is not None else render_clip(spec)
        picks = reference.sample_indices(spec["num_frames"], self.ocr_frames)
        sampled = [video[reference.video_index(i, spec["num_frames"], len(video))] for i in picks]
        w, h = spec["width"], spec["height"]
        at_native = reference.fit_frames(np.stack(sampled), w, h)
        out.update(geometric.geometric_scores(spec, list(at_native), [native_frames[i] for i in picks], [native_ann[i] for i in picks]))
        if self.use_ocr:
            sx, sy = video.shape[2] / w, video.shape[1] / h
            out.update(ocr.ocr_scores(sampled, [ocr.expected_texts(native_ann[i], spec) for i in picks], sx, sy))
            reads, wanted = ocr.stability_reads(fitted, ref_spec, ref_ann)
            out["ocr_stability"] = temporal.ocr_stability(reads, wanted) if any(wanted) else None
        if self.clip is not None:
            out["clipsim"] = self.clip.similarity(sampled, prompt.get("caption", {}).get("en", ""))
        out.update(match(out, self.weights))
        return out
