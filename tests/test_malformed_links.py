"""A scraped href that is no URL ('http://[::1', 'http://@/') is skipped, never a traceback that
stops every later run (the listing stays the same, so each run met it again)."""

from __future__ import annotations

from pathlib import Path

PAGES = Path(__file__).parent / "data" / "pipeline" / "pages"
BAD = ("http://[::1/news/x", "http://@/news/y")


def _serve(httpserver):
    good = httpserver.url_for("/news/sefton/")
    httpserver.expect_request("/news/sefton/").respond_with_data(
        (PAGES / "sefton-yjs.html").read_bytes().replace(
            b"</body>", f'<p><a href="{BAD[0]}/report.pdf">Read the inspection report</a></p></body>'.encode(), 1),
        content_type="text/html")
    listing = "".join(f'<h2 class="list-item-title"><a href="{u}">{u}</a></h2>' for u in (*BAD, good))
    httpserver.expect_request("/listing/").respond_with_data(f"<html><body>{listing}</body></html>",
                                                           content_type="text/html")
    items = "".join(f"<item><title>t</title><link>{u}</link></item>" for u in (*BAD, good))
    httpserver.expect_request("/feed/").respond_with_data(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>f</title>{items}</channel></rss>',
        content_type="application/rss+xml")
    results = ",".join(f'{{"title": "t", "link": "{u}"}}' for u in (*BAD, good))
    httpserver.expect_request("/search.json").respond_with_data(f'{{"results": [{results}]}}',
                                                                content_type="application/json")


def test_malformed_links_in_every_source_type_and_a_page_are_skipped(httpserver, config_file, cli):
    _serve(httpserver)
    cfg = config_file([
        {"name": "listing", "type": "html_index", "url": httpserver.url_for("/listing/")},
        {"name": "feed", "type": "feed", "url": httpserver.url_for("/feed/")},
        {"name": "search", "type": "govuk_search", "url": httpserver.url_for("/search.json")},
    ], alert_max_age_days=36500)

    result = cli("run", "--config", cfg)

    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    assert "Sefton YJS" in result.out  # the good item, listed by all three, read once and alerted


def test_text_of_a_page_with_a_malformed_report_link_is_printed(tmp_path, cli):
    page = tmp_path / "page.html"
    page.write_bytes((PAGES / "sefton-yjs.html").read_bytes().replace(
        b"</body>", f'<p><a href="{BAD[0]}/report.pdf">Read the inspection report</a></p></body>'.encode(), 1))
    for command in ("text", "extract"):
        result = cli(command, str(page))
        assert (result.code, result.err) == (0, ""), command
        assert "Sefton" in result.out


def test_an_email_digest_skips_a_link_that_is_no_url():
    from bot.notify.email_format import _links

    good = "https://hmiprobation.justiceinspectorates.gov.uk/news/x/"
    assert [link["url"] for link in _links([*BAD, "http://:80/z", good])] == [good]
