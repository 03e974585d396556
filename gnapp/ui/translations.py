"""Vietnamese for Qt's own texts: dialog buttons, wizards, context menus, file dialogs.

Qt ships no Vietnamese catalogue, so GNApp carries its own
(resources/translations/qtbase_vi.ts, compiled to qtbase_vi.qm).
"""

from __future__ import annotations

from importlib.resources import as_file

from gnapp.data import resource_file
from gnapp.i18n import tr
from gnapp.ui.qt import QApplication, QLocale, QTranslator

CATALOGUE = "qtbase_vi.qm"


def install_vietnamese(app: QApplication) -> QTranslator:
    """Make Vietnamese the application's locale and load the Qt catalogue; return the translator."""
    QLocale.setDefault(QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))
    translator = QTranslator(app)
    with as_file(resource_file("translations", CATALOGUE)) as path:
        if not translator.load(str(path)):
            raise RuntimeError(tr("Không nạp được bản dịch giao diện {path}", path=path))
    app.installTranslator(translator)
    return translator
