"""Current overall ratings: which unit got which rating, read from the language of the text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.extract.respectively import active_pairs, passive_pairs
from bot.extract.rules import INFERRED, STATED, Strength, rule
from bot.extract.subjects import _APPOSITIVE, _ASPECT_WORDS, _subject_units, _trailing_units
from bot.extract.text import Q, RATING_WORDS, Sentence, before, canonical_rating, is_boilerplate
from bot.extract.units import Unit, find_bare, find_mentions

_I = re.IGNORECASE


@dataclass(frozen=True)
class Rated:
    """A unit's overall rating as one statement gives it."""

    unit: Unit | None  # None: the text's main unit ("the PDU", "the service")
    rating: str
    strength: Strength
    pos: int
    primary: bool = True
    rule: str = ""  # the name of the rule that read it (for evidence and --explain)
    confidence: str = STATED  # INFERRED: coordination, a headline, a table, a sibling
    hint: str | None = None  # for "the company", "the PDU": the type of unit it refers back to


# --- current overall ratings ----------------------------------------------------------------

_OVERALL_RULES = (
    rule("overall-received",
         rf"(?:received|been\s+given|been\s+awarded|achieved|was\s+given|were\s+given|gained|got|given|"
         rf"gives?|gave|awarded|awards)\s+(?P<obj>(?:the|this|that|its|their)\s+(?:\w+\s+){{0,2}})?"
         rf"(?:an?\s+|the\s+)?overall\s+(?:regional\s+)?(?:rating|grade|judgement)\s+(?:of\s+|as\s+)?{Q}",
         "an overall rating received or given is the unit's overall rating",
         ["The unit has received an overall rating of 'Good'.", "was given an overall grade of inadequate"],
         ["received a rating of 'Good' for its leadership"]),
    rule("rated-x-overall",
         rf"(?:rated|judged|graded|assessed|found|considered)\s+(?P<obj>[^.]{{0,70}}?\s+)?(?:as\s+|to\s+be\s+)?{Q}\s+overall",
         "'overall' after the rating says it is the overall one",
         ["has been rated 'Requires improvement' overall", "judged the team to be Good overall"],
         ["was rated 'Good' for partnership work"]),
    rule("overall-rating-is",
         rf"overall\s+(?:regional\s+)?rating\s*(?:is|was|of|has\s+been|[:–-])?\s*{Q}",
         "the overall rating named as such",
         ["The overall rating is 'Good'.", "leading to an overall rating of inadequate", "Overall rating: Good"],
         ["the overall picture is good"]),
    rule("lowest-or-highest-rating",
         rf"(?:each|both|all)?\s*(?:received|been\s+awarded|been\s+given|awarded|given|achieved)\s+the\s+"
         rf"(?:lowest|highest|top|second-lowest|second-highest)\s+(?:possible\s+)?(?:rating|grade|judgement)"
         rf"(?:\s+possible)?(?:\s+of\s+the\s+four)?\s*(?:[(–:,-]|of)?\s*{Q}",
         "'the lowest rating' with the word beside it names the overall grade",
         ["has been given the lowest rating possible, 'Inadequate'", "received the top grade of Outstanding"],
         ["avoided the lowest rating"]),
    rule("overall-rating-for-x-is",
         rf"overall\s+(?:regional\s+)?rating\s+for\s+(?P<obj>[^.'\"]{{2,90}}?)\s+(?:is|was|has\s+been)\s+{Q}",
         "'the overall rating for X is Y' names the unit inside",
         ["the overall rating for the Anytown PDU is 'Good'"],
         ["the overall rating for the region is not yet known"]),
)
_RATED_RE = rule(
    "x-was-rated",
    rf"(?:(?:is|was|are|were|has\s+been|have\s+been|had\s+been|been|being)\s+)?"
    rf"(?:(?:therefore|now|each|both|all|also|again|officially|today)\s+)*"
    rf"(?:rated|judged|graded|assessed|found\s+to\s+be|deemed|declared|branded|labelled|"
    rf"received\s+ratings\s+of|"
    # "has improved from 'Requires improvement' to 'Good'": the rating it moved to
    rf"(?:improved|risen|rose|climbed|dropped|fallen|fell|slipped|declined|downgraded|upgraded|jumped|leapt|leaped|"
    rf"moved|gone)\s+(?:(?:its|their|the)\s+(?:overall\s+)?rating\s+)?(?:(?:up|down)\s+)?(?:(?:one|two|three|a)\s+"
    rf"(?:grades?|levels?|places?),?\s+)?from\s+['\"]?(?:{RATING_WORDS})['\"]?\s+to)\s+"
    rf"(?:as\s+|to\s+be\s+|to\s+(?=['\"]?requir))?{Q}",
    "a unit (named, or 'the PDU') 'was rated', 'has been judged', or moved 'from X to' a rating",
    ["Anytown PDU has been rated 'Good'", "the service has improved from 'Inadequate' to 'Good'"],
    ['rated highly'], flags=_I)
