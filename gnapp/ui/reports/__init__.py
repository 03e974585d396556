"""The reports area: saved reports and the report wizard."""
