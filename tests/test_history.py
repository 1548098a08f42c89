"""The state store: atomic files, the lock, schema versions and every table's round trip."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from bot import history
from bot.errors import StateError, StateLocked
from bot.history import Store

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}

# Holds the state lock from another process until its stdin closes.
HOLDER = """
import sys
from bot.history import Store
with Store(sys.argv[1]) as store:
    store.mark_seen("held", source="s", url="https://example.org/held", published=None)
    print("locked", flush=True)
    sys.stdin.readline()
"""

# Writes items forever, one durable step at a time, until killed.
WRITER = """
import sys
from bot.history import Store
with Store(sys.argv[1]) as store:
    for i in range(10**6):
        store.mark_seen(f"item-{i}", source="feed", url=f"https://example.org/{i}", published=None)
        store.add_inspection({"event_id": f"e{i}", "unit_key": f"unit {i % 40}", "name": f"Unit {i % 40}",
                              "rating": "Good", "published": f"2024-01-{i % 28 + 1:02d}",
                              "links": [f"https://example.org/{i}"], "findings": ["x" * 200]})
        store.enqueue(f"e{i}", "#alerts", {"event_id": f"e{i}", "n": i})
        print(i, flush=True)
"""


def inspection(event_id: str, unit: str = "Kirklees PDU", **fields) -> dict:
    """A minimal inspection record."""
    record = {"event_id": event_id, "unit_key": unit.casefold(), "name": unit, "type": "PDU",
              "region": None, "rating": "Good", "published": "2024-03-01", "links": []}
    return {**record, **fields}


def hold_lock(state_dir: Path) -> subprocess.Popen:
    """Start a process that holds the state lock; returns once it does."""
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(state_dir)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, env=ENV)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def release(proc: subprocess.Popen) -> None:
    """Let a lock holder finish."""
    proc.stdin.close()
    assert proc.wait(timeout=20) == 0


def test_writes_replace_files_atomically_and_keep_a_backup(tmp_path):
    with Store(tmp_path) as store:
        store.add_inspection(inspection("e1"))
        store.add_inspection(inspection("e2"))
    assert not list(tmp_path.rglob("*.tmp"))
    current = json.loads((tmp_path / "history.json").read_text())
    backup = json.loads((tmp_path / "history.json.bak").read_text())
    assert len(current["inspections"]) == 2 and len(backup["inspections"]) == 1


def test_seen_items_are_spread_over_shards(tmp_path):
    with Store(tmp_path) as store, store.batch():
        for i in range(2000):
            store.mark_seen(f"item-{i}", source="s", url=f"https://example.org/{i}", published=None)
    shards = sorted((tmp_path / "seen").glob("*.json"))
    assert len(shards) == history.SEEN_SHARDS
    counts = [len(json.loads(p.read_text())["seen"]) for p in shards]
    assert sum(counts) == 2000 and max(counts) < 70  # so marking one item rewrites a small file
    assert not (tmp_path / "seen.json").exists()


def test_a_corrupt_file_is_refused_naming_it_and_its_backup(tmp_path):
    with Store(tmp_path) as store:
        store.add_inspection(inspection("e1"))
        store.add_inspection(inspection("e2"))
    assert (tmp_path / "history.json.bak").exists()
    (tmp_path / "history.json").write_text('{"inspections": {"1": ')
    with Store(tmp_path) as store, pytest.raises(StateError) as err:
        store.inspections_for("kirklees pdu")  # read on first use, not on open
    assert "history.json is corrupt" in str(err.value)
    assert str(tmp_path / "history.json.bak") in str(err.value)
    # Never overwritten, never silently emptied.
    assert (tmp_path / "history.json").read_text() == '{"inspections": {"1": '


def test_a_file_of_the_wrong_shape_is_corrupt_too(tmp_path):
    (tmp_path / "status.json").write_text("[1, 2, 3]")
    with Store(tmp_path) as store, pytest.raises(StateError, match=r"status\.json is corrupt .*no backup"):
        store.source_statuses()


def test_a_second_process_gets_state_locked(tmp_path):
    holder = hold_lock(tmp_path)
    try:
        with pytest.raises(StateLocked, match=r"another run holds the state lock \(.*\.lock\)"):
            Store(tmp_path).open()
        started = time.monotonic()
        with pytest.raises(StateLocked):
            Store(tmp_path, wait=0.3).open()
        assert time.monotonic() - started >= 0.3
    finally:
        release(holder)
    with Store(tmp_path) as store:
        assert store.is_seen("held")


def test_waiting_takes_the_lock_once_it_is_released(tmp_path):
    holder = hold_lock(tmp_path)
    threading.Timer(0.3, holder.stdin.close).start()  # released while the next Store waits
    started = time.monotonic()
    with Store(tmp_path, wait=15) as store:
        assert store.is_seen("held")
    assert 0.3 <= time.monotonic() - started < 15
    assert holder.wait(timeout=20) == 0


def test_readers_without_the_lock_work_during_a_run_and_write_nothing(tmp_path):
    holder = hold_lock(tmp_path)
    try:
        before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
        with Store(tmp_path, lock=False) as reader:
            assert reader.is_seen("held") and reader.seen_count() == 1
            reader.mark_seen("dry", source="s", url="https://example.org/dry", published=None)
            reader.record_poll("feed", ok=True)
            assert reader.is_seen("dry")  # visible in memory, for dry runs
        assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before
    finally:
        release(holder)


def test_a_reader_of_a_missing_state_creates_nothing(tmp_path):
    with Store(tmp_path / "nothing", lock=False) as reader:
        assert reader.seen_count() == 0 and reader.all_inspections() == []
    assert not (tmp_path / "nothing").exists()


def test_the_schema_version_is_written_and_a_newer_one_refused(tmp_path):
    with Store(tmp_path / "state"):
        pass
    meta = json.loads((tmp_path / "state" / "meta.json").read_text())
    assert meta == {"meta": {"1": {"schema_version": len(history.MIGRATIONS)}}}
    (tmp_path / "state" / "meta.json").write_text('{"meta": {"1": {"schema_version": 99}}}')
    with pytest.raises(StateError, match=r"newer hmip-bot \(schema 99\); upgrade"):
        Store(tmp_path / "state").open()


def test_migrations_run_once_in_order(tmp_path, monkeypatch):
    with Store(tmp_path) as store:
        store.add_inspection(inspection("e1"))
    calls = []

    def add_score_field(store: Store) -> None:
        calls.append(1)
        for record in store.all_inspections():
            store.update_inspection(record["event_id"], score=record.get("score") or "n/a")

    monkeypatch.setattr(history, "MIGRATIONS", [*history.MIGRATIONS, add_score_field])
    with Store(tmp_path) as store:
        assert store.get_inspection("e1")["score"] == "n/a"
    with Store(tmp_path):
        pass
    assert calls == [1]
    assert json.loads((tmp_path / "meta.json").read_text())["meta"]["1"]["schema_version"] == len(history.MIGRATIONS)


def test_a_stale_tmp_file_is_cleared_on_open(tmp_path):
    with Store(tmp_path) as store:
        store.mark_seen("a", source="s", url="https://example.org/a", published=None)
    (tmp_path / "history.json.tmp").write_text('{"inspections": {"1": {"half')
    (tmp_path / "seen" / "07.json.tmp").write_text('{"seen": {"1": {"half')
    with Store(tmp_path) as store:
        assert store.is_seen("a")
    assert not list(tmp_path.rglob("*.tmp"))


def test_seen_and_validators_survive_reopen(tmp_path):
    with Store(tmp_path) as store:
        store.mark_seen("k1", source="feed", url="https://example.org/1", published="2024-01-01")
        store.set_validators("https://example.org/feed", '"abc"', "Mon, 01 Jan 2024 00:00:00 GMT")
    with Store(tmp_path) as store:
        assert store.is_seen("k1") and not store.is_seen("k2") and store.seen_count() == 1
        assert store.get_validators("https://example.org/feed") == {
            "etag": '"abc"', "last_modified": "Mon, 01 Jan 2024 00:00:00 GMT"}
        assert store.get_validators("https://example.org/other") is None


def test_source_status_counts_failures_and_survives_reopen(tmp_path):
    t0 = datetime(2024, 5, 1, 8, 0, tzinfo=timezone.utc)
    with Store(tmp_path) as store:
        store.record_poll("govuk", ok=True, items=5, when=t0)
        store.record_poll("govuk", ok=False, error="timed out", when=t0.replace(hour=9))
        status = store.record_poll("govuk", ok=False, error="HTTP 500", when=t0.replace(hour=10))
        assert status["consecutive_failures"] == 2 and status["last_error"] == "HTTP 500"
        store.set_reported_down("govuk", True)
    with Store(tmp_path) as store:
        [status] = store.source_statuses()
    assert status == {"source": "govuk", "last_poll": "2024-05-01T10:00:00+00:00",
                      "last_success": "2024-05-01T08:00:00+00:00", "last_error": "HTTP 500",
                      "last_error_at": "2024-05-01T10:00:00+00:00", "consecutive_failures": 2,
                      "items_seen": 5, "reported_down": True}
    with Store(tmp_path) as store:
        status = store.record_poll("govuk", ok=True, items=2, when=t0.replace(hour=11))
    assert status["consecutive_failures"] == 0 and status["items_seen"] == 7


def test_inspections_round_trip_sorted(tmp_path):
    with Store(tmp_path) as store:
        store.add_inspection(inspection("late", rating="Inadequate", published="2024-06-01"))
        store.add_inspection(inspection("early", published="2022-02-01"))
        store.add_inspection(inspection("undated", published=None, first_seen="2023-01-05T10:00:00+00:00"))
        store.add_inspection(inspection("other", unit="Leeds YJS", type="YJS"))
        store.update_inspection("late", links=["https://example.org/a", "https://example.org/b"])
    with Store(tmp_path) as store:
        timeline = store.inspections_for("kirklees pdu")
        assert [r["event_id"] for r in timeline] == ["early", "undated", "late"]
        assert timeline[2]["links"] == ["https://example.org/a", "https://example.org/b"]
        assert store.get_inspection("nope") is None
        assert len(store.all_inspections()) == 4
        assert store.inspections_for("unknown") == []


def test_returned_records_are_copies(tmp_path):
    with Store(tmp_path) as store:
        store.add_inspection(inspection("e1", links=["https://example.org/a"]))
        store.get_inspection("e1")["links"].append("https://example.org/sneaky")
        assert store.get_inspection("e1")["links"] == ["https://example.org/a"]


def test_outbox_is_idempotent_and_flags_updates_of_sent_alerts(tmp_path):
    alert = {"event_id": "e1", "links": ["https://example.org/a"]}
    with Store(tmp_path) as store:
        first = store.enqueue("e1", "#alerts", alert)
        assert store.enqueue("e1", "#alerts", dict(alert)) == first
        assert [e["id"] for e in store.pending()] == ["slack:#alerts:e1"]
        store.mark_sending(first["id"])
    with Store(tmp_path) as store:
        # Interrupted mid-send: still due.
        assert [e["status"] for e in store.pending()] == ["sending"]
        store.mark_sent(first["id"], ts="1700000000.0001")
        assert store.pending() == []
        assert store.enqueue("e1", "#alerts", alert)["needs_update"] is False
        more = {**alert, "links": [*alert["links"], "https://example.org/b"]}
        updated = store.enqueue("e1", "#alerts", more)
        assert updated["needs_update"] is True and updated["status"] == "sent"
    with Store(tmp_path) as store:
        [due] = store.pending("slack")
        assert due["ts"] == "1700000000.0001" and due["attempts"] == 1
        assert store.pending("email") == []
        store.mark_sent(due["id"])
        [entry] = store.outbox_entries()
    assert entry["needs_update"] is False and entry["ts"] == "1700000000.0001"


def test_failed_deliveries_are_retried_unless_permanent(tmp_path):
    with Store(tmp_path) as store:
        a = store.enqueue("e1", "#a", {"n": 1})
        b = store.enqueue("e1", "#b", {"n": 1})
        store.mark_sending(a["id"])
        store.mark_failed(a["id"], "rate limited")
        store.mark_sending(b["id"])
        store.mark_failed(b["id"], "channel_not_found", permanent=True)
    with Store(tmp_path) as store:
        assert [(e["id"], e["status"], e["last_error"]) for e in store.pending()] == [
            ("slack:#a:e1", "pending", "rate limited")]
        statuses = {e["id"]: (e["status"], e["permanent"]) for e in store.outbox_entries()}
        assert statuses["slack:#b:e1"] == ("failed", True)


def test_a_failed_update_stays_an_update(tmp_path):
    with Store(tmp_path) as store:
        entry = store.enqueue("e1", "#a", {"n": 1})
        store.mark_sent(entry["id"], ts="1.1")
        store.enqueue("e1", "#a", {"n": 2})
        store.mark_sending(entry["id"])
        store.mark_failed(entry["id"], "timed out")
        [due] = store.pending()
    assert (due["status"], due["needs_update"], due["ts"]) == ("sent", True, "1.1")


def test_digests_queue_once_and_remember_what_was_sent(tmp_path):
    when = datetime(2024, 5, 6, 8, 0, tzinfo=timezone.utc)
    with Store(tmp_path) as store:
        store.queue_digest("weekly", "e1", {"n": 1})
        store.queue_digest("weekly", "e1", {"n": 1, "links": ["https://example.org/b"]})
        store.queue_digest("weekly", "e2", {"n": 2})
        store.queue_digest("daily", "e1", {"n": 1})
        assert store.digest_last_sent("weekly") is None
    with Store(tmp_path) as store:
        entries = store.digest_entries("weekly")
        assert [e["event_id"] for e in entries] == ["e1", "e2"]
        assert entries[0]["alert"]["links"] == ["https://example.org/b"]
        assert set(entries[0]) == {"digest", "event_id", "alert", "queued_at"}
        store.mark_digest_sent("weekly", ["e1", "e2"], when)
    with Store(tmp_path) as store:
        assert store.digest_entries("weekly") == []
        assert [e["event_id"] for e in store.digest_entries("daily")] == ["e1"]
        assert store.digest_last_sent("weekly") == when
        store.queue_digest("weekly", "e1", {"n": 1, "links": ["https://example.org/c"]})
        assert store.digest_entries("weekly") == []  # already mailed: never twice
        store.set_digest_last_sent("daily", when)
        assert store.digest_last_sent("daily") == when


@pytest.mark.parametrize("items_before_kill", [5, 60, 200])
def test_sigkill_mid_run_leaves_a_clean_state(tmp_path, items_before_kill):
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path)], stdout=subprocess.PIPE,
                              text=True, env=ENV)
    done = -1
    while done < items_before_kill:
        done = int(writer.stdout.readline())
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=20)
    for path in tmp_path.rglob("*.json"):
        json.loads(path.read_text())  # every file is whole
    with Store(tmp_path) as store:
        seen, inspections = store.seen_count(), len(store.all_inspections())
        entries = store.outbox_entries()
        # Everything reported done is there, and the three steps of an item are in order.
        assert all(store.is_seen(f"item-{i}") and store.get_inspection(f"e{i}") for i in range(done + 1))
        assert seen - 1 <= inspections <= seen and inspections - 1 <= len(entries) <= inspections
        assert {e["event_id"] for e in entries} == {f"e{i}" for i in range(len(entries))}
    assert not list(tmp_path.rglob("*.tmp"))


def test_a_large_state_opens_and_answers_lookups(tmp_path):
    # Written as files (as an older hmip-bot left them: one seen.json), so the first open also
    # converts 50,000 seen items to the sharded layout.
    old_layout(tmp_path, 50_000)
    records = {str(history.doc_id_for(f"e{i}")): {
        **inspection(f"e{i}", unit=f"Unit {i % 500}", published=f"{2000 + i // 500}-01-01"),
        "first_seen": "2024-01-01T00:00:00+00:00"} for i in range(5_000)}
    (tmp_path / "history.json").write_text(json.dumps({"inspections": records}))
    with Store(tmp_path) as store:
        assert store.seen_count() == 50_000
        assert store.is_seen("item-49999")
        assert not store.is_seen("item-50000")
        timeline = store.inspections_for("unit 123")
        assert [r["event_id"] for r in timeline] == [f"e{123 + 500 * k}" for k in range(10)]
        store.mark_seen("one more", source="feed", url="https://example.org/more", published=None)
    with Store(tmp_path) as store:
        assert store.seen_count() == 50_001


def old_layout(state_dir: Path, seen: int) -> None:
    """A schema-1 state folder as hmip-bot wrote it before seen items were sharded."""
    state_dir.mkdir(parents=True, exist_ok=True)
    docs = {str(history.doc_id_for(f"item-{i}")): {
        "key": f"item-{i}", "source": "feed", "url": f"https://example.org/{i}",
        "published": None, "seen_at": "2024-01-01T00:00:00+00:00"} for i in range(seen)}
    (state_dir / "seen.json").write_text(json.dumps({"seen": docs}))
    (state_dir / "seen.json.bak").write_text(json.dumps({"seen": {}}))
    (state_dir / "meta.json").write_text('{"meta": {"1": {"schema_version": 1}}}')


def test_a_state_of_the_old_layout_opens_and_keeps_every_seen_item(tmp_path):
    old_layout(tmp_path, 300)
    with Store(tmp_path, lock=False) as reader:  # a dry run or `status`: converts in memory only
        assert reader.seen_count() == 300 and reader.is_seen("item-299")
    assert (tmp_path / "seen.json").exists() and not (tmp_path / "seen").exists()
    with Store(tmp_path) as store:
        assert store.seen_count() == 300 and store.is_seen("item-0") and not store.is_seen("item-300")
    assert not (tmp_path / "seen.json").exists() and not (tmp_path / "seen.json.bak").exists()
    assert json.loads((tmp_path / "meta.json").read_text())["meta"]["1"]["schema_version"] == 2
    with Store(tmp_path) as store:
        assert store.seen_count() == 300


def test_a_migration_killed_halfway_completes_on_the_next_open(tmp_path):
    old_layout(tmp_path, 300)
    # As if killed after writing some shards, before seen.json was removed and the version stamped.
    with Store(tmp_path / "partial") as partial, partial.batch():
        for i in range(0, 300, 3):
            partial.mark_seen(f"item-{i}", source="feed", url=f"https://example.org/{i}", published=None)
    (tmp_path / "partial" / "seen").rename(tmp_path / "seen")
    with Store(tmp_path) as store:
        assert store.seen_count() == 300
        assert all(store.is_seen(f"item-{i}") for i in range(300))


def test_a_quiet_store_reads_neither_history_nor_seen_items(tmp_path):
    with Store(tmp_path) as store:
        store.mark_seen("a", source="s", url="https://example.org/a", published=None)
        store.add_inspection(inspection("e1"))
    garbage = b'{"half'
    for path in [tmp_path / "history.json", *(tmp_path / "seen").glob("*.json")]:
        path.write_bytes(garbage)
    # What a quiet poll does: validators, poll status, outbox; none of it needs those files.
    with Store(tmp_path) as store:
        assert store.get_validators("https://example.org/feed") is None
        store.record_poll("feed", ok=True)
        assert store.pending() == [] and store.pending_items() == []
    with Store(tmp_path) as store, pytest.raises(StateError, match=r"seen/\d\d\.json is corrupt"):
        store.is_seen("a")
    assert (tmp_path / "history.json").read_bytes() == garbage


# Lists an item, then saves the validator of the page that listed it, then is killed before close.
LISTER = """
import os, signal, sys
from bot.history import Store
store = Store(sys.argv[1]).open()
store.record_poll("feed", ok=True, items=1)
store.add_pending_item({"key": "item-1", "source": "feed", "url": "https://example.org/1",
                        "title": "t", "summary": "", "published": None})
store.set_validators("https://example.org/feed", '"v1"', None)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_run_killed_after_listing_keeps_the_item_for_the_next_run(tmp_path):
    done = subprocess.run([sys.executable, "-c", LISTER, str(tmp_path)], env=ENV)
    assert done.returncode == -signal.SIGKILL
    with Store(tmp_path) as store:
        # The listed item is waiting; the validator (which would make the feed answer 304 and
        # never list the item again) is only ever on disk after it.
        assert [i["key"] for i in store.pending_items()] == ["item-1"]
        assert store.get_validators("https://example.org/feed") is None
