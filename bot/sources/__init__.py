"""Sources: where new items come from. One module per type, picked by the config's `type`."""

from __future__ import annotations

from bot.config import SourceConfig
from bot.errors import ConfigError
from bot.sources.base import Source
from bot.sources.feed import FeedSource
from bot.sources.govuk_search import GovukSearchSource
from bot.sources.html_index import HtmlIndexSource

SOURCE_TYPES: dict[str, type[Source]] = {
    "feed": FeedSource,
    "govuk_search": GovukSearchSource,
    "html_index": HtmlIndexSource,
}

__all__ = ["SOURCE_TYPES", "Source", "FeedSource", "GovukSearchSource", "HtmlIndexSource",
           "build_source", "build_sources"]


def build_source(config: SourceConfig, where: str | None = None) -> Source:
    """The Source for one configured source; ConfigError naming the key if its type or options are wrong."""
    where = where or f"sources ({config.name})"
    cls = SOURCE_TYPES.get(config.type)
    if cls is None:
        allowed = ", ".join(sorted(SOURCE_TYPES))
        raise ConfigError(f"config: {where}.type: unknown source type '{config.type}' (supported: {allowed})")
    cls.validate(config, where)
    return cls(config)


def build_sources(configs) -> list[Source]:
    """Every configured source, each checked by its own type (errors name `sources[i]`)."""
    if not configs:
        raise ConfigError("config: sources: at least one source is required (nothing to poll)")
    return [build_source(c, f"sources[{i}]") for i, c in enumerate(configs)]
