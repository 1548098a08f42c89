"""The record of past ratings: shipped, resolved, configurable, and what history starts from."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from bot.baseline import load_baseline, packaged_path, resolves
from bot.config import load_config
from bot.errors import ConfigError
from bot.history import Store
from bot.pipeline import run_cycle

UTC = timezone.utc
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "past_ratings.csv"
FEED = "/feed/"
NORTHANTS = "/media-release/northamptonshire-probation-delivery-unit-rated-inadequate/"
WAKEFIELD = "/media-release/probation-services-in-wakefield-rated-requires-improvement/"
JULY_2024 = datetime(2024, 7, 16, 9, 0, tzinfo=UTC)
HEADER = "unit,type,kind,region,published,rating,score,source_url,source_kind,confidence\n"
NORTHANTS_2022 = ("Northamptonshire PDU,PDU,PDU,East of England,2022-05-17,Requires improvement,,"
                  "https://hmiprobation.justiceinspectorates.gov.uk/news/northamptonshire-2022,press release,high\n")

SOURCE = "sources: [{name: hmi, type: feed, url: 'http://127.0.0.1:9/feed/'}]\n"  # a config needs one

# Rows whose unit the resolver does not hold, on purpose (see bot/data/README.md).
NOT_IN_GAZETTEER = {
    ("Bury and Rochdale YJS", "YJS"), ("HMPPS national inspection", "national"),
    *((f"{n} NPS", "NPS division") for n in ("London", "Midlands", "North East", "North West",
                                              "South East and Eastern", "South West",
                                              "South West South Central", "Wales")),
    *((f"{n} CRC", "CRC") for n in (
        "Bedfordshire, Northamptonshire, Cambridgeshire and Hertfordshire",
        "Bristol, Gloucestershire, Somerset and Wiltshire", "Cumbria and Lancashire",
        "Dorset, Devon and Cornwall", "Durham Tees Valley", "Essex",
        "Humberside, Lincolnshire and North Yorkshire", "London", "Merseyside", "Norfolk and Suffolk",
        "Staffordshire and West Midlands", "Wales", "Warwickshire and West Mercia", "West Yorkshire")),
}


def test_the_packaged_record_loads_with_every_unit_resolved_except_the_ones_meant():
    record = load_baseline("packaged")
    assert len(record.records) == 233 and len(record.keys()) == 206
    unresolved = {(r["name"], r["kind"]) for r in record.records if not resolves(r["name"], r["type"])}
    assert unresolved == NOT_IN_GAZETTEER, sorted(unresolved ^ NOT_IN_GAZETTEER)


def test_the_packaged_record_is_the_shared_one_with_canonical_names_in_the_same_order():
    if not SHARED.exists():
        pytest.skip("the shared data folder is not beside this checkout")
    shared = list(csv.DictReader(SHARED.open(encoding="utf-8")))
    packaged = list(csv.DictReader(packaged_path().open(encoding="utf-8")))
    assert [(r["published"], r["rating"], r["source_url"]) for r in shared] == \
        [(r["published"], r["rating"], r["source_url"]) for r in packaged]
    renamed = {(a["unit"], b["unit"]) for a, b in zip(shared, packaged) if a["unit"] != b["unit"]}
    assert renamed == {("East Midlands", "East Midlands region"), ("East of England", "East of England region"),
                       ("Kent, Surrey and Sussex", "Kent, Surrey and Sussex region"),
                       ("North East", "North East region"), ("Wales", "Wales region"),
                       ("Staffordshire and Stoke PDU", "Staffordshire North PDU")}


def test_rows_of_a_unit_keep_their_order_undated_ones_included():
    derby = load_baseline("packaged").for_unit("derby city pdu")
    assert [(r["published"], r["rating"], r["direction"]) for r in derby] == [
        ("2023-02-09", "Requires improvement", None), (None, "Requires improvement", "same")]


def test_baseline_config_key_is_relative_to_the_config_false_for_none_and_checked(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "past.csv").write_text(HEADER + NORTHANTS_2022, encoding="utf-8")
    cfg = tmp_path / "config.yaml"
    cfg.write_text("baseline: data/past.csv\n" + SOURCE, encoding="utf-8")
    assert load_config(cfg).baseline == tmp_path / "data" / "past.csv"
    assert load_baseline(load_config(cfg).baseline).keys() == ["northamptonshire pdu"]
    cfg.write_text("baseline: false\n" + SOURCE, encoding="utf-8")
    assert load_baseline(load_config(cfg).baseline).keys() == []
    cfg.write_text("state_dir: s\n" + SOURCE, encoding="utf-8")
    assert len(load_baseline(load_config(cfg).baseline).keys()) == 206  # the packaged record
    cfg.write_text("baseline: nowhere.csv\n" + SOURCE, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"config: baseline: .*nowhere\.csv: no such file"):
        load_config(cfg)
    cfg.write_text("baseline: 3\n" + SOURCE, encoding="utf-8")
    with pytest.raises(ConfigError, match="config: baseline: expected a CSV file path"):
        load_config(cfg)


@pytest.mark.parametrize(("row", "message"), [
    ("Bolton PDU,PDU,PDU,,2024-02-30x,Good,,,,\n", "line 2: published '2024-02-30x'"),
    ("Bolton PDU,PDU,PDU,,2024,Gud,,,,\n", "line 2: rating 'Gud' is not one of"),
    (",PDU,PDU,,2024,Good,,,,\n", "line 2: `unit` is empty"),
])
def test_a_bad_baseline_row_is_named_by_file_and_line(tmp_path, row, message):
    path = tmp_path / "past.csv"
    path.write_text(HEADER + row, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_baseline(path)


# --- through the pipeline on loopback ----------------------------------------------------------


def _northants_world(world):
    world.serve(NORTHANTS, "pages/northamptonshire-pdu-2024.html")
    return world.serve(FEED, "feeds/hmi-feed-northamptonshire.rss")


def _config(tmp_path, config_file, feed, baseline_rows: str):
    (tmp_path / "past.csv").write_text(HEADER + baseline_rows, encoding="utf-8")
    return config_file([{"name": "hmi-probation-news", "type": "feed", "url": feed}], baseline="past.csv")


def _cycle(config, fetcher, now=JULY_2024):
    with Store(config.state_dir) as store:
        return run_cycle(config, store, now=now, fetcher=fetcher, notifiers=[])


def test_a_release_that_names_no_previous_rating_is_judged_against_the_baseline(world, config_file, fetcher,
                                                                                tmp_path, cli):
    cfg = _config(tmp_path, config_file, _northants_world(world), NORTHANTS_2022)
    config = load_config(cfg)

    first = _cycle(config, fetcher)
    second = _cycle(config, fetcher, datetime(2024, 7, 16, 10, 0, tzinfo=UTC))

    (alert,) = first.alerts
    assert (alert.unit.name, alert.unit.rating, alert.direction) == ("Northamptonshire PDU", "Inadequate", "down")
    assert (alert.previous_rating, alert.previous_published) == ("Requires improvement", "2022-05-17")
    assert second.alerts == []  # alerted once
    timeline = json.loads(cli("history", "northamptonshire pdu", "--config", cfg, "--json").out)
    assert [(r["published"], r["rating"], r["direction"], r["source"]) for r in timeline] == [
        ("2024-07-16", "Inadequate", "down", "read"), ("2022-05-17", "Requires improvement", None, "baseline")]
    text = cli("history", "--config", cfg).out
    assert "Requires improvement (baseline)" in text.splitlines()[1] and "Northamptonshire PDU" in text


def test_a_baseline_that_holds_the_reported_inspection_is_not_its_own_predecessor(world, config_file, fetcher,
                                                                                  tmp_path):
    rows = NORTHANTS_2022 + "Northamptonshire PDU,PDU,PDU,East of England,2024-07-16,Inadequate,,,press release,high\n"
    config = load_config(_config(tmp_path, config_file, _northants_world(world), rows))

    (alert,) = _cycle(config, fetcher).alerts

    assert (alert.direction, alert.previous_rating) == ("down", "Requires improvement")


def test_the_same_page_is_the_same_inspection_whatever_date_the_record_gives(world, config_file, fetcher, tmp_path):
    feed = _northants_world(world)
    rows = NORTHANTS_2022 + f"Northamptonshire PDU,PDU,PDU,,2024,Inadequate,,{world.url(NORTHANTS)},press release,high\n"
    config = load_config(_config(tmp_path, config_file, feed, rows))

    (alert,) = _cycle(config, fetcher).alerts

    assert (alert.direction, alert.previous_rating) == ("down", "Requires improvement")


def _wakefield(world, tmp_path, config_file, source_url):
    """Wakefield's release says it was rated Good (February 2024); the record says Inadequate."""
    world.serve(WAKEFIELD, "pages/wakefield-pdu.html")
    feed = world.serve(FEED, "feeds/hmi-feed.rss")
    row = f"Wakefield PDU,PDU,PDU,Yorkshire and the Humber,2024-02-08,Inadequate,,{source_url},news,medium\n"
    return load_config(_config(tmp_path, config_file, feed, row))


