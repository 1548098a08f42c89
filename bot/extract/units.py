"""Unit names: find them in text and map every spelling to one canonical name via the gazetteer."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from bot.extract.places import CRC_BY_AREA, in_full

# The twelve Probation Service regions and their short forms live in one leaf module.
from bot.regions import REGION_ALIASES as _REGION_ALIASES
from bot.regions import REGIONS

# Type words that end a unit's name, longest first so that "Youth Justice and Prevention
# Service" wins over "Service".
_SUFFIXES = {
    # "Prison Delivery Unit (PDU)" is a news slip for the same thing: the acronym in brackets says so
    "PDU": r"probation delivery unit|prison delivery unit(?=\s*\(pdu\))|pdu",
    "YJS": (r"youth justice and prevention service|youth justice service|youth justice team|"
            r"youth offending service|youth offending team|yjps|yjs|yjt|yos|yot"),
    "CRC": r"community rehabilitation company|crc",
    "region": r"national probation service division|national probation service|nps division|"
              r"probation region|region|division",
}
_SUFFIX_RE = re.compile(
    r"\b(?:" + "|".join(f"(?P<{k}>{v})" for k, v in _SUFFIXES.items()) + r")\b"
    r"(?:\s*\((?:[A-Z]{2,8}\s+)?(?:pdu|yjs|yjps|yjt|yos|yot|crc|nps)\*?\))?",
    re.IGNORECASE,
)
# Words that may sit inside a name between capitalised words ("Newcastle upon Tyne").
_CONNECTORS = {"and", "&", "upon", "with", "the", "of", "on", ",", "-", "st", "st."}
# Capitalised words that start a sentence or a headline but are never part of a name.
_STOP = {
    "an", "a", "the", "inspection", "inspections", "of", "in", "at", "for", "probation",
    "services", "service", "report", "rated", "says", "and", "his", "her", "majesty's",
    "hm", "inspectorate", "our", "this", "that", "both", "each", "whilst", "while",
    "however", "despite", "at", "to", "by", "from", "into", "new", "local", "youth",
    "justice", "offending", "'", "\"", "–", "-", "outstanding", "good", "inadequate",
    "requires", "improvement", "unit", "delivery", "regional", "national", "mr", "ms",
    "no", "every", "each", "any", "one", "none", "all", "some", "most", "other", "another", "which",
}


@dataclass(frozen=True)
class Unit:
    """A canonical unit: its name, type and (for PDUs and regions) probation region."""

    name: str
    type: str
    region: str | None = None


@dataclass(frozen=True)
class Mention:
    """A unit named in the text, with where it stands."""

    unit: Unit
    start: int
    end: int


def norm(name: str) -> str:
    """Fold a name for comparison: case, '&'/'and', punctuation and spacing."""
    s = name.casefold().replace("&", " and ").replace("’", "'")
    s = re.sub(r"(?<=\w)'s?(?=\s|$)", "", s)  # "Torbay's youth justice service"
    s = re.sub(r"\bst\.", "st", s)
    s = re.sub(r"[,.'()*/]+|\s-\s|-", " ", s)
    s = re.sub(r"\s+", " ", s).strip()
    return re.sub(r"(?:^| )the (?=\S)", " ", s).strip()  # "& the New Forest" = "and New Forest"


def _parts(core: str) -> frozenset[str]:
    """The order-free parts of a name ('South Tyneside and Gateshead' = 'Gateshead and South Tyneside')."""
    return frozenset(p.strip() for p in re.split(r",| and ", core.casefold().replace("&", " and ")) if p.strip())


def _core(name: str, kind: str) -> str:
    """A name without its type words, folded."""
    pattern = _SUFFIXES["YJS" if kind == "YJS" else kind]
    bare = re.sub(rf"\s*\b(?:{pattern})\b\s*(?:\(\w+\*?\))?\s*$", "", name.strip(), flags=re.I)
    return norm(bare)


class Gazetteer:
    """Known PDUs and youth justice services with their aliases (bot/data/*.csv)."""

    def __init__(self, pdus: list[dict], yjs: list[dict]):
        self.by_core: dict[tuple[str, str], Unit] = {}
        self.by_parts: dict[tuple[str, frozenset], Unit] = {}
        for row in pdus:
            self._add(Unit(row["name"], "PDU", row["region"]), row)
        for row in yjs:
            self._add(Unit(row["name"], "YJS", None), row)
        cores = sorted({core for _, core in self.by_core}, key=len, reverse=True)
        self.bare_re = re.compile(
            r"(?<![\w-])(?:" + "|".join(_flexible(c) for c in cores) + r")(?![\w-])", re.I
        )

    def _add(self, unit: Unit, row: dict) -> None:
        names = [unit.name] + [a for a in (row.get("aliases") or "").split("|") if a.strip()]
        for name in names:
            core = _core(name, unit.type)
            self.by_core.setdefault((unit.type, core), unit)
            self.by_parts.setdefault((unit.type, _parts(core)), unit)

    def lookup(self, name: str, kind: str) -> Unit | None:
        """The canonical unit of a type for a name written any way, or None."""
        core = _core(name, kind)
        return self.by_core.get((kind, core)) or self.by_parts.get((kind, _parts(core)))

    def resolve(self, name: str, kind: str) -> Unit | None:
        """The one resolver: a name of a type, any case or spelling, whole or a unique part of one."""
        found = self.lookup(name, kind)
        if found:
            return found
        if kind != "PDU":
            return None  # a council's youth service may be named like part of another's: no guess
        part = self.part_of(_core(name, kind), kind)  # "Barnsley PDU" is Barnsley and Rotherham PDU
        return part[0] if part else None

    def parts_of(self, unit: Unit) -> set[str]:
        """Every part of every name the unit goes by ('hull', 'east riding', 'east yorkshire')."""
        return {p for (k, parts), u in self.by_parts.items() if u == unit for p in parts}

    def part_of(self, core: str, kind: str) -> list[Unit]:
        """The one unit of a type whose name has `core` as a part ('Devon' -> Devon and Torbay PDU)."""
        c = norm(core)
        found = {u for (k, parts), u in self.by_parts.items() if k == kind and c in parts}
        return list(found) if len(found) == 1 else []

    def types_of(self, core: str) -> list[Unit]:
        """Every unit whose bare name is `core` (e.g. Kirklees PDU and Kirklees YJS)."""
        c = norm(core)
        return [u for (kind, k), u in self.by_core.items() if k == c]


def _flexible(core: str) -> str:
    """A regex for a folded name that accepts '&' for 'and', commas and optional 'the'."""
    out = []
    for word in core.split(" "):
        if word == "and":
            out.append(r"(?:and|&)")
        elif word == "st":
            out.append(r"st\.?")
        else:
            out.append(re.escape(word))
    return r"[\s,-]+(?:the\s+)?".join(out)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The gazetteer shipped in the package, loaded once."""
    data = resources.files("bot") / "data"
    with (data / "pdus.csv").open(encoding="utf-8") as f:
        pdus = list(csv.DictReader(f))
    with (data / "youth_justice_services.csv").open(encoding="utf-8") as f:
        yjs = list(csv.DictReader(f))
    return Gazetteer(pdus, yjs)


def region_name(text: str) -> str | None:
    """The probation region a phrase names ('the North East', 'KSS'), or None."""
    n = norm(text)
    for region in REGIONS:
        if norm(region) == n:
            return region
    return _REGION_ALIASES.get(n)


def canonical(name: str, kind: str) -> Unit | None:
    """Canonical unit for a name as written with its type word; None if it is no name."""
    kind = {"YOT": "YJS", "YOS": "YJS", "YJT": "YJS"}.get(kind, kind)
    if kind in ("PDU", "YJS"):
        found = gazetteer().resolve(name, kind)
        if found:
            return found
        core = _core(name, kind)
        if not core:
            return None
        return Unit(f"{_title(name, kind)} {'PDU' if kind == 'PDU' else 'YJS'}", kind, None)
    if kind == "CRC":
        core = _core(name, "CRC")
        return Unit(f"{_title(name, 'CRC')} CRC", "other", None) if core else None
    if kind == "region":
        bare = re.sub(r"^(?:the\s+)?(?:national\s+probation\s+service\s*(?:\(nps\))?\s*|nps\s+|"
                      r"probation\s+services?\s*[–-]\s*)?", "", _strip_suffix(name, "region"), flags=re.I)
        region = region_name(bare)
        if region:
            return Unit(f"{region} region", "region", region)
        if re.search(r"\bdivision\b|\bnps\b|national probation service", name, re.I) and re.match(r"[A-Z]", bare):
            return Unit(f"{_title(bare, 'region')} region", "region", None)  # an NPS division (before 2021)
        return None
    return Unit(name.strip(), "other", None)


def _strip_suffix(name: str, kind: str) -> str:
    return re.sub(rf"\s*\b(?:{_SUFFIXES[kind]})\b\s*(?:\(\w+\*?\))?\s*$", "", name.strip(), flags=re.I)


def _title(name: str, kind: str) -> str:
    """The name as written, without its type words and brackets, county short forms in full."""
    name = in_full(name)
    bare = _strip_suffix(name, "YJS" if kind == "YJS" else kind)
    bare = re.sub(r"(?<=\w)['’]s?(?=\s|$)", "", bare)
    return re.sub(r"\s+", " ", bare.replace("(", "").replace(")", "")).strip(" ,")


def canonical_from_label(name: str, kind: str | None = None) -> Unit | None:
    """Canonical unit for a free-written name, in any case (type from its words, else `kind`)."""
    m = re.search(rf"(?:{_SUFFIX_RE.pattern})\s*$", name.strip(), re.I)
    written = next((k for k in _SUFFIXES if m and m.group(k)), None)
    kinds = [written] if written else (["PDU", "YJS"] if kind in (None, "other") else [kind])
    found = [u for k in kinds if k in ("PDU", "YJS")
             for u in [gazetteer().resolve(name if written else f"{name} {k}", k)] if u]
    if len(found) == 1:  # a bare name two units share ("Kirklees": PDU and YJS) names neither alone
        return found[0]
    found = find_mentions(name)
    if found:
        return found[0].unit
    return canonical(name, written or kind or "other")


# --- finding names in text -------------------------------------------------------------

_SUFFIX_WORD = re.compile(r"PDU|YJS|YJPS|YJT|YOS|YOT|CRC|NPS|Unit|Team|Company|Service", re.I)
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’.-]*|&|,|\(|\)")


_OF_THE_SERVICE = re.compile(r"\s+(?:of|in)\s+the\s+(?:(?:national\s+)?probation\s+service(?:\s*\(nps\))?|nps)\b", re.I)


def find_mentions(text: str) -> list[Mention]:
    """Every unit named with its type word ('Kirklees PDU', 'Bridgend Youth Justice Service')."""
    mentions = []
    for m in _SUFFIX_RE.finditer(text):
        kind = m.lastgroup or next(k for k in _SUFFIXES if m.group(k))
        start, name = _name_before(text, m.start(), kind)
        if not name:
            continue
        unit = _resolve(name, kind, m.group(kind))
        if unit:
            of = _OF_THE_SERVICE.match(text, m.end())  # "X division of the National Probation Service"
            mentions.append(Mention(unit, start, of.end() if of else m.end()))
    # Regions are also named as "Probation Service – North East region" or "NPS South West".
    mentions += _region_mentions(text) + _crc_by_area(text)
    mentions.sort(key=lambda x: x.start)
    return _drop_overlaps(mentions)


def _resolve(name: str, kind: str, suffix: str) -> Unit | None:
    # "Cornwall Council's youth justice service" is Cornwall's
    name = re.sub(r"\s+(?:(?:County|City|Borough|District|Metropolitan)\s+)?Council(?:'s|s')?$", "", name)
    if kind == "region":
        return canonical(f"{name} {suffix}", "region")
    if kind == "PDU":
        suffix = "PDU"  # "Probation Delivery Unit", and the news slip "Prison Delivery Unit (PDU)"
    # Try the longest run first, then shorter ones, so "Inspection Of Kirklees" finds Kirklees.
    words = name.split(" ")
    for i in range(len(words)):
        candidate = " ".join(words[i:])
        if kind in ("PDU", "YJS"):
            found = gazetteer().resolve(f"{candidate} {suffix}", kind)
            if found:
                return found
    trimmed = _trim_stop(words)
    return canonical(f"{trimmed} {suffix}", kind) if trimmed else None


def _trim_stop(words: list[str]) -> str:
    """Drop leading generic words ('An Inspection Of ...') from a name not in the gazetteer."""
    i = 0
    def generic(word: str) -> bool:  # quotes aside: "'Outstanding'" is a rating word, never a name
        w = word.strip("'\"").casefold()
        return not w or w in _STOP or w in _CONNECTORS

    while i < len(words) and generic(words[i]):
        i += 1
    rest = [w for w in words[i:]]
    while rest and rest[-1].casefold() in _CONNECTORS:
        rest.pop()
    return " ".join(rest)


def _name_before(text: str, end: int, kind: str) -> tuple[int, str]:
    """The run of capitalised words (with connectors inside) that ends at `end`."""
    window_start = max(0, end - 160)
    window = text[window_start:end]
    # A name never crosses a line break or a sentence end.
    cut = max(window.rfind("\n"), window.rfind(". "), window.rfind(": "), window.rfind("; "))
    if cut >= 0:
        window_start += cut + 1
        window = text[window_start:end]
    tokens = list(_TOKEN.finditer(window))
    kept: list[re.Match] = []
    for tok in reversed(tokens):
        word = tok.group(0).strip("'\"’")
        low = word.casefold()
        if not word:
            break
        if _SUFFIX_WORD.fullmatch(word):
            break  # the previous unit's type word: "Lambeth PDU and Ealing and Hillingdon PDU"
        if word[0].isupper() and low not in ("his", "her", "hm"):
            kept.append(tok)
        elif low in _CONNECTORS and kept and (
                kept[-1].group(0)[0].isupper()
                or (kept[-1].group(0).casefold() == "the" and low in ("and", "&", "of", "upon"))):
            kept.append(tok)  # "Cardiff and the Vale", "Portsmouth and the Isle of Wight"
        elif word == ")" or word == "(":
            kept.append(tok)
        else:
            break
    while kept and (kept[-1].group(0).casefold() in _CONNECTORS or kept[-1].group(0) in "()"):
        kept.pop()
    if not kept:
        return end, ""
    first = kept[-1]
    start = window_start + first.start()
    name = re.sub(r"\s+", " ", text[start:end]).strip(" ,")
    return start, name


def _crc_by_area(text: str) -> list[Mention]:
    out = []
    for m in CRC_BY_AREA.finditer(text):
        unit = canonical(f"{m.group('area')} CRC", "CRC")
        if unit:
            out.append(Mention(unit, m.start("area"), m.end()))
    return out


def _region_mentions(text: str) -> list[Mention]:
    out = []
    for m in _region_pattern().finditer(text):
        region = region_name(m.group("a") or m.group("b") or m.group("c") or m.group("d"))
        if region:
            out.append(Mention(Unit(f"{region} region", "region", region), m.start(), m.end()))
    return out


@lru_cache(maxsize=1)
def _region_pattern() -> re.Pattern:
    """Regions named as 'Probation Service – North East', 'probation services in Wales', 'NPS London'."""
    names = "|".join(_flexible(norm(r)) for r in REGIONS) + "|kss"
    return re.compile(
        rf"probation services?\s*[–-]\s*(?:the\s+)?(?P<a>{names})(?:\s+region)?"
        rf"|(?<!\ba\s)(?<!\bone\s)probation\s+services?\s+(?:in|across|for)\s+(?:the\s+)?(?P<c>{names})\b"
        rf"(?!\s+(?:pdu|probation\s+delivery))"
        rf"|(?P<d>{names})\s*:\s+(?:the\s+)?probation\s+region\b"
        rf"|\bnps\s+(?P<b>{names})(?:\s+division)?", re.I)


def _drop_overlaps(mentions: list[Mention]) -> list[Mention]:
    out: list[Mention] = []
    for m in mentions:
        if out and m.start < out[-1].end:
            if (m.end - m.start) > (out[-1].end - out[-1].start):
                out[-1] = m
            continue
        out.append(m)
    return out


_REGION_NAMES = re.compile(r"(?<![\w-])(?:" + "|".join(_flexible(norm(r)) for r in REGIONS) + r")(?![\w-])", re.I)
_NOT_A_UNIT = re.compile(
    r"\s+(?:(?:County|City|Borough|District|Metropolitan)\s+)?(?:Council|Police|Constabulary|"
    r"Fire|NHS|Health\s+Board|Courts?|Prison|Crown\s+Court|Magistrates|"
    # a private probation company (a CRC) is named after its area, but it is not the area's PDU
    r"(?:private\s+)?(?:probation\s+)?(?:company|companies|firm|provider|crc|community\s+rehabilitation))\b", re.I)


_PART_OF_AREA = re.compile(r"(?-i:\b(?:northern|southern|eastern|western|central|rural|coastal|north|south|east|west))"
                           r"[\s-]+$")


def find_bare(text: str, context: str = "") -> list[Mention]:
    """Gazetteer names written without a type word ('probation services in Kirklees')."""
    g = gazetteer()
    youth = re.search(r"\byouth|\bchild|\byjs\b|\byos\b|\byot\b", context or text, re.I)
    out = []
    kind = "YJS" if youth else "PDU"
    regions = [r.span() for r in _REGION_NAMES.finditer(text)]
    for m in g.bare_re.finditer(text):
        if any(a <= m.start() and m.end() <= b and (b - a) > (m.end() - m.start()) for a, b in regions):
            continue  # "Surrey" inside "Kent, Surrey and Sussex" names a region, not Surrey PDU
        if _NOT_A_UNIT.match(text, m.end()):
            continue  # "Lincolnshire County Council", "Kent Police" are partners, not units
        if _PART_OF_AREA.search(text, max(0, m.start() - 12), m.start()):
            continue  # "northern Lincolnshire" is part of the county, not the unit named after it
        chosen = [u for u in g.types_of(m.group(0)) if u.type == kind]
        chosen = chosen or [u for u in [g.resolve(f"{m.group(0)} {kind}", kind)] if u]
        if chosen:
            out.append(Mention(chosen[0], m.start(), m.end()))
            continue
        # "Youth justice services in Bury and Rochdale": a PDU's name, but two youth services
        for word in re.split(r"\s*(?:,|\band\b|&)\s*", m.group(0), flags=re.I):
            unit = next((u for u in g.types_of(word) if u.type == kind), None) if word else None
            if unit:
                at = m.start() + m.group(0).find(word)
                out.append(Mention(unit, at, at + len(word)))
    return out
