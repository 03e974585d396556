"""Errors of the storage layer."""


class DatabaseError(Exception):
    """A database that cannot be opened or used; the message is for the user (Vietnamese)."""


class CorruptDatabaseError(DatabaseError):
    """A database file that fails the integrity check (the message says which file and why)."""


class ForeignFileError(CorruptDatabaseError):
    """A file that is not GNApp's, or not of the kind asked for: refused before anything is
    written to it."""
