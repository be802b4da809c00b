"""Converters between the Hub Parquet layout and WebDataset, TFRecord, MP4 and PNG folders (both directions).

Use :func:`symbolset.converters.convert.convert` or ``symbolset convert SRC DST --to FORMAT``.

:data:`FORMATS` is the one registry of formats (name -> :class:`Format`: the module that implements
it, its reader and writer, and how a folder of it is recognised); ``convert.py`` dispatches and
detects through it, so a new format is one module plus one entry here. A format's module is imported
on first use, so listing the formats (``symbolset convert --help``) imports none of them.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    """How ``convert`` reads, writes and recognises one format."""

    module: str  # symbolset.converters.<module> implements it
    reader: str  # class name: Reader(src, options), or Reader(src, options, name) for a folder format
    writer: str  # class name: Writer(dst, options, info), or Writer(dst, options, info, name) for a folder format
    files: tuple[str, ...] = ()  # glob patterns (relative to the folder) of files only this format has
    folder_key: str | None = None  # a <split>/metadata.jsonl format: the key its lines carry (MP4 or PNG folders)

    def open_reader(self, name: str, src, options):
        """The reader of a folder of this format."""
        cls = getattr(importlib.import_module(f"{__name__}.{self.module}"), self.reader)
        return cls(src, options, name) if self.folder_key else cls(src, options)

    def open_writer(self, name: str, dst, options, info: dict | None):
        """The writer of a folder of this format."""
        cls = getattr(importlib.import_module(f"{__name__}.{self.module}"), self.writer)
        return cls(dst, options, info, name) if self.folder_key else cls(dst, options, info)


# In detection order: a folder is the first format one of whose files it holds.
FORMATS: dict[str, Format] = {
    "parquet": Format("parquet", "ParquetReader", "ParquetWriter", files=("manifest.json", "data/*.parquet")),
    "webdataset": Format("webdataset", "WebDatasetReader", "WebDatasetWriter", files=("*.tar",)),
    "tfrecord": Format("tfrecord", "TFRecordReader", "TFRecordWriter", files=("*.tfrecord", "*.tfrecord.gz")),
    "mp4": Format("folders", "FolderReader", "FolderWriter", folder_key="file_name"),
    "png": Format("folders", "FolderReader", "FolderWriter", folder_key="frames_dir"),
}
