"""Crontab weekdays mean the same in config validation, digests and `serve` (issue 12, section 1)."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.config import load_config
from bot.cron import cron_trigger, next_fire
from bot.digest import fire_after
from bot.schedule import Server, serve

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)  # datetime.weekday()
# The standard crontab reading of each day-of-week field.
WEEKDAYS = {
    "0": {SUN},
    "1": {MON},
    "5": {FRI},
    "6": {SAT},
    "7": {SUN},
    "MON-FRI": {MON, TUE, WED, THU, FRI},
    "SUN": {SUN},
}
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEDNESDAY = datetime(2026, 12, 2, 12, 0, tzinfo=timezone.utc)


def fire_weekdays(next_after, start: datetime = WEDNESDAY, count: int = 14) -> set[int]:
    """The local weekdays of the next `count` fire times, each found after the one before."""
    days, when = set(), start
    for _ in range(count):
        when = next_after(when)
        days.add(when.astimezone(timezone.utc).weekday())
    return days


@pytest.mark.parametrize("dow", WEEKDAYS)
def test_the_next_fire_time_falls_on_the_crontab_weekday(dow):
    schedule = f"0 8 * * {dow}"
    assert fire_weekdays(lambda t: next_fire(schedule, "UTC", t)) == WEEKDAYS[dow]


@pytest.mark.parametrize("dow", WEEKDAYS)
def test_config_digests_and_serve_read_the_same_weekday(tmp_path, dow):
    config = load_config(write_config(tmp_path, f"0 8 * * {dow}"))
    digest = config.email.digests[0]
    assert fire_weekdays(lambda t: fire_after(digest, t)) == WEEKDAYS[dow]
    server = Server(config)
    server.add_jobs()  # registered, not started
    trigger = server.scheduler.get_job("digest:weekly").trigger
    assert fire_weekdays(lambda t: trigger.get_next_fire_time(None, t + timedelta(seconds=1))) == WEEKDAYS[dow]


@pytest.mark.parametrize("dow", WEEKDAYS)
def test_serve_starts_with_each_weekday_form(tmp_path, dow, feed_url, caplog):
    config = load_config(write_config(tmp_path, f"0 8 * * {dow}", feed_url))
    stop, result = threading.Event(), []
    caplog.set_level(logging.INFO, logger="bot.schedule")
    thread = threading.Thread(target=lambda: result.append(serve(config, stop=stop, grace=2)))
    thread.start()
    try:
        for _ in range(200):
            if "digest weekly next at" in caplog.text or not thread.is_alive():
                break
            stop.wait(0.05)
    finally:
        stop.set()
        thread.join(10)
    assert result == [0]
    line = next(r.getMessage() for r in caplog.records if "digest weekly next at" in r.getMessage())
    day = line.split(" next at ")[1].split()[0]
    assert DAY_NAMES.index(day) in WEEKDAYS[dow]


def test_bad_weekdays_are_refused():
    for bad in ("8", "mon-xyz", "5-1", "*/0", "1/x"):
        with pytest.raises(ValueError, match="day of week"):
            cron_trigger(f"0 8 * * {bad}", "UTC")


# --- helpers --------------------------------------------------------------------------------


@pytest.fixture
def feed_url(httpserver) -> str:
    """A loopback feed with no items, so serve's first poll is quick and quiet."""
    httpserver.expect_request("/feed.xml").respond_with_data(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>',
        content_type="application/rss+xml")
    return httpserver.url_for("/feed.xml")


def write_config(tmp_path: Path, schedule: str, feed: str = "http://127.0.0.1:9/feed.xml") -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(f"""state_dir: state
poll: {{interval_minutes: 60, jitter_seconds: 0, min_interval_seconds: 0}}
sources:
  - {{name: inspectorate, type: feed, url: "{feed}"}}
email:
  smtp: {{host: 127.0.0.1, port: 1}}
  from: bot@example.org
  digests:
    - {{name: weekly, to: [a@example.org], schedule: "{schedule}", timezone: UTC}}
""")
    return path


def test_serve_process_runs_with_sunday_as_7_and_stops_on_sigterm(tmp_path, feed_url):
    # Before issue 12 this schedule passed validation, then crashed `serve` at start-up.
    config = write_config(tmp_path, "0 8 * * 7", feed_url)
    err = tmp_path / "serve.err"
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--config", str(config), "--log-level", "INFO"],
                            cwd=root, stdout=subprocess.DEVNULL, stderr=err.open("w"),
                            env={**os.environ, "PYTHONPATH": str(root)})
    try:
        for _ in range(300):
            if "digest weekly next at" in err.read_text() or proc.poll() is not None:
                break
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0, err.read_text()
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "serve: digest weekly next at Sunday" in err.read_text()
