"""The `feed` source: any RSS or Atom feed, fetched by us and parsed by feedparser."""

from __future__ import annotations

import io
import logging
from datetime import datetime, timezone
from typing import TYPE_CHECKING
from urllib.parse import urljoin

import feedparser

from bot.errors import SourceError
from bot.fetch import safe_url
from bot.identity import absolute_link
from bot.models import Item
from bot.sources.base import Source, plain_text, with_query

if TYPE_CHECKING:
    from bot.fetch import Fetcher

log = logging.getLogger(__name__)


class FeedSource(Source):
    """Any RSS or Atom feed; optional `keywords` keep only matching entries."""

    def poll(self, http: Fetcher) -> list[Item]:
        """The feed's entries as Items ([] when the feed is unchanged since the last poll)."""
        response = http.get(self.config.url, conditional=True)
        if response.not_modified:
            return []
        headers = dict(response.headers)
        # Tell feedparser where the bytes came from, so relative links resolve against it.
        headers["content-location"] = urljoin(response.url, headers.get("content-location", ""))
        parsed = feedparser.parse(io.BytesIO(response.body), response_headers=headers)
        self._check(parsed, response.url, headers.get("content-type", ""))
        items = [self._item(entry, response.url) for entry in parsed.entries]
        return self.keep([item for item in items if item is not None])

    def page_url(self, n: int) -> str | None:
        """WordPress feeds (HMI Probation's) page with `?paged=n`; feeds that ignore it end the walk."""
        return self.config.url if n == 1 else with_query(self.config.url, paged=str(n))

    def _check(self, parsed, url: str, content_type: str) -> None:
        """Raise when the body is not a feed; a merely sloppy feed is only logged (as rss2email)."""
        if not parsed.get("version") and not parsed.entries:
            got = f" (got {content_type.split(';')[0].strip()})" if content_type else ""
            raise SourceError(f"{self.name}: {safe_url(url)}: not a feed{got}")
        if parsed.get("bozo"):
            # Wrong declared encodings and non-XML content types are common and harmless.
            exc = parsed.get("bozo_exception")
            log.warning("%s: feed has problems: %s", self.name, type(exc).__name__)

    def _item(self, entry, base: str) -> Item | None:
        """One entry as an Item, keyed on its link: GOV.UK Atom ids change on every update."""
        link = entry.get("link") or ""
        url = absolute_link(base, link) if link else None
        if url is None:
            return None
        return self.make_item(
            url,
            title=plain_text(entry.get("title")),
            summary=plain_text(entry.get("summary")),
            published=_entry_time(entry),
        )


def _entry_time(entry) -> datetime | None:
    """Publication time (else update time) as aware UTC; feedparser gives UTC struct_times."""
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            try:
                return datetime(*value[:6], tzinfo=timezone.utc)
            except (TypeError, ValueError):
                continue
    return None
