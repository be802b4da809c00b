"""``symbolset finetune | sample | ablate | finetune-tiny`` (the ``train`` extra)."""

from __future__ import annotations

import functools
import json
import os

from ..errors import SymbolSetError


def _needs_train_extra(func):
    @functools.wraps(func)
    def wrapper(args):
        try:
            import accelerate  # noqa: F401
            import diffusers
            import peft  # noqa: F401
            import transformers
        except ModuleNotFoundError as exc:
            raise SymbolSetError(f"{args.command}: needs {exc.name}; install the train extra: pip install 'symbolset[train]'") from None
        # the libraries' own progress bars and advice (truncated prompts, LoRA prefixes) would drown our lines
        diffusers.utils.logging.set_verbosity_error()
        diffusers.utils.logging.disable_progress_bar()
        transformers.logging.set_verbosity_error()
        transformers.utils.logging.disable_progress_bar()
        return func(args)

    return wrapper


@_needs_train_extra
def _finetune(args) -> int:
    from . import config
    from .train import train

    overrides = {"train": {"steps": args.steps}} if args.steps else {}
    cfg = config.load(args.config, **overrides)
    res = train(cfg, overwrite=args.overwrite, progress=not args.quiet)
    if os.environ.get("RANK", "0") != "0":  # under accelerate launch / torchrun, one process reports
        return 0
    how = (
        "already finished"
        if res["resumed_from"] == "finished"
        else (f"resumed from {res['resumed_from']}" if res["resumed_from"] else "trained")
    )
    print(f"{res['output']}: {how}, {res['steps']} steps, final loss {res['final_loss']:.5f}; weights in {res['output']}/final")
    return 0


@_needs_train_extra
def _sample(args) -> int:
    from . import config
    from .sample import sample_videos

    cfg = config.load(args.config)
    res = sample_videos(cfg, args.prompts, args.out, run=args.run, base=args.base, device=args.device, progress=not args.quiet)
    print(f"{res['videos']}: {res['written']} videos written, {res['kept']} already there")
    return 0


@_needs_train_extra
def _ablate(args) -> int:
    from .ablate import _fmt, load, run_ablation

    cfg = load(args.config)
    data = run_ablation(cfg, progress=not args.quiet)
    for name, r in data["rows"].items():
        m, d = r["match"], r["delta_match"]
        delta = f"; Δ {_fmt(d, signed=True)}" if d else ""
        print(f"{name}: Match {_fmt(m)}{delta}" if m else f"{name}: no video scored")
    print(f"table: {cfg['output']}/table.md, plot: {cfg['output']}/ablation.png")
    return 0


@_needs_train_extra
def _tiny(args) -> int:
    from .tiny import write_tiny

    out = write_tiny(args.kind, args.out, overwrite=args.overwrite, seed=args.seed)
    print(json.dumps({"kind": args.kind, "out": str(out)}))
    return 0


def register(sub) -> None:
    """Add ``finetune``, ``sample``, ``ablate`` and ``finetune-tiny`` to the CLI."""
    f = sub.add_parser("finetune", help="LoRA fine-tuning of a text-to-video / text-to-image model on SymbolSet (YAML config)")
    f.add_argument("config", help="YAML config (see docs/finetuning.md)")
    f.add_argument("--steps", type=int, help="override train.steps")
    f.add_argument("--overwrite", action="store_true", help="discard an existing run folder and start afresh")
    f.add_argument("--quiet", action="store_true")
    f.set_defaults(func=_finetune)

    s = sub.add_parser("sample", help="videos for a SymbolBench prompt set from a fine-tuned run (or the base model)")
    s.add_argument("config", help="the run's YAML config")
    s.add_argument("--prompts", required=True, help="prompts.jsonl from `symbolset bench prompts`")
    s.add_argument("--out", required=True, help="folder for <id>-<k>.mp4")
    s.add_argument("--run", help="run folder [the config's output]")
    s.add_argument("--base", action="store_true", help="the pretrained model without the fine-tuned weights")
    s.add_argument("--device", help="cuda, cuda:1, cpu [cuda when available]")
    s.add_argument("--quiet", action="store_true")
    s.set_defaults(func=_sample)

    a = sub.add_parser("ablate", help="fine-tune variants, sample, score with SymbolBench, one table with intervals + plot")
    a.add_argument("config", help="ablation YAML (see docs/finetuning.md)")
    a.add_argument("--quiet", action="store_true")
    a.set_defaults(func=_ablate)

    t = sub.add_parser("finetune-tiny", help="write a tiny random pipeline (cogvideox, wan, sd) for dry runs and tests")
    t.add_argument("kind", choices=("cogvideox", "wan", "sd"))
    t.add_argument("--out", required=True)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--overwrite", action="store_true")
    t.set_defaults(func=_tiny)
