"""bot.identity: one key per article, however a feed or a search engine links to it."""

from __future__ import annotations

import pytest

from bot.identity import canonical_url, unwrap_redirect

BBC = "https://bbc.co.uk/news/articles/c4gl0z8p2kdo"
HMIP = "https://hmiprobation.justiceinspectorates.gov.uk/media-release/kirklees-rated-inadequate"


@pytest.mark.parametrize(
    "url",
    [
        "https://www.bbc.co.uk/news/articles/c4gl0z8p2kdo",
        "https://www.bbc.co.uk/news/articles/c4gl0z8p2kdo#0",  # BBC guids add #0, #1...
        "https://www.bbc.co.uk/news/articles/c4gl0z8p2kdo#1",
        "https://www.bbc.co.uk/news/articles/c4gl0z8p2kdo?at_medium=RSS&at_campaign=rss",
        "http://www.bbc.co.uk/news/articles/c4gl0z8p2kdo",
        "https://m.bbc.co.uk/news/articles/c4gl0z8p2kdo",
        "HTTPS://WWW.BBC.CO.UK/news/articles/c4gl0z8p2kdo/",
        "https://www.bbc.co.uk:443/news/articles/c4gl0z8p2kdo?utm_source=twitter&utm_medium=social",
        "  https://www.bbc.co.uk/news/articles/c4gl0z8p2kdo\n",
    ],
)
def test_bbc_variants_share_one_key(url):
    assert canonical_url(url) == BBC


@pytest.mark.parametrize(
    "param", ["utm_source=x", "at_medium=RSS", "at_custom1=y", "fbclid=abc", "gclid=1", "ocid=msn", "cmpid=e1", "xtor=RSS-1"]
)
def test_tracking_parameters_are_dropped(param):
    assert canonical_url(f"https://example.org/story?id=7&{param}") == "https://example.org/story?id=7"


def test_meaningful_query_is_kept_and_sorted():
    a = canonical_url("https://example.org/search?q=probation&page=2")
    b = canonical_url("https://example.org/search?page=2&q=probation&utm_campaign=z")
    assert a == b == "https://example.org/search?page=2&q=probation"


def test_path_case_and_root_are_kept():
    assert canonical_url("https://www.example.org/News/Story") == "https://example.org/News/Story"
    assert canonical_url("https://www.example.org") == "https://example.org/"
    assert canonical_url("https://www.example.org/") == "https://example.org/"


def test_non_default_port_is_kept():
    assert canonical_url("http://127.0.0.1:8080/feed/") == "https://127.0.0.1:8080/feed"


@pytest.mark.parametrize(
    "url",
    [
        "https://hmiprobation.justiceinspectorates.gov.uk/media-release/kirklees-rated-inadequate/",
        "http://hmiprobation.justiceinspectorates.gov.uk/media-release/kirklees-rated-inadequate",
        "https://www.justiceinspectorates.gov.uk/hmiprobation/media-release/kirklees-rated-inadequate/",
        "https://justiceinspectorates.gov.uk/hmiprobation/media-release/kirklees-rated-inadequate",
    ],
)
def test_hmi_probation_two_host_forms_share_one_key(url):
    assert canonical_url(url) == HMIP


def test_other_justice_inspectorates_are_not_merged_into_hmi_probation():
    prisons = "https://www.justiceinspectorates.gov.uk/hmiprisons/inspections/hmp-leeds/"
    assert canonical_url(prisons) == "https://justiceinspectorates.gov.uk/hmiprisons/inspections/hmp-leeds"
    assert canonical_url("https://www.justiceinspectorates.gov.uk/hmiprobation") == (
        "https://hmiprobation.justiceinspectorates.gov.uk/"
    )


def test_gov_uk_with_and_without_www_share_one_key():
    path = "/government/news/east-fenland-probation-delivery-unit-rated-requires-improvement"
    assert canonical_url(f"https://www.gov.uk{path}") == canonical_url(f"https://gov.uk{path}")
    assert canonical_url(f"https://www.gov.uk{path}") == f"https://gov.uk{path}"


def test_bing_click_through_is_unwrapped():
    wrapped = (
        "http://www.bing.com/news/apiclick.aspx?ref=FexRss&aid=&tid=6737189E4B6F&"
        "url=https%3a%2f%2fwww.bbc.co.uk%2fnews%2farticles%2fc4gl0z8p2kdo&c=157372855&mkt=en-gb"
    )
    assert unwrap_redirect(wrapped) == "https://www.bbc.co.uk/news/articles/c4gl0z8p2kdo"
    assert canonical_url(wrapped) == BBC


@pytest.mark.parametrize(
    "url",
    [
        "https://www.bbc.co.uk/news/articles/c4gl0z8p2kdo",
        "https://www.bing.com/news/search?q=probation&url=https%3a%2f%2fexample.org",  # not apiclick
        "http://www.bing.com/news/apiclick.aspx?ref=FexRss&url=javascript%3aalert(1)",  # not http(s)
        "https://example.org/news/apiclick.aspx?url=https%3a%2f%2fevil.example",  # not Bing
    ],
)
def test_other_urls_are_not_unwrapped(url):
    assert unwrap_redirect(url) == url


def test_malformed_url_does_not_crash():
    assert canonical_url("http://[::1") == "http://[::1"


def test_display_url_keeps_the_address_as_published_without_tracking():
    from bot.identity import display_url

    assert display_url("http://www.bbc.co.uk/news/articles/c9x?at_medium=RSS&at_campaign=rss#0") == \
        "http://www.bbc.co.uk/news/articles/c9x"
    assert display_url("https://example.org/r?id=4&utm_source=rss") == "https://example.org/r?id=4"


# --- one list of official hosts ---------------------------------------------------------------

OFFICIAL_CASES = [
    ("https://www.justiceinspectorates.gov.uk/hmiprobation/media/x/", True, "HMI Probation"),
    ("https://hmiprobation.justiceinspectorates.gov.uk/document/x/", True, "HMI Probation"),
    ("https://www.gov.uk/government/news/x", True, "GOV.UK"),
    ("https://WWW.GOV.UK./government/news/x", True, "GOV.UK"),  # a fully qualified host is the same host
    ("https://assets.publishing.service.gov.uk/x.pdf", False, "the source"),
    ("https://www.kirklees.gov.uk/news/x", False, "the source"),  # a council is not GOV.UK
    ("https://www.bbc.co.uk/news/x", False, "the source"),
    ("https://justiceinspectorates.gov.uk.example.org/x", False, "the source"),
    ("http://127.0.0.1:8000/x", False, "the source"),
]


@pytest.mark.parametrize("url, official, label", OFFICIAL_CASES)
def test_the_config_the_timeline_and_alerts_agree_on_which_hosts_are_official(url, official, label):
    from bot.config import SourceConfig
    from bot.identity import official_url
    from bot.policy import source_label
    from bot.timeline import is_official

    assert official_url(url) is official
    assert SourceConfig(name="s", type="feed", url=url).is_official is official
    assert is_official([url]) is official
    assert source_label(url, "the source") == label


@pytest.mark.parametrize("url, official, label", OFFICIAL_CASES)
def test_the_public_site_names_a_link_by_the_same_list(url, official, label):
    from bot.publish.view import host

    assert (host(url) in ("HMI Probation", "GOV.UK")) is official
    if official:
        assert host(url) == label
