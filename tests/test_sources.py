"""The source types against fixture feeds and pages served over loopback HTTP."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from test_fetch import DictCache  # the state store's cache interface, in memory

from bot.config import SourceConfig, parse_config
from bot.errors import ConfigError, SourceError
from bot.fetch import Fetcher
from bot.identity import canonical_url
from bot.sources import SOURCE_TYPES, FeedSource, build_sources
from bot.sources.govuk_search import GovukSearchSource
from bot.sources.html_index import HtmlIndexSource

UTC = timezone.utc
HMIP = "https://hmiprobation.justiceinspectorates.gov.uk/media-release"
SEARCH_QUERY = "filter_organisations=hm-inspectorate-of-probation&order=-public_timestamp&count=50"


def source(cls, url, **kw):
    return cls(SourceConfig(name="test-source", type="x", url=url, **kw))


# --- feed ------------------------------------------------------------------------------


def test_hmi_probation_wordpress_feed(feed_server, fetcher):
    url = feed_server.serve("feeds/hmiprobation-wordpress.rss", "/feed/")
    items = source(FeedSource, url).poll(fetcher)
    assert [i.url for i in items] == [
        f"{HMIP}/probation-services-in-wessex-vale-rated-inadequate-by-regulator/",
        f"{HMIP}/youth-justice-service-in-northmoor-rated-good/",
        f"{HMIP}/annual-report-2023-2024/",
    ]
    first = items[0]
    assert first.source == "test-source"
    assert first.key == f"{HMIP}/probation-services-in-wessex-vale-rated-inadequate-by-regulator"
    assert first.title == "Probation services in Wessex Vale rated \u2018Inadequate\u2019 by regulator"
    assert first.published == datetime(2024, 11, 15, 0, 1, tzinfo=UTC)
    assert "<p>" not in first.summary and "<a" not in first.summary
    assert first.summary.startswith("Probation services in Wessex Vale have been rated as \u2018Inadequate\u2019")
    assert "rated \u2018Good\u2019 & praised" in items[1].summary


def test_govuk_atom_keys_on_link_although_ids_change(httpserver, feed_server, fetcher):
    url = feed_server.serve("feeds/govuk-hmip-news-v1.atom", "/news.atom")
    feed = source(FeedSource, url)
    before = feed.poll(fetcher)
    httpserver.clear()
    feed_server.serve("feeds/govuk-hmip-news-v2.atom", "/news.atom")
    after = feed.poll(fetcher)

    assert len(before) == 2 and len(after) == 3
    fenland = "https://gov.uk/government/news/east-fenland-probation-delivery-unit-rated-requires-improvement"
    assert before[0].key == after[1].key == fenland  # one item, although its Atom id changed
    assert after[0].title == "Harbourside Youth Justice Service rated \u2018Outstanding\u2019"
    assert after[0].summary == "Inspectors rated Harbourside YJS Outstanding."
    # 00:01 British Summer Time is 23:01 UTC the day before
    assert before[1].published == datetime(2024, 10, 9, 23, 1, tzinfo=UTC)


def test_bbc_regional_feed_keywords_and_duplicates(feed_server, fetcher):
    url = feed_server.serve("feeds/bbc-england.rss", "/news/england/rss.xml")
    everything = source(FeedSource, url).poll(fetcher)
    assert len(everything) == 4  # five entries, one story listed twice (#0 and #1)

    probation = source(FeedSource, url, keywords=("PROBATION",)).poll(fetcher)
    assert [i.title for i in probation] == [
        "Wessex Vale probation service 'inadequate', inspectors say",
        "Man jailed after police chase through town centre",  # matched in its summary
    ]
    assert probation[0].key == "https://bbc.co.uk/news/articles/c4gl0z8p2kdo"
    assert probation[0].published == datetime(2024, 11, 15, 6, 12, 43, tzinfo=UTC)

    none = source(FeedSource, url, keywords=("inspectorate", "ofsted")).poll(fetcher)
    assert none == []


def test_bing_news_links_are_unwrapped_and_match_the_bbc_key(feed_server, fetcher):
    bing = feed_server.serve("feeds/bing-news-probation.rss", "/news/search")
    bbc = feed_server.serve("feeds/bbc-england.rss", "/news/england/rss.xml")
    items = source(FeedSource, bing).poll(fetcher)
    assert [i.url for i in items] == [
        "https://www.bbc.co.uk/news/articles/c4gl0z8p2kdo",
        "https://www.northmoorgazette.co.uk/news/24731125.probation-watchdog-rates-northmoor-youth-team-good/"
        "?utm_source=bing&utm_medium=rss",
    ]
    assert items[1].key == (
        "https://northmoorgazette.co.uk/news/24731125.probation-watchdog-rates-northmoor-youth-team-good"
    )
    bbc_keys = {i.key for i in source(FeedSource, bbc).poll(fetcher)}
    assert items[0].key in bbc_keys  # the same story from two sources is one item


def test_html_served_as_feed_is_a_source_error(feed_server, fetcher):
    url = feed_server.serve("feeds/not-a-feed.html", "/feed/")
    with pytest.raises(SourceError) as e:
        source(FeedSource, url).poll(fetcher)
    assert str(e.value) == f"test-source: {url}: not a feed (got text/html)"


def test_unchanged_feed_polls_as_no_items(httpserver, feed_server):
    url = feed_server.serve("feeds/hmiprobation-wordpress.rss", "/feed/")
    with Fetcher(user_agent="t", timeout=5, min_interval=0, cache=DictCache(), sleep=lambda s: None) as http:
        feed = source(FeedSource, url)
        assert len(feed.poll(http)) == 3
        httpserver.clear()
        httpserver.expect_request("/feed/", headers={"If-None-Match": '"6f1c2a0b9d"'}).respond_with_data(
            "", status=304
        )
        assert feed.poll(http) == []


# --- govuk_search ----------------------------------------------------------------------


def test_govuk_search_results(feed_server, fetcher):
    url = feed_server.serve("feeds/govuk-search-hmip.json", "/api/search.json", query_string=SEARCH_QUERY)
    items = source(GovukSearchSource, url).poll(fetcher)
    base = url.split("/api/")[0]
    assert [i.url for i in items] == [  # the organisation's own page is not a publication
        f"{base}/government/news/east-fenland-probation-delivery-unit-rated-requires-improvement",
        f"{base}/government/publications/an-inspection-of-probation-services-in-harbourside",
    ]
    assert items[0].title == "East Fenland Probation Delivery Unit rated 'Requires improvement'"
    assert items[0].published == datetime(2024, 11, 15, 0, 1, tzinfo=UTC)
    assert items[1].published == datetime(2024, 10, 9, 23, 1, tzinfo=UTC)
    assert items[1].summary == "An inspection of probation services in Harbourside & District."
    assert items[0].key == canonical_url(items[0].url)


def test_govuk_search_url_is_requested_exactly_as_configured(httpserver, feed_server, fetcher):
    url = feed_server.serve("feeds/govuk-search-hmip.json", "/api/search.json", query_string=SEARCH_QUERY)
    source(GovukSearchSource, url).poll(fetcher)
    (request, response), = httpserver.log
    assert request.query_string.decode() == SEARCH_QUERY and response.status_code == 200


@pytest.mark.parametrize(
    "body, problem",
    [
        (b"<!DOCTYPE html><html><body>Service unavailable</body></html>", "not JSON"),
        (b'{"error": "Invalid parameter"}', "no 'results' list"),
        (b'[{"link": "/x"}]', "no 'results' list"),
    ],
)
def test_govuk_search_bad_answers_are_source_errors(httpserver, fetcher, body, problem):
    httpserver.expect_request("/api/search.json").respond_with_data(body)
    url = httpserver.url_for("/api/search.json")
    with pytest.raises(SourceError, match=problem) as e:
        source(GovukSearchSource, url).poll(fetcher)
    assert url in str(e.value)


# --- html_index ------------------------------------------------------------------------


def test_hmi_probation_news_listing(feed_server, fetcher):
    url = feed_server.serve("pages/hmiprobation-news.html", "/news/")
    items = source(HtmlIndexSource, url).poll(fetcher)
    origin = url.rsplit("/news/", 1)[0]
    assert [i.title for i in items] == [
        "Probation services in Wessex Vale rated \u2018Inadequate\u2019 by regulator",
        "Youth justice service in Northmoor rated \u2018Good\u2019",
        "Annual report 2023-2024",
        "Statement on the probation workforce",
    ]
    assert items[1].url == f"{origin}/media-release/youth-justice-service-in-northmoor-rated-good/"
    assert [i.published for i in items] == [
        datetime(2024, 11, 15, 0, 1, tzinfo=UTC),
        datetime(2024, 11, 7, tzinfo=UTC),
        datetime(2024, 10, 29, 0, 1, tzinfo=UTC),
        None,  # no date in its block: never borrowed from the sidebar
    ]
    assert items[0].summary.startswith("Probation services in Wessex Vale have been rated")
    # The old www.justiceinspectorates.gov.uk/hmiprobation/ link keys like the feed's link.
    assert items[2].key == f"{HMIP}/annual-report-2023-2024"


def test_html_index_and_feed_agree_on_keys(feed_server, fetcher):
    page = feed_server.serve("pages/hmiprobation-news.html", "/news/")
    feed = feed_server.serve("feeds/hmiprobation-wordpress.rss", "/feed/")
    listed = {i.key for i in source(HtmlIndexSource, page).poll(fetcher)}
    fed = {i.key for i in source(FeedSource, feed).poll(fetcher)}
    assert listed & fed == {
        f"{HMIP}/probation-services-in-wessex-vale-rated-inadequate-by-regulator",
        f"{HMIP}/annual-report-2023-2024",
    }


FLAT_PAGE = """<html><body><div id="news">
<h3><a href="/n/1">First report</a></h3><span class="date">15 November 2024</span><p>One.</p>
<h3><a href="/n/2">Second report</a></h3><p>No date here.</p>
<h3><a href="/n/3">Third report</a></h3><span class="date">1st October 2024</span>
</div><footer><span class="date">1 January 2020</span></footer></body></html>"""


def test_html_index_custom_selectors_on_a_flat_listing(httpserver, fetcher):
    httpserver.expect_request("/news").respond_with_data(FLAT_PAGE, content_type="text/html")
    config = dict(item_selector="#news h3 a", date_selector="span.date")
    items = source(HtmlIndexSource, httpserver.url_for("/news"), **config).poll(fetcher)
    assert [(i.title, i.published) for i in items] == [
        ("First report", datetime(2024, 11, 15, tzinfo=UTC)),
        ("Second report", None),
        ("Third report", datetime(2024, 10, 1, tzinfo=UTC)),
    ]


# --- registry and config ---------------------------------------------------------------


def test_registry_lists_every_type_with_a_one_line_description():
    assert set(SOURCE_TYPES) == {"feed", "govuk_search", "html_index"}
    for cls in SOURCE_TYPES.values():
        assert cls.__doc__ and "\n" not in cls.__doc__.strip()


def _config(source: dict):
    """Load a config with one source and build its sources, as `run` does before polling."""
    config = parse_config({"sources": [source]}, base_dir=Path("."))
    build_sources(config.sources)
    return config


def test_config_accepts_html_index_selectors():
    config = _config({"name": "n", "type": "html_index", "url": "https://x.org/news/", "item_selector": "h2 a"})
    assert config.sources[0].item_selector == "h2 a"


def test_config_rejects_selectors_on_a_feed():
    with pytest.raises(ConfigError, match=r"sources\[0\]\.item_selector: only for sources of type html_index"):
        _config({"name": "n", "type": "feed", "url": "https://x.org/feed/", "item_selector": "h2 a"})


def test_config_rejects_an_invalid_css_selector():
    with pytest.raises(ConfigError, match=r"sources\[0\]\.date_selector: not a valid CSS selector"):
        _config({"name": "n", "type": "html_index", "url": "https://x.org/news/", "date_selector": "time[["})


@pytest.mark.parametrize("key", ["item_selector", "date_selector"])
def test_config_rejects_a_selector_that_parses_but_cannot_select(key):
    # '::before' compiles, then soupsieve refuses it only when selecting: a traceback mid-run before.
    with pytest.raises(ConfigError, match=rf"sources\[0\]\.{key}: not a valid CSS selector"):
        _config({"name": "n", "type": "html_index", "url": "https://x.org/news/", key: "p::before"})


def test_html_index_honours_the_http_charset(httpserver, fetcher):
    page = '<h2 class="list-item-title"><a href="/n/1">Caf\u00e9 courts report</a></h2>'
    httpserver.expect_request("/news").respond_with_data(
        page.encode("windows-1252"), content_type="text/html; charset=windows-1252"
    )
    (item,) = source(HtmlIndexSource, httpserver.url_for("/news")).poll(fetcher)
    assert item.title == "Caf\u00e9 courts report"


def test_feed_titles_and_summaries_lose_terminal_control_sequences(httpserver, fetcher):
    # Item titles stand in for a page's headline and are printed on terminals like page text.
    rss = ('<?xml version="1.0"?><rss version="2.0"><channel><title>f</title><item>'
           '<title>Anytown PDU \x1b[2Jrated Good</title><link>https://example.org/n/1</link>'
           '<description>Inspectors \x1b]0;owned\x07found \x07much to praise</description></item></channel></rss>')
    httpserver.expect_request("/feed/").respond_with_data(rss.encode(), content_type="application/rss+xml")
    (item,) = source(FeedSource, httpserver.url_for("/feed/")).poll(fetcher)
    assert (item.title, item.summary) == ("Anytown PDU rated Good", "Inspectors found much to praise")
