"""The bot's state: TinyDB files behind atomic writes, one lock and a schema version.

This package is the only code that touches TinyDB: `storage` (the files), `queues` (the
outbox and the other queues) and `Store` here (lock, migrations, history, seen items).
A file is read when a run first needs it: a quiet poll reads neither history nor seen items.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path

from tinydb import Query, TinyDB
from tinydb.table import Document, Table

from ..errors import StateError, StateLocked
from .queues import QueuesMixin
from .storage import (HISTORY, HTTP, META, SEEN, SEEN_SHARDS, STATUS, VALUES, _plain,
                      doc_id_for, file_for, iso, open_db)
from .storage import AtomicJSONStorage  # noqa: F401 (part of the package's API)


def _initial(store: "Store") -> None:
    """Schema 1: the first versioned layout; nothing to convert."""


def _split_seen(store: "Store") -> None:
    """Schema 2: seen.json, rewritten whole for every new item, becomes shards in seen/."""
    old = store.state_dir / "seen.json"
    if not old.exists():
        return
    by_shard: dict[str, list[Document]] = {}
    for doc in open_db(old, readonly=True).table(SEEN[1]):
        by_shard.setdefault(file_for(SEEN, doc.doc_id), []).append(Document(doc, doc_id=doc.doc_id))
    for name, docs in by_shard.items():
        table = store._db(name).table(SEEN[1])
        # A re-run after a kill finds some shards written: add only what is missing.
        table.insert_multiple(d for d in docs if not table.contains(doc_id=d.doc_id))
    store._flush()
    if store.lock:
        for path in (old, old.with_name("seen.json.bak")):
            with suppress(FileNotFoundError):
                path.unlink()


# MIGRATIONS[n] takes a state from schema n to n + 1; each must be safe to re-run,
# as a kill between a step and its version stamp runs it again.
MIGRATIONS: list[Callable[["Store"], None]] = [_initial, _split_seen]


_NEW_STATUS = {"last_poll": None, "last_success": None, "last_error": None, "last_error_at": None,
               "consecutive_failures": 0, "items_seen": 0, "reported_down": False}
_FIELD = Query()


def _sort_key(record: dict) -> tuple:
    return (record.get("published") or record.get("first_seen") or "", record.get("first_seen") or "")


def _replace_with(data: dict) -> Callable[[dict], None]:
    """A TinyDB update operation that makes a document exactly `data` (no stale fields)."""
    def transform(doc: dict) -> None:
        doc.clear()
        doc.update(data)
    return transform


class Store(QueuesMixin):
    """The state folder: every read and write of the bot's memory goes through here."""

    def __init__(self, state_dir: Path, *, lock: bool = True, wait: float = 0):
        self.state_dir = Path(state_dir)
        self.lock = lock  # lock=False: read-only; changes stay in memory and never reach disk
        self.wait = wait
        self._lock_fd: int | None = None
        self._dbs: dict[str, TinyDB] = {}
        self._open = False
        self._batch = 0  # > 0 inside batch(): durable steps wait for the end of the block

    def __enter__(self) -> "Store":
        return self.open()

    def __exit__(self, *exc) -> None:
        self.close()

    def open(self) -> "Store":
        """Take the lock and migrate; the files themselves are read when first used."""
        if self.state_dir.exists() and not self.state_dir.is_dir():
            # Said plainly: mkdir's "File exists" and a read's "Not a directory" hide the cause.
            raise StateError(f"cannot open the state folder {self.state_dir}: it is a file (state_dir names a folder)")
        if self.lock:
            try:
                self.state_dir.mkdir(parents=True, exist_ok=True)
                self._take_lock()
            except OSError as e:
                # A cron job run as the wrong user, a root-owned bind mount, a file in the way.
                raise StateError(f"cannot open the state folder {self.state_dir}: "
                                 f"{e.strerror or e.__class__.__name__}") from None
        self._open = True
        try:
            self._migrate()
        except BaseException:
            self._dbs = {}  # a failed migration leaves its files as they were on disk
            self.close()
            raise
        return self

    def close(self) -> None:
        """Write what is still held in memory, release the lock and drop the in-memory copies."""
        try:
            if self._open:
                self._flush()
        finally:
            self._dbs, self._open = {}, False
            if self._lock_fd is not None:
                os.close(self._lock_fd)  # closing the descriptor releases the flock
                self._lock_fd = None

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Write each changed file once at the end of the block, not at each step (bulk loads)."""
        self._batch += 1
        try:
            yield
        finally:
            self._batch -= 1
            if not self._batch:
                self._flush()

    def _take_lock(self) -> None:
        path = self.state_dir / ".lock"
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self._lock_fd = fd
                for stale in [*self.state_dir.glob("*.tmp"), *self.state_dir.glob("seen/*.tmp")]:
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
            MIGRATIONS[step](self)
            self._store(META, 1, {"schema_version": step + 1})

    # --- the primitives every method below (and the queues mixin) is written with -----------

    def _db(self, name: str) -> TinyDB:
        if not self._open:
            raise StateError(f"{self.state_dir}: the store is not open")
        if name not in self._dbs:
            self._dbs[name] = open_db(self.state_dir / f"{name}.json", readonly=not self.lock)
        return self._dbs[name]

    def _table(self, where: tuple[str, str], doc_id: int = 0) -> Table:
        """The TinyDB table `where`; for seen items, the shard holding `doc_id`."""
        return self._db(file_for(where, doc_id)).table(where[1])

    def _flush(self, name: str | None = None) -> None:
        """Write one file (or every file) changed in memory: each an atomic replace."""
        for key in [name] if name else list(self._dbs):
            db = self._dbs.get(key)
            if db is None:
                continue
            try:
                db.storage.flush()
            except BaseException:
                del self._dbs[key]  # re-read from the last good file if used again
                raise

    def _store(self, where: tuple[str, str], doc_id: int, data: dict, *, durable: bool = True) -> None:
        """Make document `doc_id` of `where` exactly `data`; durable: on disk before returning.

        Not durable: kept in memory until the next durable write to the same file or close(),
        for bookkeeping a kill may lose (a poll's time, an ETag: the next poll redoes them).
        """
        table = self._table(where, doc_id)
        if table.contains(doc_id=doc_id):
            table.update(_replace_with(data), doc_ids=[doc_id])
        else:
            table.insert(Document(data, doc_id=doc_id))
        if durable and not self._batch:
            self._flush(file_for(where, doc_id))

    def _get(self, where: tuple[str, str], key: str) -> dict | None:
        doc_id = doc_id_for(key)
        doc = self._table(where, doc_id).get(doc_id=doc_id)
        return _plain(doc) if doc is not None else None

    def _put(self, where: tuple[str, str], key: str, data: dict, *, durable: bool = True) -> dict:
        self._store(where, doc_id_for(key), _plain(data), durable=durable)
        return _plain(data)

    def _remove(self, where: tuple[str, str], key: str) -> None:
        doc_id = doc_id_for(key)
        if self._table(where, doc_id).remove(doc_ids=[doc_id]) and not self._batch:
            self._flush(file_for(where, doc_id))

    def _edit(self, where: tuple[str, str], key: str, changes: Callable[[dict], dict]) -> dict:
        found = self._get(where, key)
        if found is None:
            raise KeyError(key)
        return self._put(where, key, {**found, **changes(found)})

    def _scan(self, where: tuple[str, str], cond=None) -> list[dict]:
        table = self._table(where)
        return [_plain(doc) for doc in (table.search(cond) if cond is not None else table)]

    def get_validators(self, url: str) -> dict | None:
        """The ETag and Last-Modified last seen for `url`, or None."""
        found = self._get(HTTP, url)
        return {"etag": found["etag"], "last_modified": found["last_modified"]} if found else None

    def set_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        """Remember `url`'s validators for the next conditional GET."""
        # Not durable alone: a lost ETag costs one full download; the pipeline saves validators
        # only after the items they listed are safe, and the next durable write carries them.
        self._put(HTTP, url, {"url": url, "etag": etag, "last_modified": last_modified}, durable=False)

    def is_seen(self, key: str) -> bool:
        """Whether the item `key` has been handled already."""
        doc_id = doc_id_for(key)
        return self._table(SEEN, doc_id).contains(doc_id=doc_id)

    def mark_seen(self, key: str, *, source: str, url: str, published: str | None) -> None:
        """Record the item `key` as handled."""
        self._put(SEEN, key, {"key": key, "source": source, "url": url,
                              "published": published, "seen_at": iso()})

    def seen_count(self) -> int:
        """How many items have been handled."""
        return sum(len(self._table(SEEN, shard)) for shard in range(SEEN_SHARDS))

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
        # Bookkeeping, written with the next durable step or at close: a quiet poll of ten
        # sources then writes status.json once, not ten times.
        return self._put(STATUS, source, status, durable=False)

    def set_reported_down(self, source: str, flag: bool) -> None:
        """Remember whether the outage of `source` has been reported."""
        status = self._get(STATUS, source) or {"source": source, **_NEW_STATUS}
        self._put(STATUS, source, {**status, "reported_down": flag}, durable=False)

    def source_statuses(self) -> list[dict]:
        """Every source's status, by name."""
        return sorted(self._scan(STATUS), key=lambda s: s["source"])

    def add_inspection(self, record: dict) -> None:
        """Store an inspection record (replacing one with the same event_id)."""
        if not record.get("event_id") or not record.get("unit_key"):
            raise ValueError("an inspection record needs event_id and unit_key")
        record = {"first_seen": iso(), "links": [], **record}
        self._put(HISTORY, record["event_id"], record)

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
        return sorted(self._scan(HISTORY, _FIELD.unit_key == unit_key), key=_sort_key)

    def all_inspections(self) -> list[dict]:
        """Every stored inspection, oldest first."""
        return sorted(self._scan(HISTORY), key=_sort_key)

    def get_meta(self, key: str, default=None):
        """The value stored under `key` by set_meta, or `default`."""
        found = self._get(VALUES, key)
        return found["value"] if found is not None else default

    def set_meta(self, key: str, value) -> None:
        """Store a small JSON value under `key` (e.g. `serve`'s next poll time)."""
        self._put(VALUES, key, {"key": key, "value": value})
