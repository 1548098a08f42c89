"""Previous ratings and first inspections: what the text says came before this inspection."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.extract.claims import asserted, by_another_body
from bot.extract.previous_rules import PREV_RULES
from bot.extract.ratings import _FOR_ASPECT, _GENERIC, generic_kind
from bot.extract.rules import rule
from bot.extract.subjects import _ASPECT_WORDS
from bot.extract.text import DATE, Q, RATING_WORDS, Sentence, before, canonical_rating
from bot.extract.units import Unit, find_bare, find_mentions

_I = re.IGNORECASE


@dataclass(frozen=True)
class Previous:
    """A previous rating (or only a previous inspection date) the text states."""

    rating: str | None
    date: str | None
    unit: Unit | None
    kind: str  # "own", "predecessor", "same"
    span: tuple[int, int]
    rule: str = ""  # the name of the rule that read it



# --- previous ratings: found first, so that their ratings are never read as current ones ----

_PAST_CUE = re.compile(rf"\b(?:previous(?:ly)?|last\s+(?:inspect|visit)|in\s+{DATE}\b|back\s+in|last\s+year)", _I)
_CLAUSE_YEAR = rule(
    "clause-in-year-it-was-rated",
    rf"(?:^|(?<=[;:])\s*|\bbut\s+|\band\s+)in\s+(?P<d>{DATE}),?\s+(?:it|they|the\s+\w+)\s+(?:was|were)\s+"
    rf"(?:rated|judged|graded)\s+(?:as\s+)?{Q}",
    "a clause opening with a past year (where a word boundary cannot stand)",
    ["The team improved; in 2019 it was rated 'Good'."], ["In 2019 it published a plan."])
_RETAINED = rule(
    "retained-rating",
    rf"(?:retain|maintain|kept|keep|held\s+on\s+to|hold\s+on\s+to)(?:s|ed|ing)?\s+(?:its|their|the)\s+"
    rf"{Q}\s+(?:rating|grade)",
    "keeping a rating means the previous one was the same (unless it is 'for' an aspect)",
    ["The unit kept its 'Good' rating."], ["kept its promise of good work"])
_FORMER_RATING = rule(
    "predecessor-rating", rf"(?:an?|the|its|their)\s+{Q}\s+rating\b",
    "in a sentence about a former body, its rating is the predecessor's",
    ["an 'Inadequate' rating, when it was part of the former trust"], ["a rating of good"])
_RATED_CHAIN = PREV_RULES + (_CLAUSE_YEAR,)
_STAYED = rule(
    "rating-unchanged",
    r"(?:overall\s+)?rating\s+(?:has\s+)?(?:stayed|stays|remained|remains)\s+the\s+same|"
    r"(?:overall\s+)?rating\s+(?:is|was|has\s+been)\s+unchanged|"
    # "the same rating it received at its last inspection"
    r"\bthe\s+same\s+(?:overall\s+)?(?:rating|grade)\s+(?:as\s+|that\s+)?(?:it|they)?\b[^.]{0,40}?"
    r"(?:last|previous)\s+(?:inspection|time)",
    "'the rating stayed the same': the previous rating is the current one",
    ['its overall rating has remained the same', 'the same rating it received at its last inspection'],
    ['the rating changed'], flags=_I)
_REMAINS = rule(
    "remains",
    rf"\b(?:(?:remains?|remained|still|continues?\s+to\s+be)\s+(?:rated\s+)?|again\s+(?:been\s+)?(?:rated|judged|graded)\s+(?:as\s+)?|"
    rf"again\s+received\s+an?\s+(?:overall\s+)?(?:rating\s+of\s+)?|(?:second|third|fourth)\s+consecutive\s+|"
    rf"(?=['\"]?(?:{RATING_WORDS})['\"]?\s+"
    rf"(?:rating\s+)?(?:again\b|for\s+(?:a|the)\s+(?:second|third|fourth)\s+(?:time|consecutive)))){Q}",
    "'remains Inadequate', 'rated Good again': the rating kept",
    ["the service remains 'Inadequate'", "rated 'Good' for the second time"],
    ['remains committed'], flags=_I)
_DRAGGED = re.compile(r"\b(?:dragg|pull|brought|bring|would\s+have)\w*\b[^.]{0,40}$", _I)
_LAST_DATE = re.compile(
    rf"(?:last|previous(?:ly)?|first)\s+(?:\w+\s+)?(?:inspect(?:ed|ion)|visited|looked\s+at)\b[^.]{{0,70}}?\bin\s+"
    rf"(?P<d>{DATE})\b|"
    rf"\bin\s+an?\s+(?P<d2>{DATE})\s+inspection\s+of\b|"
    rf"\b(?:damning|critical|scathing|previous|earlier)\s+(?:report|inspection)\s+in\s+(?P<d3>{DATE})\b", _I)
_FORMER = re.compile(r"\bformer\b|\bpredecessor\b|disaggregat|part\s+of\s+the\s+former|"
                     r"as\s+it\s+was\s+(?:then\s+)?(?:known|called)|previously\s+part\s+of|\breplaced\b", _I)


def find_previous(sents: list[Sentence], main: Unit | None) -> list[Previous]:
    """Every previous rating statement, in text order."""
    out = []
    for s in sents:
        if by_another_body(s.text):
            continue  # "a second consecutive 'Outstanding' from Ofsted" is not this unit's history
        for rx in _RATED_CHAIN:
            for m in rx.finditer(s.text):
                if _declined(rx, s.text, m):
                    continue
                rating = canonical_rating(m.group("r") or m.groupdict().get("r2"))
                date = m.groupdict().get("d") or _sentence_date(s.text)
                unit = _subject_unit(before(s.text, m.start()), s.context)
                kind = _kind(s.text, unit, main)
                named = generic_kind(before(s.text, m.start())[-40:])
                if unit is None and main is not None and named and named != main.type:
                    kind = "other"  # "The region was rated ..." in a PDU's story: not the PDU's rating
                # a rule whose match holds the current rating too masks only from the previous one
                start = m.start("r") if rx.meta.get("mask_from_rating") else m.start()
                out.append(Previous(rating, date, unit, kind, (s.start + start, s.start + m.end()), rx.name))
        if _FORMER.search(s.text):
            # "response to an 'Inadequate' rating, when they were part of the former X YJS"
            for m in _FORMER_RATING.finditer(s.text):
                out.append(Previous(canonical_rating(m.group("r")), _sentence_date(s.text), None,
                                    "predecessor", (s.start + m.start(), s.start + m.end()), _FORMER_RATING.name))
        for m in _RETAINED.finditer(s.text):
            if _FOR_ASPECT.match(s.text[m.end():]):
                continue  # "kept its 'Good' rating for leadership" is a sub-rating
            out.append(Previous(canonical_rating(m.group("r")), _sentence_date(s.text), None, "own",
                                (s.start + m.start(), s.start + m.end()), _RETAINED.name))
        for m in _ONE_GRADE.finditer(s.text):
            if _about_unit(before(s.text, m.start())):
                rating = _one_step(canonical_rating(m.group("r")), m.group("way") or _WAY.get(m.group("verb").casefold()))
                if rating is None:
                    continue  # "moved a grade": which way is not said
                out.append(Previous(rating, _sentence_date(s.text), None, "own",
                                    (s.start + m.start(), s.start + m.start("r")), _ONE_GRADE.name))
        for m in _STAYED.finditer(s.text):
            out.append(Previous(None, _sentence_date(s.text), None, "same", (s.start + m.start(), s.start + m.end()),
                                "rating-unchanged"))
    return _dedupe(out)


def _declined(rx, text: str, m) -> bool:
    """The guards some rules carry: a reading that the words around it contradict."""
    if _DRAGGED.search(text[: m.start()]):
        return True  # "dragged the overall rating down from 'good' to ..." is a sub-rating
    if rx.meta.get("needs_past_cue") and not (m.group("d") or _PAST_CUE.search(text)):
        return True  # "was also rated 'Good'" with nothing past about it is a current rating
    if rx.meta.get("needs_past_cue") and _ASPECT_WORDS.search(text[max(0, m.start() - 40): m.start()]):
        return True  # "work with victims ... and was rated 'Outstanding'" is a sub-rating
    if rx.meta.get("subject_is_unit") and not _about_unit(text[: m.start()]):
        return True  # "leadership improved from 'RI' to ..." is about an aspect
    lead = before(text, m.start("r"))
    if not asserted(lead, text[m.end("r"):]):
        return True  # "it could have been rated 'Outstanding'", "was not rated 'Inadequate' in 2021"
    clause = re.split(r"[,;:]", before(text, m.start()))[-1]
    return bool(_ASPECT_WORDS.search(clause[-40:]) and not find_mentions(clause))  # "Its leadership was rated"


_ONE_GRADE = rule(
    "one-grade-to",
    rf"\b(?P<verb>moved|gone|went|climbed|risen|rose|dropped|fallen|fell|slipped|improved|declined)\s+(?P<way>up|down)?\s*"
    rf"(?:a|one)\s+(?:grade|level|rating|place)\s+to\s+{Q}",
    "one grade up to Y means the previous rating was the one below Y (down: above)",
    ["has moved up a grade to 'Good'", "has dropped one grade to 'Requires improvement'"], ["moved up to 'Good'"])
_SCALE = ("Inadequate", "Requires improvement", "Good", "Outstanding")


_WAY = {"climbed": "up", "risen": "up", "rose": "up", "improved": "up", "dropped": "down", "fallen": "down",
        "fell": "down", "slipped": "down", "declined": "down"}


def _one_step(rating: str, way: str | None) -> str | None:
    """The rating one grade below (moved up) or above (moved down) `rating`; None if no way is said."""
    if way is None:
        return None
    i = _SCALE.index(rating) + (1 if way.casefold() == "down" else -1)
    return _SCALE[i] if 0 <= i < len(_SCALE) else None


def find_remains(sents: list[Sentence]) -> list[tuple[str, int]]:
    """'the service remains 'Inadequate'': the rating it kept, with its position."""
    return [(canonical_rating(m.group("r")), s.start + m.start())
            for s in sents if not by_another_body(s.text) for m in _REMAINS.finditer(s.text)
            if asserted(s.text[: m.start("r")])]


def find_previous_date(text: str) -> str | None:
    """'since their last inspection in 2015': the date alone, when no rating is given."""
    m = _LAST_DATE.search(text)
    return (m.group("d") or m.group("d2") or m.group("d3")) if m else None


def _sentence_date(sentence: str) -> str | None:
    """The date of the past inspection a previous-rating sentence names ('follows an inspection in 2019')."""
    m = _LAST_DATE.search(sentence) or _EARLIER_INSPECTION.search(sentence)
    return (m.group("d") or m.group("d2") or m.groupdict().get("d3")) if m else None


_EARLIER_INSPECTION = re.compile(rf"\b(?:an?|its|their|the)\s+inspection\s+in\s+(?P<d>{DATE})\b(?P<d2>)(?P<d3>)", _I)


def _kind(sentence: str, unit: Unit | None, main: Unit | None) -> str:
    """'own', 'predecessor' (the text links the bodies: 'former', 'as it was then known') or
    'other' (a neighbour's rating, never this unit's previous one)."""
    other = unit is not None and main is not None and unit.name != main.name
    if _FORMER.search(sentence):
        return "predecessor"
    return "other" if other else "own"


def _about_unit(subject: str) -> bool:
    """True when a clause's subject is a unit (named, or 'the PDU'), not an aspect of its work."""
    subject = re.sub(r"(?:'s?)?\s*(?:overall\s+)?rating\s+(?:has\s+|had\s+)?$", " ", subject, flags=_I)
    named = find_mentions(subject[-160:]) or find_bare(subject[-160:])
    tail = subject[-160:][named[-1].end:] if named else subject
    if _ASPECT_WORDS.search(tail[-40:]):
        return False
    return bool(named or _GENERIC.search(subject))


