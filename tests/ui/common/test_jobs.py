import threading

import pytest

from gnapp.progress import Cancelled, Progress
from gnapp.ui.common.jobs import run_job


def test_progress_reports_and_cancels():
    seen = []
    progress = Progress(lambda *a: seen.append(a))
    progress(1, 10, "một")
    progress.cancel()
    with pytest.raises(Cancelled):
        progress(2, 10)
    assert seen == [(1, 10, "một")]


def test_job_runs_off_the_gui_thread_and_reports_result(qtbot):
    gui_thread = threading.get_ident()
    threads, results = [], []

    def work(progress):
        threads.append(threading.get_ident())
        for i in range(5):
            progress(i + 1, 5, f"bước {i + 1}")
        return 42

    job = run_job(None, "Thử", "Đang làm…", work, results.append, pytest.fail)
    with qtbot.waitSignal(job.finished, timeout=5000):
        pass
    assert results == [42]
    assert threads and threads[0] != gui_thread
    assert job.dialog.maximum() == 5


def test_job_cancel_runs_the_cancel_callback(qtbot):
    started, release = threading.Event(), threading.Event()
    outcome = []

    def work(progress):
        started.set()
        release.wait(5)
        progress(1, 2)
        return "should not finish"

    job = run_job(
        None, "Thử", "…", work, outcome.append, outcome.append, lambda: outcome.append("cancelled")
    )
    assert started.wait(5)
    with qtbot.waitSignal(job.cancelled, timeout=5000):
        job.dialog.canceled.emit()  # the user presses "Hủy"
        release.set()
    assert outcome == ["cancelled"]


def test_job_error_reaches_the_error_callback(qtbot):
    errors = []

    def work(progress):
        raise ValueError("hỏng")

    job = run_job(None, "Thử", "…", work, pytest.fail, errors.append)
    with qtbot.waitSignal(job.failed, timeout=5000):
        pass
    assert [str(e) for e in errors] == ["hỏng"]


def test_wait_for_returns_the_outcome_of_the_work(qtbot):
    from gnapp.ui.common.jobs import wait_for

    assert wait_for(None, "Thử", "Đang làm…", lambda progress: 7) == ("result", 7)
    kind, error = wait_for(None, "Thử", "Đang làm…", lambda progress: 1 / 0)
    assert kind == "error" and isinstance(error, ZeroDivisionError)

    def cancelled(progress):
        progress.cancel()
        progress(1, 2)

    assert wait_for(None, "Thử", "Đang làm…", cancelled) == ("cancelled", None)


def test_background_progress_reported_at_once_is_heard(qtbot, monkeypatch):
    from gnapp.ui.common import jobs

    reported, heard, done = threading.Event(), [], []
    start = jobs.BackgroundWork.start

    def start_and_let_it_report(self):  # the worst case: it reports before the caller goes on
        start(self)
        assert reported.wait(5)

    def work(progress):
        progress(100, 200, "nửa")
        reported.set()
        return "xong"

    monkeypatch.setattr(jobs.BackgroundWork, "start", start_and_let_it_report)
    work_ = jobs.in_background(None, work, done.append, pytest.fail, lambda *a: heard.append(a))
    qtbot.waitUntil(lambda: done == ["xong"], timeout=5000)
    assert heard == [(100, 200, "nửa")]
    assert not work_.running
