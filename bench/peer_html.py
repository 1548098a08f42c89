"""Score HTML-to-article-text conversion on a peer's benchmark of 169 real web pages.

Usage: python bench/peer_html.py [PEER_DIR] [--converter bot|trafilatura|both] [--check] [--verbose]

PEER_DIR (default ../shared/peer-html) holds pages.tar.xz and checks.json (see its README). The
pages are unpacked into a temporary directory, never into the repository. Scoring is the
benchmark's own: a string counts as present when it is a case-sensitive substring of the text
after collapsing whitespace; `with` strings should be found, `without` strings absent, and a page
whose `with` strings are all missing has lost its article. `--check` exits 1 when the bot's
figures fall below issue 11's bars (`with` 93%, `without` 88%, at most 4 articles lost). All pages are converted in one
process, and the time is the CPU time of the conversions alone (steadier than wall time on a
shared machine).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tarfile
import tempfile
import time
from pathlib import Path

DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared" / "peer-html"
BARS = {"with": 0.93, "without": 0.88, "lost": 4}  # issue 11's "done when"


def collapse(text: str) -> str:
    """Whitespace runs to one space, as the benchmark's scorer does."""
    return re.sub(r"\s+", " ", text or "").strip()


def bot_converter():
    """hmip-bot's own conversion: the text the extractor reads."""
    from bot.convert import html_to_page

    return lambda html: html_to_page(html, "").text


def trafilatura_converter():
    """Trafilatura alone, with the settings of the benchmark's reference figures."""
    import trafilatura

    return lambda html: trafilatura.extract(html, include_comments=False, include_tables=True) or ""


CONVERTERS = {"bot": bot_converter, "trafilatura": trafilatura_converter}


def load_pages(peer: Path, into: Path) -> list[tuple[dict, str]]:
    """The checks with each page's HTML, unpacked from the archive into a temporary folder."""
    with tarfile.open(peer / "pages.tar.xz") as tar:
        tar.extractall(into, filter="data")
    checks = json.loads((peer / "checks.json").read_text(encoding="utf-8"))
    pages = []
    for check in checks:
        path = next(into.rglob(check["file"]), None)
        if path is None:
            raise SystemExit(f"peer_html: {check['file']}: not in pages.tar.xz")
        pages.append((check, path.read_bytes().decode("utf-8", errors="replace")))
    return pages


def score(pages: list[tuple[dict, str]], convert, verbose: bool = False) -> dict:
    """Convert every page in this process and count the checks."""
    found = wanted = absent = unwanted = lost = 0
    elapsed = 0.0
    for check, html in pages:
        start = time.process_time()
        text = collapse(convert(html))
        elapsed += time.process_time() - start
        hits = [s for s in check["with"] if collapse(s) in text]
        leaks = [s for s in check["without"] if collapse(s) in text]
        found, wanted = found + len(hits), wanted + len(check["with"])
        absent, unwanted = absent + len(check["without"]) - len(leaks), unwanted + len(check["without"])
        lost += bool(check["with"]) and not hits
        if verbose and (len(hits) < len(check["with"]) or leaks):
            print(f"  {check['file']}: with {len(hits)}/{len(check['with'])}, leaked {len(leaks)}")
    return {"with": found / wanted, "without": absent / unwanted, "lost": lost, "pages": len(pages),
            "seconds": elapsed}


def main(argv=None) -> int:
    """Print one line of figures per converter."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("peer", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--converter", choices=[*CONVERTERS, "both"], default="both")
    ap.add_argument("--check", action="store_true", help="exit 1 if the bot is below issue 11's bars")
    ap.add_argument("--verbose", "-v", action="store_true")
    args = ap.parse_args(argv)
    if not (args.peer / "pages.tar.xz").exists():
        print(f"peer_html: {args.peer}: no pages.tar.xz here; nothing to measure", file=sys.stderr)
        return 2
    names = list(CONVERTERS) if args.converter == "both" else [args.converter]
    below = False
    with tempfile.TemporaryDirectory(prefix="peer-html-") as tmp:
        pages = load_pages(args.peer, Path(tmp))
        for name in names:
            convert = CONVERTERS[name]()
            convert("<html><body><p>warm-up: imports are not timed</p></body></html>")
            r = score(pages, convert, args.verbose)
            print(f"{name:12} with found {r['with']:.1%}  without absent {r['without']:.1%}  "
                  f"article lost on {r['lost']} of {r['pages']} pages  {r['seconds']:.2f} s CPU")
            if name == "bot" and (r["with"] < BARS["with"] or r["without"] < BARS["without"]
                                  or r["lost"] > BARS["lost"]):
                below = True
    if args.check and below:
        print(f"peer_html: below the bars {BARS}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
