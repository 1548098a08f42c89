"""The whole bot, one real cycle: loopback feeds and pages in, Slack (fake Web API) out."""

from pathlib import Path

from slack_fake import TOKEN

from bot.config import parse_config
from bot.demo import sample_server
from bot.pipeline import poll_once


def _config(base: str, slack_url: str, state: Path):
    raw = {
        "state_dir": str(state),
        "poll": {"min_interval_seconds": 0},
        "alert_max_age_days": 36500,
        "baseline": False,  # directions as the invented samples tell them (not the real record)
        "sources": [
            {"name": "hmi", "type": "feed", "url": f"{base}/hmiprobation/feed/", "official": True},
            {"name": "govuk", "type": "govuk_search", "url": f"{base}/api/search.json", "official": True},
            {"name": "bbc", "type": "feed", "url": f"{base}/news/england/south_yorkshire/rss.xml",
             "keywords": ["probation"], "official": False},
        ],
        "slack": {"token": TOKEN, "base_url": slack_url, "subscriptions": [
            {"channel": "probation-alerts"},
            {"channel": "yjs-alerts", "unit_types": ["YJS"]},
        ]},
    }
    return parse_config(raw, base_dir=state.parent)


def test_one_cycle_posts_each_event_once_to_each_matching_channel(tmp_path, slack_api):
    with sample_server() as base:
        config = _config(base, slack_api.base_url, tmp_path / "state")
        first = poll_once(config)
        assert first.exit_code == 0, first.failures
        everything = [m["text"] for m in slack_api.posted("C0PROBATION")]
        youth = [m["text"] for m in slack_api.posted("C0YJSALERTS")]
        assert len(everything) == 3, everything
        assert any("Sheffield PDU: still Inadequate (no change)" in t for t in everything), everything
        assert any("Derby City PDU" in t and "Requires improvement → Inadequate" in t for t in everything)
        assert len(youth) == 1 and "Salford YJS" in youth[0]
        # The press release, GOV.UK and the BBC told one inspection: one message, three links.
        sheffield = next(m for m in slack_api.posted("C0PROBATION") if "Sheffield" in m["text"])
        for link in ("/2026/11/sheffield-pdu/", "/government/news/urgent-action-needed",
                     "/news/articles/c9sheffield0o"):
            assert link in str(sheffield), link

        second = poll_once(config)
        assert second.alerts == [] and second.exit_code == 0
        assert len(slack_api.calls_to("chat.postMessage")) == 4


def test_slack_outage_keeps_alerts_queued_until_it_recovers(tmp_path, slack_api):
    with sample_server() as base:
        config = _config(base, slack_api.base_url, tmp_path / "state")
        slack_api.fail("chat.postMessage", 500, times=None)
        down = poll_once(config)
        assert down.exit_code == 1
        assert any("slack" in line and "500" in line for line in down.failures)
        assert slack_api.posted() == []
        slack_api.clear_faults()
        up = poll_once(config)
        assert up.exit_code == 0
        assert len(slack_api.posted("C0PROBATION")) == 3
        assert len(slack_api.posted("C0YJSALERTS")) == 1
