"""The bot's state: TinyDB files behind atomic writes, one lock and a schema version."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from datetime import datetime, timezone
from pathlib import Path

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from .errors import StateError, StateLocked

# One file per kind of data, so that a write to a small table never rewrites a big one.
FILES = ("meta", "seen", "history", "http", "outbox", "status")
# (file, table) pairs used below.
META, SEEN, HISTORY = ("meta", "meta"), ("seen", "seen"), ("history", "inspections")
HTTP, STATUS = ("http", "validators"), ("status", "sources")
PENDING = ("status", "pending_items")  # items listed by a source but not yet read
DELIVERIES, DIGEST_QUEUE = ("outbox", "deliveries"), ("outbox", "digest_queue")
DIGESTS = ("outbox", "digests")
VALUES = ("meta", "values")  # small named values, e.g. when `serve` polls next


def doc_id_for(key: str) -> int:
    """A stable TinyDB document id for a string key (60 bits of its SHA-1)."""
    return int(hashlib.sha1(key.encode("utf-8")).hexdigest()[:15], 16)


def iso(when: datetime | None = None) -> str:
    """An ISO-8601 UTC timestamp (now by default); naive datetimes are taken as UTC."""
    when = when or datetime.now(timezone.utc)
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).isoformat(timespec="seconds")


def _plain(data):
    """A deep, JSON-native copy: callers never share lists with the cache, tuples become lists."""
    return json.loads(json.dumps(data))


def _fsync_dir(path: Path) -> None:
    """Make a rename in `path` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _check_shape(data) -> None:
    """Raise ValueError unless `data` is TinyDB's {table: {doc_id: {...}}}."""
    if not isinstance(data, dict):
        raise ValueError(f"top level is {type(data).__name__}, not an object")
    for name, table in data.items():
        if not isinstance(table, dict) or not all(isinstance(d, dict) for d in table.values()):
            raise ValueError(f"table {name!r} is not an object of documents")
        if not all(k.isdigit() for k in table):
            raise ValueError(f"table {name!r} has a non-numeric document id")


