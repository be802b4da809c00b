"""Train a tiny text-conditioned video model on the tiny split, on CPU, through SymbolVideoDataset.

The model reads a caption (UTF-8 bytes -> embeddings -> mean pool -> MLP) and draws a short clip
(4 frames at 32x32): a per-frame code from the text and a frame embedding, upsampled by transposed
convolutions. About 280k parameters; the loss (pixel MSE) falls within a few hundred steps.

    python examples/train_tiny.py --steps 300            # ~1 minute on two cores
    python examples/train_tiny.py --steps 30 --log-every 5

Data: ``SymbolVideoDataset`` + ``DataLoader(num_workers=2)``; one DataLoader pass over a seeded
random sampler, so workers start once. Prints ``step N loss X`` lines and a final JSON summary.
"""

from __future__ import annotations

import argparse
import json
import time

import torch
from torch import nn
from torch.utils.data import DataLoader, RandomSampler

from symbolset.finetune.scratch import tokenize  # the byte tokenizer the CPU ablation model uses
from symbolset.torch import SymbolVideoDataset, collate

FRAMES, SIZE = 4, 32


class TextToVideo(nn.Module):
    """Caption bytes -> (B, T, 3, SIZE, SIZE) frames in [0, 1]."""

    def __init__(self, dim: int = 64, frames: int = FRAMES):
        super().__init__()
        self.frames = frames
        self.bytes = nn.Embedding(257, dim, padding_idx=256)
        self.text = nn.Sequential(nn.Linear(dim, 128), nn.GELU(), nn.Linear(128, 128), nn.GELU())
        self.time = nn.Embedding(frames, 128)
        self.seed = nn.Linear(128, 64 * 4 * 4)
        self.up = nn.Sequential(
            nn.ConvTranspose2d(64, 64, 4, stride=2, padding=1), nn.GELU(),  # 8x8
            nn.ConvTranspose2d(64, 32, 4, stride=2, padding=1), nn.GELU(),  # 16x16
            nn.ConvTranspose2d(32, 16, 4, stride=2, padding=1), nn.GELU(),  # 32x32
            nn.Conv2d(16, 3, 3, padding=1),
        )  # fmt: skip

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        mask = (tokens != 256).unsqueeze(-1).float()
        text = (self.bytes(tokens) * mask).sum(1) / mask.sum(1).clamp(min=1)
        cond = self.text(text)  # B x 128
        per_frame = cond.unsqueeze(1) + self.time.weight.unsqueeze(0)  # B x T x 128
        b = tokens.shape[0]
        x = self.seed(per_frame.reshape(b * self.frames, -1)).reshape(b * self.frames, 64, 4, 4)
        return torch.sigmoid(self.up(x)).reshape(b, self.frames, 3, SIZE, SIZE)


def train(source: str = "tiny", steps: int = 300, batch_size: int = 8, num_workers: int = 2, lr: float = 3e-3, seed: int = 0, log_every: int = 25) -> dict:
    """Train; returns ``{"losses": [...], "params": N, "seconds": S}``."""
    torch.manual_seed(seed)
    data = SymbolVideoDataset(source, "train", num_frames=FRAMES, stride=3, clip_start="random", resize=SIZE, crop=SIZE,
                              dtype="float32", caption="en.short", seed=seed)  # fmt: skip
    sampler = RandomSampler(data, replacement=True, num_samples=steps * batch_size, generator=torch.Generator().manual_seed(seed))
    loader = DataLoader(data, batch_size=batch_size, sampler=sampler, num_workers=num_workers, collate_fn=collate)
    model = TextToVideo()
    params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.AdamW(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=steps)
    losses, start = [], time.time()
    for step, batch in enumerate(loader, 1):
        pred = model(tokenize(batch["caption"]))
        loss = nn.functional.mse_loss(pred, batch["video"])
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        losses.append(loss.item())
        if step % log_every == 0 or step == 1:
            print(f"step {step} loss {loss.item():.5f}", flush=True)
    return {"losses": losses, "params": params, "seconds": time.time() - start}


def main(argv=None) -> None:
    """Command line: train and print the losses and a JSON summary."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", default="tiny", help="dataset folder, 'tiny' or a Hub repo id")
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--log-every", type=int, default=25)
    args = ap.parse_args(argv)
    out = train(args.source, args.steps, args.batch_size, args.workers, args.lr, args.seed, args.log_every)
    k = max(1, min(10, len(out["losses"]) // 4))
    first, last = sum(out["losses"][:k]) / k, sum(out["losses"][-k:]) / k
    print(json.dumps({"params": out["params"], "steps": len(out["losses"]), "first_loss": first, "final_loss": last, "seconds": round(out["seconds"], 1)}))


if __name__ == "__main__":
    main()
