"""Text clean-up and sentence splitting shared by the extractor's rules."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

_QUOTES = str.maketrans({
    "‘": "'", "’": "'", "‚": "'", "′": "'", "`": "'",
    "“": '"', "”": '"', "„": '"', "″": '"',
    "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ", "\u200a": " ",
    "\u200b": "", "\u200c": "", "\u200d": "", "\ufeff": "", "\u00ad": "",
    "—": "–", "‑": "-", "‐": "-",
})

RATING_WORDS = (
    r"outstanding|good|inadequate|"
    r"requir(?:es|e|ing|ed)\s+improvement(?:s)?"
)
# Words that may follow a rating word written without quotes. Any other lower-case word makes it
# an adjective, not a rating: "some outstanding strengths", "good practice", "inadequate staffing".
_AFTER_BARE = (
    r"overall|by|in|at|for|following|after|when|and|but|across|since|with|on|from|again|to|as|"
    r"last|this|the|its|their|once|now|today|yesterday|recently|while|whilst|because|which|who|"
    r"despite|although|though|or|than|before|until|during|under|inspectors|according|rating|grade|"
    r"judgement|ratings|grades|standard|respectively|each|both|all|also|too|then|yet|either|not|is|was|"
    r"were|are|has|had|have|will|would|said|says|say|we|it|they|he|she|into|earlier|previously|back|"
    r"later|compared|up|down|means|one|two|three|four|five|six|seven|eight|nine|ten|ago|so|against|"
    r"over|between|among|amid|there|here|only|just|out|of|where|having|being|beside|alongside"
)
# A rating as written in running text: quoted or not, any case; a full stop or comma may sit
# inside the closing quote ("'Requiring Improvement.'").
Q = (rf"(?P<qq>['\"])?(?P<r>{RATING_WORDS})\b"
     rf"(?(qq)[.,!]?(?P=qq)|(?!\s+(?!(?:{_AFTER_BARE})\b)[a-z]))")
MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
)
DATE = rf"(?:(?:{MONTHS})\s+)?(?:19|20)\d{{2}}"


def normalise(text: str) -> str:
    """Straight quotes, plain spaces, entities decoded, tidy line breaks."""
    text = html.unescape(text).translate(_QUOTES)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Markdown/pipe tables ("| Overall rating | Inadequate |") read like PDF tables: cells by tabs.
    text = re.sub(r"(?m)^[ \t]*\|(.*)\|[ \t]*$", lambda m: m.group(1).replace("|", "\t"), text)
    # Runs of blanks become one space, or one tab where a tab separated table cells.
    text = re.sub(r"[ \t\f\v]+", lambda m: "\t" if "\t" in m.group(0) else " ", text)
    text = re.sub(r" *\n *", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


_REACH = 400  # how far back a claim's subject is looked for: keeps a text without full stops linear


def before(text: str, end: int) -> str:
    """The words before `end` in a sentence, at most _REACH characters (whole words)."""
    if end <= _REACH:
        return text[:end]
    start = text.find(" ", end - _REACH, end)
    return text[start + 1 if start != -1 else end - _REACH: end]


def canonical_rating(word: str | None) -> str | None:
    """'requiring improvement' -> 'Requires improvement', 'GOOD' -> 'Good'."""
    if not word:
        return None
    w = re.sub(r"\s+", " ", word.strip(" '\"")).casefold()
    if w.startswith("requir"):
        return "Requires improvement"
    return {"outstanding": "Outstanding", "good": "Good", "inadequate": "Inadequate"}.get(w)


@dataclass(frozen=True)
class Sentence:
    """A sentence with its offset in the normalised text and whether it is in the notes."""

    text: str
    start: int
    in_notes: bool = False
    in_title: bool = False
    title: str = ""  # the headline: it tells a bare place name's type ("youth justice services")

    @property
    def context(self) -> str:
        return f"{self.text}\n{self.title}"


_NOTES = re.compile(r"^\s*(?:notes? (?:to|for) (?:the )?editors?|ends)\s*:?\s*$", re.I | re.M)
# A closing quote or bracket after the full stop stays with its sentence.
_SPLIT = re.compile(r"(?<=[.!?])(?P<close>[\"')\]]?)\s+(?=[\"'(\[]?[A-Z0-9])|\n+")


def notes_start(text: str) -> int:
    """Where the notes to editors (or the ENDS line) begin; len(text) if none."""
    m = _NOTES.search(text)
    return m.start() if m else len(text)


_YOUTH = re.compile(r"\byouth\s+(?:justice|offending)\b|\b(?:yjs|yos|yot|yjt)\b", re.I)
_ADULT = re.compile(r"\bpdus?\b|probation\s+delivery\s+units?|probation\s+services?|\bcrcs?\b|community\s+rehabilitation|"
                    r"\bnps\b|probation\s+region", re.I)


def topic_of(text: str) -> str:
    """' (youth justice)' for a text mostly about youth justice services, else ''."""
    return " (youth justice)" if len(_YOUTH.findall(text)) > len(_ADULT.findall(text)) else ""


def sentences(text: str, title_end: int = 0) -> list[Sentence]:
    """Split into sentences at full stops and line breaks, keeping offsets."""
    notes = notes_start(text)
    # A bare place name's type follows the text's topic: a text about youth justice (headline or
    # not: committee papers are headed "Agenda item") names youth services, never PDUs.
    topic = topic_of(text)
    out, pos = [], 0
    for m in _SPLIT.finditer(text):
        _add(out, text, pos, m.end("close") if m.group("close") is not None else m.start(), notes, title_end, topic)
        pos = m.end()
    _add(out, text, pos, len(text), notes, title_end, topic)
    return out


def _add(out: list, text: str, start: int, end: int, notes: int, title_end: int, topic: str = "") -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if stripped:
        offset = start + chunk.index(stripped[0])
        out.append(Sentence(stripped, offset, offset >= notes, offset < title_end, text[:title_end] + topic))


_ONE = rf"['\"]?(?:{RATING_WORDS})\b['\"]?"
_RATING_LIST = re.compile(rf"{_ONE}(?:\s*(?:,|and|or|,\s*and|,\s*or)\s*{_ONE}){{2,}}", re.I)


def is_boilerplate(sentence: str) -> bool:
    """The scale boilerplate and other sentences that list several ratings at once."""
    low = sentence.casefold()
    if "four-point scale" in low or "four point scale" in low or "rates specific aspects" in low:
        return True
    # A list of three or more ratings ("'Outstanding', 'Good', 'Requires improvement' and
    # 'Inadequate'") is the scale; ratings given to named units in one sentence are not.
    return bool(_RATING_LIST.search(sentence))


# Page furniture that text extraction leaves in: cookie banners, skip links, the OGL licence
# block that prints before the article on HMI Probation's site, an empty "Published:" label.
_CHROME = [
    re.compile(r"^Are you OK with cookies\?.*?Which cookies are you happy for us to use\?", re.S | re.M),
    re.compile(r"^Are you OK with cookies\?[^\n]*$", re.M),
    re.compile(r"^Skip to (?:main )?content\s*$", re.M),
    re.compile(
        r"^All content is available under the Open Government Licence.*?"
        r"This publication is available at:\s*(?:\n\s*https?://\S+)?\s*$", re.S | re.M),
    # (kept when the date follows on the next line: "Published\n12 June 2024")
    # "Related stories" blocks and "Related: ..." lines name other units with other ratings
    re.compile(r"^(?:Related(?: stories| content| news| topics| articles| links)?|More on this story|"
               r"Read more|More from [^\n]{0,40}|You may also like|Top stories|Most read|Most popular|Most viewed|"
               r"Most commented|Trending(?: now)?|Popular(?: now| stories| articles)?|More stories|More news|"
               r"Latest news|Latest stories|Editor's picks|Recommended(?: for you| stories)?|In other news)"
               r"[ \t]*:?[ \t]*\n"
               r"(?:[^\n]+\n?)*", re.M | re.I),
    re.compile(r"^(?:Related|Read more|See also|Also read)[ \t]*:[^\n]*$", re.M | re.I),
    re.compile(r"^(?:Published|Last updated):?[ \t]*$(?!\n+[ \t]*\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]+\s+\d{4})", re.M),
]


def strip_chrome(text: str) -> str:
    """Remove page furniture so that the first line is the headline."""
    for rx in _CHROME:
        text = rx.sub("", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
