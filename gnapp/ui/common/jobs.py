"""Long work off the GUI thread, with a progress dialog and a cancel button.

The work is a core function ``work(progress) -> result`` where ``progress`` is a
``gnapp.progress.Progress``. It runs on a QThreadPool thread, so it must open its
own database connection (SQLite connections stay on their thread): pass it the
path, not the open ``CommuneDatabase``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gnapp.i18n import tr
from gnapp.progress import Cancelled, Progress
from gnapp.ui.common.qt import (
    QEventLoop,
    QObject,
    QProgressDialog,
    QRunnable,
    Qt,
    QThreadPool,
    QWidget,
    Signal,
)


class _Signals(QObject):
    progressed = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object)
    cancelled = Signal()


class _Runnable(QRunnable):
    def __init__(self, work: Callable[[Progress], Any], signals: _Signals) -> None:
        super().__init__()
        self.work = work
        self.signals = signals
        self.progress = Progress(
            lambda done, total, text: signals.progressed.emit(done, total, text)
        )

    def run(self) -> None:
        try:
            result = self.work(self.progress)
        except Cancelled:
            self.signals.cancelled.emit()
        except Exception as error:  # shown to the user by the GUI thread
            self.signals.failed.emit(error)
        else:
            self.signals.finished.emit(result)


class Job(QObject):
    """One piece of background work and its progress dialog."""

    finished = Signal(object)
    failed = Signal(object)
    cancelled = Signal()

    def __init__(
        self, parent: QWidget | None, title: str, label: str, work: Callable[[Progress], Any]
    ) -> None:
        super().__init__(parent)
        self.signals = _Signals()
        self.runnable = _Runnable(work, self.signals)
        self.runnable.setAutoDelete(False)
        self.dialog = QProgressDialog(label, tr("Hủy"), 0, 0, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(300)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self.cancel)
        self.signals.progressed.connect(self._on_progress)
        self.signals.finished.connect(lambda result: self._end(self.finished, result))
        self.signals.failed.connect(lambda error: self._end(self.failed, error))
        self.signals.cancelled.connect(lambda: self._end(self.cancelled))

    def start(self) -> None:
        QThreadPool.globalInstance().start(self.runnable)

    def cancel(self) -> None:
        """Ask the work to stop at its next progress report."""
        self.runnable.progress.cancel()
        self.dialog.setLabelText(tr("Đang hủy, dữ liệu sẽ giữ nguyên như trước…"))

    def _on_progress(self, done: int, total: int, text: str) -> None:
        self.dialog.setMaximum(max(total, 0))
        self.dialog.setValue(min(done, total) if total else 0)
        if text and not self.runnable.progress.cancelled:
            self.dialog.setLabelText(text)

    def _end(self, signal: Any, *payload: Any) -> None:
        self.dialog.close()
        signal.emit(*payload)


def run_job(
    parent: QWidget | None,
    title: str,
    label: str,
    work: Callable[[Progress], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[Exception], None],
    on_cancel: Callable[[], None] | None = None,
) -> Job:
    """Start ``work`` in the background; exactly one of the callbacks runs on the GUI thread."""
    job = Job(parent, title, label, work)
    job.finished.connect(on_done)
    job.failed.connect(on_error)
    if on_cancel is not None:
        job.cancelled.connect(on_cancel)
    job.start()
    return job


def wait_for(
    parent: QWidget | None, title: str, label: str, work: Callable[[Progress], Any]
) -> tuple[str, Any]:
    """Run ``work`` in the background and wait for it with the window alive (its progress
    dialog has "Hủy"): ("result", value), ("error", exception) or ("cancelled", None)."""
    loop = QEventLoop()
    outcome: list[tuple[str, Any]] = []

    def settle(key: str, value: Any = None) -> None:
        outcome.append((key, value))
        loop.quit()

    job = run_job(  # held until the work has ended
        parent, title, label, work,
        lambda result: settle("result", result), lambda error: settle("error", error),
        lambda: settle("cancelled"),
    )  # fmt: skip
    if not outcome:
        loop.exec()
    del job
    return outcome[0]
