"""The command line: each command parses its arguments, calls one library function and prints."""

from __future__ import annotations

import argparse
import inspect
import logging
import os
import sys
import traceback

from bot import __version__
from bot.errors import BotError

log = logging.getLogger("bot")
PROG = "hmip-bot"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def main(argv: list[str] | None = None) -> int:
    """Run a command; return the contract's exit code (0, 1, 2 or 3)."""
    argv = sys.argv[1:] if argv is None else argv
    parser = _parser(_invoked(argv))
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


def _parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or with `only`, of that one command (what `main` parses with)."""
    common = _common(False)
    parser = argparse.ArgumentParser(
        prog=PROG, parents=[_common(True)],
        description="Watch HM Inspectorate of Probation inspections and alert when a unit's rating changes.")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    for name, group in _COMMANDS.items():
        if only not in (None, name):
            continue
        module = _module(group)
        func, configure = getattr(module, f"cmd_{name}"), getattr(module, f"_{name}_args")
        p = sub.add_parser(name, parents=[common], help=func.__doc__.splitlines()[0],
                           description=inspect.cleandoc(func.__doc__),
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        configure(p)
        p.set_defaults(func=func)
    return parser


# Each command and the module beside this file that holds it (`cmd_NAME`, and `_NAME_args` for
# its options), in the order `--help` lists them.
_COMMANDS = {"run": "run", "serve": "run", "demo": "run", "extract": "extract", "text": "extract",
             "digest": "run", "backfill": "history", "history": "history", "export": "history",
             "status": "run", "publish": "run"}


def _module(group: str):
    """The command module `bot.cli_GROUP`, imported when a parser needs its commands."""
    if group == "run":
        from bot import cli_run as module
    elif group == "extract":
        from bot import cli_extract as module
    else:
        from bot import cli_history as module
    return module


def _invoked(argv: list[str]) -> str | None:
    """The command `argv` names, when it is plain to see; None to build every command's parser.

    Building (and importing) one command's parser instead of eleven is a tenth of a quiet poll's
    start-up beyond its libraries. Any doubt (help, --version, an option whose value may be the
    next word) gives None, and the full parser then decides as it always did.
    """
    words = iter(argv)
    for word in words:
        if word in ("-h", "--help", "--version"):
            return None
        if word in ("-v", "--verbose") or (word.startswith("--") and "=" in word):
            continue
        if word.startswith("-"):
            next(words, None)  # --config PATH, --log-level LEVEL (or a prefix of them): skip the value
            continue
        return word if word in _COMMANDS else None
    return None
