"""Converters between the Hub Parquet layout and WebDataset, TFRecord, MP4 and PNG folders (both directions).

Use :func:`symbolset.converters.convert.convert` or ``symbolset convert SRC DST --to FORMAT``.
"""

FORMATS = ("parquet", "webdataset", "tfrecord", "mp4", "png")
