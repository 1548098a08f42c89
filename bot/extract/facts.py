"""Scores, recommendations, dates, the chief inspector, headline findings and standards."""

from __future__ import annotations

import re

from bot.dates import iso_date
from bot.extract.claims import asserted
from bot.extract.rules import rule
from bot.extract.text import MONTHS, RATING_WORDS, Sentence, canonical_rating, is_boilerplate, topic_of
from bot.extract.units import find_bare, find_mentions

_I = re.IGNORECASE
_NUMBERS = {
    w: i for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split())
}
_NUMBERS.update({"none": 0, "no": 0, "a single": 1, "thirty": 30, "forty": 40})
for _tens, _v in (("twenty", 20), ("thirty", 30)):
    for _u in range(1, 10):
        _NUMBERS[f"{_tens}-{list(_NUMBERS)[_u]}"] = _v + _u
NUM = r"(?:\d{1,3}|" + "|".join(sorted((re.escape(k) for k in _NUMBERS), key=len, reverse=True)) + r")"


def to_int(word: str) -> int | None:
    """'seven' -> 7, '12' -> 12."""
    w = word.strip().casefold()
    return int(w) if w.isdigit() else _NUMBERS.get(w)


# --- score ----------------------------------------------------------------------------------

# PDF tables glue cells together ("Croydon PDUScore 2/24"), so "Score" may follow a letter.
_SCORE_SLASH = re.compile(
    r"(?:\b[Ss]cor(?:e|ed|ing)|(?<=[A-Za-z])Score)\b\s*(?::|of|was)?\s*(\d{1,2})\s*/\s*(\d{1,2})\b")
_SCORE_OUT_OF = re.compile(
    rf"\b({NUM})\s+(?:points\s+)?out\s+of\s+(?:a\s+(?:total|possible|maximum)\s+(?:of\s+)?|"
    rf"a\s+possible\s+|the\s+(?:maximum|possible)\s+)?(\d{{1,2}})(?=\s+(?:inspection\s+)?points|"
    rf"\s*[.,;)(]|\s+(?:available|possible|in\s+[A-Z])|\s*$)", _I)
_SCORE_OF_POSSIBLE = re.compile(
    rf"\b({NUM})\s+(?:(?:inspection\s+)?points\s+)?(?:in\s+total,?\s+)?(?:out\s+of|of|from)\s+(?:a\s+)?(?:possible|maximum|total\s+of)\s+"
    rf"(\d{{1,2}})\b", _I)
_SCORE_POINTS = re.compile(rf"\bscor(?:e|ed|ing)\s+(?:just\s+|only\s+)?({NUM})\s+(?:inspection\s+)?points?\b", _I)
_SCORE_TOTAL = re.compile(r"(?:total|possible|maximum)\s+(?:of\s+)?(\d{1,2})\s+(?:inspection\s+)?points", _I)


def find_scores(text: str) -> list[tuple[int, str]]:
    """Every score the text prints, with its position: 'Score 3/24', 'zero out of a total of 27'."""
    total = _SCORE_TOTAL.search(text)
    found = []
    for m in _SCORE_SLASH.finditer(text):
        found.append((m.start(), f"{int(m.group(1))}/{int(m.group(2))}"))
    for m in _SCORE_OUT_OF.finditer(text):
        context = text[max(0, m.start() - 60): m.end() + 25].casefold()
        if ("point" in context or "scor" in context or "rating of" in context
                or re.search(r"total|possible|maximum", m.group(0), _I)):
            found.append((m.start(), f"{to_int(m.group(1))}/{int(m.group(2))}"))
    for m in _SCORE_OF_POSSIBLE.finditer(text):
        if not any(abs(p - m.start()) < 5 for p, _ in found):
            found.append((m.start(), f"{to_int(m.group(1))}/{int(m.group(2))}"))
    for m in _SCORE_POINTS.finditer(text):
        if not asserted(text[max(0, m.start() - 160): m.start()]):
            continue  # "for a unit not to score a single point": no score given
        if total and not any(abs(p - m.start()) < 5 for p, _ in found):
            found.append((m.start(), f"{to_int(m.group(1))}/{int(total.group(1))}"))
    return sorted(found)


