"""The small shared widgets."""

import pytest

from gnapp.ui.common import qt
from gnapp.ui.common.widgets import busy, error_label, show_error


def test_the_busy_cursor_is_put_back_even_after_an_error(qapp):
    with busy():
        assert qt.QApplication.overrideCursor().shape() == qt.Qt.CursorShape.WaitCursor
    assert qt.QApplication.overrideCursor() is None
    with pytest.raises(ValueError), busy():
        raise ValueError("sai mật khẩu")
    assert qt.QApplication.overrideCursor() is None


def test_an_error_label_shows_only_with_a_message(qtbot):
    label = error_label()
    qtbot.addWidget(label)
    label.show()
    show_error(label, "")
    assert label.isHidden()
    show_error(label, "Mật khẩu không khớp.")
    assert not label.isHidden() and label.text() == "Mật khẩu không khớp."