_SIBLING_RULES = (
    rule("sibling-which-received",
         rf",?\s*which\s+(?:also\s+|both\s+|all\s+|each\s+)*(?:received|was\s+given|achieved|got)\s+an?\s+"
         rf"(?:overall\s+)?rating\s+of\s+{Q}",
         "a which-clause after a name rates that unit in passing",
         [", which also received a rating of 'Good'"], ["which received praise"], strength=Strength.PASSING),
    rule("rating-in-brackets",
         rf"\((?:both\s+|all\s+|each\s+)?(?:also\s+)?(?:(?:rated|judged)\s+(?:as\s+)?)?{Q}"
         rf"(?:,?\s+in\s+(?:(?:January|February|March|April|May|June|July|August|September|October|"
         rf"November|December)\s+)?(?:19|20)\d{{2}})?\s*\)",
         "a rating in brackets right after a name is that unit's",
         ["(rated 'Good')", "(Outstanding, in May 2021)"], ["(see the good practice guide)"],
         strength=Strength.BRACKET),
    rule("sibling-which-was-rated",
         rf",?\s*which\s+(?:were|was)\s+(?:also\s+|both\s+|all\s+|each\s+)*(?:rated|judged)\s+"
         rf"(?:as\s+)?{Q}",
         "a which-clause after names rates those units in passing",
         [", which were both rated 'Inadequate'"], [", which was rated highly"], strength=Strength.PASSING),
)
# A rating followed by "for their leadership" is a sub-rating, not the overall one.
_FOR_ASPECT = re.compile(r"^\W{0,3}\s*(?:rating\s+)?(?:(?:specifically|separately|only)\s+)?for\s+"
                         r"(?!(?:the|a)\s+(?:first|second|third|fourth|further|consecutive)|\d)"
                         # "'Good' in two standards", "'Inadequate' in three of its areas": standard-level
                         r"|^\W{0,3}\s*in\s+(?:\w+\s+){0,3}?(?:standards?|areas?|aspects?|categories|domains?|"
                         r"of\s+(?:the|its|their)\s+(?:\w+\s+)?(?:standards|areas|aspects))\b", _I)
_TYPE_NOUN = (r"(?:pdu|service|unit|team|region|yjs|yos|yot|crc|division|probation\s+service|company|organisation|"
              r"youth\s+justice\s+service|youth\s+offending\s+(?:service|team)|probation\s+delivery\s+unit)")
_KIND_NOUNS = (("other", r"company|crc|organisation|provider|firm"), ("PDU", r"pdu|probation\s+delivery\s+unit"),
               ("YJS", r"yjs|yos|yot|youth\s+(?:justice|offending)\s+(?:service|team)"), ("region", r"region|division"))


_PLURAL_SERVICES = re.compile(r"^\s*(?:the\s+)?probation\s+services\s+(?:covering|in|across|for)\b", _I)


def generic_kind(phrase: str) -> str | None:
    """The unit type a generic noun phrase names ('the company' -> 'other'), if it names one."""
    tail = phrase[-60:]
    found = [(m.start(), kind) for kind, noun in _KIND_NOUNS for m in re.finditer(rf"\b(?:{noun})\b", tail, _I)]
    return max(found)[1] if found else None


