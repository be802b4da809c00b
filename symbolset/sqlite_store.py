"""One durable SQLite file shared by several processes: the base of the review and rating stores.

WAL journal (readers never block the writer), ``synchronous=FULL`` (a committed row survives a crash
or power loss) and a 30 s busy timeout; rows are only ever inserted by the stores built on it.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from .errors import SymbolSetError


class SQLiteStore:
    """Opens (and creates) ``path`` with ``schema``; ``kind`` names it in errors ("review database")."""

    def __init__(self, path: str | Path, schema: str, kind: str):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with closing(self._connect()) as db:
                db.execute("PRAGMA journal_mode=WAL")
                db.executescript(schema)
        except sqlite3.DatabaseError as exc:
            raise SymbolSetError(f"{self.path}: not a {kind} ({exc})") from None
        except OSError as exc:
            raise SymbolSetError(f"{self.path}: cannot create ({exc.strerror})") from None

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA busy_timeout=30000")
        db.row_factory = sqlite3.Row
        return db
