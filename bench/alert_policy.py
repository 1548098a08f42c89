"""What the alert policy (issue 10) does with a labelled corpus's readings: alert now, or hold.

Usage: python bench/alert_policy.py DIR... [--verbose]

Each rated unit `extract` reads from a text is one reading. A reading alerts at once when its
text is official (the label's URL is on HMI Probation's sites or GOV.UK; without a URL, a
`press_release`) and it shows a stated rating with its sentence; anything else is held. A
reading is *wrong* when its text reports no rated inspection or gives the unit another rating.
The figure that matters is wrong readings alerted at once: false alarms no hold can stop.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bot.identity import official_url
from bot.convert import read_source
from bot.extract import extract
from bot.policy import shows_rating


def official(label: dict) -> bool:
    url = label.get("url")
    return official_url(url) if url else label.get("kind") == "press_release"


def wanted_ratings(label: dict) -> set:
    units = [u for u in label.get("units") or () if isinstance(u, dict)]
    return {label.get("overall_rating")} | {u.get("overall_rating") for u in units}


def score(folder: Path, verbose: bool) -> dict:
    counts = {"readings": 0, "at_once": 0, "held": 0, "wrong_at_once": 0, "wrong_held": 0}
    for label in json.loads((folder / "labels.json").read_text(encoding="utf-8")):
        path = folder / label["file"]
        if not path.exists():
            continue
        for unit in extract(read_source(str(path)).text).units:
            if not unit.rating:
                continue
            wrong = not label.get("is_rated_inspection") or unit.rating not in wanted_ratings(label)
            now = official(label) and shows_rating(unit)
            counts["readings"] += 1
            counts["at_once" if now else "held"] += 1
            counts[("wrong_at_once" if now else "wrong_held")] += wrong
            if verbose and wrong:
                print(f"  {label['file']}: {unit.name} {unit.rating} ({unit.confidence}) "
                      f"{'ALERTED AT ONCE' if now else 'held'}")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    print("| texts | readings | alerted at once (wrong) | held (wrong) |")
    print("| --- | --- | --- | --- |")
    for folder in args.folders:
        c = score(folder, args.verbose)
        print(f"| `{folder}` | {c['readings']} | {c['at_once']} ({c['wrong_at_once']}) | "
              f"{c['held']} ({c['wrong_held']}) |")


if __name__ == "__main__":
    main()