def test_an_unresolvable_disagreement_is_never_alerted_as_down(world, config_file, fetcher, tmp_path, cli):
    config = _wakefield(world, tmp_path, config_file, "https://news.example.org/wakefield-probation")

    alerts = {a.unit.name: a for a in _cycle(config, fetcher, datetime(2026, 11, 20, tzinfo=UTC)).alerts}

    wakefield = alerts["Wakefield PDU"]
    assert (wakefield.direction, wakefield.previous_rating, wakefield.previous_unclear) == (None, None, True)
    from bot.notify.stdout import headline
    assert headline(wakefield) == "Wakefield PDU: Requires improvement (previous rating unclear)"
    (record,) = [r for r in json.loads(cli("history", "wakefield pdu", "--config", config.path, "--json").out)
                 if r["source"] == "read"]
    assert record["note"] == ("previous rating unclear: this page says Good, the baseline record says Inadequate")


def test_a_disagreement_prefers_the_inspectorates_own_page_and_says_so(world, config_file, fetcher, tmp_path, cli):
    url = "https://hmiprobation.justiceinspectorates.gov.uk/news/wakefield-pdu-2024"
    config = _wakefield(world, tmp_path, config_file, url)

    alerts = {a.unit.name: a for a in _cycle(config, fetcher, datetime(2026, 11, 20, tzinfo=UTC)).alerts}

    wakefield = alerts["Wakefield PDU"]
    assert (wakefield.direction, wakefield.previous_rating) == ("up", "Inadequate")
    timeline = cli("history", "wakefield pdu", "--config", config.path).out
    assert ("note: previous rating: this page says Good, the baseline record (the inspectorate's page) "
            "says Inadequate; the inspectorate's page is preferred") in timeline


