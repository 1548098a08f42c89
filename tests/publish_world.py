"""A small history for the site tests and the README screenshot, written through Store's public API.

Every text here is invented for the tests (no news or council text is copied). `hostile=True`
adds a unit whose scraped strings try to inject markup, script and a `javascript:` link.
"""

from __future__ import annotations

from pathlib import Path

from bot.config import Config, parse_config
from bot.diff import event_id, unit_key
from bot.history import Store

HMIP = "https://hmiprobation.justiceinspectorates.gov.uk/news/"
# (name, type, region, [(published, rating, direction, previous, extra links)])
UNITS = [
    ("Sheffield PDU", "PDU", "Yorkshire and the Humber", [
        ("2022-03-10", "Requires improvement", "new", None, ()),
        ("2026-11-24", "Inadequate", "down", "Requires improvement", ("https://www.gov.uk/government/news/sheffield-example",)),
    ]),
    ("Wakefield PDU", "PDU", "Yorkshire and the Humber", [
        ("2021-09-02", "Inadequate", None, None, ()),
        ("2024-02-15", "Requires improvement", "up", "Inadequate", ()),
    ]),
    ("Leeds PDU", "PDU", "Yorkshire and the Humber", [("2023-06-01", "Good", None, "Good", ())]),
    ("Sheffield YJS", "YJS", "Yorkshire and the Humber", [("2025-05-20", "Good", "new", None, ())]),
    ("Derby City PDU", "PDU", "East Midlands", [("2026-11-26", "Requires improvement", "new", None, ())]),
    ("Nottingham City PDU", "PDU", "East Midlands", [
        ("2022-01-12", "Good", None, None, ()),
        ("2025-10-08", "Good", "same", "Good", ()),
    ]),
    ("Salford YJS", "YJS", None, [
        ("2021-04-22", "Good", None, None, ()),
        ("2026-11-19", "Outstanding", "up", "Good", ("https://www.bbc.co.uk/news/articles/example",)),
    ]),
    ("North East", "region", None, [("2025-01-30", "Requires improvement", "new", None, ())]),
    ("Camden and Islington PDU", "PDU", "London", [
        ("2022-11-03", "Requires improvement", None, None, ()),
        ("2025-07-14", "Inadequate", "down", "Requires improvement", ()),
    ]),
]
HOSTILE_NAME = 'Fake <b>bold</b> & "quoted" PDU'
HOSTILE_SCRIPT = "<script>window.__pwned = 1; alert(1)</script>"


def record(name: str, type_: str, region: str | None, published: str, rating: str,
           direction: str | None, previous: str | None, links=(), **extra) -> dict:
    """One inspection record as the pipeline stores it."""
    key = unit_key(name)
    url = HMIP + key.replace(" ", "-") + "-" + published
    return {
        "event_id": event_id(key, published, rating, url), "unit_key": key, "name": name,
        "type": type_, "region": region, "rating": rating, "direction": direction,
        "previous_rating": previous, "published": published, "links": [url, *links],
        "title": f"{name} rated {rating}",
        "findings": [f"Inspectors looked at {10 + len(name)} cases.", "Staff knew the people they supervised well."],
        "evidence": {"rating": f"{name} has been rated {rating}.", "previous_rating": None},
        "first_seen": f"{published}T09:00:00+00:00", "alerted": True, **extra,
    }


def records(*, hostile: bool = False) -> list[dict]:
    """Every sample record (oldest inspections of each unit first)."""
    out = [record(n, t, r, *event) for n, t, r, events in UNITS for event in events]
    if hostile:
        out.append(record(HOSTILE_NAME, "PDU", "London", "2026-10-01", "Good", "new", None,
                          links=("javascript:alert(2)", 'https://example.org/"><script>alert(3)</script>'),
                          title=f"Title {HOSTILE_SCRIPT}",
                          findings=[f"Finding {HOSTILE_SCRIPT}", "Control\x00char\x1b here"],
                          evidence={"rating": f"<img src=x onerror=alert(4)> {HOSTILE_SCRIPT}"}))
    return out


def fill_history(state_dir: Path, *, hostile: bool = False) -> Path:
    """Write the sample history into the state folder `state_dir`; returns it."""
    with Store(state_dir) as store:
        for rec in records(hostile=hostile):
            store.add_inspection(rec)
    return state_dir


def config_for(state_dir: Path, **top) -> Config:
    """A config for the state folder `state_dir`; no record of past ratings unless `baseline` says."""
    top.setdefault("baseline", False)
    return parse_config({"state_dir": str(state_dir), **top}, base_dir=Path(state_dir).parent)
