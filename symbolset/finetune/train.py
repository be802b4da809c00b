"""The training loop of ``symbolset finetune``: accelerate (mixed precision, multi-GPU, gradient
accumulation), LoRA through peft, checkpoints that hold only the trained weights, exact resume.

Run folder (``output``)::

    config.yaml                  the config this run was started with (a different one is refused)
    log.jsonl                    {"step", "loss", "lr"} per optimiser step
    checkpoints/step-00000250/   trainable.safetensors, state.pt (optimiser, LR schedule, step,
                                 epoch, batches into the epoch), rng-<rank>.pt (the noise generator of each process)
    final/                       the LoRA in diffusers' format (or the scratch model) + done.json

A checkpoint is written into ``step-N.tmp`` and renamed when complete, so an interrupted write is
never taken for a checkpoint. Starting the same config again resumes from the newest checkpoint:
the data order (a permutation per epoch seeded by ``train.seed``), the samples (clip starts and
captions drawn per seed, epoch and id) and the noise (a generator per process, restored) continue exactly, so
a resumed run ends with the same weights as an uninterrupted one. Launch on several GPUs with
``accelerate launch -m symbolset.cli finetune CONFIG``; resume with the same number of processes
(the position in the epoch is counted in batches per process).
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import torch
import yaml
from torch.utils.data import DataLoader, Sampler

from ..errors import SymbolSetError
from ..layout import write_bytes_atomic
from .data import FinetuneDataset, collate
from .recipes import get_recipe

DTYPES = {"no": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}


class EpochPermutation(Sampler):
    """A fresh permutation of the dataset each epoch, seeded by ``(seed, epoch)``."""

    def __init__(self, n: int, seed: int):
        self.n, self.seed, self.epoch = n, seed, 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = int(epoch)

    def __len__(self) -> int:
        return self.n

    def __iter__(self):
        g = torch.Generator().manual_seed(self.seed * 1_000_003 + self.epoch)
        return iter(torch.randperm(self.n, generator=g).tolist())


def _check_folder(cfg, overwrite: bool) -> Path:
    """The run folder; refuses (writing nothing) one that holds another run or something else."""
    out = Path(cfg.output)
    saved = out / "config.yaml"
    if out.exists() and any(out.iterdir()) and not overwrite:
        if not saved.is_file():
            raise SymbolSetError(f"{out}: exists and is not a finetune run folder; pass --overwrite to replace it")
        before = yaml.safe_load(saved.read_text(encoding="utf-8"))
        now = cfg.to_dict()
        if {k: v for k, v in before.items() if k != "generate"} != {k: v for k, v in now.items() if k != "generate"}:
            diff = sorted(f"{s}.{k}" for s in now if s != "generate" and isinstance(now[s], dict)
                          for k in now[s] if (before.get(s) or {}).get(k) != now[s][k])  # fmt: skip
            raise SymbolSetError(
                f"{out}: was started with another config (differs in {', '.join(diff) or 'output'}); pass --overwrite to start afresh"
            )
    return out


def latest_checkpoint(out: Path) -> Path | None:
    """The newest complete checkpoint folder of a run, or None."""
    done = sorted(p for p in (out / "checkpoints").glob("step-*") if p.is_dir() and not p.name.endswith(".tmp"))
    return done[-1] if done else None


def _trainable(net) -> dict:
    return {n: p.detach().cpu().contiguous() for n, p in net.named_parameters() if p.requires_grad}


def train(cfg, *, overwrite: bool = False, progress: bool = True) -> dict:
    """Train (or resume, or report a finished run); returns ``{"steps", "final_loss", "seconds", "output", "resumed_from"}``."""
    from accelerate import Accelerator
    from accelerate.utils import set_seed
    from safetensors.torch import load_file, save_file

    t, d = cfg.train, cfg.data
    accelerator = Accelerator(mixed_precision=t.mixed_precision, gradient_accumulation_steps=t.grad_accum)
    main = accelerator.is_main_process
    out = _check_folder(cfg, overwrite)
    done_file = out / "final" / "done.json"
    if done_file.is_file() and not overwrite:
        return {**json.loads(done_file.read_text()), "output": str(out), "resumed_from": "finished"}

    # data and model first: a bad source or model fails before anything is written
    dataset = FinetuneDataset(d, seed=t.seed)
    if len(dataset) < t.batch_size * accelerator.num_processes:
        raise SymbolSetError(
            f"{d.source}: {len(dataset)} samples, fewer than one batch ({t.batch_size} x {accelerator.num_processes} processes)"
        )
    set_seed(t.seed, device_specific=True)
    recipe = get_recipe(cfg)
    net = recipe.load(accelerator.device, DTYPES[t.mixed_precision])
    recipe.add_lora(net)
    for p in net.parameters():
        if p.requires_grad:
            p.data = p.data.float()  # trained weights stay fp32 under mixed precision
    if t.gradient_checkpointing and hasattr(net, "enable_gradient_checkpointing"):
        net.enable_gradient_checkpointing()
    params = [p for p in net.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=t.lr, weight_decay=t.weight_decay)
    schedule = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / (t.warmup + 1)))

    if main:
        if overwrite and out.exists():
            shutil.rmtree(out)
        out.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(out / "config.yaml", yaml.safe_dump(cfg.to_dict(), allow_unicode=True, sort_keys=True).encode())
    accelerator.wait_for_everyone()
    sampler = EpochPermutation(len(dataset), t.seed)
    loader = DataLoader(dataset, batch_size=t.batch_size, sampler=sampler, num_workers=d.workers, collate_fn=collate, drop_last=True,
                        persistent_workers=False)  # fmt: skip
    net, opt, loader, schedule = accelerator.prepare(net, opt, loader, schedule)

    # timesteps, noise and VAE samples come from this generator (saved in checkpoints), never from the
    # global RNG, which DataLoader iterators draw from when they start
    noise = torch.Generator(device=accelerator.device).manual_seed(t.seed * 1_000_003 + accelerator.process_index)
    step, epoch, into_epoch, resumed = 0, 0, 0, None
    ckpt = latest_checkpoint(out)
    if ckpt is not None:
        weights = load_file(str(ckpt / "trainable.safetensors"))
        unwrapped = accelerator.unwrap_model(net)
        named = dict(unwrapped.named_parameters())
        missing = set(weights) ^ {n for n, p in named.items() if p.requires_grad}
        if missing:
            raise SymbolSetError(f"{ckpt}: does not match the model ({len(missing)} parameter(s) differ, e.g. {sorted(missing)[0]})")
        with torch.no_grad():
            for n, w in weights.items():
                named[n].copy_(w.to(named[n].device, named[n].dtype))
        state = torch.load(ckpt / "state.pt", map_location="cpu", weights_only=True)
        opt.load_state_dict(state["optimizer"])
        schedule.load_state_dict(state["schedule"])
        step, epoch, into_epoch = state["step"], state["epoch"], state["into_epoch"]
        rng = torch.load(ckpt / f"rng-{accelerator.process_index}.pt", weights_only=True)
        noise.set_state(rng["noise"])
        resumed = ckpt.name
        if main:
            _truncate_log(out / "log.jsonl", step)

    start, loss_value = time.time(), None
    while step < t.steps:
        batches = accelerator.skip_first_batches(loader, into_epoch) if into_epoch else loader
        # accelerate's loader sets its own pass count as the sampler's epoch when iterated; a resumed
        # run's count starts at 0, so the epoch is set here on the very loader that is iterated
        batches.set_epoch(epoch)
        sampler.set_epoch(epoch)
        dataset.set_epoch(epoch)
        for batch in batches:
            with accelerator.accumulate(net):
                loss = recipe.loss(net, batch, noise)
                accelerator.backward(loss)
                if accelerator.sync_gradients and t.max_grad_norm > 0:
                    accelerator.clip_grad_norm_(params, t.max_grad_norm)
                opt.step()
                schedule.step()
                opt.zero_grad(set_to_none=True)
            into_epoch += 1
            if not accelerator.sync_gradients:
                continue
            step += 1
            loss_value = accelerator.gather(loss.detach().float().reshape(1)).mean().item()
            if main:
                with open(out / "log.jsonl", "a", encoding="utf-8") as f:
                    f.write(json.dumps({"step": step, "loss": loss_value, "lr": schedule.get_last_lr()[0]}) + "\n")
                if progress:
                    print(f"step {step}/{t.steps} loss {loss_value:.5f}", flush=True)
            if step % t.checkpoint_every == 0 or step == t.steps:
                _save_checkpoint(accelerator, out, net, opt, schedule, noise, step, epoch, into_epoch, t.keep_checkpoints, save_file)
            if step >= t.steps:
                break
        else:
            epoch, into_epoch = epoch + 1, 0
    accelerator.wait_for_everyone()
    summary = {"steps": step, "final_loss": loss_value, "seconds": round(time.time() - start, 2)}
    if main:
        final, tmp = out / "final", out / "final.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        recipe.save(accelerator.unwrap_model(net), tmp)
        (tmp / "done.json").write_text(json.dumps(summary))
        shutil.rmtree(final, ignore_errors=True)
        tmp.rename(final)
    accelerator.wait_for_everyone()
    accelerator.end_training()
    return {**summary, "output": str(out), "resumed_from": resumed}


def _save_checkpoint(accelerator, out: Path, net, opt, schedule, noise, step, epoch, into_epoch, keep, save_file) -> None:
    root = out / "checkpoints"
    tmp = root / f"step-{step:08d}.tmp"
    if accelerator.is_main_process:
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
    accelerator.wait_for_everyone()
    torch.save({"noise": noise.get_state()}, tmp / f"rng-{accelerator.process_index}.pt")
    if accelerator.is_main_process:
        save_file(_trainable(accelerator.unwrap_model(net)), str(tmp / "trainable.safetensors"))
        torch.save({"optimizer": opt.state_dict(), "schedule": schedule.state_dict(), "step": step, "epoch": epoch, "into_epoch": into_epoch},
                   tmp / "state.pt")  # fmt: skip
    accelerator.wait_for_everyone()
    if accelerator.is_main_process:
        final = root / f"step-{step:08d}"
        shutil.rmtree(final, ignore_errors=True)
        tmp.rename(final)
        for old in sorted(p for p in root.glob("step-*") if not p.name.endswith(".tmp"))[:-keep]:
            shutil.rmtree(old)
    accelerator.wait_for_everyone()


def _truncate_log(path: Path, step: int) -> None:
    if path.is_file():
        lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip() and json.loads(ln)["step"] <= step]
        path.write_text("".join(ln + "\n" for ln in lines), encoding="utf-8")
