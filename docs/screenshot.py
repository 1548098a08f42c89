"""Rebuild docs/site.png, the README's picture of the published page, from the tests' sample history.

Run from the repository: `python docs/screenshot.py` (needs Debian's chromium and Playwright,
as the browser tests do). The sample units and their texts are invented (tests/publish_world.py).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from playwright.sync_api import sync_playwright  # noqa: E402
from publish_world import config_for, fill_history  # noqa: E402

from bot.history import Store  # noqa: E402
from bot.publish import publish_site  # noqa: E402

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        state = fill_history(Path(tmp) / "state")
        with Store(state, lock=False) as store:
            publish_site(config_for(state), store, Path(tmp) / "www")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1360, "height": 800})
            page.goto((Path(tmp) / "www" / "index.html").as_uri())
            page.select_option("#filter-type", "PDU")  # shows the filters at work
            page.get_by_role("button", name="Date", exact=True).click()
            page.get_by_role("button", name="Date", exact=True).click()
            page.screenshot(path=str(REPO / "docs" / "site.png"), full_page=True)
            browser.close()
    print(REPO / "docs" / "site.png")


if __name__ == "__main__":
    main()
