"""Overall and previous ratings: which unit got which rating, read from the language of the text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.extract.text import DATE, Q, RATING_WORDS, Sentence, canonical_rating, is_boilerplate
from bot.extract.units import Mention, Unit, find_bare, find_mentions, region_name

_I = re.IGNORECASE


@dataclass(frozen=True)
class Rated:
    """A unit's overall rating as one statement gives it."""

    unit: Unit | None  # None: the text's main unit ("the PDU", "the service")
    rating: str
    tier: int  # 1 explicit overall statement, 2 weaker forms, 3 sibling/mention
    pos: int
    primary: bool = True


@dataclass(frozen=True)
class Previous:
    """A previous rating (or only a previous inspection date) the text states."""

    rating: str | None
    date: str | None
    unit: Unit | None
    kind: str  # "own", "predecessor", "same"
    span: tuple[int, int]


# --- previous ratings: found first, so that their ratings are never read as current ones ----

_VERB = r"(?:rated|judged|graded|found\s+to\s+be|assessed\s+as)"
_PREV_PATTERNS = [
    # "having previously been rated 'Inadequate' in 2022", "after being rated as 'RI' in March 2023"
    rf"(?:previously|formerly|after\s+being|having\s+been|when\s+(?:it|they)\s+(?:was|were)|"
    rf"(?:after|since|before)\s+(?:it|they)\s+(?:was|were|had\s+been)|"
    rf"and\s+(?:was|were)|where\s+(?:it|they)\s+(?:was|were)|were\s+also|was\s+also|also)"
    rf"\s+(?:been\s+)?{_VERB}\s+(?:as\s+)?{Q}(?:\s+overall)?(?:,?\s+(?:back\s+)?in\s+(?P<d>{DATE}))?",
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
    rf"^in\s+(?P<d>{DATE}),[^.]{{0,160}}?\b(?:received|was\s+given|got|was\s+rated|were\s+rated)\s+"
    rf"(?:an?\s+|as\s+)?(?:(?:overall\s+)?rating\s+of\s+)?{Q}",
    # "which we inspected in March 2019 and rated 'Good'"; "inspected last year, was rated outstanding"
    rf"(?:inspected|visited)\s+(?:in\s+(?P<d>{DATE})|last\s+year|earlier\s+this\s+year),?\s+(?:and\s+)?"
    rf"(?:was\s+|were\s+)?(?:rated|judged|graded)\s+(?:it\s+)?(?:as\s+)?{Q}",
    # "improving on the 'Requires improvement' rating it received in 2021"
    rf"(?:the|its|their|an?)\s+{Q}\s+rating\s+(?:it|they|the\s+\w+)\s+(?:received|was\s+given|were\s+given|got|had)"
    rf"(?:\s+in\s+(?P<d>{DATE}))?",
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
    rf"(?:improved|moved|gone|risen|rose|climbed|dropped|fallen|fell|slipped|declined|"
    rf"downgraded|upgraded|up|down)\s+from\s+(?:a|an|its|their|the)?\s*(?:previous\s+)?{Q}"
    rf"(?:\s+rating)?(?:\s+(?:in|at)\s+(?:(?:its|their|the)\s+(?:last|previous)\s+inspection\s+in\s+)?(?P<d>{DATE}))?",
]
# Each starts at a word boundary: "Northumberland were judged" is not "and were judged".
_PREV_RE = [re.compile(r"\b" + p, _I) for p in _PREV_PATTERNS]
_MOVED_FROM = _PREV_RE[-1]  # "improved from X to Y": only when its subject is the unit
# "...; in 2019 it was rated 'Good'" (a clause start, where a word boundary cannot stand)
_PREV_RE.append(re.compile(
    rf"(?:^|(?<=[;:])\s*|\bbut\s+|\band\s+)in\s+(?P<d>{DATE}),?\s+(?:it|they|the\s+\w+)\s+(?:was|were)\s+"
    rf"(?:rated|judged|graded)\s+(?:as\s+)?{Q}", _I))
