"""Previous ratings and first inspections: what the text says came before this inspection."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.extract.ratings import _ASPECT_WORDS, _GENERIC
from bot.extract.text import DATE, Q, RATING_WORDS, Sentence, canonical_rating
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



# --- previous ratings: found first, so that their ratings are never read as current ones ----

_VERB = r"(?:(?:rated|judged|graded|found|assessed|considered)(?:\s+to\s+be)?|judged\s+to(?=\s+['\"]?requir))"
_PREV_PATTERNS = [
    # "having previously been rated 'Inadequate' in 2022", "after being rated as 'RI' in March 2023"
    rf"(?:previously|formerly|after\s+being|having\s+been|when\s+(?:it|they)\s+(?:was|were)|"
    rf"(?:after|since|before)\s+(?:it|they)\s+(?:was|were|had\s+been)|where\s+(?:it|they)\s+(?:was|were))"
    rf"\s+(?:been\s+)?{_VERB}\s+(?:as\s+)?{Q}(?:\s+overall)?(?:,?\s+(?:back\s+)?in\s+(?P<d>{DATE}))?",
    # "was also found to be 'Inadequate' back in March 2023", "... and was rated 'RI'" (after a past
    # inspection): these lead-ins alone say nothing of time, so a past cue must stand by (_WEAK)
    rf"(?:and\s+(?:was|were)|were\s+also|was\s+also|also)\s+(?:been\s+)?{_VERB}\s+(?:as\s+)?{Q}(?:\s+overall)?"
    rf"(?:,?\s+(?:back\s+)?in\s+(?P<d>{DATE}))?",
    # "rated good when it was last inspected in 2019", "rated 'Good' at its last inspection"
    rf"{_VERB}\s+(?:as\s+)?{Q}\s+(?:when\s+(?:it|they|we|inspectors|the\s+inspectorate)\s+(?:was\s+|were\s+)?"
    rf"(?:last|previously)\s+(?:inspected|visited)|"
    rf"(?:at|in|during)\s+(?:its|their|the|our)\s+(?:last|previous)\s+inspection)(?:\s+in\s+(?P<d>{DATE}))?",
    # "At our last inspection of the region in 2023, it was rated 'RI'"; "...; it was rated 'X'"
    rf"(?<!since\s)(?:last|previous)\s+(?:inspection\b|inspected\b|visited\b)[^.]{{0,100}}?(?:[;,]|\band\b)?\s*"
    rf"(?:it|they|the\s+\w+|[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+){{0,4}})\s+"
    rf"(?:was|were)\s+(?:rated|judged|graded)\s+(?:as\s+)?{Q}",
    # "when it received a 'Good' rating", "when it was given an 'Inadequate' rating"
    rf"when\s+(?:it|they)\s+(?:received|was\s+given|were\s+given|was\s+awarded|got)\s+an?\s+(?:overall\s+)?"
    rf"{Q}\s+rating",
    # "when we last inspected the service in 2019, we rated it 'Good'"; "when inspectors judged it ..."
    rf"when\s+(?:we|inspectors|the\s+inspectorate)\s+[^.]{{0,80}}?\b(?:rated|judged|graded)\s+"
    rf"(?:it|them|the\s+\w+)\s+(?:as\s+)?{Q}",
    # "In 2019, Cardiff Youth Offending Service, as it was then known, received an 'Inadequate' rating"
    rf"^in\s+(?P<d>{DATE}),?\s[^.]{{0,160}}?\b(?:received|was\s+given|got|was\s+rated|were\s+rated)\s+"
    rf"(?:an?\s+|as\s+)?(?:(?:overall\s+)?rating\s+of\s+)?{Q}",
    # "which we inspected in March 2019 and rated 'Good'"; "inspected last year, was rated outstanding"
    rf"(?:inspected|visited)\s+(?:in\s+(?P<d>{DATE})|last\s+year|earlier\s+this\s+year),?\s+(?:and\s+)?"
    rf"(?:was\s+|were\s+)?(?:rated|judged|graded)\s+(?:it\s+)?(?:as\s+)?{Q}",
    # "improving on the 'Requires improvement' rating it received in 2021"
    rf"(?:the|its|their|an?)\s+{Q}\s+rating\s+(?:it|they|the\s+\w+)\s+(?:received|was\s+given|were\s+given|got|had|"
    rf"achieved|earned|was\s+awarded)"
    rf"(?:\s+in\s+(?P<d>{DATE}))?",
    # "which was rated 'Good' when it was inspected in 2022"; "when we inspected it in 2024"
    rf"{_VERB}\s+(?:as\s+)?{Q}\s+when\s+(?:it|they|we|inspectors)\s+(?:was\s+|were\s+)?inspected(?:\s+it|\s+them)?"
    rf"\s+in\s+(?P<d>{DATE})",
    # "We last rated the region 'Requires improvement' in 2024"; "currently rated 'Requires improvement'"
    rf"(?:last|previously|currently|presently)\s+rated\s+(?:(?:it|them|the\s+\w+|[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*){{0,4}})\s+)?"
    rf"(?:as\s+)?{Q}",
    # "In its 2018 inspection, X received an overall rating of 'RI'"; "In 2021, inspectors found X to be 'Inadequate'"
    rf"in\s+(?:its|their|the|our)\s+(?P<d>{DATE})\s+inspection,?\s+[^.]{{0,120}}?\b(?:received|was\s+given|"
    rf"was\s+rated|were\s+rated)\s+(?:an?\s+|as\s+)?(?:(?:overall\s+)?rating\s+of\s+)?{Q}",
    rf"^in\s+(?P<d>{DATE}),?\s+(?:we|inspectors|the\s+inspectorate)\s+(?:found|judged|rated)\s+[^.]{{0,80}}?"
    rf"(?:to\s+be\s+|as\s+)?{Q}",
    # "a decline from the 'Good' rating awarded to the service in 2021"
    rf"(?:the|its|their|an?)\s+{Q}\s+(?:rating|grade)\s+(?:awarded|given|received|achieved|earned)\s+"
    rf"(?:to\s+(?:it|them|the\s+\w+)\s+)?in\s+(?P<d>{DATE})",
    # "Leeds PDU was last inspected in March 2023 (rated 'Inadequate')"
    rf"(?:last|previously)\s+inspected\b[^.()]{{0,60}}?\(\s*rated\s+(?:as\s+)?{Q}\s*\)",
    # A headline "From 'Inadequate' to 'Good' – ..."
    rf"^from\s+{Q}\s+to\s+(?=['\"]?(?:{RATING_WORDS}))",
    # "This follows an overall rating of 'Good' at its previous inspection in 2020"
    rf"(?:the|an?|its|their)\s+(?:overall\s+)?(?:rating\s+of\s+)?{Q}(?:\s+rating(?:\s+(?:given|received|awarded)"
    rf"(?:\s+to\s+it)?)?)?\s+(?:at|in|during)\s+"
    rf"(?:its|their|the|our)\s+(?:previous|last)\s+inspection(?:\s+in\s+(?P<d>{DATE}))?",
    # "Inspectors last visited the PDU in 2022 and rated it 'Inadequate'"
    rf"(?:last|previously)\s+(?:inspected|visited)\b[^.]{{0,80}}?(?:\band|,)\s+(?:we\s+|inspectors\s+)?"
    rf"(?:rated|judged|graded)\s+(?:it|them)\s+(?:as\s+)?{Q}",
    # "two years after inspectors found the service required improvement"
    rf"(?:after|since|before)\s+(?:inspectors|we|the\s+inspectorate)\s+(?:found|judged|rated)\s+"
    rf"(?:it|them|the\s+\w+)\s+(?:to\s+be\s+|as\s+)?{Q}",
    # "three years after it required improvement"
    rf"(?:after|since|before)\s+(?:it|they|the\s+\w+)\s+(?={RATING_WORDS[RATING_WORDS.index('requir'):]}){Q}",
    # "following a previous 'Inadequate' rating in March 2023"
    rf"(?:following|follows|followed|after|from)\s+(?:a|an|its|their|the)\s+previous\s+(?:overall\s+)?"
    rf"(?:rating\s+of\s+)?{Q}(?:\s+rating)?(?:\s+in\s+(?P<d>{DATE}))?",
    # "last inspected in 2022 where it received an overall rating of 'RI'"
    rf"last\s+inspect(?:ed|ion)\b[^.]{{0,80}}?(?:where|when|and)\s+(?:it|they)?\s*(?:was\s+|were\s+)?"
    rf"(?:received|given|awarded|achieved)\s+an?\s+(?:overall\s+)?rating\s+of\s+{Q}",
    # "rated 'Inadequate' in 2019", "found to be 'Inadequate' back in March 2023"
    rf"{_VERB}\s+(?:as\s+)?{Q},?\s+(?:back\s+)?(?:in\s+(?P<d>{DATE})\b|last\s+year|earlier\s+this\s+year)",
    # "which received an 'Inadequate' rating in 2018", "an 'Inadequate' rating in 2018"
    rf"(?:an?|the|its|their)\s+(?:overall\s+)?{Q}\s+rating\s+(?:back\s+)?in\s+(?P<d>{DATE})\b",
    # "improved from 'Requires improvement' to 'Good'", "up from 'Inadequate'"
    rf"(?:improved|moved|gone|risen|rose|climbed|dropped|fallen|fell|slipped|declined|jumped|leapt|leaped|"
    rf"downgraded|upgraded|up|down)\s+(?:(?:its|their|the)\s+(?:overall\s+)?rating\s+)?(?:(?:up|down)\s+)?"
    rf"(?:(?:one|two|three|a)\s+(?:grades?|levels?|places?),?\s+)?from\s+"
    rf"(?:a|an|its|their|the)?\s*(?:previous\s+)?{Q}"
    rf"(?:\s+rating)?(?:\s+(?:in|at)\s+(?:(?:its|their|the)\s+(?:last|previous)\s+inspection\s+in\s+)?(?P<d>{DATE}))?",
]
# Each starts at a word boundary: "Northumberland were judged" is not "and were judged".
_PREV_RE = [re.compile(r"\b" + p, _I) for p in _PREV_PATTERNS]
_WEAK = _PREV_RE[1]
_PAST_CUE = re.compile(rf"\b(?:previous(?:ly)?|last\s+(?:inspect|visit)|in\s+{DATE}\b|back\s+in|last\s+year)", _I)
_MOVED_FROM = _PREV_RE[-1]  # "improved from X to Y": only when its subject is the unit
# "...; in 2019 it was rated 'Good'" (a clause start, where a word boundary cannot stand)
_PREV_RE.append(re.compile(
    rf"(?:^|(?<=[;:])\s*|\bbut\s+|\band\s+)in\s+(?P<d>{DATE}),?\s+(?:it|they|the\s+\w+)\s+(?:was|were)\s+"
    rf"(?:rated|judged|graded)\s+(?:as\s+)?{Q}", _I))
_RETAINED = re.compile(rf"(?:retain|maintain|kept|keep|held\s+on\s+to|hold\s+on\s+to)(?:s|ed|ing)?\s+(?:its|their|the)\s+"
                       rf"{Q}\s+(?:rating|grade)", _I)
_STAYED = re.compile(
    r"(?:overall\s+)?rating\s+(?:has\s+)?(?:stayed|stays|remained|remains)\s+the\s+same|"
    r"(?:overall\s+)?rating\s+(?:is|was|has\s+been)\s+unchanged", _I)
_REMAINS = re.compile(
    rf"\b(?:(?:remains?|remained|still|continues?\s+to\s+be)\s+(?:rated\s+)?|again\s+(?:been\s+)?(?:rated|judged|graded)\s+(?:as\s+)?|"
    rf"again\s+received\s+an?\s+(?:overall\s+)?(?:rating\s+of\s+)?|(?:second|third|fourth)\s+consecutive\s+|"
    rf"(?=['\"]?(?:{RATING_WORDS})['\"]?\s+"
    rf"(?:rating\s+)?(?:again\b|for\s+(?:a|the)\s+(?:second|third|fourth)\s+(?:time|consecutive)))){Q}", _I)
_DRAGGED = re.compile(r"\b(?:dragg|pull|brought|bring|would\s+have)\w*\b[^.]{0,40}$", _I)
_LAST_DATE = re.compile(
    rf"(?:last|previous(?:ly)?)\s+(?:inspect(?:ed|ion)|visited)\b[^.]{{0,70}}?\bin\s+(?P<d>{DATE})\b|"
    rf"\bin\s+an?\s+(?P<d2>{DATE})\s+inspection\s+of\b", _I)
_FORMER_RATING = re.compile(rf"(?:an?|the|its|their)\s+{Q}\s+rating\b", _I)
_FORMER = re.compile(r"\bformer\b|\bpredecessor\b|disaggregat|part\s+of\s+the\s+former|"
                     r"as\s+it\s+was\s+(?:then\s+)?(?:known|called)|previously\s+part\s+of|\breplaced\b", _I)


def find_previous(sents: list[Sentence], main: Unit | None) -> list[Previous]:
    """Every previous rating statement, in text order."""
    out = []
    for s in sents:
        for rx in _PREV_RE:
            for m in rx.finditer(s.text):
                if _DRAGGED.search(s.text[: m.start()]):
                    continue  # "dragged the overall rating down from 'good' to ..." is a sub-rating
                if rx is _WEAK and not (m.group("d") or _PAST_CUE.search(s.text)):
                    continue  # "was also rated 'Good'" with nothing past about it is a current rating
                if rx is _WEAK and _ASPECT_WORDS.search(s.text[max(0, m.start() - 40): m.start()]):
                    continue  # "work with victims ... and was rated 'Outstanding'" is a sub-rating
                if rx is _MOVED_FROM and not _about_unit(s.text[: m.start()]):
                    continue  # "leadership improved from 'RI' to ..." is about an aspect
                rating = canonical_rating(m.group("r"))
                date = m.groupdict().get("d") or _sentence_date(s.text)
                unit = _subject_unit(s.text[: m.start()], s.context)
                kind = _kind(s.text, unit, main)
                out.append(Previous(rating, date, unit, kind, (s.start + m.start(), s.start + m.end())))
        if _FORMER.search(s.text):
            # "response to an 'Inadequate' rating, when they were part of the former X YJS"
            for m in _FORMER_RATING.finditer(s.text):
                out.append(Previous(canonical_rating(m.group("r")), _sentence_date(s.text), None,
                                    "predecessor", (s.start + m.start(), s.start + m.end())))
        for m in _RETAINED.finditer(s.text):
            out.append(Previous(canonical_rating(m.group("r")), _sentence_date(s.text), None, "own",
                                (s.start + m.start(), s.start + m.end())))
        for m in _STAYED.finditer(s.text):
            out.append(Previous(None, _sentence_date(s.text), None, "same", (s.start + m.start(), s.start + m.end())))
    return _dedupe(out)


def find_remains(sents: list[Sentence]) -> list[tuple[str, int]]:
    """'the service remains 'Inadequate'': the rating it kept, with its position."""
    return [(canonical_rating(m.group("r")), s.start + m.start())
            for s in sents for m in _REMAINS.finditer(s.text)]


def find_previous_date(text: str) -> str | None:
    """'since their last inspection in 2015': the date alone, when no rating is given."""
    m = _LAST_DATE.search(text)
    return (m.group("d") or m.group("d2")) if m else None


def _sentence_date(sentence: str) -> str | None:
    m = _LAST_DATE.search(sentence)
    return (m.group("d") or m.group("d2")) if m else None


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

_FIRST = re.compile(
    r"\bfirst\s+[^.]{0,60}?inspection\s+(?:(?:of|in|at|for)\s+[^.]{0,90}?)?since\s+[^.]{0,50}?"
    r"\b(?:re-?)?(?:unification|unified|established|created|formed|set\s+up|brought\s+back|"
    r"public\s+ownership|brought\s+in-house)\b"
    r"|\b(?:its|their)\s+first\s+(?:ever\s+)?inspection\b(?!\s+(?:under|of\s+its\s+kind|in\s+the\s+(?:new|current)))"
    r"|\bfirst\s+time\s+[^.,;]{0,60}?\b(?:has|have)\s+been\s+inspected\s*(?:[.;]|$)"
    r"|\bhas\s+not\s+(?:previously\s+)?been\s+inspected\s+before\b"
    r"|\bfirst\s+time\s+(?:the\s+\w+|it|they|this\s+\w+)\s+(?:has|have)\s+been\s+inspected\s+since\s+[^.]{0,60}?"
    r"\b(?:unif|public\s+ownership|establish|creat|form)"
    r"|\b(?:neither|none|not)\b[^.]{0,40}?\b(?:had|has|have)\s+(?:previously\s+)?been\s+inspected\s+since\s+"
    r"[^.]{0,60}?\b(?:re-?unif|unification|public\s+ownership|establish|creat|form)", _I)
_ALL_FIRST = re.compile(r"\b(?:neither|none|both|each|all)\b[^.]{0,40}?\binspected\b", _I)


def first_inspection_for_all(text: str) -> bool:
    """True when the first-inspection statement covers every unit ('Neither unit had been ...')."""
    m = _FIRST.search(text)
    return bool(m and _ALL_FIRST.search(m.group(0)))


def is_first_inspection(text: str) -> bool:
    """True when the text says this is the unit's first inspection."""
    return bool(_FIRST.search(text))
