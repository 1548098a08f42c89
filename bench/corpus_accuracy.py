"""Score `extract` against a labelled corpus (../shared/corpus/labels.json) and print per-field accuracy.

Usage: python bench/corpus_accuracy.py [CORPUS_DIR] [--min 0.95] [--verbose]
Exits 1 if any field is below --min. The labels are outside truth, read by hand; nothing here is
derived from the extractor's own output.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from bot.convert import read_source
from bot.extract import extract
from bot.extract.units import canonical_from_label, norm

FIELDS = ("classification", "unit", "rating", "previous_rating", "direction",
          "recommendations", "score", "units", "published", "chief_inspector", "previous_inspection")
REPORTED_ONLY = ("published", "chief_inspector", "previous_inspection")  # not in the gate


def same_unit(label_name: str, label_type: str | None, ours: str | None) -> bool:
    """Labels spell names freely: compare canonical forms (gazetteer), else by containment."""
    if ours is None:
        return False
    kind = {"PDU": "PDU", "YJS": "YJS", "region": "region"}.get(label_type or "", "other")
    canon = canonical_from_label(label_name, kind)
    if canon and canon.name == ours:
        return True
    a, b = norm(label_name), norm(ours)
    return bool(a and b) and (a in b or b in a)


def score_one(label: dict, got: dict) -> dict[str, bool | None]:
    """Per-field right/wrong for one file (None: the field does not apply)."""
    res: dict[str, bool | None] = {f: None for f in FIELDS}
    res["classification"] = got["is_inspection"] == bool(label["is_rated_inspection"])
    res["published"] = got["published"] == label.get("publication_date")
    res["chief_inspector"] = got["chief_inspector"] == label.get("chief_inspector")
    if not label["is_rated_inspection"]:
        return res
    first = got["units"][0] if got["units"] else {}
    want_dir = "new" if label.get("first_inspection") and not label.get("previous_rating") else label.get("direction")
    res["unit"] = same_unit(label["unit_name"], label.get("unit_type"), first.get("name"))
    res["rating"] = first.get("rating") == label.get("overall_rating")
    res["previous_rating"] = first.get("previous_rating") == label.get("previous_rating")
    res["direction"] = first.get("direction") == want_dir
    res["recommendations"] = first.get("recommendations") == label.get("recommendations_count")
    res["score"] = first.get("score") == label.get("score")
    res["previous_inspection"] = first.get("previous_inspection") == label.get("previous_inspection_date")
    if label.get("units"):
        res["units"] = _units_match(label["units"], got["units"])
    return res


def _units_match(want: list[dict], got: list[dict]) -> bool:
    if len(want) != len(got):
        return False
    for w in want:
        match = [g for g in got if same_unit(w["unit_name"], None, g["name"])]
        if not match or match[0]["rating"] != w.get("overall_rating"):
            return False
        if "score" in w and match[0]["score"] != w["score"]:
            return False
    return True


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=str(Path(__file__).resolve().parents[2] / "shared" / "corpus"))
    ap.add_argument("--min", type=float, default=0.95)
    ap.add_argument("--verbose", "-v", action="store_true")
    args = ap.parse_args(argv)
    corpus = Path(args.corpus)
    labels = json.loads((corpus / "labels.json").read_text(encoding="utf-8"))
    totals = {f: [0, 0] for f in FIELDS}
    started = time.perf_counter()
    for label in labels:
        got = extract(read_source(str(corpus / label["file"])).text).to_json()
        for field, ok in score_one(label, got).items():
            if ok is None:
                continue
            totals[field][0] += ok
            totals[field][1] += 1
            if not ok and args.verbose:
                print(f"MISS {label['file']} {field}: got {_show(field, got)}", file=sys.stderr)
    elapsed = time.perf_counter() - started
    failed = False
    for field, (right, n) in totals.items():
        acc = right / n if n else 1.0
        gate = field not in REPORTED_ONLY
        failed |= gate and acc < args.min
        print(f"{field:16} {right:3}/{n:<3} {acc:7.1%}{'' if gate else '  (reported, not gated)'}")
    print(f"extracted {len(labels)} texts in {elapsed:.2f} s")
    return 1 if failed else 0


def _show(field: str, got: dict) -> str:
    first = got["units"][0] if got["units"] else {}
    key = {"classification": "is_inspection", "published": "published", "chief_inspector": "chief_inspector"}
    if field in key:
        return repr(got[key[field]])
    if field == "units":
        return repr([(u["name"], u["rating"], u["score"]) for u in got["units"]])
    name = {"unit": "name", "previous_rating": "previous_rating", "recommendations": "recommendations"}.get(field, field)
    return repr(first.get(name))


if __name__ == "__main__":
    sys.exit(main())
