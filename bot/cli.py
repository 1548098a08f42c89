"""The command line: each command parses its arguments, calls one library function and prints."""

from __future__ import annotations

import argparse
import inspect
import json
import logging
import os
import sys
import traceback
from pathlib import Path

from bot import __version__
from bot.errors import BotError

log = logging.getLogger("bot")
PROG = "hmip-bot"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def main(argv: list[str] | None = None) -> int:
    """Run a command; return the contract's exit code (0, 1, 2 or 3)."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # bad usage (argparse has printed why) or --help
        return e.code if isinstance(e.code, int) else 2
    level = (args.log_level or os.environ.get("LOG_LEVEL") or ("DEBUG" if args.verbose else "WARNING")).upper()
    if level not in LOG_LEVELS:
        where = "--log-level" if args.log_level else "$LOG_LEVEL"
        print(f"{PROG}: {where}: unknown level '{level.lower()}' (choose {', '.join(LOG_LEVELS)})", file=sys.stderr)
        return 2
    _setup_logging(level, args.verbose)
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
    except OSError as e:
        # A file the user named cannot be read or written (--html /proc/x.html, a full disk).
        where = f"{e.filename}: " if e.filename else ""
        print(f"{PROG}: {where}{e.strerror or type(e).__name__}", file=sys.stderr)
        if args.verbose:
            traceback.print_exc()
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130


def _setup_logging(level: str, verbose: bool) -> None:
    logging.basicConfig(
        level=getattr(logging, level),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # slack_sdk logs each failed request at ERROR (our one-line report says it better) and,
    # at DEBUG, request URLs, which for a webhook hold its secret: never below WARNING.
    logging.getLogger("slack_sdk").setLevel(logging.WARNING if verbose else logging.CRITICAL)
    # urllib3 logs each retry at WARNING; the source's one-line failure says what matters.
    # pypdf warns about every damaged cross-reference it repairs: noise unless it fails.
    for noisy in ("urllib3", "pypdf"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if verbose else logging.ERROR)


def _common(defaults: bool) -> argparse.ArgumentParser:
    """The options every command takes, before or after the command name.

    The copy on each subcommand uses SUPPRESS defaults, so `--config X run` is not undone by
    the subcommand's own default.
    """
    d = (lambda v: v) if defaults else (lambda v: argparse.SUPPRESS)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", metavar="PATH", default=d(None),
                        help="config file (default: $BOT_CONFIG, else ./config.yaml)")
    common.add_argument("--log-level", metavar="LEVEL", default=d(None),
                        help="DEBUG, INFO, WARNING, ERROR or CRITICAL (default: $LOG_LEVEL, else WARNING)")
    common.add_argument("-v", "--verbose", action="store_true", default=d(False),
                        help="show tracebacks and debug logs")
    return common


def _parser() -> argparse.ArgumentParser:
    common = _common(False)
    parser = argparse.ArgumentParser(
        prog=PROG, parents=[_common(True)],
        description="Watch HM Inspectorate of Probation inspections and alert when a unit's rating changes.")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    for name, func, configure in _COMMANDS:
        p = sub.add_parser(name, parents=[common], help=func.__doc__.splitlines()[0],
                           description=inspect.cleandoc(func.__doc__),
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        configure(p)
        p.set_defaults(func=func)
    return parser


def _config(args, *, check_sources: bool = False):
    """The config `--config` names; with `check_sources`, each source checked by its own type."""
    from bot.config import load_config

    config = load_config(args.config)
    if check_sources:
        from bot.sources import build_sources

        build_sources(config.sources)
    return config


# --- extract --------------------------------------------------------------------------------


def cmd_extract(args) -> int:
    """Read inspection texts (files or http(s) URLs) and print what they report.

    Example: hmip-bot extract release.html report.pdf --json
    """
    from bot.convert import read_source
    from bot.extract import explain

    fetcher = _extract_fetcher(args)
    failed = False
    for source in args.sources:
        try:
            page = read_source(source, fetcher)
        except BotError as e:
            print(f"{PROG}: extract: {e}", file=sys.stderr)
            failed = True
            continue
        result, trace = explain(page.text, title=page.title, published=page.published)
        if args.json:
            print(json.dumps(result.to_json(), ensure_ascii=False), flush=True)
        else:
            print(_describe(source, result, trace if args.explain else None), flush=True)
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
    from bot.convert import read_source

    fetcher, failed, printed = _extract_fetcher(args), False, False
    for source in args.sources:
        try:
            page = read_source(source, fetcher)
        except BotError as e:
            print(f"{PROG}: text: {e}", file=sys.stderr)
            failed = True
            continue
        if args.json:
            print(json.dumps({"source": source, "title": page.title, "published": page.published,
                              "text": page.text}, ensure_ascii=False), flush=True)
        else:  # several sources: a header before each, as `head` does
            header = f"==> {source} <==\n" if len(args.sources) > 1 else ""
            print(("\n" if printed else "") + header + page.text, flush=True)
        printed = True
    return 2 if failed else 0


# --- run, demo ------------------------------------------------------------------------------


def cmd_run(args) -> int:
    """Poll every source once: read new items, record them, deliver alerts, send due digests.

    Example: hmip-bot run --json
    """
    from bot.pipeline import poll_once

    config = _config(args, check_sources=True)
    notifiers = None
    if config.slack is None and config.email is None and not args.dry_run:
        from bot.notify.stdout import StdoutNotifier

        notifiers = [StdoutNotifier(as_json=args.json)]
    report = poll_once(config, dry_run=args.dry_run, notifiers=notifiers)
    _print_report(report, as_json=args.json, dry_run=args.dry_run, printed=notifiers is not None)
    return report.exit_code


def _print_report(report, *, as_json: bool, dry_run: bool = False, printed: bool = False) -> None:
    """The summary, and the alerts unless a terminal notifier already printed them."""
    from bot.notify.stdout import format_alert

    if printed:
        if not as_json:
            print(report.summary())
    elif as_json:
        print(json.dumps([a.to_json() for a in report.alerts], ensure_ascii=False, indent=2))
    else:
        if dry_run and report.alerts:
            print("Dry run: these alerts would go out (nothing was recorded or sent):")
        for alert in report.alerts:
            print(format_alert(alert))
            print()
        print(("Dry run: " if dry_run else "") + report.summary())
    for line in report.failures:
        print(f"{PROG}: {line}", file=sys.stderr)


def _run_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dry-run", action="store_true", help="change no state and send nothing; print the alerts")
    p.add_argument("--json", action="store_true", help="print the cycle's alerts as a JSON list")


def cmd_demo(args) -> int:
    """Run the real pipeline over loopback HTTP on sample feeds and pages (no config, no network).

    Example: hmip-bot demo
    """
    from bot.demo import run_demo
    from bot.notify.stdout import format_alert

    if args.config:
        print(f"{PROG}: demo: --config is not used: the demo polls its own samples with a throwaway "
              f"state (--state DIR keeps it); `run --config {args.config}` uses a config", file=sys.stderr)
        return 2
    first, second = run_demo(args.state)
    print("First poll of the sample feeds (HMI Probation, GOV.UK search, a BBC region):\n")
    for alert in first.alerts:
        print(format_alert(alert))
        print()
    print(first.summary())
    print("\nSecond poll (sources answer 304 Not Modified, nothing is alerted twice):")
    print(second.summary())
    return max(first.exit_code, second.exit_code)


def _demo_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--state", metavar="DIR", help="keep the demo's state here (default: a temporary folder)")


def cmd_digest(args) -> int:
    """Send the email digests that are due now (or one, with --name; now, with --force).

    Example: hmip-bot digest --name weekly --force --dry-run --html preview.html
    """
    from bot.notify.email import send_due_digests
    from bot.history import Store

    if args.html and not args.dry_run:
        print(f"{PROG}: digest: --html goes with --dry-run (a preview); nothing was sent", file=sys.stderr)
        return 2
    config = _config(args)
    if config.email is None:
        print(f"{PROG}: digest: no `email` section in the config", file=sys.stderr)
        return 2
    with Store(config.state_dir, lock=not args.dry_run) as store:
        report = send_due_digests(config, store, name=args.name, force=args.force,
                                  dry_run=args.dry_run, html_out=args.html)
    lines = report.lines()
    for line in lines:
        print(line)
    if not lines:
        print("No digest is due.")
    return 0 if report.ok else 1


def _digest_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--name", help="only this digest")
    p.add_argument("--force", action="store_true", help="send now even if not due (never an empty one unless send_empty)")
    p.add_argument("--dry-run", action="store_true", help="print instead of sending; change no state")
    p.add_argument("--html", type=Path, metavar="FILE", help="with --dry-run: write the HTML here to look at in a browser")


# --- history, status ---------------------------------------------------------------------------


def cmd_status(args) -> int:
    """Show each source's last poll, success and error; pending deliveries; next digests.

    Example: hmip-bot status
    """
    from bot.report import status_data, status_text

    config = _config(args)
    if args.check:
        from bot.health import check

        ok, message = check(config)
        print(message)
        return 0 if ok else 1
    data = status_data(config)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(status_text(data))
    return 0


def _status_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print the status as JSON")
    p.add_argument("--check", action="store_true",
                   help="health check: exit 1 unless a poll succeeded within 3 poll intervals")


# --- publish -----------------------------------------------------------------------------------


def cmd_publish(args) -> int:
    """Write the public site: changes.atom (Atom feed) and index.html (+ a page per unit).

    Reads history without the lock (works while a run is going on); only files whose content
    changed are replaced, each atomically. --out defaults to publish.out_dir in the config.

    Example: hmip-bot publish --out site && cd site && python -m http.server
    """
    from bot.config import load_config
    from bot.history import Store
    from bot.publish import publish_site

    config = load_config(args.config)
    out = args.out or (config.publish.out_dir if config.publish else None)
    if out is None:
        print(f"{PROG}: publish: say where: --out DIR, or publish.out_dir in the config", file=sys.stderr)
        return 2
    base_url = args.base_url or (config.publish.base_url if config.publish else None)
    if args.base_url and not args.base_url.lower().startswith(("http://", "https://")):
        print(f"{PROG}: publish: --base-url must be an http(s) URL", file=sys.stderr)
        return 2
    if base_url and not base_url.endswith("/"):
        base_url += "/"  # the folder itself, so that urljoin keeps its last path segment
    with Store(config.state_dir, lock=False) as store:
        result = publish_site(config, store, Path(out), base_url=base_url)
    print(result.summary())
    return 0


def _publish_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", type=Path, metavar="DIR", help="the site's folder (default: publish.out_dir)")
    p.add_argument("--base-url", metavar="URL",
                   help="where the folder is served, for absolute links in the feed (default: publish.base_url)")


# --- serve -------------------------------------------------------------------------------------


def cmd_serve(args) -> int:
    """Run the scheduler: poll every poll.interval_minutes, send digests on schedule, retry deliveries.

    One poll at a time (a slow poll is never overlapped; missed polls coalesce), each digest on
    its own cron schedule and time zone. Shares the state lock with `run`. Logs one line per poll
    (level: --log-level, else $LOG_LEVEL, else INFO). SIGTERM or SIGINT stop it cleanly.

    Example: hmip-bot serve --config /etc/hmip-bot/config.yaml
    """
    from bot.schedule import serve

    config = _config(args, check_sources=True)
    if not (args.log_level or os.environ.get("LOG_LEVEL") or args.verbose):
        logging.getLogger().setLevel(logging.INFO)  # a service logs its polls by default
    return serve(config)


def _serve_args(p: argparse.ArgumentParser) -> None:
    """`serve` takes only the common options."""


from bot.cli_history import (  # noqa: E402 (the commands about the record live there)
    _backfill_args, _export_args, _history_args, cmd_backfill, cmd_export, cmd_history)

_COMMANDS: list = [
    ("run", cmd_run, _run_args),
    ("serve", cmd_serve, _serve_args),
    ("demo", cmd_demo, _demo_args),
    ("extract", cmd_extract, _extract_args),
    ("text", cmd_text, _text_args),
    ("digest", cmd_digest, _digest_args),
    ("backfill", cmd_backfill, _backfill_args),
    ("history", cmd_history, _history_args),
    ("export", cmd_export, _export_args),
    ("status", cmd_status, _status_args),
    ("publish", cmd_publish, _publish_args),
]
