"""The language of the whole interface: GNApp's own texts (``gnapp.i18n``) and Qt's (dialog
buttons, wizards, context menus, file dialogs).

Qt ships no Vietnamese catalogue, so GNApp carries its own (resources/translations/qtbase_vi.ts,
compiled to qtbase_vi.qm); Qt's own texts are English without one.
"""

from __future__ import annotations

from importlib.resources import as_file

from gnapp.data import resource_file
from gnapp.i18n import SOURCE_LANGUAGE, set_language, tr
from gnapp.ui.common.qt import QApplication, QLocale, QTranslator

CATALOGUE = "qtbase_vi.qm"
LOCALES = {
    "vi": QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam),
    "en": QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom),
}


def install_vietnamese(app: QApplication) -> QTranslator:
    """Make Vietnamese the application's locale and load the Qt catalogue; return the translator."""
    QLocale.setDefault(LOCALES["vi"])
    translator = QTranslator(app)
    with as_file(resource_file("translations", CATALOGUE)) as path:
        if not translator.load(str(path)):
            raise RuntimeError(tr("Không nạp được bản dịch giao diện {path}", path=path))
    app.installTranslator(translator)
    return translator


def apply_language(app: QApplication, language: str) -> None:
    """Show the windows made from now on in ``language``: GNApp's texts, Qt's and the locale."""
    set_language(language)
    for translator in app.findChildren(QTranslator):
        app.removeTranslator(translator)
        translator.deleteLater()
    if language == SOURCE_LANGUAGE:
        install_vietnamese(app)
    else:
        QLocale.setDefault(LOCALES[language])
