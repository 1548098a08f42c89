"""`index.html` and `units/<unit>.html`: self-contained pages, useful without JavaScript."""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from importlib import resources

from bot import __version__
from bot.publish.atom import newest_events
from bot.publish.data import Unit
from bot.publish.view import ENV, rating_counts

LATEST_SHOWN = 6  # inspections listed in the summary at the top


@lru_cache(maxsize=None)
def _asset(name: str) -> tuple[str, str]:
    """A packaged stylesheet or script and its CSP hash (so only it may run in the page)."""
    text = resources.files("bot.publish").joinpath("templates", name).read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return text, f"sha256-{digest}"


def _common(units: list[Unit], root: str) -> dict:
    """What every page shows; `as_of` from `units` alone, so a unit's page changes only with it."""
    css, css_hash = _asset("site.css")
    js, js_hash = _asset("site.js")
    as_of = max((e.updated for u in units for e in u.events), default=None)
    return {"css": css, "css_hash": css_hash, "js": js, "js_hash": js_hash, "root": root,
            "version": __version__, "as_of": as_of}


def render_index(units: list[Unit]) -> str:
    """The overview: a summary, then one filterable, sortable row per unit."""
    return ENV.get_template("index.html.j2").render(
        units=units,
        counts=rating_counts(units),
        latest=newest_events(units, LATEST_SHOWN),
        regions=sorted({u.region for u in units if u.region}),
        types=sorted({u.type for u in units}),
        **_common(units, ""),
    )


def render_unit(unit: Unit) -> str:
    """One unit's page: its whole history, newest first."""
    return ENV.get_template("unit.html.j2").render(unit=unit, **_common([unit], "../"))
