"""The extractor: pure functions from an inspection text to an `Extraction`."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.extract import backoff
from bot.extract.claims import asserted, by_another_body, is_question, of_another_service, of_earlier_inspection
from bot.extract.document import (
    JOB_FIELDS, LATER_OR_UNRATED, LEAD_PUBLICATION, NO_RATING, OTHER_PUBLICATION, REPORTS_ON, inspected_units, unstated_rating_unit,
)
from bot.extract.evidence import locate, passage, sentence_at
from bot.extract.facts import (
    count_recommendations, find_chief_inspector, recommendations_per_unit, find_published, find_scores, find_standards,
    headline_findings, table_overall,
)
from bot.extract.previous import (
    Previous, find_previous, find_previous_date, find_remains, first_inspection_for_all,
    is_first_inspection,
)
from bot.extract.phrases import find_phrases
from bot.extract.ratings import Rated, find_ratings
from bot.extract.rules import INFERRED, STATED, Strength
from bot.extract.text import Q, RATING_WORDS, before, canonical_rating, normalise, sentences, strip_chrome
from bot.extract.units import Unit, find_bare, find_mentions, gazetteer
from bot.models import Extraction, UnitRating, direction_between

__all__ = ["explain", "extract"]

def extract(text: str, *, title: str | None = None, published: str | None = None) -> Extraction:
    """Read one text (press release, news story, report page or report) into an Extraction."""
    return _read(text, title, published)[0]


def explain(text: str, *, title: str | None = None, published: str | None = None) -> tuple[Extraction, list]:
    """The Extraction and, per unit, the name of the rule that read each field (`extract --explain`)."""
    return _read(text, title, published)


def _read(text: str, title: str | None, published: str | None) -> tuple[Extraction, list]:
    body = strip_chrome(normalise(text))
    if title:
        title = normalise(title)
        if not body.startswith(title):
            body = f"{title}\n{body}"
    title = title or _first_line(body)
    sents = sentences(body, title_end=len(title or ""))
    main = _main_unit(body, title or "")
    previous = find_previous(sents, main)
    masked = [p.span for p in previous if p.rating]
    rated = _asserted(sents, find_ratings(sents, masked) + find_phrases(sents, masked))
    rated += _headline_and_table(body, title or "", rated, masked)
    lead = _lead_unit(rated, main)
    if lead != main:  # the unit whose rating the text states is the one it is about
        main, previous = lead, find_previous(sents, lead)
    trace: list = []
    if NO_RATING.search(body):
        # A public-protection inspection "does not give a rating": only a named unit's
        # explicit overall rating can make it a rated inspection.
        rated = [r for r in rated if r.strength == Strength.STATED and r.unit is not None]
        trace.append(("text", {"is_inspection": "says-no-rating-given"}))
    units = _assemble(body, sents, rated, previous, main, title, text, trace)
    units = _backoff(body, sents, main, text, units, trace)
    units = _as_publication(body, title or "", sents, units, trace)
    primary = [u for u in units if u[1]]
    if not primary:
        units = []  # units named only in passing, in a text that reports no inspection
    return Extraction(
        is_inspection=bool(primary),
        title=title,
        published=find_published(body) or published,
        units=tuple(u for u, _ in units),
        findings=tuple(headline_findings(sents)) if primary else (),
        chief_inspector=find_chief_inspector(body),
        standards=find_standards(body) if primary else {},
        siblings=tuple(u.name for u, is_primary in units if not is_primary),
    ), trace


def _backoff(body: str, sents, main, source: str, units: list, trace: list) -> list[tuple[UnitRating, bool]]:
    """The generic backoff reader (bot/extract/backoff.py): the unit when the specific rules read no rating."""
    if any(u.rating for u, primary in units if primary):  # the specific rules' reading stands; at most
        first = backoff.fill_previous(body, sents, units[0][0], main, source, trace)  # a previous rating added
        return [(first, units[0][1])] + units[1:]
    found = backoff.read(body, sents, main, source, trace)
    return [(found, True)] + [u for u in units if u[0].name != found.name] if found else units


def _as_publication(body: str, title: str, sents, units: list, trace: list) -> list[tuple[UnitRating, bool]]:
    """The units as the kind of text reports them: none from another publication; a rated
    inspection without its rating; units inspected in passing, their rating unknown."""
    if not any(primary for _, primary in units):
        units = _unstated(sents, body, trace)
    else:  # "The X service was inspected by HMI Probation": listed, its rating unknown, never alerted
        named = {u.name for u, _ in units}
        units += [(UnitRating(name=u.name, type=u.type, region=u.region, evidence={"rating": None, "previous_rating": None}),
                   False) for u, _ in inspected_units(sents) if u.name not in named]
    lead = body[len(title): len(title) + 300]
    if ((OTHER_PUBLICATION.search(title) or LEAD_PUBLICATION.search(lead)) and not _named_in(title, units)) \
            or LATER_OR_UNRATED.search(title) or len(list(JOB_FIELDS.finditer(body))) >= 2:
        trace.append(("text", {"is_inspection": "other-publication"}))
        return []  # an annual report or a guide citing rated units is not an inspection report
    return units


def _unstated(sents, body: str, trace: list) -> list[tuple[UnitRating, bool]]:
    """A rated inspection whose text lacks the rating: the unit, rating null (nothing to alert)."""
    unit = unstated_rating_unit(sents, body)
    if unit is None:
        return []
    trace.append((unit.name, {"is_inspection": "inspection-of-unit", "rating": "not stated in the text"}))
    return [(UnitRating(name=unit.name, type=unit.type, region=unit.region,
                        recommendations=count_recommendations(body, sents),
                        evidence={"rating": None, "previous_rating": None}), True)]


def _named_in(title: str, units) -> bool:
    """True when the headline names one of the rated units."""
    named = {m.unit.name for m in find_mentions(title) + find_bare(title)}
    return any(u.name in named for u, primary in units if primary)


_HEADLINE_MAX = 300


def _first_line(body: str) -> str | None:
    """The headline: the first line, joined to the next when it ends in a colon (report covers)."""
    lines = [line.strip() for line in body[:2000].split("\n") if line.strip()][:2]
    if not lines:
        return None
    line = f"{lines[0]} {lines[1]}" if lines[0].endswith(":") and len(lines) > 1 else lines[0]
    if len(line) > _HEADLINE_MAX:  # a first paragraph, not a headline: its first sentence, at most
        end = re.search(r"[.!?](?=\s)", line[:_HEADLINE_MAX])
        line = line[: end.end()] if end else line[:_HEADLINE_MAX].rsplit(" ", 1)[0]
    return line


def _main_unit(body: str, title: str) -> Unit | None:
    """The unit the text is about: named in the headline, else first named in the text."""
    for chunk, bare in ((title, False), (body[:600], False), (title, True), (body, False)):
        found = find_bare(chunk) if bare else find_mentions(chunk)
        if found:
            return found[0].unit
    return None


def _lead_unit(rated: list[Rated], main: Unit | None) -> Unit | None:
    """The text's own unit: the first named in a stated rating, unless the headline's unit has one."""
    named = [r.unit for r in sorted(rated, key=lambda r: r.pos)
             if r.unit is not None and r.primary and r.strength == Strength.STATED]
    if not named or (main is not None and main.name in {u.name for u in named}):
        return main
    return named[0]


def _asserted(sents, rated: list[Rated]) -> list[Rated]:
    """The claims the text makes: not negated or hypothetical, and not another inspectorate's."""
    out = []
    for r in rated:
        s = sentence_at(sents, r.pos)
        at = r.pos - s.start if s else 0
        after = s.text[at:].split(" ", 1)[-1] if s else ""  # past the rating's first word
        after = re.sub(r"^\s*improvement\b", "", after, flags=re.I)
        if s is None or (asserted(s.text[:at], re.sub(r"^[^\s]*['\"]", "", after)) and not by_another_body(s.text)
                         and not of_another_service(s.text[:at]) and not of_earlier_inspection(s.text[:at], s.text[at:])
                         and not is_question(s.text)):
            out.append(r)
    return out


