"""What the published site shows: each unit and its rated inspections, read from history."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urlsplit

from bot.models import RATINGS, direction_between

# Characters XML 1.0 forbids (and lone surrogates): scraped text can hold them, and one of
# them would make the whole feed unreadable to every feed reader.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_EPOCH = "1970-01-01T00:00:00Z"


@dataclass(frozen=True)
class Event:
    """One rated inspection of one unit, as the site and the feed show it."""

    event_id: str
    name: str
    type: str
    region: str | None
    rating: str | None
    previous_rating: str | None
    direction: str | None
    published: str | None  # as recorded: "2026-11-24", "2024-05" or "2024"; None if unknown
    updated: str  # RFC 3339 UTC: when the event last changed (a new source joined it)
    title: str | None = None
    evidence: str | None = None
    findings: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    score: str | None = None
    recommendations: int | None = None
    previous_published: str | None = None  # when the previous inspection was, as recorded
    source: str | None = None  # "read" (by the bot) or "baseline" (the shipped past record)
    note: str | None = None  # where sources disagree about a rating, which was believed
    reported_by: str | None = None  # alerted unconfirmed once its hold ended: the one source that said so


@dataclass(frozen=True)
class Unit:
    """A unit and its inspections, oldest first."""

    key: str
    slug: str
    name: str
    type: str
    region: str | None
    events: tuple[Event, ...]

    @property
    def latest(self) -> Event:
        return self.events[-1]

    @property
    def previous_rating(self) -> str | None:
        """The rating before the latest: as the event recorded it, else the timeline's."""
        if self.latest.previous_rating:
            return self.latest.previous_rating
        return self.events[-2].rating if len(self.events) > 1 else None

    @property
    def direction(self) -> str | None:
        """'up', 'down', 'same' or 'new' for the latest inspection; None when unknown."""
        if self.latest.direction:
            return self.latest.direction
        return direction_between(self.previous_rating, self.latest.rating)


def read_units(config, store) -> list[Unit]:
    """Every unit with at least one rating, by name: the one place the site reads history from.

    History is what the bot read (the store) joined with the record of past ratings that
    `config.baseline` names, as `history` and `export` show it, less the readings held for
    confirmation: a reader sees an event when the alerts tell it, not before.
    """
    from bot.policy import held_alerts
    from bot.records import timelines

    held = frozenset(h["event_id"] for h in held_alerts(store))
    groups: dict[str, list[dict]] = {}
    for key, timeline in timelines(config, store=store, hidden=held).items():  # each oldest first
        rated = [r for r in timeline if r.get("rating") in RATINGS]
        if rated:
            groups[key] = rated
    units, slugs = [], set()
    for key in sorted(groups, key=lambda k: (_name_of(groups[k]).casefold(), k)):
        records = groups[key]
        slug = _unique_slug(key, slugs)
        last = records[-1]
        units.append(Unit(key=key, slug=slug, name=_name_of(records), type=clean(last.get("type")) or "other",
                          region=_region_of(records), events=tuple(_event(r) for r in records)))
    return units


def _name_of(records: list[dict]) -> str:
    return clean(records[-1].get("name")) or records[-1]["unit_key"]


def _region_of(records: list[dict]) -> str | None:
    for record in reversed(records):
        if record.get("region"):
            return clean(record["region"])
    return None


def _unique_slug(key: str, taken: set[str]) -> str:
    """A file name for the unit's page: readable, and distinct even when two keys fold alike."""
    slug = re.sub(r"[^a-z0-9]+", "-", key.casefold()).strip("-")[:80] or "unit"
    if slug in taken:
        slug = f"{slug}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:8]}"
    taken.add(slug)
    return slug


def _event(record: dict) -> Event:
    previous = record.get("previous_rating") if record.get("previous_rating") in RATINGS else None
    evidence = record.get("evidence")
    if isinstance(evidence, dict):
        evidence = evidence.get("rating")
    return Event(
        event_id=str(record.get("event_id") or ""),
        name=clean(record.get("name")) or record["unit_key"],
        type=clean(record.get("type")) or "other",
        region=clean(record.get("region")),
        rating=record.get("rating"),
        previous_rating=previous,
        direction=record.get("direction") or direction_between(previous, record.get("rating")),
        published=clean(record.get("published")),
        updated=_updated(record),
        title=clean(record.get("title")),
        evidence=clean(evidence) if isinstance(evidence, str) else None,
        findings=tuple(f for f in (clean(x) for x in _listed(record.get("findings"))) if f),
        links=tuple(u for u in (safe_url(x) for x in _listed(record.get("links"))) if u),
        score=clean(record.get("score")),
        recommendations=record.get("recommendations") if isinstance(record.get("recommendations"), int) else None,
        previous_published=clean(record.get("previous_published")),
        source=clean(record.get("source")),
        note=clean(record.get("dispute") or record.get("note")),
        reported_by=clean(record.get("reported_by")),
    )


def _listed(value) -> list:
    """A list field as a list (a lone string is one entry, not a list of characters)."""
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value] if value else []


def _updated(record: dict) -> str:
    """When the event last changed: the pipeline's stamp, else when it was first seen."""
    order = ("updated_at", "first_seen", "published")
    if record.get("source") == "baseline":
        order = ("updated_at", "published", "sort_day")  # the shipped record: its own dates
    for value in (record.get(key) for key in order):
        stamp = rfc3339(value)
        if stamp:
            return stamp
    return _EPOCH  # a record with no date at all: fixed, so rewrites never move it


def rfc3339(value) -> str | None:
    """An ISO date or datetime as RFC 3339 UTC ('2026-11-24T00:00:00Z'); None if unreadable."""
    if not isinstance(value, str) or not re.match(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.year < 1900:
        return None  # the baseline's stand-in day for an undated first row, not a date
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def clean(value) -> str | None:
    """Scraped text as one tidy line without characters XML forbids; None if empty."""
    if value is None:
        return None
    text = " ".join(_XML_INVALID.sub("", str(value)).split())
    return text or None


def safe_url(value) -> str | None:
    """An http(s) URL, or None: a `javascript:` or `data:` link from a page never becomes a link."""
    url = clean(value)
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None