_RETAINED = re.compile(rf"retain(?:s|ed|ing)\s+(?:its|their|the)\s+{Q}\s+rating", _I)
_STAYED = re.compile(
    r"(?:overall\s+)?rating\s+(?:has\s+)?(?:stayed|stays|remained|remains)\s+the\s+same|"
    r"(?:overall\s+)?rating\s+(?:is|was|has\s+been)\s+unchanged", _I)
_REMAINS = re.compile(
    rf"\b(?:(?:remains?|remained|still)\s+(?:rated\s+)?|again\s+(?:been\s+)?(?:rated|judged|graded)\s+(?:as\s+)?|"
    rf"again\s+received\s+an?\s+(?:overall\s+)?(?:rating\s+of\s+)?|(?=['\"]?(?:{RATING_WORDS})['\"]?\s+"
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
            for s in sents for m in _REMAINS.finditer(s.text) if not s.in_notes or True]


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
    out: list[Previous] = []
    for p in sorted(prevs, key=lambda p: p.span):
        if out and p.span[0] < out[-1].span[1]:
            continue
        out.append(p)
    return out


# --- current overall ratings ----------------------------------------------------------------

_OVERALL = [
    # "has received an overall rating of 'Inadequate'", "an overall regional rating of"
    rf"(?:received|been\s+given|been\s+awarded|achieved|was\s+given|were\s+given|gained|got|given|"
    rf"gives?|gave|awarded|awards)\s+(?P<obj>(?:the|this|that|its|their)\s+(?:\w+\s+){{0,2}})?"
    rf"(?:an?\s+|the\s+)?overall\s+(?:regional\s+)?(?:rating|grade|judgement)\s+(?:of\s+|as\s+)?{Q}",
    # "rated 'Requires improvement' overall", "rated the sufficiency ... as 'RI' overall"
    rf"(?:rated|judged|graded|assessed|found|considered)\s+(?P<obj>[^.]{{0,70}}?\s+)?(?:as\s+|to\s+be\s+)?{Q}\s+overall",
    # "The overall rating is 'Good'", "resulting in the overall rating of 'Inadequate'"
    rf"overall\s+(?:regional\s+)?rating\s*(?:is|was|of|has\s+been|[:–-])?\s*{Q}",
    # "each received the lowest rating possible ('Inadequate')"
    rf"(?:each|both|all)?\s*(?:received|been\s+awarded|been\s+given|awarded|given|achieved)\s+the\s+"
    rf"(?:lowest|highest|top)\s+(?:possible\s+)?rating(?:\s+possible)?\s*[(–:-]?\s*{Q}",
]
_OVERALL_RE = [re.compile(p, _I) for p in _OVERALL]
_RATED_RE = re.compile(
    rf"(?:(?:is|was|are|were|has\s+been|have\s+been|had\s+been|been|being)\s+)?"
    rf"(?:(?:therefore|now|each|both|all|also|again|officially|today)\s+)*"
    rf"(?:rated|judged|graded|assessed|found\s+to\s+be|deemed|declared|branded|labelled|"
    rf"received\s+ratings\s+of|"
    # "has improved from 'Requires improvement' to 'Good'": the rating it moved to
    rf"(?:improved|risen|rose|climbed|dropped|fallen|fell|slipped|declined|downgraded|upgraded|"
    rf"moved|gone)\s+from\s+['\"]?(?:{RATING_WORDS})['\"]?\s+to)\s+"
    rf"(?:as\s+|to\s+be\s+|to\s+(?=requir))?{Q}", _I)
_SIBLING_RE = [
    re.compile(rf",?\s*which\s+(?:also\s+|both\s+|all\s+|each\s+)*(?:received|was\s+given|achieved|got)\s+an?\s+"
               rf"(?:overall\s+)?rating\s+of\s+{Q}", _I),
    re.compile(rf"\((?:both\s+|all\s+|each\s+)?(?:also\s+)?(?:(?:rated|judged)\s+(?:as\s+)?)?{Q}\s*\)", _I),
    re.compile(rf",?\s*which\s+(?:were|was)\s+(?:also\s+|both\s+|all\s+|each\s+)*(?:rated|judged)\s+"
               rf"(?:as\s+)?{Q}", _I),
]
# A rating followed by "for their leadership" is a sub-rating, not the overall one.
_FOR_ASPECT = re.compile(r"^\W{0,3}\s*(?:rating\s+)?(?:(?:specifically|separately|only)\s+)?for\s+"
                         r"(?!(?:the|a)\s+(?:first|second|third|fourth|further|consecutive)|\d)", _I)