class AtomicJSONStorage(Storage):
    """One JSON file, read once into memory and replaced atomically on every write."""

    def __init__(self, path: Path, *, readonly: bool = False):
        self.path = Path(path)
        self.readonly = readonly
        self._data: dict | None = None
        self._depth = 0  # > 0 inside batch(): writes wait in memory until it ends
        self._dirty = False

    def read(self) -> dict:
        if self._data is None:
            self._data = self._load()
        return self._data

    def write(self, data: dict) -> None:
        self._data = data
        if self.readonly:
            return  # lock=False stores keep their changes in memory only
        if self._depth:
            self._dirty = True
        else:
            self._flush()

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Coalesce the writes made inside the block into one file replace."""
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
            if not self._depth and self._dirty and not self.readonly:
                self._flush()

    def _load(self) -> dict:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as e:
            raise StateError(f"cannot read {self.path}: {e.strerror or e}") from e
        try:
            data = json.loads(raw)
            _check_shape(data)
        except ValueError as e:
            bak = self.path.with_name(self.path.name + ".bak")
            where = f"the last good copy is {bak}" if bak.exists() else f"no backup ({bak}) exists"
            raise StateError(f"{self.path} is corrupt ({str(e)[:80]}); {where}") from None
        return data

    def _flush(self) -> None:
        tmp = self.path.with_name(self.path.name + ".tmp")
        self._dirty = False
        try:
            # ASCII escapes: a stray surrogate in scraped text can never fail the encode.
            text = json.dumps(self._data, separators=(",", ":"))
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            self._keep_backup()
            os.replace(tmp, self.path)
            self._keep_backup(only_if_missing=True)
            _fsync_dir(self.path.parent)
        except BaseException as e:
            # The cache was edited in place: drop it so it is re-read from the last good file.
            self._data = None
            if isinstance(e, OSError):
                raise StateError(f"cannot write {self.path}: {e.strerror or e}") from e
            raise

    def _keep_backup(self, *, only_if_missing: bool = False) -> None:
        """Point <file>.bak at the current (good) file, so a last good copy always exists."""
        bak = self.path.with_name(self.path.name + ".bak")
        if not self.path.exists() or bak.exists() and (only_if_missing or bak.samefile(self.path)):
            return  # (renaming over a hard link of the same file would be a silent no-op)
        tmp = bak.with_name(bak.name + ".tmp")
        with suppress(FileNotFoundError):
            tmp.unlink()
        try:
            # A hard link costs nothing: the old inode lives on as .bak once replaced.
            os.link(self.path, tmp)
        except OSError:
            shutil.copyfile(self.path, tmp)
        os.replace(tmp, bak)


def _initial(store: "Store") -> None:
    """Schema 1: the first versioned layout; nothing to convert."""


# MIGRATIONS[n] takes a state from schema n to n + 1; each must be safe to re-run,
# as a kill between a step and its version stamp runs it again.
MIGRATIONS: list[Callable[["Store"], None]] = [_initial]


_NEW_STATUS = {"last_poll": None, "last_success": None, "last_error": None, "last_error_at": None,
               "consecutive_failures": 0, "items_seen": 0, "reported_down": False}


def _sort_key(record: dict) -> tuple:
    return (record.get("published") or record.get("first_seen") or "", record.get("first_seen") or "")


class Store:
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
            self.state_dir.mkdir(parents=True, exist_ok=True)
            self._take_lock()
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

    def add_pending_item(self, item: dict) -> None:
        """Remember an item a source listed until its page is read (a 304 later won't list it)."""
        if self._get(PENDING, item["key"]) is None:
            self._put(PENDING, item["key"], {**item, "attempts": 0, "last_error": None,
                                             "found_at": iso(), "order": time.time_ns()})

    def pending_items(self) -> list[dict]:
        """Items listed but not yet handled, oldest first."""
        return sorted(self._scan(PENDING), key=lambda i: (i.get("order", 0), i["key"]))

    def item_failed(self, key: str, error: str) -> None:
        """Record a failed attempt to read a pending item; it is tried again next run."""
        self._edit(PENDING, key, lambda i: dict(attempts=i["attempts"] + 1, last_error=error))

    def drop_pending_item(self, key: str) -> None:
        """Forget a pending item (it has been handled and marked seen)."""
        storage = self._table(PENDING).storage
        tables = storage.read()
        if tables.get(PENDING[1], {}).pop(str(doc_id_for(key)), None) is not None:
            storage.write(tables)

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

    def enqueue(self, event_id: str, channel: str, alert: dict, *, notifier: str = "slack") -> dict:
        """Queue `alert` for `channel` once; a changed alert already sent is flagged needs_update."""
        entry_id = f"{notifier}:{channel}:{event_id}"
        alert = _plain(alert)
        entry = self._get(DELIVERIES, entry_id)
        if entry is None:
            entry = {"id": entry_id, "event_id": event_id, "channel": channel,
                     "notifier": notifier, "alert": alert, "status": "pending", "ts": None,
                     "attempts": 0, "last_error": None, "permanent": False,
                     "needs_update": False, "queued_at": iso(), "sent_at": None, "sending_at": None,
                     "order": time.time_ns()}  # delivery follows the pipeline's order
        elif entry["alert"] == alert:
            return entry  # the same alert again: nothing to write
        else:
            entry["alert"] = alert
            entry["needs_update"] = entry["needs_update"] or entry["sent_at"] is not None
        return self._put(DELIVERIES, entry_id, entry)

    def pending(self, notifier: str | None = None) -> list[dict]:
        """Deliveries still to make: unsent, interrupted, or sent but since updated."""
        def wanted(e: dict) -> bool:
            todo = e["status"] in ("pending", "sending") or (e["status"] == "sent" and e["needs_update"])
            return todo and not e["permanent"] and notifier in (None, e["notifier"])
        return [e for e in self.outbox_entries() if wanted(e)]

    def mark_sending(self, entry_id: str) -> None:
        """Record that a delivery attempt starts (so a crash mid-send is retried)."""
        self._edit(DELIVERIES, entry_id,
                   lambda e: dict(status="sending", sending_at=iso(), attempts=e["attempts"] + 1))

    def mark_sent(self, entry_id: str, ts: str | None = None) -> None:
        """Record a delivery accepted by the channel (`ts`: Slack's message id)."""
        self._edit(DELIVERIES, entry_id, lambda e: dict(
            status="sent", ts=e["ts"] if ts is None else ts, sent_at=iso(), needs_update=False,
            last_error=None))

    def mark_failed(self, entry_id: str, error: str, *, permanent: bool = False) -> None:
        """Record a failed attempt: retried later unless `permanent`."""
        def changes(e: dict) -> dict:
            # A failed *update* of a delivered message stays "sent" (with needs_update) so
            # that the retry edits that message instead of posting a second one.
            retry = "sent" if e["sent_at"] and e["needs_update"] else "pending"
            return dict(last_error=error, permanent=permanent, status="failed" if permanent else retry)
        self._edit(DELIVERIES, entry_id, changes)

    def mark_unconfirmed(self, entry_id: str, error: str) -> None:
        """Record an attempt with no reply (it may have arrived): it stays "sending", to be checked."""
        self._edit(DELIVERIES, entry_id, lambda e: dict(status="sending", last_error=error))

    def set_channel_id(self, entry_id: str, channel_id: str) -> None:
        """Remember the id of the channel a delivery went to (Slack edits messages by id)."""
        self._edit(DELIVERIES, entry_id, lambda e: dict(channel_id=channel_id))

    def outbox_entries(self) -> list[dict]:
        """Every delivery, oldest first."""
        return sorted(self._scan(DELIVERIES), key=lambda e: (e["queued_at"][:19], e.get("order", 0), e["id"]))

    def queue_digest(self, digest: str, event_id: str, alert: dict) -> None:
        """Add an alert to the next `digest` once (a newer version replaces an unsent one)."""
        key = f"{digest}\x1f{event_id}"
        alert = _plain(alert)
        entry = self._get(DIGEST_QUEUE, key)
        if entry is not None and (entry["sent_at"] is not None or entry["alert"] == alert):
            return  # already mailed, or unchanged
        queued_at = entry["queued_at"] if entry else iso()
        self._put(DIGEST_QUEUE, key, {"digest": digest, "event_id": event_id, "alert": alert,
                                      "queued_at": queued_at, "sent_at": None})

    def digest_entries(self, digest: str) -> list[dict]:
        """The alerts waiting for `digest`, oldest first."""
        entries = [e for e in self._scan(DIGEST_QUEUE) if e["digest"] == digest and e["sent_at"] is None]
        return [{k: e[k] for k in ("digest", "event_id", "alert", "queued_at")}
                for e in sorted(entries, key=lambda e: (e["queued_at"], e["event_id"]))]

    def mark_digest_sent(self, digest: str, event_ids: list[str], when: datetime) -> None:
        """Record `digest` as sent at `when` with these alerts, in one write."""
        with self._dbs["outbox"].storage.batch():
            for event_id in event_ids:
                key = f"{digest}\x1f{event_id}"
                entry = self._get(DIGEST_QUEUE, key)
                if entry is not None:
                    # Kept (not removed) so that a later report of the event is not mailed again.
                    self._put(DIGEST_QUEUE, key, {**entry, "sent_at": iso(when)})
            self.set_digest_last_sent(digest, when)

    def digest_last_sent(self, digest: str) -> datetime | None:
        """When `digest` was last sent, or None."""
        found = self._get(DIGESTS, digest)
        return datetime.fromisoformat(found["last_sent"]) if found and found["last_sent"] else None

    def set_digest_last_sent(self, digest: str, when: datetime) -> None:
        """Record when `digest` was last sent."""
        self._put(DIGESTS, digest, {"digest": digest, "last_sent": iso(when)})

    def get_meta(self, key: str, default=None):
        """The value stored under `key` by set_meta, or `default`."""
        found = self._get(VALUES, key)
        return found["value"] if found is not None else default

    def set_meta(self, key: str, value) -> None:
        """Store a small JSON value under `key` (e.g. `serve`'s next poll time)."""
        self._put(VALUES, key, {"key": key, "value": value})
