"""HTML to text: the package's one routine for it, and the hand-made article finder behind it.

A leaf module (bs4 only): `convert` reads pages through it when trafilatura finds too little, and
`sources` reads feed titles and summaries through it.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Comment

# Page furniture dropped before reading the article: it often names other units and ratings
# ("related stories"), or is boilerplate that reads like content (cookie banners, licences).
_DROP_TAGS = ("script", "style", "noscript", "nav", "footer", "aside", "form",
              "iframe", "svg", "button", "template", "select", "input")
FURNITURE_HINT = re.compile(
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
           "dd", "dt", "pre", "table", "ul", "ol", "figcaption", "article", "hr")


def html_text(html: str) -> str:
    """The text of an HTML document or fragment, a line per block, cells split by tabs."""
    return block_text(BeautifulSoup(html, "html.parser"))


# Terminal control sequences (ANSI CSI and OSC, 7- and 8-bit), then any other C0/C1 control but
# tab and newline: page text reaches terminals (`text`, `extract`, `run`'s alerts, `history`).
_TERMINAL_SEQUENCE = re.compile(r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]{0,512}(?:\x07|\x1b\\|\x9c)")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str | None) -> str | None:
    """Text without terminal control sequences or control characters (tab and newline kept)."""
    if text is None:
        return None
    text = _TERMINAL_SEQUENCE.sub("", text.replace("\r\n", "\n"))
    return _CONTROL.sub(lambda m: "\n" if m.group() in "\r\x0c" else "", text)


def fragment_text(html: str | None) -> str:
    """The text of an HTML fragment (a feed title or summary) on one line."""
    if not html:
        return ""
    if "<" in html or "&" in html:
        html = html_text(html)
    return re.sub(r"\s+", " ", printable(html)).strip()


def block_text(root) -> str:
    """Text with a line break after each block and a tab between table cells (changes `root`)."""
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


def article_root(soup: BeautifulSoup):
    """The element that holds the article, once the page's furniture is removed (changes `soup`)."""
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
    return next((m for sel in _MAIN_SELECTORS for m in [soup.select_one(sel)] if m), soup)


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
    return bool(hint.strip()) and bool(FURNITURE_HINT.search(hint))
