"""SQLite persistence: WAL mode, write-through, named snapshots through the backup API.

Every object lives in memory (``Store.objects``) and in the ``objects`` table. The engine
marks what a request changed; :meth:`Store.flush` writes those rows in one transaction
before the answer leaves, so an acknowledged change survives ``kill -9``.
"""

import gc
import json
import os
import sqlite3

SCHEMA = """
CREATE TABLE IF NOT EXISTS objects (urn TEXT PRIMARY KEY, kind TEXT NOT NULL, data TEXT NOT NULL, sim TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, due REAL NOT NULL, payload TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class Record(object):
    """One simulated object: its VRM representation and simulator-only data."""

    __slots__ = ("urn", "kind", "data", "sim")

    def __init__(self, urn, kind, data, sim=None):
        self.urn = urn
        self.kind = kind
        self.data = data
        self.sim = sim if sim is not None else {}


class Store(object):
    def __init__(self, path):
        self.path = path
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        # NORMAL is durable against a crash of this process (the WAL is in the OS page cache);
        # only a power loss could lose the last transactions.
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        self.objects = {}
        self.by_kind = {}
        self.meta = {}
        self.events = {}
        self._dirty = set()
        self._deleted = set()
        self._meta_dirty = set()
        self._events_added = {}
        self._events_removed = set()
        # Bumped by every change (and by the server around every non-GET request): a cached
        # rendering is valid only for the generation it was made in.
        self.generation = 0

    # -- loading ---------------------------------------------------------------------------
    def load(self):
        self.generation += 1
        self.objects.clear()
        self.by_kind.clear()
        rows = self.db.execute("SELECT urn, kind, data, sim FROM objects").fetchall()
        # One decode of one array: much faster than a decode per row, and the decoder shares the
        # key strings of all objects (a restart with 10,000 VMs needs a third less memory). The
        # cyclic garbage collector is paused meanwhile: the millions of new containers would make
        # it scan the growing heap again and again, and none of them is garbage.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            decoded = json.loads("[" + ",".join("[%s,%s]" % (data, sim) for _u, _k, data, sim in rows) + "]")
            for (urn, kind, _d, _s), (data, sim) in zip(rows, decoded):
                rec = Record(urn, kind, data, sim)
                self.objects[urn] = rec
                self.by_kind.setdefault(kind, {})[urn] = rec
        finally:
            if was_enabled:
                gc.enable()
        self.meta = {k: json.loads(v) for k, v in self.db.execute("SELECT key, value FROM meta")}
        self.events = {}
        for seq, due, payload in self.db.execute("SELECT seq, due, payload FROM events"):
            self.events[seq] = (due, json.loads(payload))

    def is_empty(self):
        return not self.objects and not self.meta

    # -- access ------------------------------------------------------------------------------
    def get(self, urn):
        return self.objects.get(urn)

    def kind(self, kind):
        """Records of a kind in insertion (creation) order."""
        return list(self.by_kind.get(kind, {}).values())

    def put(self, rec):
        self.objects[rec.urn] = rec
        self.by_kind.setdefault(rec.kind, {})[rec.urn] = rec
        self._dirty.add(rec.urn)
        self._deleted.discard(rec.urn)
        self.generation += 1

    def touch(self, rec):
        self._dirty.add(rec.urn)
        self.generation += 1

    def delete(self, urn):
        rec = self.objects.pop(urn, None)
        if rec is not None:
            self.by_kind.get(rec.kind, {}).pop(urn, None)
        self._dirty.discard(urn)
        self._deleted.add(urn)
        self.generation += 1

    def set_meta(self, key, value):
        self.meta[key] = value
        self._meta_dirty.add(key)

    def add_event(self, seq, due, payload):
        self.events[seq] = (due, payload)
        self._events_added[seq] = (due, payload)

    def remove_event(self, seq):
        self.events.pop(seq, None)
        if self._events_added.pop(seq, None) is None:
            self._events_removed.add(seq)

    # -- writing -----------------------------------------------------------------------------
    def flush(self):
        if not (self._dirty or self._deleted or self._meta_dirty or self._events_added or self._events_removed):
            return
        cur = self.db.cursor()
        cur.execute("BEGIN")
        try:
            if self._deleted:
                cur.executemany("DELETE FROM objects WHERE urn = ?", [(u,) for u in self._deleted])
            rows = []
            for urn in self._dirty:
                rec = self.objects.get(urn)
                if rec is not None:
                    rows.append((urn, rec.kind, json.dumps(rec.data, separators=(",", ":")),
                                 json.dumps(rec.sim, separators=(",", ":"))))
            if rows:
                cur.executemany("INSERT OR REPLACE INTO objects (urn, kind, data, sim) VALUES (?, ?, ?, ?)", rows)
            if self._meta_dirty:
                cur.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                                [(k, json.dumps(self.meta[k])) for k in self._meta_dirty if k in self.meta])
            if self._events_removed:
                cur.executemany("DELETE FROM events WHERE seq = ?", [(s,) for s in self._events_removed])
            if self._events_added:
                cur.executemany("INSERT OR REPLACE INTO events (seq, due, payload) VALUES (?, ?, ?)",
                                [(s, d, json.dumps(p)) for s, (d, p) in self._events_added.items()])
            cur.execute("COMMIT")
        except Exception:
            cur.execute("ROLLBACK")
            raise
        self._dirty.clear()
        self._deleted.clear()
        self._meta_dirty.clear()
        self._events_added.clear()
        self._events_removed.clear()

    def clear_all(self):
        self.generation += 1
        self.db.executescript("DELETE FROM objects; DELETE FROM events; DELETE FROM meta;")
        self.objects.clear()
        self.by_kind.clear()
        self.meta = {}
        self.events = {}
        self._dirty.clear()
        self._deleted.clear()
        self._meta_dirty.clear()
        self._events_added.clear()
        self._events_removed.clear()

    # -- named snapshots -----------------------------------------------------------------------
    def save_snapshot(self, path):
        self.flush()
        if os.path.exists(path):
            os.unlink(path)
        dest = sqlite3.connect(path)
        try:
            self.db.backup(dest)
        finally:
            dest.close()

    def restore_snapshot(self, path):
        src = sqlite3.connect(path)
        try:
            src.backup(self.db)
        finally:
            src.close()
        self.load()

    def close(self):
        try:
            self.flush()
        finally:
            self.db.close()
