"""Alerts that only claim what they can show (issue 10): hold, confirm, release, evidence line.

The pipeline runs for real: feeds and pages on a loopback server, state on disk (a fresh Store
per cycle, as separate runs would open it), Slack through slack_sdk against tests/slack_fake.py
and email through aiosmtpd. The clock is each cycle's `now`: nothing sleeps. The texts are
made up for these tests.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from slack_fake import TOKEN
from werkzeug import Response

from bot.config import parse_config
from bot.history import Store
from bot.pipeline import run_cycle
from bot.report import status_data

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)
HOURS = timedelta(hours=1)

RELEASE = """<html><head><title>Wigan Probation Delivery Unit rated 'Inadequate'</title>
<meta property="article:published_time" content="2026-11-20T00:01:00Z"></head><body><main>
<h1>Wigan Probation Delivery Unit rated 'Inadequate'</h1>
<p>Wigan Probation Delivery Unit (PDU) has received an overall rating of 'Inadequate' following an \
inspection by HM Inspectorate of Probation.</p>
<p>Chief Inspector of Probation, Martin Jones, said: "Leaders must act now."</p></main></body></html>"""
NEWS = """<html><head><title>Wigan probation service rated inadequate</title>
<meta property="article:published_time" content="2026-11-20T07:00:00Z"></head><body><main>
<h1>Wigan probation service rated inadequate</h1><p>By a staff reporter</p>
<p>The probation service in Wigan has been rated 'Inadequate' by HM Inspectorate of Probation,
the lowest of the four ratings.</p><p>Inspectors said caseloads were too high.</p></main></body></html>"""
HEADLINE_ONLY = """<html><head><title>Wigan Probation Delivery Unit rated 'Inadequate'</title>
<meta property="article:published_time" content="2026-11-20T00:01:00Z"></head><body><main>
<h1>Wigan Probation Delivery Unit rated 'Inadequate'</h1>
<p>HM Inspectorate of Probation has published its inspection of Wigan Probation Delivery Unit
(PDU). Inspectors found caseloads were too high.</p></main></body></html>"""


class Site:
    """Feeds and pages on the loopback server; tests change `pages` between cycles."""

    def __init__(self, httpserver):
        self.server = httpserver
        self.base = httpserver.url_for("").rstrip("/")
        self.pages: dict[str, str] = {}
        self.feeds: dict[str, list[str]] = {"/hmi/feed/": [], "/news/rss.xml": []}
        httpserver.expect_request("/hmi/feed/").respond_with_handler(lambda r: self._feed("/hmi/feed/"))
        httpserver.expect_request("/news/rss.xml").respond_with_handler(lambda r: self._feed("/news/rss.xml"))

    def publish(self, feed: str, path: str, html: str) -> None:
        if path not in self.pages:
            self.server.expect_request(path).respond_with_handler(
                lambda r, path=path: Response(self.pages[path], content_type="text/html; charset=utf-8"))
        self.pages[path] = html
        self.feeds[feed].append(path)

    def _feed(self, feed: str) -> Response:
        items = "".join(f"<item><title>Story {i}</title><link>{self.base}{p}</link>"
                        "<pubDate>Fri, 20 Nov 2026 08:00:00 GMT</pubDate></item>"
                        for i, p in enumerate(self.feeds[feed]))
        body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>{items}</channel></rss>'
        return Response(body, content_type="application/rss+xml")


@pytest.fixture
def site(httpserver) -> Site:
    return Site(httpserver)


def make_config(site: Site, tmp_path, *, slack=None, email=None, **top):
    raw = {"state_dir": "state", "poll": {"min_interval_seconds": 0}, "baseline": False, **top, "sources": [
        # Both on 127.0.0.1: which one speaks for the inspectorate is said outright.
        {"name": "HMI Probation", "type": "feed", "url": f"{site.base}/hmi/feed/", "official": True},
        {"name": "news-north", "type": "feed", "url": f"{site.base}/news/rss.xml", "official": False},
    ]}
    if slack is not None:
        raw["slack"] = {"token": TOKEN, "base_url": slack.base_url,
                        "subscriptions": [{"channel": "probation-alerts"}]}
    if email is not None:
        raw["email"] = {"smtp": {"host": email.host, "port": email.port, "starttls": False},
                        "from": "Alerts <alerts@example.org>",
                        "digests": [{"name": "now", "to": ["desk@example.org"], "schedule": "immediate"}]}
    return parse_config(raw, base_dir=tmp_path)


def cycle(config, now):
    with Store(config.state_dir) as store:  # a new Store each time: what a restart would see
        return run_cycle(config, store, now=now)


def texts(message: dict) -> str:
    """Everything a Slack user reads in one message: the blocks' texts, in order."""
    out = []
    for block in message["blocks"]:
        parts = [block.get("text")] + block.get("fields", []) + block.get("elements", [])
        out += [p["text"] for p in parts if p]
    return "\n".join(out)


