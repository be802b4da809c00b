"""The memory settings of a process that generates clips: the C allocator's and Python's collector's.

x264 allocates and frees several megabytes per clip (frame pools, lookahead), and the clip's frame
array is megabytes too. With glibc's defaults the freed top of the heap is handed back to the
kernel (``M_TRIM_THRESHOLD``) and large blocks are mapped and unmapped each time
(``M_MMAP_THRESHOLD``), so clip after clip faults the same memory in again: in a fresh 200-clip
run, 80k-190k minor page faults and 0.5-0.8 CPU-s of system time (benchmarks/generate_fresh.py
measures it). Keeping that memory for reuse cuts the faults to ~40k and the system time by half or
more, for no more peak memory. Python's collector scanned every object the imports made at each full
collection and ran a young collection every 700 new objects (~0.15 CPU-s a 200-clip run; ~0.06 now).
Applied only where the project owns the process (the CLI's ``generate``, the local engine's
workers); neither changes a byte of the output.
"""

from __future__ import annotations

import ctypes
import gc
import os

# mallopt(3) parameters (glibc's malloc.h) and their values here.
M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD = -1, -2, -3
SETTINGS = {
    M_MMAP_THRESHOLD: 32 << 20,  # blocks below this come from the heap (glibc's largest allowed value on 64-bit)
    M_TRIM_THRESHOLD: 128 << 20,  # free memory at the heap's top kept up to this, not returned at each free()
    M_TOP_PAD: 16 << 20,  # the heap grows by at least this much at a time
}
_USER_TUNED = ("MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_", "MALLOC_MMAP_THRESHOLD_", "MALLOC_MMAP_MAX_")


def tune_allocator() -> bool:
    """Apply :data:`SETTINGS` with glibc's ``mallopt``; returns True when applied.

    Does nothing (False) on another C library, or when the user tuned malloc themselves
    (``GLIBC_TUNABLES`` naming ``glibc.malloc``, or a ``MALLOC_*_`` variable of these settings)."""
    if "glibc.malloc." in os.environ.get("GLIBC_TUNABLES", "") or any(os.environ.get(name) for name in _USER_TUNED):
        return False
    try:
        if not os.confstr("CS_GNU_LIBC_VERSION"):  # glibc only: its mallopt parameters
            return False
        mallopt = ctypes.CDLL(None).mallopt
    except (ValueError, OSError, AttributeError):  # no such name (another C library), no os.confstr (Windows)
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    return all([mallopt(param, value) == 1 for param, value in SETTINGS.items()])


GC_THRESHOLD = 10_000  # new container objects between two young collections (Python's default: 700)


def tune_collector() -> None:
    """Python's cyclic garbage collector, for a process that makes clips: the objects that exist now
    (call it after the imports: modules, classes, functions, ~30k) are frozen out of its full
    collections, which scanned them all each time (~40 ms each), and young collections run every
    ``GC_THRESHOLD`` new objects instead of 700: a clip makes tens of thousands of short-lived
    dicts and lists that reference counting frees anyway."""
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])
