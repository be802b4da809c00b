"""TensorFlow adapter: :func:`to_tf_dataset` gives a ``tf.data.Dataset`` of SymbolSet samples.

The samples are the PyTorch loader's (same :mod:`symbolset.sampling` code: frame sampling, resize,
crop, caption choice, PyAV decoding), so both give pixel-identical frames for the same options,
seed and epoch. Decoding runs in parallel inside ``tf.numpy_function`` (PyAV releases the GIL
while decoding) and the pipeline prefetches.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import numpy as np
import tensorflow as tf

from . import sampling, sources
from .errors import SymbolSetError

_OK, _SKIP, _STOP = np.int8(0), np.int8(1), np.int8(2)  # a sample's status: read, skipped or stop (the handler's answer)
DTYPES = {"uint8": tf.uint8, "float32": tf.float32, "float16": tf.float16}


def to_tf_dataset(source: Any = "tiny", split: str = "train", *, num_frames: int | None = None, stride: int = 1, fps: float | None = None,
                  clip_start: str | int = "random", resize=None, crop=None, crop_mode: str = "center", dtype: str = "uint8",
                  caption: str = "en.detailed", annotations: bool = False, families=None, difficulty=None, seed: int = 0,
                  handler: Callable[[Exception], bool] | None = None, on_error: str | None = None, columns=(), verify: bool = False, shuffle: bool = False, epochs: int | None = 1, batch_size: int | None = None,
                  num_parallel_calls: int | None = None, prefetch: int | None = None, revision: str | None = None,
                  cache_dir: str | None = None) -> tf.data.Dataset:  # fmt: skip
    """A ``tf.data.Dataset`` of dicts with a fixed ``output_signature``.

    Elements: ``video`` ``[T, H, W, 3]`` (``uint8``, or float in [0, 1] with ``dtype="float32"``),
    ``caption``, ``caption_key``, ``id``, ``family`` (``tf.string``), ``index`` (``int64``, the
    row's position among the selected rows), ``frames`` (``int64 [T]``, stored frame numbers) and,
    with ``annotations=True``, ``annotations`` (``tf.string``: the re-indexed, re-scaled frame
    annotations as JSON), and each stored field named in ``columns`` (``tf.string``, as JSON). T, H and W are static when fixed by the options or uniform in the data.

    Options as for :class:`symbolset.torch.SymbolVideoDataset` (``source``, ``split``, frame,
    resize/crop, caption, filter, ``seed``, ``handler``, deprecated ``on_error``). ``epochs`` passes over the data (None:
    forever), each with its epoch number for random choices and, with ``shuffle=True``, its own
    order. ``batch_size`` batches (needs static shapes); ``num_parallel_calls`` and ``prefetch``
    default to ``tf.data.AUTOTUNE``. ``verify=True`` checks each record against its stored checksum
    before decoding. ``handler`` (webdataset-style, e.g. ``webdataset.handlers.warn_and_continue``) is called
    with the error of an undecodable (or, verifying, damaged) sample: True drops the sample, False ends
    the dataset there, raising (the default) fails the iteration with a ``tf.errors.OpError`` naming
    the sample and shard.
    """
    opts = sampling.ClipOptions(num_frames=num_frames, stride=stride, fps=fps, clip_start=clip_start, resize=resize, crop=crop,
                               crop_mode=crop_mode, caption=caption, annotations=annotations, seed=seed,
                               columns=tuple(columns or ()), verify=verify)  # fmt: skip
    if dtype not in DTYPES:
        raise SymbolSetError(f"dtype: expected one of {', '.join(DTYPES)}, got {dtype!r}")
    handler = sampling.error_handler(handler, on_error)
    if epochs is not None and (not isinstance(epochs, int) or epochs < 1):
        raise SymbolSetError(f"epochs: expected a positive integer or None, got {epochs!r}")
    src = sources.resolve(source, split, revision=revision, cache_dir=cache_dir)
    index = sources.Index.build(src, sources.make_filter(families, difficulty))
    reader = sources.RowReader(src, index, opts.read_columns())  # safe under tf.data's parallel map threads
    t, h, w = _static_shape(src, index, opts)
    n = len(index)
    autotune = tf.data.AUTOTUNE

    def load(epoch, i):
        epoch, i = int(epoch), int(i)
        row = reader.read(i)
        where = reader.where(i)
        try:
            s = sampling.make_sample(row, opts, epoch, where=where)
        except SymbolSetError as exc:
            status = _SKIP if handler(exc) else _STOP
            shape = (t or 1, h or 1, w or 1, 3)
            return (np.zeros(shape, np.uint8), b"", b"", row["id"].encode(), row["family"].encode(), np.zeros(shape[0], np.int64), b"[]",
                    status, *[b"null"] * len(opts.columns))  # fmt: skip
        notes = json.dumps(list(s.get("annotations", [])), ensure_ascii=False).encode()
        extra = [json.dumps(s[c], ensure_ascii=False).encode() for c in opts.columns]
        return (s["video"], s["caption"].encode(), s["caption_key"].encode(), s["id"].encode(), s["family"].encode(),
                s["frames"].astype(np.int64), notes, _OK, *extra)  # fmt: skip

    def to_element(epoch, i):
        types = [tf.uint8, tf.string, tf.string, tf.string, tf.string, tf.int64, tf.string, tf.int8] + [tf.string] * len(opts.columns)
        out = tf.numpy_function(load, [epoch, i], types, stateful=False)
        video, cap, key, sid, fam, frames, notes, status = out[:8]
        video = tf.ensure_shape(video, [t, h, w, 3])
        if dtype != "uint8":
            video = tf.cast(video, DTYPES[dtype]) / 255
        element = {"video": video, "caption": tf.ensure_shape(cap, []), "caption_key": tf.ensure_shape(key, []), "id": tf.ensure_shape(sid, []),
                   "family": tf.ensure_shape(fam, []), "index": tf.ensure_shape(i, []), "frames": tf.ensure_shape(frames, [t])}  # fmt: skip
        if annotations:
            element["annotations"] = tf.ensure_shape(notes, [])
        for name, value in zip(opts.columns, out[8:]):
            element[name] = tf.ensure_shape(value, [])
        return element, tf.ensure_shape(status, [])

    epochs_ds = tf.data.Dataset.range(epochs) if epochs is not None else tf.data.Dataset.range(2**62)
    if shuffle:
        def order(epoch):  # each epoch's order is a pure function of (seed, epoch)
            return np.random.default_rng([seed, int(epoch), 3]).permutation(n).astype(np.int64)

        pairs = epochs_ds.flat_map(
            lambda e: tf.data.Dataset.from_tensor_slices(tf.numpy_function(order, [e], tf.int64, stateful=False)).map(lambda i: (e, i))
        )
    else:
        pairs = epochs_ds.flat_map(lambda e: tf.data.Dataset.range(n).map(lambda i: (e, i)))
    ds = pairs.map(to_element, num_parallel_calls=num_parallel_calls or autotune, deterministic=True)
    ds = ds.take_while(lambda element, status: status != _STOP).filter(lambda element, status: status == _OK)
    ds = ds.map(lambda element, status: element)
    if batch_size:
        ds = ds.batch(batch_size)
    return ds.prefetch(prefetch or autotune)


def _static_shape(src: sources.Source, index: sources.Index, opts: sampling.ClipOptions) -> tuple[int | None, int | None, int | None]:
    """(T, H, W) known before decoding: from the options, or from the metadata when every row agrees."""
    meta = _metadata(src, index)
    sizes = {(int(h), int(w)) for h, w in zip(meta["height"], meta["width"])}
    h = w = None
    if len(sizes) == 1:
        h, w = opts.out_size(*sizes.pop())
    elif opts.resize is not None and not isinstance(opts.resize, int):  # a fixed (h, w) resize: size known whatever the input
        h, w = opts.out_size(1, 1)
    t = opts.num_frames
    if t is None:
        counts = {(int(c), float(f)) for c, f in zip(meta["num_frames"], meta["fps"])}
        if len(counts) == 1:
            total, fps = counts.pop()
            t = len(sampling.frame_indices(total, fps, opts, np.random.default_rng(0)))
    return t, h, w


def _metadata(src: sources.Source, index: sources.Index) -> dict:
    cols = ["num_frames", "fps", "width", "height"]
    if src.dataset is not None:
        return src.dataset.select_columns(cols).select(index.row.tolist()).to_dict()
    out = {c: [] for c in cols}
    for s, path in enumerate(src.shards):
        rows = index.row[index.shard == s]
        if not len(rows):
            continue
        table = sources.open_shard(path).read(columns=cols).take(rows)
        for c in cols:
            out[c].extend(table.column(c).to_pylist())
    return out
