"""The twelve Probation Service regions and the other names people write for them."""

from __future__ import annotations

import re

# The gazetteer's `region` column (bot/data/pdus.csv), as alerts carry it.
REGIONS = (
    "North East", "North West", "Yorkshire and the Humber", "Greater Manchester",
    "East Midlands", "West Midlands", "East of England", "London", "South West",
    "South Central", "Kent, Surrey and Sussex", "Wales",
)
# Short and variant forms, keyed as bot.extract.units.norm folds them.
REGION_ALIASES = {"kss": "Kent, Surrey and Sussex", "yorkshire and humber": "Yorkshire and the Humber",
                  "yorkshire & the humber": "Yorkshire and the Humber", "east of england": "East of England"}


def _fold(name: str) -> str:
    """Case, '&'/'and', 'the', punctuation and spacing folded away."""
    s = name.casefold().replace("&", " and ")
    s = re.sub(r"[^\w\s]+", " ", s)
    return " ".join(w for w in s.split() if w != "the")


_NAMES = {_fold(r): r for r in REGIONS} | {_fold(k): v for k, v in REGION_ALIASES.items()}


def resolve_region(name: str) -> str | None:
    """The canonical region a name means ('Yorkshire & Humber', 'kss', 'north east'), else None."""
    return _NAMES.get(_fold(name))


def suggest_region(name: str) -> str | None:
    """The region a misspelt name most likely meant ('Norh East' -> 'North East'), else None."""
    import difflib  # only for a name not found: a good config never loads it

    close = difflib.get_close_matches(_fold(name), list(_NAMES), n=1, cutoff=0.6)
    return _NAMES[close[0]] if close else None
