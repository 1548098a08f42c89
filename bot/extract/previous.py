"""Previous ratings and first inspections: what the text says came before this inspection."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.extract.ratings import _ASPECT_WORDS, _FOR_ASPECT, _GENERIC
from bot.extract.rules import rule
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
    rule: str = ""  # the name of the rule that read it



# --- previous ratings: found first, so that their ratings are never read as current ones ----

_VERB = r"(?:(?:rated|judged|graded|found|assessed|considered)(?:\s+to\s+be)?|judged\s+to(?=\s+['\"]?requir))"
_PREV_RULES = (
    rule("previously-rated",
         r"\b" +
        rf"(?:previously|formerly|after\s+being|having\s+been|when\s+(?:it|they)\s+(?:was|were)|"
        rf"(?:after|since|before)\s+(?:it|they)\s+(?:was|were|had\s+been)|where\s+(?:it|they)\s+(?:was|were))"
        rf"\s+(?:been\s+)?{_VERB}\s+(?:as\s+)?{Q}(?:\s+overall)?(?:,?\s+(?:back\s+)?in\s+(?P<d>{DATE}))?",
         "'previously', 'after being', 'having been' put a rating in the past",
         ["having previously been rated 'Inadequate' in 2020", 'after being rated as requires improvement'],
         ["was rated 'Good' for its work"]),
    rule("also-rated-weak",
         r"\b" +
        rf"(?:and\s+(?:was|were)|were\s+also|was\s+also|also)\s+(?:been\s+)?{_VERB}\s+(?:as\s+)?{Q}(?:\s+overall)?"
        rf"(?:,?\s+(?:back\s+)?in\s+(?P<d>{DATE}))?",
         "'and was rated' says nothing of time alone: used only where a past cue stands by",
         ["it was also found to be 'Inadequate' back in 2019"],
         ['it was rated Good'], needs_past_cue=True),
    rule("rated-at-last-inspection",
         r"\b" +
        rf"{_VERB}\s+(?:as\s+)?{Q}\s+(?:when\s+(?:it|they|we|inspectors|the\s+inspectorate)\s+(?:was\s+|were\s+)?"
        rf"(?:last|previously)\s+(?:inspected|visited)|"
        rf"(?:at|in|during)\s+(?:its|their|the|our)\s+(?:last|previous)\s+inspection)(?:\s+in\s+(?P<d>{DATE}))?",
         'a rating tied to the last inspection is the previous one',
         ['rated good when it was last inspected in 2018', "rated 'Good' at its last inspection"],
         ['rated good at this inspection']),
    rule("last-inspection-it-was-rated",
         r"\b" +
        rf"(?<!since\s)(?:last|previous)\s+(?:inspection\b|inspected\b|visited\b)[^.]{{0,100}}?(?:[;,]|\band\b)?\s*"
        rf"(?:it|they|the\s+\w+|[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+){{0,4}})\s+"
        rf"(?:was|were)\s+(?:rated|judged|graded)\s+(?:as\s+)?{Q}",
         "a clause about the last inspection, then 'it was rated'",
         ["At our last inspection of the team in 2021, it was rated 'Good'"],
         ["At this inspection it was rated 'Good'"]),
    rule("when-it-received",
         r"\b" +
        rf"when\s+(?:it|they)\s+(?:received|was\s+given|were\s+given|was\s+awarded|got)\s+an?\s+(?:overall\s+)?"
        rf"{Q}\s+rating",
         "'when it received a rating' looks back",
         ["when it received a 'Good' rating"],
         ["it received a 'Good' rating"]),
    rule("when-we-rated-it",
         r"\b" +
        rf"when\s+(?:we|inspectors|the\s+inspectorate)\s+[^.]{{0,80}}?\b(?:rated|judged|graded)\s+"
        rf"(?:it|them|the\s+\w+)\s+(?:as\s+)?{Q}",
         "'when we last inspected ..., we rated it' looks back",
         ["when we last inspected the service in 2018, we rated it 'Good'"],
         ["we rated it 'Good'"]),
    rule("in-year-x-received",
         r"\b" +
        rf"^in\s+(?P<d>{DATE}),?\s[^.]{{0,160}}?\b(?:received|was\s+given|got|was\s+rated|were\s+rated)\s+"
        rf"(?:an?\s+|as\s+)?(?:(?:overall\s+)?rating\s+of\s+)?{Q}",
         'a sentence opening with a past year',
         ["In 2018, the service, as it was then known, received an 'Inadequate' rating"],
         ["Today the service received an 'Inadequate' rating"]),
    rule("inspected-in-year-and-rated",
         r"\b" +
        rf"(?:inspected|visited)\s+(?:in\s+(?P<d>{DATE})|last\s+year|earlier\s+this\s+year),?\s+(?:and\s+)?"
        rf"(?:was\s+|were\s+)?(?:rated|judged|graded)\s+(?:it\s+)?(?:as\s+)?{Q}",
         'inspected at a past date and rated then',
         ["which we inspected in May 2018 and rated 'Good'", 'inspected last year, was rated outstanding'],
         ["inspected and rated 'Good'"]),
    rule("the-rating-it-received",
         r"\b" +
        rf"(?:the|its|their|an?)\s+{Q}\s+rating\s+(?:it|they|the\s+\w+)\s+(?:received|was\s+given|were\s+given|got|had|"
        rf"achieved|earned|was\s+awarded)"
        rf"(?:\s+in\s+(?P<d>{DATE}))?",
         "'the X rating it received' refers back to an earlier rating",
         ["improving on the 'Requires improvement' rating it received in 2020"],
         ["the 'Good' rating inspectors gave"]),
    rule("rated-when-inspected-in",
         r"\b" +
        rf"{_VERB}\s+(?:as\s+)?{Q}\s+when\s+(?:it|they|we|inspectors)\s+(?:was\s+|were\s+)?inspected(?:\s+it|\s+them)?"
        rf"\s+in\s+(?P<d>{DATE})",
         'a rating dated by an earlier inspection',
         ["which was rated 'Good' when it was inspected in 2021"],
         ["rated 'Good' when inspected"]),
    rule("last-or-currently-rated",
         r"\b" +
        rf"(?:last|previously|currently|presently)\s+rated\s+(?:(?:it|them|the\s+\w+|[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*){{0,4}})\s+)?"
        rf"(?:as\s+)?{Q}",
         "'last rated', 'currently rated' report the standing rating",
         ["We last rated the area 'Requires improvement'", "currently rated 'Good'"],
         ["rated 'Good' last"]),
    rule("in-its-year-inspection",
         r"\b" +
        rf"in\s+(?:its|their|the|our)\s+(?P<d>{DATE})\s+inspection,?\s+[^.]{{0,120}}?\b(?:received|was\s+given|"
        rf"was\s+rated|were\s+rated)\s+(?:an?\s+|as\s+)?(?:(?:overall\s+)?rating\s+of\s+)?{Q}",
         "'in its 2018 inspection' dates the rating",
         ["In its 2017 inspection, the team received an overall rating of 'Good'"],
         ["In this inspection, the team received a rating of 'Good'"]),
    rule("in-year-inspectors-found",
         r"\b" +
        rf"^in\s+(?P<d>{DATE}),?\s+(?:we|inspectors|the\s+inspectorate)\s+(?:found|judged|rated)\s+[^.]{{0,80}}?"
        rf"(?:to\s+be\s+|as\s+)?{Q}",
         'a past year, then what inspectors found',
         ["In 2019, inspectors found the service to be 'Inadequate'"],
         ["Inspectors found the service to be 'Inadequate'"]),
    rule("rating-awarded-in-year",
         r"\b" +
        rf"(?:the|its|their|an?)\s+{Q}\s+(?:rating|grade)\s+(?:awarded|given|received|achieved|earned)\s+"
        rf"(?:to\s+(?:it|them|the\s+\w+)\s+)?in\s+(?P<d>{DATE})",
         'a rating awarded at a past date',
         ["a decline from the 'Good' rating awarded to the team in 2020"],
         ["the 'Good' rating awarded today"]),
    rule("last-inspected-rated-in-brackets",
         r"\b" +
        rf"(?:last|previously)\s+inspected\b[^.()]{{0,60}}?\(\s*rated\s+(?:as\s+)?{Q}\s*\)",
         "a bracketed rating after 'last inspected'",
         ["was last inspected in June 2022 (rated 'Inadequate')"],
         ["was inspected (rated 'Inadequate')"]),
    rule("headline-from-x-to",
         r"\b" +
        rf"^from\s+{Q}\s+to\s+(?=['\"]?(?:{RATING_WORDS}))",
         "a headline 'From X to Y' gives the old rating first",
         ["From 'Inadequate' to 'Good': a turnaround"],
         ['From today, services must be good']),
    rule("rating-at-previous-inspection",
         r"\b" +
        rf"(?:the|an?|its|their)\s+(?:overall\s+)?(?:rating\s+of\s+)?{Q}(?:\s+rating(?:\s+(?:given|received|awarded)"
        rf"(?:\s+to\s+it)?)?)?\s+(?:at|in|during)\s+"
        rf"(?:its|their|the|our)\s+(?:previous|last)\s+inspection(?:\s+in\s+(?P<d>{DATE}))?",
         'a rating given at the previous inspection',
         ["This follows an overall rating of 'Good' at its previous inspection in 2019"],
         ["an overall rating of 'Good' at this inspection"]),
    rule("last-visited-and-rated-it",
         r"\b" +
        rf"(?:last|previously)\s+(?:inspected|visited)\b[^.]{{0,80}}?(?:\band|,)\s+(?:we\s+|inspectors\s+)?"
        rf"(?:rated|judged|graded)\s+(?:it|them)\s+(?:as\s+)?{Q}",
         "'last visited ... and rated it'",
         ["Inspectors last visited the unit in 2021 and rated it 'Inadequate'"],
         ["Inspectors visited the unit and rated it 'Inadequate'"]),
    rule("since-inspectors-found",
         r"\b" +
        rf"(?:after|since|before)\s+(?:inspectors|we|the\s+inspectorate)\s+(?:found|judged|rated)\s+"
        rf"(?:it|them|the\s+\w+)\s+(?:to\s+be\s+|as\s+)?{Q}",
         "'after inspectors found it' refers back",
         ['two years after inspectors found the service required improvement'],
         ['inspectors found the service required improvement']),
    rule("since-it-required-improvement",
         r"\b" +
        rf"(?:after|since|before)\s+(?:it|they|the\s+\w+)\s+(?={RATING_WORDS[RATING_WORDS.index('requir'):]}){Q}",
         "'after it required improvement' refers back",
         ['three years after it required improvement'],
         ['it required improvement']),
    rule("following-a-previous-rating",
         r"\b" +
        rf"(?:following|follows|followed|after|from)\s+(?:a|an|its|their|the)\s+previous\s+(?:overall\s+)?"
        rf"(?:rating\s+of\s+)?{Q}(?:\s+rating)?(?:\s+in\s+(?P<d>{DATE}))?",
         "'following a previous rating'",
         ["following a previous 'Inadequate' rating in May 2022"],
         ["following an 'Inadequate' rating"]),
    rule("last-inspected-where-received",
         r"\b" +
        rf"last\s+inspect(?:ed|ion)\b[^.]{{0,80}}?(?:where|when|and)\s+(?:it|they)?\s*(?:was\s+|were\s+)?"
        rf"(?:received|given|awarded|achieved)\s+an?\s+(?:overall\s+)?rating\s+of\s+{Q}",
         "'last inspected ... where it received'",
         ["last inspected in 2021 where it received an overall rating of 'Good'"],
         ["it received an overall rating of 'Good'"]),
    rule("rated-in-year",
         r"\b" +
        rf"{_VERB}\s+(?:as\s+)?{Q},?\s+(?:back\s+)?(?:in\s+(?P<d>{DATE})\b|last\s+year|earlier\s+this\s+year)",
         'a rating dated in the past',
         ["rated 'Inadequate' in 2018", "found to be 'Inadequate' back in May 2021"],
         ["rated 'Inadequate' in its report"]),
    rule("rating-in-year",
         r"\b" +
        rf"(?:an?|the|its|their)\s+(?:overall\s+)?{Q}\s+rating\s+(?:back\s+)?in\s+(?P<d>{DATE})\b",
         "'an X rating in 2018'",
         ["which received an 'Inadequate' rating in 2017"],
         ["which received an 'Inadequate' rating"]),
    rule("moved-from",
         r"\b" +
        rf"(?:improved|moved|gone|risen|rose|climbed|dropped|fallen|fell|slipped|declined|jumped|leapt|leaped|"
        rf"downgraded|upgraded|up|down)\s+(?:(?:its|their|the)\s+(?:overall\s+)?rating\s+)?(?:(?:up|down)\s+)?"
        rf"(?:(?:one|two|three|a)\s+(?:grades?|levels?|places?),?\s+)?from\s+"
        rf"(?:a|an|its|their|the)?\s*(?:previous\s+)?{Q}"
        rf"(?:\s+rating)?(?:\s+(?:in|at)\s+(?:(?:its|their|the)\s+(?:last|previous)\s+inspection\s+in\s+)?(?P<d>{DATE}))?",
         "'improved from X (to Y)', 'up from X': X is the previous rating",
         ["improved from 'Requires improvement' to 'Good'", "up from 'Inadequate'"],
         ['improved its work with victims'], subject_is_unit=True),
)
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
_RATED_CHAIN = _PREV_RULES + (_CLAUSE_YEAR,)
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
_FORMER = re.compile(r"\bformer\b|\bpredecessor\b|disaggregat|part\s+of\s+the\s+former|"
                     r"as\s+it\s+was\s+(?:then\s+)?(?:known|called)|previously\s+part\s+of|\breplaced\b", _I)


def find_previous(sents: list[Sentence], main: Unit | None) -> list[Previous]:
    """Every previous rating statement, in text order."""
    out = []
    for s in sents:
        for rx in _RATED_CHAIN:
            for m in rx.finditer(s.text):
                if _declined(rx, s.text, m):
                    continue
                rating = canonical_rating(m.group("r"))
                date = m.groupdict().get("d") or _sentence_date(s.text)
                unit = _subject_unit(s.text[: m.start()], s.context)
                kind = _kind(s.text, unit, main)
                out.append(Previous(rating, date, unit, kind, (s.start + m.start(), s.start + m.end()), rx.name))
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
    return False


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