# "the PDU", "this service", and a news lead's "A youth offending service" (the headline's unit)
_GENERIC = re.compile(
    rf"(?:(?:the|this|that|its)\s+(?:\w+\s+)?{_TYPE_NOUN}|^\s*an?\s+(?:\w+\s+){{0,2}}{_TYPE_NOUN}"
    rf"(?:\s+(?:in|for|covering|serving)\s+[^,;]{{1,40}}?)?)"
    rf"\s*,?(?:\s+(?:has|have|had))?\s*$"
    r"|\b(?:it|they|we|inspectors)(?:\s+(?:has|have|had))?\s*$", _I)
# "... we rated as 'Good'", "inspectors judged 'Good'": active voice, the thing rated stands elsewhere
_ACTIVE_SUBJECT = re.compile(r"\b(?:we|inspectors|the\s+inspectorate|hmi\s+probation)\s*$", _I)
_WHICH = re.compile(r",?\s*which\s+(?:(?:were|was|are|is|have\s+been|has\s+been)\s+)?"
                    r"(?:(?:also|both|all|each)\s+)*$", _I)
_AGGREGATE = re.compile(
    r"\b(?:pdus|services|units|regions|teams|those|cases|areas|divisions|crcs|yjss|per\s+cent|"
    r"\d+\s+of\s+the|most|many|some|all\s+the)\s*(?:\w+\s*)?$", _I)
_GENERIC_HEAD = re.compile(
    r"^\s*(?:the|this)\s+(?:\w+\s+)?(?:company|service|pdu|unit|crc|yjs|yot|yos|team|probation\s+service)\b"
    r"\s+(?:supervising|covering|serving|responsible\s+for|that\s+(?:supervises|covers|serves)|"
    r"which\s+(?:supervises|covers|serves)|in|for|across)\b", _I)
_HYPOTHETICAL = re.compile(r"(?:^|[,;]\s*)(?:if|unless|once|should|where|whether)\s+[^,;]*$", _I)
_WHICH_ALSO = re.compile(r",?\s*which\s+(?:(?:also|both|all|each)\s+)*$", _I)
_EACH = re.compile(r"\b(?:each|both)\b", re.I)
_SERVICES = re.compile(r"^\s*(?:the\s+)?(?:probation\s+services|youth\s+(?:justice|offending)\s+services|pdus)\b", _I)



def find_ratings(sents: list[Sentence], masked: list[tuple[int, int]]) -> list[Rated]:
    """Every statement of a unit's current overall rating."""
    out: list[Rated] = []
    for s in sents:
        if is_boilerplate(s.text) or s.in_notes:
            continue
        out += _overall_in(s, masked)
        out += _active_in(s, masked)
        out += _requires_in(s, masked)
        out += _rating_of_in(s, masked)
        out += _siblings_in(s, masked)
        out += _rated_in(s, masked)
    return out


def _masked(pos: int, masked: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in masked)


def _overall_in(s: Sentence, masked) -> list[Rated]:
    out = []
    for rx in _OVERALL_RULES:
        for m in rx.finditer(s.text):
            pos = s.start + m.start("r")
            if _masked(pos, masked) or _FOR_ASPECT.match(s.text[m.end():]):
                continue
            rating = canonical_rating(m.group("r"))
            subject = before(s.text, m.start())
            obj = m.groupdict().get("obj") or ""
            if _WHICH.search(subject) or _WHICH_ALSO.search(subject):
                continue  # ", which also received ...": a sibling, read by _siblings_in
            named = [x.unit for x in find_mentions(obj) or find_bare(obj, s.context)] if not _ASPECT_WORDS.search(obj) else []
            units = named or _subject_units(subject, s.context) or [None]
            if units == [None] and _AGGREGATE.search(subject + " " + (m.groupdict().get("obj") or "")):
                continue  # "In PDUs rated 'Inadequate' overall, ..." is about many units
            out += _each(units, rating, Strength.STATED, pos, rx.name)
    return out