_HEADLINE_VERDICT = re.compile(rf"[:–-]\s*({RATING_WORDS})\s*[.!]?\s*$", re.I)


def _headline_and_table(body: str, title: str, rated: list[Rated], masked=()) -> list[Rated]:
    """Weaker signals used only when no sentence states the rating: headline, ratings table."""
    if any(r.primary for r in rated):
        return []

    other_body = by_another_body(title) or is_question(title)
    found = [canonical_rating(m.group("r")) for m in re.finditer(Q, title, re.I)
             if m.group("qq") and not other_body and asserted(before(title, m.start()), title[m.end():])
             and not of_another_service(title[: m.start()])
             and not re.search(r"\ban?\s*$", title[: m.start()], re.I)  # "how an 'Outstanding' service works"
             and not (body.startswith(title) and any(a <= m.start("r") < b for a, b in masked))]  # a past rating
    ended = _HEADLINE_VERDICT.search(title)  # "Anytown YOT: Requires improvement"
    if not found and ended and ended.group(1)[0].isupper() and not other_body \
            and not of_another_service(title[: ended.start(1)]):
        found = [canonical_rating(ended.group(1))]
    units = find_mentions(title) or find_bare(title)
    if len(set(found)) == 1 and units:  # "What 'good' looks like" names no unit: not a rating
        return [Rated(units[0].unit, found[0], Strength.WEAK, 0, rule="headline", confidence=INFERRED)]
    overall, at = table_overall(body)
    return [Rated(None, overall, Strength.WEAK, at, rule="ratings-table", confidence=INFERRED)] if overall else []


