"""The managers' dashboards (`/dashboards/`): satisfaction and service figures read from the rollups."""
