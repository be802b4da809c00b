"""The Hugging Face Hub layout of a dataset folder, its manifest, its dataset card, and publishing.

Layout::

    README.md                                   dataset card; its YAML ``configs:`` let load_dataset(DIR) work
    manifest.json                               config, counts, every shard's rows / bytes / sha256
    data/<split>-NNNNN-of-MMMMM.parquet         the rows (schema: symbolset.record.FEATURES)
    thumbnails/<family>.png                     a strip of frames per family, shown in the card
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections import Counter
from importlib import resources
from pathlib import Path
from string import Template

import numpy as np
from PIL import Image

from . import __version__, codec, families
from .errors import SymbolSetError
from .record import sample_seed, sample_spec
from .render import render_frame

MANIFEST = "manifest.json"
SPLIT_ORDER = ("train", "validation", "test")


def write_json_atomic(path: Path, data) -> None:
    """Write JSON under a temporary name, fsync, then rename."""
    write_bytes_atomic(path, (json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode())


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write bytes under a temporary name, fsync, then rename over ``path`` (parents are created).

    :class:`SymbolSetError` naming the path when it cannot be written.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        raise SymbolSetError(f"{path}: cannot write ({exc.strerror})") from None
    finally:
        tmp.unlink(missing_ok=True)


def write_folder_atomic(path: Path, files: dict[str, bytes]) -> None:
    """Write a folder of files atomically: fill a hidden temporary folder, then rename it to ``path``."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.tmp-", dir=path.parent))
    except OSError as exc:
        raise SymbolSetError(f"{path}: cannot write ({exc.strerror})") from None
    try:
        for name, data in files.items():
            (tmp / name).write_bytes(data)
        os.replace(tmp, path)
    except OSError as exc:
        raise SymbolSetError(f"{path}: cannot write ({exc.strerror})") from None
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)


def load_manifest(root: str | Path) -> dict:
    """The dataset's manifest; :class:`SymbolSetError` when missing or malformed."""
    path = Path(root) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SymbolSetError(f"{path}: missing (not a SymbolSet dataset folder, or an unfinished run)") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SymbolSetError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("shards"), list):
        raise SymbolSetError(f"{path}: malformed manifest (no shard list)")
    return manifest


def shard_paths(root: str | Path, split: str | None = None) -> list[Path]:
    """Parquet shards of a dataset folder (one split, or all), in order."""
    data = Path(root) / "data"
    if not data.is_dir():
        raise SymbolSetError(f"{root}: no data/ folder (not a Hub-layout dataset)")
    pattern = f"{split}-*.parquet" if split else "*.parquet"
    paths = sorted(data.glob(pattern))
    if split is None:
        paths.sort(key=lambda p: (SPLIT_ORDER.index(p.name.split("-")[0]) if p.name.split("-")[0] in SPLIT_ORDER else 9, p.name))
    return paths


def finish(out: Path, cfg, shards: list[dict]) -> dict:
    """Write the manifest, thumbnails and dataset card of a fully generated folder."""
    counts: dict[str, Counter] = {s: Counter() for s in SPLIT_ORDER}
    entries = []
    for shard in shards:
        path = out / shard["file"]
        data = path.read_bytes()
        entries.append({"file": shard["file"], "split": shard["split"], "rows": len(shard["tasks"]), "bytes": len(data), "sha256": codec.sha256(data)})
        counts[shard["split"]].update(t["family"] for t in shard["tasks"])
    manifest = {
        "name": cfg.name,
        "generator_version": __version__,
        "config": cfg.to_dict(),
        "splits": {s: {"rows": sum(c.values()), "families": dict(sorted(c.items()))} for s, c in counts.items() if c},
        "shards": entries,
        "software": software_versions(),
    }
    write_thumbnails(out, cfg)
    write_json_atomic(out / MANIFEST, manifest)
    write_card(out, manifest)
    return manifest


def software_versions() -> dict:
    """Versions of the libraries that shape the bytes: renderer (FreeType, OpenCV), codec, Parquet writer."""
    import av
    import cv2
    import PIL
    import pyarrow
    from PIL import features

    return {
        "av": av.__version__,
        "libavcodec": ".".join(map(str, av.library_versions["libavcodec"])),
        "pillow": PIL.__version__,
        "freetype": features.version("freetype2"),
        "opencv": cv2.__version__,
        "pyarrow": pyarrow.__version__,
    }


def write_thumbnails(out: Path, cfg, frames_shown: int = 4, height: int = 128) -> None:
    """``thumbnails/<family>.png``: a few frames of each family's first clip, re-rendered from its spec."""
    (out / "thumbnails").mkdir(exist_ok=True)
    for fam in cfg.families:
        spec = sample_spec(fam, sample_seed(cfg.seed, fam, 0), cfg.params(fam))
        picks = np.linspace(0, spec["num_frames"] - 1, frames_shown).round().astype(int)
        strip = np.concatenate([render_frame(spec, int(i))[0] for i in picks], axis=1)
        img = Image.fromarray(strip)
        img = img.resize((round(img.width * height / img.height), height), Image.Resampling.LANCZOS)
        tmp = out / "thumbnails" / f".{fam}.png.tmp"
        img.save(tmp, format="PNG", optimize=True)
        os.replace(tmp, out / "thumbnails" / f"{fam}.png")


