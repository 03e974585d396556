"""Files written whole or not at all (backups compressed, encrypted, and their plain copies)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


@contextmanager
def new_file(target: Path) -> Iterator[BinaryIO]:
    """``target``, which must not exist yet, open for writing: on leaving, flushed to the disk
    — or removed if anything went wrong, so no half-written file is left behind."""
    with open(target, "xb") as stream:
        try:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        except BaseException:
            stream.close()
            target.unlink(missing_ok=True)
            raise
