"""Pure rules joining a unit's past record (baseline) and what the bot read into one timeline."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.diff import judge
from bot.identity import canonical_url, official_url
from bot.models import UnitRating, direction_between

WINDOW_DAYS = 45  # the same inspection, retold: same unit, same rating, dates this close


@dataclass(frozen=True)
class Verdict:
    """How a newly read inspection compares with the unit's past."""

    direction: str | None
    previous_rating: str | None
    previous_published: str | None
    previous_source: str | None = None  # "baseline", "read" or "text"
    unclear: bool = False  # the sources disagree about the previous rating and none can be preferred
    note: str | None = None


_MONTHS = {m.casefold(): i for i, m in enumerate(calendar.month_name) if m}
_WRITTEN = re.compile(r"^(?:(\d{1,2})(?:st|nd|rd|th)? )?([A-Za-z]+) (\d{4})$")


def date_range(published: str | None) -> tuple[date, date] | None:
    """The days a full or partial date can mean ('2024-05' or 'May 2024' -> 1 to 31 May 2024)."""
    if not published:
        return None
    written = _WRITTEN.match(" ".join(published.split()))
    if written and written.group(2).casefold() in _MONTHS:
        day, month, year = written.group(1), _MONTHS[written.group(2).casefold()], written.group(3)
        published = f"{year}-{month:02d}" + (f"-{int(day):02d}" if day else "")
    try:
        parts = [int(p) for p in published[:10].split("-")]
        if len(parts) == 3:
            day = date(*parts)
            return day, day
        if len(parts) == 2:
            return date(parts[0], parts[1], 1), date(parts[0], parts[1], calendar.monthrange(*parts)[1])
        return date(parts[0], 1, 1), date(parts[0], 12, 31)
    except (ValueError, TypeError):
        return None


def day_of(record: dict) -> str:
    """Where a record sits in time: its (start) date, else the day the bot first saw it."""
    if record.get("sort_day"):
        return record["sort_day"]
    found = date_range(record.get("published"))
    if found:
        return found[0].isoformat()
    return (record.get("first_seen") or "")[:10]


def _urls(urls) -> set[str]:
    return {canonical_url(u) for u in urls or () if u}


def same_inspection(record: dict, rating: str | None, published: str | None, urls=()) -> bool:
    """Whether a record is this inspection: the same page, or same rating with dates close."""
    if _urls(urls) & _urls(record.get("links")):
        return True
    if record.get("rating") != rating:
        return False
    theirs, ours = date_range(record.get("published")), date_range(published)
    if theirs is None or ours is None:
        return False
    window = timedelta(days=WINDOW_DAYS)
    return theirs[0] - window <= ours[1] and ours[0] <= theirs[1] + window


def merge(read: list[dict], base: list[dict]) -> list[dict]:
    """One unit's inspections, oldest first; a read record replaces the baseline row it retells."""
    base = [{**b} for b in base]
    entries = []
    for record in read:
        record = {**record, "source": "read"}
        told = [b for b in base if same_inspection(b, record.get("rating"), record.get("published"),
                                                   record.get("links"))]
        if told:
            record["also_in_baseline"] = True
            base = [b for b in base if b not in told]
        for rival in rivals(record.get("rating"), record.get("published"), base):
            if _settle(record, rival):
                base = [b for b in base if b is not rival]
        entries.append(record)
    entries += base
    entries.sort(key=lambda r: (day_of(r), r.get("source") != "baseline", r.get("seq") or 0,
                                r.get("first_seen") or ""))
    previous = None
    for entry in entries:  # a baseline row's direction is judged against what came before it
        if entry["source"] == "baseline":
            entry["previous_rating"] = previous["rating"] if previous else None
            entry["previous_published"] = previous.get("published") if previous else None
            entry["direction"] = direction_between(entry["previous_rating"], entry["rating"])
        previous = entry if entry.get("rating") else previous
    return entries


def rivals(rating: str | None, published: str | None, base: list[dict]) -> list[dict]:
    """Baseline rows dated (to the month or better) as this inspection but giving another rating."""
    out = []
    for row in base:
        span = date_range(row.get("published"))
        if row.get("rating") == rating or span is None or (span[1] - span[0]).days > 31:
            continue
        if same_inspection({**row, "links": [], "rating": rating}, rating, published):
            out.append(row)
    return out


