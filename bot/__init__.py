"""hmip-bot: watches HM Inspectorate of Probation inspections and alerts on rating changes."""

__version__ = "0.1.0"
