"""The review store: every human decision, durable the moment it is made (SQLite, WAL, synchronous FULL).

Tables::

    decisions(id, sample_id, reviewer, time, action, captions, reason, previous)   append-only
    cursors(reviewer, position, time)                                              where each reviewer is
    claims(sample_id, reviewer, time)                                              who has a sample open

A decision is ``accept``, ``edit`` (``captions``: the full edited ``{en, zh} x {short, detailed,
temporal}`` as JSON) or ``flag`` (``reason``). ``previous`` holds the sample's state just before the
decision (the latest decision by anyone, or the generated captions), so nothing is ever lost.
Rows are only inserted, never updated: two reviewers at once cannot overwrite each other; each
connection waits for the other's write lock (``busy_timeout``).

The review queue is a deterministic ~10% sample, stratified by family and seeded
(:func:`review_sample`). A reviewer gets the next queue sample that nobody has decided and that no
other reviewer has open (claims expire after :data:`CLAIM_SECONDS`); the cursor makes a restart
resume where it stopped.
"""

from __future__ import annotations

import hashlib
import json
import math
import sqlite3
import time
from collections.abc import Iterable
from contextlib import closing
from pathlib import Path

from symbolset.errors import SymbolSetError
from symbolset.sqlite_store import SQLiteStore

ACTIONS = ("accept", "edit", "flag")
CLAIM_SECONDS = 15 * 60
_SCHEMA = """
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sample_id TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    time REAL NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('accept', 'edit', 'flag')),
    captions TEXT,
    reason TEXT,
    previous TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS decisions_sample ON decisions (sample_id, id);
CREATE TABLE IF NOT EXISTS cursors (reviewer TEXT PRIMARY KEY, position INTEGER NOT NULL, time REAL NOT NULL);
CREATE TABLE IF NOT EXISTS claims (sample_id TEXT PRIMARY KEY, reviewer TEXT NOT NULL, time REAL NOT NULL);
"""


def review_sample(items: Iterable[tuple[str, str]], *, fraction: float = 0.1, seed: int = 0) -> list[str]:
    """A deterministic ~``fraction`` sample of ``(id, family)`` pairs, stratified by family.

    Each family contributes ``ceil(fraction * count)`` ids (at least one): those with the smallest
    ``sha256(seed:id)``. The result is ordered by that hash, so families are interleaved, and it
    does not depend on the order of ``items``.
    """
    if not 0 < fraction <= 1:
        raise SymbolSetError(f"review fraction must be in (0, 1], got {fraction!r}")
    by_family: dict[str, list[tuple[str, str]]] = {}
    for sample_id, family in items:
        key = hashlib.sha256(f"{seed}:{sample_id}".encode()).hexdigest()
        by_family.setdefault(family, []).append((key, sample_id))
    chosen = []
    for members in by_family.values():
        members.sort()
        chosen += members[: max(1, math.ceil(fraction * len(members)))]
    return [sample_id for _, sample_id in sorted(chosen)]


