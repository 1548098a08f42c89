"""The command line as a user meets it: `run`, `history`, `status`, `demo` and `extract`.

Every feed and page comes from tests/data/pipeline over a loopback HTTP server (see the
`world` fixture); nothing here touches the internet or mocks `requests`. Commands run in this
process through `bot.cli.main` (the `cli` fixture), except where a real second process is the
point (the state lock).

The fixtures are dated November 2026 and `run` judges age by the real clock, so these configs
set a long `alert_max_age_days`; tests/test_pipeline.py covers the age rule with a fixed `now`.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from bot.config import load_config
from bot.sources import SOURCE_TYPES

PAGES = Path(__file__).parent / "data" / "pipeline" / "pages"
LONG_AGE = 36500  # days: the fixtures' November 2026 releases alert whenever the tests run

FEED = "/feed/"
SEFTON = "/media-release/sefton-youth-justice-service-rated-good/"
WAKEFIELD = "/media-release/probation-services-in-wakefield-rated-requires-improvement/"
ANNUAL = "/media-release/annual-report-2025-2026/"
BOLTON = "/media-release/inspectors-rate-bolton-probation-delivery-unit-good/"
PLYMOUTH = "/media-release/plymouth-probation-delivery-unit-requires-improvement/"
NEWHAM = "/government/news/newham-probation-delivery-unit-rated-good-by-inspectors"
SEARCH = "/api/search.json"
SEARCH_QUERY = "?filter_organisations=hm-inspectorate-of-probation&order=-public_timestamp&count=50"

# The fields of an alert a reader acts on (the rest, findings and ids, are checked elsewhere).
SHOWN = ("name", "type", "region", "rating", "direction", "previous_rating", "previous_published",
         "published", "links")


def shown(alert: dict) -> dict:
    return {k: alert[k] for k in SHOWN}


def hmi_source(url: str, name: str = "hmi-probation-news") -> dict:
    return {"name": name, "type": "feed", "url": url}


def serve_baseline(world) -> str:
    """HMI Probation's feed with Sefton YJS (up), Wakefield PDU (down) and an annual report."""
    world.serve(SEFTON, "pages/sefton-yjs.html")
    world.serve(WAKEFIELD, "pages/wakefield-pdu.html")
    world.serve(ANNUAL, "pages/annual-report.html")
    return world.serve(FEED, "feeds/hmi-feed.rss")


def serve_bolton(world) -> str:
    """HMI Probation's feed with one release: Bolton PDU rated 'Good', up from 'Requires improvement'."""
    world.serve(BOLTON, "pages/bolton-pdu.html")
    return world.serve(FEED, "feeds/hmi-feed-bolton.rss")


def alert_names(result) -> list[str]:
    return [a["name"] for a in json.loads(result.out)]


def no_traceback(result) -> bool:
    return "Traceback" not in result.err and "Traceback" not in result.out


# --- run ----------------------------------------------------------------------------------


def test_baseline_run_prints_the_alerts_as_json_and_history_lists_them_newest_first(world, config_file, cli):
    cfg = config_file([hmi_source(serve_baseline(world))], alert_max_age_days=LONG_AGE)

    result = cli("run", "--config", cfg, "--json")

    assert result.code == 0, result.err
    assert result.err == ""
    alerts = {a["name"]: a for a in json.loads(result.out)}  # stdout is the JSON list and nothing else
    assert sorted(alerts) == ["Sefton YJS", "Wakefield PDU"]  # the annual report is not an inspection
    assert shown(alerts["Sefton YJS"]) == {
        "name": "Sefton YJS", "type": "YJS", "region": None, "rating": "Good", "direction": "up",
        "previous_rating": "Requires improvement", "previous_published": "2023",
        "published": "2026-11-19", "links": [world.url(SEFTON)],
    }
    assert shown(alerts["Wakefield PDU"]) == {
        "name": "Wakefield PDU", "type": "PDU", "region": "Yorkshire and the Humber",
        "rating": "Requires improvement", "direction": "down", "previous_rating": "Good",
        "previous_published": "February 2024", "published": "2026-11-17", "links": [world.url(WAKEFIELD)],
    }
    assert alerts["Wakefield PDU"]["recommendations"] == 7
    assert alerts["Wakefield PDU"]["chief_inspector"] == "Martin Jones"

    history = cli("history", "--config", cfg, "--json")
    assert history.code == 0
    assert [(r["name"], r["rating"], r["published"]) for r in json.loads(history.out)] == [
        ("Sefton YJS", "Good", "2026-11-19"),
        ("Wakefield PDU", "Requires improvement", "2026-11-17"),
    ]
    table = cli("history", "--config", cfg)
    rows = table.out.splitlines()[1:]
    assert len(rows) == 2
    assert rows[0].startswith("2026-11-19") and "Sefton YJS" in rows[0] and "Good" in rows[0]
    assert rows[1].startswith("2026-11-17") and "Wakefield PDU" in rows[1] and "Requires improvement" in rows[1]
    one = cli("history", "wakefield pdu", "--config", cfg, "--json")  # a unit, any case
    assert [r["name"] for r in json.loads(one.out)] == ["Wakefield PDU"]