# --- recommendations ------------------------------------------------------------------------

_RECS = [
    re.compile(rf"\b(?:makes?|made|making|contains?|sets?\s+out|issues?|issued|includes?|has|"
               rf"there\s+are|there\s+were)\s+"
               rf"(?:a\s+total\s+of\s+|just\s+|only\s+|a\s+(?:series|set|number)\s+of\s+)?({NUM})\s+(?:\w+\s+){{0,2}}?"
               rf"recommendations?\b", _I),
    re.compile(rf"\b({NUM})\s+(?:\w+\s+)?recommendations?\s+(?:have\s+been\s+|were\s+|are\s+|was\s+)?"
               rf"(?:made|issued|set\s+out|given)", _I),
    re.compile(rf"\b(?:the\s+report's|the\s+inspection's|its|their)\s+({NUM})\s+recommendations\b", _I),
    re.compile(rf"\ball\s+({NUM})\s+(?:of\s+)?(?:the\s+)?(?:inspectors'|inspectorate's|report's|its|their)?\s*"
               rf"recommendations\b", _I),
]
# "... makes four recommendations to the PDU and one to the regional leadership"
# "... makes six recommendations to the CRC, two to the prison service and one to the ministry"
_FIRST_TO = re.compile(rf"\s+(?:to|for)\s+[^,.;]{{1,60}}?(?=,|\s+and\s+{NUM}\b)", _I)
_MORE_RECS = re.compile(rf"(?:,\s*(?:and\s+)?|\s+and\s+)({NUM})\s+(?:more\s+|further\s+)?(?:to|for)\s+"
                        rf"(?P<to>[^,.;]{{1,60}}?)(?=,|\s+and\s+{NUM}\b|[.;]|$)", _I)
# "six recommendations to A PDU and five to B PDU", "13 recommendations, seven for A and six for B"
_PER_UNIT_RECS = rule(
    "recommendations-per-unit",
    rf"\b(?P<n>{NUM})\s+(?:\w+\s+)?(?:recommendations?\s+)?(?:are\s+|were\s+)?(?:to|for)\s+"
    rf"(?P<who>[^,.;]{{2,60}}?)(?=,|\s+and\s+{NUM}\b|\s+and\s+[A-Z]|[.;]|$)",
    "counts given to named units, one by one",
    ["six recommendations to Anytown PDU and five to Westmoor PDU", "seven for Anytown and six for Westmoor"],
    ["recommendations for improvement"])
_GIVEN_RECS = rule(
    "unit-given-recommendations",
    rf"(?P<who>\b[A-Z][\w'&-]*(?:\s+(?:and\s+)?[A-Z][\w'&-]*){{0,4}})\s+(?:was|were)\s+(?:given|set)\s+(?P<n>{NUM})\s+"
    rf"recommendations?\s+and\s+(?P<who2>[A-Z][\w'&-]*(?:\s+[A-Z][\w'&-]*){{0,4}})\s+(?P<n2>{NUM})\b",
    "'A was given three recommendations and B four'",
    ["Anytown was given three recommendations and Westmoor four"], ["Anytown was given good feedback"], flags=0)


def recommendations_per_unit(text: str) -> dict[str, int]:
    """Each unit's own count where a sentence shares them out ('seven for A and six for B')."""
    out: dict[str, int] = {}
    context = text[:200] + topic_of(text)
    for s in re.split(r"(?<=[.!?])\s+|\n+", text):
        if "recommendation" not in s.casefold():
            continue
        pairs = [(m.group("n"), m.group("who")) for m in _PER_UNIT_RECS.finditer(s)]
        pairs += [(m.group(k), m.group(w)) for m in _GIVEN_RECS.finditer(s) for k, w in (("n", "who"), ("n2", "who2"))]
        for count, target in pairs:
            for mention in find_mentions(target) or find_bare(target, context):
                out.setdefault(mention.unit.name, to_int(count))
    return out


