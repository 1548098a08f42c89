"""`backfill` records past inspections from the sources' pages without alerting anyone."""

from bot.demo import demo_config, sample_server
from bot.history import Store
from bot.pipeline import backfill


def test_backfill_records_silently_then_run_does_not_alert_them(tmp_path):
    from bot.pipeline import poll_once

    with sample_server() as base:
        config = demo_config(base, tmp_path / "state")
        report = backfill(config, pages=2)
        assert report.alerts == []
        assert report.recorded_silently == 3
        with Store(config.state_dir, lock=False) as store:
            names = sorted(r["name"] for r in store.all_inspections())
        assert names == ["Derby City PDU", "Salford YJS", "Sheffield PDU"]
        again = poll_once(config)
        assert again.alerts == [] and again.exit_code == 0
