"""The backoff reader: a generic, compositional reading used only when the specific rules find no
rated unit in a text that reports an HMI Probation inspection of one named unit.

It composes three pieces per sentence (a rating expression, an overall-rating cue, a subject that is
the text's main unit or a pronoun / generic noun for it) and drops sentences with a blocker
(negation, modality, another inspectorate, a sub-rating). A rating in a past clause ("up from",
"at its previous inspection") becomes the previous rating. It never changes what the specific rules
read: `_read` calls it only when they gave no unit a rating.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.extract import backoff_rules as R
from bot.extract.claims import asserted, by_another_body, is_question, of_another_service
from bot.extract.document import _OLD_FRAMEWORK, _YEAR, NO_RATING, RATED_TYPES
from bot.extract.evidence import locate, passage
from bot.extract.facts import count_recommendations
from bot.extract.previous import find_previous_date, is_first_inspection
from bot.extract.rules import INFERRED, STATED
from bot.extract.subjects import _ASPECT_WORDS
from bot.extract.text import Sentence, canonical_rating
from bot.extract.units import Unit, find_bare, find_mentions
from bot.models import UnitRating, direction_between

_SCALE = ("Inadequate", "Requires improvement", "Good", "Outstanding")
_BY_POSITION = {"lowest": 0, "bottom": 0, "worst": 0, "highest": 3, "top": 3, "best": 3}
_HMIP = re.compile(r"inspectorate\s+of\s+probation|hmi\s+probation|probation\s+(?:inspectorate|inspectors|watchdog)|"
                   r"chief\s+inspector\s+of\s+probation", re.I)
_INSPECTORS = re.compile(r"\binspectors?\b|\binspectorate\b|\bwatchdog\b", re.I)
_GENERIC = re.compile(r"\b(?:it|they|the\s+(?:service|unit|team|pdu|yjs|yos|yot|partnership|office|"
                      r"probation\s+(?:service|delivery\s+unit|office)|"
                      r"youth\s+(?:justice|offending)\s+(?:service|team)))\b",
                      re.I)
_CLAUSE_END = re.compile(r"[,;:()–]|\s-\s|\bbut\b|\bwhile\b|\bwhereas\b|\bafter\b|\bwhich\b", re.I)
_UNRATED_PROGRAMME = re.compile(r"quality\s+(?:&|and)\s+impact|full\s+joint\s+(?:re-?)?inspection", re.I)
# "At our last inspection of the region, in 2024, the region was rated ...": the whole sentence is past
_PAST_OPENING = re.compile(r"\s*(?:at|in|during|when|following|after)\s+(?:our|its|their|the)\s+"
                           r"(?:last|previous|earlier|prior)\b",
                           re.I)
# Nouns after which "of/at/in X" still gives X's own rating ("probation services in X", "the verdict on X")
_ORG = (r"(?:services?|probation|team|unit|provision|supervision|(?:justice|probation|offending)\s+work|said|says|"
        r"wrote|reports?|inspections?|verdict|judgement|ratings?|grades?|view|findings|outcomes?|results?)")
_OF_THE_UNIT = re.compile(rf"\b(?!{_ORG}\s)[\w-]+\s+(?:at|in|of|within|across|for|by|from|with)\s+(?:the\s+)?$", re.I)
_ITS_PART = re.compile(r"['’]s\s+(?!(?:probation|youth|overall|rating|grade|service|team|unit|pdu|yjs)\b)[a-z]", re.I)
_REACH = 300
_MAX_UNITS = 3  # more named units than this: a roundup or a list, not one unit's inspection
_LEAD = 3  # a pronoun or generic noun in the first sentences refers to the headline's unit


@dataclass(frozen=True)
class Claim:
    """One rating expression in one sentence, with its role and the rule that read it."""

    rating: str
    past: bool
    pos: int
    rule: str
    stated: bool


def read(body: str, sents: list[Sentence], main: Unit | None, source: str, trace: list) -> UnitRating | None:
    """The main unit's rating by the backoff rules, or None when the text gives none they can read."""
    if main is None or not _gate(body, sents, main):
        return None
    claims = _all_claims(sents, main)
    current = [c for c in claims if not c.past]
    if not current:
        return None
    cur = min(current, key=lambda c: (not c.stated, c.pos))
    prev = _previous(claims, cur, sents)
    direction = direction_between(prev.rating, cur.rating) if prev else ("new" if _first(body) else None)
    evidence = {"rating": locate(source, passage(sents, cur.pos)),
                "previous_rating": locate(source, passage(sents, prev.pos)) if prev else None}
    trace.append((main.name, {"rating": cur.rule, "previous_rating": prev.rule if prev else None,
                              "direction": "first-inspection" if direction == "new" else None,
                              "backoff": "backoff-reader"}))
    return UnitRating(name=main.name, type=main.type, region=main.region, rating=cur.rating,
                      previous_rating=prev.rating if prev else None,
                      previous_inspection=find_previous_date(body) if prev else None, direction=direction,
                      recommendations=count_recommendations(body, sents), evidence=evidence,
                      confidence=STATED if cur.stated else INFERRED)


