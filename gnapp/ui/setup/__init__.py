"""The setup area: the first run, signing in, users, settings, backups and recovery."""
