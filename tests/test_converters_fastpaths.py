"""The converters' fast paths give exactly what the general paths give."""

from __future__ import annotations

import math

from symbolset.converters import fields, tfexample
from symbolset.converters import webdataset as wds


def _tar(path, members):
    path.write_bytes(b"".join(wds.tar_member(n, d) for n, d in members) + b"\0" * (2 * wds.BLOCK))
    return path


def test_plain_ustar_index_matches_tarfile_and_other_formats_fall_back(tmp_path):
    members = [("a.json", b"{}"), ("a.mp4", b"x" * 700), ("a.txt", b"cap"), ("b.json", b"{}"), ("b.mp4", b""), ("b.txt", b"t")]
    plain = _tar(tmp_path / "plain.tar", members)
    index = wds._plain_index(plain)
    assert index is not None
    end_plain, end_tarfile = [0], [0]
    got = list(wds._read_plain(plain, index, end_plain))
    want = list(wds._read_tarfile(plain, end_tarfile))
    assert got == want and end_plain == end_tarfile and [m[0] for m in got] == [n for n, _ in members]
    long_name = "k" * 120 + ".json"  # needs a pax header: tarfile reads it
    assert wds._plain_index(_tar(tmp_path / "pax.tar", [(long_name, b"{}")])) is None
    (tmp_path / "cut.tar").write_bytes(plain.read_bytes()[: 3 * wds.BLOCK])  # truncated inside a member
    assert wds._plain_index(tmp_path / "cut.tar") is None


def test_varint_fast_path_and_json_match_the_general_code():
    for n in (0, 1, 127, 128, 300, 2**31, -1, -(2**40)):
        slow, m = bytearray(), n & ((1 << 64) - 1)
        while m > 0x7F:
            slow.append((m & 0x7F) | 0x80)
            m >>= 7
        slow.append(m)
        assert tfexample._varint(n) == bytes(slow)
        assert tfexample._read_varint(memoryview(bytes(slow)), 0) == (n & ((1 << 64) - 1), len(slow))
    meta = {"caption": "时钟 12:05 — ok", "fps": 8.0, "x": 1e-05, "n": [1, 2.5, {"s": "é"}]}
    assert fields.loads(fields.dumps(meta), "here") == meta
    try:
        fields.dumps({"fps": math.nan})
    except ValueError:
        pass
    else:
        raise AssertionError("NaN must be refused, as json with allow_nan=False does")


def test_tar_header_from_the_template_is_what_tarfile_writes():
    for name in ("a.json", "k" * 100, "x" * 96 + ".mp4", "é.txt", "k" * 101, "a b/c.txt"):
        for size in (0, 1, 511, 512, 513, 10**6, 8**11 - 1, 8**11):
            assert wds._header(name, size) == wds._tarinfo_header(name, size), (name, size)


def test_example_decoder_reads_what_the_encoder_wrote():
    import random
    import struct

    rng = random.Random(0)
    examples = [
        {"a": ("bytes", [b"x", b"", "é".encode()]), "f": ("float", [0.5, -2.0, 1e30]), "i": ("int64", [0, -1, 2**62, -(2**63), 300])},
        {"e": ("int64", []), "g": ("float", []), "h": ("bytes", []), "long": ("bytes", [b"y" * 70000]), "ü": ("int64", [1])},
    ]
    for _ in range(40):
        examples.append({f"k{j}": (kind, [b"%d" % rng.randrange(10**6)] if kind == "bytes" else
                                   [rng.uniform(-1e3, 1e3)] * rng.randrange(3) if kind == "float" else
                                   [rng.randrange(-(2**63), 2**63) for _ in range(rng.randrange(3))])
                         for j, kind in enumerate(rng.choice(["bytes", "float", "int64"]) for _ in range(rng.randrange(1, 6)))})  # fmt: skip
    for features in examples:
        data = tfexample.encode_example(features)
        assert tfexample.decode_example(data) == {k: (kind, [struct.unpack("<f", struct.pack("<f", v))[0] for v in vals] if kind == "float" else vals)
                                                  for k, (kind, vals) in features.items()}  # fmt: skip
        assert tfexample.decode_sequence_example(data) == (tfexample.decode_example(data), {})
    unpacked = bytes.fromhex("0a0b" "0a09" "0a0161" "1204" "1a02" "0801")  # Example{features{"a": int64_list{value: 1}, unpacked}}
    assert tfexample.decode_example(unpacked) == {"a": ("int64", [1])}

