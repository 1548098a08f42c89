"""The command line: each command parses its arguments, calls one library function and prints."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import traceback

from bot import __version__
from bot.errors import BotError

log = logging.getLogger("bot")
PROG = "hmip-bot"


def main(argv: list[str] | None = None) -> int:
    """Run a command; return the contract's exit code (0, 1, 2 or 3)."""
    parser = _parser()
    args = parser.parse_args(argv)
    _setup_logging(args.log_level, args.verbose)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args)
    except BotError as e:
        print(f"{PROG}: {e}", file=sys.stderr)
        if args.verbose:
            traceback.print_exc()
        return e.exit_code
    except BrokenPipeError:
        # `hmip-bot history | head`: the reader left; say nothing more (as coreutils do).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130


def _setup_logging(level: str | None, verbose: bool) -> None:
    name = (level or os.environ.get("LOG_LEVEL") or ("DEBUG" if verbose else "WARNING")).upper()
    logging.basicConfig(
        level=getattr(logging, name, logging.WARNING),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", metavar="PATH", help="config file (default: $BOT_CONFIG, else ./config.yaml)")
    common.add_argument("--log-level", metavar="LEVEL", help="DEBUG, INFO, WARNING (default: $LOG_LEVEL or WARNING)")
    common.add_argument("-v", "--verbose", action="store_true", help="show tracebacks and debug logs")
    parser = argparse.ArgumentParser(prog=PROG, parents=[common], description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    for name, func, configure in _COMMANDS:
        p = sub.add_parser(name, parents=[common], help=func.__doc__.splitlines()[0],
                           description=func.__doc__)
        configure(p)
        p.set_defaults(func=func)
    return parser


# --- extract --------------------------------------------------------------------------------


def cmd_extract(args) -> int:
    """Read inspection texts (files or http(s) URLs) and print what they report.

    Example: hmip-bot extract release.html report.pdf --json
    """
    from bot.convert import read_source
    from bot.extract import extract

    fetcher = _extract_fetcher(args)
    failed = False
    for source in args.sources:
        try:
            page = read_source(source, fetcher)
        except BotError as e:
            print(f"{PROG}: extract: {e}", file=sys.stderr)
            failed = True
            continue
        result = extract(page.text, title=page.title, published=page.published)
        if args.json:
            print(json.dumps(result.to_json(), ensure_ascii=False), flush=True)
        else:
            print(_describe(source, result), flush=True)
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


def _describe(source: str, result) -> str:
    lines = [f"{source}: {result.title or '(no title)'}"]
    if not result.is_inspection:
        lines.append("  not a rated inspection")
    for u in result.units:
        change = f"{u.previous_rating} → {u.rating}" if u.previous_rating else u.rating
        extra = ", ".join(x for x in (
            u.region, f"direction {u.direction}" if u.direction else None,
            f"score {u.score}" if u.score else None,
            f"{u.recommendations} recommendations" if u.recommendations is not None else None,
        ) if x)
        lines.append(f"  {u.name} ({u.type}): {change}" + (f" [{extra}]" if extra else ""))
    if result.published:
        lines.append(f"  published {result.published}")
    if result.chief_inspector:
        lines.append(f"  chief inspector: {result.chief_inspector}")
    for name, rating in result.standards.items():
        lines.append(f"  standard {name}: {rating}")
    for finding in result.findings:
        lines.append(f"  - {finding}")
    return "\n".join(lines)


def _extract_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("sources", nargs="+", metavar="SOURCE", help="a .txt, .html or .pdf file, or an http(s) URL")
    p.add_argument("--json", action="store_true", help="one JSON object per line per SOURCE")


_COMMANDS: list = [
    ("extract", cmd_extract, _extract_args),
]
