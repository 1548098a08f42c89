"""`hmip-bot text`: what the extractor reads from a file or URL, as a doubting user would check it (issue 11)."""

from __future__ import annotations

import json
from pathlib import Path

PAGES = Path(__file__).parent / "data" / "pipeline" / "pages"
SEFTON = "/media-release/sefton-youth-justice-service-rated-good/"
NEWHAM = "/government/news/newham-probation-delivery-unit-rated-good-by-inspectors"


def test_text_of_a_file_is_the_article_headline_first_without_the_sites_furniture(cli):
    result = cli("text", str(PAGES / "sefton-yjs.html"))

    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == "Sefton Youth Justice Service rated ‘Good’"
    assert "having previously been rated ‘Requires improvement’ in 2023" in result.out
    assert "The report makes four recommendations" in result.out
    # the menu, the sidebar's other ratings and the licence footer are not what the bot read
    for furniture in ("Our inspections", "Knowsley", "Open Government Licence"):
        assert furniture not in result.out
    assert result.err == ""


def test_pages_without_an_article_print_what_little_they_hold_and_no_warnings(cli, tmp_path):
    empty = tmp_path / "app.html"  # a page built by script: nothing for trafilatura to find
    empty.write_text("<html><head><title>Loading</title></head><body><script>start()</script></body></html>")

    home = cli("text", str(PAGES / "moved-feed.html"))  # a site's home page: a menu and one line
    bare = cli("text", str(empty))

    assert home.code == 0 and home.err == ""
    assert home.out.splitlines()[0] == "HM Inspectorate of Probation"
    assert "independent inspector" in home.out and "Home" not in home.out
    assert (bare.code, bare.out.strip(), bare.err) == (0, "Loading", "")


def test_text_of_urls_on_loopback_as_json_one_object_per_line(world, config_file, cli):
    sefton, newham = world.serve(SEFTON, "pages/sefton-yjs.html"), world.serve(NEWHAM, "pages/govuk-newham.html")
    cfg = config_file([{"name": "hmi", "type": "feed", "url": sefton}])

    result = cli("text", "--config", cfg, "--json", sefton, newham)

    assert result.code == 0, result.err
    first, second = (json.loads(line) for line in result.out.splitlines())
    assert set(first) == {"source", "title", "published", "text"}
    assert (first["source"], first["title"], first["published"]) == (
        sefton, "Sefton Youth Justice Service rated ‘Good’", "2026-11-19")
    assert first["text"].startswith(first["title"] + "\n")
    assert second["source"] == newham and second["published"] == "2026-11-18"
    assert "Newham" in second["title"] and "Newham Probation Delivery Unit" in second["text"]
    assert "GOV.UK" not in second["text"].splitlines()[0]


def test_unreadable_sources_are_named_on_stderr_and_the_rest_still_printed(world, config_file, cli, tmp_path):
    gone = world.serve("/media-release/withdrawn/", "pages/service-unavailable.html", status=404)
    binary = tmp_path / "photo.html"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    cfg = config_file([{"name": "hmi", "type": "feed", "url": gone}])

    result = cli("text", "--config", cfg, str(tmp_path / "missing.html"), str(PAGES / "bolton-pdu.html"),
                 str(binary), gone)

    assert result.code == 2
    assert "==> " + str(PAGES / "bolton-pdu.html") + " <==" in result.out
    assert "Bolton" in result.out and "missing.html" not in result.out
    assert len(result.err_lines) == 3
    for name, line in zip(("missing.html", "photo.html", gone), result.err_lines):
        assert line.startswith("hmip-bot: text: ") and name in line
    assert "Traceback" not in result.err


def test_text_refuses_extracts_explain_option_rather_than_ignoring_it(cli):
    result = cli("text", str(PAGES / "sefton-yjs.html"), "--explain")  # `text` reads; it has no rules to name

    assert (result.code, result.out) == (2, "")
    assert "--explain" in result.err and "Traceback" not in result.err


def test_terminal_control_sequences_in_a_page_never_reach_the_terminal(cli, tmp_path):
    # A page can hold ESC/BEL bytes; printed raw they would recolour, retitle or rewrite the terminal
    # of whoever runs `text`, `extract` or `run` (findings and evidence come from this text).
    page = tmp_path / "page.html"
    page.write_text("<html><head><title>Notice</title></head><body><h1>Anytown PDU rated "
                    "\x1b[31mInadequate\x1b[0m</h1><p>Anytown Probation Delivery Unit has been rated "
                    "\x1b]0;owned\x07Inadequate by HM Inspectorate of Probation\x9b2J after an inspection "
                    "in the spring of this year, inspectors said.</p></body></html>", encoding="utf-8")

    for command in (("text",), ("text", "--json"), ("extract",), ("extract", "--json")):
        result = cli(*command, str(page))
        assert result.code == 0, result.err
        assert not any(ord(c) < 32 and c not in "\t\n" or 127 <= ord(c) < 160 for c in result.out), command
    assert "rated Inadequate by HM Inspectorate of Probation" in cli("text", str(page)).out