def _assemble(body, sents, rated, previous, main, title, source, trace) -> list[tuple[UnitRating, bool]]:
    """One UnitRating per unit, primary units first, each with its previous rating, score and evidence."""
    rated = _spread_plural(sents, rated)
    ordered = _choose(body, rated, main, title)
    ctx = _Context(body, sents, previous, main, source, _scores_by_unit(body, main), count_recommendations(body, sents),
                   recommendations_per_unit(body), is_first_inspection(body), first_inspection_for_all(body),
                   trace)
    return [(_unit_rating(ctx, i, r, unit), r.primary) for i, (r, unit) in enumerate(ordered)]


_SERVICES_WORD = re.compile(r"\bservices?\b|\bprobation\b", re.I)


def _spread_plural(sents, rated: list[Rated]) -> list[Rated]:
    """'Probation services covering A and B have been rated X': X for each unit the story names
    (when it names two or more and gives them no rating of their own), inferred."""
    plural = [r for r in rated if r.unit is None and r.hint == "plural"]
    if not plural:
        return rated
    claimed = {r.unit.name for r in rated if r.unit is not None}
    named: dict[str, Unit] = {}
    first = sentence_at(sents, plural[0].pos)
    for s in [first] + sents:  # the units the claim itself names come first
        if s.in_notes or s.in_title or not _SERVICES_WORD.search(s.text):
            continue  # a bare place ("the ministry's building in Westminster") is no unit here
        for m in find_mentions(s.text) or find_bare(s.text, s.context):
            if m.unit.type in ("PDU", "YJS") and m.unit.name not in claimed:
                named.setdefault(m.unit.name, m.unit)
    if len(named) < 2:
        return rated
    claim = first.text.casefold() if first else ""

    def said_at(u: Unit) -> int:  # where the claim itself names a part of the unit's area
        found = (re.search(rf"\b{re.escape(p)}\b", claim) for p in gazetteer().parts_of(u) if len(p) > 2)
        return min((m.start() for m in found if m), default=len(claim))

    spread = [replace(r, unit=u, confidence=INFERRED) for r in plural
              for u in sorted(named.values(), key=said_at)]
    return [r for r in rated if r not in plural] + spread


def _choose(body, rated, main, title) -> list[tuple[Rated, Unit]]:
    """The winning statement for each unit: the strongest, then the earliest; primary units first."""
    if not any(r.primary for r in rated) and REPORTS_ON.search(body):
        # "reports on three services: Dudley YJS (rated 'Good'), Sandwell YJS (rated ...)"
        rated = [replace(r, primary=True, strength=Strength.STATED) if r.strength == Strength.BRACKET else r
                 for r in rated]
    best: dict[str, tuple[Rated, Unit]] = {}
    for r in sorted(rated, key=lambda r: (r.strength, r.pos)):
        unit = r.unit or _antecedent(body, r, main) or main or _title_unit(title)
        if unit is None:
            continue
        if unit.name not in best or (r.primary and not best[unit.name][0].primary):
            best[unit.name] = (r, unit)
    if any(r.strength == Strength.STATED and r.primary for r, _ in best.values()):
        # A headline's made-up name ("Middlesbrough and Redcar youth justice service") is not
        # a second unit when the text names a known one with its rating.
        best = {k: v for k, v in best.items()
                if v[0].strength == Strength.STATED or not v[0].primary or _known(v[1])}
    # A headline restates the body: its area ("services in the south-west") rated as a unit the
    # body states is that unit, not a second one.
    stated = {r.rating for r, _ in best.values() if r.confidence == STATED and r.primary and r.pos >= len(title or "")}
    best = {k: v for k, v in best.items()
            if not (v[0].pos < len(title or "") and v[0].confidence == INFERRED and v[0].rating in stated)}
    return sorted(best.values(), key=lambda x: (not x[0].primary, x[0].pos))


@dataclass(frozen=True)
class _Context:
    """What every unit of one text is read against."""

    body: str
    sents: list
    previous: list
    main: Unit | None
    source: str
    scores: dict
    recs: int | None
    per_unit: dict
    first: bool
    first_all: bool
    trace: list  # (unit name, {field: rule name}) for `extract --explain`