def _subject_unit(before: str, context: str = "") -> Unit | None:
    """The unit named closest before a phrase, if any ('Haringey was last inspected ...')."""
    mentions = find_mentions(before) or find_bare(before, context)
    return mentions[-1].unit if mentions else None


def _dedupe(prevs: list[Previous]) -> list[Previous]:
    """One statement per stretch of text: of overlapping readings, the longest (it holds the date)."""
    out: list[Previous] = []
    for p in sorted(prevs, key=lambda p: (p.span[0], -p.span[1])):
        if out and p.span[0] < out[-1].span[1]:
            continue
        out.append(p)
    return out



# --- first inspections -----------------------------------------------------------------

_FIRST = rule(
    "first-inspection",
    r"\bfirst\s+[^.]{0,60}?inspection\s+(?:(?:of|in|at|for)\s+[^.]{0,90}?)?since\s+[^.]{0,50}?"
    r"\b(?:re-?)?(?:unification|unified|established|created|formed|set\s+up|brought\s+back|"
    r"public\s+ownership|brought\s+in-house)\b"
    r"|\b(?:its|their)\s+first\s+(?:ever\s+)?inspection\b(?!\s+(?:under|of\s+its\s+kind|in\s+the\s+(?:new|current)))"
    r"(?!\s+(?:in|for)\s+(?:\w+\s+)?(?:years?|months?|decades?)\b|\s+since\s+(?:(?:January|February|March|April|May|"
    r"June|July|August|September|October|November|December)\s+)?(?:19|20)\d\d)"
    r"|\bfirst\s+time\s+[^.,;]{0,60}?\b(?:has|have)\s+been\s+inspected\s*(?:[.;]|$)"
    r"|\bhas\s+not\s+(?:previously\s+)?been\s+inspected\s+before\b"
    r"|\bfirst\s+time\s+(?:the\s+\w+|it|they|this\s+\w+)\s+(?:has|have)\s+been\s+inspected\s+since\s+[^.]{0,60}?"
    r"\b(?:unif|public\s+ownership|establish|creat|form)"
    r"|\b(?:neither|none|not)\b[^.]{0,40}?\b(?:had|has|have)\s+(?:previously\s+)?been\s+inspected\s+since\s+"
    r"[^.]{0,60}?\b(?:re-?unif|unification|public\s+ownership|establish|creat|form)",
    "the unit's own first inspection (not the first under a new methodology)",
    ['its first inspection since it was created in 2021'],
    ['its first inspection under the new framework'], flags=_I)
_ALL_FIRST = re.compile(r"\b(?:neither|none|both|each|all)\b[^.]{0,40}?\binspected\b", _I)


def first_inspection_for_all(text: str) -> bool:
    """True when the first-inspection statement covers every unit ('Neither unit had been ...')."""
    m = _FIRST.search(text)
    return bool(m and _ALL_FIRST.search(m.group(0)))


def is_first_inspection(text: str) -> bool:
    """True when the text says this is the unit's first inspection."""
    return bool(_FIRST.search(text))
