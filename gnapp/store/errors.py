"""Errors of the storage layer."""


class DatabaseError(Exception):
    """A database that cannot be opened or used; the message is for the user (Vietnamese)."""


class CorruptDatabaseError(DatabaseError):
    """A database file that fails the integrity check (the message says which file and why)."""
