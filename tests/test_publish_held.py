"""The public site says what the alerts say: a held reading is not on it until it is alerted.

The pipeline runs for real (loopback feeds and pages, state on disk, the site rewritten after
each cycle as `run` and `serve` do). The clock is each cycle's `now`. The texts are made up.
"""

from __future__ import annotations

import feedparser
import pytest
from test_hold import HOURS, NEWS, NOW, RELEASE, Site, cycle, make_config


@pytest.fixture
def site(httpserver) -> Site:
    return Site(httpserver)


def shown(out) -> tuple[list[str], str]:
    """The feed's entry titles and the index page's text, as a reader gets them."""
    feed = feedparser.parse((out / "changes.atom").read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    return [e.title for e in feed.entries], (out / "index.html").read_text(encoding="utf-8")


def test_a_held_news_reading_is_published_only_when_its_hold_ends_marked_unconfirmed(site, tmp_path):
    out = tmp_path / "www"
    config = make_config(site, tmp_path, alert_hold_hours=24, publish={"out_dir": str(out)})
    site.publish("/news/rss.xml", "/news/wigan-probation/", NEWS)

    assert cycle(config, NOW).held
    titles, index = shown(out)
    assert titles == [] and "Wigan" not in index
    assert not (out / "units" / "wigan-pdu.html").exists()

    assert cycle(config, NOW + 23 * HOURS).alerts == []  # still held: still not public
    assert shown(out)[0] == []

    (alert,) = cycle(config, NOW + 25 * HOURS).alerts  # the hold is over: alerted, unconfirmed
    assert alert.reported_by == "news-north"
    titles, index = shown(out)
    assert titles == ["Wigan PDU: Inadequate (no earlier rating known) [unconfirmed: reported by news-north]"]
    (entry,) = feedparser.parse((out / "changes.atom").read_bytes()).entries
    assert entry.updated == "2026-11-21T10:00:00Z"  # when it became public, not when it was first read
    assert "[unconfirmed: reported by news-north]" in index
    unit_page = (out / "units" / "wigan-pdu.html").read_text(encoding="utf-8")
    assert "Unconfirmed: reported by news-north" in unit_page

    site.publish("/hmi/feed/", "/hmi/wigan-pdu/", RELEASE)  # the official release confirms it
    cycle(config, NOW + 30 * HOURS)
    titles, index = shown(out)
    assert titles == ["Wigan PDU: Inadequate (no earlier rating known)"]
    assert "nconfirmed" not in index + (out / "units" / "wigan-pdu.html").read_text(encoding="utf-8")


def test_a_held_reading_confirmed_by_the_official_release_is_published_unmarked(site, tmp_path):
    out = tmp_path / "www"
    config = make_config(site, tmp_path, publish={"out_dir": str(out)})
    site.publish("/news/rss.xml", "/news/wigan-probation/", NEWS)
    cycle(config, NOW)
    assert shown(out)[0] == []

    site.publish("/hmi/feed/", "/hmi/wigan-pdu/", RELEASE)
    (alert,) = cycle(config, NOW + 2 * HOURS).alerts
    assert alert.reported_by is None
    titles, index = shown(out)
    assert titles == ["Wigan PDU: Inadequate (no earlier rating known)"]
    assert "Wigan PDU" in index and "nconfirmed" not in index
