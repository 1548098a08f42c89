"""Load config.yaml into frozen dataclasses; every error names the key or the file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from bot.config.delivery import _DIGEST_KEYS, _FILTER_KEYS, _SLACK_KEYS, _SMTP_KEYS, _email, _slack
from bot.config.fields import _get, _in_range, _section, _substitute
from bot.config.model import (DEFAULT_FAILURE_THRESHOLD, DEFAULT_HOLD_HOURS, DEFAULT_INTERVAL_MINUTES,
                              DEFAULT_MAX_AGE_DAYS, DEFAULT_MAX_BYTES, DEFAULT_SLACK_BASE_URL,
                              DEFAULT_STATE_DIR, DEFAULT_TIMEOUT_SECONDS, DEFAULT_TIMEZONE,
                              DEFAULT_USER_AGENT, Config, Digest, EmailConfig, Filters, PollConfig,
                              PublishConfig, SlackConfig, SmtpConfig, SourceConfig, Subscription)
from bot.config.sections import _POLL_KEYS, _PUBLISH_KEYS, _SOURCE_KEYS, _poll, _publish, _sources
from bot.errors import ConfigError
from bot.identity import official_url

# The package's public names, kept here so every caller imports from `bot.config` alone.
__all__ = [
    "Config", "ConfigError", "Digest", "EmailConfig", "Filters", "PollConfig", "PublishConfig",
    "SlackConfig", "SmtpConfig", "SourceConfig", "Subscription", "default_config_path", "load_config",
    "official_url", "parse_config", "DEFAULT_FAILURE_THRESHOLD", "DEFAULT_HOLD_HOURS",
    "DEFAULT_INTERVAL_MINUTES", "DEFAULT_MAX_AGE_DAYS", "DEFAULT_MAX_BYTES", "DEFAULT_SLACK_BASE_URL",
    "DEFAULT_STATE_DIR", "DEFAULT_TIMEOUT_SECONDS", "DEFAULT_TIMEZONE", "DEFAULT_USER_AGENT",
    "_DIGEST_KEYS", "_FILTER_KEYS", "_POLL_KEYS", "_PUBLISH_KEYS", "_SLACK_KEYS", "_SMTP_KEYS",
    "_SOURCE_KEYS", "_TOP_KEYS",
]

# libyaml's safe loader where PyYAML was built with it: the same documents, read ~7x faster
# (it is most of the time `run` spends on its config).
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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


def _user_agent(data: dict) -> str:
    """The User-Agent header: one line (a line break would make every request fail, or add a header)."""
    value = _get(data, "user_agent", str, "", DEFAULT_USER_AGENT)
    if not value.strip() or not value.isprintable():
        raise ConfigError("config: user_agent: must be one line of printable text")
    return value.strip()


def _hold_hours(data: dict) -> float:
    """alert_hold_hours: 0 (alert unconfirmed readings at the next run) up to a year."""
    hours = _get(data, "alert_hold_hours", float, "", DEFAULT_HOLD_HOURS)
    if hours != hours or not 0 <= hours <= 8784:  # (hours != hours: NaN)
        raise ConfigError("config: alert_hold_hours: must be a number of hours from 0 to 8784")
    return hours
