"""The record of past ratings that history starts from: a CSV read into plain records (no state)."""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from functools import lru_cache
from importlib import resources
from pathlib import Path

from bot.diff import unit_key
from bot.errors import ConfigError
from bot.models import RATINGS, UNIT_TYPES, direction_between

COLUMNS = ("unit", "type", "kind", "region", "published", "rating", "score", "source_url",
           "source_kind", "confidence")
REQUIRED = ("unit", "type", "rating")
PACKAGED = "packaged"  # the config's default: bot/data/past_ratings.csv
_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")  # as precisely as a source gives it
_EARLIEST = "0001-01-01"  # an undated first row: before anything dated


def packaged_path() -> Path:
    """The record shipped in the package."""
    return Path(str(resources.files("bot") / "data" / "past_ratings.csv"))


class Baseline:
    """Past inspections as history records (`source: "baseline"`), grouped by unit key."""

    def __init__(self, path: Path | None, records: tuple[dict, ...] = ()):
        self.path = path
        self.records = records
        self._by_key: dict[str, list[dict]] = {}
        for record in records:
            self._by_key.setdefault(record["unit_key"], []).append(record)

    def for_unit(self, key: str) -> list[dict]:
        """A unit's past inspections in the record's order (oldest first), as copies."""
        return [dict(r) for r in self._by_key.get(key, ())]

    def keys(self) -> list[str]:
        """Every unit key in the record."""
        return list(self._by_key)


def load_baseline(setting) -> Baseline:
    """The baseline a config names: PACKAGED (default), a CSV path, or None/False (none)."""
    if setting in (None, False):
        return Baseline(None)
    path = packaged_path() if setting in (PACKAGED, True) else Path(setting)
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as e:
        raise ConfigError(f"config: baseline: {path}: cannot read ({e.strerror or e.__class__.__name__})") from None
    return _load(path, mtime)


@lru_cache(maxsize=4)
def _load(path: Path, mtime: int) -> Baseline:  # mtime: a changed file is read again
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"config: baseline: {path}: cannot read ({e.__class__.__name__})") from None
    return Baseline(path, tuple(parse_rows(text, str(path))))


def parse_rows(text: str, where: str) -> list[dict]:
    """History records from CSV text in the record's columns; errors name the file and line."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or ())]
    if missing:
        raise ConfigError(f"config: baseline: {where}: missing column(s) {', '.join(missing)} "
                          f"(expected {','.join(COLUMNS)})")
    records, last_day = [], {}
    for line, row in enumerate(reader, start=2):
        record = _record({k: (v or "").strip() for k, v in row.items() if k}, f"{where} line {line}")
        key = record["unit_key"]
        # Rows of a unit are in chronological order, undated ones included: an undated row
        # sorts just after the dated row before it.
        record["sort_day"] = _start(record["published"]) or last_day.get(key, _EARLIEST)
        last_day[key] = record["sort_day"]
        record["seq"] = line
        records.append(record)
    return _with_directions(records)


def _record(row: dict, where: str) -> dict:
    for column in REQUIRED:
        if not row.get(column):
            raise ConfigError(f"config: baseline: {where}: `{column}` is empty")
    if row["rating"] not in RATINGS:
        raise ConfigError(f"config: baseline: {where}: rating '{row['rating']}' is not one of {', '.join(RATINGS)}")
    if row["type"] not in UNIT_TYPES:
        raise ConfigError(f"config: baseline: {where}: type '{row['type']}' is not one of {', '.join(UNIT_TYPES)}")
    published = row.get("published") or ""
    if published and not _DATE.match(published):
        raise ConfigError(f"config: baseline: {where}: published '{published}' is not YYYY, YYYY-MM or YYYY-MM-DD")
    name, region = canonical_name(row["unit"], row["type"], row.get("region") or None)
    url = row.get("source_url") or ""
    return {
        "event_id": f"baseline:{unit_key(name)}:{published}:{row['rating']}", "unit_key": unit_key(name),
        "name": name, "type": row["type"], "kind": row.get("kind") or row["type"], "region": region,
        "rating": row["rating"], "published": published or None, "score": row.get("score") or None,
        "recommendations": None, "links": [url] if url else [], "source": "baseline",
        "source_kind": row.get("source_kind") or None, "confidence": row.get("confidence") or None,
    }


def canonical_name(name: str, kind: str, region: str | None = None) -> tuple[str, str | None]:
    """The resolver's name (and region) for a unit of the record; a name it does not hold stays."""
    from bot.extract.units import gazetteer, region_name

    if kind in ("PDU", "YJS"):
        found = gazetteer().lookup(name, kind)
        if found is not None:
            return found.name, region or found.region
    elif kind == "region":
        found = region_name(re.sub(r"\s+region$", "", name, flags=re.I))
        if found:
            return f"{found} region", found  # as the extractor names regions
    return " ".join(name.split()), region


def resolves(name: str, kind: str) -> bool:
    """Whether the resolver knows the unit (gazetteer PDU/YJS, or one of the twelve regions)."""
    from bot.extract.units import gazetteer, region_name

    if kind in ("PDU", "YJS"):
        return gazetteer().lookup(name, kind) is not None
    if kind == "region":
        return region_name(re.sub(r"\s+region$", "", name, flags=re.I)) is not None
    return False


def _start(published: str | None) -> str | None:
    """The first day a partial date can mean ('2024-05' -> '2024-05-01')."""
    if not published:
        return None
    return (published + "-01-01"[len(published) - 4:])[:10]


def _with_directions(records: list[dict]) -> list[dict]:
    """Each row's previous rating and direction, from the row before it of the same unit."""
    before: dict[str, dict] = {}
    for record in records:
        prev = before.get(record["unit_key"])
        record["previous_rating"] = prev["rating"] if prev else None
        record["previous_published"] = prev["published"] if prev else None
        record["direction"] = direction_between(prev["rating"], record["rating"]) if prev else None
        before[record["unit_key"]] = record
    return records


def write_baseline(path: Path, records: list[dict]) -> int:
    """Write records in the record's columns (atomically); returns the rows written."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in records:
        writer.writerow(as_row(r))
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent or ".", prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(buffer.getvalue())
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(records)


def as_row(record: dict) -> dict:
    """One history record in the baseline's columns (a read one cites its first link)."""
    links = record.get("links") or []
    read = record.get("source") != "baseline"
    return {
        "unit": record.get("name") or "", "type": record.get("type") or "other",
        "kind": record.get("kind") or record.get("type") or "other", "region": record.get("region") or "",
        "published": record.get("published") or "", "rating": record.get("rating") or "",
        "score": record.get("score") or "", "source_url": links[0] if links else "",
        "source_kind": "read by hmip-bot" if read else (record.get("source_kind") or ""),
        "confidence": _confidence(record, read),
    }


def _confidence(record: dict, read: bool) -> str:
    if not read:
        return record.get("confidence") or "medium"
    return "high" if record.get("confidence") == "stated" else "medium"  # the extractor's own word
