"""Evidence: the passage of the text as given that a claim was read from (issue 10)."""

from __future__ import annotations

import bisect
import re

from bot.extract.text import Sentence

_LIMIT = 320  # a sentence longer than this (a text without full stops) is cut around the claim
# What `normalise` folds, so that a passage of the normalised text is found again in the source.
_VARIANTS = {
    "'": r"(?:['‘’‚′`]|&#0?39;|&apos;|&[lr]squo;)",
    '"': r'(?:["“”„″]|&quot;|&[lr]dquo;)',
    "–": r"(?:[–—]|&[nm]dash;)",
    "-": r"[-‑‐]",
    "&": r"(?:&amp;|&)",
}


def sentence_at(sents: list[Sentence], pos: int) -> Sentence | None:
    """The sentence holding offset `pos` of the normalised text."""
    if not sents:
        return None
    i = bisect.bisect_right([s.start for s in sents], pos) - 1
    return sents[max(i, 0)]


def passage(sents: list[Sentence], pos: int) -> str | None:
    """The sentence around `pos`, cut to a readable window when it is very long."""
    s = sentence_at(sents, pos)
    if s is None:
        return None
    text, at = s.text, pos - s.start
    if len(text) <= _LIMIT:
        return text
    a = max(0, min(at - _LIMIT // 2, len(text) - _LIMIT))
    b = min(len(text), a + _LIMIT)
    a = text.rfind(" ", 0, a) + 1 if a else 0  # whole words at both ends
    end = text.find(" ", b)
    return text[a: end if end != -1 else len(text)]


def locate(source: str, found: str | None) -> str | None:
    """`found` (a passage of the normalised text) as written in `source`, whitespace collapsed."""
    if not found:
        return None
    found = found.strip()
    if found in source:
        return _spaces(found)
    m = re.search(_PIECE.sub(_piece, found), source)
    return _spaces(m.group(0) if m else found)


_PIECE = re.compile(r"\s+|['\"–&-]|[^\s'\"–&-]+")


def _piece(m: re.Match) -> str:
    """A run of the passage as a pattern: blanks match any blanks, folded characters their variants."""
    piece = m.group(0)
    if piece.isspace():
        return r"[\s|]+"
    return _VARIANTS.get(piece) or re.escape(piece)


def _spaces(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
