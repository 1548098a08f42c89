"""The poll cycle end to end: feeds and pages over loopback HTTP, state on disk, history judged.

`run_cycle` runs in this process with a fixed `now` and the test Fetcher (no politeness
delay); what a user would look at afterwards is read back through the CLI (`history --json`).
The kill test needs a real process and runs `python -m bot run`.
"""

from __future__ import annotations

import json
import signal
import threading
from datetime import datetime, timezone

from bot.config import load_config
from bot.history import Store
from bot.pipeline import run_cycle

UTC = timezone.utc
LONG_AGE = 36500  # days, for the run that uses the real clock (the fixtures are dated 2026)

FEED = "/feed/"
SWINDON_2025 = "/media-release/swindon-and-wiltshire-probation-delivery-unit-rated-good/"
SWINDON_2026 = "/media-release/swindon-and-wiltshire-probation-delivery-unit-rated-inadequate/"
BLOG = "/blog/2026/11/what-good-supervision-looks-like/"
PLYMOUTH = "/media-release/plymouth-probation-delivery-unit-requires-improvement/"
BBC_FEED = "/news/england/devon/rss.xml"
BBC_STORY = "/news/articles/c5plymprob2o"
BBC_OTHER = ("/news/articles/c5dockyard0o", "/news/articles/c0dvnferry1o")
SEFTON = "/media-release/sefton-youth-justice-service-rated-good/"
WAKEFIELD = "/media-release/probation-services-in-wakefield-rated-requires-improvement/"
ANNUAL = "/media-release/annual-report-2025-2026/"
BURY = "/media-release/bury-youth-justice-service-rated-good/"
TAMESIDE = "/media-release/probation-services-in-tameside-require-improvement/"


def cycle(config, fetcher, now: datetime):
    """One poll cycle at `now` against the on-disk state, as `run` does it."""
    with Store(config.state_dir) as store:
        return run_cycle(config, store, now=now, fetcher=fetcher)


