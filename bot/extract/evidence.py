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
_INVISIBLE = "[\u200b\u200c\u200d\ufeff\u00ad]*"


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
    pattern = "".join(_char(c) for c in found.strip())
    m = re.search(pattern, source)
    return _spaces(m.group(0) if m else found)


def _char(c: str) -> str:
    if c.isspace():
        return r"[\s|" + _INVISIBLE[1:-2] + r"]+"
    return (_VARIANTS.get(c) or re.escape(c)) + _INVISIBLE


def _spaces(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
