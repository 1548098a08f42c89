"""`changes.atom`: an Atom 1.0 feed of the newest rating events.

Written with a Jinja template rather than feedgen: the feed is one small fixed shape, Jinja is
already a dependency with autoescaping (so every scraped string is text, the same rules as the
pages), and byte-identical output for the same history comes for free (a quiet rewrite touches
nothing). Tests parse the result with feedparser and an XML parser to keep the template honest.
"""

from __future__ import annotations

import uuid
from urllib.parse import urljoin

from bot import __version__
from bot.publish.data import Event, Unit
from bot.publish.view import ENV, headline, sort_date

FEED_SIZE = 100  # the newest events; older ones stay on the page and the unit pages
FEED_FILE = "changes.atom"
# A fixed namespace, so each event's entry id is the same UUID in every rewrite and install.
_NAMESPACE = uuid.UUID("5d1c1a47-2f7e-4b61-9a35-0d1e3c6b9f20")
_EPOCH = "1970-01-01T00:00:00Z"


def entry_id(event: Event, unit: Unit) -> str:
    """The entry's permanent id: a UUID derived from the event id (never from the text)."""
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, event.event_id or unit.key + '|' + (event.published or ''))}"


def newest_events(units: list[Unit], limit: int = FEED_SIZE) -> list[tuple[Event, Unit]]:
    """The newest `limit` events across all units, newest first."""
    pairs = [(e, u) for u in units for e in u.events]
    pairs.sort(key=lambda p: (sort_date(p[0]), p[0].updated, p[0].event_id), reverse=True)
    return pairs[:limit]


def render_feed(units: list[Unit], *, base_url: str | None = None) -> str:
    """The whole feed as text; the same history always gives the same bytes."""
    pairs = newest_events(units)
    site = base_url or ""
    entries = [_entry(e, u, site) for e, u in pairs]
    return ENV.get_template("changes.atom.j2").render(
        feed_id=urljoin(site, FEED_FILE) if base_url else f"urn:uuid:{uuid.uuid5(_NAMESPACE, 'feed')}",
        self_url=urljoin(site, FEED_FILE),
        site_url=urljoin(site, "index.html"),
        updated=max((e["updated"] for e in entries), default=_EPOCH),
        entries=entries,
        version=__version__,
    )


def _entry(event: Event, unit: Unit, site: str) -> dict:
    content = ENV.get_template("entry.html.j2").render(event=event, unit=unit)
    return {
        "id": entry_id(event, unit),
        "title": headline(event),
        "updated": event.updated,
        "published": f"{event.published}T00:00:00Z" if _full_date(event.published) else None,
        "links": event.links,
        "unit_url": urljoin(site, f"units/{unit.slug}.html"),
        "categories": [c for c in (event.region, event.type, event.rating, event.direction) if c],
        "content": content,
    }


def _full_date(value: str | None) -> bool:
    return bool(value) and len(value) == 10 and value[4] == "-" and value[7] == "-"
