"""``symbolset scene list | preview | draft``."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import SymbolSetError


def _list(args) -> int:
    from ..families import scene

    templates = scene.load_scenes(args.path or scene.builtin_dir())
    for name, t in templates.items():
        print(f"{scene.PREFIX}{name}\t{t['rule']}")
    return 0


def _preview(args) -> int:
    from ..cli import _size
    from ..families import scene
    from .preview import preview_samples, write_preview

    templates = scene.load_scenes(args.template)
    size = _size(args.size) if args.size else {"width": 256, "height": 256}
    bad = 0
    for name, template in templates.items():
        samples = preview_samples(template, num=args.num, seed=args.seed, num_frames=args.frames, fps=args.fps, **size)
        for s in samples:
            print(f"{s['id']}")
            for lang in ("en", "zh"):
                for g, text in s["captions"][lang].items():
                    print(f"  {lang}.{g}: {text}")
            for p in s["problems"]:
                print(f"  PROBLEM: {p}", file=sys.stderr)
            bad += len(s["problems"])
        if args.out:
            out = Path(args.out)
            if len(templates) > 1:
                out = out.with_name(f"{out.stem}-{name}{out.suffix}")
            if out.exists() and not args.overwrite:
                raise SymbolSetError(f"{out}: already exists; pass --overwrite to replace it")
            print(f"{write_preview(samples, out)}: {len(samples)} samples of {scene.PREFIX}{name}")
    if bad:
        raise SymbolSetError(f"{args.template}: {bad} rule violation(s) found on the rendered pixels")
    return 0


def _draft(args) -> int:
    from ..layout import write_bytes_atomic
    from .draft import draft

    out = Path(args.out)
    if out.exists() and not args.overwrite:
        raise SymbolSetError(f"{out}: already exists; pass --overwrite to replace it")
    text, rounds = draft(args.description, api_base=args.api_base, model=args.model, rounds=args.rounds)
    write_bytes_atomic(out, text.encode("utf-8"))
    print(f"{out}: drafted in {rounds} round(s); preview it with: symbolset scene preview {out} --out preview.png")
    return 0


def register(sub) -> None:
    """Add ``scene`` to the ``symbolset`` command."""
    p = sub.add_parser("scene", help="write scene templates: list, preview, or draft one with an LLM (docs/scenes.md)")
    s = p.add_subparsers(dest="scene_command", metavar="SUBCOMMAND", required=True)

    ls = s.add_parser("list", help="the shipped scene templates (or those of a file or folder)")
    ls.add_argument("path", nargs="?", help="a template file or folder [the shipped ones]")
    ls.set_defaults(func=_list)

    pv = s.add_parser("preview", help="render a few samples, print their captions, check them on their pixels")
    pv.add_argument("template", help="a template file or folder")
    pv.add_argument("--out", help="preview.png (a contact sheet) or preview.mp4")
    pv.add_argument("--num", type=int, default=3, help="samples per template [3]")
    pv.add_argument("--seed", type=int, default=0)
    pv.add_argument("--size", help="WIDTHxHEIGHT [256x256]")
    pv.add_argument("--frames", type=int, default=16)
    pv.add_argument("--fps", type=float, default=8.0)
    pv.add_argument("--overwrite", action="store_true")
    pv.set_defaults(func=_preview)

    d = s.add_parser("draft", help="ask an OpenAI-compatible chat model to write a template from a description")
    d.add_argument("description", help='e.g. "a microwave display counting down from 1:30 to 0:00"')
    d.add_argument("--out", required=True, help="scene.yaml")
    d.add_argument("--api-base", default="http://127.0.0.1:8000/v1", help="the server's /v1 URL (vLLM, llama.cpp, Ollama, a hosted API)")
    d.add_argument("--model", required=True, help="model name as the server knows it")
    d.add_argument("--rounds", type=int, default=3, help="answers the model gets, repairs included [3]")
    d.add_argument("--overwrite", action="store_true")
    d.set_defaults(func=_draft)
