"""Finishing a generated dataset folder for the Hugging Face Hub: manifest, thumbnails, dataset card,
and publishing. The folder layout itself, and the atomic writes, live in :mod:`symbolset.layout`."""

from __future__ import annotations

import io
import os
from collections import Counter
from importlib import resources
from pathlib import Path
from string import Template

import numpy as np
from PIL import Image

from . import __version__, claims, codec, families
from .errors import SymbolSetError
from .layout import MANIFEST, SPLITS, iter_rows, load_manifest, write_bytes_atomic, write_json_atomic
from .render import render_frame
from .spec import from_json


def finish(out: Path, cfg, shards: list[dict], *, digests: dict | None = None, source: str | None = None,
           reuse: tuple[Path, dict] | None = None, drawn: dict | None = None, software: dict | None = None,
           extra: dict | None = None) -> dict:  # fmt: skip
    """Write the manifest, thumbnails and dataset card of a fully generated folder.

    For shards kept elsewhere (an object store: ``symbolset.build_remote``), ``source`` is where the
    rows are read from (an fsspec URL) and ``digests`` maps each shard file to its ``(bytes, sha256)``;
    ``out`` is then the local folder the manifest, card and thumbnails are written to. ``reuse`` (a
    folder and its manifest's ``thumbnails``): thumbnails to copy instead of rendering when they show
    the same clip (see :func:`write_thumbnails`); ``drawn``: thumbnails already drawn by :func:`thumbnail`,
    by the checksum of the clip they show (the engine's workers draw them); ``software``:
    :func:`software_versions` as a worker found them (else this process's); ``extra``: more manifest keys.
    """
    source = out if source is None else source
    counts: dict[str, Counter] = {s: Counter() for s in SPLITS}
    entries = []
    for shard in shards:
        if digests is not None:
            size, digest = digests[shard["file"]]
        else:
            data = (out / shard["file"]).read_bytes()
            size, digest = len(data), codec.sha256(data)
        entries.append({"file": shard["file"], "split": shard["split"], "rows": len(shard["tasks"]), "bytes": size, "sha256": digest})
        counts[shard["split"]].update(t["family"] for t in shard["tasks"])
    manifest = {
        "name": cfg.name,
        "generator_version": __version__,
        "config": cfg.to_dict(),
        "splits": {s: {"rows": sum(c.values()), "families": dict(sorted(c.items()))} for s, c in counts.items() if c},
        "shards": entries,
        "software": software or software_versions(),
    }
    manifest["thumbnails"] = write_thumbnails(out, source, reuse=reuse, drawn=drawn, families={f for c in counts.values() for f in c})
    manifest.update(extra or {})
    write_json_atomic(out / MANIFEST, manifest)
    extra = ""
    if cfg.to_dict().get("style", "flat") != "flat" or cfg.composite or families.COMPOSITE in cfg.families:  # the real style's many faces, with licences (flat cards stay as they were)
        from .composite import all_elements  # a composite's faces are in its parts
        from .fontpack import card_section

        extra = card_section({"elements": all_elements(from_json(r["spec"], f"{out}: card"))} for r in iter_rows(source, columns=["spec"]))
    write_card(out, manifest, extra)
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


THUMBNAIL_FRAMES, THUMBNAIL_HEIGHT = 4, 128  # a thumbnail's frames and height in pixels, unless told otherwise


def write_thumbnails(out: Path, source: str | Path | None = None, frames_shown: int = THUMBNAIL_FRAMES, height: int = THUMBNAIL_HEIGHT,
                     reuse: tuple[Path, dict] | None = None, families: set[str] | None = None, drawn: dict | None = None) -> dict:  # fmt: skip
    """``thumbnails/<family>.png``: a few frames of each family's first clip in the folder (or in
    ``source``), re-rendered from its *stored* spec (so a converted or reviewed dataset shows clips it really holds).

    Returns what the manifest lists under ``thumbnails``: per family its file, sha256 and the
    ``checksum`` of the clip it shows (with ``frames_shown`` and ``height``). A thumbnail in
    ``reuse = (folder, that listing)`` whose file still has its sha256 and shows the same clip (same
    record checksum: same video and spec) the same way is copied instead: a conversion into Parquet
    keeps the rows' order, so it shows the same first clips, and rendering, resizing and compressing
    the strips was most of such a conversion's time. ``drawn``: :func:`thumbnail`'s strips by the
    checksum of the clip each shows (used at the default size). ``families``: every family the folder holds,
    when known: the shards are read only until each has been seen (the first shard, as a plan
    interleaves families), not to the end of a release."""
    first: dict[str, str] = {}  # family -> checksum of its first clip
    source = out if source is None else source
    for row in iter_rows(source, columns=["family", "checksum"]):
        first.setdefault(row["family"], row["checksum"])
        if families is not None and len(first) >= len(families):
            break
    entries = {
        fam: {"file": f"thumbnails/{thumbnail_name(fam)}", "checksum": c, "frames": frames_shown, "height": height}
        for fam, c in first.items()
    }
    drawn = drawn if drawn and (frames_shown, height) == (THUMBNAIL_FRAMES, THUMBNAIL_HEIGHT) else {}
    found = {fam: drawn.get(entry["checksum"]) or _reusable(reuse, fam, entry) for fam, entry in entries.items()}
    if None in found.values():  # some must be rendered: from the specs (a column read only then)
        wanted = set(first.values())
        specs = {}
        for r in iter_rows(source, columns=["checksum", "spec"]):
            if r["checksum"] in wanted:
                specs[r["checksum"]] = r["spec"]
                if len(specs) == len(wanted):  # every first clip found: the rest need not be read
                    break
    (out / "thumbnails").mkdir(exist_ok=True)
    listing = {}
    for fam, entry in entries.items():
        name = thumbnail_name(fam)
        data = found[fam]
        if data is None:
            data = _render_thumbnail(specs[entry["checksum"]], f"{out}: thumbnail of {fam}", frames_shown, height)
        tmp = out / "thumbnails" / f".{name}.tmp"  # display only: atomic, but not worth an fsync each
        tmp.write_bytes(data)
        os.replace(tmp, out / "thumbnails" / name)
        listing[fam] = {**entry, "sha256": codec.sha256(data)}
    return listing