def _settle(record: dict, rival: dict) -> bool:
    """A read record and a baseline row disagree about one inspection; True drops the row.

    The inspectorate's own page is believed; with no such page on either side, both are
    marked disputed and neither is used as a clear predecessor.
    """
    read_official, row_official = is_official(record.get("links")), is_official(rival.get("links"))
    if read_official and not row_official:
        record["dispute"] = (f"the baseline record gives {rival['rating']} for this inspection; "
                             f"the inspectorate's page read here is preferred")
        return True
    if row_official and not read_official:
        record["superseded"] = True
        record["dispute"] = (f"the baseline record (the inspectorate's page) gives {rival['rating']} "
                             f"for this inspection and is preferred")
        return False
    for side, other in ((record, rival), (rival, record)):
        side["disputed"] = True
        side["dispute"] = f"unclear: the {other['source']} record gives {other['rating']} for this inspection"
    return False


def judge_inspection(unit: UnitRating, read: list[dict], base: list[dict], published: str | None,
                     url: str | None) -> Verdict:
    """Direction of a new inspection against the unit's latest earlier one, baseline or read.

    A baseline row that is this very inspection is never its own predecessor: the new one is
    compared with the row before it.
    """
    timeline = merge(read, base)
    match = next((b for b in reversed(base) if same_inspection(b, unit.rating, published, [url])), None)
    if match is not None:
        cut = day_of(match)
        earlier = [e for e in timeline if (day_of(e), e.get("seq") or 0) < (cut, match.get("seq") or 0)
                   and e.get("event_id") != match["event_id"]]
    else:
        this_day = date_range(published)
        earlier = [e for e in timeline if this_day is None or day_of(e) < this_day[0].isoformat()]
    others = rivals(unit.rating, published, base)  # this inspection, rated otherwise by the record
    disputed = {r["event_id"] for r in others}
    earlier = [e for e in earlier if e.get("rating") and not e.get("superseded") and e.get("event_id") not in disputed]
    verdict = _from_history(unit, earlier, published, url)
    if others and verdict.note is None:
        note = f"the baseline record gives {others[0]['rating']} for this inspection ({others[0]['published']})"
        verdict = Verdict(verdict.direction, verdict.previous_rating, verdict.previous_published,
                          verdict.previous_source, verdict.unclear, note)
    return verdict


def _from_history(unit: UnitRating, earlier: list[dict], published: str | None, url: str | None) -> Verdict:
    """The verdict against the latest earlier inspection, else what the text says."""
    if not earlier:
        direction, previous, previous_published = judge(unit, [], published)
        return Verdict(direction, previous, previous_published, "text" if previous else None)
    last = earlier[-1]
    if last.get("disputed"):
        return Verdict(None, None, None, None, unclear=True,
                       note=f"previous rating unclear: {last['dispute']} ({last.get('published') or 'undated'})")
    verdict = Verdict(direction_between(last["rating"], unit.rating), last["rating"],
                      last.get("published") or (last.get("first_seen") or "")[:10] or None, last["source"])
    return _reconcile(verdict, unit, last, url)


def is_official(urls) -> bool:
    """Whether any of the URLs is the inspectorate's own page: where a previous rating is disputed, it is believed."""
    return any(official_url(url) for url in urls or () if url)


def _reconcile(verdict: Verdict, unit: UnitRating, last: dict, url: str | None) -> Verdict:
    """The text's own previous rating against the record's: prefer the inspectorate's page."""
    said = unit.previous_rating
    if not said and unit.direction == "new":
        note = (f"this page calls it a first inspection; the {last['source']} record has "
                f"{last['rating']} ({last.get('published') or 'date not known'}) before it")
        return Verdict(verdict.direction, verdict.previous_rating, verdict.previous_published,
                       verdict.previous_source, note=note)
    if not said or said == last["rating"]:
        return verdict
    when = date_range(unit.previous_inspection)
    if when and not same_inspection(last, last["rating"], unit.previous_inspection):
        return verdict  # the text speaks of an older inspection than the one on record
    record = f"the {last['source']} record"
    text_official, record_official = is_official([url]), is_official(last.get("links"))
    if text_official and not record_official:
        note = (f"previous rating: this page (the inspectorate's) says {said}, {record} says "
                f"{last['rating']}; the inspectorate's page is preferred")
        return Verdict(direction_between(said, unit.rating), said, unit.previous_inspection or
                       verdict.previous_published, "text", note=note)
    if record_official and not text_official:
        note = (f"previous rating: this page says {said}, {record} (the inspectorate's page) says "
                f"{last['rating']}; the inspectorate's page is preferred")
        return Verdict(verdict.direction, verdict.previous_rating, verdict.previous_published,
                       verdict.previous_source, note=note)
    note = f"previous rating unclear: this page says {said}, {record} says {last['rating']}"
    return Verdict(None, None, None, None, unclear=True, note=note)
