"""Turn fetched documents (HTML, PDF, plain text) into text for the extractor."""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Comment

from bot.dates import parse_date
from bot.errors import InputError
from bot.models import Page

log = logging.getLogger(__name__)

# Page furniture dropped before reading the article: it often names other units and ratings
# ("related stories"), or is boilerplate that reads like content (cookie banners, licences).
_DROP_TAGS = ("script", "style", "noscript", "nav", "footer", "aside", "form",
              "iframe", "svg", "button", "template", "select", "input")
_DROP_HINT = re.compile(
    r"cookie|banner|related|share|social|breadcrumb|skip|navigation|menu|footer|promo|"
    r"newsletter|licen[cs]e|print-only|sidebar|most-read|more-on|subscribe|feedback|"
    r"contents-list|metadata|advert|widget|latest|recent|trending|top-stories|teaser|links-block|"
    r"more-stories|read-more|also-like", re.I)
# Headings that open a list of other stories (which name other units and ratings).
_OTHER_STORIES = re.compile(
    r"^\s*(?:related(?:\s+(?:stories|content|news|topics|articles|links))?|more\s+on\s+this\s+story|"
    r"top\s+stories|most\s+(?:read|popular)|trending|you\s+may\s+also\s+like|latest\s+news|"
    r"recent\s+(?:posts|news)|more\s+from\s+.{0,30}|read\s+more|see\s+also|elsewhere\s+on\s+.{0,30})\s*:?\s*$", re.I)
# The article's own body first: "#content" and "main" often hold sidebars too.
_MAIN_SELECTORS = ("article", "main", "[role=main]", ".entry-content", ".post-content", ".govuk-govspeak",
                   ".gem-c-govspeak", "#main-content", "#content", "body")
_BLOCKS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "div", "section", "blockquote",
           "dd", "dt", "pre", "table", "ul", "ol", "figcaption")
_DATE_META = ("article:published_time", "og:published_time", "govuk:first-published-at",
              "dc.date", "dcterms.date", "date", "pubdate")


def html_to_page(html: str | bytes, url: str = "") -> Page:
    """The article of an HTML page as text, with its headline and date."""
    soup = BeautifulSoup(html, "html.parser")
    title = _title(soup)
    published = _meta_date(soup)
    for c in soup.find_all(string=lambda s: isinstance(s, Comment)):
        c.extract()
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all("header"):
        if not tag.find_parent(["article", "main"]):
            tag.decompose()  # the site's header; an article's own header holds its headline and date
    for tag in soup.find_all(_is_furniture):
        tag.decompose()
    _drop_story_lists(soup)
    main = next((m for sel in _MAIN_SELECTORS for m in [soup.select_one(sel)] if m), soup)
    reports = _report_links(main, url)
    text = _block_text(main)
    if title and not text.lstrip().startswith(title):
        text = f"{title}\n{text}"
    return Page(url=url, text=text, title=title, published=published, kind="html", report_links=reports)


def _report_links(main, base: str) -> tuple[str, ...]:
    """Links in the article to a PDF that reads as the inspection report (at most two)."""
    found = []
    for a in main.find_all("a", href=True):
        href = urljoin(base, a["href"])
        label = f"{a.get_text(' ', strip=True)} {href}".casefold()
        if urlsplit(href).path.casefold().endswith(".pdf") and re.search(r"report|inspection", label):
            if href.startswith(("http://", "https://")) and href not in found:
                found.append(href)
    return tuple(found[:2])


def _drop_story_lists(soup) -> None:
    """Remove blocks headed "More on this story", "Related topics", "Latest news" and the like."""
    for heading in soup.find_all(["h2", "h3", "h4", "h5", "strong", "p", "span", "div"]):
        if heading.decomposed or not _OTHER_STORIES.match(heading.get_text(" ", strip=True) or "x"):
            continue
        block = heading.parent if heading.parent and heading.parent.name not in ("body", "main", "article") else heading
        nxt = heading.find_next_sibling()
        if block is heading and nxt is not None and nxt.name in ("ul", "ol", "div", "section"):
            nxt.decompose()
        block.decompose()


def _is_furniture(tag) -> bool:
    if tag.name in ("html", "body", "main", "article") or tag.attrs is None or tag.decomposed:
        return False
    hint = " ".join(tag.get("class") or []) + " " + (tag.get("id") or "") + " " + (tag.get("role") or "")
    return bool(hint.strip()) and bool(_DROP_HINT.search(hint))


def _title(soup: BeautifulSoup) -> str | None:
    h1 = soup.find("h1")
    if h1 and h1.get_text(strip=True):
        return re.sub(r"\s+", " ", h1.get_text(" ", strip=True))
    og = soup.find("meta", attrs={"property": "og:title"})
    if og and og.get("content"):
        return og["content"].strip()
    return soup.title.get_text(strip=True) if soup.title else None


def _meta_date(soup: BeautifulSoup) -> str | None:
    for name in _DATE_META:
        tag = soup.find("meta", attrs={"property": name}) or soup.find("meta", attrs={"name": name})
        found = parse_date(tag.get("content")) if tag else None
        if found:
            return found
    time_tag = soup.find("time", attrs={"datetime": re.compile(r"^\d{4}-\d{2}-\d{2}")})
    if time_tag and parse_date(time_tag["datetime"]):
        return parse_date(time_tag["datetime"])
    # A "Published 9 July 2021" line in the page's metadata block (dropped later as furniture).
    from bot.extract.facts import find_published

    for block in soup.find_all(class_=re.compile(r"meta|date|published|byline", re.I)):
        found = find_published(block.get_text("\n", strip=True))
        if found:
            return found
    return None


def _block_text(root) -> str:
    """Text with a line break after each block and a tab between table cells."""
    for cell in root.find_all(["td", "th"]):
        cell.append("\t")
    for br in root.find_all("br"):
        br.replace_with("\n")
    for block in root.find_all(_BLOCKS):
        block.insert_before("\n")
        block.append("\n")
    text = root.get_text()
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", re.sub(r"[ \u00a0]+", " ", text))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


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
    """Pick the converter by content type, file name or the bytes themselves."""
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
