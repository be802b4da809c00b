"""``symbolset reviews apply``: a new dataset with the human review applied.

Edited captions replace the generated ones (``caption_source = "human"``), flagged samples are
dropped and listed, accepted samples are kept as they are. The output is a complete Hub-layout
folder (shards, manifest with a ``review`` block, thumbnails, ``review.json``, and a dataset card
that reports how many samples were reviewed, edited and dropped), built under a temporary name
and renamed into place; an existing output is replaced only with ``overwrite``, and only when
``reviews apply`` made it.
"""

from __future__ import annotations

import math
import os
import shutil
from collections import Counter
from pathlib import Path

from symbolset import codec, hub, layout
from symbolset.errors import SymbolSetError
from symbolset.layout import write_parquet
from symbolset.record import to_table

from .index import GRANULARITIES, LANGS
from .reviews import ReviewStore, resolve

REPORT = "review.json"
COMMAND = "reviews apply"
# Every file `reviews apply` writes: `--overwrite` replaces a folder only when it holds nothing else.
OWNED = (layout.MANIFEST, "README.md", REPORT, "data/*.parquet", "thumbnails/*.png")


def apply_reviews(source: str | Path, reviews: str | Path, out: str | Path, *, overwrite: bool = False) -> dict:
    """Write ``out`` = ``source`` with the decisions in ``reviews`` applied; returns the review summary.

    ``out`` is claimed through :func:`symbolset.layout.claim_output` (locked while this runs; it may not
    hold the source or the review database; ``overwrite`` replaces only a folder ``reviews apply`` made).
    """
    source, reviews, out = Path(source).resolve(), Path(reviews), Path(out)
    manifest = layout.load_manifest(source)
    if not reviews.is_file():
        raise SymbolSetError(f"{reviews}: no such review database")
    layout.verify_files(source, manifest["shards"])  # a damaged source must not come out with a fresh manifest
    outcomes = resolve(ReviewStore(reviews).decisions())
    splits = {row["id"]: row["split"] for row in layout.iter_rows(source, columns=["id", "split"])}
    unknown = sorted(set(outcomes) - set(splits))
    if unknown:
        raise SymbolSetError(f"{reviews}: {len(unknown)} reviewed id(s) not in {source} (e.g. {unknown[0]!r}): reviews of another dataset?")
    options = {"source": str(source), "reviews": str(reviews.resolve())}
    with layout.claim_output(out, COMMAND, options, overwrite=overwrite, owned=OWNED, sources=(source, reviews), empty=False) as claim:
        if not overwrite and any(p.name not in (layout.OUTPUT_MARKER, layout.LOCK_FILE) for p in out.iterdir()):
            raise SymbolSetError(f"{out}: already exists; pass --overwrite to replace it")
        tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            (tmp / "data").mkdir(parents=True)
            summary = _write(source, tmp, manifest, outcomes, splits)
            layout.write_json_atomic(tmp / layout.OUTPUT_MARKER, {"command": COMMAND, "options": options})
            layout.replace_folder(tmp, out)
        except OSError as exc:
            raise layout.os_error(exc, out) from None
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
            if claim.created and not (out / layout.MANIFEST).exists():
                shutil.rmtree(out, ignore_errors=True)  # failed: leave no trace of a folder this run made
    return summary


def _write(source: Path, tmp: Path, manifest: dict, outcomes: dict, splits: dict) -> dict:
    shard_size = int(manifest.get("config", {}).get("shard_size") or 64)
    kept = Counter(split for sid, split in splits.items() if outcomes.get(sid, {}).get("action") != "flag")
    entries, counts = [], {}
    for split in layout.SPLITS:
        if not kept[split]:
            continue
        n = math.ceil(kept[split] / shard_size)
        fams: Counter = Counter()
        buf, j = [], 0
        for row in layout.iter_rows(source, split):
            outcome = outcomes.get(row["id"])
            if outcome and outcome["action"] == "flag":
                continue
            layout.check_record(row, f"{source}: record {row['id']!r}")
            if outcome and outcome["action"] == "edit":
                row = edited(row, outcome["captions"])
            buf.append(row)
            fams[row["family"]] += 1
            if len(buf) == shard_size:
                entries.append(_write_shard(tmp, split, j, n, buf))
                buf, j = [], j + 1
        if buf:
            entries.append(_write_shard(tmp, split, j, n, buf))
        counts[split] = {"rows": sum(fams.values()), "families": dict(sorted(fams.items()))}

    dropped = {sid: o["reasons"] for sid, o in sorted(outcomes.items()) if o["action"] == "flag"}
    summary = {
        "reviewed": len(outcomes),
        "accepted": sum(o["action"] == "accept" for o in outcomes.values()),
        "edited": sorted(sid for sid, o in outcomes.items() if o["action"] == "edit"),
        "dropped": dropped,
        "conflicts": sorted(sid for sid, o in outcomes.items() if o["conflict"]),
        "reviewers": sorted({r for o in outcomes.values() for r in o["reviewers"]}),
        "source_rows": len(splits),
    }
    new_manifest = {
        **manifest,
        "splits": counts,
        "shards": entries,
        "review": {**summary, "edited": len(summary["edited"]), "dropped": sorted(dropped)},
    }
    if (source / "thumbnails").is_dir():
        shutil.copytree(source / "thumbnails", tmp / "thumbnails")
    layout.write_json_atomic(tmp / REPORT, summary)
    layout.write_json_atomic(tmp / layout.MANIFEST, new_manifest)
    hub.write_card(tmp, new_manifest, extra_sections=card_section(summary))
    return summary


def edited(row: dict, captions: dict) -> dict:
    """``row`` with reviewed captions (missing ones keep their generated text), marked as human."""
    merged = {lang: {g: (captions.get(lang) or {}).get(g) or row["captions"][lang][g] for g in GRANULARITIES} for lang in LANGS}
    return {**row, "captions": merged, "caption": merged["en"]["detailed"], "caption_source": "human"}


def _write_shard(tmp: Path, split: str, j: int, n: int, rows: list[dict]) -> dict:
    name = f"data/{split}-{j:05d}-of-{n:05d}.parquet"
    write_parquet(to_table(rows), tmp / name)
    data = (tmp / name).read_bytes()
    return {"file": name, "split": split, "rows": len(rows), "bytes": len(data), "sha256": codec.sha256(data)}


def card_section(summary: dict) -> str:
    """The dataset card's "Human review" section (Markdown)."""
    n = summary["source_rows"]
    lines = [
        "## Human review",
        f"{summary['reviewed']} of {n} samples ({100 * summary['reviewed'] / max(n, 1):.1f}%, a seeded sample stratified by family) "
        f"were reviewed by {len(summary['reviewers'])} reviewer(s): {summary['accepted']} accepted, "
        f'{len(summary["edited"])} edited (their captions now have `caption_source = "human"`), '
        f"{len(summary['dropped'])} flagged and dropped.",
        "",
        "| reviewed | accepted | edited | dropped |",
        "|---|---|---|---|",
        f"| {summary['reviewed']} | {summary['accepted']} | {len(summary['edited'])} | {len(summary['dropped'])} |",
        "",
    ]
    if summary["dropped"]:
        lines += ["Dropped samples:", ""]
        lines += [f"- `{sid}`: {'; '.join(reasons)}" for sid, reasons in summary["dropped"].items()]
        lines.append("")
    return "\n".join(lines) + "\n"