def fill_previous(body: str, sents: list[Sentence], unit: UnitRating, main: Unit | None, source: str,
                  trace: list) -> UnitRating:
    """The main unit's previous rating told as a story ('a fall from the X rating awarded at the
    previous inspection'), when the specific rules read its rating but no previous one."""
    if main is None or unit.name != main.name or unit.previous_rating or unit.direction or not unit.rating \
            or not _gate(body, sents, main):
        return unit
    claims = [c for c in _all_claims(sents, main) if c.stated]
    same = [c for c in claims if not c.past and c.rating == unit.rating]
    prev = _previous(claims, same[0], sents) if same else next((c for c in claims if c.past), None)
    if prev is None:
        return unit
    fields = next((f for name, f in reversed(trace) if name == unit.name), None)
    if fields is None:
        trace.append((unit.name, fields := {}))
    fields.update({"previous_rating": prev.rule, "backoff": "backoff-reader"})  # beside the specific rules' names
    return replace(unit, previous_rating=prev.rating, direction=direction_between(prev.rating, unit.rating),
                   previous_inspection=unit.previous_inspection or find_previous_date(body),
                   evidence={**(unit.evidence or {}), "previous_rating": locate(source, passage(sents, prev.pos))})


def _first(body: str) -> bool:
    """True when the text says this is the unit's first inspection."""
    return is_first_inspection(body) or bool(R.FIRST.search(body))


def _gate(body: str, sents: list[Sentence], main: Unit) -> bool:
    """A text about an HMI Probation inspection of one (or a few) named units, that gives ratings."""
    if main.type not in RATED_TYPES or NO_RATING.search(body) or _UNRATED_PROGRAMME.search(body) \
            or _OLD_FRAMEWORK.search(body) or max((int(y) for y in _YEAR.findall(body)), default=9999) < 2018:
        return False  # a plan or update, or a programme before the four-point ratings (2018)
    if not _HMIP.search(body) and not (_INSPECTORS.search(body) and not any(by_another_body(s.text) for s in sents)):
        return False
    named = {m.unit.name for s in sents if not s.in_notes for m in find_mentions(s.text)
             if m.unit.type in RATED_TYPES}
    return len(named) <= _MAX_UNITS


def _all_claims(sents: list[Sentence], main: Unit) -> list[Claim]:
    """Every sentence's claims; a sentence's cue may be the next one ('That is the verdict of ...')."""
    nexts = [n.text for n in sents[1:]] + [""]
    cued = [bool(R.THAT_IS_THE_VERDICT.search(n)) for n in nexts]
    return [c for i, s in enumerate(sents) for c in _claims(s, i, main, cued[i])]


def _claims(s: Sentence, i: int, main: Unit, cued: bool = False) -> list[Claim]:
    """The rating claims about the main unit in one sentence (none when a blocker stands in it)."""
    if s.in_notes or by_another_body(s.text) or is_question(s.text) or R.SUB_RATING.search(s.text) or not (cued or R.CUE.search(s.text)):
        return []
    subject = _subject(s, main, i)
    if subject is None:
        return []
    out, taken = [], []
    for at, end, rating, name in _expressions(s.text):
        if any(a <= at < b for a, b in taken):
            continue
        taken.append((at, end))
        a, b = _clause(s.text, at, end)
        clause = s.text[a:b]
        if R.NEGATION.search(clause):
            return []  # "avoided the lowest rating, but was told it must improve": nothing sure in it
        if R.FUTURE.search(clause) or R.PASSING.search(s.text[max(0, at - 60): at]) \
                or not asserted(s.text[max(0, at - _REACH): at], s.text[end: end + _REACH]) \
                or of_another_service(s.text[max(0, at - _REACH): at]):
            continue
        if not subject and _ASPECT_WORDS.search(s.text[a:at]):
            continue  # "assessment and planning were rated as ...": an aspect, not the unit
        past = _is_past(s.text, at, end)
        out.append(Claim(rating, past, s.start + at, name, subject and not s.in_title))
    return out


