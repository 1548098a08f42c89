"""Plain dataclasses passed between the pipeline's stages."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import datetime

RATINGS = ("Outstanding", "Good", "Requires improvement", "Inadequate")
UNIT_TYPES = ("PDU", "YJS", "region", "other")
DIRECTIONS = ("up", "down", "same", "new")


def rating_rank(rating: str | None) -> int | None:
    """Outstanding=3 ... Inadequate=0, so that a higher rank is a better rating."""
    return 3 - RATINGS.index(rating) if rating in RATINGS else None


def direction_between(previous: str | None, current: str | None) -> str | None:
    """'up', 'down' or 'same' from one rating to the next; None if either is unknown."""
    a, b = rating_rank(previous), rating_rank(current)
    if a is None or b is None:
        return None
    return "up" if b > a else "down" if b < a else "same"


def change_text(rating: str | None, previous: str | None, direction: str | None,
                *, unclear: bool = False) -> str:
    """'Requires improvement → Inadequate (down)': one wording for the terminal and the site."""
    if not rating:  # an inspection released after its hold with no source stating its rating
        return "inspection published (rating not stated)"
    if direction == "new":
        return f"{rating} (first inspection)"
    if previous and direction == "same":
        return f"{rating} again (same)"
    if previous:
        return f"{previous} → {rating} ({direction or 'change unknown'})"
    if unclear:
        return f"{rating} (previous rating unclear)"
    return f"{rating} (no earlier rating known)"


@dataclass(frozen=True)
class UnitRating:
    """One unit rated in one text."""

    name: str
    type: str
    region: str | None = None
    rating: str | None = None
    previous_rating: str | None = None
    previous_inspection: str | None = None
    direction: str | None = None
    score: str | None = None
    recommendations: int | None = None
    # {"rating": sentence, "previous_rating": sentence or None}: the passages of the text each
    # claim was read from, so every alert can show where it came from (issue 10).
    evidence: dict | None = None
    # "stated" (an explicit statement of this unit's overall rating) or "inferred" (headline
    # only, a table, coordination, a unit rated in passing); None where no rating was read.
    confidence: str | None = None

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Extraction:
    """What the extractor read from one text."""

    is_inspection: bool
    title: str | None = None
    published: str | None = None
    units: tuple[UnitRating, ...] = ()
    findings: tuple[str, ...] = ()
    chief_inspector: str | None = None
    standards: dict[str, str] = field(default_factory=dict)
    # Names of units rated only in passing ("the other, X PDU, also received ..."): reported by
    # `extract`, recorded into history, never alerted (their own release was the news).
    siblings: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return {
            "is_inspection": self.is_inspection,
            "title": self.title,
            "published": self.published,
            "units": [u.to_json() for u in self.units],
            "findings": list(self.findings),
            "chief_inspector": self.chief_inspector,
            "standards": dict(self.standards),
        }


@dataclass(frozen=True)
class Item:
    """One entry found by a source: a link to a page that may report an inspection."""

    source: str
    url: str
    key: str
    title: str = ""
    summary: str = ""
    published: datetime | None = None


@dataclass(frozen=True)
class Page:
    """A fetched document turned into text."""

    url: str
    text: str
    title: str | None = None
    published: str | None = None
    kind: str = "html"
    report_links: tuple[str, ...] = ()  # PDFs the page links to as its report


@dataclass(frozen=True)
class Alert:
    """One inspection event for one unit, as delivered to people."""

    event_id: str
    unit: UnitRating
    direction: str | None
    previous_rating: str | None
    previous_published: str | None
    published: str | None
    title: str | None = None
    findings: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    chief_inspector: str | None = None
    standards: dict[str, str] = field(default_factory=dict)
    # True when this alert revises an event already delivered (a later source added links).
    is_update: bool = False
    # Who the rating's evidence was read from, as people know it ("HMI Probation", "bbc-devon").
    evidence_source: str | None = None
    # Set when the alert went out unconfirmed after its hold: the source that alone reported it.
    reported_by: str | None = None
    # The record and the text disagree about the previous rating and neither could be preferred.
    previous_unclear: bool = False

    def to_json(self) -> dict:
        out = self.unit.to_json()
        out.update(
            direction=self.direction,
            previous_rating=self.previous_rating,
            previous_published=self.previous_published,
            published=self.published,
            title=self.title,
            findings=list(self.findings),
            links=list(self.links),
            chief_inspector=self.chief_inspector,
            standards=dict(self.standards),
            event_id=self.event_id,
            is_update=self.is_update,
            evidence_source=self.evidence_source,
            reported_by=self.reported_by,
            previous_unclear=self.previous_unclear,
        )
        return out

    @classmethod
    def from_json(cls, data: dict) -> "Alert":
        unit_keys = {f.name for f in fields(UnitRating)}
        unit = UnitRating(**{k: v for k, v in data.items() if k in unit_keys})
        return cls(
            event_id=data["event_id"],
            unit=unit,
            direction=data.get("direction"),
            previous_rating=data.get("previous_rating"),
            previous_published=data.get("previous_published"),
            published=data.get("published"),
            title=data.get("title"),
            findings=tuple(data.get("findings") or ()),
            links=tuple(data.get("links") or ()),
            chief_inspector=data.get("chief_inspector"),
            standards=dict(data.get("standards") or {}),
            is_update=bool(data.get("is_update")),
            evidence_source=data.get("evidence_source"),
            reported_by=data.get("reported_by"),
            previous_unclear=bool(data.get("previous_unclear")),
        )
