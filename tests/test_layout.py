"""The ground floor: readers import the dataset layout, never the renderer or the generator."""

import subprocess
import sys

import pytest


@pytest.mark.parametrize("module", ["symbolset.layout", "symbolset.sources", "symbolset.torch"])
def test_readers_do_not_import_the_renderer(module):
    heavy = ["cv2", "symbolset.render", "symbolset.families", "symbolset.fonts", "symbolset.build", "symbolset.hub", "symbolset.record"]
    code = f"import sys, {module}; print(','.join(m for m in {heavy!r} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "", f"import {module} pulled in {loaded}"


def test_shard_file_names_follow_the_hub_pattern():
    from symbolset.layout import shard_file

    assert shard_file("train", 3, 12) == "data/train-00003-of-00012.parquet"


def test_record_checksum_catches_a_flipped_byte_in_video_or_spec(tiny_dir):
    from symbolset.errors import SymbolSetError
    from symbolset.layout import check_record, iter_rows

    row = next(iter_rows(tiny_dir))
    check_record(row)
    video = bytearray(row["video"]["bytes"])
    video[len(video) // 2] ^= 1
    with pytest.raises(SymbolSetError, match=f"record '{row['id']}': checksum mismatch"):
        check_record({**row, "video": {**row["video"], "bytes": bytes(video)}})
    with pytest.raises(SymbolSetError, match="checksum mismatch"):
        check_record({**row, "spec": row["spec"].replace('"fps"', '"fps" ', 1)})
    with pytest.raises(SymbolSetError, match=f"{row['id']!r}: no checksum"):
        check_record({k: v for k, v in row.items() if k != "checksum"})