def history(cli, cfg, *unit) -> list[dict]:
    result = cli("history", *unit, "--config", cfg, "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_downgrade_is_found_through_history_when_the_release_does_not_say(world, config_file, fetcher, cli):
    world.serve(SWINDON_2025, "pages/swindon-wiltshire-2025.html")
    world.serve(SWINDON_2026, "pages/swindon-wiltshire-2026.html")
    world.serve(BLOG, "pages/blog-supervision.html")
    feed = world.serve(FEED, "feeds/hmi-feed-2025.rss")
    cfg = config_file([{"name": "hmi-probation-news", "type": "feed", "url": feed}])
    config = load_config(cfg)

    first = cycle(config, fetcher, datetime(2025, 3, 12, 9, 0, tzinfo=UTC))
    assert [(a.unit.name, a.unit.rating) for a in first.alerts] == [("Swindon and Wiltshire PDU", "Good")]

    world.serve(FEED, "feeds/hmi-feed-2026.rss")  # twenty months on: a new release
    second = cycle(config, fetcher, datetime(2026, 11, 24, 9, 0, tzinfo=UTC))

    assert second.exit_code == 0, second.failures
    (alert,) = second.alerts
    data = alert.to_json()
    assert (data["name"], data["rating"], data["published"]) == ("Swindon and Wiltshire PDU", "Inadequate", "2026-11-24")
    assert data["direction"] == "down"
    assert data["previous_rating"] == "Good"
    assert data["previous_published"] == "2025-03-12"
    assert data["links"] == [world.url(SWINDON_2026)]

    timeline = history(cli, cfg, "SWINDON AND WILTSHIRE PDU")
    assert [(r["rating"], r["direction"], r["published"]) for r in timeline] == [
        ("Inadequate", "down", "2026-11-24"),
        ("Good", timeline[1]["direction"], "2025-03-12"),
    ]


def test_same_inspection_from_a_regional_feed_adds_a_link_not_an_alert(world, config_file, fetcher, cli):
    world.serve(PLYMOUTH, "pages/plymouth-pdu.html")
    world.serve(BBC_STORY, "pages/bbc-plymouth.html")
    hmi = world.serve(FEED, "feeds/hmi-feed-plymouth.rss")
    bbc = world.serve(BBC_FEED, "feeds/bbc-devon-before.rss")
    cfg = config_file([
        {"name": "hmi-probation-news", "type": "feed", "url": hmi},
        {"name": "bbc-devon", "type": "feed", "url": bbc, "keywords": ["probation"]},
    ])
    config = load_config(cfg)

    first = cycle(config, fetcher, datetime(2026, 11, 24, 10, 0, tzinfo=UTC))
    assert [(a.unit.name, a.direction) for a in first.alerts] == [("Plymouth PDU", "same")]

    world.serve(BBC_FEED, "feeds/bbc-devon-after.rss")  # the BBC reports it the next morning
    second = cycle(config, fetcher, datetime(2026, 11, 25, 16, 0, tzinfo=UTC))

    assert second.exit_code == 0, second.failures
    assert second.alerts == []
    assert second.new_items == 1  # the story was read ...
    (record,) = history(cli, cfg)  # ... and retold the one event
    assert (record["name"], record["rating"], record["published"]) == ("Plymouth PDU", "Requires improvement", "2026-11-24")
    assert len(record["links"]) == 2
    assert record["links"][0] == world.url(PLYMOUTH)
    assert record["links"][1].split("?")[0] == world.url(BBC_STORY)
    # The keywords filter kept the other Devon stories out: never fetched.
    assert not set(BBC_OTHER) & set(world.requested_paths())


def test_items_older_than_the_max_age_are_recorded_without_alert(world, config_file, fetcher, cli):
    world.serve(BURY, "pages/bury-yjs.html")
    world.serve(TAMESIDE, "pages/tameside-pdu-2023.html")
    feed = world.serve(FEED, "feeds/hmi-feed-mixed-ages.rss")
    cfg = config_file([{"name": "hmi-probation-news", "type": "feed", "url": feed}], alert_max_age_days=14)
    config = load_config(cfg)

    # A first run on an empty state, two days after the Bury release; Tameside's is from 2023.
    report = cycle(config, fetcher, datetime(2026, 11, 29, 9, 0, tzinfo=UTC))

    assert report.exit_code == 0, report.failures
    assert [a.unit.name for a in report.alerts] == ["Bury YJS"]
    assert report.recorded_silently == 1
    assert [(r["name"], r["rating"], r["published"]) for r in history(cli, cfg)] == [
        ("Bury YJS", "Good", "2026-11-27"),
        ("Tameside PDU", "Requires improvement", "2023-06-06"),
    ]
    table = cli("history", "tameside", "--config", cfg).out
    assert "Tameside PDU" in table and "2023-06-06" in table

    again = cycle(config, fetcher, datetime(2026, 11, 29, 9, 30, tzinfo=UTC))
    assert again.alerts == [] and again.recorded_silently == 0  # recorded once, never alerted later


def test_kill_mid_run_then_a_clean_run_alerts_each_inspection_exactly_once(world, config_file, spawn, cli, tmp_path):
    # Sefton's page is read first; the run is killed while it waits for Wakefield's.
    world.serve(SEFTON, "pages/sefton-yjs.html")
    world.serve(WAKEFIELD, "pages/wakefield-pdu.html")
    world.serve(ANNUAL, "pages/annual-report.html")
    feed = world.serve(FEED, "feeds/hmi-feed.rss")
    slow = world.route(WAKEFIELD)
    slow.hold = threading.Event()
    cfg = config_file([{"name": "hmi-probation-news", "type": "feed", "url": feed}], alert_max_age_days=LONG_AGE)

    killed = spawn("run", "--config", cfg, "--json")
    try:
        assert slow.started.wait(20), "the run never asked for the slow page"
        killed.send_signal(signal.SIGKILL)
        killed_out, _ = killed.communicate(timeout=10)
    finally:
        slow.hold.set()
    assert killed.returncode == -signal.SIGKILL
    slow.hold = None  # the page answers at once from now on

    clean = cli("run", "--config", cfg, "--json")

    assert clean.code == 0, clean.err
    printed = (json.loads(killed_out) if killed_out.strip() else []) + json.loads(clean.out)
    for path in sorted((tmp_path / "state").rglob("*")):
        if path.name.endswith((".json", ".json.bak")):
            json.loads(path.read_text(encoding="utf-8"))  # every state file is whole, valid JSON
    assert sorted(r["name"] for r in history(cli, cfg)) == ["Sefton YJS", "Wakefield PDU"]
    again = cli("run", "--config", cfg, "--json")
    assert (again.code, json.loads(again.out)) == (0, [])
    assert sorted(a["name"] for a in printed) == ["Sefton YJS", "Wakefield PDU"], (
        "across the killed run and the clean run each inspection must be alerted exactly once; "
        f"printed: {[a['name'] for a in printed]}")
