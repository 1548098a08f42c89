"""The command line: each command parses its arguments, calls one library function and prints."""

from __future__ import annotations

import argparse
import inspect
import logging
import os
import sys
import traceback

from bot import __version__
# The commands live beside this file, by what they are about.
from bot.cli_extract import _extract_args, _text_args, cmd_extract, cmd_text
from bot.cli_history import _backfill_args, _export_args, _history_args, cmd_backfill, cmd_export, cmd_history
from bot.cli_run import (_demo_args, _digest_args, _publish_args, _run_args, _serve_args, _status_args, cmd_demo,
                         cmd_digest, cmd_publish, cmd_run, cmd_serve, cmd_status)
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
