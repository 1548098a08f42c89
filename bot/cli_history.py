"""The commands about the record: `history`, `export` and `backfill` (see bot/cli.py for the rest)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

PROG = "hmip-bot"


def cmd_history(args) -> int:
    """Show every unit's latest rating, newest first (baseline and read), or one unit's timeline.

    Filters keep units by their latest inspection: --region, --type, --rating, and --changed
    (only units whose last two ratings differ). `history UNIT` (a name or alias, any case) shows
    every inspection of that unit with dates, scores, links and evidence. --json prints one
    object per inspection (name, type, region, rating, published, source and the rest).

    Example: hmip-bot history --region "North West" --changed
    Example: hmip-bot history "Kirklees PDU"
    """
    from bot.config import load_config
    from bot.records import Filters, histories_text, history_records, summary_table, unit_histories, unit_summaries

    config = load_config(args.config)
    filters = Filters(region=args.region, type=args.type, rating=args.rating, changed=args.changed)
    if args.unit and not args.json:
        groups = unit_histories(config, args.unit)  # one block per unit the name matches
        print(histories_text(groups) if groups else f"No inspections recorded for {args.unit!r}.")
        return 0
    if args.json:
        print(json.dumps(history_records(config, args.unit, filters), ensure_ascii=False, indent=2))
        return 0
    rows = unit_summaries(config, filters)
    print(summary_table(rows) if rows else "No inspections recorded" + (" that match." if filters != Filters() else " yet."))
    return 0


def _history_args(p: argparse.ArgumentParser) -> None:
    from bot.models import RATINGS, UNIT_TYPES

    p.add_argument("unit", nargs="?", help="a unit name or alias, any case: its whole timeline")
    p.add_argument("--json", action="store_true", help="print one JSON object per inspection")
    p.add_argument("--region", type=_region, help="only units in this probation region ('North East', 'kss', ...)")
    p.add_argument("--type", choices=UNIT_TYPES, help="only units of this type")
    p.add_argument("--rating", type=_rating, metavar="RATING", help=f"only units now rated so ({', '.join(RATINGS)})")
    p.add_argument("--changed", action="store_true", help="only units whose last two ratings differ")


def _region(text: str) -> str:
    """A region as config reads one (any case, short forms); a typo is a usage error, not 'no match'."""
    from bot.regions import REGIONS, resolve_region, suggest_region

    found = resolve_region(text)
    if found:
        return found
    hint = suggest_region(text)
    raise argparse.ArgumentTypeError(f"unknown region {text!r}" + (
        f" (did you mean {hint!r}?)" if hint else f"; one of {', '.join(REGIONS)}"))


def _rating(text: str) -> str:
    from bot.models import RATINGS

    found = [r for r in RATINGS if r.casefold() == " ".join(text.split()).casefold()]
    if not found:
        raise argparse.ArgumentTypeError(f"{text!r} is not one of {', '.join(RATINGS)}")
    return found[0]


def cmd_export(args) -> int:
    """Write the whole history (baseline included) as CSV or JSON, one row per inspection.

    Columns: unit, type, region, published, rating, previous_rating, direction, score,
    recommendations, links (space-separated in CSV), source (read or baseline).

    Example: hmip-bot export --format csv > ratings.csv
    """
    from bot.config import load_config
    from bot.records import export_rows, export_text

    text = export_text(export_rows(load_config(args.config)), args.format)
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as e:
            print(f"{PROG}: export: {args.output}: {e.strerror or e.__class__.__name__}", file=sys.stderr)
            return 2
    else:
        sys.stdout.write(text)
    return 0


def _export_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("csv", "json"), default="csv", help="csv (default) or json")
    p.add_argument("--output", "-o", metavar="FILE", help="write here instead of standard output")


def cmd_backfill(args) -> int:
    """Walk the sources' older pages and record past inspections into history, alerting no one.

    Pages: the inspectorate's listings (`/page/N/`, `?paged=N`) and GOV.UK search (`start`,
    `count`). How far each source got is kept in the state: an interrupted or failed backfill
    resumes at the page it stopped on. Items newer than alert_max_age_days are left for `run`.
    --export-baseline FILE then writes everything history knows in the baseline's columns.

    Example: hmip-bot backfill --pages 40 --since 2023-01-01
    Example: hmip-bot backfill --pages 0 --export-baseline past_ratings.csv
    """
    from bot.backfill import backfill
    from bot.config import load_config
    from bot.sources import build_sources

    if args.pages < 0:
        print(f"{PROG}: backfill: --pages must be 0 or more", file=sys.stderr)
        return 2
    config = load_config(args.config)
    build_sources(config.sources)  # each source's type checks its options before any page is read
    with _backfill_progress() as progress:
        report = backfill(config, pages=args.pages, since=args.since, source=args.source,
                          progress=progress, export_baseline=args.export_baseline)
    print(f"Backfill: {report.summary()}")
    for line in report.all_failures:
        print(f"{PROG}: {line}", file=sys.stderr)
    return report.exit_code


def _backfill_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--pages", type=int, default=5, help="pages to walk per source (default 5; 0: none)")
    p.add_argument("--since", type=_date, metavar="DATE", help="stop at items older than this (YYYY-MM-DD)")
    p.add_argument("--source", metavar="NAME", help="only this source (its `name` in the config)")
    p.add_argument("--export-baseline", type=Path, metavar="FILE",
                   help="then write the whole history in the baseline's CSV columns to FILE")


def _date(text: str):
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _backfill_progress():
    """A progress bar on a terminal (tqdm), else one plain line per page on stderr."""
    from bot.progress import BarProgress, LineProgress

    return BarProgress() if sys.stderr.isatty() else LineProgress(sys.stderr)