def _each(units: list, rating: str, strength: Strength, pos: int, name: str, primary: bool = True) -> list[Rated]:
    """One Rated per unit; a rating one statement gives to several units is inferred (coordination)."""
    confidence = INFERRED if len(units) > 1 or strength > Strength.STATED else STATED
    return [Rated(u, rating, strength, pos, primary, name, confidence) for u in units]


# "We have rated X as ...", "found X to be ...", "gave X a ... rating": the object is the unit.
# An object phrase: no sentence end and no quote, but a possessive ("Sefton's service") is fine.
_OBJ = r"(?:[^.'\"]|(?<=\w)'(?=s\b))"
_ACTIVE_RE = rule(
    "we-rated-x-as",
    rf"\b(?:(?:rated|found|judged|considered|assess(?:ed|es|ing)?|branded|labelled|declared|deemed)\s+(?P<obj>{_OBJ}{{3,90}}?)\s+(?:as\s+|to\s+be\s+)?|(?:gave|awarded|given)\s+(?P<obj2>{_OBJ}{{3,90}}?)\s+"
    rf"an?\s+(?:overall\s+)?(?=['\"]?(?:{RATING_WORDS})['\"]?\s+rating)){Q}(?!\s+overall)",
    "active voice: the object of 'rated', 'found', 'judged', 'gave' is the unit rated",
    ["Overall, we have rated Anytown PDU as 'Requires improvement'", 'inspectors found the team to be good'],
    ['rated outstanding by staff'], flags=_I)


def _active_in(s: Sentence, masked) -> list[Rated]:
    """'Overall, we have rated X PDU as 'Requires improvement'': the object is the unit rated."""
    out = []
    for m in _ACTIVE_RE.finditer(s.text):
        pos = s.start + m.start("r")
        obj = m.group("obj") or m.group("obj2")
        if re.search(rf"\b(?:{RATING_WORDS})\b", obj, _I) or re.match(r"\s*that\b", obj, _I):
            continue  # "rated outstanding ... after it required improvement"; "found that ..."
        if _masked(pos, masked) or _FOR_ASPECT.match(s.text[m.end():]) or _aspect(obj):
            continue
        units = [x.unit for x in find_mentions(obj) or find_bare(obj, s.context)]
        paired = active_pairs(s, m.start("r"), units)
        if paired is not None:
            out += _respectively(paired)
        elif units:
            out += _each(units, canonical_rating(m.group("r")), Strength.STATED, pos, "we-rated-x-as")
            out += _more_objects(s, m.end())
        elif _GENERIC.search(re.sub(r"\s+overall\s*$", "", obj) + " "):  # "assess it overall as 'Good'"
            out.append(Rated(None, canonical_rating(m.group("r")), Strength.WEAK, pos, rule="we-rated-x-as",
                             hint=generic_kind(obj)))
    return out


_MORE_OBJ = rule(
    "and-y-as",
    rf"\s*(?:,\s*(?:and\s+)?|\s+and\s+)(?P<obj>[^,.;'\"]{{3,90}}?)\s+(?:as\s+)?{Q}",
    "objects coordinated after a first one: ', B as 'Good' and C as 'Inadequate''",
    [", Westmoor PDU as 'Good'"],
    [', and then'], flags=_I)


def _aspect(phrase: str) -> bool:
    """True when a phrase names an aspect of work; the words of a unit's own name do not count
    ("the Anytown Probation Delivery Unit" is a unit, "delivery of sentences" an aspect)."""
    for m in reversed(find_mentions(phrase)):
        phrase = phrase[: m.start] + " " + phrase[m.end:]
    return bool(_ASPECT_WORDS.search(phrase))


def _more_objects(s: Sentence, at: int) -> list[Rated]:
    """Objects coordinated after a first one: ", B as 'RI' and C as 'Good'", " and B 'Outstanding'"."""
    out = []
    while (m := _MORE_OBJ.match(s.text, at)):
        units = [x.unit for x in find_mentions(m.group("obj"))]
        if not units or _ASPECT_WORDS.search(m.group("obj")):
            break
        out += _each(units, canonical_rating(m.group("r")), Strength.STATED, s.start + m.start("r"), "and-y-as")
        at = m.end()
    return out