def test_news_alone_is_held_then_the_official_release_confirms_it_into_one_alert(site, tmp_path, slack_api):
    config = make_config(site, tmp_path, slack=slack_api)
    site.publish("/news/rss.xml", "/news/wigan-probation/", NEWS)

    first = cycle(config, NOW)
    assert first.alerts == [] and first.exit_code == 0
    assert "1 held for confirmation" in first.summary()
    assert slack_api.posted() == []
    (held,) = status_data(config, NOW)["held_alerts"]
    assert (held["unit"], held["rating"], held["source"]) == ("Wigan PDU", "Inadequate", "news-north")
    assert "non-official" in held["reason"]

    site.publish("/hmi/feed/", "/hmi/wigan-pdu/", RELEASE)
    second = cycle(config, NOW + 3 * HOURS)

    (alert,) = second.alerts
    assert (alert.unit.name, alert.unit.rating, alert.reported_by) == ("Wigan PDU", "Inadequate", None)
    (message,) = slack_api.posted("C0PROBATION")
    shown = texts(message)
    assert "Read from: 'Wigan Probation Delivery Unit (PDU) has received an overall rating of 'Inadequate'" in shown
    assert "(HMI Probation)" in shown and "Unconfirmed" not in shown
    assert "/hmi/wigan-pdu/" in shown and "/news/wigan-probation/" in shown  # one event, both sources
    assert status_data(config, NOW)["held_alerts"] == []

    later = cycle(config, NOW + 30 * HOURS)  # the hold would have ended: nothing goes out twice
    assert later.alerts == [] and len(slack_api.calls_to("chat.postMessage")) == 1


def test_a_stated_official_release_alerts_at_once(site, tmp_path, slack_api):
    config = make_config(site, tmp_path, slack=slack_api)
    site.publish("/hmi/feed/", "/hmi/wigan-pdu/", RELEASE)

    report = cycle(config, NOW)

    (alert,) = report.alerts
    assert (alert.unit.confidence, alert.evidence_source) == ("stated", "HMI Probation")
    assert report.held == []
    (message,) = slack_api.posted("C0PROBATION")
    assert "Wigan PDU" in message["text"]
    assert "Read from: 'Wigan Probation Delivery Unit (PDU) has received" in texts(message)


def test_unconfirmed_news_goes_out_after_the_hold_marked_then_loses_the_mark_when_confirmed(
        site, tmp_path, slack_api, cli):
    config = make_config(site, tmp_path, slack=slack_api, alert_hold_hours=24)
    site.publish("/news/rss.xml", "/news/wigan-probation/", NEWS)
    (tmp_path / "config.yaml").write_text(json.dumps({"state_dir": str(config.state_dir)}))

    assert cycle(config, NOW).alerts == []
    status = cli("status", "--config", tmp_path / "config.yaml")
    assert "Held for confirmation: 1" in status.out
    assert "Wigan PDU: Inadequate from news-north" in status.out
    assert cycle(config, NOW + 23 * HOURS).alerts == []  # still within the hold
    assert slack_api.posted() == []

    released = cycle(config, NOW + 25 * HOURS)

    (alert,) = released.alerts
    assert (alert.unit.name, alert.reported_by, alert.direction) == ("Wigan PDU", "news-north", None)
    (message,) = slack_api.posted("C0PROBATION")
    assert message["text"].startswith("• Wigan PDU: rated Inadequate [unconfirmed]")
    assert "Unconfirmed: reported by news-north" in texts(message)
    assert "(news-north)" in texts(message)
    assert status_data(config, NOW)["held_alerts"] == []

    # The official release comes late: the same message is corrected, not a second alert.
    site.publish("/hmi/feed/", "/hmi/wigan-pdu/", RELEASE)
    assert cycle(config, NOW + 30 * HOURS).alerts == []
    (message,) = slack_api.posted("C0PROBATION")
    assert message.get("edited") and "nconfirmed" not in texts(message) + message["text"]
    assert "(HMI Probation)" in texts(message)


