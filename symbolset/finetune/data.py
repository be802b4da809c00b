"""SymbolSet clips as fine-tuning samples: frames fitted to the model's size, captions by a policy.

Frames come from :class:`symbolset.torch.SymbolVideoDataset` (``num_frames`` at ``stride`` or
resampled to ``fps``, a random start per sample and epoch). A one-frame request (image models)
takes the clip's *last* frame, the final state that short and detailed captions describe (a typed
word is complete, a hand has reached its time).

**Fit** to the model's ``height x width`` when the aspect ratios differ:

- ``pad`` (default): scale the whole frame to fit inside, then extend its border pixels outwards
  (OpenCV ``BORDER_REPLICATE``) to fill. Every symbol stays in the picture and keeps its shape,
  so every caption stays true of the pixels.
- ``crop``: scale to cover, cut the centre. Symbols near the edges may be cut off (a caption may
  then name text that is not visible): only for datasets generated at the model's aspect ratio.
- ``stretch``: scale each axis separately. Circles become ellipses: not recommended.

Best of all, generate the dataset at the model's size (``symbolset generate --size 720x480``),
since every clip is re-rendered from its spec; then no fitting happens.

**Caption policy**: a mapping ``"lang.granularity" -> weight`` (``*`` allowed: ``"en.*": 1``);
each sample and epoch draws one caption with these weights, from its own random stream
(``sample_rng(seed, epoch, id + "#caption")``), so the choice is reproducible whatever the workers.
A plain string (``"en.detailed"``) means that caption only. Ablations change the policy:
``{"en.short": 1, "en.detailed": 1}`` leaves out temporal captions, ``{"en.*": 1}`` Chinese.
"""

from __future__ import annotations

import numpy as np
import torch
from torch.utils.data import Dataset

from .. import sources
from ..errors import SymbolSetError


def caption_weights(policy) -> dict[str, float]:
    """The caption policy expanded to ``{"lang.granularity": weight}`` (weights sum to 1)."""
    if policy is None:
        raise SymbolSetError("no caption policy given")
    if isinstance(policy, str):
        policy = {policy: 1.0}
    if not isinstance(policy, dict) or not policy:
        raise SymbolSetError(f"expected 'lang.granularity' or a mapping of them to weights, got {policy!r}")
    out: dict[str, float] = {}
    for key, weight in policy.items():
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight < 0:
            raise SymbolSetError(f"{key}: expected a weight >= 0, got {weight!r}")
        langs, grans, _ = sources.caption_choices(str(key))
        for lang in langs:
            for gran in grans:
                out[f"{lang}.{gran}"] = out.get(f"{lang}.{gran}", 0.0) + float(weight) / (len(langs) * len(grans))
    out = {k: w for k, w in out.items() if w > 0}
    total = sum(out.values())
    if not total:
        raise SymbolSetError(f"every weight is 0 in {policy!r}")
    return {k: w / total for k, w in sorted(out.items())}


def pick_caption(captions: dict, weights: dict[str, float], seed: int, epoch: int, sample_id: str) -> tuple[str, str]:
    """``(caption, key)`` drawn by the policy for this sample and epoch."""
    keys = list(weights)
    rng = sources.sample_rng(seed, epoch, sample_id + "#caption")
    key = keys[int(rng.choice(len(keys), p=np.asarray([weights[k] for k in keys])))] if len(keys) > 1 else keys[0]
    lang, gran = key.split(".")
    return captions[lang][gran], key


def fit_frames(frames: np.ndarray, height: int, width: int, mode: str = "pad") -> np.ndarray:
    """``(T, H, W, 3)`` uint8 frames fitted to ``height x width`` by ``pad``, ``crop`` or ``stretch``."""
    import cv2

    t, h, w, _ = frames.shape
    if (h, w) == (height, width):
        return frames
    if mode == "stretch":
        sh, sw = height, width
    else:
        scale = (min if mode == "pad" else max)(height / h, width / w)
        sh, sw = max(1, round(h * scale)), max(1, round(w * scale))
    interp = cv2.INTER_AREA if sh <= h and sw <= w else cv2.INTER_LINEAR
    out = []
    for f in frames:
        f = cv2.resize(f, (sw, sh), interpolation=interp)
        if mode == "pad":
            top, left = (height - sh) // 2, (width - sw) // 2
            f = cv2.copyMakeBorder(f, top, height - sh - top, left, width - sw - left, cv2.BORDER_REPLICATE)
        elif mode == "crop":
            top, left = (sh - height) // 2, (sw - width) // 2
            f = f[top : top + height, left : left + width]
        out.append(f)
    return np.ascontiguousarray(np.stack(out))


class FinetuneDataset(Dataset):
    """Training samples of a :class:`~symbolset.finetune.config.DataConfig`.

    Each item: ``video`` float32 ``(T, 3, H, W)`` in [-1, 1], ``caption``, ``caption_key``, ``id``,
    ``family``. Call :meth:`set_epoch` before each epoch (fresh clip starts and captions).
    """

    def __init__(self, data, seed: int = 0):
        from ..torch import SymbolVideoDataset

        self.cfg, self.seed = data, seed
        self.weights = caption_weights(data.captions)
        still = data.frames == 1
        self.videos = SymbolVideoDataset(data.source, data.split, num_frames=data.frames, stride=1 if data.fps else data.stride, fps=data.fps,
                                         clip_start=1 << 30 if still else "random", layout="THWC", dtype="uint8", caption="en.short",
                                         families=data.families, difficulty=data.difficulty, seed=seed)  # fmt: skip
        if not len(self.videos):
            raise SymbolSetError(f"{data.source}: no {data.split!r} samples match families={data.families} difficulty={data.difficulty}")
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        """Select the epoch (clip starts and captions are drawn per sample and epoch)."""
        self.epoch = int(epoch)
        self.videos.set_epoch(epoch)

    def __len__(self) -> int:
        return len(self.videos)

    def __getitem__(self, i: int) -> dict:
        s = self.videos[i]
        captions = self.videos.reader.read(i % len(self.videos))["captions"]
        caption, key = pick_caption(captions, self.weights, self.seed, self.epoch, s["id"])
        frames = fit_frames(s["video"].numpy(), self.cfg.height, self.cfg.width, self.cfg.fit)
        video = torch.from_numpy(frames).permute(0, 3, 1, 2).float().div_(127.5).sub_(1.0)
        return {"video": video, "caption": caption, "caption_key": key, "id": s["id"], "family": s["family"]}


def collate(items: list[dict]) -> dict:
    """Stack videos; other fields as lists."""
    return {
        "video": torch.stack([it["video"] for it in items]),
        **{k: [it[k] for it in items] for k in ("caption", "caption_key", "id", "family")},
    }