_GENERIC = re.compile(
    r"(?:the|this|that|its)\s+(?:pdu|service|unit|region|yjs|yos|yot|crc|division|probation\s+service|"
    r"youth\s+justice\s+service|youth\s+offending\s+(?:service|team)|probation\s+delivery\s+unit)\s*,?\s*$"
    r"|\b(?:it|they|we|inspectors)\s*$", _I)
_WHICH = re.compile(r",?\s*which\s+(?:(?:were|was|are|is|have\s+been|has\s+been)\s+)?"
                    r"(?:(?:also|both|all|each)\s+)*$", _I)
_AGGREGATE = re.compile(
    r"\b(?:pdus|services|units|regions|teams|those|cases|areas|divisions|crcs|yjss|per\s+cent|"
    r"\d+\s+of\s+the|most|many|some|all\s+the)\s*(?:\w+\s*)?$", _I)
_GENERIC_HEAD = re.compile(
    r"^\s*(?:the|this)\s+(?:\w+\s+)?(?:company|service|pdu|unit|crc|yjs|yot|yos|team|probation\s+service)\b"
    r"\s+(?:supervising|covering|serving|responsible\s+for|that\s+(?:supervises|covers|serves)|"
    r"which\s+(?:supervises|covers|serves)|in|for|across)\b", _I)
_EACH = re.compile(r"\b(?:each|both)\b", _I)
_SERVICES = re.compile(r"^\s*(?:the\s+)?(?:probation\s+services|youth\s+(?:justice|offending)\s+services|pdus)\b", _I)
_ASPECT_WORDS = re.compile(
    r"\b(?:work|leadership|management|delivery|assessment|planning|reviewing|staff|services\s+for|"
    r"standards?|disposals?|cases?|areas?|aspects?|victims?|quality|casework|partnerships?|"
    r"arrangements|implementation|court|resettlement|sentence)\b", _I)


def find_ratings(sents: list[Sentence], masked: list[tuple[int, int]]) -> list[Rated]:
    """Every statement of a unit's current overall rating."""
    out: list[Rated] = []
    for s in sents:
        if is_boilerplate(s.text) or s.in_notes:
            continue
        out += _overall_in(s, masked)
        out += _active_in(s, masked)
        out += _requires_in(s, masked)
        out += _siblings_in(s, masked)
        out += _rated_in(s, masked)
    return out


def _masked(pos: int, masked: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in masked)


def _overall_in(s: Sentence, masked) -> list[Rated]:
    out = []
    for rx in _OVERALL_RE:
        for m in rx.finditer(s.text):
            pos = s.start + m.start("r")
            if _masked(pos, masked) or _FOR_ASPECT.match(s.text[m.end():]):
                continue
            rating = canonical_rating(m.group("r"))
            subject = s.text[: m.start()]
            obj = m.groupdict().get("obj") or ""
            named = [x.unit for x in find_mentions(obj)] if not _ASPECT_WORDS.search(obj) else []
            units = named or _subject_units(subject, s.context) or [None]
            if units == [None] and _AGGREGATE.search(subject + " " + (m.groupdict().get("obj") or "")):
                continue  # "In PDUs rated 'Inadequate' overall, ..." is about many units
            out += [Rated(u, rating, 1, pos) for u in units]
    return out


_ACTIVE_RE_DOC = "'We have rated X as', 'found X to be', 'gave X a ... rating'"
_ACTIVE_RE = re.compile(
    rf"\b(?:(?:rated|found|judged|considered|assessed)\s+(?P<obj>[^.'\"]{{3,90}}?)\s+(?:as\s+|to\s+be\s+)?|(?:gave|awarded|given)\s+(?P<obj2>[^.'\"]{{3,90}}?)\s+"
    rf"an?\s+(?:overall\s+)?(?=['\"]?(?:{RATING_WORDS})['\"]?\s+rating)){Q}(?!\s+overall)", _I)


