"""The commands that read texts: `extract` and `text` (see bot/cli.py for the rest)."""

from __future__ import annotations

import argparse
import json
import sys

from bot.errors import BotError

PROG = "hmip-bot"


def cmd_extract(args) -> int:
    """Read inspection texts (files or http(s) URLs) and print what they report.

    Example: hmip-bot extract release.html report.pdf --json
    """
    from bot.extract import explain

    def show(source: str, page) -> None:
        result, trace = explain(page.text, title=page.title, published=page.published)
        if args.json:
            print(json.dumps(result.to_json(), ensure_ascii=False), flush=True)
        else:
            print(_describe(source, result, trace if args.explain else None), flush=True)

    return _each_source(args, "extract", show)


def _each_source(args, command: str, show) -> int:
    """Read every SOURCE and hand it to `show`; an unreadable one is a line on stderr, and exit 2."""
    from bot.convert import read_source

    fetcher, failed = _extract_fetcher(args), False
    for source in args.sources:
        try:
            page = read_source(source, fetcher)
        except BotError as e:
            print(f"{PROG}: {command}: {e}", file=sys.stderr)
            failed = True
            continue
        show(source, page)
    return 2 if failed else 0


def _extract_fetcher(args):
    """An HTTP client for URL sources, using the config's User-Agent when a config exists."""
    if not any(s.lower().startswith(("http://", "https://")) for s in args.sources):
        return None
    from bot.config import DEFAULT_USER_AGENT, load_config
    from bot.fetch import Fetcher

    try:
        return Fetcher.from_config(load_config(args.config))
    except BotError:
        return Fetcher(user_agent=DEFAULT_USER_AGENT, timeout=20.0)


def _describe(source: str, result, trace=None) -> str:
    """The text form of one extraction; with `trace`, the rules that read each field."""
    lines = [f"{source}: {result.title or '(no title)'}"]
    if not result.is_inspection:
        lines.append("  not a rated inspection")
    rules = {name: fields for name, fields in trace or ()}
    if trace is not None and "text" in rules:
        lines.append(f"    rules: {_rules_line(rules['text'])}")
    for u in result.units:
        rating = u.rating or "rating not stated in the text"
        change = f"{u.previous_rating} → {rating}" if u.previous_rating else rating
        extra = ", ".join(x for x in (
            u.region, f"direction {u.direction}" if u.direction else None,
            f"score {u.score}" if u.score else None,
            f"{u.recommendations} recommendations" if u.recommendations is not None else None,
        ) if x)
        lines.append(f"  {u.name} ({u.type}): {change}" + (f" [{extra}]" if extra else ""))
        lines += _evidence_lines(u)
        if trace is not None and u.name in rules:
            lines.append(f"    rules: {_rules_line(rules[u.name])}")
    if result.published:
        lines.append(f"  published {result.published}")
    if result.chief_inspector:
        lines.append(f"  chief inspector: {result.chief_inspector}")
    for name, rating in result.standards.items():
        lines.append(f"  standard {name}: {rating}")
    for finding in result.findings:
        lines.append(f"  - {finding}")
    return "\n".join(lines)


def _evidence_lines(u) -> list[str]:
    """'read from: ...' lines under a unit: the passages its rating and previous rating came from."""
    ev = u.evidence or {}
    out = []
    if ev.get("rating"):
        out.append(f"    rating read from ({u.confidence}): \"{ev['rating']}\"")
    if ev.get("previous_rating"):
        out.append(f"    previous rating read from: \"{ev['previous_rating']}\"")
    return out


def _rules_line(fields: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in fields.items() if v) or "-"


def _extract_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("sources", nargs="+", metavar="SOURCE", help="a .txt, .html or .pdf file, or an http(s) URL")
    p.add_argument("--json", action="store_true", help="one JSON object per line per SOURCE")
    p.add_argument("--explain", action="store_true", help="also name the rule that read each field")


def _text_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("sources", nargs="+", metavar="SOURCE", help="a .txt, .html or .pdf file, or an http(s) URL")
    p.add_argument("--json", action="store_true", help="one JSON object per line per SOURCE")


def cmd_text(args) -> int:
    """Print the text the extractor reads from each file or http(s) URL, headline first.

    What an alert was read from, after the page's menus, asides and comments are dropped.
    Example: hmip-bot text https://www.gov.uk/government/news/... --json
    """
    printed = []  # sources shown so far: a blank line between texts

    def show(source: str, page) -> None:
        if args.json:
            print(json.dumps({"source": source, "title": page.title, "published": page.published,
                              "text": page.text}, ensure_ascii=False), flush=True)
        else:  # several sources: a header before each, as `head` does
            header = f"==> {source} <==\n" if len(args.sources) > 1 else ""
            print(("\n" if printed else "") + header + page.text, flush=True)
        printed.append(source)

    return _each_source(args, "text", show)
