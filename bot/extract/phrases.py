"""More ways of stating a current overall rating, each a named rule read the same way.

A rule's `obj` group, when present, names what was rated ("upgraded *it* to ...", "a 'Good' rating
for *X YJS*"); otherwise the subject before the phrase does. A named unit gives a stated claim; a
generic one ("it", "the service") gives the text's own unit.
"""

from __future__ import annotations

from bot.extract.ratings import (
    _ACTIVE_SUBJECT, _FOR_ASPECT, _GENERIC, Rated, _each, _masked, _subject_units,
)
from bot.extract.rules import INFERRED, Strength, rule
from bot.extract.text import Q, RATING_WORDS, Sentence, before, canonical_rating, is_boilerplate
from bot.extract.units import find_bare, find_mentions

_FROM = rf"['\"]?(?:{RATING_WORDS})['\"]?"

PHRASES = (
    rule("first-to-be-rated",
         rf"\b(?:is|was|became|becomes|has\s+become)\s+the\s+(?:first|second|third|latest|only|last)\s+[^.;]{{0,80}}?"
         rf"\bto\s+(?:be\s+|have\s+been\s+)?(?:rated|judged|graded)\s+(?:as\s+)?{Q}",
         "'X is the first ... to be rated Y' rates X (it says nothing of X's own first inspection)",
         ["It is the first team in this year's programme to be rated as 'Inadequate'"],
         ["the first team to be inspected"]),
    rule("resulting-in-a-rating",
         rf"\b(?:result(?:s|ed|ing)?\s+in|lead(?:s|ing)?\s+to|led\s+to)\s+(?:an?|the)\s+(?:overall\s+)?"
         rf"(?:rating|grade)\s+(?:of\s+)?{Q}",
         "what the findings 'resulted in' is the rating of the text's unit",
         ["deficits in three standards, which resulted in a rating of 'Requires improvement'"],
         ["resulted in a good outcome"], self=True),
    rule("resulting-in-a-q-rating",
         rf"\b(?:result(?:s|ed|ing)?\s+in|lead(?:s|ing)?\s+to|led\s+to)\s+(?:an?|the)\s+{Q}\s+(?:overall\s+)?"
         rf"(?:rating|grade)",
         "what led to 'the Inadequate rating' is the text's unit's rating",
         ["the failures that led to the 'inadequate' rating"], ["led to the good work"], self=True),
    rule("the-rated-service",
         rf"\bthe\s+(?=['\"]){Q}\s+(?:youth\s+(?:justice|offending)\s+(?:service|team)|probation\s+(?:service|delivery\s+unit)|"
         rf"service|unit|pdu|yjs|yos|yot|crc|team|company)\b",
         "a quoted rating used as the unit's epithet ('the 'inadequate' service') is its rating, inferred",
         ["Inspectors gave the 'inadequate' service a rating of zero"], ["the good service"], self=True,
         inferred=True),
    rule("performing-to-a-standard-overall",
         rf"\bperform(?:s|ed|ing)?\s+to\s+an?\s+{Q}\s+standard\s+overall",
         "'performing to a good standard overall' is the overall judgement in plain words",
         ["was found to be performing to a good standard overall"],
         ["performing to a good standard in court work"]),
    rule("moved-to",
         rf"\b(?:upgraded|downgraded|raised|lowered|lifted|moved|promoted|demoted)\s+"
         rf"(?:(?P<obj>it|them|the\s+\w+(?:\s+\w+)?)\s+)?(?:(?:its|their|the)\s+(?:overall\s+)?(?:rating|grade)\s+)?"
         rf"(?:(?:up|down)\s+(?:a|one|two)\s+(?:grade|level)s?\s+)?(?:from\s+{_FROM}\s+)?to\s+{Q}",
         "the rating a unit was moved to is its current rating",
         ["a new report has upgraded it to 'Requires improvement'", "raised the overall rating from 'Good' to "
          "'Outstanding'"],
         ["moved to a new office", "raised concerns about good practice"]),
    rule("overall-rating-for-x-colon",
         rf"\boverall\s+rating\s+(?:for|of)\s+(?P<obj>[^:\n]{{3,90}}?)\s*[:–-]\s*{Q}",
         "'Overall rating for X: Y', as report pages set it out",
         ["Overall rating for Anytown PDU: Requires improvement"], ["Overall rating for the region is pending"],
         named_only=True),
    rule("kept-its-rating",
         rf"\b(?:retain|maintain|kept|keep|held\s+on\s+to|hold\s+on\s+to|hang\s+on\s+to|hung\s+on\s+to)(?:s|ed|ing)?\s+"
         rf"(?:its|their|the)\s+{Q}\s+(?:overall\s+)?(?:rating|grade)",
         "a unit that kept its rating holds it now (and held it before)",
         ["Anytown PDU has retained its 'Good' rating"], ["kept its good staff"], through_mask=True),
    rule("raised-the-rating-of-x",
         rf"\b(?:raised|lifted|upgraded|improved|lowered|downgraded|cut|dropped)\s+(?:the|its|their)\s+(?:overall\s+)?"
         rf"(?:rating|grade)\s+(?:of|for)\s+(?P<obj>[^.'\"]{{3,90}}?)\s+(?:from\s+{_FROM}\s+)?to\s+{Q}",
         "'raised the overall rating of X (from A) to B' rates X B",
         ["Inspectors raised the overall rating of the Anytown team from 'Good' to 'Outstanding'"],
         ["raised the profile of the team to good effect"]),
    rule("gave-x-the-nth-rating",
         rf"\b(?:gave|given|awarded|handed)\s+(?P<obj>[^.'\"]{{3,90}}?)\s+the\s+(?:second[- ])?(?:lowest|highest|top|worst|best)"
         rf"\s+(?:of\s+the\s+(?:four\s+)?(?:available\s+|possible\s+)?(?:ratings|grades)|(?:possible\s+)?(?:rating|grade))"
         rf"(?:\s+possible)?\s*(?:[(–:,-]|of)?\s*{Q}",
         "'gave X the second-lowest of the four ratings, Y' rates X",
         ["Inspectors gave the Anytown team the second-lowest of the four available ratings, 'Requires improvement'"],
         ["gave the team the lowest score"]),
    rule("a-rating-for-x",
         rf"\ban?\s+{Q}\s+(?:overall\s+)?rating\s+(?:across\s+the\s+board\s+)?for\s+(?P<obj>[^.;,()]{{3,80}}?)"
         rf"(?=\s+(?:from|by|in|after|following|at|this|last)\b|[.,;(]|$)",
         "'an Outstanding rating for X' rates X when X is a named unit (not 'for its leadership')",
         ["an 'Outstanding' rating across the board for the Anytown Youth Justice Service from HM Inspectorate"],
         ["a 'Good' rating."], named_only=True),
)


