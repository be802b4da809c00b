"""``scratch``: a small text-conditioned video generator trained from scratch in pixel space (CPU scale).

Caption -> UTF-8 bytes -> embeddings -> two 1-D convolutions -> mean and max pooling -> a text
code; per frame the code plus a frame embedding -> 4x4 seed -> four transposed convolutions ->
``frames x 3 x size x size`` in [-1, 1]. Trained on pixel MSE, it learns the mean clip of a caption
(layout, colours, the family's geometry), blurred where captions leave things open. It is not a
diffusion model; it exists so the whole ablation path (train -> sample -> SymbolBench -> table)
runs, and says something, on two CPU cores. Same recipe interface as :mod:`.recipes`.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..errors import SymbolSetError

MAX_BYTES = 256


def tokenize(captions: list[str]) -> torch.Tensor:
    """UTF-8 bytes, padded with 256 to ``MAX_BYTES``."""
    out = torch.full((len(captions), MAX_BYTES), 256, dtype=torch.long)
    for i, c in enumerate(captions):
        data = list(c.encode("utf-8")[:MAX_BYTES])
        out[i, : len(data)] = torch.tensor(data, dtype=torch.long)
    return out


class ScratchVideoModel(nn.Module):
    """Caption bytes -> ``(B, frames, 3, size, size)`` in [-1, 1]; ``size`` a power of two >= 16."""

    def __init__(self, frames: int = 8, size: int = 64, dim: int = 96):
        super().__init__()
        ups = int(np.log2(size // 4))
        if 4 * 2**ups != size:
            raise SymbolSetError(f"scratch: size must be a power of two >= 8, got {size}")
        self.frames, self.size = frames, size
        self.embed = nn.Embedding(257, dim, padding_idx=256)
        self.conv = nn.Sequential(nn.Conv1d(dim, dim, 5, padding=2), nn.GELU(), nn.Conv1d(dim, dim, 5, padding=2), nn.GELU())
        self.text = nn.Sequential(nn.Linear(2 * dim, 256), nn.GELU())
        self.time = nn.Embedding(frames, 256)
        self.seed = nn.Linear(256, 128 * 16)
        chans = [128, 64, 32, 16, 16, 16, 16][: ups + 1]
        layers: list[nn.Module] = []
        for a, b in zip(chans, chans[1:]):
            layers += [nn.ConvTranspose2d(a, b, 4, stride=2, padding=1), nn.GELU()]
        self.up = nn.Sequential(*layers, nn.Conv2d(chans[-1], 3, 3, padding=1))

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        mask = (tokens != 256).unsqueeze(1).float()  # B 1 L
        h = self.conv(self.embed(tokens).transpose(1, 2)) * mask
        mean = h.sum(2) / mask.sum(2).clamp(min=1)
        peak = h.masked_fill(mask == 0, -1e4).amax(2)
        code = self.text(torch.cat([mean, peak], 1))
        per_frame = code.unsqueeze(1) + self.time.weight.unsqueeze(0)  # B T 256
        b = tokens.shape[0]
        x = self.seed(per_frame.reshape(b * self.frames, -1)).reshape(b * self.frames, 128, 4, 4)
        return torch.tanh(self.up(x)).reshape(b, self.frames, 3, self.size, self.size)


class ScratchRecipe:
    """Full training of :class:`ScratchVideoModel`; ``save`` writes ``model.safetensors`` + ``config.json``."""

    def __init__(self, cfg):
        self.cfg = cfg
        d = cfg.data
        if d.height != d.width:
            raise SymbolSetError(f"{cfg.source}: data.height/width: scratch makes square clips, got {d.height}x{d.width}")

    def _model(self) -> ScratchVideoModel:
        return ScratchVideoModel(frames=self.cfg.data.frames, size=self.cfg.data.height)

    def load(self, device, dtype) -> nn.Module:
        self.device = device
        torch.manual_seed(self.cfg.train.seed)
        return self._model().to(device)

    def add_lora(self, net) -> None:
        net.requires_grad_(True)  # trained in full: there is no pretrained model to adapt

    def loss(self, net, batch, gen: torch.Generator) -> torch.Tensor:
        return F.mse_loss(net(tokenize(batch["caption"]).to(self.device)), batch["video"].to(self.device))

    def save(self, net, out: Path) -> None:
        from safetensors.torch import save_file

        out.mkdir(parents=True, exist_ok=True)
        save_file({k: v.detach().cpu().contiguous() for k, v in net.state_dict().items()}, str(out / "model.safetensors"))
        (out / "config.json").write_text(json.dumps({"frames": net.frames, "size": net.size}))

    def sampling_pipeline(self, lora: Path | None, device, dtype):
        from safetensors.torch import load_file

        net = self._model()
        if lora is None:
            raise SymbolSetError("scratch: there is no base model to sample without training (give a trained run)")
        net.load_state_dict(load_file(str(Path(lora) / "model.safetensors")))
        return net.to(device).eval()

    def sample(self, pipe, prompt: str, gen, seed: int, device) -> np.ndarray:
        with torch.no_grad():
            out = pipe(tokenize([prompt]).to(device))[0]  # T 3 H W in [-1, 1]; deterministic (seed unused)
        return np.clip(np.rint((out.permute(0, 2, 3, 1).cpu().numpy() + 1) * 127.5), 0, 255).astype(np.uint8)
