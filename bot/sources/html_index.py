"""The `html_index` source: a news listing page, items found by CSS selectors."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from bot.config import SourceConfig
from bot.dates import parse_datetime
from bot.errors import ConfigError
from bot.identity import absolute_link
from bot.models import Item
from bot.sources.base import Source, plain_text

if TYPE_CHECKING:
    from bs4 import Tag

    from bot.fetch import Fetcher

# HMI Probation's news listing: <h2 class="list-item-title"><a href=...> then a <time>.
DEFAULT_ITEM_SELECTOR = "h2.list-item-title a"
DEFAULT_DATE_SELECTOR = "time[datetime]"


class HtmlIndexSource(Source):
    """A news listing web page; `item_selector` and `date_selector` pick links and dates."""

    @classmethod
    def validate(cls, config: SourceConfig, where: str) -> None:
        """Check that the selectors, if given, are valid CSS."""
        for key in ("item_selector", "date_selector"):
            selector = getattr(config, key)
            if selector is None or selector in (DEFAULT_ITEM_SELECTOR, DEFAULT_DATE_SELECTOR):
                continue  # known good: the shipped config need not load soupsieve on every run
            import soupsieve  # here and below, not at the top: most configs never need it
            from bs4 import BeautifulSoup

            try:
                # Selecting once: pseudo-elements ('::before') compile, and fail only when used.
                soupsieve.compile(selector).select(BeautifulSoup("<p></p>", "html.parser"))
            except (soupsieve.SelectorSyntaxError, ValueError, TypeError, NotImplementedError) as e:
                first = str(e).splitlines()[0] if str(e) else type(e).__name__
                raise ConfigError(f"config: {where}.{key}: not a valid CSS selector ({first})") from None

    @property
    def item_selector(self) -> str:
        """The configured item selector, else HMI Probation's listing markup."""
        return self.config.item_selector or DEFAULT_ITEM_SELECTOR

    @property
    def date_selector(self) -> str:
        """The configured date selector, else the item's <time datetime>."""
        return self.config.date_selector or DEFAULT_DATE_SELECTOR

    def page_url(self, n: int) -> str | None:
        """The inspectorate's WordPress listings page as `.../page/n/`."""
        if n == 1:
            return self.config.url
        parts = urlsplit(self.config.url)
        return urlunsplit(parts._replace(path=parts.path.rstrip("/") + f"/page/{n}/"))

    def poll(self, http: Fetcher) -> list[Item]:
        """The page's listed items ([] when the page is unchanged since the last poll)."""
        response = http.get(self.config.url, conditional=True)
        if response.not_modified:
            return []
        from bs4 import BeautifulSoup

        # Bytes, not text: BeautifulSoup then honours the HTTP charset, else <meta charset>.
        charset = re.search(r"charset=[\"']?([\w.:-]+)", response.headers.get("content-type", ""))
        encoding = charset.group(1) if charset else None
        soup = BeautifulSoup(response.body, "html.parser", from_encoding=encoding)
        links = [_link(el) for el in soup.select(self.item_selector)]
        links = [a for a in links if a is not None]
        items = [self._item(a, links, response.url) for a in links]
        return self.keep([item for item in items if item is not None])

    def _item(self, link: Tag, links: list[Tag], base: str) -> Item | None:
        url = absolute_link(base, link["href"])
        if url is None:
            return None
        container = _container(link, links)
        date = _find_date(container, link, links, self.date_selector)
        summary = container.find("p") if container is not link else None
        return self.make_item(
            url,
            title=plain_text(link.decode_contents()),
            summary=plain_text(summary.decode_contents()) if summary else "",
            published=parse_datetime(date.get("datetime") or date.get_text(" ")) if date else None,
        )


def _link(element: Tag) -> Tag | None:
    """The element itself if it is a link, else the first link inside it."""
    if element.name == "a" and element.get("href"):
        return element
    return element.find("a", href=True)


def _container(link: Tag, links: list[Tag]) -> Tag:
    """The largest ancestor of `link` that holds no other item link: the item's own block."""
    others = {id(a) for a in links if a is not link}
    best = link
    for parent in link.parents:
        if parent.name in ("body", "html", "[document]"):
            break
        if any(id(a) in others for a in parent.find_all("a", href=True)):
            break
        best = parent
    return best


def _find_date(container: Tag, link: Tag, links: list[Tag], selector: str) -> Tag | None:
    """The item's date: inside its container, else in the siblings up to the next item."""
    import soupsieve

    matcher = soupsieve.compile(selector)
    if container is not link:
        found = matcher.select_one(container)
        if found is not None:
            return found
    if plain_text(container.get_text(" ")) != plain_text(link.get_text(" ")):
        return None  # a whole item block with no date in it: the item has no date
    # Flat listings (<h2><a/></h2><time/><p/> repeated in one parent) keep the date in a
    # following sibling; stopping at the next item keeps us off sidebars and footers.
    others = {id(a) for a in links if a is not link}
    for sibling in container.find_next_siblings(True):
        if id(sibling) in others or any(id(a) in others for a in sibling.find_all("a", href=True)):
            return None
        if matcher.match(sibling):
            return sibling
        found = matcher.select_one(sibling)
        if found is not None:
            return found
    return None
