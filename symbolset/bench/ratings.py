"""Human ratings of benchmark videos (given with ``symbolset view RESULTS --rate --rater NAME``).

A person scores each scored video of a ``bench run`` results folder from 1 (bad) to 5 (perfect)
on three criteria, the ones SymbolBench's components measure:

- ``legibility``: the symbols asked for are there, correct and readable (Mt),
- ``temporal``: they stay coherent over time, no flicker, jumps or breaking strokes (Mc),
- ``sharpness``: the frames are sharp and clean (Mf).

Ratings are durable the moment they are given, like review decisions: one SQLite file (WAL,
``synchronous=FULL``), rows only ever inserted; a rater's latest rating of a video counts.
``symbolset bench validate --human RESULTS`` correlates them with the metrics. The rating page
itself is ``symbolset.viewer.ratings``.

Table::

    ratings(id, video, prompt_id, rater, time, legibility, temporal, sharpness)   append-only
"""

from __future__ import annotations

import hashlib
import time
from contextlib import closing
from pathlib import Path

from ..errors import SymbolSetError
from ..sqlite_store import SQLiteStore
from .compare import load_scores

CRITERIA = ("legibility", "temporal", "sharpness")
CRITERIA_HELP = {
    "legibility": "legibility / correctness: the symbols asked for are there, right and readable",
    "temporal": "temporal coherence: no flicker, jumps, or strokes breaking between frames",
    "sharpness": "sharpness: clean, sharp frames",
}
_SCHEMA = """
CREATE TABLE IF NOT EXISTS ratings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    video TEXT NOT NULL,
    prompt_id TEXT NOT NULL,
    rater TEXT NOT NULL,
    time REAL NOT NULL,
    legibility INTEGER NOT NULL CHECK (legibility BETWEEN 1 AND 5),
    temporal INTEGER NOT NULL CHECK (temporal BETWEEN 1 AND 5),
    sharpness INTEGER NOT NULL CHECK (sharpness BETWEEN 1 AND 5)
);
CREATE INDEX IF NOT EXISTS ratings_video ON ratings (video, id);
"""


class RatingStore(SQLiteStore):
    """Durable 1-5 ratings in one SQLite file (safe for several processes at once)."""

    def __init__(self, path: str | Path, *, create: bool = True):
        if not create and not Path(path).is_file():
            raise SymbolSetError(f"{path}: no such ratings database")
        super().__init__(path, _SCHEMA, "ratings database")

    def record(self, video: str, prompt_id: str, rater: str, scores: dict) -> int:
        """Store one rating (committed before returning); ``scores``: each criterion -> 1..5."""
        rater = (rater or "").strip()
        if not rater:
            raise SymbolSetError("a rating needs a rater name")
        values = []
        for c in CRITERIA:
            v = scores.get(c)
            if isinstance(v, float) and v.is_integer():
                v = int(v)
            if not isinstance(v, int) or isinstance(v, bool) or not 1 <= v <= 5:
                raise SymbolSetError(f"rating {c}: expected an integer 1..5, got {v!r}")
            values.append(v)
        with closing(self._connect()) as db:
            cur = db.execute("INSERT INTO ratings (video, prompt_id, rater, time, legibility, temporal, sharpness) VALUES (?, ?, ?, ?, ?, ?, ?)",
                             (video, prompt_id, rater, time.time(), *values))  # fmt: skip
            return int(cur.lastrowid)

    def ratings(self) -> list[dict]:
        """Every rating, oldest first."""
        with closing(self._connect()) as db:
            return [dict(r) for r in db.execute("SELECT * FROM ratings ORDER BY id")]

    def rated(self, rater: str) -> set[str]:
        """Videos ``rater`` has rated."""
        with closing(self._connect()) as db:
            return {r[0] for r in db.execute("SELECT DISTINCT video FROM ratings WHERE rater = ?", (rater,))}


def video_scores(ratings: list[dict]) -> dict[str, dict]:
    """Per video: each criterion's mean over raters (each rater's latest rating counts), their
    mean as ``overall``, the prompt id and the number of raters."""
    latest: dict[str, dict[str, dict]] = {}
    for r in ratings:
        latest.setdefault(r["video"], {})[r["rater"]] = r
    out = {}
    for video, by_rater in latest.items():
        rs = list(by_rater.values())
        s = {c: sum(r[c] for r in rs) / len(rs) for c in CRITERIA}
        s["overall"] = sum(s[c] for c in CRITERIA) / len(CRITERIA)
        out[video] = {**s, "prompt_id": rs[-1]["prompt_id"], "raters": len(rs)}
    return out


def rating_queue(results: str | Path, seed: int = 0) -> list[dict]:
    """The scored videos of a results folder (its ``scores.jsonl``) in a seeded order that does not
    follow the run's (so a rater is not led by the prompt order): ``{"video", "id", "family"}``."""
    rows = [r for r in load_scores(results) if not r.get("error") and r.get("video")]
    if not rows:
        raise SymbolSetError(f"{results}: no scored video to rate")
    items = [{"video": str(r["video"]), "id": r["id"], "family": str(r.get("family"))} for r in rows]
    return sorted(items, key=lambda it: hashlib.sha256(f"{seed}:{it['video']}".encode()).hexdigest())
