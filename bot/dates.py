"""Dates as feeds, pages and texts write them: the one place that turns them into values."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
# Full names, three-letter forms, and "Sept" as GOV.UK and the BBC shorten September.
_MONTH_NUMBERS = ({m.casefold(): i for i, m in enumerate(MONTHS, 1)}
                  | {m[:3].casefold(): i for i, m in enumerate(MONTHS, 1)} | {"sept": 9})
_FORMATS = ("%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%d/%m/%Y")


def month_number(name: str) -> int | None:
    """1-12 for a month's name or a short form of three letters or more ('Nov', 'Sept.'), else None."""
    word = name.strip().rstrip(".").casefold()
    if len(word) < 3:
        return None
    return _MONTH_NUMBERS.get(word) or next(
        (i for i, m in enumerate(MONTHS, 1) if m.casefold().startswith(word)), None)


def iso_date(day: int | str, month: int | str, year: int | str) -> str | None:
    """'2024-11-15' from a day, a month (number or name) and a year; None if no such date."""
    try:
        number = month_number(month) if isinstance(month, str) and not month.isdigit() else int(month)
        return date(int(year), number, int(day)).isoformat() if number else None
    except (TypeError, ValueError):
        return None


def parse_datetime(text: str | None) -> datetime | None:
    """An aware UTC datetime from ISO 8601 or a written date ('15 November 2024'); else None."""
    if not text:
        return None
    text = " ".join(text.split())
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        value = _written_date(text)
    if value is None:
        return None
    # A date or time with no zone is taken as UTC: a shift of an hour never changes an alert.
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def parse_date(text: str | None) -> str | None:
    """The ISO date ('2024-11-15') of anything `parse_datetime` reads, as written (no zone shift)."""
    if not text:
        return None
    text = " ".join(text.split())
    try:
        return datetime.fromisoformat(text).date().isoformat()
    except ValueError:
        written = _written_date(text)
        return written.date().isoformat() if written else None


def _written_date(text: str) -> datetime | None:
    text = re.sub(r"(?<=\d)(st|nd|rd|th)\b", "", text)  # "15th November 2024"
    for fmt in _FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def spoken_date(value: str | None) -> str | None:
    """A recorded date in words: '2024-11-15' -> '15 November 2024', '2022-05' -> 'May 2022'; else None."""
    parts = (value or "")[:10].split("-")
    try:
        if len(parts) == 3:
            day = date(int(parts[0]), int(parts[1]), int(parts[2]))
            return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
        if len(parts) == 2 and 1 <= int(parts[1]) <= 12:
            return f"{MONTHS[int(parts[1]) - 1]} {int(parts[0])}"
    except ValueError:
        pass
    return None
