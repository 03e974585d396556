"""The programme area: targets, budgets and activities, and the dashboard of a year."""
