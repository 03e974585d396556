"""The self-test's Qt step: the main window on the offscreen platform, in Vietnamese."""

from __future__ import annotations

import os

from gnapp.i18n import tr
from gnapp.selftest import SelfTest, SelfTestError
from gnapp.ui.app import application_icon, build_main_window
from gnapp.ui.common.qt import QApplication, QCoreApplication
from gnapp.ui.common.translations import install_vietnamese


def check_main_window(context: SelfTest) -> str:
    """Open the main window on the demo for its approver, with GNApp's icon and Qt's
    Vietnamese catalogue; close it again."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # read when the application is created
    app = QApplication.instance() or QApplication(["gnapp"])
    icon = application_icon()
    if icon.isNull():
        raise SelfTestError(tr("không đọc được biểu tượng resources/icons/gnapp.png"))
    translator = install_vietnamese(app)
    try:
        cancel = QCoreApplication.translate("QPlatformTheme", "Cancel")
        if translator.isEmpty():
            raise SelfTestError(tr("bản dịch tiếng Việt của Qt (qtbase_vi.qm) không có nội dung"))
        window = build_main_window(context.open_db(), context.approver)
        window.setWindowIcon(icon)
        window.show()
        app.processEvents()
        shown = window.isVisible()
        title = window.windowTitle()
        window.close()
        window.deleteLater()
        app.processEvents()
    finally:
        app.removeTranslator(translator)
    if not shown:
        raise SelfTestError(tr("cửa sổ chính không hiện được"))
    return tr(
        "nền {platform}, cửa sổ “{title}”, bản dịch Qt: Cancel → “{cancel}”",
        platform=app.platformName(),
        title=title,
        cancel=cancel,
    )