def _active_in(s: Sentence, masked) -> list[Rated]:
    """'Overall, we have rated X PDU as 'Requires improvement'': the object is the unit rated."""
    out = []
    for m in _ACTIVE_RE.finditer(s.text):
        pos = s.start + m.start("r")
        obj = m.group("obj") or m.group("obj2")
        if re.search(rf"\b(?:{RATING_WORDS})\b", obj, _I) or re.match(r"\s*that\b", obj, _I):
            continue  # "rated outstanding ... after it required improvement"; "found that ..."
        if _masked(pos, masked) or _FOR_ASPECT.match(s.text[m.end():]) or _ASPECT_WORDS.search(obj):
            continue
        units = [x.unit for x in find_mentions(obj)]
        if units:
            out += [Rated(u, canonical_rating(m.group("r")), 1, pos) for u in units]
        elif _GENERIC.search(obj + " "):
            out.append(Rated(None, canonical_rating(m.group("r")), 2, pos))
    return out


def _siblings_in(s: Sentence, masked) -> list[Rated]:
    out = []
    for rx in _SIBLING_RE:
        for m in rx.finditer(s.text):
            pos = s.start + m.start("r")
            if _masked(pos, masked):
                continue
            units = _trailing_units(s.text[: m.start()])
            out += [Rated(u, canonical_rating(m.group("r")), 3, pos, primary=False) for u in units]
    return out


def _rated_in(s: Sentence, masked) -> list[Rated]:
    out = []
    ratings = list(_RATED_RE.finditer(s.text))
    for i, m in enumerate(ratings):
        clause_start = s.text.rfind(";", 0, m.start()) + 1
        clause_end = s.text.find(";", m.end())
        clause = s.text[clause_start: clause_end if clause_end != -1 else len(s.text)]
        respectively = "respectively" in clause.casefold()
        first_in_clause = not any(clause_start <= r.start() < m.start() for r in ratings)
        pos = s.start + m.start("r")
        after = s.text[m.end():]
        if _masked(pos, masked) or _FOR_ASPECT.match(after) or after.lstrip().startswith("overall"):
            continue  # "... overall" forms are read by _overall_in
        subject = s.text[clause_start: m.start()] if respectively else s.text[: m.start()]
        if subject.rfind("(") > subject.rfind(")") or _WHICH.search(subject):
            continue  # "(both rated 'Good')", ", which were both rated": asides, read by _siblings_in
        rating = canonical_rating(m.group("r"))
        if respectively and first_in_clause:
            out += _respectively(s, subject, clause)
            continue
        if respectively:
            continue
        units = _subject_units(subject, s.context, strict=True)
        if units:
            out += [Rated(u, rating, 1 if not s.in_title else 2, pos) for u in units]
        elif _GENERIC.search(_APPOSITIVE.sub(" ", subject).rstrip() + " ") and not _ASPECT_WORDS.search(
                _APPOSITIVE.sub(" ", subject)[-40:]):
            out.append(Rated(None, rating, 2, pos))
        elif _GENERIC_HEAD.match(subject) and len(subject.split()) <= 20:
            # "The private company supervising ... across Kent, Surrey and Sussex has been rated"
            out.append(Rated(None, rating, 2, pos))
        elif _EACH.search(subject[-12:] + m.group(0)) and _SERVICES.search(subject):
            # "Probation services ... in three areas of London have each been rated 'Inadequate'"
            out.append(Rated(None, rating, 2, pos))
    return out


_REQUIRES_RE = re.compile(r"\b(?P<r>requir(?:es|ed)\s+improvement)\b(?!\s+(?:in|to|with|across|for|on|around)\b)", _I)