def _reusable(reuse: tuple[Path, dict] | None, family: str, entry: dict) -> bytes | None:
    """The bytes of ``reuse``'s thumbnail of ``family`` when it is the one ``entry`` describes, intact."""
    if not reuse or not isinstance(reuse[1], dict) or not isinstance(reuse[1].get(family), dict):
        return None
    folder, listed = reuse[0], reuse[1][family]
    if any(listed.get(k) != v for k, v in entry.items()):
        return None
    try:
        data = (Path(folder) / entry["file"]).read_bytes()
    except OSError:
        return None
    return data if codec.sha256(data) == listed.get("sha256") else None


def thumbnail(spec_json: str, where: str) -> bytes:
    """The PNG strip :func:`write_thumbnails` shows for the clip of stored spec ``spec_json`` (default size)."""
    return _render_thumbnail(spec_json, where, THUMBNAIL_FRAMES, THUMBNAIL_HEIGHT)


def _render_thumbnail(spec_json: str, where: str, frames_shown: int, height: int) -> bytes:
    spec = from_json(spec_json, where)
    picks = np.linspace(0, spec["num_frames"] - 1, frames_shown).round().astype(int)
    strip = np.concatenate([render_frame(spec, int(i))[0] for i in picks], axis=1)
    img = Image.fromarray(strip)
    img = img.resize((round(img.width * height / img.height), height), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def thumbnail_name(family: str) -> str:
    """The thumbnail file of a family (``scene:x`` -> ``scene-x.png``: no colon in file names)."""
    return family.replace(":", "-") + ".png"


def card_yaml(manifest: dict) -> str:
    """The YAML header of the card: ``configs`` (so load_dataset(DIR) finds the splits) and metadata."""
    splits = [s for s in SPLITS if s in manifest["splits"]]
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
    splits = [s for s in SPLITS if s in manifest["splits"]]
    header = "| family | " + " | ".join(splits) + " |\n|---|" + "---|" * len(splits) + "\n"
    rows = "".join(f"| `{f}` | " + " | ".join(str(manifest["splits"][s]["families"].get(f, 0)) for s in splits) + " |\n" for f in fams)
    total = "| **all** | " + " | ".join(f"**{manifest['splits'][s]['rows']}**" for s in splits) + " |\n"
    scenes = manifest["config"].get("scenes", {})
    rules = {f: families.get(f).RULE if f in families.NAMED else scenes.get(f.removeprefix("scene:"), {}).get("rule", "") for f in fams}
    fam_rows = "".join(f"| `{f}` | {rules[f]} | ![{f}](thumbnails/{thumbnail_name(f)}) |\n" for f in fams)
    cfg = manifest["config"]
    text = template.safe_substitute(
        name=manifest["name"],
        generator_version=manifest["generator_version"],
        counts_table=header + rows + total,
        families_table="| family | rule | frames |\n|---|---|---|\n" + fam_rows,
        config_summary=f"{cfg['width']}x{cfg['height']} px, {cfg['num_frames']} frames at {cfg['fps']:g} fps, codec `{cfg['codec']}`"
        + (f" (real-style clips: `{cfg['real_codec']}`, {codec.settings(cfg['real_codec'])})" if cfg.get("real_codec", cfg["codec"]) != cfg["codec"] else "")
        + f", seed {cfg['seed']}",
        num_shards=len(manifest["shards"]),
        claims_table=claims.tolerance_table(),
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


