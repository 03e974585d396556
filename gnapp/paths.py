"""Where GNApp keeps files of its own on the user's machine."""

from __future__ import annotations

import os
import sys
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
