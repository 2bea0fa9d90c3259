"""Rollups of incidents and scored messages for the dashboards (see `feedback.rollup_models`)."""
