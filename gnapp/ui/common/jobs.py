"""Long work off the GUI thread, with a progress dialog and a cancel button (``Job``), or
quietly behind a placeholder or a busy state the caller shows (``BackgroundWork``).

The work is a core function ``work(progress) -> result`` where ``progress`` is a
``gnapp.progress.Progress``. It runs on a QThreadPool thread, so it must open its
own database connection (SQLite connections stay on their thread): pass it the
path, not the open ``CommuneDatabase``.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from typing import Any

from gnapp.i18n import tr, tr_noop
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


COMPUTING = tr_noop("Đang tính…")  # in place of figures being computed in the background

# Runnables on their way: held here until their work has ended, whatever becomes of the
# window that started them (the pool does not own them).
_RUNNING: set[_Runnable] = set()


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
            self._tell(self.signals.cancelled)
        except Exception as error:  # shown to the user by the GUI thread
            self._tell(self.signals.failed, error)
        else:
            self._tell(self.signals.finished, result)
        finally:
            _RUNNING.discard(self)

    @staticmethod
    def _tell(signal: Any, *payload: Any) -> None:
        with suppress(RuntimeError):  # the application is closing: no one is left to hear it
            signal.emit(*payload)


class BackgroundWork(QObject):
    """One piece of work on a pool thread; exactly one of ``finished``, ``failed`` or
    ``cancelled`` is emitted on the GUI thread when it ends."""

    finished = Signal(object)
    failed = Signal(object)
    cancelled = Signal()

    def __init__(self, parent: QObject | None, work: Callable[[Progress], Any]) -> None:
        super().__init__(parent)
        self.running = False
        self.signals = _Signals()
        self.runnable = _Runnable(work, self.signals)
        self.runnable.setAutoDelete(False)
        # Bound methods, not lambdas: the connections end with this object (a window closed
        # while its work runs hears nothing of it).
        self.signals.finished.connect(self._finished)
        self.signals.failed.connect(self._failed)
        self.signals.cancelled.connect(self._cancelled)

    def _finished(self, result: Any) -> None:
        self._end(self.finished, result)

    def _failed(self, error: Exception) -> None:
        self._end(self.failed, error)

    def _cancelled(self) -> None:
        self._end(self.cancelled)

    def start(self) -> None:
        self.running = True
        _RUNNING.add(self.runnable)
        QThreadPool.globalInstance().start(self.runnable)

    def cancel(self) -> None:
        """Ask the work to stop at its next progress report."""
        self.runnable.progress.cancel()

    def _end(self, signal: Any, *payload: Any) -> None:
        self.running = False
        signal.emit(*payload)


class Job(BackgroundWork):
    """One piece of background work and its progress dialog."""

    def __init__(
        self, parent: QWidget | None, title: str, label: str, work: Callable[[Progress], Any]
    ) -> None:
        super().__init__(parent, work)
        self.dialog = QProgressDialog(label, tr("Hủy"), 0, 0, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(300)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self.cancel)
        self.signals.progressed.connect(self._on_progress)

    def cancel(self) -> None:
        """Ask the work to stop at its next progress report."""
        super().cancel()
        self.dialog.setLabelText(tr("Đang hủy, dữ liệu sẽ giữ nguyên như trước…"))

    def _on_progress(self, done: int, total: int, text: str) -> None:
        self.dialog.setMaximum(max(total, 0))
        self.dialog.setValue(min(done, total) if total else 0)
        if text and not self.runnable.progress.cancelled:
            self.dialog.setLabelText(text)

    def _end(self, signal: Any, *payload: Any) -> None:
        self.dialog.close()
        super()._end(signal, *payload)


def in_background(
    parent: QObject,
    work: Callable[[Progress], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[Exception], None],
    on_progress: Callable[[int, int, str], None] | None = None,
) -> BackgroundWork:
    """Start ``work`` without a dialog (the caller shows what is being computed, with
    ``on_progress`` if given); one of the callbacks runs on the GUI thread unless the work is
    cancelled."""
    background = BackgroundWork(parent, work)
    background.finished.connect(on_done)
    background.failed.connect(on_error)
    if on_progress is not None:  # before the start: the work may report before a later connect
        background.signals.progressed.connect(on_progress)
    background.start()
    return background


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
