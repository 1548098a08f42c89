"""The `poll`, `sources` and `publish` sections: what to read, how often, and where to publish."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bot.config.fields import _get, _non_negative, _positive, _section, _str_list
from bot.config.model import (DEFAULT_FAILURE_THRESHOLD, DEFAULT_INTERVAL_MINUTES, DEFAULT_MAX_BYTES,
                              DEFAULT_TIMEOUT_SECONDS, PollConfig, PublishConfig, SourceConfig)
from bot.errors import ConfigError

_PUBLISH_KEYS = ("out_dir", "base_url")
_POLL_KEYS = ("interval_minutes", "timeout_seconds", "failure_threshold", "max_bytes", "jitter_seconds",
              "min_interval_seconds")
_SOURCE_KEYS = ("name", "type", "url", "keywords", "item_selector", "date_selector", "official")


def _poll(raw: Any) -> PollConfig:
    data = _section(raw if raw is not None else {}, "poll", _POLL_KEYS)
    return PollConfig(
        interval_minutes=_positive(
            _get(data, "interval_minutes", float, "poll", DEFAULT_INTERVAL_MINUTES),
            "poll.interval_minutes",
        ),
        timeout_seconds=_positive(
            _get(data, "timeout_seconds", float, "poll", DEFAULT_TIMEOUT_SECONDS),
            "poll.timeout_seconds",
        ),
        failure_threshold=_positive(
            _get(data, "failure_threshold", int, "poll", DEFAULT_FAILURE_THRESHOLD),
            "poll.failure_threshold",
        ),
        max_bytes=_positive(_get(data, "max_bytes", int, "poll", DEFAULT_MAX_BYTES), "poll.max_bytes"),
        jitter_seconds=_get(data, "jitter_seconds", float, "poll", None),
        min_interval_seconds=_non_negative(
            _get(data, "min_interval_seconds", float, "poll", 1.0), "poll.min_interval_seconds"),
    )


def _sources(raw: Any) -> tuple[SourceConfig, ...]:
    if raw is None:
        return ()  # commands that poll refuse this (bot.sources.build_sources); `history` need not
    if not isinstance(raw, list):
        raise ConfigError("config: sources: expected a list")
    out, names = [], set()
    for i, item in enumerate(raw):
        where = f"sources[{i}]"
        data = _section(item, where, _SOURCE_KEYS)
        kind = _get(data, "type", str, where, required=True)
        url = _get(data, "url", str, where, required=True)
        if not re.match(r"(?i)^https?://[^/\s]+", url):
            raise ConfigError(f"config: {where}.url: must be an http(s) URL")
        name = _get(data, "name", str, where, required=True)
        if name in names:
            raise ConfigError(f"config: {where}.name: duplicate source name '{name}'")
        names.add(name)
        source = SourceConfig(
            name=name,
            type=kind,
            url=url,
            keywords=_keywords(data, where),
            item_selector=_get(data, "item_selector", str, where),
            date_selector=_get(data, "date_selector", str, where),
            official=_get(data, "official", bool, where),
        )
        out.append(source)  # its type checks the type and its own options: bot.sources.build_sources
    return tuple(out)


def _keywords(data: dict, where: str) -> tuple[str, ...]:
    """A list of keywords; a string is refused rather than guessed at ('a, b' is one or two?)."""
    if isinstance(data.get("keywords"), str):
        words = [w.strip() for w in data["keywords"].split(",") if w.strip()]
        raise ConfigError(f"config: {where}.keywords: expected a list, e.g. [{', '.join(words)}] "
                          f"(a string is not split)")
    return _str_list(data, "keywords", where)


def _publish(raw: Any, base_dir: Path) -> PublishConfig:
    data = _section(raw, "publish", _PUBLISH_KEYS)
    out_dir = _get(data, "out_dir", str, "publish", required=True).strip()
    if not out_dir:
        raise ConfigError("config: publish.out_dir: must name a folder")
    out_dir = Path(out_dir)
    base_url = _get(data, "base_url", str, "publish")
    if base_url is not None:
        if not re.match(r"(?i)^https?://[^/\s]+", base_url):
            raise ConfigError("config: publish.base_url: must be an http(s) URL")
        base_url = base_url if base_url.endswith("/") else base_url + "/"
    return PublishConfig(out_dir=out_dir if out_dir.is_absolute() else base_dir / out_dir, base_url=base_url)