def test_quiet_rerun_asks_conditionally_gets_304_and_prints_no_alerts(world, config_file, cli):
    cfg = config_file([hmi_source(serve_baseline(world))], alert_max_age_days=LONG_AGE)
    assert cli("run", "--config", cfg, "--json").code == 0

    again = cli("run", "--config", cfg, "--json")

    assert again.code == 0, again.err
    assert json.loads(again.out) == []
    (first, first_status), (second, second_status) = world.requests(FEED)
    assert "If-None-Match" not in first and "If-Modified-Since" not in first
    assert first_status == 200
    # The validators are the ones the feed was served with (its Header: lines).
    assert second["If-None-Match"] == '"5e1f0c7a2b-baseline"'
    assert second["If-Modified-Since"] == "Thu, 19 Nov 2026 09:14:51 GMT"
    assert second_status == 304
    pages = [p for p in world.requested_paths() if p.startswith("/media-release/")]
    assert sorted(pages) == sorted([SEFTON, WAKEFIELD, ANNUAL])  # each page read once, in the first run


def test_page_that_503s_is_retried_next_run_and_alerts_once(world, config_file, cli):
    feed = serve_bolton(world)
    world.serve(BOLTON, "pages/service-unavailable.html", status=503)
    cfg = config_file([hmi_source(feed)], alert_max_age_days=LONG_AGE)

    failed = cli("run", "--config", cfg, "--json")

    assert failed.code == 1
    assert json.loads(failed.out) == []
    assert no_traceback(failed)
    naming = [line for line in failed.err_lines if world.url(BOLTON) in line]
    assert naming and "503" in naming[-1]

    world.serve(BOLTON, "pages/bolton-pdu.html")  # the site is back
    recovered = cli("run", "--config", cfg, "--json")
    assert recovered.code == 0, recovered.err
    assert recovered.err == ""
    (alert,) = json.loads(recovered.out)
    assert (alert["name"], alert["rating"], alert["direction"]) == ("Bolton PDU", "Good", "up")
    assert alert["links"] == [world.url(BOLTON)]
    assert world.requests(FEED)[-1][1] == 304  # the item was remembered although the feed is unchanged

    quiet = cli("run", "--config", cfg, "--json")
    assert (quiet.code, json.loads(quiet.out), quiet.err) == (0, [], "")

    # What the user reads after the failed run: exactly one line, naming the page.
    assert len(naming) == 1 and failed.err_lines == naming, (
        "the failing page should be reported in one stderr line, got:\n" + failed.err)


def test_broken_source_beside_good_ones(world, config_file, cli):
    hmi = serve_bolton(world)
    moved = world.serve("/wp/feed/rss2/", "pages/moved-feed.html")  # an old feed URL, now the home page
    world.serve(NEWHAM, "pages/govuk-newham.html")
    search = world.serve(SEARCH, "feeds/govuk-search.json") + SEARCH_QUERY
    cfg = config_file([
        hmi_source(hmi),
        {"name": "hmi-old-feed", "type": "feed", "url": moved},
        {"name": "govuk-search", "type": "govuk_search", "url": search},
    ], alert_max_age_days=LONG_AGE)

    result = cli("run", "--config", cfg, "--json")

    assert result.code == 1
    alerts = {a["name"]: a for a in json.loads(result.out)}
    assert sorted(alerts) == ["Bolton PDU", "Newham PDU"]  # both good sources were read
    assert shown(alerts["Newham PDU"]) == {
        "name": "Newham PDU", "type": "PDU", "region": "London", "rating": "Good", "direction": "up",
        "previous_rating": "Requires improvement", "previous_published": "2023",
        "published": "2026-11-18", "links": [world.url(NEWHAM)],
    }
    assert no_traceback(result)
    naming = [line for line in result.err_lines if "hmi-old-feed" in line]
    assert naming and moved in naming[-1] and "not a feed" in naming[-1]

    status = json.loads(cli("status", "--config", cfg, "--json").out)
    by_source = {s["source"]: s for s in status["sources"]}
    assert "not a feed" in by_source["hmi-old-feed"]["last_error"]
    assert by_source["hmi-old-feed"]["last_success"] is None
    assert by_source["govuk-search"]["last_success"] and by_source["hmi-probation-news"]["last_success"]

    assert len(naming) == 1 and result.err_lines == naming, (
        "the broken source should be reported in one stderr line, got:\n" + result.err)


