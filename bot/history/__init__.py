"""The bot's state: TinyDB files behind atomic writes, one lock and a schema version.

This package is the only code that touches TinyDB: `storage` (the files), `queues` (the
outbox and the other queues) and `Store` here (lock, migrations, history, seen items).
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime
from pathlib import Path

from tinydb import TinyDB
from tinydb.table import Table

from ..errors import StateError, StateLocked
from .queues import QueuesMixin
from .storage import FILES, HISTORY, HTTP, META, SEEN, STATUS, VALUES, _plain, doc_id_for, iso
from .storage import AtomicJSONStorage  # noqa: F401 (part of the package's API)


def _initial(store: "Store") -> None:
    """Schema 1: the first versioned layout; nothing to convert."""


# MIGRATIONS[n] takes a state from schema n to n + 1; each must be safe to re-run,
# as a kill between a step and its version stamp runs it again.
MIGRATIONS: list[Callable[["Store"], None]] = [_initial]


_NEW_STATUS = {"last_poll": None, "last_success": None, "last_error": None, "last_error_at": None,
               "consecutive_failures": 0, "items_seen": 0, "reported_down": False}


def _sort_key(record: dict) -> tuple:
    return (record.get("published") or record.get("first_seen") or "", record.get("first_seen") or "")


class Store(QueuesMixin):
    """The state folder: every read and write of the bot's memory goes through here."""

    def __init__(self, state_dir: Path, *, lock: bool = True, wait: float = 0):
        self.state_dir = Path(state_dir)
        self.lock = lock  # lock=False: read-only; changes stay in memory and never reach disk
        self.wait = wait
        self._lock_fd: int | None = None
        self._dbs: dict[str, TinyDB] = {}
        self._units: dict[str, set[int]] = {}
        self._names: dict[str, set[str]] = {}

    def __enter__(self) -> "Store":
        return self.open()

    def __exit__(self, *exc) -> None:
        self.close()

    def open(self) -> "Store":
        """Take the lock, read every file (failing on corrupt ones) and migrate."""
        if self.lock:
            try:
                self.state_dir.mkdir(parents=True, exist_ok=True)
                self._take_lock()
            except OSError as e:
                # A cron job run as the wrong user, a root-owned bind mount, a file in the way.
                raise StateError(f"cannot open the state folder {self.state_dir}: "
                                 f"{e.strerror or e.__class__.__name__}") from None
        try:
            self._dbs = {name: TinyDB(self.state_dir / f"{name}.json", readonly=not self.lock,
                                   storage=AtomicJSONStorage) for name in FILES}
            for db in self._dbs.values():
                db.storage.read()
            self._migrate()
            self._index_units()
        except BaseException:
            self.close()
            raise
        return self

    def close(self) -> None:
        """Release the lock and drop the in-memory copies."""
        for db in self._dbs.values():
            db.close()
        self._dbs = {}
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing the descriptor releases the flock
            self._lock_fd = None

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Write once at the end of the block instead of after each change (for bulk loads)."""
        with ExitStack() as stack:
            for db in self._dbs.values():
                stack.enter_context(db.storage.batch())
            yield

    def _take_lock(self) -> None:
        path = self.state_dir / ".lock"
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self._lock_fd = fd
                for stale in self.state_dir.glob("*.tmp"):
                    stale.unlink()  # left by a killed writer; the real file is intact
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise StateLocked(f"another run holds the state lock ({path})") from None
                time.sleep(0.05)

    def _migrate(self) -> None:
        doc = self._table(META).get(doc_id=1)
        version = doc.get("schema_version") if doc else 0
        if not isinstance(version, int):
            raise StateError(f"{self.state_dir / 'meta.json'} is corrupt (schema_version {version!r})")
        if version > len(MIGRATIONS):
            raise StateError(f"{self.state_dir}: state was written by a newer hmip-bot "
                             f"(schema {version}); upgrade")
        for step in range(version, len(MIGRATIONS)):
            self._index_units()  # migrations may use the lookups below
            MIGRATIONS[step](self)
            self._write(META, 1, {"schema_version": step + 1})

    def _table(self, where: tuple[str, str]) -> Table:
        if not self._dbs:
            raise StateError(f"{self.state_dir}: the store is not open")
        return self._dbs[where[0]].table(where[1])

    def _get(self, where: tuple[str, str], key: str) -> dict | None:
        doc = self._table(where).get(doc_id=doc_id_for(key))
        return _plain(doc) if doc is not None else None

    def _write(self, where: tuple[str, str], doc_id: int, data: dict) -> None:
        # Straight into the cached tables: TinyDB's Table.upsert copies the whole table on
        # every write, which would make each item cost O(history).
        storage = self._table(where).storage
        tables = storage.read()
        tables.setdefault(where[1], {})[str(doc_id)] = data
        storage.write(tables)

    def _put(self, where: tuple[str, str], key: str, data: dict) -> dict:
        self._write(where, doc_id_for(key), _plain(data))
        return _plain(data)

    def _edit(self, where: tuple[str, str], key: str, changes: Callable[[dict], dict]) -> dict:
        found = self._get(where, key)
        if found is None:
            raise KeyError(key)
        return self._put(where, key, {**found, **changes(found)})

    def _scan(self, where: tuple[str, str]) -> list[dict]:
        return [_plain(doc) for doc in self._table(where)]

    def get_validators(self, url: str) -> dict | None:
        """The ETag and Last-Modified last seen for `url`, or None."""
        found = self._get(HTTP, url)
        return {"etag": found["etag"], "last_modified": found["last_modified"]} if found else None

    def set_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        """Remember `url`'s validators for the next conditional GET."""
        self._put(HTTP, url, {"url": url, "etag": etag, "last_modified": last_modified})

    def is_seen(self, key: str) -> bool:
        """Whether the item `key` has been handled already."""
        return self._table(SEEN).contains(doc_id=doc_id_for(key))

    def mark_seen(self, key: str, *, source: str, url: str, published: str | None) -> None:
        """Record the item `key` as handled."""
        self._put(SEEN, key, {"key": key, "source": source, "url": url,
                              "published": published, "seen_at": iso()})

    def seen_count(self) -> int:
        """How many items have been handled."""
        return len(self._table(SEEN))

    def record_poll(self, source: str, *, ok: bool, error: str | None = None, items: int = 0,
                    when: datetime | None = None) -> dict:
        """Record one poll of `source` and return its updated status."""
        now = iso(when)
        status = self._get(STATUS, source) or {"source": source, **_NEW_STATUS}
        status["last_poll"] = now
        if ok:
            status.update(last_success=now, consecutive_failures=0)
        else:
            status.update(last_error=error, last_error_at=now,
                          consecutive_failures=status["consecutive_failures"] + 1)
        status["items_seen"] += items
        return self._put(STATUS, source, status)

    def set_reported_down(self, source: str, flag: bool) -> None:
        """Remember whether the outage of `source` has been reported."""
        status = self._get(STATUS, source) or {"source": source, **_NEW_STATUS}
        self._put(STATUS, source, {**status, "reported_down": flag})

    def source_statuses(self) -> list[dict]:
        """Every source's status, by name."""
        return sorted(self._scan(STATUS), key=lambda s: s["source"])

    def _index_units(self) -> None:
        self._units, self._names = {}, {}
        for doc in self._table(HISTORY):
            self._index(doc.doc_id, doc)

    def _index(self, doc_id: int, record: dict) -> None:
        self._units.setdefault(record["unit_key"], set()).add(doc_id)
        if record.get("name"):
            self._names.setdefault(record["unit_key"], set()).add(" ".join(record["name"].split()).casefold())

    def add_inspection(self, record: dict) -> None:
        """Store an inspection record (replacing one with the same event_id)."""
        if not record.get("event_id") or not record.get("unit_key"):
            raise ValueError("an inspection record needs event_id and unit_key")
        record = {"first_seen": iso(), "links": [], **record}
        old = self.get_inspection(record["event_id"])
        self._put(HISTORY, record["event_id"], record)
        if old is not None:
            self._units[old["unit_key"]].discard(doc_id_for(old["event_id"]))
        self._index(doc_id_for(record["event_id"]), record)

    def get_inspection(self, event_id: str) -> dict | None:
        """The inspection record `event_id`, or None."""
        return self._get(HISTORY, event_id)

    def update_inspection(self, event_id: str, **changes) -> dict:
        """Change some fields of a stored inspection; returns the updated record."""
        if changes.get("event_id", event_id) != event_id:
            raise ValueError("event_id cannot change")
        record = self._get(HISTORY, event_id)
        if record is None:
            raise KeyError(event_id)
        self.add_inspection({**record, **changes})
        return self.get_inspection(event_id)

    def inspections_for(self, unit_key: str) -> list[dict]:
        """A unit's inspections, oldest first (by published date, else first seen)."""
        table = self._table(HISTORY)
        found = [_plain(table.get(doc_id=d)) for d in self._units.get(unit_key, ())]
        return sorted(found, key=_sort_key)

    def all_inspections(self) -> list[dict]:
        """Every stored inspection, oldest first."""
        return sorted(self._scan(HISTORY), key=_sort_key)

    def find_unit_keys(self, query: str) -> list[str]:
        """Unit keys whose key or a name equals `query` (any case), else contains it."""
        q = " ".join(query.split()).casefold()
        keys = [k for k, ids in self._units.items() if ids]
        exact = [k for k in keys if k == q or q in self._names.get(k, ())]
        if exact:
            return sorted(exact)
        return sorted(k for k in keys if q in k or any(q in n for n in self._names.get(k, ())))

    def get_meta(self, key: str, default=None):
        """The value stored under `key` by set_meta, or `default`."""
        found = self._get(VALUES, key)
        return found["value"] if found is not None else default

    def set_meta(self, key: str, value) -> None:
        """Store a small JSON value under `key` (e.g. `serve`'s next poll time)."""
        self._put(VALUES, key, {"key": key, "value": value})
