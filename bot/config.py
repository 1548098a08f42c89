"""Load config.yaml into frozen dataclasses; every error names the key or the file."""

from __future__ import annotations

from email.utils import getaddresses
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.errors import ConfigError
from bot.identity import official_url
from bot.models import DIRECTIONS, UNIT_TYPES
from bot.regions import REGIONS, resolve_region, suggest_region

# libyaml's safe loader where PyYAML was built with it: the same documents, read ~7x faster
# (it is most of the time `run` spends on its config).
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Defaults, each with the reason it is what it is.
DEFAULT_USER_AGENT = "hmip-bot/0.1 (+https://github.com/hmip-bot/hmip-bot)"
DEFAULT_STATE_DIR = "state"
DEFAULT_MAX_AGE_DAYS = 14  # a first run on an empty state alerts only on the last fortnight
DEFAULT_INTERVAL_MINUTES = 30.0  # HMI Probation publishes a few times a week: 30 min is polite
DEFAULT_TIMEOUT_SECONDS = 20.0
DEFAULT_FAILURE_THRESHOLD = 3  # one bad poll is not news; three in a row is
DEFAULT_MAX_BYTES = 10 * 1024 * 1024  # report PDFs run to a few MB; 10 MB caps a runaway body
DEFAULT_SLACK_BASE_URL = "https://slack.com/api/"
DEFAULT_TIMEZONE = "Europe/London"
DEFAULT_HOLD_HOURS = 24.0  # a day for the official release to follow a news story, or a headline

_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class Filters:
    """Which alerts a Slack subscription or an email digest wants; empty means everything.

    `bot.notify.filters.matches` applies them.
    """

    directions: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    unit_types: tuple[str, ...] = ()
    # A unit with no known region (most YJS, units missing from the gazetteer) passes a
    # `regions` filter only when this is true: a regional subscriber asked for their region.
    include_unknown_region: bool = False


@dataclass(frozen=True)
class SourceConfig:
    """One source to poll; `type` picks the class in `bot.sources.SOURCE_TYPES`, which checks it."""

    name: str
    type: str
    url: str
    keywords: tuple[str, ...] = ()
    item_selector: str | None = None  # html_index: CSS selector of the item links
    date_selector: str | None = None  # html_index: CSS selector of each item's date
    official: bool | None = None  # None: decided by the URL's host (see `is_official`)

    @property
    def is_official(self) -> bool:
        """True when this source speaks for the inspectorate: set in config, else by its host."""
        return official_url(self.url) if self.official is None else self.official


@dataclass(frozen=True)
class PollConfig:
    """The `poll` section: how often, how long and how politely to poll."""

    interval_minutes: float = DEFAULT_INTERVAL_MINUTES
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS
    failure_threshold: int = DEFAULT_FAILURE_THRESHOLD
    max_bytes: int = DEFAULT_MAX_BYTES
    jitter_seconds: float | None = None  # None: a tenth of the interval, at most 60 s
    min_interval_seconds: float = 1.0  # politeness: the least time between requests to one host


@dataclass(frozen=True)
class Subscription(Filters):
    """One Slack channel and the alerts it wants."""

    channel: str = ""


@dataclass(frozen=True)
class SlackConfig:
    """The `slack` section: a bot token or a webhook, and the subscriptions."""

    token: str | None = field(default=None, repr=False)
    webhook_url: str | None = field(default=None, repr=False)
    base_url: str = DEFAULT_SLACK_BASE_URL
    subscriptions: tuple[Subscription, ...] = ()
    ops_channel: str | None = None


@dataclass(frozen=True)
class SmtpConfig:
    """The SMTP server digests are sent through (`email.smtp`)."""

    host: str
    port: int = 587
    starttls: bool = True
    ssl: bool = False
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout_seconds: float = 30.0


@dataclass(frozen=True)
class Digest(Filters):
    """One email digest: its recipients, schedule, time zone and filters."""

    name: str = ""
    to: tuple[str, ...] = ()
    schedule: str = "0 8 * * 1"  # cron in `timezone`, or "immediate"
    timezone: str = DEFAULT_TIMEZONE
    send_empty: bool = False


@dataclass(frozen=True)
class EmailConfig:
    """The `email` section: the SMTP server, the sender and the digests."""

    smtp: SmtpConfig
    from_addr: str
    digests: tuple[Digest, ...] = ()


@dataclass(frozen=True)
class PublishConfig:
    """Where `run` and `serve` keep the public site (feed and pages) up to date."""

    out_dir: Path
    base_url: str | None = None  # where the site is served: makes the feed's links absolute


