"""The commands that run the bot: `run`, `demo`, `digest`, `status`, `publish` and `serve`."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

PROG = "hmip-bot"


def _config(args, *, check_sources: bool = False):
    """The config `--config` names; with `check_sources`, each source checked by its own type."""
    from bot.config import load_config

    config = load_config(args.config)
    if check_sources:
        from bot.sources import build_sources

        build_sources(config.sources)
    return config


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