# The four-point scale's ends named without the word: "received the lowest rating possible".
_ENDS = {"lowest": "Inadequate", "bottom": "Inadequate", "worst": "Inadequate", "highest": "Outstanding",
         "top": "Outstanding", "best": "Outstanding", "second-lowest": "Requires improvement",
         "second-highest": "Good"}
SCALE_ENDS = (
    rule("the-lowest-rating",
         r"\b(?:(?:received|receives|been\s+given|was\s+given|were\s+given|got|gets|awarded|handed|given)|"
         r"(?:gave|gives|give|awarded|awards|scor(?:ing|ed|es|e))\s+(?P<obj>it|them|[^.;'\"]{2,60}?))\s+the\s+"
         r"(?P<end>(?:second[- ])?(?:lowest|highest)|worst|best|top)\s+(?:possible\s+|available\s+)?(?:overall\s+)?"
         r"(?:rating|grade|judgement)"
         r"(?![^.;]{0,24}?['\"]?\b(?:outstanding|good|requir|inadequate))(?!(?:\s+(?:possible|available))?\s+for\b)",
         "the ends of the four-point scale, named or not: lowest 'Inadequate', second-lowest 'Requires "
         "improvement', second-highest 'Good', highest 'Outstanding'",
         ["Anytown PDU received the lowest rating possible.", "which gave it the second-lowest rating available"],
         ["received the lowest rating possible, 'Inadequate'", "received the lowest rating for victim work"]),
    rule("joins-at-the-bottom",
         r"\bjoin(?:s|ed|ing)?\s+(?P<obj>[^.;]{3,240}?)\s+(?:at|on)\s+the\s+(?P<end>bottom|top|lowest|highest)"
         r"(?:\s+(?:level|rung|grade|rating|of\s+the\s+(?:scale|ratings))|(?=\s*[.;]|$))",
         "units a rated unit 'joins at the bottom' hold the lowest rating too (named in passing)",
         ["It joins Eastmoor PDU and Westmoor PDU at the bottom level."], ["joins the team at the top of the hour"]),
)


