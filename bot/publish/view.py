"""What the page and the feed share: the Jinja environment, headlines, dates and timelines."""

from __future__ import annotations

from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined

from bot.dates import MONTHS, spoken_date
from bot.identity import official_label
from bot.models import RATINGS, change_text, rating_rank
from bot.publish.data import Event, Unit

# Autoescape everywhere (the feed too): every scraped string is text, never markup.
ENV = Environment(loader=PackageLoader("bot.publish", "templates"), autoescape=True,
                  undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                  keep_trailing_newline=True)

# Colours chosen for contrast with their text (WCAG AA, 4.5:1 or more); the rating is always
# written out as well, so no one depends on telling the colours apart.
RATING_STYLE = {
    "Outstanding": ("rating-outstanding", "#00703c", "#ffffff"),
    "Good": ("rating-good", "#1d70b8", "#ffffff"),
    "Requires improvement": ("rating-ri", "#f47738", "#0b0c0c"),
    "Inadequate": ("rating-inadequate", "#a8200d", "#ffffff"),
}
DIRECTION_TEXT = {"up": "↑ up", "down": "↓ down", "same": "→ same", "new": "★ first inspection"}
TYPE_TEXT = {"PDU": "Probation delivery unit", "YJS": "Youth justice service", "region": "Region",
             "other": "Other"}
_SITES = (("bbc.co.uk", "BBC"),)  # the official hosts' names come from bot.identity

def headline(event: Event) -> str:
    """'Sheffield PDU: Requires improvement → Inadequate (down)', as the alerts word it."""
    change = change_text(event.rating, event.previous_rating, event.direction)
    if event.reported_by:  # as the alert said it: one source's word, the hold over
        change += f" [unconfirmed: reported by {event.reported_by}]"
    return f"{event.name}: {change}"


def nice_date(value: str | None) -> str:
    """'24 November 2026' (or 'November 2026', '2026') from a recorded date; 'date unknown'."""
    return (spoken_date(value) or value) if value else "date unknown"


def short_date(value: str | None) -> str:
    """'24 Nov 2026' for the table's narrow date column."""
    text = nice_date(value)
    for month in MONTHS:
        text = text.replace(month, month[:3])
    return text


def sort_date(event: Event) -> str:
    """A sortable key for when the event happened: its date, else when it was recorded."""
    return event.published or event.updated[:10]


def timeline_svg(unit: Unit, *, width: int = 132, height: int = 34, labelled: bool = False) -> dict:
    """Points of a small step chart of the unit's ratings (best at the top), for the template.

    Inspections are spaced evenly rather than by date: many past dates are only a year, and
    the order of ratings is what the chart is for; the text alternative gives the dates.
    """
    rated = [(e.published, e.rating, False) for e in unit.events if rating_rank(e.rating) is not None]
    first = unit.events[0]
    if first.previous_rating:  # the rating before our first record, as its text stated it
        rated.insert(0, (first.previous_published, first.previous_rating, True))
    pad, n = 6, len(rated)
    left, bottom = (pad + 150, pad + 18) if labelled else (pad, pad)  # room for axis labels
    span, rise = width - left - pad - 24 * labelled, height - pad - bottom
    step = span / max(n - 1, 1)
    points = []
    for i, (when, rating, stated) in enumerate(rated):
        x = left + (i * step if n > 1 else span / 2)
        y = pad + (3 - rating_rank(rating)) * rise / 3
        # A rating only stated by a later text is drawn hollow: seen second-hand.
        year = when[:4] if when else ("earlier" if stated else "?")
        points.append({"x": round(x, 1), "y": round(y, 1), "when": year,
                       "fill": "#ffffff" if stated else RATING_STYLE[rating][1],
                       "stroke": RATING_STYLE[rating][1] if stated else "#0b0c0c"})
    path = " ".join(f"{'M' if i == 0 else 'L'}{p['x']},{p['y']}" for i, p in enumerate(points))
    label = "Ratings over time: " + "; ".join(
        f"{nice_date(when) if when or not stated else 'earlier'}: {rating}" for when, rating, stated in rated)
    grid = [{"y": round(pad + i * rise / 3, 1), "rating": RATINGS[i]} for i in range(4)]
    return {"width": width, "height": height, "points": points, "path": path, "label": label,
            "grid": grid, "labelled": labelled, "left": left, "axis_y": height - 4}


def rating_counts(units: list[Unit]) -> list[dict]:
    """How many units stand at each rating now, best first."""
    return [{"rating": r, "count": sum(1 for u in units if u.latest.rating == r)} for r in RATINGS]


def globals_for_templates() -> dict:
    """The helpers every template may call."""
    return {"headline": headline, "nice_date": nice_date, "rating_class": _rating_class,
            "direction_text": lambda d: DIRECTION_TEXT.get(d, "unknown"),
            "type_text": lambda t: TYPE_TEXT.get(t, t), "timeline": timeline_svg,
            "rank": lambda r: rating_rank(r) if rating_rank(r) is not None else -1,
            "sort_date": sort_date, "host": host,
            "short_date": short_date}


def host(url: str) -> str:
    """A link's site, for its text: 'HMI Probation', 'GOV.UK', 'BBC', else the bare host name."""
    official = official_label(url)
    if official:
        return official
    name = (urlsplit(url).hostname or url).lower()
    name = name[4:] if name.startswith("www.") else name
    for suffix, label in _SITES:
        if name == suffix or name.endswith("." + suffix):
            return label
    return name


def _rating_class(rating: str | None) -> str:
    return RATING_STYLE[rating][0] if rating in RATING_STYLE else "rating-none"


ENV.globals.update(globals_for_templates())
