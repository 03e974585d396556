"""Where GNApp keeps files of its own on the user's machine, and clearing what a crash left of
them."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable
from pathlib import Path


def user_cache_dir() -> Path:
    """A per-user folder for files GNApp can rebuild (GNAPP_CACHE_DIR overrides it)."""
    override = os.environ.get("GNAPP_CACHE_DIR")
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "GNApp" / "cache"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "gnapp"


def user_data_dir() -> Path:
    """A per-user folder for files GNApp keeps, such as backups (GNAPP_DATA_DIR overrides it)."""
    override = os.environ.get("GNAPP_DATA_DIR")
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "GNApp" / "data"
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "gnapp"


STALE_AFTER = 10 * 60  # seconds: a temporary file of ours older than this was left by a crash


def remove_stale_files(
    folder: Path, patterns: Iterable[str], *, older_than: float = STALE_AFTER
) -> list[Path]:
    """Remove the files in ``folder`` that match one of GNApp's own temporary-file
    ``patterns`` (globs) and are older than ``older_than`` seconds: what a crash or a kill left
    half written (a recent one may still be in work). A folder that cannot be read, or a file
    that cannot be removed (a read-only medium), is left as it is."""
    limit = time.time() - older_than
    removed = []
    try:
        found = {path for pattern in patterns for path in folder.glob(pattern)}
        for path in sorted(found):
            if path.is_file() and path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
                removed.append(path)
    except OSError:
        pass
    return removed
