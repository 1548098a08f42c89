"""Recording readings into history: a new event, a retelling of one, or a held alert released.

Each unit an item reports is a `Reading`. It becomes a new inspection event in history or adds
its source to the event it retells; whether the event alerts now, later or never is decided by
`bot.policy`. Held events are listed in the state (`bot.policy.HELD`, a meta value), so they survive
restarts, `status` shows them and every run releases those whose time has come.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.config import Config
from bot.diff import event_id, find_same_event, find_unrated_event, merge_record, unit_key
from bot.history import Store
from bot.identity import display_url
from bot.models import Alert, Extraction, Item, UnitRating
from bot.notify import Notifier
from bot.policy import HELD, confirmed, due_holds, evidence_changes, hold_reason, shown_verdict

log = logging.getLogger(__name__)


@dataclass
class Cycle:
    """What every step of one poll cycle shares: config, state, channels, clock and report."""

    config: Config
    store: Store
    notifiers: list[Notifier]
    report: object  # pipeline.CycleReport: alerts, counts and failures of this cycle
    now: datetime
    _baseline: object = field(default=None, init=False, repr=False)

    def past(self, key: str) -> list[dict]:
        """The record of past ratings for one unit (the baseline is read once, when first needed)."""
        if self._baseline is None:
            from bot.baseline import load_baseline  # with the first item: a quiet poll never reads it

            self._baseline = load_baseline(self.config.baseline)
        return self._baseline.for_unit(key)

    def send(self, alert: Alert) -> None:
        """Queue an alert (new or an update) with every channel; delivery comes at the cycle's end."""
        for notifier in self.notifiers:
            notifier.queue([alert], self.store)


@dataclass(frozen=True)
class Reading:
    """One source's account of one unit in one item."""

    item: Item
    result: Extraction
    unit: UnitRating
    published: str | None
    links: tuple[str, ...]
    quiet: bool  # too old for an alert, or a backfill: recorded silently
    official: bool  # the source speaks for the inspectorate
    label: str  # how alerts name the source, e.g. "HMI Probation"


def record_unit(cycle: Cycle, reading: Reading) -> None:
    """Record one unit's rating as a new event, or add this source to the event it retells."""
    from bot.timeline import judge_inspection  # with the first item, as the extractor

    unit, store = reading.unit, cycle.store
    key = unit_key(unit.name)
    existing, past = store.inspections_for(key), cycle.past(key)
    same = find_same_event(existing, unit, reading.published, now=cycle.now)
    if same is None and unit.rating:
        same = _adopt_unrated(cycle, existing, past, reading)
    sibling = unit.name in reading.result.siblings
    if same is not None and same.get("in_passing") and not (sibling or reading.quiet):
        _own_report(cycle, same, reading)  # named in passing before, now reported for itself
        return
    if same is not None:
        merge(cycle, same, reading)
        return
    if sibling and any(r.get("rating") == unit.rating for r in existing + past):
        return  # a rating named in passing that history (or the baseline) already holds
    record = _new_record(cycle, key, reading, shown_verdict(judge_inspection(
        unit, existing, past, reading.published, display_url(reading.item.url)), unit))
    if sibling:
        record["in_passing"] = True  # its own report, when it comes, is the news (_own_report)
    _file(cycle, record, silent=reading.quiet or sibling)


def _file(cycle: Cycle, record: dict, *, silent: bool) -> None:
    """Store a new event: alerted at once if confirmed, else held; or recorded silently."""
    alert = alert_from_record(record, update=False)
    if silent:
        record["alerted"] = False
        cycle.report.recorded_silently += 1
    elif confirmed(record):
        # Queued before the record is written: a crash in between re-reads the item, and the
        # outbox is idempotent per (event, channel), so nothing is lost and nothing doubled.
        record["alerted"] = True
        cycle.send(alert)
        cycle.report.alerts.append(alert)
    else:
        record["alerted"] = False
        _hold(cycle, record)  # listed first: a crash before the record only re-reads the item
    cycle.store.add_inspection(record)
    cycle.report.history_changed = True


def _own_report(cycle: Cycle, record: dict, reading: Reading) -> None:
    """A unit's own report of an event another unit's release named in passing (recorded silently).

    The event is told afresh from its own report (title, date, evidence, direction), keeping
    its id and the earlier release's link, and alerts or is held like any new event.
    """
    from bot.timeline import judge_inspection  # with the first item, as the extractor

    key = record["unit_key"]
    others = [r for r in cycle.store.inspections_for(key) if r["event_id"] != record["event_id"]]
    verdict = shown_verdict(judge_inspection(reading.unit, others, cycle.past(key), reading.published,
                                             display_url(reading.item.url)), reading.unit)
    fresh = _new_record(cycle, key, reading, verdict)
    links = [*fresh["links"], *(link for link in record.get("links") or [] if link not in fresh["links"])]
    fresh.update(event_id=record["event_id"], links=links, first_seen=record.get("first_seen"),
                 updated_at=cycle.now.isoformat())  # told afresh now: the public feed's `updated`
    _file(cycle, fresh, silent=False)