def test_second_run_while_the_first_holds_the_lock_exits_3(world, config_file, spawn):
    feed = serve_bolton(world)
    held = world.route(FEED)
    held.hold = threading.Event()  # the feed answers only when released (at most 15 s)
    cfg = config_file([hmi_source(feed)], alert_max_age_days=LONG_AGE)

    first = spawn("run", "--config", cfg, "--json")
    try:
        assert held.started.wait(20), "the first run never asked for the feed"
        began = time.monotonic()
        second = spawn("run", "--config", cfg, "--json")
        second_out, second_err = second.communicate(timeout=20)
        took = time.monotonic() - began
    finally:
        held.hold.set()
    first_out, first_err = first.communicate(timeout=30)

    assert second.returncode == 3
    assert second_out == ""
    assert len(second_err.splitlines()) == 1 and "lock" in second_err, second_err
    assert took < 5  # it gives up at once instead of waiting for the first run
    assert first.returncode == 0, first_err
    assert [a["name"] for a in json.loads(first_out)] == ["Bolton PDU"]


def test_corrupt_state_file_is_named_and_left_alone(world, config_file, cli, tmp_path):
    cfg = config_file([hmi_source(serve_bolton(world))], alert_max_age_days=LONG_AGE)
    state = tmp_path / "state"
    state.mkdir()
    garbage = b'{"inspections": {"7731": {"name": "Bolton PDU", "rating": "Go\x00\x00\x00'
    (state / "history.json").write_bytes(garbage)

    result = cli("run", "--config", cfg, "--json")

    assert result.code == 2
    assert result.out == ""
    assert len(result.err_lines) == 1, result.err
    assert str(state / "history.json") in result.err
    assert no_traceback(result)
    assert (state / "history.json").read_bytes() == garbage  # nothing overwritten

    history = cli("history", "--config", cfg)
    assert history.code == 2 and len(history.err_lines) == 1 and str(state / "history.json") in history.err

    # Nothing lost: the item listed before the corrupt file was met waits, and is read once
    # the file is repaired (here: removed, as a user with no backup would).
    (state / "history.json").unlink()
    again = cli("run", "--config", cfg, "--json")
    assert again.code == 0, again.err
    assert [a["name"] for a in json.loads(again.out)] == ["Bolton PDU"]


def test_dry_run_prints_would_be_alerts_and_changes_no_state(world, config_file, cli, tmp_path):
    cfg = config_file([hmi_source(serve_bolton(world))], alert_max_age_days=LONG_AGE)
    state = tmp_path / "state"

    dry = cli("run", "--config", cfg, "--dry-run")

    assert dry.code == 0, dry.err
    assert "Bolton PDU: Requires improvement → Good (up)" in dry.out
    assert "dry run" in dry.out.lower()
    assert not state.exists()  # no state folder, not even a lock file

    real = cli("run", "--config", cfg, "--json")
    assert alert_names(real) == ["Bolton PDU"]  # the dry run used nothing up
    before = {p: p.read_bytes() for p in state.rglob("*") if p.is_file()}

    world.serve(PLYMOUTH, "pages/plymouth-pdu.html")
    world.serve(FEED, "feeds/hmi-feed-plymouth.rss")  # a new release since
    dry = cli("run", "--config", cfg, "--dry-run", "--json")
    assert dry.code == 0, dry.err
    assert [(a["name"], a["direction"]) for a in json.loads(dry.out)] == [("Plymouth PDU", "same")]
    assert {p: p.read_bytes() for p in state.rglob("*") if p.is_file()} == before

    real = cli("run", "--config", cfg, "--json")
    assert alert_names(real) == ["Plymouth PDU"]


# --- config errors --------------------------------------------------------------------------


def _one_line_exit_2(result) -> str:
    assert result.code == 2
    assert result.out == ""
    assert no_traceback(result)
    assert len(result.err_lines) == 1, result.err
    return result.err_lines[0]