# --- history and export on the packaged record -------------------------------------------------


@pytest.fixture
def packaged(config_file, httpserver):
    return config_file([{"name": "hmi", "type": "feed", "url": httpserver.url_for("/feed/")}], baseline=True)


def _latest_two() -> dict[str, list[dict]]:
    """From the shipped CSV itself: each unit's rows, in order."""
    units: dict[str, list[dict]] = {}
    for row in csv.DictReader(packaged_path().open(encoding="utf-8")):
        units.setdefault(row["unit"], []).append(row)
    return units


def test_history_json_on_a_fresh_state_lists_the_packaged_records_units(packaged, cli):
    result = cli("history", "--config", packaged, "--json")
    assert result.code == 0, result.err
    rows = json.loads(result.out)
    assert {r["name"] for r in rows} == set(_latest_two())
    assert len(rows) == 233
    assert all({"name", "type", "region", "rating", "published", "source"} <= set(r) for r in rows)
    assert {r["source"] for r in rows} == {"baseline"}


def test_history_filters_keep_units_by_their_latest_rating(packaged, cli):
    units = _latest_two()

    def shown(*args):
        result = cli("history", "--config", packaged, *args)
        assert result.code == 0, result.err
        return sorted(_unit_of(line, units) for line in result.out.splitlines()[1:])

    assert shown("--changed") == sorted(u for u, rows in units.items()
                                        if len(rows) > 1 and rows[-1]["rating"] != rows[-2]["rating"])
    assert shown("--type", "region") == sorted(u for u, rows in units.items() if rows[-1]["type"] == "region")
    assert shown("--rating", "inadequate", "--region", "East Midlands") == sorted(
        u for u, rows in units.items() if rows[-1]["rating"] == "Inadequate" and rows[-1]["region"] == "East Midlands")
    assert shown("--rating", "outstanding", "--type", "YJS") == sorted(
        u for u, rows in units.items() if rows[-1]["rating"] == "Outstanding" and rows[-1]["type"] == "YJS")
    bad = cli("history", "--config", packaged, "--rating", "great")  # argparse's usage error
    assert bad.code == 2 and "--rating" in bad.err


