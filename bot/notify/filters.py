"""Which alerts a Slack subscription or an email digest wants: delivery's reading of `Filters`."""

from __future__ import annotations

from bot.config import Filters
from bot.models import Alert


def matches(filters: Filters, alert: Alert) -> bool:
    """True if the alert passes every filter that is set (empty filters pass everything)."""
    unit = alert.unit
    if filters.directions and alert.direction not in filters.directions:
        return False
    if filters.unit_types and unit.type not in filters.unit_types:
        return False
    if filters.regions:
        if unit.region is None:
            # A unit with no known region passes only when asked: a regional subscriber
            # asked for their region, not for everything unplaced.
            return filters.include_unknown_region
        return unit.region.casefold() in {r.casefold() for r in filters.regions}
    return True