@dataclass(frozen=True)
class Config:
    """The whole validated configuration."""

    path: Path | None
    state_dir: Path
    user_agent: str = DEFAULT_USER_AGENT
    alert_max_age_days: int = DEFAULT_MAX_AGE_DAYS
    alert_hold_hours: float = DEFAULT_HOLD_HOURS
    poll: PollConfig = PollConfig()
    sources: tuple[SourceConfig, ...] = ()
    slack: SlackConfig | None = None
    email: EmailConfig | None = None
    # The record of past ratings history starts from: "packaged" (bot/data/past_ratings.csv),
    # a CSV path, or None for none.
    baseline: str | Path | None = "packaged"
    publish: PublishConfig | None = None


# --- loading -------------------------------------------------------------------------


def default_config_path() -> Path:
    """`$BOT_CONFIG`, else ./config.yaml."""
    return Path(os.environ.get("BOT_CONFIG") or "config.yaml")


def load_config(path: str | Path | None = None) -> Config:
    """Read, substitute `${VARS}` and validate a config file."""
    path = Path(path) if path else default_config_path()
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except FileNotFoundError:
        raise ConfigError(f"config: {path.absolute()}: no such file (name one with --config PATH "
                          f"or $BOT_CONFIG)") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"config: {path}: cannot read ({e.__class__.__name__})") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise ConfigError(f"config: {path}:{where}: not valid YAML") from None
    return parse_config(raw if raw is not None else {}, base_dir=path.resolve().parent, path=path)


def parse_config(raw: Any, *, base_dir: Path, path: Path | None = None) -> Config:
    """Validate an already-parsed YAML document."""
    data = _section(_substitute(raw, ""), "", _TOP_KEYS)
    state_dir = Path(_get(data, "state_dir", str, "", DEFAULT_STATE_DIR))
    if not state_dir.is_absolute():
        state_dir = base_dir / state_dir
    return Config(
        path=path,
        state_dir=state_dir,
        user_agent=_user_agent(data),
        alert_max_age_days=_in_range(_get(data, "alert_max_age_days", int, "", DEFAULT_MAX_AGE_DAYS),
                                     "alert_max_age_days", 0, 36500),
        alert_hold_hours=_hold_hours(data),
        poll=_poll(data.get("poll")),
        sources=_sources(data.get("sources")),
        slack=_slack(data["slack"]) if data.get("slack") is not None else None,
        email=_email(data["email"]) if data.get("email") is not None else None,
        baseline=_baseline(data.get("baseline", True), base_dir),
        publish=_publish(data["publish"], base_dir) if data.get("publish") is not None else None,
    )


def _baseline(value: Any, base_dir: Path) -> str | Path | None:
    """`baseline:` false (none), true or absent (the packaged record), or a CSV path."""
    if value is True or value is None:
        return "packaged"
    if value is False:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError("config: baseline: expected a CSV file path, or false for none")
    path = Path(value).expanduser()
    path = path if path.is_absolute() else base_dir / path
    if not path.is_file():
        raise ConfigError(f"config: baseline: {path}: no such file")
    return path


_TOP_KEYS = ("state_dir", "user_agent", "alert_max_age_days", "alert_hold_hours", "poll", "sources",
             "slack", "email", "baseline", "publish")
_PUBLISH_KEYS = ("out_dir", "base_url")
_POLL_KEYS = ("interval_minutes", "timeout_seconds", "failure_threshold", "max_bytes", "jitter_seconds",
              "min_interval_seconds")
_SOURCE_KEYS = ("name", "type", "url", "keywords", "item_selector", "date_selector", "official")
_FILTER_KEYS = ("directions", "regions", "unit_types", "include_unknown_region")
_SLACK_KEYS = ("token", "webhook_url", "base_url", "subscriptions", "ops_channel")
_SMTP_KEYS = ("host", "port", "starttls", "ssl", "username", "password", "timeout_seconds")
_DIGEST_KEYS = ("name", "to", "schedule", "timezone", "send_empty") + _FILTER_KEYS


