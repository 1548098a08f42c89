"""Pure rules that compare a newly read rating with the stored history; no I/O."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timezone

from .models import UnitRating, direction_between

# Fields a later source may fill in on an event but never overwrite once known.
UNIT_FILLABLE = ("region", "score", "recommendations", "previous_rating", "previous_inspection")


def unit_key(name: str) -> str:
    """The canonical key of a unit name: whitespace collapsed, case folded."""
    return " ".join(name.split()).casefold()


def event_id(unit_key: str, published: str | None, rating: str | None, url_key: str) -> str:
    """A stable id for an inspection event, from what its first report said."""
    raw = "\x1f".join((unit_key, published or "", rating or "", url_key))
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:20]


def _day(value: str | None) -> date | None:
    """The date of an ISO date or datetime string; None if missing or unreadable."""
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def find_same_event(existing: list[dict], unit: UnitRating, published: str | None, *,
                    window_days: int = 45, now: datetime | None = None) -> dict | None:
    """The stored record this report retells (same unit, same rating, close in time), or None."""
    today = (now or datetime.now(timezone.utc)).date()
    this_day = _day(published)
    best, best_gap = None, None
    for record in existing:
        if record.get("rating") != unit.rating:
            continue  # a different rating is a different inspection
        then = _day(record.get("published"))
        if this_day and then:
            gap = abs((this_day - then).days)
        else:
            # One date unknown: the same event only if we met the record recently.
            seen = _day(record.get("first_seen"))
            gap = abs((today - seen).days) if seen else None
        if gap is not None and gap <= window_days and (best_gap is None or gap < best_gap):
            best, best_gap = record, gap
    return best


def find_unrated_event(existing: list[dict], published: str | None, *, window_days: int = 45,
                       now: datetime | None = None) -> dict | None:
    """The unit's latest event whose text lacked the rating, close in time, or None."""
    today = (now or datetime.now(timezone.utc)).date()
    this_day = _day(published) or today
    for record in reversed(existing):
        then = _day(record.get("published")) or _day(record.get("first_seen"))
        if record.get("rating") is None and then and abs((this_day - then).days) <= window_days:
            return record
    return None


def earlier(records: list[dict], published: str | None) -> list[dict]:
    """The rated records that come before a report published on `published`."""
    rated = [r for r in records if r.get("rating")]
    this_day = _day(published)
    if this_day is None:
        return rated  # an undated report is judged as news: everything stored came first
    # A record without a published date is placed at the day we first saw it.
    return [r for r in rated
            if (_day(r.get("published")) or _day(r.get("first_seen")) or this_day) < this_day]


def judge(unit: UnitRating, existing: list[dict], published: str | None
          ) -> tuple[str | None, str | None, str | None]:
    """(direction, previous_rating, previous_published) for `unit`, history first, then the text.

    The previous inspection is the unit's latest stored one before this report; history beats
    the rating the text says it had, as our own record is what earlier alerts told people.
    With no history, the text's stated previous rating (or its "first inspection") is used;
    with neither, the direction is None (unknown), never guessed.
    """
    before = earlier(existing, published)
    if before:
        last = max(before, key=lambda r: (r.get("published") or r.get("first_seen") or "",
                                          r.get("first_seen") or ""))
        return (direction_between(last["rating"], unit.rating), last["rating"],
                last.get("published") or (last.get("first_seen") or "")[:10] or None)
    if unit.previous_rating:
        direction = direction_between(unit.previous_rating, unit.rating) or unit.direction
        return direction, unit.previous_rating, unit.previous_inspection
    return unit.direction, None, unit.previous_inspection


def merge_record(record: dict, unit: UnitRating, url: str, *, title: str | None = None,
                 published: str | None = None, findings: tuple[str, ...] | list[str] = (),
                 standards: dict[str, str] | None = None) -> dict | None:
    """The changes a later report of the same event adds to `record`, or None if it adds nothing.

    Links are appended; missing fields are filled; known values are never overwritten, since the
    first report was what people were told and later ones (regional news) are often vaguer.
    """
    offered = {**{f: getattr(unit, f) for f in UNIT_FILLABLE}, "title": title, "published": published}
    if not (unit.evidence or {}).get("previous_rating"):
        offered["previous_rating"] = None  # a previous rating is taken only with its sentence
    changes = {f: v for f, v in offered.items() if v is not None and record.get(f) is None}
    if "previous_rating" in changes and unit.previous_inspection and not record.get("previous_published"):
        changes["previous_published"] = unit.previous_inspection
    if url and url not in (record.get("links") or []):
        changes["links"] = [*(record.get("links") or []), url]
    if findings and not record.get("findings"):
        changes["findings"] = list(findings)
    known = record.get("standards") or {}
    extra = {k: v for k, v in (standards or {}).items() if k not in known}
    if extra:
        changes["standards"] = {**known, **extra}
    if record.get("direction") is None:
        direction = _filled_direction(record, unit, changes)
        if direction is not None:
            changes["direction"] = direction
    return changes or None


def _filled_direction(record: dict, unit: UnitRating, changes: dict) -> str | None:
    """A direction for a record that had none, from a previous rating this report supplies."""
    previous = changes.get("previous_rating")
    if previous:
        return direction_between(previous, record.get("rating")) or unit.direction
    # Only "new" can be taken from the text alone when the record has no previous rating.
    return "new" if unit.direction == "new" and not record.get("previous_rating") else None
