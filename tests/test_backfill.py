"""`backfill` records past inspections from the sources' pages without alerting anyone."""

from dataclasses import replace
from datetime import datetime, timezone

from bot.demo import demo_config, sample_server
from bot.history import Store
from bot.pipeline import backfill, poll_once

# The samples are published on 19, 24 and 26 November 2026 (Salford, Sheffield, Derby City).
LATER = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)


def _names(config):
    with Store(config.state_dir, lock=False) as store:
        return sorted(r["name"] for r in store.all_inspections())


def test_backfill_records_old_inspections_silently_then_run_does_not_alert_them(tmp_path):
    with sample_server() as base:
        config = replace(demo_config(base, tmp_path / "state"), alert_max_age_days=0)
        report = backfill(config, pages=2, now=LATER)
        assert report.alerts == [] and report.recorded_silently == 3
        assert _names(config) == ["Derby City PDU", "Salford YJS", "Sheffield PDU"]
        again = poll_once(config, now=LATER, notifiers=[])
        assert again.alerts == [] and again.exit_code == 0


def test_backfill_leaves_recent_inspections_for_a_run_to_alert(tmp_path):
    with sample_server() as base:
        config = replace(demo_config(base, tmp_path / "state"), alert_max_age_days=2)
        backfill(config, pages=1, now=LATER)
        assert _names(config) == ["Salford YJS", "Sheffield PDU"]  # Derby City is a day old
        run = poll_once(config, now=LATER, notifiers=[])
        assert [a.unit.name for a in run.alerts] == ["Derby City PDU"]
