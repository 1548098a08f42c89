"""False alarms through the whole pipeline: labelled texts published on loopback feeds, read by `run_cycle`.

Usage: python bench/false_alarms.py [FOLDER ...] [--each] [--no-baseline] [--json]

Each FOLDER holds texts and a labels.json in the format of ../shared/corpus-2/labels.json
(default: ../shared/corpus, ../shared/corpus-2, bench/blind/batch-a, batch-b and batch-c). Every text is served
over a loopback HTTP server as a page listed in one of two RSS feeds: an inspectorate-like
"official" feed (press releases and report pages) and a "regional news" feed (the rest), dated
in the last hours so that every item is alertable. The real pipeline polls them into a fresh
temporary state, then polls again once any hold on unconfirmed alerts has run out, and every
alert raised is judged against the labels. Texts are read where they lie and never copied.
The world itself (texts, feeds, server, config, polls) is in bench/loopback_world.py.

Exits 1 if any text labelled as reporting no rated inspection raised an alert.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from dataclasses import dataclass, field, fields
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# bench/ is not a package: its modules import each other from this folder.
from corpus_accuracy import same_unit  # noqa: E402
from bot.diff import unit_key  # noqa: E402
from loopback_world import DEFAULT_FOLDERS, LoopbackWorld, Run, Text, load_texts, run_world  # noqa: E402, F401

# --- judging the alerts against the labels ---------------------------------------------------


@dataclass
class Findings:
    """What the alerts of one run were, judged against the labels; each entry a printable dict."""

    texts: list[Text]
    alerts: list
    false_alarms: list[dict] = field(default_factory=list)  # alerted from a text that rates nothing
    wrong_unit: list[dict] = field(default_factory=list)  # from a rated text, a unit it does not rate
    wrong_rating: list[dict] = field(default_factory=list)
    unsupported_direction: list[dict] = field(default_factory=list)  # read from the text, not in the labels
    history_direction: list[dict] = field(default_factory=list)  # against a past rating in the state
    missed: list[dict] = field(default_factory=list)  # rated texts that neither raised nor joined an alert
    unstated: list[dict] = field(default_factory=list)  # rated texts that do not state the rating: no alert due
    negative_links: list[dict] = field(default_factory=list)  # not-rated texts added as a link to an alert
    failures: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        rated = sum(t.rated for t in self.texts)
        return {"texts": len(self.texts), "rated": rated, "not_rated": len(self.texts) - rated,
                "official": sum(t.official for t in self.texts), "alerts": len(self.alerts),
                "false_alarms": len(self.false_alarms), "wrong_unit": len(self.wrong_unit),
                "wrong_rating": len(self.wrong_rating),
                "unsupported_direction": len(self.unsupported_direction),
                "history_direction": len(self.history_direction), "missed": len(self.missed),
                "negative_links": len(self.negative_links), "failures": len(self.failures)}


def _describe(text: Text, alert) -> dict:
    unit = alert.unit
    return {"file": text.name, "feed": "official" if text.official else "news", "unit": unit.name,
            "rating": unit.rating, "direction": alert.direction, "previous_rating": alert.previous_rating,
            "confidence": unit.confidence, "evidence": (unit.evidence or {}).get("rating"),
            "previous_evidence": (unit.evidence or {}).get("previous_rating"),
            "title": alert.title}


def _label_units(label: dict) -> list[dict]:
    """(name, type, rating, direction) the labels give for each unit the text rates."""
    main_dir = "new" if label.get("first_inspection") and not label.get("previous_rating") else label.get("direction")
    units = [{"name": label["unit_name"], "type": label.get("unit_type"),
              "rating": label.get("overall_rating"), "direction": main_dir}]
    for other in label.get("units") or []:
        if not same_unit(other["unit_name"], None, label["unit_name"]):
            units.append({"name": other["unit_name"], "type": _type_of(other["unit_name"]),
                          "rating": other.get("overall_rating"),
                          "direction": _direction(other.get("previous_rating"), other.get("overall_rating"))})
    return [u for u in units if u["name"]]


# Youth justice services' type words, folded so that "Pembrokeshire YJT" is "Pembrokeshire YJS".
_YOUTH_WORDS = re.compile(r"\b(?:YJS|YJT|YOS|YOT|youth (?:justice|offending) (?:service|team)s?)\b", re.I)


def _same_unit(name: str, kind: str | None, ours: str) -> bool:
    if same_unit(name, kind, ours):
        return True
    fold = lambda s: _YOUTH_WORDS.sub("YJS", s).casefold()  # noqa: E731
    return _YOUTH_WORDS.search(name) is not None and fold(name) == fold(ours)


def _type_of(name: str) -> str | None:
    if re.search(r"\bPDU\b|probation delivery unit", name, re.I):
        return "PDU"
    return "YJS" if re.search(r"\b(?:YJS|YOS|YOT)\b|youth", name, re.I) else None


def _direction(previous, current) -> str | None:
    from bot.models import direction_between

    return direction_between(previous, current) if previous and current else None


def _from_history(world: LoopbackWorld, run: Run, alert) -> str | None:
    """Where the alert's previous rating came from when not from its text: the baseline, or a text read before."""
    if alert.previous_rating is None:
        return None
    key = unit_key(alert.unit.name)
    read = [r for r in run.records if r.get("unit_key") == key and r.get("event_id") != alert.event_id]
    for record in [*run.past.get(key, []), *read]:
        when = record.get("published") or (record.get("first_seen") or "")[:10] or None
        if record.get("rating") == alert.previous_rating and when == alert.previous_published:
            if record.get("source") == "baseline":
                return "the baseline"
            first = world.text_at((record.get("links") or [""])[0])
            return f"a text read before ({first.name if first else '?'})"
    return None


