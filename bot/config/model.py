"""The validated configuration as frozen dataclasses, and the defaults each one starts from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot.identity import official_url

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
