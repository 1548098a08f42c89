"""The public site: `changes.atom` and `index.html` (plus a page per unit), built from history.

`publish_site` writes the folder; `refresh_site` is the hook `run` and `serve` call after a
poll, rewriting it only when history changed. Every file is replaced atomically, and files
whose content is unchanged are not touched at all, so a quiet rewrite changes nothing.
"""

from __future__ import annotations

import logging
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from bot import __version__
from bot.errors import BotError
from bot.publish.atom import FEED_FILE, render_feed
from bot.publish.data import Unit, read_units
from bot.publish.page import render_index, render_unit

log = logging.getLogger(__name__)

INDEX_FILE = "index.html"
UNITS_DIR = "units"
SOURCE_META = "publish_source"  # the baseline (and release) the site was last built from
RETRY_META = "publish_retry"  # set while the last rewrite failed, so the next poll tries again
_OURS = b'<meta name="generator" content="hmip-bot'  # marks unit pages this bot wrote


class PublishError(BotError):
    """The site's folder cannot be written (exit 2: the operator must fix a path or permission)."""

    exit_code = 2


@dataclass
class PublishResult:
    """What one publish wrote: the counts for the CLI line, the files that changed."""

    out_dir: Path
    units: int = 0
    events: int = 0
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        n = len(self.changed) + len(self.removed)
        what = f"{n} file{'s' if n != 1 else ''} changed" if n else "nothing changed"
        return f"Published {self.units} units, {self.events} inspections to {self.out_dir} ({what})"


def site_files(units: list[Unit], *, base_url: str | None = None) -> dict[str, str]:
    """Every file of the site by relative path; unit pages first, the index last."""
    files = {f"{UNITS_DIR}/{u.slug}.html": render_unit(u) for u in units}
    files[FEED_FILE] = render_feed(units, base_url=base_url)
    files[INDEX_FILE] = render_index(units)
    return files


def publish_site(config, store, out_dir: Path, *, base_url: str | None = None) -> PublishResult:
    """Write the site for the history (`store` and the config's baseline) into `out_dir`.

    Only files whose content changed are replaced.
    """
    units = read_units(config, store)
    result = PublishResult(out_dir=Path(out_dir), units=len(units), events=sum(len(u.events) for u in units))
    try:
        (result.out_dir / UNITS_DIR).mkdir(parents=True, exist_ok=True)
        files = site_files(units, base_url=base_url)
        for name, text in files.items():  # pages before the index that links to them
            if _write_if_changed(result.out_dir / name, text.encode("utf-8")):
                result.changed.append(name)
        result.removed = _remove_stale(result.out_dir / UNITS_DIR, files)
    except OSError as e:
        raise PublishError(f"publish: cannot write {e.filename or out_dir}: "
                           f"{e.strerror or e.__class__.__name__}") from None
    return result


def _write_if_changed(path: Path, data: bytes) -> bool:
    """Atomically replace `path` with `data` (temp file, fsync, rename) unless it already holds it."""
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide the site from the web server's user
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def _remove_stale(units_dir: Path, files: dict[str, str]) -> list[str]:
    """Drop unit pages this bot wrote earlier for units that no longer exist (a renamed key)."""
    removed = []
    for page in sorted(units_dir.glob("*.html")):
        name = f"{UNITS_DIR}/{page.name}"
        if name not in files and _OURS in page.read_bytes()[:2048]:
            page.unlink()
            removed.append(name)
    return removed


def refresh_site(config, store, *, history_changed: bool) -> str | None:
    """After a poll: rewrite the configured site if history changed, it is missing, or it failed.

    Returns a one-line failure to report, or None. A site that cannot be written never stops
    a poll: history is safe in the state, and a note there makes every later poll try again.
    """
    publish = getattr(config, "publish", None)
    if publish is None:
        return None
    failed_before = store.get_meta(RETRY_META)
    mark = _source_mark(config)
    if not (history_changed or failed_before or store.get_meta(SOURCE_META) != mark
            or not (publish.out_dir / INDEX_FILE).exists()):
        return None  # a quiet poll costs two stat() calls and two in-memory lookups
    try:
        result = publish_site(config, store, publish.out_dir, base_url=publish.base_url)
    except BotError as e:
        store.set_meta(RETRY_META, True)
        return str(e)
    except Exception as e:  # a bug in the site must not undo a poll whose work is all recorded
        log.debug("publish failed", exc_info=True)
        store.set_meta(RETRY_META, True)
        return f"publish: failed unexpectedly ({e.__class__.__name__}: {e}); run with -v for details"
    if failed_before:
        store.set_meta(RETRY_META, None)
    if store.get_meta(SOURCE_META) != mark:
        store.set_meta(SOURCE_META, mark)
    log.info("publish: %s", result.summary())
    return None


def _source_mark(config) -> str:
    """What the site is built from besides the store: this release, and the baseline file's version."""
    from bot.baseline import PACKAGED, packaged_path

    setting = getattr(config, "baseline", None)
    if setting in (None, False):
        return f"{__version__}; no baseline"
    path = packaged_path() if setting in (PACKAGED, True) else Path(setting)
    try:
        stat = path.stat()
        return f"{__version__}; {path}; {stat.st_mtime_ns}; {stat.st_size}"
    except OSError:
        return f"{__version__}; {path}"  # publishing reports the unreadable file itself