def test_config_unknown_key_suggests_the_right_one(config_file, cli):
    cfg = config_file([{"name": "bbc", "type": "feed", "url": "http://127.0.0.1:9/rss.xml", "keyword": ["probation"]}])
    line = _one_line_exit_2(cli("run", "--config", cfg))
    assert line == "hmip-bot: config: sources[0]: unknown key 'keyword' (did you mean 'keywords'?)"


def test_config_unknown_source_type_names_the_key_and_the_allowed_types(config_file, cli):
    cfg = config_file([{"name": "bbc", "type": "rss", "url": "http://127.0.0.1:9/rss.xml"}])
    line = _one_line_exit_2(cli("run", "--config", cfg))
    assert "sources[0].type" in line and "'rss'" in line
    assert all(kind in line for kind in SOURCE_TYPES)


def test_config_unset_variable_is_named(config_file, cli, monkeypatch):
    monkeypatch.delenv("HMIP_TEST_SLACK_TOKEN", raising=False)
    cfg = config_file([hmi_source("http://127.0.0.1:9/feed/")],
                      slack={"token": "${HMIP_TEST_SLACK_TOKEN}", "subscriptions": [{"channel": "#probation"}]})
    line = _one_line_exit_2(cli("run", "--config", cfg))
    assert line == "hmip-bot: config: slack.token: environment variable HMIP_TEST_SLACK_TOKEN is not set"


@pytest.mark.parametrize("command", ["run", "history", "status"])
def test_config_missing_file_is_named(cli, tmp_path, command):
    missing = tmp_path / "no-such-config.yaml"
    line = _one_line_exit_2(cli(command, "--config", missing))
    assert str(missing) in line


def test_config_option_before_the_command_is_honoured(cli, tmp_path, monkeypatch):
    # `hmip-bot --config X run` is accepted by the parser, so X must be the config used,
    # not silently replaced by ./config.yaml (here a valid one, to make the difference visible).
    monkeypatch.chdir(tmp_path)
    (tmp_path / "config.yaml").write_text("state_dir: state\nsources: []\n", encoding="utf-8")
    missing = tmp_path / "no-such-config.yaml"
    result = cli("--config", missing, "history")
    assert result.code == 2 and str(missing) in result.err, (
        f"--config before the command was ignored: exit {result.code}, stderr {result.err!r}")


def test_secrets_never_appear_in_the_config_repr(config_file, monkeypatch):
    monkeypatch.setenv("HMIP_TEST_SLACK_TOKEN", "xoxb-4242-1717-s3cretT0kenValue")
    monkeypatch.setenv("HMIP_TEST_SMTP_PASSWORD", "correct-horse-battery-staple")
    cfg = config_file(
        [hmi_source("http://127.0.0.1:9/feed/")],
        slack={"token": "${HMIP_TEST_SLACK_TOKEN}", "subscriptions": [{"channel": "#probation-alerts"}]},
        email={"smtp": {"host": "127.0.0.1", "port": 2525, "username": "alerts",
                        "password": "${HMIP_TEST_SMTP_PASSWORD}"},
               "from": "Probation alerts <alerts@example.org>",
               "digests": [{"name": "weekly", "to": ["team@example.org"]}]},
    )
    config = load_config(cfg)
    assert config.slack.token == "xoxb-4242-1717-s3cretT0kenValue"  # substituted, and used
    assert config.email.smtp.password == "correct-horse-battery-staple"
    text = repr(config)
    assert "s3cretT0ken" not in text and "correct-horse" not in text
    assert "s3cretT0ken" not in repr(config.slack) and "correct-horse" not in repr(config.email.smtp)


# --- demo, extract --------------------------------------------------------------------------


def test_demo_prints_a_down_an_up_and_a_same_then_a_quiet_second_poll(cli):
    result = cli("demo")

    assert result.code == 0, result.err
    headlines = [line for line in result.out.splitlines() if line[:1] in "↓↑★→·" and ": " in line]
    # Judged against the packaged record of past ratings, which the invented samples agree with
    # (see the next test): Sheffield 'Inadequate' in October 2024, Salford 'Good' in May 2024,
    # Derby City 'Requires improvement' before.
    assert headlines == [
        "→ Sheffield PDU: Inadequate again (same)",
        "↑ Salford YJS: Good → Outstanding (up)",
        "↓ Derby City PDU: Requires improvement → Inadequate (down)",
    ]
    assert "previous inspection 2024-10-24" in result.out and "previous inspection 2024-05-09" in result.out
    first, second = result.out.split("Second poll")
    assert "3 alerts" in first
    assert "0 alerts" in second and "0 new items" in second


