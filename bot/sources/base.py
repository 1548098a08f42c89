"""What every source type shares: the `Source` base class and small helpers for reading items."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bot.config import SourceConfig
from bot.errors import ConfigError
from bot.identity import canonical_url, unwrap_redirect
from bot.models import Item

if TYPE_CHECKING:
    from bot.fetch import Fetcher


class Source:
    """Base class: `poll(http)` returns the items the source lists now."""

    def __init__(self, config: SourceConfig):
        self.config = config
        self.name = config.name

    @classmethod
    def validate(cls, config: SourceConfig, where: str) -> None:
        """Reject options that do not apply to this type (raise ConfigError naming the key)."""
        for key in ("item_selector", "date_selector"):
            if getattr(config, key) is not None:
                raise ConfigError(f"config: {where}.{key}: only for sources of type html_index")

    def poll(self, http: Fetcher) -> list[Item]:
        """Fetch the source and return the items it lists now ([] if unchanged)."""
        raise NotImplementedError

    def page_url(self, n: int) -> str | None:
        """The URL of the source's n-th page of older items (1 = as configured); None if it has none.

        `backfill` walks pages 1, 2, ... and stops at an empty page or one that repeats the
        last, so a type whose archive ignores the paging parameter costs one extra request.
        """
        return self.config.url if n == 1 else None

    def for_page(self, n: int) -> "Source | None":
        """This source reading its n-th page (same name and filters), or None past its pages."""
        url = self.page_url(n)
        if url is None:
            return None
        return type(self)(replace(self.config, url=url))

    def make_item(self, url: str, title: str, summary: str, published: datetime | None) -> Item:
        """An Item for this source, keyed on the canonical form of the unwrapped URL."""
        url = unwrap_redirect(url)
        return Item(
            source=self.name,
            url=url,
            key=canonical_url(url),
            title=title,
            summary=summary,
            published=published,
        )

    def keep(self, items: list[Item]) -> list[Item]:
        """Items that pass the keywords filter, first of each key only, in source order."""
        words = [w.casefold() for w in self.config.keywords]
        out, seen = [], set()
        for item in items:
            if item.key in seen:
                continue
            text = f"{item.title}\n{item.summary}".casefold()
            if words and not any(w in text for w in words):
                continue
            seen.add(item.key)
            out.append(item)
        return out


def plain_text(html: str | None) -> str:
    """Text of an HTML fragment, tags dropped and whitespace collapsed."""
    from bot.html_text import fragment_text  # bs4 loads with the first listed item, never on a 304

    return fragment_text(html)


def with_query(url: str, **params: str) -> str:
    """`url` with these query parameters set (the others kept)."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query.update(params)
    return urlunsplit(parts._replace(query=urlencode(query)))
