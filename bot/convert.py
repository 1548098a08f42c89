"""Turn fetched documents (HTML, PDF, plain text) into text for the extractor."""

from __future__ import annotations

import io
import logging
import re
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

from bot.dates import iso_date, parse_date
from bot.errors import InputError
from bot.html_text import FURNITURE_HINT, article_root, block_text, printable
from bot.identity import absolute_link
from bot.models import Page

log = logging.getLogger(__name__)
# Trafilatura logs a WARNING for a page it finds no article in and an ERROR for one lxml cannot
# parse; here both are normal cases (the hand-made reading takes over), not a user's concern.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)

# Below this many characters trafilatura has missed the article (a page of links, a bare
# notice; on a short page its own fallback keeps the menus), so the hand-made reading is used
# unless it finds nothing but the headline either.
_LITTLE = 250
_DATE_META = ("article:published_time", "og:published_time", "govuk:first-published-at",
              "dc.date", "dcterms.date", "date", "pubdate")
# "Published 9 July 2021", "Published:\n14 March 2024" in a page's metadata block.
_LABELLED_DATE = re.compile(
    r"\b(?:published|posted|first\s+published|date)\b\s*:?\s*(?:on\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+"
    r"([A-Za-z]{3,9})\.?,?\s+(\d{4})\b", re.I)
# The article's blocks in trafilatura's XML: a line break around each, a tab after each cell.
_XML_BLOCKS = frozenset(("p", "head", "list", "item", "table", "row", "quote", "code", "div"))


def html_to_page(html: str | bytes, url: str = "") -> Page:
    """The article of an HTML page as text, with its headline, date and report links."""
    tree = _parse(html)
    if tree is None:
        return _fallback_page(html, url, None, None)
    title, published = _title(tree), _meta_date(tree)
    text = _article(tree, url)
    if len(text) < _LITTLE:
        fallback = _fallback_page(html, url, title, published)
        if len(fallback.text) > len(title or "") + 1 or not text:
            return fallback
    return Page(url=url, text=_with_title(text, title), title=title, published=published, kind="html",
                report_links=_page_report_links(tree, url))


def _parse(html: str | bytes):
    """An lxml tree of the page, parsed the way trafilatura parses it (None if it is not HTML)."""
    from trafilatura.utils import load_html

    try:
        return load_html(html)
    except (TypeError, ValueError):
        return None


def _article(tree, url: str) -> str:
    """The article's text as trafilatura finds it ("" when it finds none)."""
    from trafilatura import bare_extraction

    # Links are left out: asked for, trafilatura keeps more link lists ("related stories").
    doc = bare_extraction(tree, url=url or None, include_comments=False, include_tables=True,
                          include_links=False, with_metadata=False)
    if doc is None or doc.body is None:
        return ""
    return _tidy("".join(_xml_text(doc.body)))


def _xml_text(el):
    """Pieces of text of trafilatura's XML element, with breaks where its blocks end."""
    block = el.tag in _XML_BLOCKS
    if block:
        yield "\n"
    if el.tag == "lb":
        yield "\n"
    elif el.text:
        yield el.text
    for child in el:
        yield from _xml_text(child)
        if child.tail:
            yield child.tail
    if el.tag == "cell":
        yield "\t"
    if block:
        yield "\n"


def _tidy(text: str) -> str:
    """One space between words, no blanks around line breaks, at most one empty line."""
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", re.sub(r"[ \u00a0]+", " ", text))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _with_title(text: str, title: str | None) -> str:
    """The headline first: the extractor reads the first line as the title."""
    if title and not text.lstrip().startswith(title):
        return f"{title}\n{text}"
    return text


def _fallback_page(html: str | bytes, url: str, title: str | None, published: str | None) -> Page:
    """The hand-made reading: furniture removed by tag, class and label, then the first main block."""
    from bs4 import BeautifulSoup

    main = article_root(BeautifulSoup(html, "html.parser"))
    links = [(a["href"], a.get_text(" ", strip=True)) for a in main.find_all("a", href=True)]
    text = _with_title(block_text(main), title)
    return Page(url=url, text=text, title=title, published=published, kind="html",
                report_links=_report_links(links, url))


def _report_links(links: list[tuple[str, str]], base: str) -> tuple[str, ...]:
    """Links (href, label) to a PDF that reads as the inspection report (at most two)."""
    found = []
    for href, label in links:
        href = absolute_link(base, href)  # None for a scraped href that is no http(s) URL
        if href is None:
            continue
        said = f"{label} {href}".casefold()
        if urlsplit(href).path.casefold().endswith(".pdf") and re.search(r"report|inspection", said):
            if href not in found:
                found.append(href)
    return tuple(found[:2])


def _page_report_links(tree, base: str) -> tuple[str, ...]:
    """Report links anywhere on the page but in its furniture (trafilatura drops a lone link)."""
    links = []
    for a in tree.iter("a"):
        href = a.get("href") or ""
        if ".pdf" in href.casefold() and not _in_furniture(a):
            links.append((href, _text(a)))
    return _report_links(links, base)


def _in_furniture(el) -> bool:
    """True for an element inside a menu, footer, aside, the site's header or a "related" block."""
    for up in el.iterancestors():
        if up.tag in ("nav", "footer", "aside"):
            return True
        if up.tag == "header" and next(up.iterancestors("article", "main"), None) is None:
            return True  # the site's header; an article's own header holds its headline
        hint = f"{up.get('class') or ''} {up.get('id') or ''} {up.get('role') or ''}"
        if up.tag not in ("html", "body", "main", "article") and hint.strip() and FURNITURE_HINT.search(hint):
            # "content-sidebar-wrap" names a sidebar but holds the article too
            return next(up.iter("main", "article", "h1"), None) is None
    return False