def _new_record(cycle: Cycle, key: str, reading: Reading, verdict) -> dict:
    """The history record of a new event, with what the alert policy needs to judge it."""
    unit, result = reading.unit, reading.result
    alert = Alert(event_id=event_id(key, reading.published, unit.rating, reading.item.key), unit=unit,
                  direction=verdict.direction, previous_rating=verdict.previous_rating,
                  previous_published=verdict.previous_published, published=reading.published,
                  title=result.title, findings=result.findings, links=reading.links,
                  chief_inspector=result.chief_inspector, standards=dict(result.standards),
                  previous_unclear=verdict.unclear, evidence_source=reading.label if unit.evidence else None)
    record = {**alert.to_json(), "unit_key": key, "first_seen": cycle.now.isoformat(),
              "previous_source": verdict.previous_source, "note": verdict.note,
              "official": reading.official, "evidence_official": reading.official,
              "source_label": reading.label}
    record.pop("is_update", None)
    return record


def _adopt_unrated(cycle: Cycle, existing: list[dict], past: list[dict], reading: Reading) -> dict | None:
    """A held event of this unit whose text lacked the rating: this reading supplies it."""
    from bot.timeline import judge_inspection  # with the first item, as the extractor

    record = find_unrated_event(existing, reading.published, now=cycle.now)
    if record is None or record["event_id"] not in cycle.store.get_meta(HELD, {}):
        return None  # one already alerted as "rating not stated": the rating is news of its own
    others = [r for r in existing if r["event_id"] != record["event_id"]]
    unit = reading.unit
    verdict = shown_verdict(judge_inspection(unit, others, past, reading.published,
                                             display_url(reading.item.url)), unit)
    return cycle.store.update_inspection(
        record["event_id"], rating=unit.rating, direction=verdict.direction,
        previous_rating=verdict.previous_rating, previous_published=verdict.previous_published,
        previous_inspection=unit.previous_inspection, previous_unclear=verdict.unclear,
        previous_source=verdict.previous_source, note=verdict.note)


def merge(cycle: Cycle, record: dict, reading: Reading) -> None:
    """A later source retells an event: add its link, missing fields and proof; release or update."""
    unit, result = reading.unit, reading.result
    changes = merge_record(record, unit, display_url(reading.item.url), title=result.title,
                           published=reading.published, findings=result.findings,
                           standards=result.standards) or {}
    known = changes.get("links") or record.get("links") or []
    extra = [link for link in reading.links if link not in known]
    if extra:
        changes["links"] = [*known, *extra]
    proof = evidence_changes(record, unit, official=reading.official, label=reading.label)
    if proof and record.get("reported_by") and confirmed({**record, **proof}):
        proof["reported_by"] = None  # released unconfirmed, now confirmed: the mark comes off
    changes.update(proof)
    if not changes:
        return
    # `updated_at` says when the event last changed (the public feed's `updated`).
    updated = cycle.store.update_inspection(record["event_id"], **changes, updated_at=cycle.now.isoformat())
    cycle.report.history_changed = True
    held = cycle.store.get_meta(HELD, {})
    if record["event_id"] in held and not cycle.report.silent and confirmed(updated):
        release(cycle, updated, confirmed_now=True)
    elif updated.get("alerted"):
        cycle.send(alert_from_record(updated))


def alert_from_record(record: dict, *, update: bool = True) -> Alert:
    return Alert.from_json({**record, "is_update": update})


def _hold(cycle: Cycle, record: dict) -> None:
    until = cycle.now + timedelta(hours=cycle.config.alert_hold_hours)
    held = cycle.store.get_meta(HELD, {})
    held[record["event_id"]] = {"unit": record.get("name"), "rating": record.get("rating"),
                                "source": record.get("source_label"), "reason": hold_reason(record),
                                "since": cycle.now.isoformat(), "until": until.isoformat()}
    cycle.store.set_meta(HELD, held)
    cycle.report.held.append(record["event_id"])
    log.info("held %s (%s): %s, until %s", record.get("name"), record.get("rating") or "rating not stated",
             held[record["event_id"]]["reason"], until.isoformat())


def release(cycle: Cycle, record: dict, *, confirmed_now: bool) -> None:
    """Alert a held event: confirmed by a later reading, or unconfirmed once its hold is over."""
    changes = {"alerted": True, "updated_at": cycle.now.isoformat()}  # public from now: the feed's `updated`
    if not confirmed_now:
        changes["reported_by"] = record.get("evidence_source") or record.get("source_label")
        if not record.get("rating"):
            changes["direction"] = None  # no rating, no direction: never a guess
    alert = alert_from_record({**record, **changes}, update=False)
    # Queued, then marked alerted, then unlisted: a crash between any two steps ends in one alert.
    cycle.send(alert)
    cycle.store.update_inspection(record["event_id"], **changes)
    cycle.report.alerts.append(alert)
    cycle.report.history_changed = True
    _unlist(cycle, record["event_id"])


def _unlist(cycle: Cycle, eid: str) -> None:
    held = cycle.store.get_meta(HELD, {})
    if held.pop(eid, None) is not None:
        cycle.store.set_meta(HELD, held)
    if eid in cycle.report.held:
        cycle.report.held.remove(eid)


def release_due(cycle: Cycle) -> None:
    """Send every held event whose hold is over: marked as reported by its source unless confirmed."""
    for eid in due_holds(cycle.store, cycle.now):
        record = cycle.store.get_inspection(eid)
        if record is None or record.get("alerted"):
            _unlist(cycle, eid)  # a crash left the listing without its record, or after release
            continue
        log.info("hold over for %s: alerting it", record.get("name"))
        release(cycle, record, confirmed_now=confirmed(record))
