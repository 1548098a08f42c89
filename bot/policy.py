"""Which readings may alert at once, and which wait to be confirmed (issue 10's alert policy).

A reading is one source's account of one unit's rating. It alerts at once only when it can
show what it claims: an official source (HMI Probation's sites, GOV.UK, or a source marked
`official: true`) *and* a rating the text states outright, with the sentence it was read from.
A direction (up, down, same) rests on the previous rating: from history, or from the text only
with the sentence it was read from; otherwise no direction is claimed. Anything less is
recorded and held until a later reading of the same event supplies what was missing, or until
`alert_hold_hours` pass and it goes out marked as reported by its source. Pure rules on plain
records here; `bot.events` applies them to the state.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.identity import official_label
from bot.models import UnitRating

STATED, INFERRED = "stated", "inferred"
# The state's list of held events (a meta value): {event_id: {"unit", "rating", "source",
# "reason", "since", "until"}}. Written by `bot.events`; read by `status` and anything that
# must not show an unconfirmed reading as news before its alert.
HELD = "held_alerts"

def source_label(url: str, source_name: str) -> str:
    """The name an alert gives a source: 'HMI Probation', 'GOV.UK', else the config's name."""
    return official_label(url) or source_name  # a council's *.gov.uk page is not GOV.UK


def shows_rating(unit: UnitRating) -> bool:
    """True when the reading states the unit's rating and carries the sentence it came from."""
    return bool(unit.rating and unit.confidence == STATED and (unit.evidence or {}).get("rating"))


def confirmed(record: dict) -> bool:
    """True when an official source reported the event and a reading states its rating, with its sentence."""
    evidence = record.get("evidence") or {}
    return bool(record.get("rating") and record.get("official") and record.get("confidence") == STATED
                and evidence.get("rating"))


def shown_verdict(verdict, unit: UnitRating):
    """The verdict, less a previous rating the text gives without the sentence it came from."""
    if verdict.previous_source != "text" or (unit.evidence or {}).get("previous_rating"):
        return verdict
    return replace(verdict, direction=None, previous_rating=None, previous_published=None,
                   previous_source=None)


def hold_reason(record: dict) -> str:
    """Why an event waits, in a few words for `status` and the log."""
    if not record.get("rating"):
        return "the rating is not stated; waiting for a source that states it"
    if record.get("confidence") != STATED or not (record.get("evidence") or {}).get("rating"):
        return "the rating is inferred, not stated; waiting for a stated reading"
    return "reported by a non-official source only; waiting for an official one"


def _rank(confidence: str | None, official: bool) -> tuple[int, int]:
    return (confidence == STATED, bool(official))


def evidence_changes(record: dict, unit: UnitRating, *, official: bool, label: str) -> dict:
    """What a later reading adds to an event's proof: a source's official word, better evidence.

    The evidence shown is the best reading's (stated before inferred, then official before
    not); a previous rating's sentence already known is kept if the better reading lacks one.
    """
    changes: dict = {}
    if official and not record.get("official"):
        changes["official"] = True
    old = _rank(record.get("confidence"), record.get("evidence_official", record.get("official")))
    if unit.evidence and unit.evidence.get("rating") and _rank(unit.confidence, official) > old:
        kept = {k: v for k, v in (record.get("evidence") or {}).items() if v}
        changes.update(evidence={**kept, **{k: v for k, v in unit.evidence.items() if v}},
                       confidence=unit.confidence, evidence_source=label, evidence_official=official)
    return changes


def held_alerts(store) -> list[dict]:
    """The held events, soonest released first (`store` is a `bot.history.Store`)."""
    held = store.get_meta(HELD, {}) or {}
    return sorted(({"event_id": k, **v} for k, v in held.items()), key=lambda h: h["until"])


def due_holds(store, now: datetime) -> list[str]:
    """The ids of the held events whose hold is over at `now`, soonest first."""
    return [h["event_id"] for h in held_alerts(store) if datetime.fromisoformat(h["until"]) <= now]