def _text(el) -> str:
    """An element's text, its pieces stripped and joined by spaces (comments and scripts left out)."""
    return " ".join(s.strip() for s in el.xpath(".//text()[not(ancestor::script or ancestor::style)]")
                    if s.strip())


def _title(tree) -> str | None:
    """The headline: the first <h1> with text, else og:title, else <title>."""
    h1 = next((h for h in tree.iter("h1") if _text(h)), None)
    if h1 is not None:
        return re.sub(r"\s+", " ", _text(h1))
    og = tree.xpath("//meta[@property='og:title']/@content")
    if og and og[0].strip():
        return og[0].strip()
    head_title = tree.find(".//title")
    return (head_title.text_content().strip() or None) if head_title is not None else None


def _meta_date(tree) -> str | None:
    """The date the page's metadata gives: meta tags, a <time datetime>, a "Published" line."""
    for name in _DATE_META:
        for attr in ("property", "name"):
            for content in tree.xpath(f"//meta[@{attr}=$n]/@content", n=name)[:1]:
                if re.match(r"\d{4}-\d{2}-\d{2}", content) and parse_date(content):
                    return parse_date(content)
    for stamp in tree.xpath("//time/@datetime"):
        if re.match(r"\d{4}-\d{2}-\d{2}", stamp) and parse_date(stamp):
            return parse_date(stamp)
    for block in tree.xpath("//*[@class]"):
        if any(re.search(r"meta|date|published|byline", c, re.I) for c in block.get("class").split()):
            found = _labelled_date("\n".join(s.strip() for s in block.xpath(".//text()") if s.strip()))
            if found:
                return found
    return None


def _labelled_date(text: str) -> str | None:
    """'Published 9 July 2021' as '2021-07-09'; None unless the month is written out."""
    for m in _LABELLED_DATE.finditer(text):
        found = iso_date(m.group(1), m.group(2), m.group(3))  # (None for 'Ma' or 31 June)
        if found:
            return found
    return None


def pdf_to_page(data: bytes, url: str = "") -> Page:
    """The text layer of a PDF report (pypdf); a PDF without one is an error, not an empty text."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, WrongPasswordError

    try:
        reader = PdfReader(io.BytesIO(data))
        text = "\n".join((page.extract_text() or "") for page in reader.pages)
    except Exception as e:  # noqa: BLE001 (pypdf raises many kinds on damaged or encrypted files)
        # Decided by type: a password we do not have, or a cipher the crypto library lacks.
        encrypted = isinstance(e, (FileNotDecryptedError, WrongPasswordError, DependencyError))
        kind = "encrypted" if encrypted else e.__class__.__name__
        raise InputError(f"{url or 'PDF'}: not a readable PDF ({kind})") from None
    if not text.strip():
        raise InputError(f"{url or 'PDF'}: the PDF has no text layer (a scan?); nothing to read")
    return Page(url=url, text=text, title=None, published=None, kind="pdf")


def bytes_to_page(data: bytes, url: str, content_type: str = "") -> Page:
    """Pick the converter by content type, file name or the bytes themselves; controls removed."""
    page = _convert(data, url, content_type)
    return replace(page, text=printable(page.text), title=printable(page.title))


def _convert(data: bytes, url: str, content_type: str) -> Page:
    ctype = content_type.casefold()
    name = url.split("?", 1)[0].casefold()
    if data.startswith(b"%PDF") or "pdf" in ctype or name.endswith(".pdf"):
        return pdf_to_page(data, url)
    if not data.strip():
        raise InputError(f"{url}: empty document")
    if _looks_binary(data[:4096]):
        raise InputError(f"{url}: binary file, not text, HTML or PDF")
    text = _decode(data)
    head = text[:2048].casefold()
    if "html" in ctype or name.endswith((".html", ".htm")) or "<html" in head or "<!doctype html" in head:
        return html_to_page(text, url)
    return Page(url=url, text=text, kind="text")


# Bytes that text never holds: C0 controls other than tab, newlines, form feed and escape; DEL.
_NOT_TEXT = bytes(sorted(set(range(32)) - {8, 9, 10, 12, 13, 27}) + [127])


def _looks_binary(head: bytes) -> bool:
    """True for an image, archive or other binary: a NUL, or more than 1 byte in 100 that text never has."""
    if b"\x00" in head:
        return True
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as e:
        if e.start < len(head) - 3:  # (not just a character cut in two at the end of the sample)
            # Not UTF-8: cp1252 text is still mostly ASCII; random bytes are half high bytes.
            if sum(b >= 0x80 for b in head) > len(head) * 0.3:
                return True
    return sum(b in _NOT_TEXT for b in head) > len(head) / 100


def _decode(data: bytes) -> str:
    for enc in ("utf-8", "cp1252"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def read_source(source: str, fetcher=None) -> Page:
    """A file path or an http(s) URL as a Page; InputError with a one-line reason if unreadable."""
    if re.match(r"(?i)^[a-z][a-z0-9+.-]*://", source):
        if not re.match(r"(?i)^https?://", source):
            raise InputError(f"{source}: only http(s) URLs can be read")
        if fetcher is None:
            raise InputError(f"{source}: no HTTP client configured")
        from bot.errors import SourceError

        try:
            resp = fetcher.get(source)
        except SourceError as e:
            raise InputError(str(e)) from None
        return bytes_to_page(resp.body, resp.url, resp.headers.get("content-type", ""))
    path = Path(source)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{source}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{source}: is a directory") from None
    except OSError as e:
        raise InputError(f"{source}: cannot read ({e.strerror or e.__class__.__name__})") from None
    return bytes_to_page(data, str(path))
