"""Time the state store at two sizes, so lookups can be seen not to grow with history.

Usage: python bench/bench_history.py [SEEN INSPECTIONS]   (default 50000 5000; also runs 1/100)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.history import Store  # noqa: E402

PER_UNIT = 10  # inspections per unit at every size, so inspections_for compares like with like


def build(state_dir: Path, seen: int, inspections: int) -> float:
    """Fill a state with `seen` items and `inspections` records; returns seconds taken."""
    started, units = time.perf_counter(), max(1, inspections // PER_UNIT)
    with Store(state_dir) as store, store.batch():
        for i in range(seen):
            store.mark_seen(f"https://example.org/item/{i}", source="feed",
                            url=f"https://example.org/item/{i}", published="2024-01-01")
        for i in range(inspections):
            store.add_inspection({
                "event_id": f"e{i}", "unit_key": f"unit {i % units}", "name": f"Unit {i % units}",
                "type": "PDU", "rating": "Good", "published": f"{2000 + i // units}-01-01",
                "links": [f"https://example.org/news/{i}"], "findings": ["A finding sentence."] * 3})
    return time.perf_counter() - started


def per_call(fn, calls: int) -> float:
    """Microseconds per call of fn(i)."""
    started = time.perf_counter()
    for i in range(calls):
        fn(i)
    return (time.perf_counter() - started) / calls * 1e6


def measure(seen: int, inspections: int) -> dict[str, float]:
    """Build a state of this size and time the operations a run uses."""
    with tempfile.TemporaryDirectory() as tmp:
        state_dir = Path(tmp)
        figures = {"build (one batch), s": build(state_dir, seen, inspections)}
        units = max(1, inspections // PER_UNIT)
        started = time.perf_counter()
        store = Store(state_dir).open()
        figures["open, ms"] = (time.perf_counter() - started) * 1e3
        try:
            # Files are read on first use: these two pay for reading one seen shard, and history.json.
            figures["first is_seen, ms"] = per_call(lambda i: store.is_seen("https://example.org/item/0"), 1) / 1e3
            figures["first inspections_for, ms"] = per_call(lambda i: store.inspections_for("unit 0"), 1) / 1e3
            figures["is_seen, us"] = per_call(
                lambda i: store.is_seen(f"https://example.org/item/{i}"), 10_000)
            figures["inspections_for, us"] = per_call(
                lambda i: store.inspections_for(f"unit {i % units}"), 1_000)
            figures["get_inspection, us"] = per_call(
                lambda i: store.get_inspection(f"e{i % inspections}"), 10_000)
            # A durable write rewrites its own file once (tmp, fsync, replace): it grows with that file,
            # for seen items one shard of 64.
            figures["mark_seen (durable), ms"] = per_call(lambda i: store.mark_seen(
                f"new-{i}", source="feed", url="https://example.org/new", published=None), 20) / 1e3
            figures["enqueue (durable), ms"] = per_call(
                lambda i: store.enqueue(f"e{i}", "#c", {"n": i}), 20) / 1e3
        finally:
            store.close()
        figures["history.json, MB"] = (state_dir / "history.json").stat().st_size / 1e6
        figures["largest seen shard, MB"] = max(p.stat().st_size for p in (state_dir / "seen").glob("*.json")) / 1e6
    return figures


def main() -> None:
    seen, inspections = (int(a) for a in sys.argv[1:3]) if len(sys.argv) > 2 else (50_000, 5_000)
    sizes = [(seen // 100, inspections // 100), (seen, inspections)]
    results = {size: measure(*size) for size in sizes}
    names = list(results[sizes[0]])
    print(f"{'':28}" + "".join(f"{f'{s} seen/{i} insp':>22}" for s, i in sizes))
    for name in names:
        print(f"{name:28}" + "".join(f"{results[size][name]:>22.2f}" for size in sizes))


if __name__ == "__main__":
    main()
