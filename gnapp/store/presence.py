"""Whether a household is in the commune: the one definition every query of the register
uses, as SQL conditions on a ``households`` row (docs/register-history.md)."""

from __future__ import annotations


def present_on(alias: str = "h", on: str = ":on") -> str:
    """SQL: household ``alias`` was in the commune on the date bound to ``on``: it came on or
    before that day (empty: before the records begin) and had not left by then."""
    return (
        f"({alias}.present_from IS NULL OR {alias}.present_from <= {on}) "
        f"AND ({alias}.present_until IS NULL OR {alias}.present_until > {on})"
    )


def present_now(alias: str = "h") -> str:
    """SQL: household ``alias`` is in the commune now. Events are never dated in the future,
    so every household has come, and one that moved away, merged or ended has left. The
    indexes the household list's search walks hold ``present_until`` (schema v22), so the
    search still reads no table row."""
    return f"{alias}.present_until IS NULL"
