"""Who a statement is about: the unit(s) named in its subject, lists of them, asides skipped."""

from __future__ import annotations

import re

from bot.extract.units import Mention, Unit, find_bare, find_mentions, region_name

_I = re.IGNORECASE
_ASPECT_BEFORE = re.compile(
    r"\b(?:work|leadership|management|delivery|assessment|planning|practice|quality|casework|protection|"
    r"arrangements)\s+(?:across|in|of|at|for|within|by)\s+(?:the\s+)?$", re.I)
_ASPECT_WORDS = re.compile(
    r"\b(?:work|leadership|management|delivery|assessment|planning|reviewing|staff|services\s+for|"
    r"standards?|disposals?|cases?|areas?|aspects?|victims?|quality|casework|partnerships?|"
    r"arrangements|implementation|court|resettlement|sentence)\b", _I)

# An aside between commas after the name: "X YJS, which works with children in Y, was rated"
_APPOSITIVE = re.compile(
    r",\s*(?:which|who|that|run\s+by|based\s+in|covering|serving|supervising|responsible\s+for|working\s+with|"
    r"led\s+by|part\s+of)\b(?:.*,\s*$|.*?,\s+(?=(?:was|were|is|are|has|have|had)\b))", _I)


_AND_PREDICATE = re.compile(r"^(?P<np>['’]?s?\s*(?:[\w-]+\s+){0,3}?)(?:has|have|had|is|was)\s+[^,;]{0,100}\s+and\s*$", _I)


def _subject_units(subject: str, sentence: str, strict: bool = False) -> list[Unit]:
    """The unit(s) a statement is about: named ones in its subject, else bare names."""
    subject = _APPOSITIVE.sub(" ", subject)  # "X YJS, which works with children in Y, was rated"
    mentions = find_mentions(subject)
    if not mentions:
        mentions = _bare(subject, sentence)
    if not mentions:
        return []
    tail = subject[mentions[-1].end:]
    coordinated = _AND_PREDICATE.match(tail)  # "X's service has moved up a grade ... and is now rated"
    if coordinated:
        tail = coordinated.group("np")
    if strict and (_ASPECT_WORDS.search(tail) or len(tail.split()) > 8):
        return []  # "Kirklees PDU's work to keep people safe was rated ..." is about the work
    if strict and _ASPECT_BEFORE.search(subject[: mentions[0].start]):
        return []  # "public protection work across the West Midlands region requires improvement"
    if _is_list(subject, mentions):
        return [m.unit for m in mentions]
    # "A has been rated X, with B and C both rated Y": the list that ends the subject
    return [m.unit for m in _trailing_group(subject, mentions)]


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


def _trailing_group(text: str, mentions: list[Mention]) -> list[Mention]:
    """The mentions joined by 'and' or commas that end the list before a verb or a clause."""
    group = [mentions[-1]]
    for m in reversed(mentions[:-1]):
        if re.fullmatch(r"\s*(?:,|and|&|,\s*and)\s*", text[m.end:group[0].start]):
            group.insert(0, m)
        else:
            break
    return group


def _trailing_units(before: str) -> list[Unit]:
    """The unit(s) just before a bracket or 'which' clause."""
    mentions = find_mentions(before)
    if not mentions or before[mentions[-1].end:].strip(" ,–-"):
        return []
    return [m.unit for m in _trailing_group(before, mentions)]
