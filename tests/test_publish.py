"""`publish`: the Atom feed and the pages, read back as a feed reader and a browser-less user would.

The browser half (filters, sorting, axe-core) is in test_publish_browser.py.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timezone

import feedparser
import pytest
import yaml
from publish_world import HOSTILE_NAME, UNITS, config_for, fill_history, record

from bot.config import load_config
from bot.errors import ConfigError
from bot.history import Store
from bot.pipeline import run_cycle
from bot.publish import publish_site

UTC = timezone.utc
ATOM = "{http://www.w3.org/2005/Atom}"
EVENTS = sum(len(events) for *_, events in UNITS)


def publish(state, out, **kw):
    with Store(state, lock=False) as store:
        return publish_site(config_for(state), store, out, **kw)


def snapshot(folder) -> dict:
    """Each file's bytes and (inode, mtime): a rewrite that changes nothing must touch nothing."""
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_ino, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def site(tmp_path):
    state = fill_history(tmp_path / "state", hostile=True)
    out = tmp_path / "site"
    result = publish(state, out)
    return state, out, result


def test_feed_is_atom_with_an_entry_per_event_newest_first(site):
    state, out, result = site
    feed = feedparser.parse((out / "changes.atom").read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert len(feed.entries) == EVENTS + 1 == result.events
    assert all(e.id.startswith("urn:uuid:") and e.link.startswith("http") for e in feed.entries)
    assert len({e.id for e in feed.entries}) == len(feed.entries)
    titles = [e.title for e in feed.entries]
    assert titles[:3] == ["Derby City PDU: Requires improvement (first inspection)",
                          "Sheffield PDU: Requires improvement → Inadequate (down)",
                          "Salford YJS: Good → Outstanding (up)"]
    sheffield = feed.entries[1]
    assert sheffield.published.startswith("2026-11-24")
    assert {t.term for t in sheffield.tags} == {"Yorkshire and the Humber", "PDU", "Inadequate", "down"}
    # Every source link, and the unit's page on the site.
    hrefs = [link.href for link in sheffield.links]
    assert hrefs[0].startswith("https://hmiprobation.justiceinspectorates.gov.uk/news/sheffield-pdu-2026-11-24")
    assert "https://www.gov.uk/government/news/sheffield-example" in hrefs
    assert "units/sheffield-pdu.html" in hrefs
    content = sheffield.content[0].value
    assert "Sheffield PDU has been rated Inadequate." in content  # the evidence line
    assert "Staff knew the people they supervised well." in content  # findings


def test_a_quiet_second_publish_keeps_every_id_and_updated_and_touches_no_file(site):
    state, out, _ = site
    before = snapshot(out)
    first = feedparser.parse((out / "changes.atom").read_bytes())
    again = publish(state, out)
    second = feedparser.parse((out / "changes.atom").read_bytes())
    assert again.changed == [] and "nothing changed" in again.summary()
    assert [(e.id, e.updated) for e in second.entries] == [(e.id, e.updated) for e in first.entries]
    assert second.feed.updated == first.feed.updated
    assert snapshot(out) == before


def test_a_changed_event_moves_its_own_updated_and_rewrites_only_its_files(site):
    state, out, _ = site
    before = {e.id: e.updated for e in feedparser.parse((out / "changes.atom").read_bytes()).entries}
    with Store(state) as store:
        (sheffield, latest) = store.inspections_for("sheffield pdu")
        store.update_inspection(latest["event_id"], links=[*latest["links"], "https://www.bbc.co.uk/news/x"],
                                updated_at="2026-11-25T08:30:00+00:00")
    result = publish(state, out)
    assert result.changed == ["units/sheffield-pdu.html", "changes.atom"]  # the table shows no more
    after = {e.id: (e.updated, e.title) for e in feedparser.parse((out / "changes.atom").read_bytes()).entries}
    moved = {title: updated for i, (updated, title) in after.items() if updated != before[i]}
    assert moved == {"Sheffield PDU: Requires improvement → Inadequate (down)": "2026-11-25T08:30:00Z"}


def test_the_feed_holds_the_newest_hundred_events(tmp_path):
    with Store(tmp_path / "state") as store:
        for i in range(130):
            day = f"20{10 + i // 12:02d}-{i % 12 + 1:02d}-15"
            store.add_inspection(record(f"Unit {i:03d} PDU", "PDU", "London", day, "Good", "new", None))
    publish(tmp_path / "state", tmp_path / "site")
    feed = feedparser.parse((tmp_path / "site" / "changes.atom").read_bytes())
    assert len(feed.entries) == 100
    assert feed.entries[0].title.startswith("Unit 129 PDU") and feed.entries[-1].title.startswith("Unit 030 PDU")
    # ...while the page lists every unit.
    assert (tmp_path / "site" / "index.html").read_text().count("<tr data-unit=") == 130


def test_scraped_text_is_text_in_the_feed_never_markup(site):
    _, out, _ = site
    raw = (out / "changes.atom").read_bytes()
    root = ET.fromstring(raw)  # well-formed XML: control characters were dropped
    (entry,) = [e for e in root.iter(f"{ATOM}entry") if HOSTILE_NAME in e.find(f"{ATOM}title").text]
    assert entry.find(f"{ATOM}title").text == f"{HOSTILE_NAME}: Good (first inspection)"
    html = entry.find(f"{ATOM}content").text  # the HTML a reader renders
    assert "<script" not in html and "<b>" not in html and "<img" not in html
    assert "&lt;script&gt;window.__pwned" in html and "Controlchar here" in html
    links = [link.get("href") for link in entry.iter(f"{ATOM}link")]
    assert not any(h.startswith("javascript:") for h in links)
    assert 'https://example.org/"><script>alert(3)</script>' in links  # kept, as an attribute value
    assert b"javascript:" not in raw


def test_scraped_text_is_text_in_the_pages(site):
    _, out, _ = site
    for page in [out / "index.html", *sorted((out / "units").glob("*.html"))]:
        html = page.read_text(encoding="utf-8")
        assert "<script>window" not in html and "<b>bold" not in html and "<img" not in html, page
        assert 'href="javascript:' not in html, page
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Fake &lt;b&gt;bold&lt;/b&gt; &amp; &#34;quoted&#34; PDU" in index
    assert index.count("<script>") == 1  # the page's own script, allowed by its hash alone
    unit = (out / "units" / "fake-b-bold-b-quoted-pdu.html").read_text(encoding="utf-8")
    assert "Finding &lt;script&gt;window.__pwned" in unit


def test_the_pages_work_without_javascript_and_load_nothing_from_elsewhere(site):
    _, out, result = site
    index = (out / "index.html").read_text(encoding="utf-8")
    assert result.units == len(UNITS) + 1
    assert index.count("<tr data-unit=") == result.units
    assert '<tr data-unit="Sheffield PDU" data-region="Yorkshire and the Humber" data-type="PDU" data-rating="Inadequate">' in index
    assert '<form id="filters" class="filters" hidden' in index  # shown by the script only
    for control in ('<select id="filter-region">', '<select id="filter-type">',
                    '<select id="filter-rating">', '<input id="filter-q" type="search"'):
        assert control in index
    assert '<option value="">All regions</option>' in index
    assert "src=" not in index and "<link rel=\"stylesheet\"" not in index and "@import" not in index
    assert "default-src 'none'" in index
    # A feed reader given the page's address finds the feed.
    assert '<link rel="alternate" type="application/atom+xml" title="Inspection ratings (Atom feed)" ' \
           'href="changes.atom">' in index
    # The summary counts units at their latest rating, in words as well as colour.
    assert '<span class="badge rating-inadequate">Inadequate</span> 2 units' in index
    # Each unit has a timeline with a text alternative, and its page is one click away.
    assert "<title id=\"tl-sheffield-pdu\">Ratings over time: 10 March 2022: Requires improvement; " \
           "24 November 2026: Inadequate</title>" in index
    assert '<a href="units/sheffield-pdu.html">Sheffield PDU</a>' in index
    unit = (out / "units" / "sheffield-pdu.html").read_text(encoding="utf-8")
    headings = [line for line in unit.splitlines() if line.startswith("<h3")]
    assert headings == ['<h3 id="ev-1">24 November 2026: Inadequate</h3>',
                        '<h3 id="ev-2">10 March 2022: Requires improvement</h3>']


def test_publish_command_writes_the_site_and_says_where(tmp_path, cli):
    fill_history(tmp_path / "state")
    cfg = tmp_path / "config.yaml"
    cfg.write_text("state_dir: state\nbaseline: false\n")
    result = cli("publish", "--config", cfg, "--out", tmp_path / "www")
    assert result.code == 0, result.err
    assert result.out.strip() == (f"Published {len(UNITS)} units, {EVENTS} inspections to "
                                  f"{tmp_path / 'www'} ({len(UNITS) + 2} files changed)")
    assert (tmp_path / "www" / "index.html").exists() and (tmp_path / "www" / "changes.atom").exists()
    # With publish.base_url the feed's links are absolute.
    cfg.write_text("state_dir: state\nbaseline: false\n"
                   "publish: {out_dir: www, base_url: 'https://example.org/probation'}\n")
    assert cli("publish", "--config", cfg).code == 0
    feed = feedparser.parse((tmp_path / "www" / "changes.atom").read_bytes())
    assert feed.feed.id == "https://example.org/probation/changes.atom"
    assert "https://example.org/probation/units/sheffield-pdu.html" in [link.href for link in feed.entries[1].links]


def test_publish_command_errors_are_one_line(tmp_path, cli):
    cfg = tmp_path / "config.yaml"
    cfg.write_text("state_dir: state\nbaseline: false\n")
    nowhere = cli("publish", "--config", cfg)
    assert nowhere.code == 2 and nowhere.err_lines == [
        "hmip-bot: publish: say where: --out DIR, or publish.out_dir in the config"]
    (tmp_path / "afile").write_text("x")
    blocked = cli("publish", "--config", cfg, "--out", tmp_path / "afile" / "site")
    assert blocked.code == 2 and len(blocked.err_lines) == 1
    assert blocked.err.startswith(f"hmip-bot: publish: cannot write {tmp_path / 'afile'}")


@pytest.mark.parametrize("publish, message", [
    ({}, "config: publish.out_dir: required"),
    ({"out_dir": " "}, "config: publish.out_dir: must name a folder"),
    ({"out_dir": "site", "outdir": "x"}, "config: publish: unknown key 'outdir' (did you mean 'out_dir'?)"),
    ({"out_dir": "site", "base_url": "ftp://x"}, "config: publish.base_url: must be an http(s) URL"),
])
def test_publish_config_errors_name_the_key(tmp_path, publish, message):
    cfg = tmp_path / "config.yaml"
    cfg.write_text(yaml.safe_dump({"publish": publish}))
    with pytest.raises(ConfigError) as e:
        load_config(cfg)
    assert str(e.value) == message


def test_out_dir_is_relative_to_the_config_file(tmp_path):
    cfg = tmp_path / "conf" / "config.yaml"
    cfg.parent.mkdir()
    cfg.write_text("publish:\n  out_dir: ../www\n")
    assert load_config(cfg).publish.out_dir.resolve() == (tmp_path / "www").resolve()


# --- run and serve rewrite the site when history changed ---------------------------------------

PLYMOUTH = "/media-release/plymouth-probation-delivery-unit-requires-improvement/"
BBC_STORY = "/news/articles/c5plymprob2o"


def test_run_cycles_rewrite_the_site_only_when_history_changed(world, config_file, fetcher, tmp_path):
    world.serve(PLYMOUTH, "pages/plymouth-pdu.html")
    world.serve(BBC_STORY, "pages/bbc-plymouth.html")
    hmi = world.serve("/feed/", "feeds/hmi-feed-plymouth.rss")
    bbc = world.serve("/news/england/devon/rss.xml", "feeds/bbc-devon-before.rss")
    config = load_config(config_file([
        {"name": "hmi-probation-news", "type": "feed", "url": hmi},
        {"name": "bbc-devon", "type": "feed", "url": bbc, "keywords": ["probation"]},
    ], publish={"out_dir": "site"}))
    out = tmp_path / "site"

    def cycle(when):
        with Store(config.state_dir) as store:
            report = run_cycle(config, store, now=when, fetcher=fetcher)
        assert report.exit_code == 0, report.failures
        return feedparser.parse((out / "changes.atom").read_bytes())

    first = cycle(datetime(2026, 11, 24, 10, 0, tzinfo=UTC))
    (entry,) = first.entries
    assert entry.title == "Plymouth PDU: Requires improvement again (same)"
    assert entry.updated == "2026-11-24T10:00:00Z"

    quiet = snapshot(out)
    cycle(datetime(2026, 11, 24, 18, 0, tzinfo=UTC))  # nothing new: 304s, no history change
    assert snapshot(out) == quiet

    world.serve("/news/england/devon/rss.xml", "feeds/bbc-devon-after.rss")  # the BBC retells it
    second = cycle(datetime(2026, 11, 25, 16, 0, tzinfo=UTC))
    (retold,) = second.entries
    assert retold.id == entry.id
    assert retold.updated == "2026-11-25T16:00:00Z"  # the event changed: a new source joined
    assert len([link for link in retold.links if link.rel in ("alternate", "related")]) == 3


def test_a_site_that_cannot_be_written_is_one_failure_kept_for_the_next_run(world, config_file, tmp_path, cli):
    world.serve(PLYMOUTH, "pages/plymouth-pdu.html")
    hmi = world.serve("/feed/", "feeds/hmi-feed-plymouth.rss")
    (tmp_path / "blocked").write_text("a file where the site's folder should be")
    cfg = config_file([{"name": "hmi-probation-news", "type": "feed", "url": hmi}],
                      publish={"out_dir": "blocked/site"}, alert_max_age_days=36500)
    result = cli("run", "--config", cfg)
    assert result.code == 1
    assert [line for line in result.err_lines if "publish" in line] == [
        f"hmip-bot: publish: cannot write {tmp_path / 'blocked' / 'site' / 'units'}: Not a directory"]
    history = cli("history", "--config", cfg, "--json")
    assert "Plymouth PDU" in history.out
    # Once the folder can be written, the next run (a quiet one) writes the site.
    (tmp_path / "blocked").unlink()
    (tmp_path / "blocked").mkdir()
    (tmp_path / "blocked" / "site").mkdir()
    (tmp_path / "blocked" / "site" / "index.html").write_text("an old page")
    again = cli("run", "--config", cfg)
    assert again.code == 0, again.err
    assert '<tr data-unit="Plymouth PDU"' in (tmp_path / "blocked" / "site" / "index.html").read_text()
    quiet = snapshot(tmp_path / "blocked" / "site")
    assert cli("run", "--config", cfg).code == 0
    assert snapshot(tmp_path / "blocked" / "site") == quiet


def test_run_writes_the_site_next_to_the_config(world, config_file, tmp_path, cli):
    world.serve(PLYMOUTH, "pages/plymouth-pdu.html")
    hmi = world.serve("/feed/", "feeds/hmi-feed-plymouth.rss")
    cfg = config_file([{"name": "hmi-probation-news", "type": "feed", "url": hmi}],
                      publish={"out_dir": "public"}, alert_max_age_days=36500)
    assert cli("run", "--config", cfg).code == 0
    index = (tmp_path / "public" / "index.html").read_text(encoding="utf-8")
    assert '<tr data-unit="Plymouth PDU"' in index
    assert not list((tmp_path / "public").rglob("*.tmp"))  # atomic writes leave no temp files


def test_each_serve_poll_rewrites_the_site_and_logs_a_failure(world, config_file, tmp_path, caplog):
    from bot.schedule import Server

    world.serve(PLYMOUTH, "pages/plymouth-pdu.html")
    hmi = world.serve("/feed/", "feeds/hmi-feed-plymouth.rss")
    (tmp_path / "blocked").write_text("a file where the site's folder should be")
    cfg = config_file([{"name": "hmi-probation-news", "type": "feed", "url": hmi}],
                      publish={"out_dir": "blocked/site"}, alert_max_age_days=36500)
    server = Server(load_config(cfg))
    server.poll()  # the scheduler is not started: this is the poll job, run by hand
    assert [r.getMessage() for r in caplog.records if r.levelname == "ERROR"] == [
        f"publish: cannot write {tmp_path / 'blocked' / 'site' / 'units'}: Not a directory; "
        "trying again at the next poll"]
    (tmp_path / "blocked").unlink()
    server.poll()  # quiet: 304s, but the failed rewrite is tried again
    assert '<tr data-unit="Plymouth PDU"' in (tmp_path / "blocked" / "site" / "index.html").read_text()


# --- the record of past ratings (issue 13) is part of the history the site shows ----------------

BASELINE = """unit,type,kind,region,published,rating,score,source_url,source_kind,confidence
Doncaster PDU,PDU,PDU,Yorkshire and the Humber,2019,Good,,https://example.org/doncaster-2019,press release,high
Doncaster PDU,PDU,PDU,Yorkshire and the Humber,2023-04,Requires improvement,,https://example.org/doncaster-2023,press release,high
Sheffield PDU,PDU,PDU,Yorkshire and the Humber,2019-06-01,Good,,https://example.org/sheffield-2019,press release,high
"""


def test_the_baseline_joins_history_on_the_page_and_in_the_feed(tmp_path):
    state = fill_history(tmp_path / "state")
    (tmp_path / "past.csv").write_text(BASELINE)
    config = config_for(state, baseline=str(tmp_path / "past.csv"))
    with Store(state, lock=False) as store:
        result = publish_site(config, store, tmp_path / "site")
    assert (result.units, result.events) == (len(UNITS) + 1, EVENTS + 3)
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert '<tr data-unit="Doncaster PDU" data-region="Yorkshire and the Humber" data-type="PDU" ' \
           'data-rating="Requires improvement">' in index
    assert "Ratings over time: 1 June 2019: Good; 10 March 2022: Requires improvement; " \
           "24 November 2026: Inadequate" in index
    unit = (tmp_path / "site" / "units" / "doncaster-pdu.html").read_text(encoding="utf-8")
    assert unit.count("from the shipped record of past ratings") == 2
    feed = feedparser.parse((tmp_path / "site" / "changes.atom").read_bytes())
    doncaster = [(e.title, e.updated) for e in feed.entries if e.title.startswith("Doncaster")]
    assert doncaster == [("Doncaster PDU: Good → Requires improvement (down)", "2023-04-01T00:00:00Z"),
                         ("Doncaster PDU: Good (no earlier rating known)", "2019-01-01T00:00:00Z")]
    ids = [e.id for e in feed.entries]
    with Store(state, lock=False) as store:
        assert publish_site(config, store, tmp_path / "site").changed == []
    assert [e.id for e in feedparser.parse((tmp_path / "site" / "changes.atom").read_bytes()).entries] == ids


def test_a_changed_baseline_file_rewrites_the_site_at_the_next_poll(tmp_path):
    from bot.publish import refresh_site

    state = fill_history(tmp_path / "state")
    past = tmp_path / "past.csv"
    past.write_text(BASELINE)
    config = config_for(state, baseline=str(past), publish={"out_dir": "site"})
    with Store(state) as store:
        assert refresh_site(config, store, history_changed=False) is None  # no site yet: written
        quiet = snapshot(tmp_path / "site")
        assert refresh_site(config, store, history_changed=False) is None
        assert snapshot(tmp_path / "site") == quiet
        past.write_text(BASELINE + "Leeds PDU,PDU,PDU,Yorkshire and the Humber,2018-02-02,Inadequate,,,,\n")
        assert refresh_site(config, store, history_changed=False) is None
    assert "2 February 2018: Inadequate" in (tmp_path / "site" / "units" / "leeds-pdu.html").read_text()
