"""`backfill`: older pages walked on loopback, failures resumed, a summary, alerting no one."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from datetime import date, datetime, timezone

import pytest

from bot.backfill import backfill
from bot.baseline import load_baseline
from bot.config import PollConfig, SourceConfig, load_config
from bot.demo import demo_config, sample_server
from bot.history import Store
from bot.pipeline import poll_once
from bot.sources import SOURCE_TYPES

# The samples are published on 19, 24 and 26 November 2026 (Salford, Sheffield, Derby City).
LATER = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
LISTING = "/news/"
PAGES = {1: "/news/", 2: "/news/page/2/", 3: "/news/page/3/"}
RELEASES = ("bolton-pdu", "sefton-yjs", "wakefield-pdu", "blog-supervision", "swindon-wiltshire-2025",
            "tameside-pdu-2023")
ALL_UNITS = ["Bolton PDU", "Sefton YJS", "Swindon and Wiltshire PDU", "Tameside PDU", "Wakefield PDU"]


def _fast(config):
    """No politeness delay: these tests are not about it."""
    return replace(config, poll=PollConfig(min_interval_seconds=0))


def _names(config):
    with Store(config.state_dir, lock=False) as store:
        return sorted(r["name"] for r in store.all_inspections())


def _statuses(config):
    with Store(config.state_dir, lock=False) as store:
        return store.source_statuses()


def serve_archive(world, *, failing: int | None = None):
    """Three listing pages (a 404 after them) and the releases they list."""
    for slug in RELEASES:
        world.serve(f"/media-release/{slug}/", f"pages/{slug}.html")
    for n, path in PAGES.items():
        world.serve(path, f"pages/listing-page-{n}.html", status=500 if n == failing else 200)
    world.serve("/news/page/4/", "pages/listing-page-3.html", status=404)  # as WordPress past the end
    return world.url(LISTING)


def archive_config(config_file, url, **top):
    cfg = config_file([{"name": "hmi-probation-news", "type": "html_index", "url": url}],
                      alert_max_age_days=0, **top)
    return cfg, load_config(cfg)


def test_backfill_records_old_inspections_silently_then_run_does_not_alert_them(tmp_path):
    with sample_server() as base:
        config = _fast(replace(demo_config(base, tmp_path / "state"), alert_max_age_days=0))
        report = backfill(config, pages=2, now=LATER)
        assert report.cycle.alerts == [] and report.inspections == 3 and report.exit_code == 0
        assert _names(config) == ["Derby City PDU", "Salford YJS", "Sheffield PDU"]
        again = poll_once(config, now=LATER, notifiers=[])
        assert again.alerts == [] and again.exit_code == 0


def test_backfill_leaves_recent_inspections_for_a_run_to_alert(tmp_path):
    with sample_server() as base:
        config = _fast(replace(demo_config(base, tmp_path / "state"), alert_max_age_days=2))
        backfill(config, pages=1, now=LATER)
        assert _names(config) == ["Salford YJS", "Sheffield PDU"]  # Derby City is a day old
        run = poll_once(config, now=LATER, notifiers=[])
        assert [a.unit.name for a in run.alerts] == ["Derby City PDU"]


def test_a_failing_page_is_resumed_by_the_next_backfill_and_health_is_untouched(world, config_file, fetcher):
    _, config = archive_config(config_file, serve_archive(world, failing=2))

    first = backfill(config, pages=10, now=NOW, fetcher=fetcher)

    assert first.exit_code == 1
    assert len(first.failures) == 1 and "page 2" in first.failures[0] and "HTTP 500" in first.failures[0]
    assert first.pages_read == 1
    assert _names(config) == ["Bolton PDU", "Sefton YJS", "Wakefield PDU"]
    assert _statuses(config) == []  # `status` knows nothing of a backfill: no "failed N polls"

    world.serve(PAGES[2], "pages/listing-page-2.html")  # the site is back
    paths_before = len(world.requested_paths())
    second = backfill(config, pages=10, now=NOW, fetcher=fetcher)

    asked = world.requested_paths()[paths_before:]
    assert PAGES[1] not in asked and asked[:2] == [PAGES[2], PAGES[3]]  # resumed where it stopped
    assert "/news/page/4/" in asked  # a 404 past the last page ends the walk, not an error
    assert second.exit_code == 0, second.all_failures
    assert second.pages_read == 2
    assert (second.inspections, second.units_new) == (2, 2)  # Swindon 2025 and Tameside 2023
    assert second.summary() == ("2 pages read from 1 source, 2 inspections recorded, "
                                "2 units newly covered, 0 failures")
    assert _names(config) == ALL_UNITS
    assert _statuses(config) == []


def test_a_finished_walk_starts_again_from_the_first_page(world, config_file, fetcher):
    _, config = archive_config(config_file, serve_archive(world))
    assert backfill(config, pages=10, now=NOW, fetcher=fetcher).pages_read == 3
    again = backfill(config, pages=10, now=NOW, fetcher=fetcher)
    assert again.pages_read == 3 and again.inspections == 0 and again.units_new == 0


def test_an_interrupted_backfill_resumes_at_the_page_it_was_on(world, config_file, spawn, cli):
    cfg, config = archive_config(config_file, serve_archive(world))
    held = world.route(PAGES[3])
    held.hold = __import__("threading").Event()
    proc = spawn("backfill", "--pages", "10", "--config", cfg)
    assert held.started.wait(30), proc.communicate(timeout=5)
    proc.kill()  # interrupted while asking for page 3
    proc.communicate(timeout=10)
    held.hold.set()
    asked_before = len(world.requested_paths())

    result = cli("backfill", "--pages", "10", "--config", cfg)

    assert result.code == 0, result.err
    asked = world.requested_paths()[asked_before:]
    assert PAGES[1] not in asked and PAGES[2] not in asked and asked[0] == PAGES[3]
    assert result.out.strip().startswith("Backfill: 1 page read from 1 source,")  # page 3, then the 404
    assert _names(config) == ALL_UNITS


def test_cli_prints_plain_progress_lines_and_a_summary_when_not_a_terminal(world, config_file, cli):
    cfg, _ = archive_config(config_file, serve_archive(world))

    result = cli("backfill", "--pages", "2", "--config", cfg)

    assert result.code == 0, result.err
    assert "backfill: hmi-probation-news page 1: 3 items listed, 3 new" in result.err_lines
    assert "backfill: hmi-probation-news page 2: 2 items listed, 2 new" in result.err_lines
    assert result.out.splitlines() == ["Backfill: 2 pages read from 1 source, 4 inspections recorded, "
                                       "4 units newly covered, 0 failures"]
    assert "\r" not in result.err  # no bar drawn into a pipe


def test_since_stops_the_walk_and_skips_older_items(world, config_file, fetcher):
    _, config = archive_config(config_file, serve_archive(world))

    report = backfill(config, pages=10, since=date(2025, 7, 1), now=NOW, fetcher=fetcher)

    assert report.pages_read == 2  # page 2 is all older than the date: nothing further back is read
    assert PAGES[3] not in world.requested_paths()
    assert _names(config) == ["Bolton PDU", "Sefton YJS", "Wakefield PDU"]


def test_source_picks_one_source_and_an_unknown_name_is_a_one_line_error(world, config_file, cli):
    url = serve_archive(world)
    other = world.serve("/other/feed/", "feeds/hmi-feed.rss")
    cfg = config_file([{"name": "listing", "type": "html_index", "url": url},
                       {"name": "other", "type": "feed", "url": other}], alert_max_age_days=0)

    result = cli("backfill", "--pages", "1", "--source", "listing", "--config", cfg)
    assert result.code == 0, result.err
    assert "/other/feed/" not in world.requested_paths()

    wrong = cli("backfill", "--source", "nope", "--config", cfg)
    assert wrong.code == 2 and len(wrong.err_lines) == 1
    assert "'nope'" in wrong.err and "listing, other" in wrong.err


def test_export_baseline_writes_a_record_that_loads_as_a_baseline(world, config_file, cli, tmp_path):
    cfg, _ = archive_config(config_file, serve_archive(world), baseline=True)
    out = tmp_path / "refreshed.csv"

    result = cli("backfill", "--pages", "10", "--config", cfg, "--export-baseline", out)

    assert result.code == 0, result.err
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    packaged = load_baseline("packaged").records
    # The record and five inspections read, less Tameside's: the record holds it already (25 May 2023;
    # the release says 6 June), so it is written once, as read.
    assert len(rows) == len(packaged) + 4
    refreshed = load_baseline(out)
    assert [(r["published"], r["source_kind"]) for r in refreshed.for_unit("tameside pdu")] == [
        ("2023-06-06", "read by hmip-bot")]
    assert {"tameside pdu", "bolton pdu"} <= set(refreshed.keys())
    bolton = refreshed.for_unit("bolton pdu")
    assert [(r["published"], r["rating"], r["source_kind"]) for r in bolton] == [
        ("2026-11-25", "Good", "read by hmip-bot")]
    assert "written to the baseline file" in result.out


@pytest.mark.parametrize(("kind", "url", "page3"), [
    ("feed", "https://example.org/feed/", "https://example.org/feed/?paged=3"),
    ("govuk_search", "https://example.org/api/search.json?filter_organisations=hmip&count=50",
     "https://example.org/api/search.json?filter_organisations=hmip&count=50&start=100"),
    ("html_index", "https://example.org/news/", "https://example.org/news/page/3/"),
])
def test_each_source_type_knows_its_older_pages(kind, url, page3):
    source = SOURCE_TYPES[kind](SourceConfig(name="s", type=kind, url=url))
    assert source.page_url(1) == url
    assert source.page_url(3) == page3
    assert source.for_page(3).name == "s"


def test_a_feed_that_ignores_paging_costs_one_extra_request(world, config_file, fetcher):
    feed = world.serve("/feed/", "feeds/hmi-feed.rss")  # answers ?paged=2 with page 1 again
    config = load_config(config_file([{"name": "hmi", "type": "feed", "url": feed}], alert_max_age_days=0))
    report = backfill(config, pages=5, now=NOW, fetcher=fetcher)
    assert report.pages_read == 2 and len(world.requests("/feed/")) == 2
    assert json.dumps(report.failures) == "[]"


def test_a_failed_page_is_one_line_on_stderr_naming_the_error_and_where_it_resumes(world, config_file, cli):
    cfg, _ = archive_config(config_file, serve_archive(world))
    world.serve(PAGES[1], "pages/listing-page-1.html", status=404)  # page 1 gone: a failure, not the end

    result = cli("backfill", "--pages", "3", "--config", cfg)

    assert result.code == 1
    about_it = [line for line in result.err_lines if "page 1" in line]
    assert len(about_it) == 1, result.err
    assert "404" in about_it[0] and "the next backfill resumes here" in about_it[0]
