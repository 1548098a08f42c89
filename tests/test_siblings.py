"""A unit named in passing by another unit's release, then reported by its own: never a lost alert.

The pipeline runs for real (loopback feeds and pages, state on disk, Slack against the fake).
The texts are made up for these tests.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from test_hold import NOW, Site, cycle, make_config, texts

from bot.history import Store

DAYS = timedelta(days=1)

SEFTON = """<html><head><title>Sefton Probation Delivery Unit rated 'Inadequate'</title>
<meta property="article:published_time" content="2026-11-20T00:01:00Z"></head><body><main>
<h1>Sefton Probation Delivery Unit rated 'Inadequate'</h1>
<p>Sefton Probation Delivery Unit (PDU) has received an overall rating of 'Inadequate' following an \
inspection by HM Inspectorate of Probation.</p>
<p>This was one of two inspections in Merseyside - the other is Wirral PDU, which received a rating \
of 'Good'.</p></main></body></html>"""
WIRRAL = """<html><head><title>Wirral Probation Delivery Unit rated 'Good'</title>
<meta property="article:published_time" content="2026-11-24T00:01:00Z"></head><body><main>
<h1>Wirral Probation Delivery Unit rated 'Good'</h1>
<p>Wirral Probation Delivery Unit (PDU) has received an overall rating of 'Good' following an \
inspection by HM Inspectorate of Probation.</p>
<p>Inspectors found strong leadership and a settled workforce.</p></main></body></html>"""


@pytest.fixture
def site(httpserver) -> Site:
    return Site(httpserver)


def test_a_unit_named_in_passing_alerts_once_when_its_own_release_comes(site, tmp_path, slack_api):
    config = make_config(site, tmp_path, slack=slack_api)
    site.publish("/hmi/feed/", "/hmi/sefton-pdu/", SEFTON)

    first = cycle(config, NOW)
    assert [a.unit.name for a in first.alerts] == ["Sefton PDU"]  # Wirral only in passing: silent
    assert first.recorded_silently == 1

    site.publish("/hmi/feed/", "/hmi/wirral-pdu/", WIRRAL)
    second = cycle(config, NOW + 4 * DAYS)

    (alert,) = second.alerts
    assert (alert.unit.name, alert.unit.rating, alert.reported_by) == ("Wirral PDU", "Good", None)
    assert alert.title == "Wirral Probation Delivery Unit rated 'Good'"  # its own release, not Sefton's
    assert alert.published == "2026-11-24"
    assert alert.links[0].endswith("/hmi/wirral-pdu/")
    posted = slack_api.posted("C0PROBATION")
    assert [m["text"].split(":")[0] for m in posted] == ["• Sefton PDU", "• Wirral PDU"]
    assert "Read from: 'Wirral Probation Delivery Unit (PDU) has received" in texts(posted[1])

    assert cycle(config, NOW + 6 * DAYS).alerts == []  # nothing goes out twice
    assert len(slack_api.posted("C0PROBATION")) == 2
    with Store(config.state_dir, lock=False) as store:
        (wirral,) = store.inspections_for("wirral pdu")  # one event, both sources
        assert wirral["alerted"] is True
        assert any(link.endswith("/hmi/sefton-pdu/") for link in wirral["links"])


def test_an_own_release_first_then_a_mention_in_passing_adds_nothing_to_alert(site, tmp_path, slack_api):
    config = make_config(site, tmp_path, slack=slack_api)
    site.publish("/hmi/feed/", "/hmi/wirral-pdu/", WIRRAL.replace("2026-11-24", "2026-11-19"))
    assert [a.unit.name for a in cycle(config, NOW).alerts] == ["Wirral PDU"]

    site.publish("/hmi/feed/", "/hmi/sefton-pdu/", SEFTON)
    assert [a.unit.name for a in cycle(config, NOW + DAYS).alerts] == ["Sefton PDU"]
    assert [m["text"].split(":")[0] for m in slack_api.posted("C0PROBATION")] == ["• Wirral PDU", "• Sefton PDU"]
