"""The state's files: TinyDB databases in JSON files replaced atomically, and their layout."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from contextlib import suppress
from datetime import datetime, timezone
from pathlib import Path

from tinydb import TinyDB
from tinydb.middlewares import CachingMiddleware
from tinydb.storages import Storage

from ..errors import StateError

# One file per kind of data (meta, history, http, outbox, status), so that a write to a small
# table never rewrites a big one; the seen items, the one table that grows with every item, are
# split into SEEN_SHARDS files (seen/00.json ...) by document id, so that marking an item seen
# rewrites 1/64th of them.
SEEN_SHARDS = 64
# (file, table) pairs used below; "seen" names the shard folder.
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


def file_for(where: tuple[str, str], doc_id: int) -> str:
    """The file (relative, without .json) holding document `doc_id` of table `where`."""
    return f"seen/{doc_id % SEEN_SHARDS:02d}" if where == SEEN else where[0]


def _plain(data):
    """A deep, JSON-native copy: callers never share lists with the cache, tuples become lists.

    Through JSON, not copy.deepcopy: a value JSON cannot hold fails here, in the call that
    stored it, rather than in a later flush that would then fail for every change in the file.
    """
    return json.loads(json.dumps(data))


class WriteBack(CachingMiddleware):
    """TinyDB's cache: reads come from memory; the store decides when a file is written."""

    WRITE_CACHE_SIZE = 2**62  # never by count: `Store` flushes at each durable step


def open_db(path: Path, *, readonly: bool) -> TinyDB:
    """A TinyDB over one state file; nothing is read until a table is first used."""
    return TinyDB(path, storage=WriteBack(AtomicJSONStorage), readonly=readonly)


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
    """One JSON file, read on first use and replaced atomically (tmp, fsync, rename, .bak)."""

    def __init__(self, path: Path, *, readonly: bool = False):
        self.path = Path(path)
        self.readonly = readonly  # a lock=False store: changes stay in WriteBack's memory

    def read(self) -> dict:
        return self._load()

    def write(self, data: dict) -> None:
        if not self.readonly:
            self._flush(data)

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

    def _flush(self, data: dict) -> None:
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            if not self.path.parent.is_dir():  # the seen/ folder, on the first item
                self.path.parent.mkdir(parents=True)
                _fsync_dir(self.path.parent.parent)
            # ASCII escapes: a stray surrogate in scraped text can never fail the encode.
            text = json.dumps(data, separators=(",", ":"))
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            self._keep_backup()
            os.replace(tmp, self.path)
            self._keep_backup(only_if_missing=True)
            _fsync_dir(self.path.parent)
        except OSError as e:
            raise StateError(f"cannot write {self.path}: {e.strerror or e}") from e

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
