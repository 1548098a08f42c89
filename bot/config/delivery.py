"""The `slack` and `email` sections: where alerts go, and which alerts each subscriber wants."""

from __future__ import annotations

import re
from email.utils import getaddresses
from typing import Any

from bot.config.fields import _check_http_url, _get, _in_range, _join, _section, _str_list
from bot.config.model import (DEFAULT_SLACK_BASE_URL, DEFAULT_TIMEZONE, Digest, EmailConfig, SlackConfig,
                              SmtpConfig, Subscription)
from bot.errors import ConfigError
from bot.models import DIRECTIONS, UNIT_TYPES
from bot.regions import REGIONS, resolve_region, suggest_region

_FILTER_KEYS = ("directions", "regions", "unit_types", "include_unknown_region")
_SLACK_KEYS = ("token", "webhook_url", "base_url", "subscriptions", "ops_channel")
_SMTP_KEYS = ("host", "port", "starttls", "ssl", "username", "password", "timeout_seconds")
_DIGEST_KEYS = ("name", "to", "schedule", "timezone", "send_empty") + _FILTER_KEYS


def _region(name: str, where: str) -> str:
    """A region as alerts name it, through its aliases ('Yorkshire & Humber'); unknown: an error."""
    region = resolve_region(name)
    if region is None:
        hint = suggest_region(name)
        tip = f"did you mean '{hint}'?" if hint else f"allowed: {', '.join(REGIONS)}"
        raise ConfigError(f"config: {where}: unknown region '{name}' ({tip})")
    return region


# A pattern, not compiled here: `re` compiles it on the first address checked (a config with
# email), not in every run that imports the config.
_ADDRESS = r"^[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+\.[^@\s<>()\[\],;:\".]{2,}$"


def _address(value: str, where: str) -> str:
    """An email address, bare or with a display name ('Alerts <alerts@example.org>')."""
    found = getaddresses([value])
    if len(found) != 1 or not re.match(_ADDRESS, found[0][1]) or ("<" in value) != (">" in value):
        raise ConfigError(f"config: {where}: '{value}' is not an email address")
    return value


def _filters(data: dict, where: str) -> dict:
    return dict(
        directions=_str_list(data, "directions", where, DIRECTIONS),
        regions=tuple(_region(r, _join(where, "regions")) for r in _str_list(data, "regions", where)),
        unit_types=_str_list(data, "unit_types", where, UNIT_TYPES),
        include_unknown_region=_get(data, "include_unknown_region", bool, where, False),
    )


def _slack(raw: Any) -> SlackConfig:
    data = _section(raw, "slack", _SLACK_KEYS)
    token = _get(data, "token", str, "slack")
    webhook = _get(data, "webhook_url", str, "slack")
    if webhook is not None:
        _check_http_url(webhook, "slack.webhook_url")
    if not token and not webhook:
        raise ConfigError("config: slack: needs `token` (a bot token) or `webhook_url`")
    subs_raw = data.get("subscriptions") or []
    if not isinstance(subs_raw, list):
        raise ConfigError("config: slack.subscriptions: expected a list")
    subs = []
    for i, item in enumerate(subs_raw):
        where = f"slack.subscriptions[{i}]"
        sub = _section(item, where, ("channel",) + _FILTER_KEYS)
        channel = _get(sub, "channel", str, where, required=True)
        subs.append(Subscription(channel=channel, **_filters(sub, where)))
    if token and not subs:
        raise ConfigError("config: slack.subscriptions: a bot token needs at least one channel")
    if webhook and not subs:
        # A webhook posts to one fixed channel: an implicit catch-all subscription.
        subs.append(Subscription(channel="webhook"))
    base_url = _get(data, "base_url", str, "slack", DEFAULT_SLACK_BASE_URL)
    _check_http_url(base_url, "slack.base_url")
    if not base_url.endswith("/"):
        base_url += "/"
    return SlackConfig(
        token=token,
        webhook_url=webhook,
        base_url=base_url,
        subscriptions=tuple(subs),
        ops_channel=_get(data, "ops_channel", str, "slack"),
    )


def _email(raw: Any) -> EmailConfig:
    data = _section(raw, "email", ("smtp", "from", "digests"))
    smtp_data = _section(data.get("smtp"), "email.smtp", _SMTP_KEYS)
    smtp = SmtpConfig(
        host=_get(smtp_data, "host", str, "email.smtp", required=True).strip(),
        port=_in_range(_get(smtp_data, "port", int, "email.smtp", 587), "email.smtp.port", 1, 65535),
        starttls=_get(smtp_data, "starttls", bool, "email.smtp", not smtp_data.get("ssl", False)),
        ssl=_get(smtp_data, "ssl", bool, "email.smtp", False),
        username=_get(smtp_data, "username", str, "email.smtp"),
        password=_get(smtp_data, "password", str, "email.smtp"),
        timeout_seconds=_get(smtp_data, "timeout_seconds", float, "email.smtp", 30.0),
    )
    if not smtp.host:
        raise ConfigError("config: email.smtp.host: required")
    if smtp.ssl and smtp.starttls:
        raise ConfigError("config: email.smtp: choose one of `starttls` and `ssl`")
    digests_raw = data.get("digests") or []
    if not isinstance(digests_raw, list):
        raise ConfigError("config: email.digests: expected a list")
    digests, names = [], set()
    for i, item in enumerate(digests_raw):
        digests.append(_digest(item, f"email.digests[{i}]", names))
    return EmailConfig(
        smtp=smtp,
        from_addr=_address(_get(data, "from", str, "email", required=True), "email.from"),
        digests=tuple(digests),
    )


def _digest(raw: Any, where: str, names: set) -> Digest:
    data = _section(raw, where, _DIGEST_KEYS)
    name = _get(data, "name", str, where, required=True)
    if name in names:
        raise ConfigError(f"config: {where}.name: duplicate digest name '{name}'")
    names.add(name)
    to = tuple(_address(a, f"{where}.to") for a in _str_list(data, "to", where))
    if not to:
        raise ConfigError(f"config: {where}.to: at least one recipient is required")
    tz = _get(data, "timezone", str, where, DEFAULT_TIMEZONE)
    # Digests only (cron loads APScheduler's trigger): a config without them never pays for it.
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from bot import cron

    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"config: {where}.timezone: unknown time zone '{tz}'") from None
    schedule = str(_get(data, "schedule", str, where, "0 8 * * 1")).strip()
    if schedule != "immediate":
        try:
            cron.check(schedule, tz)
        except ValueError as e:
            raise ConfigError(f"config: {where}.schedule: not a valid cron expression ({e})") from None
    return Digest(
        name=name,
        to=to,
        schedule=schedule,
        timezone=tz,
        send_empty=_get(data, "send_empty", bool, where, False),
        **_filters(data, where),
    )
