"""Email digests: when each one is due (pure timing; `bot.notify.email` sends them).

Rules (also in the README):

- A digest's *period* starts at its last send. It is due when a time of its cron schedule,
  read in its time zone, falls in (period start, now]. However many scheduled times passed
  while the machine was off, that is one digest, sent on the next run.
- A digest never sent before starts its first period at its oldest queued event, or, with
  nothing queued, the first time the bot handles it: a new digest neither mails the whole
  history at once nor waits forever; it goes out at the first scheduled time after that.
- A scheduled time that comes with nothing to say (and `send_empty: false`) closes the
  period without an email, so an event found on Tuesday waits for the next Monday.
- A wall-clock time that the autumn clock change repeats counts once.
- `schedule: immediate`: every pending event is mailed on its own after the run that found it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from bot.config import Config, Digest
from bot.cron import as_utc, next_fire

IMMEDIATE = "immediate"


def fire_after(digest: Digest, after: datetime) -> datetime | None:
    """The first time of the digest's schedule strictly after `after` (UTC)."""
    return next_fire(digest.schedule, digest.timezone, after)


def is_due(digest: Digest, last_sent: datetime | None, now: datetime, *,
           since: datetime | None = None) -> bool:
    """Whether a scheduled time falls in (last_sent, now]; `since` stands in for a digest never sent.

    An immediate digest is always due (whether it has anything to send is another matter).
    """
    if digest.schedule == IMMEDIATE:
        return True
    start = last_sent or since
    if start is None:
        return False
    fire = fire_after(digest, start)
    return fire is not None and fire <= as_utc(now)


def next_due(digest: Digest, last_sent: datetime | None, now: datetime, *,
             since: datetime | None = None) -> datetime | None:
    """The first scheduled time after the period start (already past: it goes on the next run).

    None for an immediate digest.
    """
    if digest.schedule == IMMEDIATE:
        return None
    return fire_after(digest, last_sent or since or now)


def _period_key(name: str) -> str:
    return f"digest_period_start:{name}"


def start_period(store, name: str, when: datetime) -> None:
    """Start a digest's next period at `when` without sending (a first sighting, an empty slot)."""
    store.set_meta(_period_key(name), as_utc(when).isoformat())


def period_start(store, name: str, entries: list[dict] | None = None) -> datetime | None:
    """Where a digest's current period began: its last send or empty close, else its oldest entry."""
    closed = store.get_meta(_period_key(name))
    marks = [t for t in (store.digest_last_sent(name), closed and datetime.fromisoformat(closed)) if t]
    if marks:
        return max(as_utc(t) for t in marks)
    entries = store.digest_entries(name) if entries is None else entries
    return min(as_utc(datetime.fromisoformat(e["queued_at"])) for e in entries) if entries else None


@dataclass(frozen=True)
class DigestStatus:
    """One digest as `status` shows it."""

    name: str
    schedule: str
    timezone: str
    pending: int
    last_sent: datetime | None
    next_due: datetime | None  # None: immediate; in the past: goes out on the next run


def digest_statuses(config: Config, store, *, now: datetime | None = None) -> list[DigestStatus]:
    """Every digest's pending count, last send and next due time."""
    now = as_utc(now or datetime.now(timezone.utc))
    out = []
    for digest in config.email.digests if config.email else ():
        entries = store.digest_entries(digest.name)
        start = period_start(store, digest.name, entries)
        out.append(DigestStatus(digest.name, digest.schedule, digest.timezone, len(entries),
                                store.digest_last_sent(digest.name), next_due(digest, start, now)))
    return out
