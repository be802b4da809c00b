"""``symbolset view`` and ``symbolset reviews apply``: registered into the main CLI by ``register``."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from symbolset.errors import SymbolSetError


def _view(args) -> int:
    try:
        from .app import build_app
    except ModuleNotFoundError as exc:
        raise SymbolSetError(f"the viewer needs gradio ({exc.name} is missing): pip install 'symbolset[viewer]'") from None
    if args.rate:
        return _rate(args)
    if args.review and not (args.reviewer or "").strip():
        raise SymbolSetError("view: --review needs --reviewer NAME")
    if args.reviews and not args.review:
        raise SymbolSetError("view: --reviews is used with --review")
    reviews = Path(args.reviews) if args.reviews else Path(args.source) / "reviews.sqlite"
    source = resolve_source(args.source)
    viewer = build_app(source, review=args.review, reviewer=args.reviewer or "", reviews_path=reviews,
                       review_fraction=args.review_fraction, review_seed=args.review_seed, label=args.source)  # fmt: skip
    if args.review:
        print(f"review mode: {len(viewer.queue)} samples in the queue; decisions go to {reviews}", flush=True)
    # A stopped server (SIGTERM) exits normally, so its temporary cache folders are removed at exit.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    viewer.launch(host=args.host, port=args.port, quiet=False)
    return 0


def _rate(args) -> int:
    from .ratings import RatingApp

    if args.review:
        raise SymbolSetError("view: --rate and --review are separate modes; pick one")
    app = RatingApp(args.source, rater=args.rater or "", ratings_path=args.ratings, prompts=args.prompts)
    print(f"rating mode: {len(app.queue)} videos; ratings go to {app.store.path}", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    app.launch(host=args.host, port=args.port, quiet=False)
    return 0


def resolve_source(source: str) -> Path:
    """The Hub-layout folder a ``view`` command shows.

    A Hub-layout folder (``data/*.parquet``) is shown as it is. A converted folder (WebDataset,
    TFRecord, MP4 or PNG folder, as written by ``symbolset convert``) is first converted back to the
    Hub layout in a private temporary folder (removed at exit, or by the next viewer if this one
    is killed), with ``symbolset.converters``.
    """
    path = Path(source)
    if not path.is_dir():
        raise SymbolSetError(f"{source}: no such dataset folder")
    if any((path / "data").glob("*.parquet")):
        return path
    try:
        from symbolset.converters.convert import convert, detect
    except ModuleNotFoundError:
        raise SymbolSetError(
            f"{source}: not a Hub-layout dataset (no data/*.parquet), and symbolset.converters is not available to read it"
        ) from None
    fmt = detect(path)
    if fmt == "parquet":
        raise SymbolSetError(f"{source}: not a Hub-layout dataset (no data/*.parquet)")
    from .scratch import private_dir

    tmp = private_dir("symbolset-view-")
    print(f"{source}: a {fmt} folder; converting it to the Hub layout for viewing ...", file=sys.stderr, flush=True)
    convert(path, tmp / "hub", "parquet", source_format=fmt, progress=False)
    return tmp / "hub"


def _apply(args) -> int:
    from .apply import apply_reviews

    summary = apply_reviews(args.source, args.reviews, args.out, overwrite=args.overwrite)
    for sample_id, reasons in summary["dropped"].items():
        print(f"dropped {sample_id}: {'; '.join(reasons)}")
    kept = summary["source_rows"] - len(summary["dropped"])
    print(f"{args.out}: {kept} samples; reviewed {summary['reviewed']}, edited {len(summary['edited'])}, dropped {len(summary['dropped'])}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``view`` and ``reviews apply`` to the ``symbolset`` command."""
    v = sub.add_parser("view", help="browse a dataset in a local Gradio app (and review captions with --review)")
    v.add_argument("source", help="a Hub-layout dataset folder (e.g. tiny/), or a folder converted by `symbolset convert`")
    v.add_argument("--port", type=int, default=None, help="port (default: the first free one from 7860)")
    v.add_argument("--host", default="127.0.0.1", help="interface to bind [127.0.0.1: this machine only]")
    v.add_argument("--review", action="store_true", help="review mode: accept / edit / flag a seeded ~10%% sample")
    v.add_argument("--reviewer", help="your name, stored with every decision this server makes (needed with --review)")
    v.add_argument("--reviews", help="review database (SQLite) [SOURCE/reviews.sqlite]")
    v.add_argument("--review-fraction", type=float, default=0.1, help="share of each family to review [0.1]")
    v.add_argument("--review-seed", type=int, default=0, help="seed of the review sample [0]")
    v.add_argument("--rate", action="store_true", help="rating mode: SOURCE is a `bench run` results folder; score its videos 1-5")
    v.add_argument("--rater", help="your name, stored with every rating (needed with --rate)")
    v.add_argument("--ratings", help="ratings database (SQLite) [SOURCE/ratings.sqlite]")
    v.add_argument("--prompts", help="the run's prompts.jsonl, to show each video's prompt while rating")
    v.set_defaults(func=_view)

    r = sub.add_parser("reviews", help="human review results")
    rsub = r.add_subparsers(dest="reviews_command", metavar="ACTION", required=True)
    a = rsub.add_parser("apply", help="write a new dataset: edited captions replace the old, flagged samples dropped")
    a.add_argument("source", help="the reviewed dataset folder")
    a.add_argument("reviews", help="the review database written by `symbolset view --review`")
    a.add_argument("--out", required=True, help="output folder for the reviewed dataset")
    a.add_argument("--overwrite", action="store_true", help="replace an existing --out")
    a.set_defaults(func=_apply)