def _substitute(value: Any, where: str) -> Any:
    """Replace `${NAME}` in every string with the environment variable NAME."""
    if isinstance(value, dict):
        return {k: _substitute(v, _join(where, str(k))) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, str):

        def repl(m: re.Match) -> str:
            name = m.group(1)
            if name not in os.environ:
                raise ConfigError(f"config: {where}: environment variable {name} is not set")
            return os.environ[name]

        return _ENV.sub(repl, value)
    return value


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _section(value: Any, where: str, allowed: tuple[str, ...]) -> dict:
    """Check a mapping and reject unknown keys with a 'did you mean'."""
    if not isinstance(value, dict):
        raise ConfigError(f"config: {where or 'top level'}: expected a mapping of keys")
    for key in value:
        if key not in allowed:
            import difflib  # only for a mistake: a good config never loads it

            hint = difflib.get_close_matches(str(key), allowed, n=1)
            tip = f" (did you mean '{hint[0]}'?)" if hint else f" (allowed: {', '.join(allowed)})"
            raise ConfigError(f"config: {where or 'top level'}: unknown key '{key}'{tip}")
    return value


def _get(data: dict, key: str, kind: type, where: str, default: Any = None, required=False):
    """One scalar value of the expected type (ints accepted where floats are)."""
    if key not in data or data[key] is None:
        if required:
            raise ConfigError(f"config: {_join(where, key)}: required")
        return default
    value = data[key]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ConfigError(
            f"config: {_join(where, key)}: expected {kind.__name__}, got {type(value).__name__}"
        )
    return value


def _str_list(data: dict, key: str, where: str, choices: tuple[str, ...] = ()) -> tuple[str, ...]:
    value = data.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"config: {_join(where, key)}: expected a list of strings")
    for v in value:
        if choices and v not in choices:
            raise ConfigError(
                f"config: {_join(where, key)}: unknown value '{v}' (allowed: {', '.join(choices)})"
            )
    return tuple(value)


def _positive(value: float | int, key: str):
    if not value > 0 or value == float("inf"):  # (also refuses NaN and .inf)
        raise ConfigError(f"config: {key}: must be a number greater than 0")
    return value


def _user_agent(data: dict) -> str:
    """The User-Agent header: one line (a line break would make every request fail, or add a header)."""
    value = _get(data, "user_agent", str, "", DEFAULT_USER_AGENT)
    if not value.strip() or not value.isprintable():
        raise ConfigError("config: user_agent: must be one line of printable text")
    return value.strip()


def _in_range(value: int, key: str, low: int, high: int) -> int:
    if not low <= value <= high:
        raise ConfigError(f"config: {key}: must be from {low} to {high}")
    return value


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


def _hold_hours(data: dict) -> float:
    """alert_hold_hours: 0 (alert unconfirmed readings at the next run) up to a year."""
    hours = _get(data, "alert_hold_hours", float, "", DEFAULT_HOLD_HOURS)
    if hours != hours or not 0 <= hours <= 8784:  # (hours != hours: NaN)
        raise ConfigError("config: alert_hold_hours: must be a number of hours from 0 to 8784")
    return hours


def _non_negative(value: float, key: str) -> float:
    if value < 0:
        raise ConfigError(f"config: {key}: must be 0 or more")
    return value


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


def _region(name: str, where: str) -> str:
    """A region as alerts name it, through its aliases ('Yorkshire & Humber'); unknown: an error."""
    region = resolve_region(name)
    if region is None:
        hint = suggest_region(name)
        tip = f"did you mean '{hint}'?" if hint else f"allowed: {', '.join(REGIONS)}"
        raise ConfigError(f"config: {where}: unknown region '{name}' ({tip})")
    return region


_ADDRESS = re.compile(r"^[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+\.[^@\s<>()\[\],;:\".]{2,}$")


def _address(value: str, where: str) -> str:
    """An email address, bare or with a display name ('Alerts <alerts@example.org>')."""
    found = getaddresses([value])
    if len(found) != 1 or not _ADDRESS.match(found[0][1]) or ("<" in value) != (">" in value):
        raise ConfigError(f"config: {where}: '{value}' is not an email address")
    return value


def _filters(data: dict, where: str) -> dict:
    return dict(
        directions=_str_list(data, "directions", where, DIRECTIONS),
        regions=tuple(_region(r, _join(where, "regions")) for r in _str_list(data, "regions", where)),
        unit_types=_str_list(data, "unit_types", where, UNIT_TYPES),
        include_unknown_region=_get(data, "include_unknown_region", bool, where, False),
    )


def _check_http_url(value: str, key: str) -> None:
    """An http(s) URL with a host, or a ConfigError naming the key (never the value: it may be a secret)."""
    if not re.match(r"(?i)^https?://[^/\s]+\S*$", value.strip()):
        raise ConfigError(f"config: {key}: must be an http(s) URL")


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
