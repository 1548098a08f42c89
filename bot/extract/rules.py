"""Named extraction rules: each a small record with its pattern, its reason and its examples.

After duckling's rules: a rule is data with a name, never a position in a list, so that a new
phrasing is one new record and `tests/test_extract_rules.py` runs every rule's examples (which
must match) and negative examples (which must not) at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import IntEnum
from functools import cached_property

REGISTRY: dict[str, "Rule"] = {}


@dataclass(frozen=True)
class Rule:
    """One phrasing: a name, a regex, why it means what it means, and examples either way."""

    name: str
    pattern: str
    why: str
    examples: tuple[str, ...] = ()
    negatives: tuple[str, ...] = ()
    flags: int = re.IGNORECASE
    meta: dict = field(default_factory=dict, compare=False, hash=False)

    @cached_property
    def rx(self) -> re.Pattern:
        return re.compile(self.pattern, self.flags)

    def finditer(self, text: str):
        """Every match in `text`."""
        return self.rx.finditer(text)

    def search(self, text: str, pos: int = 0):
        """The first match in `text` from `pos`."""
        return self.rx.search(text, pos)


def rule(name: str, pattern: str, why: str, examples=(), negatives=(), flags: int = re.IGNORECASE,
         **meta) -> Rule:
    """Define and register a rule; names are unique across the extractor."""
    if name in REGISTRY:
        raise ValueError(f"duplicate rule name: {name}")
    r = Rule(name, pattern, why, tuple(examples), tuple(negatives), flags, dict(meta))
    REGISTRY[name] = r
    return r


class Strength(IntEnum):
    """How directly a statement gives a unit's overall rating (lower wins)."""

    STATED = 1   # an explicit statement naming the unit, or "the PDU", with its overall rating
    WEAK = 2     # a headline, a ratings table, a generic subject ("the services ... each rated")
    PASSING = 3  # a sibling rated in a which-clause ("..., which also received 'Good'")
    BRACKET = 4  # a rating in brackets after a name ("Dudley YJS (rated 'Good')")


STATED, INFERRED = "stated", "inferred"