_REC_HEADING = re.compile(r"^\s*recommendations\s*$", _I | re.M)
_REC_ITEM = re.compile(r"^\s*[-•*]?\s*(\d{1,2})[.)]\s+\S", re.M)
# The heading that ends the recommendations section ("Background", "1. Organisational delivery").
_HEADING = re.compile(r"^[ \t]*(?:(?i:background|contents|annexe.*|foreword|introduction)|"
                      r"\d+\.[ \t]+[A-Z][a-z]+(?:[ \t]+[a-z]+){0,4})[ \t]*$")


def count_recommendations(text: str, sents: list[Sentence]) -> int | None:
    """'The report makes seven recommendations', or the numbered list in a report."""
    for s in sents:
        low = s.text.casefold()
        if "recommendation" not in low or re.search(r"\b(?:thematic|previous|last|between\s+them)\b", low):
            continue
        if re.search(r"\bin\s+total\b", low) and re.search(r"\b(?:reports|inspections|services|units|pdus)\b", low):
            continue  # "The three reports make 19 recommendations in total": no one unit's count
        for rx in _RECS:
            m = rx.search(s.text)
            if m:
                more = _more_recs(s.text, m.end())
                if any(find_mentions(to) for _, to in more):
                    return to_int(m.group(1))  # "six to A PDU and five to B PDU": per unit, not a sum
                return to_int(m.group(1)) + sum(n for n, _ in more)
    return _numbered_list(text)


def _more_recs(text: str, at: int) -> list[tuple[int, str]]:
    """The further counts listed after a first one: ', two to X and one to Y'."""
    first = _FIRST_TO.match(text, at)
    if not first:
        return []
    out, at = [], first.end()
    while (m := _MORE_RECS.match(text, at)):
        out.append((to_int(m.group(1)) or 0, m.group("to")))
        at = m.end()
    return out


def _numbered_list(text: str) -> int | None:
    """Count a report's numbered recommendations: items 1, 2, 3 ... after the heading."""
    for head in _REC_HEADING.finditer(text):
        expected = 1
        for line in text[head.end(): head.end() + 8000].splitlines():
            m = _REC_ITEM.match(line)
            if m and int(m.group(1)) == expected:
                expected += 1
            elif _HEADING.match(line) and expected > 1:
                break  # the next section ("Background", "1. Organisational delivery")
        if expected > 2:
            return expected - 1
    return None


# --- publication date -----------------------------------------------------------------------

_DMY = rf"(\d{{1,2}})(?:st|nd|rd|th)?\s+((?:{MONTHS}|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?)\s+(\d{{4}})"
_WHEN = r"(?:\d{1,2}[:.]\d{2}\s*(?:am|pm)?,?\s+)?(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
# Each rule says how its groups read: "dmy" (12 March 2024), "d/m/y" (UK order) or "y-m-d".
_PUBLISHED = (
    rule("published-label",
         rf"^\s*(?:published|first\s+published|publication\s+date|date\s+published|date|"
         rf"embargoed\s+(?:until|to)|under\s+embargo\s+until|for\s+immediate\s+release)\s*[:–-]?\s*(?:on\s*:?\s*)?"
         rf"{_WHEN}{_DMY}",
         "a 'Published:' or embargo line gives the date", ["Published: 12 March 2024", "EMBARGOED UNTIL 00:01 THURSDAY 11 APRIL 2019"],
         ["Inspected in March 2024"], flags=_I | re.M, order="dmy"),
    rule("published-label-numeric",
         r"^\s*(?:published|publication\s+date|date\s+published|date)\s*:?\s*(?:on\s*:?\s*)?(\d{1,2})/(\d{1,2})/(\d{4})\b",
         "a numeric date on a 'Published' line, day first", ["Published: 12/03/2024"], ["Ref 12/03/2024"],
         flags=_I | re.M, order="d/m/y"),
    rule("published-label-iso",
         r"^\s*(?:published|date)\s*:?\s*(\d{4})-(\d{2})-(\d{2})\b",
         "an ISO date on a 'Published' or 'date' line", ["date 2019-03-28"], ["id 2019-03-28"],
         flags=_I | re.M, order="y-m-d"),
    rule("published-on",
         rf"(?:published|published\s+on|available|posted)\b[^\n]{{0,80}}?\b(?:on|today,?|today\s+\()\s*{_DMY}",
         "'published today, 12 March 2024' in running text (not in an aside about another report)",
         ["The report was published today, 12 March 2024."], ["published a plan in May"], order="dmy", aside=True),
    # News pages glue the byline to the date: "Reporting ServicePublished 15th Nov 2024".
    rule("published-glued",
         rf"(?:(?<![A-Za-z])[Pp]ublished|(?<=[a-z])Published|(?<![A-Za-z])[Pp]osted)\s*:?\s+{_DMY}",
         "a byline glued to its date", ["ServicePublished 15th Nov 2024", "Posted: 12 July 2023"],
         ["posted a letter"], flags=0, order="dmy"),
    rule("byline-date",
         rf"^\s*(?:Posted|Published|Written)?\s*[Bb]y\s+[^\n]{{2,120}}?\s*[,|]\s*(?:on\s+)?{_DMY}\s*$",
         "a byline ending in its date", ["Posted by Jane Smith, 14 February 2024"], ["By the way, good"],
         flags=re.M, order="dmy"),
)