def _requires_in(s: Sentence, masked) -> list[Rated]:
    """'Croydon PDU required improvement, according to inspectors': the rating as the verb."""
    out = []
    for m in _REQUIRES_RE.finditer(s.text):
        pos = s.start + m.start("r")
        subject = s.text[: m.start()]
        if _masked(pos, masked) or re.search(r"(?:\b(?:rated|judged|graded|as|be|been|was|is|still|and)\s*|[('\"])$",
                                             subject.rstrip() if subject[-1:] == " " else subject, _I):
            continue  # read by the other forms, or not the verb ("rated as requires improvement")
        units = _subject_units(subject, s.context, strict=True)
        tail = subject[-3:] if not units else ""
        if units and not tail.strip(" ,"):
            out += [Rated(u, "Requires improvement", 1 if not s.in_title else 2, pos) for u in units]
        elif not units and _GENERIC.search(subject) and not re.search(r"\b(?:it|they|we|inspectors)\s*$", subject, _I):
            out.append(Rated(None, "Requires improvement", 2, pos))
    return out


def _respectively(s: Sentence, subject: str, clause: str) -> list[Rated]:
    """'A and B have been rated 'Good' and 'Requires improvement', respectively'."""
    ratings = [canonical_rating(m.group("r")) for m in re.finditer(Q, clause[len(subject):] if clause.startswith(subject) else clause, _I)]
    units = _subject_units(subject, s.context)
    if units and len(units) == len(ratings) and None not in units:
        pos = s.start + max(0, s.text.find(clause))
        return [Rated(u, r, 1, pos) for u, r in zip(units, ratings)]
    return []


_APPOSITIVE = re.compile(
    r",\s*(?:which|who|that|run\s+by|based\s+in|covering|serving|led\s+by|part\s+of)\b.*,\s*$", _I)


def _subject_units(subject: str, sentence: str, strict: bool = False) -> list[Unit]:
    """The unit(s) a statement is about: named ones in its subject, else bare names."""
    subject = _APPOSITIVE.sub(" ", subject)  # "X YJS, which works with children in Y, was rated"
    mentions = find_mentions(subject)
    if not mentions:
        mentions = _bare(subject, sentence)
    if not mentions:
        return []
    tail = subject[mentions[-1].end:]
    if strict and (_ASPECT_WORDS.search(tail) or len(tail.split()) > 8):
        return []  # "Kirklees PDU's work to keep people safe was rated ..." is about the work
    if _is_list(subject, mentions):
        return [m.unit for m in mentions]
    return [mentions[-1].unit]


def _bare(subject: str, sentence: str) -> list[Mention]:
    """Bare names ('probation services in Kirklees'), and regions in regional statements."""
    found = find_bare(subject, sentence)
    if found:
        return found
    if re.search(r"\bregion", sentence, _I):
        m = re.search(r"(?:in|of|across)\s+(?:the\s+)?([A-Z][\w ,&]+?)(?:\s+\(|\s+have|\s+has|\s+region|$)", subject)
        region = region_name(m.group(1)) if m else None
        if region:
            return [Mention(Unit(f"{region} region", "region", region), m.start(1), m.end(1))]
    return []


def _is_list(subject: str, mentions: list[Mention]) -> bool:
    """True when the mentions form one list ('A, B and C'), all subjects of the verb."""
    if len(mentions) < 2:
        return False
    for a, b in zip(mentions, mentions[1:]):
        if not re.fullmatch(r"\s*(?:,|and|&|,\s*and)?\s*(?:in|for|at|of)?\s*", subject[a.end:b.start]):
            return False
    return True


def _trailing_units(before: str) -> list[Unit]:
    """The unit(s) just before a bracket or 'which' clause."""
    mentions = find_mentions(before)
    if not mentions or before[mentions[-1].end:].strip(" ,"):
        return []
    group = [mentions[-1]]
    for m in reversed(mentions[:-1]):
        if re.fullmatch(r"\s*(?:,|and|&)\s*", before[m.end:group[0].start]):
            group.insert(0, m)
        else:
            break
    return [m.unit for m in group]


# --- first inspections -----------------------------------------------------------------

_FIRST = re.compile(
    r"\bfirst\s+[^.]{0,60}?inspection\s+(?:of|in|at|for)\s+[^.]{0,90}?since\s+[^.]{0,50}?"
    r"\b(?:re-?)?(?:unification|unified|established|created|formed|set\s+up|brought\s+back|"
    r"public\s+ownership|brought\s+in-house)\b"
    r"|\b(?:its|their)\s+first\s+(?:ever\s+)?inspection\b"
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
