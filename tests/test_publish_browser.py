"""The published page in a real headless browser: filters, sorting, no JS errors, axe-core.

Playwright's Python package drives Debian's chromium (/usr/bin/chromium; `.ci/run` installs
it with apt-get, and axe-core with npm). Where either is missing the tests are skipped, saying
which; with HMIP_REQUIRE_BROWSER=1 (as `.ci/run` sets) they fail instead, so CI cannot pass
without having run them.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path

import pytest
from publish_world import HOSTILE_NAME, config_for, fill_history

from bot.history import Store
from bot.publish import publish_site

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get("HMIP_CHROMIUM", "/usr/bin/chromium"))
AXE_JS = Path(os.environ.get("HMIP_AXE_JS", REPO / ".ci/node/node_modules/axe-core/axe.min.js"))
REQUIRED = os.environ.get("HMIP_REQUIRE_BROWSER") == "1"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _missing(reason: str):
    if REQUIRED:
        pytest.fail(f"{reason} (HMIP_REQUIRE_BROWSER=1)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright's Python package is not installed (pip install -e '.[test]')")
    if not CHROMIUM.exists():
        _missing(f"no chromium at {CHROMIUM} (apt-get install chromium, or set HMIP_CHROMIUM)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    """The sample site (hostile unit included) served over loopback HTTP, as a static host would."""
    root = tmp_path_factory.mktemp("site")
    state = fill_history(root / "state", hostile=True)
    with Store(state, lock=False) as store:
        publish_site(config_for(state), store, root / "www")
    handler = functools.partial(_QuietHandler, directory=str(root / "www"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class Watched:
    """A page with every JS error, console error, dialog and request outside the site kept."""

    def __init__(self, page, site_url: str):
        self.page = page
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.outside: list[str] = []
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.on("request", lambda r: None if r.url.startswith(site_url) else self.outside.append(r.url))


@pytest.fixture
def page(browser, site_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    watched = Watched(context.new_page(), site_url)
    yield watched
    context.close()


def visible_units(page) -> list[str]:
    return [row.get_attribute("data-unit") for row in page.locator("#units tbody tr").all() if row.is_visible()]


def test_filtering_by_region_type_and_name_shows_only_matching_rows(page, site_url):
    p = page.page
    p.goto(site_url + "index.html")
    assert len(visible_units(p)) == 10
    assert p.locator("#shown").inner_text() == "Showing all 10 units"
    p.select_option("#filter-region", "Yorkshire and the Humber")
    assert visible_units(p) == ["Leeds PDU", "Sheffield PDU", "Sheffield YJS", "Wakefield PDU"]
    p.select_option("#filter-type", "PDU")
    assert visible_units(p) == ["Leeds PDU", "Sheffield PDU", "Wakefield PDU"]
    p.fill("#filter-q", "FIELD")
    assert visible_units(p) == ["Sheffield PDU", "Wakefield PDU"]
    assert p.locator("#shown").inner_text() == "Showing 2 of 10 units"
    p.select_option("#filter-rating", "Inadequate")
    assert visible_units(p) == ["Sheffield PDU"]
    p.select_option("#filter-region", "")  # "All regions" again
    p.select_option("#filter-type", "")
    p.select_option("#filter-rating", "")
    p.fill("#filter-q", "")
    assert len(visible_units(p)) == 10
    assert page.errors == [] and page.dialogs == [] and page.outside == []


def test_columns_sort_both_ways(page, site_url):
    p = page.page
    p.goto(site_url + "index.html")
    p.get_by_role("button", name="Rating", exact=True).click()  # worst first
    assert p.locator("#units thead th").nth(3).get_attribute("aria-sort") == "ascending"
    ratings = [r.get_attribute("data-rating") for r in p.locator("#units tbody tr").all()]
    assert ratings[:2] == ["Inadequate", "Inadequate"] and ratings[-1] == "Outstanding"
    p.get_by_role("button", name="Date", exact=True).click()
    p.get_by_role("button", name="Date", exact=True).click()  # newest first
    assert visible_units(p)[:3] == ["Derby City PDU", "Sheffield PDU", "Salford YJS"]
    assert page.errors == []


def test_without_javascript_every_row_shows_and_the_controls_are_hidden(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    p = context.new_page()
    p.goto(site_url + "index.html")
    assert len(visible_units(p)) == 10
    assert not p.locator("#filters").is_visible() and not p.locator("#filter-q").is_visible()
    context.close()


def test_a_units_whole_history_is_one_click_away(page, site_url):
    p = page.page
    p.goto(site_url + "index.html")
    p.get_by_role("link", name="Sheffield PDU", exact=True).click()
    assert p.url == site_url + "units/sheffield-pdu.html"
    assert p.locator("h1").inner_text() == "Sheffield PDU"
    assert p.locator("h3").all_inner_texts() == ["24 November 2026: Inadequate", "10 March 2022: Requires improvement"]
    assert p.get_by_role("img", name="Ratings over time: 10 March 2022: Requires improvement; "
                                       "24 November 2026: Inadequate").count() == 1
    assert page.errors == [] and page.outside == []


def test_scraped_markup_stays_text_in_the_browser(page, site_url):
    p = page.page
    p.goto(site_url + "index.html")
    assert p.get_by_role("link", name=HOSTILE_NAME, exact=True).count() == 1
    p.get_by_role("link", name=HOSTILE_NAME, exact=True).click()
    assert "<script>window.__pwned" in p.locator("main").inner_text()
    assert p.evaluate("window.__pwned") is None
    assert p.locator("main img, main script, main b").count() == 0
    assert page.dialogs == [] and page.errors == []


def serious_violations(p) -> list[str]:
    """axe-core's serious and critical findings on the page, one line each."""
    p.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = p.evaluate("axe.run(document, {resultTypes: ['violations']})")
    assert result["passes"], "axe ran no checks"
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_the_axe_check_does_catch_a_bad_page(page):
    if not AXE_JS.exists():
        _missing(f"axe-core not found at {AXE_JS} (npm install --prefix .ci/node axe-core, or set HMIP_AXE_JS)")
    page.page.set_content('<html><body><p>low</p><input id="x"></body></html>')
    found = serious_violations(page.page)
    assert any(v.startswith("label (critical)") for v in found) and any(v.startswith("html-has-lang") for v in found)


@pytest.mark.parametrize("path", ["index.html", "units/sheffield-pdu.html"])
def test_axe_finds_no_serious_or_critical_violations(page, site_url, path):
    if not AXE_JS.exists():
        _missing(f"axe-core not found at {AXE_JS} (npm install --prefix .ci/node axe-core, or set HMIP_AXE_JS)")
    p = page.page
    p.goto(site_url + path)
    # Evaluated through the DevTools protocol, so the page's CSP (no scripts but its own) allows it.
    assert serious_violations(p) == []
    assert page.errors == []
