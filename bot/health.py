"""`status --check`: is the bot still polling? A supervisor (Docker's HEALTHCHECK) asks this."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bot.config import Config
from bot.history import Store

STALE_INTERVALS = 3  # one slow or failed poll is normal; three intervals without success is not
# Store.get_meta keys `serve` writes after each poll: its next poll time (ISO), its pid and interval.
NEXT_POLL_META, SERVE_META = "next_poll", "serve"


def _parse(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def last_success(store: Store, names: set[str] | None = None) -> datetime | None:
    """The latest time any source (of `names`, if given) was polled successfully, or None."""
    times = [_parse(s.get("last_success")) for s in store.source_statuses()
             if names is None or s.get("source") in names]
    return max((t for t in times if t is not None), default=None)


def next_poll(store: Store) -> datetime | None:
    """When `serve` planned its next poll (it writes this after each poll), or None."""
    return _parse(store.get_meta(NEXT_POLL_META))


def check_health(config: Config, store: Store, now: datetime | None = None) -> tuple[bool, str]:
    """(ok, one line): not ok when the last successful poll is older than three intervals."""
    now = now or datetime.now(timezone.utc)
    interval = timedelta(minutes=config.poll.interval_minutes)
    limit = STALE_INTERVALS * interval
    # A source removed from the config no longer says anything about the bot's health.
    last = last_success(store, {source.name for source in config.sources})
    if last is None:
        return False, f"unhealthy: no successful poll of a configured source recorded in {config.state_dir}"
    age = now - last
    planned = next_poll(store)
    hint = ""
    if planned is not None and now - planned > interval:
        hint = f"; serve planned a poll for {_clock(planned)} and has not written since"
    if age > limit:
        return False, (f"unhealthy: last successful poll {_clock(last)} ({_ago(age)}), "
                       f"more than {STALE_INTERVALS} poll intervals ({_ago(limit, suffix='')}){hint}")
    return True, f"ok: last successful poll {_clock(last)} ({_ago(age)}){hint}"


def check(config: Config, now: datetime | None = None) -> tuple[bool, str]:
    """check_health on the state read without the lock (so it works while a poll runs)."""
    if config.state_dir.exists() and not config.state_dir.is_dir():
        return False, f"unhealthy: cannot open the state folder {config.state_dir}: it is a file (state_dir names a folder)"
    if not config.state_dir.is_dir():
        return False, f"unhealthy: {config.state_dir} does not exist (no poll has run with this config)"
    with Store(config.state_dir, lock=False) as store:
        return check_health(config, store, now)


def _clock(when: datetime) -> str:
    return when.astimezone(timezone.utc).isoformat(timespec="seconds")


def _ago(delta: timedelta, suffix: str = " ago") -> str:
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 120:
        return f"{seconds} seconds{suffix}"
    if seconds < 7200:
        return f"{seconds // 60} minutes{suffix}"
    return f"{seconds // 3600} hours{suffix}"