@pytest.mark.parametrize("page", ["sheffield-pdu", "govuk-sheffield", "bbc-sheffield", "salford-yjs", "govuk-derby"])
def test_the_demos_invented_pages_state_the_previous_rating_the_packaged_record_holds(page):
    from importlib import resources

    from bot.baseline import load_baseline
    from bot.convert import bytes_to_page
    from bot.diff import unit_key
    from bot.extract import extract
    from bot.timeline import date_range

    html = (resources.files("bot") / "samples" / "pages" / f"{page}.html").read_text(encoding="utf-8")
    text = bytes_to_page(html.encode("utf-8"), "http://127.0.0.1/x", "text/html").text
    (unit,) = extract(text).units
    record = [r for r in load_baseline("packaged").for_unit(unit_key(unit.name)) if r.get("rating")]
    assert record, f"{unit.name} is not in the packaged record"
    assert unit.direction != "new", "the page calls it a first inspection; the record has earlier ones"
    if unit.previous_rating is None:  # a page that names no earlier rating says nothing wrong
        return
    dated = [r for r in record if r.get("published")]
    latest = max(dated, key=lambda r: date_range(r["published"])[0])
    assert unit.previous_rating == latest["rating"]
    said = date_range(unit.previous_inspection)
    if said and date_range(latest["published"]):
        assert said[0] <= date_range(latest["published"])[0] <= said[1], (unit.previous_inspection, latest)


def test_extract_prints_readable_files_in_order_and_names_the_missing_one(cli, tmp_path):
    sefton, wakefield = PAGES / "sefton-yjs.html", PAGES / "wakefield-pdu.html"
    missing = str(tmp_path / "swindon-and-wiltshire-pdu-2027.html")  # never written

    result = cli("extract", "--json", sefton, missing, wakefield)

    assert result.code == 2
    lines = result.out.splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert set(first) == {"is_inspection", "title", "published", "units", "findings", "chief_inspector", "standards"}
    assert (first["title"], [u["name"] for u in first["units"]]) == ("Sefton Youth Justice Service rated 'Good'", ["Sefton YJS"])
    assert first["units"][0]["rating"] == "Good" and first["published"] == "2026-11-19"
    assert [u["name"] for u in second["units"]] == ["Wakefield PDU"]
    assert len(result.err_lines) == 1 and missing in result.err
    assert no_traceback(result)


def test_extract_shows_the_evidence_and_explain_names_the_rules(cli, tmp_path):
    page = tmp_path / "release.txt"
    page.write_text("Wiltbury PDU rated 'Good'\nWiltbury Probation Delivery Unit has received an overall "
                    "rating of 'Good'. At its last inspection in 2021 it was rated 'Inadequate'.\n", encoding="utf-8")

    plain = cli("extract", page)
    explained = cli("extract", "--explain", page)

    assert plain.code == 0 and explained.code == 0
    assert "rating read from (stated): \"Wiltbury Probation Delivery Unit has received an overall rating of 'Good'.\"" in plain.out
    assert "previous rating read from: \"At its last inspection in 2021 it was rated 'Inadequate'.\"" in plain.out
    assert "rules:" not in plain.out
    assert "rules: rating=overall-received, previous_rating=last-inspection-it-was-rated" in explained.out


@pytest.mark.parametrize("argv", [
    ["run"], ["--config", "c.yaml", "run", "--json"], ["-v", "run", "--dry-run"], ["--config=run", "status"],
    ["--config", "status", "run"], ["--conf", "history", "run"], ["--log-level", "info", "history", "--json"],
    ["run", "--config", "x.yaml"], ["extract", "a.html", "--explain"], ["export"]])
def test_the_one_command_parser_reads_arguments_as_the_full_parser(argv):
    # `main` builds only the named command's parser (a quiet poll's start-up); it must agree.
    from bot import cli

    command = cli._invoked(argv)
    assert command is not None and command in argv
    assert cli._parser(command).parse_args(argv) == cli._parser().parse_args(argv)


@pytest.mark.parametrize("argv", [["--help"], ["-vv", "run"], ["--", "run"], ["nonsense"], []])
def test_a_doubtful_command_line_gets_the_full_parser(argv):
    from bot import cli

    assert cli._invoked(argv) is None


def test_help_lists_every_command(cli):
    result = cli("--help")
    assert result.code == 0
    listed = result.out.split("commands:", 1)[1]
    for name in ("run", "serve", "demo", "extract", "text", "digest", "backfill", "history", "export",
                 "status", "publish"):
        assert f"\n    {name} " in listed, name
    assert cli("nonsense").code == 2