def _siblings_in(s: Sentence, masked) -> list[Rated]:
    out = []
    for rx in _SIBLING_RULES:
        for m in rx.finditer(s.text):
            pos = s.start + m.start("r")
            if _masked(pos, masked) and not m.group(0).startswith("("):
                continue  # a bracket right after a name is that unit's rating, dated or not
            lead = before(s.text, m.start())
            units = _trailing_units(lead)
            rating = canonical_rating(m.group("r"))
            if len(units) == 1 and _REPORT_INTO.search(lead[: find_mentions(lead)[-1].start]):
                # "the report into X PDU, which was rated 'Inadequate' overall": the report's own unit
                out.append(Rated(units[0], rating, Strength.STATED, pos, True, rx.name, STATED))
                continue
            out += [Rated(u, rating, rx.meta["strength"], pos, False, rx.name, INFERRED) for u in units]
    return out


_REPORT_INTO = re.compile(r"\b(?:report|inspection|review)\s+(?:on|into|of)\s+(?:the\s+)?$", _I)


_HEADLINE_GRAMMAR = re.compile(r"(?:rated|judged|graded)\s", _I)


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
        subject = s.text[clause_start: m.start()] if respectively else before(s.text, m.start())
        if _HYPOTHETICAL.search(subject):
            continue  # "If the PDU is rated 'Inadequate', we will return ..."
        if subject.rfind("(") > subject.rfind(")") or _WHICH.search(subject):
            continue  # "(both rated 'Good')", ", which were both rated": asides, read by _siblings_in
        if _ACTIVE_SUBJECT.search(subject):
            continue  # "the inspections we rated as 'Good'": the rated thing is not the subject
        rating = canonical_rating(m.group("r"))
        if respectively and first_in_clause:
            out += _respectively(passive_pairs(s, subject, clause))
            continue
        if respectively:
            continue
        out += _rated_subject(s, m, subject, rating, pos)
    return out


def _rated_subject(s: Sentence, m, subject: str, rating: str, pos: int) -> list[Rated]:
    """Who 'was rated': the named unit(s), a headline-style mention, or a generic subject."""
    units = _subject_units(subject, s.context, strict=True)
    if units:
        named = find_mentions(subject)
        if not s.in_title and _HEADLINE_GRAMMAR.match(m.group(0)) and named and not subject[named[-1].end:].strip():
            # "Wigan PDU rated 'Inadequate'" in the body: a headline's grammar (a list of other
            # stories, a caption), not a sentence stating the rating
            return [Rated(u, rating, Strength.PASSING, pos, False, "x-rated-headline-style", INFERRED) for u in units]
        return (_each(units, rating, Strength.WEAK if s.in_title else Strength.STATED, pos, "x-was-rated")
                + _more_objects(s, m.end()))
    if _GENERIC.search(_APPOSITIVE.sub(" ", subject).rstrip() + " ") and not _ASPECT_WORDS.search(
            _APPOSITIVE.sub(" ", subject)[-40:]):
        hint = "plural" if _PLURAL_SERVICES.match(subject) else generic_kind(subject)
        return [Rated(None, rating, Strength.WEAK, pos, rule="the-service-was-rated", hint=hint)]
    if _GENERIC_HEAD.match(subject) and len(subject.split()) <= 20:
        # "The private company supervising ... across three counties has been rated"
        return [Rated(None, rating, Strength.WEAK, pos, rule="the-service-covering-was-rated")]
    if _EACH.search(subject[-12:] + m.group(0)) and _SERVICES.search(subject):
        # "Probation services ... in three areas of the city have each been rated 'Inadequate'"
        return [Rated(None, rating, Strength.WEAK, pos, rule="services-each-rated", confidence=INFERRED)]
    return []


