"""Progress and cancellation for long work (import, export, report build), without Qt.

Long core functions take ``progress: Progress | None`` and call it now and then
with (done, total, message). A ``Progress`` raises ``Cancelled`` from that call
once the user has asked to stop, so the work unwinds through its transaction and
leaves nothing half-written.
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class Cancelled(Exception):
    """The user stopped the work; nothing it was writing was kept."""

    def __init__(self) -> None:
        super().__init__("Đã hủy theo yêu cầu; dữ liệu giữ nguyên như trước.")


class Progress:
    """Reports progress to a listener and carries the request to cancel."""

    def __init__(self, listener: Callable[[int, int, str], None] | None = None) -> None:
        self._listener = listener
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def __call__(self, done: int, total: int, message: str = "") -> None:
        """Report; raises Cancelled if the user asked to stop."""
        if self._cancel.is_set():
            raise Cancelled
        if self._listener is not None:
            self._listener(done, total, message)
