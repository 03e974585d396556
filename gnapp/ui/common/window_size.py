"""Window sizes that fit the commune's screen: 1366×768 with the title bar and the taskbar
leaves about 1366×690 for a window's content, and a 1280×720 screen about 1280×640. A window
opens at the size the clerk last gave it (kept in the preferences), never larger than that."""

from __future__ import annotations

from gnapp.preferences import remember_window_size, window_size
from gnapp.ui.common.qt import QApplication, QEvent, QObject, QSize, QWidget

CONTENT_SIZE = QSize(1366, 690)
SMALL_CONTENT_SIZE = QSize(1280, 640)
MAIN_WINDOW_SIZE = QSize(1300, 680)
# the title bar and the frame the window system adds around a window's content
FRAME_ALLOWANCE = QSize(16, 40)


def screen_room() -> QSize | None:
    """The room the primary screen leaves to windows (without the taskbar), if known."""
    screen = QApplication.primaryScreen()
    return screen.availableSize() if screen is not None else None


def largest_size() -> QSize:
    """The largest content a window may open with on this screen."""
    room = screen_room()
    return CONTENT_SIZE if room is None else CONTENT_SIZE.boundedTo(room - FRAME_ALLOWANCE)


class _SizeKeeper(QObject):
    """Remembers the size of the window it watches each time the window is hidden."""

    def __init__(self, window: QWidget, name: str) -> None:
        super().__init__(window)
        self.name = name

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.Hide
            and isinstance(watched, QWidget)
            and watched.isWindow()
            and not watched.isMaximized()
        ):
            remember_window_size(self.name, watched.width(), watched.height())
        return False


def fit_window(window: QWidget, default: QSize, name: str | None = None) -> None:
    """Open ``window`` at the size it was last given (else ``default``), bounded to what the
    screen can show, and remember the size the clerk gives it. ``name`` tells apart windows
    of one class (by default the class name)."""
    key = name or type(window).__name__
    remembered = window_size(key)
    size = QSize(*remembered) if remembered is not None else default
    window.resize(size.boundedTo(largest_size()))
    window.installEventFilter(_SizeKeeper(window, key))