class ReviewStore(SQLiteStore):
    """Durable review decisions in one SQLite file (safe for several processes at once)."""

    def __init__(self, path: str | Path):
        super().__init__(path, _SCHEMA, "review database")

    # ------------------------------------------------------------------ decisions

    def record(self, sample_id: str, reviewer: str, action: str, *, original: dict, captions: dict | None = None, reason: str = "") -> int:
        """Store one decision at once (committed before returning); returns its id.

        ``original`` is the sample's generated captions: the "previous value" of a first decision.
        """
        reviewer = (reviewer or "").strip()
        if not reviewer:
            raise SymbolSetError("a review decision needs a reviewer name")
        if action not in ACTIONS:
            raise SymbolSetError(f"unknown review action {action!r} (known: {', '.join(ACTIONS)})")
        if action == "edit" and not captions:
            raise SymbolSetError("an edit needs the edited captions")
        if action == "flag" and not (reason or "").strip():
            raise SymbolSetError("a flag needs a reason")
        try:
            with closing(self._connect()) as db:
                db.execute("BEGIN IMMEDIATE")  # serialises writers: 'previous' is exactly the state replaced
                try:
                    last = db.execute("SELECT * FROM decisions WHERE sample_id = ? ORDER BY id DESC LIMIT 1", (sample_id,)).fetchone()
                    previous = _as_dict(last) if last else {"action": "generated", "captions": original}
                    cur = db.execute(
                        "INSERT INTO decisions (sample_id, reviewer, time, action, captions, reason, previous) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (sample_id, reviewer, time.time(), action, json.dumps(captions, ensure_ascii=False) if action == "edit" else None,
                         reason.strip() if action == "flag" else None, json.dumps(previous, ensure_ascii=False)),
                    )  # fmt: skip
                    db.execute("DELETE FROM claims WHERE sample_id = ? AND reviewer = ?", (sample_id, reviewer))
                    db.execute("COMMIT")
                except BaseException:
                    if db.in_transaction:  # SQLite may already have rolled back (disk full)
                        db.execute("ROLLBACK")
                    raise
                return int(cur.lastrowid)
        except sqlite3.Error as exc:  # disk full, I/O error, read-only file: the reviewer must know
            raise SymbolSetError(f"decision not saved: {self.path}: {exc} ({sample_id} stays undecided; fix this and decide again)") from None

    def decisions(self, sample_id: str | None = None) -> list[dict]:
        """All decisions (of one sample, or every one), oldest first."""
        with closing(self._connect()) as db:
            if sample_id is None:
                rows = db.execute("SELECT * FROM decisions ORDER BY id").fetchall()
            else:
                rows = db.execute("SELECT * FROM decisions WHERE sample_id = ? ORDER BY id", (sample_id,)).fetchall()
        return [_as_dict(r) for r in rows]

    def decided(self, sample_ids: Iterable[str] | None = None, reviewer: str | None = None) -> set[str]:
        """Ids with at least one decision (by ``reviewer``, or by anyone), optionally within ``sample_ids``."""
        with closing(self._connect()) as db:
            if reviewer is None:
                found = {r[0] for r in db.execute("SELECT DISTINCT sample_id FROM decisions")}
            else:
                found = {r[0] for r in db.execute("SELECT DISTINCT sample_id FROM decisions WHERE reviewer = ?", (reviewer,))}
        return found if sample_ids is None else found & set(sample_ids)

    # ------------------------------------------------------------------ queue position

    def next_sample(self, queue: list[str], reviewer: str, *, after: str | None = None) -> str | None:
        """The sample ``reviewer`` should see next, claimed for them; ``None`` when the queue is done.

        Starts at ``after``'s successor (a skip) or at the reviewer's stored cursor (a resume), takes
        the first sample nobody has decided and no other reviewer has open, wrapping around once.
        """
        if not queue:
            return None
        try:
            return self._next_sample(queue, reviewer, after)
        except sqlite3.Error as exc:
            raise SymbolSetError(f"{self.path}: cannot move to the next sample ({exc})") from None

    def _next_sample(self, queue: list[str], reviewer: str, after: str | None) -> str | None:
        now = time.time()
        with closing(self._connect()) as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                done = {r[0] for r in db.execute("SELECT DISTINCT sample_id FROM decisions")}
                held = {
                    r[0]
                    for r in db.execute("SELECT sample_id FROM claims WHERE reviewer != ? AND time > ?", (reviewer, now - CLAIM_SECONDS))
                }
                if after is not None and after in queue:
                    start = queue.index(after) + 1
                else:
                    row = db.execute("SELECT position FROM cursors WHERE reviewer = ?", (reviewer,)).fetchone()
                    start = row[0] if row else 0
                order = [(start + k) % len(queue) for k in range(len(queue))]
                pick = next((i for i in order if queue[i] not in done and queue[i] not in held), None)
                if pick is None:  # everything left is open elsewhere: offer it anyway rather than nothing
                    pick = next((i for i in order if queue[i] not in done), None)
                if pick is not None:
                    db.execute("INSERT OR REPLACE INTO cursors (reviewer, position, time) VALUES (?, ?, ?)", (reviewer, pick, now))
                    db.execute("DELETE FROM claims WHERE reviewer = ?", (reviewer,))
                    db.execute("INSERT OR REPLACE INTO claims (sample_id, reviewer, time) VALUES (?, ?, ?)", (queue[pick], reviewer, now))
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
        return None if pick is None else queue[pick]

    def progress(self, queue: list[str], reviewer: str | None = None) -> dict:
        """``{"done": n, "total": N, "mine": k}``: queue samples decided by anyone, and by ``reviewer``."""
        done = self.decided(queue)
        mine = self.decided(queue, reviewer) if reviewer else set()
        return {"done": len(done), "total": len(queue), "mine": len(mine)}


def resolve(decisions: list[dict]) -> dict[str, dict]:
    """The outcome of each reviewed sample, from all decisions (oldest first).

    Per sample, each reviewer's latest decision counts. A flag from any reviewer drops the sample
    (a problem seen by one person is enough); otherwise the most recent edit gives the captions;
    otherwise the sample is accepted. Returns ``{id: {"action", "captions", "reasons",
    "reviewers", "conflict"}}`` where ``conflict`` marks reviewers who disagreed.
    """
    latest: dict[str, dict[str, dict]] = {}
    for d in decisions:
        latest.setdefault(d["sample_id"], {})[d["reviewer"]] = d
    out = {}
    for sample_id, per_reviewer in latest.items():
        ds = sorted(per_reviewer.values(), key=lambda d: d["id"])
        flags = [d for d in ds if d["action"] == "flag"]
        edits = [d for d in ds if d["action"] == "edit"]
        outcome = {"reviewers": sorted(per_reviewer), "reasons": [f"{d['reviewer']}: {d['reason']}" for d in flags], "captions": None}
        if flags:
            outcome["action"] = "flag"
        elif edits:
            outcome["action"], outcome["captions"] = "edit", edits[-1]["captions"]
        else:
            outcome["action"] = "accept"
        kinds = {(d["action"], json.dumps(d["captions"], sort_keys=True)) for d in ds}
        outcome["conflict"] = len(kinds) > 1
        out[sample_id] = outcome
    return out


def _as_dict(row: sqlite3.Row) -> dict:
    d = dict(row)
    d["captions"] = json.loads(d["captions"]) if d.get("captions") else None
    if isinstance(d.get("previous"), str):
        d["previous"] = json.loads(d["previous"])
    return d