def judge(world: LoopbackWorld, run: Run) -> Findings:
    """Sort each alert by what the labels of the text that raised it say."""
    texts = world.texts
    found = Findings(texts=texts, alerts=run.alerts, failures=list(run.failures))
    linked: set[str] = set()
    for alert in run.alerts:
        origin, *retold = [world.text_at(link) for link in alert.links]
        for text in retold:
            if text is not None:
                linked.add(text.name)
                if not text.rated:
                    found.negative_links.append({**_describe(text, alert), "origin": origin and origin.name})
        if origin is None:
            continue
        linked.add(origin.name)
        alert_history = _from_history(world, run, alert)
        _judge_one(found, origin, alert, [t for t in retold if t is not None and t.rated], alert_history)
    for text in texts:
        if text.rated and text.name not in linked:
            row = {"file": text.name, "feed": "official" if text.official else "news",
                   "unit": text.label.get("unit_name"), "rating": text.label.get("overall_rating")}
            row["silent_record"] = _silent_record(world, run.records, text)
            # An excerpt cut off before its rating: the pipeline rightly waits for a source that states it.
            (found.missed if row["rating"] else found.unstated).append(row)
    return found


def _silent_record(world: LoopbackWorld, records: list[dict], text: Text) -> str | None:
    """Where a text that raised no alert went: the unit and first text of a record kept without alert."""
    want = text.label.get("unit_name") or ""
    for record in records:
        links = [world.text_at(link) for link in record.get("links") or []]
        if not record.get("alerted") and text in links and _same_unit(want, text.label.get("unit_type"),
                                                                      record.get("name") or ""):
            first = links[0].name if links[0] else "?"
            return f"{record.get('name')} {record.get('rating')!r}, recorded without alert from {first}"
    return None


def _judge_one(found: Findings, text: Text, alert, retold: list[Text], history: str | None) -> None:
    """File one alert; its direction may be supported by the labels of any text that told the event."""
    row = _describe(text, alert)
    if not text.rated:
        found.false_alarms.append(row)
        return
    want = next((u for u in _label_units(text.label) if _same_unit(u["name"], u["type"], alert.unit.name)), None)
    if want is None:
        found.wrong_unit.append({**row, "labelled_unit": text.label.get("unit_name")})
        return
    if want["rating"] and alert.unit.rating != want["rating"]:
        found.wrong_rating.append({**row, "labelled_rating": want["rating"]})
    directions = {u["direction"] for t in (text, *retold) for u in _label_units(t.label)
                  if _same_unit(u["name"], u["type"], alert.unit.name)}
    if alert.direction is not None and alert.direction not in directions:
        if history:
            found.history_direction.append({**row, "labelled_direction": want["direction"], "against": history})
        else:
            found.unsupported_direction.append({**row, "labelled_direction": want["direction"]})


# --- output ------------------------------------------------------------------------------------


def _line(row: dict, *extra: str) -> str:
    head = f"  {row['file']} [{row['feed']}]: {row['unit']} {row['rating']!r}"
    if row.get("direction"):
        head += f" ({row['direction']} from {row['previous_rating']!r})"
    head += "".join(f", {key} {row[key]!r}" for key in extra if key in row)
    lines = [head, f"      title: {row.get('title')!r}"]
    for key in ("evidence", "previous_evidence"):
        if row.get(key):
            lines.append(f"      {key.replace('_', ' ')} ({row.get('confidence')}): {row[key]!r}")
    return "\n".join(lines)