# A line near the top that is only a date ("Friday, 3rd May 2019, 7:00 am", "Thursday, May 12, 2022"),
# a name and a date ("Jane Smith - 15 February 2019"), or a headline opening with one.
_DATELINES = (
    rule("dateline",
         rf"^[ \t]*{_WHEN}{_DMY}(?:,?\s+(?:at\s+)?\d{{1,2}}[:.]\d{{2}}\s*(?:am|pm)?)?[ \t]*$",
         "a line of its own holding only a date, near the top, is the dateline",
         ["Friday, 3rd May 2019, 7:00 am", "20 November 2019"], ["In 20 November 2019 we met"],
         flags=_I | re.M, order="dmy"),
    rule("dateline-month-first",
         rf"^[ \t]*(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?((?:{MONTHS}))\s+(\d{{1,2}}),\s+(\d{{4}})[ \t]*$",
         "a dateline written month first", ["Thursday, May 12, 2022"], ["May 12 was a Thursday"],
         flags=_I | re.M, order="mdy"),
    rule("byline-dash-date",
         rf"^[ \t]*[A-Z][a-z'-]+(?:\s+[A-Z][a-z'-]+){{1,3}}\s*[-–|]\s*{_DMY}[ \t]*$",
         "a byline 'Name - date'", ["Jane Smith - 15 February 2019"], ["Jane Smith - reporter"], flags=re.M, order="dmy"),
    rule("headline-opening-date",
         rf"\A\s*{_DMY}\s*[-–:]\s+\S",
         "a headline opening with its date ('21 September 2023 - A farewell')",
         ["21 September 2023 - A farewell"], ["A farewell, 21 September 2023"], order="dmy"),
)


def find_published(text: str) -> str | None:
    """The publication date the text states, as an ISO date; never a guess."""
    for r in _PUBLISHED:
        for m in r.finditer(text):
            if r.meta.get("aside") and _is_aside(text, m.start()):
                continue
            iso = _iso(m.groups(), numeric=r.meta["order"] == "d/m/y", ymd=r.meta["order"] == "y-m-d")
            if iso:
                return iso
    top = "\n".join(text.split("\n")[:12])  # a dateline stands near the top
    for r in _DATELINES:
        m = r.search(top)
        if m:
            groups = (m.group(2), m.group(1), m.group(3)) if r.meta["order"] == "mdy" else m.groups()
            iso = _iso(groups, numeric=False)
            if iso:
                return iso
    return None


def _is_aside(text: str, pos: int) -> bool:
    """'(published on 29 June 2023)' about another unit is not this text's date."""
    opened = text.rfind("(", max(0, pos - 80), pos)
    return opened != -1 and text.find(")", opened, pos) == -1


