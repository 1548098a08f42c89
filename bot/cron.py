"""Crontab lines read the standard way (weekday 0 and 7 = Sunday), for config, digests and `serve`.

APScheduler 3's `CronTrigger.from_crontab` counts weekday 0 as Monday (its issue 286), so
"0 8 * * 1" would fire on Tuesdays and "0 8 * * 7" would not parse. Every reader of a
`schedule` goes through `cron_trigger` here, so validation, `digest` and `serve` agree.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def _day(value: str) -> int:
    """A crontab weekday, a number 0-7 or a name, as 0-7 (0 and 7 are both Sunday)."""
    value = value.strip()
    if value in _DAYS:
        return _DAYS.index(value)
    if not value.isdigit():
        raise ValueError(f"bad day of week '{value}'")
    return int(value)


def _weekdays(field: str) -> str:
    """A crontab day-of-week field (0 or 7 = Sunday) as the day names APScheduler 3 reads."""
    if field == "*":
        return field
    days: set[int] = set()
    for part in field.lower().split(","):
        span, _, step = part.partition("/")
        if span == "*":
            first, last = 0, 6
        else:
            ends = [_day(v) for v in span.split("-", 1)]
            # "1/2" is crontab for Monday to Saturday in steps of two.
            first, last = ends[0], (ends[-1] if len(ends) > 1 or not step else 6)
        if step and not step.isdigit():
            raise ValueError(f"bad day of week '{part}'")
        if not (0 <= first <= 7 and 0 <= last <= 7) or first > last or (step and int(step) < 1):
            raise ValueError(f"bad day of week '{part}'")
        days.update(d % 7 for d in range(first, last + 1, int(step or 1)))
    return ",".join(_DAYS[d] for d in sorted(days))


def cron_trigger(schedule: str, tz: str) -> CronTrigger:
    """A standard 5-field crontab line, read in the time zone `tz` (ValueError if invalid)."""
    fields = schedule.split()
    if len(fields) != 5:
        raise ValueError(f"expected 5 fields, got {len(fields)}")
    fields[4] = _weekdays(fields[4])
    return CronTrigger.from_crontab(" ".join(fields), timezone=ZoneInfo(tz))


def check(schedule: str, tz: str) -> None:
    """Raise ValueError (with the reason) unless `schedule` is a crontab line that ever fires."""
    trigger = cron_trigger(schedule, tz)
    if trigger.get_next_fire_time(None, datetime.now(ZoneInfo(tz))) is None:
        raise ValueError("it never fires")


def as_utc(when: datetime) -> datetime:
    """An aware UTC datetime; naive ones are taken as UTC."""
    return (when if when.tzinfo else when.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)


def _repeated(fire: datetime, tz: ZoneInfo) -> bool:
    """True for the second occurrence of a wall-clock time repeated by the autumn clock change."""
    local = fire.astimezone(tz)
    first = local.replace(tzinfo=None).replace(tzinfo=tz, fold=0)
    return first.utcoffset() != local.utcoffset()


def next_fire(schedule: str, tz: str, after: datetime) -> datetime | None:
    """The first time of `schedule` in `tz` strictly after `after`, in UTC (None: never again).

    A wall-clock time that the autumn clock change repeats counts once.
    """
    zone = ZoneInfo(tz)
    trigger = cron_trigger(schedule, tz)
    start = as_utc(after)
    for _ in range(24 * 60):  # cron has minutes: a day of steps always gets past a clock change
        fire = trigger.get_next_fire_time(None, start + timedelta(microseconds=1))
        if fire is None:
            return None
        fire = as_utc(fire)
        if fire > start and not _repeated(fire, zone):
            return fire
        # APScheduler can answer the same time again inside the hour the autumn change repeats.
        start = fire if fire > start else start + timedelta(minutes=1)
    return None
