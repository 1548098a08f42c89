"""The whole history, baseline and read, as `history`, `export` and `backfill` show it (read-only)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

from bot.baseline import load_baseline
from bot.diff import unit_key
from bot.history import Store
from bot.timeline import merge

EXPORT_COLUMNS = ("unit", "type", "region", "published", "rating", "previous_rating", "direction",
                  "score", "recommendations", "links", "source")


@dataclass(frozen=True)
class Filters:
    """`history`'s filters on a unit's latest inspection; empty means every unit."""

    region: str | None = None
    type: str | None = None
    rating: str | None = None
    changed: bool = False

    def keep(self, timeline: list[dict]) -> bool:
        """Whether a unit (its timeline, oldest first) passes every filter that is set."""
        rated = [r for r in timeline if r.get("rating")]
        if not rated:
            return False
        last = rated[-1]
        if self.region and (last.get("region") or "").casefold() != self.region.casefold():
            return False
        if self.type and (last.get("type") or "").casefold() != self.type.casefold():
            return False
        if self.rating and (last.get("rating") or "").casefold() != self.rating.casefold():
            return False
        return not self.changed or (len(rated) > 1 and rated[-2]["rating"] != last["rating"])


def timelines(config, *, store: Store | None = None, hidden=frozenset()) -> dict[str, list[dict]]:
    """Every unit's inspections, oldest first, baseline rows and read ones joined.

    Events whose ids are in `hidden` are left out before the join (the public site's held
    readings), so a baseline row they would have retold stays as it was.
    """
    baseline = load_baseline(config.baseline)
    if store is None:
        with Store(config.state_dir, lock=False) as opened:
            read = opened.all_inspections()
    else:
        read = store.all_inspections()
    by_key: dict[str, list[dict]] = {}
    for record in read:
        if record.get("event_id") not in hidden:
            by_key.setdefault(record["unit_key"], []).append(record)
    keys = list(dict.fromkeys([*baseline.keys(), *by_key]))
    return {key: merge(by_key.get(key, []), baseline.for_unit(key)) for key in keys}


def find_units(units: dict[str, list[dict]], query: str) -> list[str]:
    """Unit keys a name or alias names (any case): exact first, else those containing it."""
    from bot.extract.units import canonical_from_label

    q = unit_key(query)
    canon = canonical_from_label(query)
    wanted = {q} | ({unit_key(canon.name)} if canon else set())
    exact = [k for k in units if k in wanted]
    return exact or [k for k in units if q in k]


def _newest(records: list[dict]) -> list[dict]:
    """Newest first; records are given oldest first within a unit, which breaks ties of one day."""
    from bot.timeline import day_of

    order = {id(r): i for i, r in enumerate(records)}
    return [_public(r) for r in sorted(records, key=lambda r: (day_of(r), order[id(r)]), reverse=True)]


def history_records(config, unit: str | None = None, filters: Filters = Filters()) -> list[dict]:
    """Inspections newest first: of every unit that passes the filters, or of the units a name
    matches, one unit after the other (see `unit_histories`)."""
    if unit:
        return [r for _, rows in unit_histories(config, unit) for r in rows]
    units = timelines(config)
    return _newest([r for k, t in units.items() if filters.keep(t) for r in t])


def unit_histories(config, query: str) -> list[tuple[str, list[dict]]]:
    """Each unit a name or alias matches ("kirklees": the PDU and the YJS), by name, with its
    inspections newest first: a name shared by several units never mixes their timelines."""
    units = timelines(config)
    groups = [_newest(units[key]) for key in find_units(units, query)]
    groups = [(rows[0].get("name") or "", rows) for rows in groups if rows]
    return sorted(groups, key=lambda g: g[0].casefold())


def unit_summaries(config, filters: Filters = Filters()) -> list[dict]:
    """One line per unit that passes the filters: latest rating, the one before, sources."""
    out = []
    for timeline in timelines(config).values():
        if not filters.keep(timeline):
            continue
        rated = [r for r in timeline if r.get("rating")]
        last, before = rated[-1], (rated[-2] if len(rated) > 1 else None)
        out.append({**last, "previous_rating": last.get("previous_rating") or (before or {}).get("rating"),
                    "previous_source": before["source"] if before else last.get("previous_source"),
                    "inspections": len(rated)})
    return _newest(out)


def _public(record: dict) -> dict:
    """A record as shown to people: the store's bookkeeping dropped, its source named."""
    hidden = {"unit_key", "sort_day", "seq", "event_id"} if record.get("source") == "baseline" else {"sort_day"}
    return {k: v for k, v in record.items() if k not in hidden}


