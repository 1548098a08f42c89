"""The `govuk_search` source: GOV.UK's search API (`/api/search.json`) as JSON."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlsplit

from bot.errors import SourceError
from bot.fetch import safe_url
from bot.identity import absolute_link
from bot.models import Item
from bot.dates import parse_datetime
from bot.sources.base import Source, plain_text, with_query

if TYPE_CHECKING:
    from bot.fetch import Fetcher

# Search results that are navigation, not publications: they never report an inspection.
_NOT_PUBLICATIONS = frozenset({"organisation", "person", "ministerial_role", "topic", "finder"})


class GovukSearchSource(Source):
    """GOV.UK search API results (JSON), e.g. every HMI Probation press release."""

    def poll(self, http: Fetcher) -> list[Item]:
        """The search results as Items ([] when unchanged since the last poll)."""
        # The URL is used exactly as configured: the API answers 422 to parameters it
        # does not know, so we never add any (no cache-busters, no paging).
        response = http.get(self.config.url, conditional=True)
        if response.not_modified:
            return []
        results = self._results(response.body, response.url)
        items = [self._item(result) for result in results if isinstance(result, dict)]
        return self.keep([item for item in items if item is not None])

    def page_url(self, n: int) -> str | None:
        """Result n of the search API's paging: `start` = count x (n - 1), a documented parameter."""
        if n == 1:
            return self.config.url
        query = dict(parse_qsl(urlsplit(self.config.url).query))
        try:
            count = int(query.get("count") or 20)
        except ValueError:
            count = 20
        return with_query(self.config.url, start=str(count * (n - 1)))

    def _results(self, body: bytes, url: str) -> list:
        """The `results` list of the API's answer, or SourceError."""
        where = f"{self.name}: {safe_url(url)}"
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise SourceError(f"{where}: not JSON (is this a GOV.UK search API URL?)") from None
        if not isinstance(data, dict) or not isinstance(data.get("results"), list):
            raise SourceError(f"{where}: no 'results' list in the JSON")
        return data["results"]

    def _item(self, result: dict) -> Item | None:
        """One result as an Item; links are paths, joined to the configured URL's host."""
        link, title = result.get("link"), result.get("title")
        if not isinstance(link, str) or not link or not isinstance(title, str):
            return None
        kind = result.get("content_store_document_type") or result.get("format")
        if kind in _NOT_PUBLICATIONS:
            return None
        # Joining to the configured URL (https://www.gov.uk/... in real use) rather than a
        # hard-coded www.gov.uk keeps mirrors and loopback test servers self-contained.
        url = absolute_link(self.config.url, link)
        if url is None:
            return None
        description, timestamp = result.get("description"), result.get("public_timestamp")
        return self.make_item(
            url,
            title=plain_text(title),
            summary=plain_text(description if isinstance(description, str) else ""),
            published=parse_datetime(timestamp) if isinstance(timestamp, str) else None,
        )
