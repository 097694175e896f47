"""A worker's on-disk outbox: results wait here until the API has taken them, in order, across API outages and
worker restarts (SQLite in WAL mode: a crash loses nothing that was put).

Delivery is at least once: a result sent just before a crash is sent again after it. The API stores each result
once (occupancy samples by camera and instant), so at least once here is exactly once there. The outbox is bounded:
when full, the oldest droppable results (occupancy samples — the next sample carries the count again) go first and
are counted; punches and gate decisions are never dropped.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    droppable INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""
DROP_OLDEST = "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE droppable = 1 ORDER BY id LIMIT ?)"


def _json(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__} in the outbox")


@dataclass(frozen=True)
class Entry:
    id: int
    kind: str
    payload: dict[str, Any]


class Outbox:
    def __init__(self, path: Path, max_entries: int = 200_000) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.max_entries = max_entries
        self._lock = threading.Lock()  # one connection, used by the analysis threads and the delivery thread
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable across a process crash
        self._db.executescript(SCHEMA)

    def put(self, kind: str, payloads: list[dict[str, Any]], *, droppable: bool) -> None:
        rows = [(kind, json.dumps(p, default=_json), int(droppable)) for p in payloads]
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany("INSERT INTO outbox (kind, payload, droppable) VALUES (?, ?, ?)", rows)
                over = self._count() - self.max_entries
                if over > 0:
                    dropped = self._db.execute(DROP_OLDEST, (over,)).rowcount
                    self._db.execute(
                        "INSERT INTO counters (name, value) VALUES ('dropped', ?) "
                        "ON CONFLICT (name) DO UPDATE SET value = value + excluded.value",
                        (dropped,),
                    )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def _count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM outbox").fetchone()[0])

    def oldest(self, limit: int) -> list[Entry]:
        """The oldest entries of the oldest entry's kind, in order (a batch is all of one kind)."""
        with self._lock:
            first = self._db.execute("SELECT kind FROM outbox ORDER BY id LIMIT 1").fetchone()
            if first is None:
                return []
            rows = self._db.execute("SELECT id, kind, payload FROM outbox ORDER BY id LIMIT ?", (limit,)).fetchall()
        batch = []
        for row_id, kind, payload in rows:
            if kind != first[0]:
                break  # keep the order across kinds: the next batch starts with this one
            batch.append(Entry(row_id, kind, json.loads(payload)))
        return batch

    def remove(self, ids: list[int]) -> None:
        with self._lock:
            self._db.executemany("DELETE FROM outbox WHERE id = ?", [(i,) for i in ids])

    def size(self) -> int:
        with self._lock:
            return self._count()

    def dropped(self) -> int:
        with self._lock:
            row = self._db.execute("SELECT value FROM counters WHERE name = 'dropped'").fetchone()
        return int(row[0]) if row else 0

    def close(self) -> None:
        with self._lock:
            self._db.close()
