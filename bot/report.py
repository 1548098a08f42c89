"""Read-only views of the state for `status` (it works while a run holds the lock); `history` is records.py's."""

from __future__ import annotations

from datetime import datetime, timezone

from bot.history import Store
from bot.policy import held_alerts


def _open(state_dir) -> Store:
    return Store(state_dir, lock=False).open()


def status_data(config, now: datetime | None = None) -> dict:
    """Per source: last poll/success/error; pending deliveries and items; digests' next run."""
    now = now or datetime.now(timezone.utc)
    exists = config.state_dir.is_dir()  # a read-only Store creates nothing: say why it is empty
    store = _open(config.state_dir)
    try:
        known = {s["source"]: s for s in store.source_statuses()}
        sources = [{"source": s.name, "type": s.type, **{k: v for k, v in known.get(s.name, {}).items()
                                                         if k != "source"}} for s in config.sources]
        outbox = store.outbox_entries()
        data = {
            "state_dir": str(config.state_dir),
            "state_exists": exists,
            "sources": sources,
            "pending_deliveries": [_delivery(e) for e in store.pending()],
            "held_alerts": held_alerts(store),
            "failed_deliveries": [_delivery(e) for e in outbox if e.get("permanent")],
            "pending_items": [{"url": i["url"], "attempts": i["attempts"], "last_error": i["last_error"]}
                              for i in store.pending_items()],
            "inspections": len(store.all_inspections()),
            "items_seen": store.seen_count(),
            "digests": _digests(config, store, now),
        }
        data.update(_schedule_info(store))
    finally:
        store.close()
    return data


def _delivery(entry: dict) -> dict:
    alert = entry.get("alert") or {}
    return {"channel": entry["channel"], "notifier": entry["notifier"], "unit": alert.get("name"),
            "status": entry["status"], "attempts": entry["attempts"], "last_error": entry["last_error"]}


def _digests(config, store, now) -> list[dict]:
    from bot.digest import digest_statuses

    return [{"name": d.name, "schedule": d.schedule, "timezone": d.timezone,
             "last_sent": d.last_sent.isoformat() if d.last_sent else None,
             "next_due": d.next_due.isoformat() if d.next_due else None,
             "waiting_events": d.pending} for d in digest_statuses(config, store, now=now)]


def _schedule_info(store) -> dict:
    """What `serve` wrote about its next poll, if it runs."""
    return {"next_poll": store.get_meta("next_poll")}


def status_text(data: dict) -> str:
    """`status` for people."""
    lines = []
    if not data.get("state_exists", True):
        lines.append(f"State: {data['state_dir']} does not exist yet (no run has used this config; "
                     f"the first `run` or `serve` creates it)")
    lines.append("Sources:")
    for s in data["sources"]:
        state = "never polled" if not s.get("last_poll") else (
            f"last poll {s['last_poll']}, last success {s.get('last_success') or 'never'}")
        lines.append(f"  {s['source']} ({s['type']}): {state}; {s.get('items_seen', 0)} items seen")
        if s.get("consecutive_failures"):
            n = s["consecutive_failures"]
            lines.append(f"    failing: {n} poll{'s' if n != 1 else ''} in a row; last error: {s.get('last_error')}")
    lines.append(f"History: {data['inspections']} inspections, {data['items_seen']} items seen")
    if data.get("next_poll"):
        lines.append(f"Next poll: {data['next_poll']}")
    lines.append(f"Pending deliveries: {len(data['pending_deliveries'])}")
    for d in data["pending_deliveries"]:
        lines.append(f"  {d['notifier']} {d['channel']}: {d['unit']} ({d['status']}, {d['attempts']} attempts"
                     + (f"; {d['last_error']}" if d["last_error"] else "") + ")")
    if data.get("held_alerts"):
        lines.append(f"Held for confirmation: {len(data['held_alerts'])}")
    for h in data.get("held_alerts") or []:
        lines.append(f"  {h['unit']}: {h['rating'] or 'rating not stated'} from {h['source']}; "
                     f"{h['reason']}; alerted unconfirmed at {h['until'][:16].replace('T', ' ')} UTC "
                     f"if nothing confirms it")
    for d in data["failed_deliveries"]:
        lines.append(f"  FAILED {d['notifier']} {d['channel']}: {d['unit']}: {d['last_error']}")
    if data["pending_items"]:
        lines.append(f"Items waiting to be read: {len(data['pending_items'])}")
        for i in data["pending_items"]:
            lines.append(f"  {i['url']} ({i['attempts']} attempts; {i['last_error'] or 'not tried yet'})")
    for d in data["digests"]:
        lines.append(f"Digest {d['name']} ({d['schedule']}, {d['timezone']}): next {d['next_due'] or 'when events arrive'},"
                     f" {d['waiting_events']} events waiting, last sent {d['last_sent'] or 'never'}")
    return "\n".join(lines)
