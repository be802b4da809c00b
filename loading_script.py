"""Hugging Face ``datasets`` builder for SymbolSet: ``SymbolSet``, a ``GeneratorBasedBuilder``.

``datasets`` 4+ no longer runs loading scripts through ``load_dataset("loading_script.py")``, so use
the builder class directly (or ``load_dataset(DIR_OR_REPO)``, which reads the Parquet shards through
the dataset card's ``configs:``; both give the same rows)::

    from loading_script import SymbolSet
    builder = SymbolSet(config_name="tiny")                    # or "default", or a family name
    builder.download_and_prepare()
    ds = builder.as_dataset(split="train")
    ds = ds.cast_column("video", datasets.Video(decode=False))   # raw {bytes, path}; decode with PyAV

Configs: ``tiny`` (the ``tiny/`` folder next to this file), ``default`` (every row of the dataset
folder) and one per family (only that family's rows). The dataset folder is ``data_dir=`` when
given, else this file's own folder when it holds ``data/`` (the script published in a Hub repo),
else ``tiny/`` next to it. Features are :data:`symbolset.record.FEATURES`.

Video column: rows are written as stored ``{bytes, path}``. ``datasets.Video.encode_example``
imports torchcodec whenever a torchcodec package is installed (a broken CPU install then fails), and
replaces the bytes by the path alone when a file of that name happens to exist in the working
directory; the builder therefore encodes with a pass-through subclass of ``Video`` that stores the
value as is. The prepared dataset's features are plain ``Video()`` again, equal to ``FEATURES``.
Reading ``ds[i]["video"]`` with ``decode=True`` needs torchcodec; cast to ``Video(decode=False)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import datasets

from symbolset import layout
from symbolset.errors import SymbolSetError
from symbolset.families import FAMILY_NAMES
from symbolset.record import FEATURES

HERE = Path(__file__).resolve().parent


class _StoredVideo(datasets.Video):
    """``Video`` whose encoding keeps the stored ``{bytes, path}`` as is (no torchcodec, no path lookup)."""

    def encode_example(self, value):
        if isinstance(value, dict):
            return {"bytes": value.get("bytes"), "path": value.get("path")}
        return super().encode_example(value)


@dataclass
class SymbolSetConfig(datasets.BuilderConfig):
    """A SymbolSet config: which folder (``tiny`` or a dataset folder) and which families."""

    tiny: bool = False
    families: tuple[str, ...] | None = None  # None: all


def _configs() -> list[SymbolSetConfig]:
    version = datasets.Version("0.1.0")
    out = [
        SymbolSetConfig(name="tiny", version=version, tiny=True, description="The checked-in tiny split (every family, a few clips)."),
        SymbolSetConfig(name="default", version=version, description="Every row of the dataset folder."),
    ]
    out += [SymbolSetConfig(name=f, version=version, families=(f,), description=f"Only the {f} family.") for f in FAMILY_NAMES]
    return out


class SymbolSet(datasets.GeneratorBasedBuilder):
    """SymbolSet: synthetic videos of symbols with exact captions and per-frame annotations."""

    BUILDER_CONFIG_CLASS = SymbolSetConfig
    BUILDER_CONFIGS = _configs()
    DEFAULT_CONFIG_NAME = "default"

    def _info(self) -> datasets.DatasetInfo:
        return datasets.DatasetInfo(
            description="Procedurally generated videos of text, digits, clocks, lanes and other symbols, each with "
            "English and Chinese captions and exact per-frame annotations.",
            features=FEATURES,
            homepage="https://huggingface.co/datasets/gpnu/symbolset",
            license="cc-by-4.0",
        )

    def _download_and_prepare(self, dl_manager, verification_mode, **prepare_split_kwargs):
        # Encode rows with the pass-through video feature; the saved and returned features stay FEATURES.
        stored = FEATURES.copy()
        stored["video"] = _StoredVideo()
        self.info.features = stored
        try:
            super()._download_and_prepare(dl_manager, verification_mode, **prepare_split_kwargs)
        finally:
            self.info.features = FEATURES

    def _root(self) -> Path:
        """The dataset folder this config reads."""
        if self.config.tiny:
            return HERE / "tiny"
        if self.config.data_dir:
            return Path(self.config.data_dir)
        return HERE if (HERE / "data").is_dir() and (HERE / layout.MANIFEST).is_file() else HERE / "tiny"

    def _split_generators(self, dl_manager):
        root = self._root()
        out = []
        for split in layout.SPLITS:
            paths = layout.shard_paths(root, split)
            if paths:
                out.append(datasets.SplitGenerator(name=split, gen_kwargs={"root": str(root), "split": split}))
        if not out:
            raise SymbolSetError(f"{root}: no Parquet shards under data/")
        return out

    def _generate_examples(self, root: str, split: str):
        keep = set(self.config.families) if self.config.families else None
        for row in layout.iter_rows(root, split):  # one row group in memory at a time; a damaged shard is one clear error
            if keep is None or row["family"] in keep:
                yield row["id"], row
