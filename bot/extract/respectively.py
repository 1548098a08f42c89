"""'Respectively': ratings paired with the units they follow, in order, in either voice."""

from __future__ import annotations

import re

from bot.extract.subjects import _subject_units
from bot.extract.text import Q, Sentence, canonical_rating
from bot.extract.units import Unit

_RESPECTIVELY = re.compile(r"\brespectively\b", re.I)


def passive_pairs(s: Sentence, subject: str, clause: str) -> list[tuple[Unit, str, int]]:
    """'A and B have been rated 'Good' and 'Requires improvement', respectively'."""
    rest = clause[len(subject):] if clause.startswith(subject) else clause
    ratings = [canonical_rating(m.group("r")) for m in re.finditer(Q, rest, re.I)]
    units = _subject_units(subject, s.context)
    if units and len(units) == len(ratings) and None not in units:
        pos = s.start + max(0, s.text.find(clause))
        return [(u, r, pos) for u, r in zip(units, ratings)]
    return []


def active_pairs(s: Sentence, at: int, units: list[Unit]) -> list[tuple[Unit, str, int]] | None:
    """'judged A and B 'Inadequate' and 'Good' respectively' (the first rating at `at`): ratings pair
    with units in order (None when the clause has no 'respectively'; [] when the counts differ)."""
    rest = re.split(r"[;.]", s.text[at:], maxsplit=1)[0]
    end = _RESPECTIVELY.search(rest)
    if not end:
        return None
    ratings = [canonical_rating(r.group("r")) for r in re.finditer(Q, rest[: end.start()], re.I)]
    if not units or len(units) != len(ratings):
        return []
    return [(u, r, s.start + at) for u, r in zip(units, ratings)]
