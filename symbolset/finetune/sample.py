"""Videos for a SymbolBench prompt set from a base model or a fine-tuned run (``symbolset sample``).

Writes ``<id>-<k>.mp4`` (k = 0 .. samples-1) into the output folder, which ``symbolset bench run
--videos`` reads. Sample ``k`` of prompt ``p`` uses the seed ``generate.seed + k``, so the base
model and every fine-tuned variant draw the same initial noise for the same prompt and sample (a
paired comparison). Each file is written atomically; existing files are kept, so an interrupted
run continues where it stopped. The prompt text is ``generate.caption`` (``en.detailed`` by
default) of the prompt's captions.
"""

from __future__ import annotations

from pathlib import Path

import torch

from .. import codec
from ..bench.prompts import load_prompts
from ..errors import SymbolSetError
from ..layout import write_bytes_atomic
from .recipes import get_recipe
from .train import DTYPES


def resolve_generate(cfg):
    """The generate settings with the data section's frames / size / fps filled in where unset."""
    g, d = cfg.generate, cfg.data
    frames = g.frames or (16 if d.frames == 1 else d.frames)
    return type(g)(
        **{**g.__dict__, "frames": frames, "height": g.height or d.height, "width": g.width or d.width, "fps": g.fps or d.fps or 8.0}
    )


def prompt_text(prompt: dict, key: str) -> str:
    """The prompt's caption ``key`` (``lang.granularity``)."""
    lang, _, gran = key.partition(".")
    try:
        return prompt["captions"][lang][gran]
    except (KeyError, TypeError):
        raise SymbolSetError(f"prompt {prompt.get('id')}: has no caption {key!r}") from None


def sample_videos(cfg, prompts_path, out, *, run: str | Path | None = None, base: bool = False, device: str | None = None,
                  progress: bool = True) -> dict:  # fmt: skip
    """Generate every prompt's videos with the finished run ``run`` (default ``cfg.output``) or,
    with ``base=True``, the pretrained model alone. Returns ``{"written", "kept", "videos"}``."""
    gen = resolve_generate(cfg)
    prompts = load_prompts(prompts_path)
    lora = None
    if not base:
        lora = Path(run or cfg.output) / "final"
        if not (lora / "done.json").is_file():
            raise SymbolSetError(f"{lora.parent}: no finished training run (run `symbolset finetune` first, or pass --base)")
    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    dtype = DTYPES[cfg.train.mixed_precision] if device != "cpu" else torch.float32
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    todo = [(p, k) for p in prompts for k in range(gen.samples) if not (out / f"{p['id']}-{k}.mp4").exists()]
    kept = len(prompts) * gen.samples - len(todo)
    if todo:
        recipe = get_recipe(cfg)
        pipe = recipe.sampling_pipeline(lora, device, dtype)
        for n, (p, k) in enumerate(todo, 1):
            frames = recipe.sample(pipe, prompt_text(p, gen.caption), gen, gen.seed + k, device)
            h, w = frames.shape[1:3]
            if h % 2 or w % 2:  # H.264 (yuv420p) needs even sizes
                frames = frames[:, : h - h % 2, : w - w % 2]
            write_bytes_atomic(out / f"{p['id']}-{k}.mp4", codec.encode(frames, gen.fps, "h264"))
            if progress:
                print(f"sample {n}/{len(todo)}: {p['id']}-{k}", flush=True)
    return {"written": len(todo), "kept": kept, "videos": str(out)}