def card_yaml(manifest: dict) -> str:
    """The YAML header of the card: ``configs`` (so load_dataset(DIR) finds the splits) and metadata."""
    splits = [s for s in SPLIT_ORDER if s in manifest["splits"]]
    total = sum(v["rows"] for v in manifest["splits"].values())
    size = "n<1K" if total < 1000 else "1K<n<10K" if total < 10_000 else "10K<n<100K" if total < 100_000 else "100K<n<1M"
    lines = ["---", "license: cc-by-4.0", "language:", "- en", "- zh", "task_categories:", "- text-to-video", "- text-to-image",
             "tags:", "- synthetic", "- text-rendering", "- symbols", "- video", "size_categories:", f"- {size}", "pretty_name: SymbolSet",
             "configs:", "- config_name: default", "  data_files:"]  # fmt: skip
    for s in splits:
        lines += [f"  - split: {s}", f"    path: data/{s}-*.parquet"]
    lines.append("---")
    return "\n".join(lines) + "\n"


def write_card(out: Path, manifest: dict, extra_sections: str = "") -> None:
    """Write README.md: YAML header + ``dataset_card.md`` filled with this dataset's figures."""
    template = Template(resources.files("symbolset").joinpath("dataset_card.md").read_text(encoding="utf-8"))
    fams = sorted({f for v in manifest["splits"].values() for f in v["families"]})
    splits = [s for s in SPLIT_ORDER if s in manifest["splits"]]
    header = "| family | " + " | ".join(splits) + " |\n|---|" + "---|" * len(splits) + "\n"
    rows = "".join(f"| `{f}` | " + " | ".join(str(manifest["splits"][s]["families"].get(f, 0)) for s in splits) + " |\n" for f in fams)
    total = "| **all** | " + " | ".join(f"**{manifest['splits'][s]['rows']}**" for s in splits) + " |\n"
    fam_rows = "".join(
        f"| `{f}` | {families.get(f).RULE} | ![{f}](thumbnails/{f}.png) |\n" for f in fams if f in families.FAMILY_NAMES
    )
    cfg = manifest["config"]
    text = template.safe_substitute(
        name=manifest["name"],
        generator_version=manifest["generator_version"],
        counts_table=header + rows + total,
        families_table="| family | rule | frames |\n|---|---|---|\n" + fam_rows,
        config_summary=f"{cfg['width']}x{cfg['height']} px, {cfg['num_frames']} frames at {cfg['fps']:g} fps, codec `{cfg['codec']}`, seed {cfg['seed']}",
        num_shards=len(manifest["shards"]),
        extra_sections=extra_sections,
    )
    write_bytes_atomic(out / "README.md", (card_yaml(manifest) + text).encode())


def publish(root: str | Path, repo_id: str, *, token: str | None = None, private: bool = False, revision: str | None = None) -> str:
    """Upload a validated dataset folder to the Hub as a dataset repo; returns the repo URL.

    ``upload_folder`` is resumable and splits large uploads into several commits.
    """
    from huggingface_hub import HfApi
    from huggingface_hub.errors import HfHubHTTPError

    root = Path(root)
    load_manifest(root)
    api = HfApi(token=token)
    try:
        url = api.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=True)
        api.upload_folder(folder_path=str(root), repo_id=repo_id, repo_type="dataset", revision=revision,
                          allow_patterns=["README.md", MANIFEST, "data/*.parquet", "thumbnails/*.png"],
                          commit_message=f"SymbolSet {load_manifest(root)['generator_version']}")  # fmt: skip
    except HfHubHTTPError as exc:
        raise SymbolSetError(f"{repo_id}: upload failed ({str(exc).splitlines()[0]})") from None
    except OSError as exc:  # no network, DNS failure, ...
        raise SymbolSetError(f"{repo_id}: cannot reach the Hub ({exc})") from None
    return str(url)


def iter_rows(root: str | Path, split: str | None = None, columns: list[str] | None = None):
    """Rows of a dataset folder as dicts, shard by shard (memory: one row group at a time)."""
    import pyarrow.parquet as pq

    for path in shard_paths(root, split):
        try:
            pf = pq.ParquetFile(path)
            for i in range(pf.num_row_groups):
                yield from pf.read_row_group(i, columns=columns).to_pylist()
        except (OSError, ValueError) as exc:
            raise SymbolSetError(f"{path}: unreadable Parquet shard ({exc})") from None


def find_record(root: str | Path, sample_id: str) -> dict:
    """The row with id ``sample_id``; :class:`SymbolSetError` when no shard holds it."""
    import pyarrow.parquet as pq

    for path in shard_paths(root):
        try:
            table = pq.read_table(path, filters=[("id", "=", sample_id)])
        except (OSError, ValueError) as exc:
            raise SymbolSetError(f"{path}: unreadable Parquet shard ({exc})") from None
        if table.num_rows:
            return table.to_pylist()[0]
    raise SymbolSetError(f"{root}: no record with id {sample_id!r}")