def _iso(groups: tuple, *, numeric: bool, ymd: bool = False) -> str | None:
    # UK pages write numeric dates day first; bot.dates turns the parts into a date.
    d, mo, y = (groups[2], groups[1], groups[0]) if ymd else groups
    return iso_date(d, mo, y)


# --- chief inspector ------------------------------------------------------------------------

_NAME = r"((?:Dame|Sir|Dr|Professor)?\s*[A-Z][a-z]+(?:[ -](?:Ma?c|O')?[A-Z][a-z'’]+){1,2})"
_POSTNOMINALS = r"(?:,?\s+(?:CBE|OBE|MBE|KC|QC|QPM|DBE|KBE|CB))*"
_CI = r"(?i:chief\s+inspector\s+of\s+probation)"
_CHIEF = [
    re.compile(rf"{_NAME}{_POSTNOMINALS},?\s*\n*\s*(?i:(?:the\s+)?(?:(?:then|outgoing|former|new|interim|incoming|acting|"
               rf"newly\s+appointed)\s+)?"
               rf"(?:hm\s+|his\s+majesty's\s+|her\s+majesty's\s+)?){_CI}"),
    re.compile(rf"(?i:(?:hm\s+)?){_CI},?\s+{_NAME}"),
    re.compile(rf"{_NAME},\s+(?i:(?:the\s+)?(?:hm\s+)?chief\s+inspector),?\s+(?i:said|added|says)\b"),
    re.compile(rf"(?i:(?:hm\s+)?chief\s+inspector),?\s+{_NAME},?\s+(?i:said|added|says)\b"),
    re.compile(rf"{_NAME}{_POSTNOMINALS}\s+(?i:(?:has\s+been\s+|is\s+)?appointed\s+(?:as\s+)?(?:the\s+new\s+)?(?:hm\s+)?){_CI}"),
    # "chief probation inspector Jane Smith", "the Inspectorate of Probation's chief Dame Jane Smith"
    re.compile(rf"(?i:chief\s+probation\s+inspector),?\s+{_NAME}"),
    re.compile(rf"(?i:(?:inspectorate\s+of\s+probation|hmi\s+probation)(?:'s)?\s*(?:\(hmip\)\s*)?chief(?:\s+[a-z]+)?),?\s+{_NAME}"),
    re.compile(rf"(?i:chief\s+inspector),\s+{_NAME}[ \t]*$", re.M),
    re.compile(rf"{_NAME}\s+(?i:as\s+(?:the\s+)?(?:hm\s+|his\s+majesty's\s+|her\s+majesty's\s+)?){_CI}"),
]
_TITLES = re.compile(r"^(?:Dame|Sir|Dr|Professor)\s+")
_LEADING_WORD = re.compile(r"^(?:But|And|So|Yet|Then|When|While|As|Meanwhile|However)\s+(?=[A-Z])")
_NOT_NAMES = {"Chief", "Inspector", "Probation", "Said", "Foreword", "From", "The", "HM", "His", "Her",
              "Majesty's", "Majesty", "Head", "Deputy", "But", "And", "So", "Yet", "Then", "When", "While", "As"}


def find_chief_inspector(text: str) -> str | None:
    """The Chief Inspector of Probation quoted or signing the text."""
    best = None
    for rx in _CHIEF:
        for m in rx.finditer(text):
            name = _TITLES.sub("", _LEADING_WORD.sub("", m.group(1).strip()))
            words = name.split()
            if len(words) >= 2 and not set(words) & _NOT_NAMES:
                if best is None or m.start() < best[0]:
                    best = (m.start(), name)
                break
    return best[1] if best else None


# --- headline findings ----------------------------------------------------------------------

_STRONG = re.compile(
    r"\bper\s+cent\b|%|\bvacanc|\bworkloads?\b|\bcaseloads?\b|\bsickness\b|\bstaffing\b|"
    r"\bstrong|\bweak|\bimpressive|\bexcellent|\bpoor|\binsufficient|\bconcern|\beffective|"
    r"\bhigh\b|\btoo\s+(?:many|few|high|low)|\bonly\b|\bhalf\b|\bthird|\bquarter", _I)
