"""The ``symbolset`` command line: generate, validate, render, publish (+ convert, view, bench, reviews).

Every command reports bad input as one line on stderr and exits non-zero; no traceback reaches
the user. Commands of the higher rooms (converters, viewer, bench) register themselves through
a ``register(subparsers)`` function in their own ``cli`` module.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from . import __version__
from .errors import SymbolSetError

_PLUGINS = ("symbolset.converters.cli", "symbolset.viewer.cli", "symbolset.bench.cli", "symbolset.authoring.cli", "symbolset.finetune.cli")


def _generate(args) -> int:
    from .memory import tune_allocator

    tune_allocator()  # this process is ours: keep freed memory for the next clip (see memory.py)
    if args.engine == "local" and (args.workers or 1) > 1:
        from .engines.local import start_fork_server

        start_fork_server()  # the workers' imports run while this process imports the rest
    from .build import generate
    from .config import load_config
    from .memory import tune_collector

    tune_collector()  # after the imports: they are frozen out of the collector's way

    cfg = load_config(args.config, num=args.num, families=args.families, seed=args.seed, num_frames=args.frames, fps=args.fps,
                      codec=args.codec, shard_size=args.shard_size, scenes=args.scenes, style=args.style, font_pool=args.font_pool, occluders=args.occluders, composite=args.composite, **_size(args.size))  # fmt: skip
    manifest = generate(cfg, args.out, workers=args.workers, overwrite=args.overwrite, progress=not args.quiet,
                        engine=args.engine, ray_address=args.ray_address, retries=args.retries)  # fmt: skip
    rows = {s: manifest["splits"][s]["rows"] for s in ("train", "validation", "test") if s in manifest["splits"]}
    print(f"{args.out}: {sum(rows.values())} clips {rows} in {len(manifest['shards'])} shard(s)")
    return 0


def _fonts(args) -> int:
    from .fontpack import listing, require_pool

    rows = listing()
    for r in rows:
        state = "found" if r["found"] else f"MISSING: {r['install']}"
        print(f"{r['id']:<24} {r['typeface']:<20} {r['style']:<11} {r['weight']:<13} {r['scripts']:<18} pool={r['pool']:<4} {r['package']:<22} {r['licence']:<42} {state}")
    print(f"{sum(r['found'] for r in rows)} of {len(rows)} faces found, {len({r['typeface'] for r in rows if r['found']})} typefaces")
    if args.check:
        require_pool(args.check, "fonts --check")
    return 0


def _size(text: str | None) -> dict:
    from .config import parse_size

    return {} if text is None else parse_size(text)


def _validate(args) -> int:
    from .validate import validate_dataset

    if args.captions:
        return _validate_captions(args)
    problems = validate_dataset(args.dir, decode=not args.no_decode)
    for line in problems:
        print(line, file=sys.stderr)
    if problems:
        print(f"{args.dir}: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"{args.dir}: ok")
    return 0


def _validate_captions(args) -> int:
    from .claims.check import check_captions, report_lines

    result = check_captions(args.dir, workers=args.workers)
    for line in result["problems"]:
        print(line, file=sys.stderr)
    for line in report_lines(result):
        print(line)
    return 1 if any(c["violation"] for c in result["families"].values()) else 0


def _render(args) -> int:
    from . import codec
    from .layout import find_record, write_bytes_atomic
    from .render import render_clip
    from .spec import from_json

    if bool(args.spec) == bool(args.source):
        raise SymbolSetError("render: give either --spec FILE or --from DIR --id ID")
    stored = None
    if args.spec:
        try:
            spec = from_json(Path(args.spec).read_bytes(), args.spec)
        except OSError as exc:
            raise SymbolSetError(f"{args.spec}: cannot read ({exc.strerror})") from None
    else:
        if not args.id:
            raise SymbolSetError("render: --from needs --id ID")
        stored = find_record(args.source, args.id)
        spec = from_json(stored["spec"], f"{args.source}: record {args.id}: spec")
    out = Path(args.out)
    if out.exists() and not args.overwrite:
        raise SymbolSetError(f"{out}: already exists; pass --overwrite to replace it")
    frames, _ = render_clip(spec)
    suffix = out.suffix.lower().lstrip(".")
    if suffix in codec.DEFAULT_FOR_EXTENSION:
        name = args.codec or (stored["codec"] if stored else codec.DEFAULT_FOR_EXTENSION[suffix])
        if codec.extension(name) != suffix:
            raise SymbolSetError(f"{out}: codec {name!r} is stored in .{codec.extension(name)} files, not .{suffix}")
        data = codec.encode(frames, spec["fps"], name)
        write_bytes_atomic(out, data)
        note = ""
        if stored is not None and name == stored["codec"]:
            same = data == stored["video"]["bytes"]
            note = " (identical to the stored video)" if same else " (bytes differ from the stored video: another FFmpeg build?)"
        print(f"{out}: {len(frames)} frames, {name}{note}")
    else:
        _write_png_folder(out, frames, args.overwrite)
        print(f"{out}: {len(frames)} PNG frames")
    return 0


def _write_png_folder(out: Path, frames, overwrite: bool) -> None:
    import io

    from PIL import Image

    from .layout import OUTPUT_MARKER, claim_output, write_folder_atomic

    pngs = {}
    for i, frame in enumerate(frames):
        buf = io.BytesIO()
        Image.fromarray(frame).save(buf, format="PNG")
        pngs[f"frame_{i:04d}.png"] = buf.getvalue()
    if out.is_file() and overwrite:
        out.unlink()
    with claim_output(out, "render", {}, overwrite=overwrite, owned=("frame_*.png",), empty=False):
        write_folder_atomic(out, {**pngs, OUTPUT_MARKER: b'{"command": "render", "options": {}}\n'})


def _publish(args) -> int:
    from .hub import publish
    from .validate import validate_dataset

    if "://" in args.dir:  # upload_folder reads a local folder
        raise SymbolSetError(f"{args.dir}: publish uploads a local folder; copy the dataset here first (e.g. aws s3 sync)")
    problems = validate_dataset(args.dir)
    if problems:
        for line in problems:
            print(line, file=sys.stderr)
        raise SymbolSetError(f"{args.dir}: not published, {len(problems)} problem(s) found by validate")
    url = publish(args.dir, args.repo, token=args.token, private=args.private)
    print(f"published {args.dir} to {url}")
    return 0


_BUILT_IN = ("generate", "validate", "render", "fonts", "publish")  # commands of this module; the rest are plugins


def build_parser(plugins: bool = True) -> argparse.ArgumentParser:
    """The argument parser of every command (``plugins=False``: only this module's own commands)."""
    parser = argparse.ArgumentParser(prog="symbolset", description="Symbol videos with exact captions and annotations: generate, check, convert, view, benchmark.")
    parser.add_argument("--version", action="version", version=f"symbolset {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    g = sub.add_parser("generate", help="generate a dataset in the Hugging Face Hub layout")
    g.add_argument("config", nargs="?", default=None, help="built-in config (default, tiny, release) or a YAML file [default]")
    g.add_argument("--out", required=True, help="output folder, or an fsspec URL: s3://BUCKET/PREFIX, gs://..., ... (docs/scale.md)")
    g.add_argument("--num", type=int, help="total number of clips (spread evenly over families)")
    g.add_argument("--families", help="comma-separated family names (scene templates: scene:<name>)")
    g.add_argument("--scenes", help="a scene template file or folder: adds its scenes (only them, without --families)")
    g.add_argument("--seed", type=int, help="global seed")
    g.add_argument("--workers", type=int, help="processes (local engine, default 1) or CPUs of a private Ray cluster (default all); output is identical for any number")
    g.add_argument("--engine", choices=("local", "ray"), default="local", help="local process pool, or one Ray task per shard (needs symbolset[ray]) [local]")
    g.add_argument("--ray-address", help="Ray cluster to run on, e.g. 127.0.0.1:6379 (default: RAY_ADDRESS, else a private local cluster)")
    g.add_argument("--retries", type=int, default=2, help="times a shard is redone after its worker dies (e.g. OOM-killed) [2]")
    g.add_argument("--size", help="N or WIDTHxHEIGHT (even numbers), e.g. 256 or 512x288")
    g.add_argument("--frames", type=int, help="frames per clip")
    g.add_argument("--fps", type=float, help="frames per second")
    g.add_argument("--codec", help="h264 (default), h264-yuv444, h264-lossless or ffv1")
    g.add_argument("--shard-size", type=int, help="rows per Parquet shard")
    g.add_argument("--style", choices=("flat", "real", "mixed"), help="flat vector art, real (3D stage, materials, more faces) or mixed")
    g.add_argument("--font-pool", choices=("pip", "full"), help="faces of the real style: pip wheels only, or full (+ Debian font pack)")
    g.add_argument("--occluders", type=float, help="share of real clips with something passing in front of the card [0.3]")
    g.add_argument("--composite", type=float, metavar="SHARE", help="share of clips that are composite scenes (several families on one stage), e.g. 0.25")
    g.add_argument("--overwrite", action="store_true", help="replace an existing dataset in --out")
    g.add_argument("--quiet", action="store_true", help="no progress bar")
    g.set_defaults(func=_generate)

    v = sub.add_parser("validate", help="check a dataset folder (schema, counts, sha256, decodable videos)")
    v.add_argument("dir")
    v.add_argument("--no-decode", action="store_true", help="skip decoding every video")
    v.add_argument("--captions", action="store_true", help="instead, measure every caption claim on the decoded videos (violations per family)")
    v.add_argument("--workers", type=int, default=1, help="processes for --captions")
    v.set_defaults(func=_validate)

    r = sub.add_parser("render", help="re-render a spec file or a stored record to a video or a PNG folder")
    r.add_argument("--spec", help="a scene spec JSON file")
    r.add_argument("--from", dest="source", help="a dataset folder")
    r.add_argument("--id", help="record id (with --from)")
    r.add_argument("--out", required=True, help="clip.mp4 / clip.mkv, or a folder for PNG frames")
    r.add_argument("--codec", help="codec for a video output (default: the record's, or h264 for .mp4, ffv1 for .mkv)")
    r.add_argument("--overwrite", action="store_true")
    r.set_defaults(func=_render)

    f = sub.add_parser("fonts", help="list the font faces (found / missing, with the package that provides each)")
    f.add_argument("--check", choices=("pip", "full"), help="exit non-zero, naming the package, if a face of this pool is missing")
    f.set_defaults(func=_fonts)

    p = sub.add_parser("publish", help="validate, then upload a dataset folder to the Hugging Face Hub")
    p.add_argument("dir")
    p.add_argument("--repo", required=True, help="dataset repo id, e.g. gpnu/symbolset")
    p.add_argument("--token", help="Hub token (default: the logged-in one)")
    p.add_argument("--private", action="store_true")
    p.set_defaults(func=_publish)

    for name in _PLUGINS if plugins else ():  # built-in commands: a failed import is a broken install, never a silently missing command
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``symbolset`` command."""
    argv = sys.argv[1:] if argv is None else argv
    # A built-in command needs no plugin's parser: importing them all (~10 ms) is for the others and for help.
    parser = build_parser(plugins=next((a for a in argv if not a.startswith("-")), None) not in _BUILT_IN)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except SymbolSetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # a disk or permission problem that no command turned into its own line
        print(f"error: {exc.filename or 'file system'}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; run the same command again to resume", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