# "Both services were rated 'Good'": the units named just before, when there are as many as it says.
_COUNTS = {"both": 2, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
BOTH = rule(
    "both-services-rated",
    rf"^(?:(?:and|but|so),?\s+)?(?:both|the\s+(?P<n>two|three|four|five|six)|all\s+(?P<m>three|four|five|six))\s+"
    rf"(?:of\s+them|(?:\w+\s+)?(?:services|units|pdus|teams|areas|organisations|companies|crcs|yjss|yots|yoss|"
    rf"divisions|regions))?\s*(?:have\s+been|had\s+been|were|are)\s+(?:also\s+|each\s+|both\s+)?"
    rf"(?:rated|judged|graded|found\s+to\s+be|assessed\s+as)\s+(?:as\s+)?{Q}",
    "'both services were rated X' gives X to the units just named, when their number matches",
    ["Both services were rated 'Good'.", "All three PDUs have been judged 'Requires improvement'."],
    ["Both reports were published today."])


def find_phrases(sents: list[Sentence], masked: list[tuple[int, int]]) -> list[Rated]:
    """Current overall ratings stated in the phrasings above."""
    out: list[Rated] = []
    previous_text = ""
    for s in sents:
        if is_boilerplate(s.text) or s.in_notes:
            continue
        for r in PHRASES:
            for m in r.finditer(s.text):
                pos = s.start + m.start("r")
                if (_masked(pos, masked) and not r.meta.get("through_mask")) or (
                        not r.meta.get("named_only") and _FOR_ASPECT.match(s.text[m.end():])):
                    continue
                out += _read(r, s, m, pos)
        out += _scale_ends(s)
        out += _both(s, previous_text)
        previous_text = s.text
    return out


def _both(s: Sentence, previous_text: str) -> list[Rated]:
    """Units coordinated across sentences: 'A and B were inspected. Both services were rated ...'."""
    m = BOTH.search(s.text)
    if not m:
        return []
    want = _COUNTS[(m.group("n") or m.group("m") or "both").casefold()]
    units = list(dict.fromkeys(x.unit for x in find_mentions(previous_text)))
    if len(units) != want:
        return []
    return [Rated(u, canonical_rating(m.group("r")), Strength.STATED, s.start + m.start("r"), True, BOTH.name, INFERRED)
            for u in units]


def _scale_ends(s: Sentence) -> list[Rated]:
    """Ratings named by their place on the scale: the subject's, or (joins ...) those it joins."""
    out: list[Rated] = []
    for r in SCALE_ENDS:
        for m in r.finditer(s.text):
            rating, pos = _ENDS[m.group("end").casefold().replace(" ", "-")], s.start + m.start("end")
            obj = m.groupdict().get("obj")
            if obj and r.name == "the-lowest-rating":  # "gave it the lowest rating": the text's unit
                units = [x.unit for x in find_mentions(obj)]
                out += _each(units, rating, Strength.STATED, pos, r.name) or [
                    Rated(None, rating, Strength.WEAK, pos, rule=r.name)]
                continue
            if obj:
                units = [x.unit for x in find_mentions(obj)]
                out += [Rated(u, rating, Strength.PASSING, pos, False, r.name, INFERRED) for u in units]
                continue
            subject = before(s.text, m.start())
            units = _subject_units(subject, s.context, strict=True)
            out += _each(units, rating, Strength.WEAK if s.in_title else Strength.STATED, pos, r.name)
            if not units and _GENERIC.search(subject):
                out.append(Rated(None, rating, Strength.WEAK, pos, rule=r.name))
    return out


def _read(r, s: Sentence, m, pos: int) -> list[Rated]:
    """The unit(s) a phrase rates: its object, else its subject; a generic one is the text's unit."""
    rating = canonical_rating(m.group("r"))
    strength = Strength.WEAK if s.in_title else Strength.STATED
    obj = m.groupdict().get("obj")
    if obj:
        units = [x.unit for x in find_mentions(obj) or find_bare(obj, s.context)]
        generic = not r.meta.get("named_only") and bool(_GENERIC.search(obj + " ") or obj.casefold() in ("it", "them"))
    else:
        subject = before(s.text, m.start())
        units = _subject_units(subject, s.context, strict=True)
        generic = (r.meta.get("self") or _GENERIC.search(subject)) and not _ACTIVE_SUBJECT.search(subject)
    if r.meta.get("inferred"):
        return [Rated(None, rating, Strength.WEAK, pos, rule=r.name, confidence=INFERRED)]
    if r.meta.get("self"):  # "these findings led to a rating of ...": the text's own unit
        return [Rated(None, rating, Strength.WEAK, pos, rule=r.name)]
    if units:
        return _each(units, rating, strength, pos, r.name)
    return [Rated(None, rating, Strength.WEAK, pos, rule=r.name)] if generic else []