def _subject(s: Sentence, main: Unit, i: int) -> bool | None:
    """True when the sentence names the main unit (or refers to it in the lead), False when it
    refers to it later by a pronoun or generic noun (inferred), None when it is about something else."""
    mentions = [m for m in find_mentions(s.text) + find_bare(s.text, s.context) if m.unit.type in RATED_TYPES]
    mine = [m for m in mentions if m.unit.name == main.name  # the longest reading of each place
            and not any(o.start <= m.start and m.end < o.end for o in mentions)]
    if mine:  # "Staff morale at X", "X's case managers": the sentence rates something of the unit's
        return True if any(not _OF_THE_UNIT.search(s.text[: m.start]) and not _ITS_PART.match(s.text[m.end:])
                           for m in mine) else None
    if mentions:
        return None
    if R.VERDICT.search(s.text):
        return False  # "The overall judgement of the inspectors was Good" (the unit in a heading)
    if not _GENERIC.search(s.text):
        return None  # "inspectors found the supervision inadequate": no subject that is the unit
    return i < _LEAD + 1  # "it", "the service": the headline's unit, stated in the lead


def _expressions(text: str) -> list[tuple[int, int, str, str]]:
    """Every rating expression in a sentence: (start, end, rating, rule name), longest pieces first."""
    found = []
    for m in R.ONE_STEP.finditer(text):
        found.append((m.start(), m.end(), _one_step(m), R.ONE_STEP.name))
    for m in R.SCALE_POSITION.finditer(text):
        found.append((m.start(), m.end(), _position(m.group("pos")), R.SCALE_POSITION.name))
    for r in (R.RATING_WORD, R.PREDICATE_WORD, R.ATTRIBUTIVE_WORD, R.MOVED_TO):
        for m in r.finditer(text):
            word = m.group("w") or m.groupdict().get("cap")
            found.append((m.start("w") if m.group("w") else m.start(), m.end(), canonical_rating(word), r.name))
    for m in R.IMPROVE_PHRASE.finditer(text):
        found.append((m.start(), m.end(), "Requires improvement", R.IMPROVE_PHRASE.name))
    return [f for f in found if f[2]]


def _position(word: str) -> str:
    """'second-lowest' -> Requires improvement, 'top' -> Outstanding."""
    w = word.casefold()
    if w.startswith("second"):
        return _SCALE[1] if re.search(r"lowest|bottom", w) else _SCALE[2]
    return _SCALE[_BY_POSITION[w]]


def _one_step(m: re.Match) -> str | None:
    """'one grade below outstanding' -> Good; 'a grade above the bottom' -> Requires improvement."""
    at = _BY_POSITION.get((m.group("end") or "").casefold())
    if at is None:
        word = canonical_rating(m.group("w"))
        at = _SCALE.index(word) if word else None
    if at is None:
        return None
    step = -1 if re.match(r"below|under|short|down", m.group("dir"), re.I) else 1
    return _SCALE[at + step] if 0 <= at + step < 4 else None


def _clause(text: str, at: int, end: int) -> tuple[int, int]:
    """Where the clause around a rating expression starts and ends."""
    lo = max(0, at - _REACH)  # a clause is read at most _REACH characters back and ahead: linear time
    starts = [m.end() for m in _CLAUSE_END.finditer(text, lo, at)]
    stop = _CLAUSE_END.search(text, end, end + _REACH)
    return (starts[-1] if starts else lo), (stop.start() if stop else min(len(text), end + _REACH))


def _is_past(text: str, at: int, end: int) -> bool:
    """True when the rating's clause is about an earlier inspection ('up from X', 'at its last')."""
    if R.FROM_BEFORE.search(text[max(0, at - 40): at]):
        return True
    a, b = _clause(text, at, end)
    head, tail = text[a:at], text[end:b]
    return bool(R.PAST.search(head) or R.PAST.search(tail) or _PAST_OPENING.match(text))


def _previous(claims: list[Claim], cur: Claim, sents: list[Sentence]):
    """The previous rating: a past claim, or the current one when 'the same rating as at its last'."""
    past = [c for c in claims if c.past]
    if past:
        return min(past, key=lambda c: abs(c.pos - cur.pos))
    for s in sents:
        if s.start <= cur.pos < s.start + len(s.text) + 1 and R.SAME.search(s.text):
            return Claim(cur.rating, True, cur.pos, R.SAME.name, cur.stated)
    return None