# "Suffolk PDU has received a rating of 'Good'", "was given a 'Good' rating": the subject must name
# the unit ("Specific areas of their work received an 'Outstanding' rating" does not).
_RATING_OF_RE = rule(
    "received-a-rating-of",
    rf"\b(?:received|been\s+given|been\s+awarded|been\s+handed|achieved|was\s+given|was\s+awarded|was\s+handed|"
    rf"handed|earned|secured|gained|got)\s+an?\s+(?:overall\s+)?(?:(?:rating|grade)\s+of\s+|"
    rf"(?=['\"]?(?:{RATING_WORDS})['\"]?\s+(?:overall\s+)?(?:rating|grade))){Q}",
    "a named subject 'received a rating of' or 'was given a ... rating'",
    ["Anytown PDU has received a rating of 'Good'", "was given a 'Good' rating"],
    ['received good news'], flags=_I)


def _rating_of_in(s: Sentence, masked) -> list[Rated]:
    """'X PDU has received a rating of 'Good'' / 'was given a 'Good' rating', for a named subject."""
    out = []
    for m in _RATING_OF_RE.finditer(s.text):
        pos = s.start + m.start("r")
        subject = before(s.text, m.start())
        if _masked(pos, masked) or _FOR_ASPECT.match(s.text[m.end():]) or _WHICH.search(subject):
            continue
        units = _subject_units(subject, s.context, strict=True)
        out += _each(units, canonical_rating(m.group("r")), Strength.STATED, pos, "received-a-rating-of")
        if not units and _GENERIC.search(subject) and not _ACTIVE_SUBJECT.search(subject):
            out.append(Rated(None, canonical_rating(m.group("r")), Strength.WEAK, pos, rule="received-a-rating-of",
                             hint=generic_kind(subject)))
    return out


_REQUIRES_RE = rule(
    "x-requires-improvement",
    r"\b(?P<r>requir(?:es|ed|e)\s+improvement)\b(?!\s+(?:in|to|with|across|for|on|around)\b)",
    "'requires improvement' used as the verb: 'Anytown PDU requires improvement'",
    ['Anytown PDU requires improvement, inspectors said'],
    ['requires improvement in its case records'], flags=_I)


def _requires_in(s: Sentence, masked) -> list[Rated]:
    """'Croydon PDU required improvement, according to inspectors': the rating as the verb."""
    out = []
    for m in _REQUIRES_RE.finditer(s.text):
        pos = s.start + m.start("r")
        subject = before(s.text, m.start())
        told = re.search(r"\btold\s+(?:that\s+)?(?:it|they)\s*['\"]?$", subject, _I)
        if told and not _masked(pos, masked):
            # "X has been told it 'requires improvement'": X, else the text's unit
            head = re.sub(r"\s+(?:has|have|had|was|were)\s+been\s*$", "", subject[: told.start()])
            named = [] if s.in_title or not find_mentions(head) else _subject_units(head, s.context, strict=True)
            out += _each(named, "Requires improvement", Strength.STATED, pos, "told-it-requires-improvement") or [
                Rated(None, "Requires improvement", Strength.WEAK, pos, rule="told-it-requires-improvement")]
            continue
        if _masked(pos, masked) or re.search(r"(?:\b(?:rated|judged|graded|as|be|been|was|is|still|and)\s*|[(,:–-]\s*)['\"]?$",
                                             subject.rstrip() if subject[-1:] == " " else subject, _I):
            continue  # read by the other forms, or not the verb ("rated as requires improvement")
        units = _subject_units(subject, s.context, strict=True)
        tail = subject[-3:] if not units else ""
        if units and not tail.strip(" ,"):
            strength = Strength.WEAK if s.in_title else Strength.STATED
            out += _each(units, "Requires improvement", strength, pos, "x-requires-improvement")
        elif not units and _GENERIC.search(subject) and not re.search(r"\b(?:it|they|we|inspectors)\s*$", subject, _I):
            out.append(Rated(None, "Requires improvement", Strength.WEAK, pos, rule="x-requires-improvement"))
    return out


def _respectively(pairs) -> list[Rated]:
    """Each (unit, rating, position) a 'respectively' pairs, as a claim."""
    return [Rated(u, r, Strength.STATED, pos, True, "respectively", INFERRED) for u, r, pos in pairs]