def test_history_region_takes_the_names_config_takes_and_refuses_an_unknown_one(packaged, cli):
    def table(*region):
        result = cli("history", "--config", packaged, "--region", *region)
        return result.code, result.out, result.err

    code, out, _ = table("Yorkshire and the Humber")
    assert code == 0 and "Sheffield PDU" in out
    assert table("yorkshire & humber")[:2] == (0, out)  # a short form config also accepts
    code, out, err = table("Yorkshre")
    assert code == 2 and out == "" and "--region" in err and "Yorkshire and the Humber" in err  # not 'no match'


def _unit_of(line: str, units) -> str:
    """The unit named on a table line (the longest known name it contains)."""
    return max((u for u in units if f"  {u}  " in line), key=len)


def test_export_csv_writes_a_header_and_a_row_per_inspection(packaged, cli):
    result = cli("export", "--format", "csv", "--config", packaged)
    assert result.code == 0, result.err
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert result.out.splitlines()[0] == ("unit,type,region,published,rating,previous_rating,direction,score,"
                                          "recommendations,links,source")
    assert len(rows) == 233
    hounslow = [r for r in rows if r["unit"] == "Hounslow YJS"]
    assert [(r["rating"], r["previous_rating"], r["direction"]) for r in hounslow][-1] == (
        "Requires improvement", "Good", "down")
    as_json = json.loads(cli("export", "--format", "json", "--config", packaged).out)
    assert len(as_json) == 233 and as_json[0].keys() == rows[0].keys()


def test_with_the_packaged_record_the_release_is_alerted_down_from_its_2022_rating(world, config_file, fetcher):
    config = load_config(config_file([{"name": "hmi-probation-news", "type": "feed",
                                       "url": _northants_world(world)}], baseline=True))

    (alert,) = _cycle(config, fetcher).alerts

    assert (alert.direction, alert.previous_rating, alert.previous_published) == (
        "down", "Requires improvement", "2022-05-17")


def test_history_of_a_name_several_units_share_shows_each_units_timeline_under_its_own_header(packaged, cli):
    units = _latest_two()
    result = cli("history", "kirklees", "--config", packaged)
    assert result.code == 0, result.err
    blocks = result.out.strip().split("\n\n")
    headers = [block.splitlines()[0] for block in blocks]
    assert headers == ["Kirklees PDU (PDU, Yorkshire and the Humber): 2 inspections",
                       "Kirklees YJS (YJS): 1 inspection"]
    for block, unit in zip(blocks, ("Kirklees PDU", "Kirklees YJS")):
        dated = [line for line in block.splitlines()[1:] if not line.startswith(" ")]
        assert len(dated) == len(units[unit]) and all(f"{unit}:" in line for line in dated)
        assert [line.split()[0] for line in dated] == [r["published"] for r in reversed(units[unit])]

    rows = json.loads(cli("history", "kirklees", "--config", packaged, "--json").out)
    assert [r["name"] for r in rows] == ["Kirklees PDU", "Kirklees PDU", "Kirklees YJS"]  # one unit after the other

    one = cli("history", "kirklees yjs", "--config", packaged).out
    assert one.splitlines()[0] == "Kirklees YJS (YJS): 1 inspection" and "Kirklees PDU" not in one
