"""Converters between the Hub Parquet layout and WebDataset, TFRecord, MP4 and PNG folders."""