_SKIP = re.compile(
    r"report\s+makes|recommendation|media\s+enquiries|four-point\s+scale|available\s+(?:at|on)|"
    r"fieldwork|independent\s+inspector|replaced\s+community|one\s+of\s+\w+\s+pdus|"
    r"overall\s+rating|has\s+been\s+rated|licence|cookies|read\s+the\s+report|published|"
    r"(?:first|second|third)\s+inspection|since\s+it\s+was\s+(?:established|created)|"
    r"last\s+inspected|previously\s+(?:been\s+)?rated", _I)


def headline_findings(sents: list[Sentence], limit: int = 5) -> list[str]:
    """3 to 5 sentences a journalist would quote: figures, what was strong, what was weak."""
    scored = []
    for i, s in enumerate(sents):
        t = s.text.strip()
        if s.in_notes or s.in_title or len(t) < 60 or len(t) > 400 or _SKIP.search(t) or is_boilerplate(t):
            continue
        if re.search(rf"\b(?:{RATING_WORDS})\b", t, _I) and "said" in t.casefold():
            continue
        hits = len(_STRONG.findall(t))
        if re.search(r"\d", t):
            hits += 2
        if re.search(r"\bsaid\b", t, _I):
            hits -= 1  # a quote is quotable, but the inspectors' figures come first
        if hits:
            scored.append((hits, i, _tidy(t)))
    best = sorted(scored, key=lambda x: (-x[0], x[1]))[:limit]
    return [t for _, _, t in sorted(best, key=lambda x: x[1])]


def _tidy(sentence: str) -> str:
    """One line; a quote cut by sentence splitting gets its quotation marks back."""
    t = re.sub(r"\s+", " ", sentence).strip().lstrip("-•* ")
    if t.count('"') % 2:
        t = t.replace('"', "")
        said = re.match(r"^(.{0,100}?\bsaid),?:?\s+(.+)$", t)
        if said:
            t = f'{said.group(1)}: "{said.group(2)}"'
    return t


# --- standards table ------------------------------------------------------------------------

def _spaced(word: str) -> str:
    """A word that PDF extraction may have split with spaces or tabs ('Ove rall')."""
    return r"\s*".join(re.escape(c) for c in word)


_RATING_LOOSE = "|".join(
    r"\s+".join(_spaced(w) for w in r.split()) for r in
    ("Outstanding", "Good", "Requires improvement", "Inadequate")
)
_STANDARD_ROW = re.compile(
    rf"(?m)^[\s_-]*(\d)\s*\.\s*(\d)\.?[ \t]+([A-Z][A-Za-z ,&'()/-]{{2,70}}?)[ \t]+({_RATING_LOOSE})[ \t]*$")


def find_standards(text: str) -> dict[str, str]:
    """The per-standard ratings table of a full report: {'1.1 Leadership': 'Requires improvement'}."""
    out: dict[str, str] = {}
    for m in _STANDARD_ROW.finditer(text):
        name = re.sub(r"\s+", " ", m.group(3)).strip()
        key = f"{m.group(1)}.{m.group(2)} {name}"
        rating = canonical_rating(re.sub(r"\s+", "", m.group(4)))
        if rating and key not in out:
            out[key] = rating
    return out


_OVERALL_ROW = re.compile(rf"(?m)^\s*{_spaced('Overall')}\s+{_spaced('rating')}[:\s]+({_RATING_LOOSE})\s*$")


def table_overall(text: str) -> tuple[str | None, int]:
    """The 'Overall rating' row of a report's ratings table, and where it stands."""
    m = _OVERALL_ROW.search(text)
    if not m:
        return None, -1
    squashed = re.sub(r"\s+", "", m.group(1)).casefold()
    return canonical_rating("requires improvement" if squashed.startswith("requires") else squashed), m.start()
