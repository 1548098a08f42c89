"""A strange page, a vanished page or a bad state folder: the run goes on and says so in one line."""

import textwrap
from datetime import datetime, timezone

import pytest

from bot.cli import main
from bot.config import parse_config
from bot.errors import ConfigError
from bot.history import Store
from bot.pipeline import poll_once

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)
RELEASE = ("<html><body><main><h1>Wirral PDU rated 'Good'</h1><p>Wirral Probation Delivery Unit (PDU) "
           "has received an overall rating of 'Good' following an inspection.</p></main></body></html>")


def _feed(base: str, paths: list[str]) -> str:
    items = "".join(f"<item><title>Release {i}</title><link>{base}{p}</link></item>" for i, p in enumerate(paths))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>HMI</title>{items}</channel></rss>'


def _config(httpserver, tmp_path):
    return parse_config({"state_dir": str(tmp_path / "state"), "poll": {"min_interval_seconds": 0},
                         "sources": [{"name": "hmi", "type": "feed", "url": httpserver.url_for("/feed/"),
                                      "official": True}]},
                        base_dir=tmp_path)


def test_broken_pages_do_not_stop_the_good_one(httpserver, tmp_path):
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/feed/").respond_with_data(
        _feed(base, ["/bad-date/", "/damaged.pdf", "/gone/", "/good/"]), content_type="application/rss+xml")
    httpserver.expect_request("/bad-date/").respond_with_data(
        '<html><head><meta property="article:published_time" content="2026-02-30T00:00:00Z"></head>'
        + RELEASE.replace("Wirral", "Sefton")[6:], content_type="text/html")
    httpserver.expect_request("/damaged.pdf").respond_with_data(b"%PDF-1.7\n1 0 obj <<>> broken", content_type="application/pdf")
    httpserver.expect_request("/gone/").respond_with_data("gone", status=404)
    httpserver.expect_request("/good/").respond_with_data(RELEASE, content_type="text/html")
    config = _config(httpserver, tmp_path)

    report = poll_once(config, now=NOW, notifiers=[])
    assert sorted(a.unit.name for a in report.alerts) == ["Sefton PDU", "Wirral PDU"]
    assert len(report.item_failures) == 2
    assert all("giving up after 1 attempt" in line for line in report.item_failures)
    assert any("damaged.pdf" in line and "not a readable PDF" in line for line in report.item_failures)
    assert any("/gone/" in line and "404" in line for line in report.item_failures)
    with Store(config.state_dir, lock=False) as store:
        assert store.pending_items() == []  # nothing left to fail again on every run
    assert poll_once(config, now=NOW, notifiers=[]).exit_code == 0


def test_a_page_that_keeps_failing_is_given_up_after_five_tries(httpserver, tmp_path):
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/feed/").respond_with_data(_feed(base, ["/flaky/"]), content_type="application/rss+xml")
    httpserver.expect_request("/flaky/").respond_with_data("down", status=500)
    config = _config(httpserver, tmp_path)
    from bot.fetch import Fetcher

    lines = []
    for _ in range(5):
        with Store(config.state_dir) as store, Fetcher(user_agent="t", timeout=5, min_interval=0,
                                                       sleep=lambda s: None) as fetcher:
            from bot.pipeline import run_cycle

            lines += run_cycle(config, store, fetcher=fetcher, notifiers=[], now=NOW).item_failures
    assert [("will retry" in line, "giving up" in line) for line in lines] == [(True, False)] * 4 + [(False, True)]


def test_state_folder_that_cannot_be_used_is_one_line_exit_2(tmp_path, capsys):
    (tmp_path / "state").write_text("a file, not a folder")
    cfg = tmp_path / "config.yaml"
    cfg.write_text("state_dir: state\nsources: [{name: a, type: feed, url: 'http://127.0.0.1:9/'}]\n")
    assert main(["run", "--config", str(cfg)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "cannot open the state folder" in err[0] and "Traceback" not in err[0]


@pytest.mark.parametrize("yaml_text, key", [
    ("alert_max_age_days: -1", "alert_max_age_days"),
    ("alert_max_age_days: 1000000000", "alert_max_age_days"),
    ("poll:\n  interval_minutes: .inf", "poll.interval_minutes"),
    ("poll:\n  min_interval_seconds: -2", "poll.min_interval_seconds"),
])
def test_values_out_of_range_name_their_key(tmp_path, yaml_text, key):
    import yaml

    with pytest.raises(ConfigError, match=f"config: {key}: must"):
        parse_config(yaml.safe_load(textwrap.dedent(yaml_text)), base_dir=tmp_path)


def test_a_digest_schedule_that_never_fires_is_refused(tmp_path):
    raw = {"sources": [{"name": "a", "type": "feed", "url": "http://127.0.0.1:9/"}],
           "email": {"smtp": {"host": "localhost"}, "from": "a@example.org",
                     "digests": [{"name": "never", "to": ["b@example.org"], "schedule": "0 8 31 2 *"}]}}
    with pytest.raises(ConfigError, match=r"email.digests\[0\].schedule: .*never fires"):
        parse_config(raw, base_dir=tmp_path)


def test_a_release_linking_its_report_pdf_gains_score_standards_and_the_report_link(httpserver, tmp_path):
    from test_convert import _report_pdf

    pdf = tmp_path / "croydon.pdf"
    _report_pdf(pdf)
    base = httpserver.url_for("").rstrip("/")
    release = ("<html><body><main><h1>Croydon PDU rated 'Inadequate'</h1><p>Croydon Probation Delivery "
               "Unit (PDU) has received an overall rating of 'Inadequate' following an inspection.</p>"
               '<p><a href="/files/croydon-report.pdf">Read the inspection report</a></p></main></body></html>')
    httpserver.expect_request("/feed/").respond_with_data(_feed(base, ["/croydon/"]), content_type="application/rss+xml")
    httpserver.expect_request("/croydon/").respond_with_data(release, content_type="text/html")
    httpserver.expect_request("/files/croydon-report.pdf").respond_with_data(pdf.read_bytes(), content_type="application/pdf")

    [alert] = poll_once(_config(httpserver, tmp_path), now=NOW, notifiers=[]).alerts
    assert (alert.unit.name, alert.unit.score, alert.unit.recommendations) == ("Croydon PDU", "2/24", 3)
    assert alert.standards["1.1 Leadership"] == "Requires improvement"
    assert alert.links == (f"{base}/croydon/", f"{base}/files/croydon-report.pdf")


def test_an_unreadable_report_pdf_does_not_hold_up_the_release(httpserver, tmp_path):
    base = httpserver.url_for("").rstrip("/")
    release = RELEASE.replace("</main>", '<a href="/r.pdf">Inspection report</a></main>')
    httpserver.expect_request("/feed/").respond_with_data(_feed(base, ["/wirral/"]), content_type="application/rss+xml")
    httpserver.expect_request("/wirral/").respond_with_data(release, content_type="text/html")
    httpserver.expect_request("/r.pdf").respond_with_data("missing", status=404)
    report = poll_once(_config(httpserver, tmp_path), now=NOW, notifiers=[])
    assert [a.unit.name for a in report.alerts] == ["Wirral PDU"] and report.exit_code == 0