def export_rows(config) -> list[dict]:
    """Every inspection, oldest first by unit, in the export's columns."""
    rows = []
    for timeline in sorted(timelines(config).values(), key=lambda t: (t[0].get("name") or "").casefold()):
        for r in timeline:  # a unit's rows stay in order, undated ones included
            rows.append({"unit": r.get("name"), "type": r.get("type"), "region": r.get("region"),
                         "published": r.get("published"), "rating": r.get("rating"),
                         "previous_rating": r.get("previous_rating"), "direction": r.get("direction"),
                         "score": r.get("score"), "recommendations": r.get("recommendations"),
                         "links": list(r.get("links") or []), "source": r["source"]})
    return rows


def export_text(rows: list[dict], fmt: str) -> str:
    """The rows as CSV (links separated by spaces) or as a JSON list."""
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**{k: "" if v is None else v for k, v in row.items()}, "links": " ".join(row["links"])})
    return buffer.getvalue()


def summary_table(rows: list[dict]) -> str:
    """`history`: one line per unit, newest first, with where each rating came from."""
    from bot.notify.stdout import ARROWS

    header = ("date", "", "unit", "type", "region", "rating", "previous", "from")
    body = [(r.get("published") or (r.get("first_seen") or "")[:10] or "?", ARROWS.get(r.get("direction"), "·"),
             r.get("name") or "", r.get("type") or "", r.get("region") or "", r.get("rating") or "?",
             _previous(r), r["source"])
            for r in rows]
    return _table(header, body)


def _previous(row: dict) -> str:
    """'Good (baseline)': the rating before, and where it came from."""
    if not row.get("previous_rating"):
        return "previous rating unclear" if row.get("previous_unclear") else ""
    source = row.get("previous_source")
    return row["previous_rating"] + (f" ({source})" if source else "")


def timeline_text(rows: list[dict]) -> str:
    """`history UNIT`: every inspection with its date, rating, score, source, links and evidence."""
    from bot.notify.stdout import ARROWS

    lines = []
    for r in rows:
        facts = [x for x in (f"score {r['score']}" if r.get("score") else None,
                             f"{r['recommendations']} recommendations" if r.get("recommendations") is not None else None,
                             f"from {r['source']}" + (" (also in the baseline)" if r.get("also_in_baseline") else ""),
                             r.get("source_kind"), r.get("confidence")) if x]
        lines.append(f"{r.get('published') or '(date not known)'}  {ARROWS.get(r.get('direction'), '·')} "
                     f"{r.get('name')}: {r.get('rating') or '?'}"
                     + (f" (previously {r['previous_rating']})" if r.get("previous_rating") else "")
                     + f"  [{', '.join(facts)}]")
        evidence = (r.get("evidence") or {}).get("rating")
        if evidence:
            lines.append(f"    \u201c{evidence}\u201d")
        for key in ("note", "dispute"):
            if r.get(key):
                lines.append(f"    note: {r[key]}")
        lines += [f"    {link}" for link in r.get("links") or []]
    return "\n".join(lines)


def histories_text(groups: list[tuple[str, list[dict]]]) -> str:
    """`history UNIT`: each matching unit's header, then its timeline; a blank line between units."""
    return "\n\n".join(f"{_unit_header(name, rows)}\n{timeline_text(rows)}" for name, rows in groups)


def _unit_header(name: str, rows: list[dict]) -> str:
    """'Kirklees PDU (PDU, Yorkshire and the Humber): 2 inspections'."""
    kind = next((r["type"] for r in rows if r.get("type")), None)
    region = next((r["region"] for r in rows if r.get("region")), None)
    facts = ", ".join(x for x in (kind, region) if x)
    return f"{name}{f' ({facts})' if facts else ''}: {len(rows)} inspection{'s' if len(rows) != 1 else ''}"


def _table(header: tuple, body: list[tuple]) -> str:
    widths = [max(len(str(row[i])) for row in [header, *body]) for i in range(len(header))]
    return "\n".join("  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip() for row in [header, *body])