def test_an_inferred_official_reading_waits_for_a_stated_one(site, tmp_path, slack_api):
    config = make_config(site, tmp_path, slack=slack_api)
    site.publish("/hmi/feed/", "/hmi/wigan-pdu/", HEADLINE_ONLY)  # the rating only in the headline

    first = cycle(config, NOW)
    assert first.alerts == [] and len(first.held) == 1
    (held,) = status_data(config, NOW)["held_alerts"]
    assert "inferred" in held["reason"]

    site.publish("/news/rss.xml", "/news/wigan-probation/", NEWS)  # a story that states it
    (alert,) = cycle(config, NOW + 2 * HOURS).alerts
    assert alert.reported_by is None and alert.unit.confidence == "stated"
    assert len(slack_api.posted("C0PROBATION")) == 1


SNEAKY = """<html><head><title>Wigan Probation Delivery Unit rated 'Inadequate'</title>
<meta property="article:published_time" content="2026-11-20T00:01:00Z"></head><body><main>
<h1>Wigan Probation Delivery Unit rated 'Inadequate'</h1><p>Wigan Probation Delivery Unit (PDU) \
&lt;!channel&gt; &amp; <a href='https://evil.example/'>&lt;https://x.io|gov.uk&gt;</a> has received an \
overall rating of 'Inadequate'.</p></main></body></html>"""


def test_the_evidence_line_is_escaped_in_slack_and_email(site, tmp_path, slack_api, smtp_server):
    config = make_config(site, tmp_path, slack=slack_api, email=smtp_server)
    site.publish("/hmi/feed/", "/hmi/wigan-pdu/", SNEAKY)

    (alert,) = cycle(config, NOW).alerts
    assert "<!channel> & <https://x.io|gov.uk>" in alert.unit.evidence["rating"]  # as the page said

    (message,) = slack_api.posted("C0PROBATION")
    line = next(t for t in texts(message).splitlines() if t.startswith("Read from:"))
    assert line == ("Read from: 'Wigan Probation Delivery Unit (PDU) &lt;!channel&gt; &amp; "
                    "&lt;https://x.io|gov.uk&gt; has received an overall rating of 'Inadequate'.' "
                    "(HMI Probation)")
    blocks = json.dumps(message["blocks"])
    assert "<!channel" not in blocks and "<https://x.io" not in blocks

    (_, _, mail) = smtp_server.received[0]
    html = " ".join(mail.get_body(("html",)).get_content().split())
    plain = " ".join(mail.get_body(("plain",)).get_content().split())
    assert ("Read from: &#39;Wigan Probation Delivery Unit (PDU) &lt;!channel&gt; &amp; "
            "&lt;https://x.io|gov.uk&gt; has received") in html
    assert "<!channel" not in html and "<https://x.io" not in html
    assert ("Read from: 'Wigan Probation Delivery Unit (PDU) <!channel> & <https://x.io|gov.uk> has "
            "received an overall rating of 'Inadequate'.' (HMI Probation)") in plain


def test_run_and_history_keep_evidence_confidence_and_the_source(site, tmp_path, cli):
    site.publish("/hmi/feed/", "/hmi/wigan-pdu/", RELEASE)
    path = tmp_path / "config.yaml"
    path.write_text(json.dumps({"state_dir": "state", "poll": {"min_interval_seconds": 0}, "baseline": False,
                                "alert_max_age_days": 36500,
                                "sources": [{"name": "HMI Probation", "type": "feed",
                                             "url": f"{site.base}/hmi/feed/", "official": True}]}))

    run = cli("run", "--config", path)
    assert run.code == 0, run.err
    assert "Read from: 'Wigan Probation Delivery Unit (PDU) has received an overall rating of" in run.out
    history = cli("history", "--config", path, "--json")
    (record,) = json.loads(history.out)
    assert record["confidence"] == "stated" and record["evidence_source"] == "HMI Probation"
    assert record["evidence"]["rating"].startswith("Wigan Probation Delivery Unit (PDU) has received")