def _unit_rating(ctx: _Context, i: int, r: Rated, unit: Unit) -> UnitRating:
    """One unit's reading, with the passages it came from and the rules that read it."""
    is_main = i == 0 or (ctx.main is not None and unit.name == ctx.main.name)
    if is_main:
        prev = _previous_for(unit, r.rating, ctx.previous, ctx.sents, ctx.body)
    else:  # another unit: only statements that name it
        named = [p for p in ctx.previous if p.unit is not None and p.unit.name == unit.name and p.rating]
        prev = _Prev(named[0].rating, named[0].date, named[0].span[0], named[0].rule) if named and r.primary \
            else _Prev(None, None, None, "")
    new = ctx.first and (is_main or (ctx.first_all and r.primary))
    direction = direction_between(prev.rating, r.rating) if prev.rating else ("new" if new else None)
    evidence = {"rating": locate(ctx.source, passage(ctx.sents, r.pos)),
                "previous_rating": locate(ctx.source, passage(ctx.sents, prev.pos))
                if prev.rating and prev.pos is not None else None}
    ctx.trace.append((unit.name, {"rating": r.rule, "previous_rating": prev.rule if prev.rating else None,
                               "direction": "first-inspection" if direction == "new" else None}))
    return UnitRating(
        name=unit.name, type=unit.type, region=unit.region, rating=r.rating,
        previous_rating=prev.rating, previous_inspection=prev.date, direction=direction,
        score=ctx.scores.get(unit.name) or (ctx.scores.get(None) if is_main else None),
        recommendations=ctx.per_unit.get(unit.name, ctx.recs if i == 0 else None),
        evidence=evidence, confidence=r.confidence,
    )


def _antecedent(body: str, r: Rated, main: Unit | None) -> Unit | None:
    """'the company' refers back to the last company named before it, when the text's unit is not one."""
    if r.hint is None or (main is not None and main.type == r.hint):
        return None
    named = [m.unit for m in find_mentions(body[: r.pos]) if m.unit.type == r.hint]
    return named[-1] if named else None


def _known(unit: Unit) -> bool:
    """True for a unit in the gazetteer or a probation region."""
    if unit.type in ("PDU", "YJS"):
        return gazetteer().lookup(unit.name, unit.type) is not None
    return unit.type == "region"


_ORGANISATION = re.compile(
    r"\b(?:service|services|team|company|crc|probation|division|unit|trust|partnership|organisation|"
    r"provider|yjs|yos|yot|pdu|nps|hmpps|national)\b", re.I)


def _title_unit(title: str | None) -> Unit | None:
    """An unnamed organisation: the headline up to its rating clause ('X rated 'Good'' -> X)."""
    if not title:
        return None
    name = re.split(r"\s+(?:rated|judged|graded|remains|receives|is|has|–|-|:)\s+|\s*['\"]", title, maxsplit=1)[0]
    name = name.strip(" ,.") or title.strip()
    # Page furniture ("Agenda item", a date, "Get daily updates") is never a unit: the name must
    # be an organisation's, and not open with a date or a number.
    if not _ORGANISATION.search(name) or re.match(r"\W*\d", name) or len(name.split()) > 12:
        return None
    return Unit(name, "other", None)


@dataclass(frozen=True)
class _Prev:
    """A previous rating as chosen for a unit: where it was read and by which rule."""

    rating: str | None
    date: str | None
    pos: int | None
    rule: str


def _previous_for(unit, rating, previous: list[Previous], sents, body) -> _Prev:
    """The unit's own previous rating, else a predecessor's, else a 'remains'/'same' statement."""
    first = is_first_inspection(body)  # a new unit: its predecessor's rating is history, not its own
    mine = [p for p in previous if (p.unit is None or p.unit.name == unit.name or p.kind == "predecessor")
            and p.kind != "other"
            and not (first and p.kind == "predecessor")]
    for kind in ("own", "same", "predecessor"):
        for p in mine:
            if p.kind != kind:
                continue
            if kind == "same":
                return _Prev(rating, p.date or find_previous_date(body), p.span[0], p.rule)
            if p.rating:
                return _Prev(p.rating, p.date or find_previous_date(body), p.span[0], p.rule)
    for kept, pos in find_remains(sents):
        if kept == rating:
            return _Prev(rating, find_previous_date(body), pos, "remains")
    return _Prev(None, find_previous_date(body), None, "")


def _scores_by_unit(body: str, main: Unit | None) -> dict:
    """Each printed score, given to the unit named before it in its sentence (None: the text's)."""
    out: dict = {}
    for pos, score in find_scores(body):
        start = max(body.rfind(". ", 0, pos), body.rfind("\n", 0, pos)) + 1
        mentions = find_mentions(body[start:pos])
        if not mentions:
            out.setdefault(None, score)
        for m in mentions:
            out.setdefault(m.unit.name, score)
    return out