def format_report(found: Findings) -> str:
    """The findings for people: one section per kind of wrong alert, then the summary."""
    out = []
    sections = (("FALSE ALARMS (alerts from texts labelled as reporting no rated inspection)", found.false_alarms, ()),
                ("alerts for a unit the text does not rate", found.wrong_unit, ("labelled_unit",)),
                ("alerts with a rating other than the labelled one", found.wrong_rating, ("labelled_rating",)),
                ("directions read from the text that the labels do not support", found.unsupported_direction,
                 ("labelled_direction",)),
                ("directions against a past rating in the baseline or a text read before (legitimate: "
                 "the text need not say it)", found.history_direction, ("labelled_direction", "against")),
                ("not-rated texts added as a link to another text's alert", found.negative_links, ("origin",)))
    for title, rows, extra in sections:
        out.append(f"{title}: {len(rows)}")
        out += [_line(row, *extra) for row in rows]
    out.append(f"rated texts that raised or joined no alert: {len(found.missed)}")
    out += [f"  {r['file']} [{r['feed']}]: {r['unit']} {r['rating']!r}"
            + (f" (joined a silent record: {r['silent_record']})" if r.get("silent_record") else "")
            for r in found.missed]
    out.append(f"rated texts whose excerpt does not state the rating (no alert due): {len(found.unstated)}")
    out += [f"  {r['file']} [{r['feed']}]: {r['unit']}" for r in found.unstated]
    if found.failures:
        out.append(f"pipeline failures: {len(found.failures)}")
        out += [f"  {f}" for f in found.failures]
    s = found.summary()
    out.append(f"summary: {s['texts']} texts ({s['rated']} rated, {s['not_rated']} not; {s['official']} on the "
               f"official feed), {s['alerts']} alerts; {s['false_alarms']} false alarms, {s['wrong_unit']} wrong "
               f"unit, {s['wrong_rating']} wrong rating, {s['unsupported_direction']} unsupported direction, "
               f"{s['history_direction']} direction from history; {s['missed']} rated texts without an alert")
    return "\n".join(out)


def measure(folders, *, each: bool = False, baseline: bool = True) -> Findings:
    """Load the labelled texts of `folders`, run the pipeline over them and judge its alerts.

    `each`: every text in a world and a state of its own, so that no text's reading is merged
    into, or judged against, another's. `baseline`: history starts from the packaged record of
    past ratings, as a user's does by default.
    """
    texts = load_texts(folders)
    groups = [[t] for t in texts] if each else [texts]
    found = Findings(texts=texts, alerts=[])
    now = datetime.now(timezone.utc)
    for group in groups:
        with tempfile.TemporaryDirectory(prefix="hmip-false-alarms-") as tmp, LoopbackWorld(group, now) as world:
            part = judge(world, run_world(world, Path(tmp) / "state", baseline=baseline))
        for f in fields(Findings):
            if f.name != "texts":
                getattr(found, f.name).extend(getattr(part, f.name))
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", help="labelled corpus folders (default: ../shared/corpus, "
                        "../shared/corpus-2, bench/blind/batch-a, batch-b, batch-c)")
    parser.add_argument("--each", action="store_true",
                        help="run every text on its own (a fresh state each), not all in one state")
    parser.add_argument("--no-baseline", action="store_true",
                        help="history starts empty, not from the packaged record of past ratings")
    parser.add_argument("--json", action="store_true", help="print the findings as one JSON object")
    args = parser.parse_args(argv)
    folders = args.folders or [str(f) for f in DEFAULT_FOLDERS if (f / "labels.json").is_file()]
    found = measure(folders, each=args.each, baseline=not args.no_baseline)
    if not found.texts:
        print(f"false_alarms: no labelled texts in {', '.join(folders)}", file=sys.stderr)
        return 2
    if args.json:
        data = {k: getattr(found, k) for k in ("false_alarms", "wrong_unit", "wrong_rating", "unsupported_direction",
                                               "history_direction", "negative_links", "missed", "unstated", "failures")}
        print(json.dumps({**data, "summary": found.summary()}, ensure_ascii=False, indent=1))
    else:
        print(format_report(found))
    return 1 if found.false_alarms else 0


if __name__ == "__main__":
    sys.exit(main())
