"""Place-name conventions that unit names follow: county short forms, CRCs named after their area."""

from __future__ import annotations

import re

# The usual short forms of county names ("Notts & Derbys CRC"): a name keeps one spelling.
_COUNTY_SHORT = {
    "staffs": "Staffordshire", "mids": "Midlands", "glos": "Gloucestershire", "lancs": "Lancashire",
    "yorks": "Yorkshire", "notts": "Nottinghamshire", "leics": "Leicestershire", "northants": "Northamptonshire",
    "beds": "Bedfordshire", "bucks": "Buckinghamshire", "herts": "Hertfordshire", "berks": "Berkshire",
    "cambs": "Cambridgeshire", "hants": "Hampshire", "wilts": "Wiltshire", "worcs": "Worcestershire",
    "oxon": "Oxfordshire", "lincs": "Lincolnshire", "derbys": "Derbyshire", "warks": "Warwickshire",
    "shrops": "Shropshire", "northumb": "Northumberland",
}
_SHORT_RE = re.compile(r"\b(" + "|".join(_COUNTY_SHORT) + r")\b\.?", re.I)


def in_full(name: str) -> str:
    """'Notts & Derbys' -> 'Nottinghamshire & Derbyshire'."""
    return _SHORT_RE.sub(lambda m: _COUNTY_SHORT[m.group(1).casefold()], name)


# A CRC is named after the area of its contract: "... across Dorset and Devon by community
# rehabilitation company Example Links" names Dorset and Devon CRC.
CRC_BY_AREA = re.compile(
    r"(?i:across|in|covering|throughout)\s+(?P<area>[A-Z][\w'-]+(?:(?:,\s*|\s+(?i:and)\s+)[A-Z][\w'-]+){0,5})\s+"
    r"(?i:(?:run\s+)?by\s+(?:the\s+)?(?:private\s+)?(?:community\s+rehabilitation\s+company|crc))\b")
