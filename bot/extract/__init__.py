"""The extractor: pure functions from an inspection text to an `Extraction`."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.extract.evidence import locate, passage
from bot.extract.facts import (
    count_recommendations, find_chief_inspector, recommendations_per_unit, find_published, find_scores, find_standards,
    headline_findings, table_overall,
)
from bot.extract.previous import (
    Previous, find_previous, find_previous_date, find_remains, first_inspection_for_all,
    is_first_inspection,
)
from bot.extract.ratings import Rated, find_ratings
from bot.extract.rules import INFERRED, Strength
from bot.extract.text import Q, canonical_rating, normalise, sentences, strip_chrome
from bot.extract.units import Unit, find_bare, find_mentions, gazetteer
from bot.models import Extraction, UnitRating, direction_between

__all__ = ["explain", "extract"]

_NO_RATING = re.compile(
    r"(?:does|do|will)\s+not\s+(?:give|award|produce|include|result\s+in|receive)\s+(?:an?\s+|any\s+)?(?:published\s+)?"
    r"(?:overall\s+)?ratings?|\b(?:inspections?|reviews?|these|they|it)\s+(?:are|is)\s+not\s+(?:graded|rated)\b|"
    r"\bungraded\b|\bunrated\b"
    r"|\bgives?\s+no\s+(?:overall\s+)?ratings?|\bno\s+(?:overall\s+)?ratings?\s+(?:is|are)\s+given", re.I)


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
    rated = find_ratings(sents, [p.span for p in previous if p.rating])
    rated += _headline_and_table(body, title or "", rated)
    trace: list = []
    if _NO_RATING.search(body):
        # A public-protection inspection "does not give a rating": only a named unit's
        # explicit overall rating can make it a rated inspection.
        rated = [r for r in rated if r.strength == Strength.STATED and r.unit is not None]
        trace.append(("text", {"is_inspection": "says-no-rating-given"}))
    units = _assemble(body, sents, rated, previous, main, title, text, trace)
    lead = body[len(title or ""): len(title or "") + 300]
    if ((_OTHER_PUBLICATION.search(title or "") or _LEAD_PUBLICATION.search(lead))
            and not _named_in(title or "", units)) or len(_JOB_FIELDS.findall(body)) >= 2:
        units = []  # an annual report or a guide citing rated units is not an inspection report
        trace.append(("text", {"is_inspection": "other-publication"}))
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


_REPORTS_ON = re.compile(r"\b(?:published\s+(?:its\s+)?reports?\s+on|reports?\s+on\s+(?:the\s+)?(?:inspections?\s+of|\w+\s+"
                         r"(?:youth|probation))|inspections?\s+of\s+(?:two|three|four|several))\b", re.I)
# Headlines of publications that are not reports of one inspection, though they cite ratings.
_OTHER_PUBLICATION = re.compile(
    r"\bannual\s+report|effective\s+practice|\bthematic\b|\bguide\b|\bbulletin\b|\bresearch\b|"
    r"^blog\b|\bconsultation\b|inspection\s+programme|spotlight\s+review|\bappoint|\bjoins\b|"
    r"\bvacanc|\brecruit|academic\s+insights|\bstandards\s+(?:review|framework)|\bspeech\b|"
    r"\bstatement\b|\bresponds?\s+to\b|\bresponse\s+to\b|dynamic\s+inspection|public\s+protection\s+inspection|"
    r"quality\s+(?:&|and)\s+impact|action\s+plan|\banalysis\b|short\s+quality\s+screening|"
    r"inspection\s+of\s+adult\s+offending\s+work|\bannounc", re.I)
_LEAD_PUBLICATION = re.compile(r"\b(?:annual\s+report|thematic\s+(?:inspection|review|report)|spotlight\s+review|"
                               r"effective\s+practice\s+guide)\b", re.I)
# A job advert: its fields, not its headline, give it away.
_JOB_FIELDS = re.compile(r"^\s*(?:salary|closing\s+date|how\s+to\s+apply|job\s+reference|grade|contract\s+type)\b\s*:?",
                         re.I | re.M)


def _named_in(title: str, units) -> bool:
    """True when the headline names one of the rated units."""
    named = {m.unit.name for m in find_mentions(title) + find_bare(title)}
    return any(u.name in named for u, primary in units if primary)


def _first_line(body: str) -> str | None:
    """The headline: the first line, joined to the next when it ends in a colon (report covers)."""
    lines = [line.strip() for line in body.split("\n") if line.strip()][:2]
    if not lines:
        return None
    return f"{lines[0]} {lines[1]}" if lines[0].endswith(":") and len(lines) > 1 else lines[0]


def _main_unit(body: str, title: str) -> Unit | None:
    """The unit the text is about: named in the headline, else first named in the text."""
    for chunk, bare in ((title, False), (body[:600], False), (title, True), (body, False)):
        found = find_bare(chunk) if bare else find_mentions(chunk)
        if found:
            return found[0].unit
    return None


def _headline_and_table(body: str, title: str, rated: list[Rated]) -> list[Rated]:
    """Weaker signals used only when no sentence states the rating: headline, ratings table."""
    if any(r.primary for r in rated):
        return []

    found = [canonical_rating(m.group("r")) for m in re.finditer(Q, title, re.I) if m.group("qq")]
    units = find_mentions(title) or find_bare(title)
    if len(set(found)) == 1 and units:  # "What 'good' looks like" names no unit: not a rating
        return [Rated(units[0].unit, found[0], Strength.WEAK, 0, rule="headline", confidence=INFERRED)]
    overall, at = table_overall(body)
    return [Rated(None, overall, Strength.WEAK, at, rule="ratings-table", confidence=INFERRED)] if overall else []


def _assemble(body, sents, rated, previous, main, title, source, trace) -> list[tuple[UnitRating, bool]]:
    """One UnitRating per unit, primary units first, each with its previous rating, score and evidence."""
    ordered = _choose(body, rated, main, title)
    ctx = _Context(body, sents, previous, main, source, _scores_by_unit(body, main), count_recommendations(body, sents),
                   recommendations_per_unit(body), is_first_inspection(body), first_inspection_for_all(body),
                   trace)
    return [(_unit_rating(ctx, i, r, unit), r.primary) for i, (r, unit) in enumerate(ordered)]


def _choose(body, rated, main, title) -> list[tuple[Rated, Unit]]:
    """The winning statement for each unit: the strongest, then the earliest; primary units first."""
    if not any(r.primary for r in rated) and _REPORTS_ON.search(body):
        # "reports on three services: Dudley YJS (rated 'Good'), Sandwell YJS (rated ...)"
        rated = [replace(r, primary=True, strength=Strength.STATED) if r.strength == Strength.BRACKET else r
                 for r in rated]
    best: dict[str, tuple[Rated, Unit]] = {}
    for r in sorted(rated, key=lambda r: (r.strength, r.pos)):
        unit = r.unit or main or _title_unit(title)
        if unit is None:
            continue
        if unit.name not in best or (r.primary and not best[unit.name][0].primary):
            best[unit.name] = (r, unit)
    if any(r.strength == Strength.STATED and r.primary for r, _ in best.values()):
        # A headline's made-up name ("Middlesbrough and Redcar youth justice service") is not
        # a second unit when the text names a known one with its rating.
        best = {k: v for k, v in best.items()
                if v[0].strength == Strength.STATED or not v[0].primary or _known(v[1])}
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


def _known(unit: Unit) -> bool:
    """True for a unit in the gazetteer or a probation region."""
    if unit.type in ("PDU", "YJS"):
        return gazetteer().lookup(unit.name, unit.type) is not None
    return unit.type == "region"


def _title_unit(title: str | None) -> Unit | None:
    """An unnamed organisation: the headline up to its rating clause ('X rated 'Good'' -> X)."""
    if not title:
        return None
    name = re.split(r"\s+(?:rated|judged|graded|remains|receives|is|has|–|-|:)\s+|\s*['\"]", title, maxsplit=1)[0]
    return Unit(name.strip(" ,.") or title.strip(), "other", None)


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
                return _Prev(p.rating, p.date, p.span[0], p.rule)
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
