"""The receiving office's main window: the office's name above, its areas on the left ("Xã đã
đăng ký", "Nhận báo cáo", "Bảng theo dõi", "Tổng hợp"), the chosen area beside them."""

from __future__ import annotations

from gnapp.i18n import tr, tr_noop
from gnapp.office.registry import communes, office_public_key
from gnapp.office.store.database import OFFICE_KINDS
from gnapp.store.users import PermissionDenied, require
from gnapp.ui.common.messages import show_message
from gnapp.ui.common.qt import (
    QAction,
    QCloseEvent,
    QFont,
    QFontMetrics,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QThreadPool,
    QVBoxLayout,
    QWidget,
)
from gnapp.ui.common.users_dialog import ChangePasswordDialog, UsersDialog
from gnapp.ui.common.window_size import MAIN_WINDOW_SIZE, fit_window
from gnapp.ui.office.board import BoardView
from gnapp.ui.office.communes import CommunesView, export_office_key, refusal
from gnapp.ui.office.consolidation import ConsolidationView
from gnapp.ui.office.receive import ReceiveView
from gnapp.ui.office.session import OfficeSession

COMMUNES, RECEIVE, BOARD, CONSOLIDATION = range(4)
AREAS = (
    tr_noop("Xã đã đăng ký"),
    tr_noop("Nhận báo cáo"),
    tr_noop("Bảng theo dõi"),
    tr_noop("Tổng hợp"),
)
STYLE = """
QLabel#officeName { font-size: 16pt; font-weight: bold; }
QListWidget#navigation { font-size: 11pt; }
QListWidget#navigation::item { padding: 8px 6px; }
"""


class OfficeWindow(QMainWindow):
    """The office open in ``session`` for its signed-in user; the database is closed with the
    window."""

    def __init__(self, session: OfficeSession) -> None:
        super().__init__()
        self.session = session
        self.setStyleSheet(STYLE)
        identity = session.office.identity
        self.setWindowTitle(tr("GNApp — Cơ quan nhận báo cáo — {name}", name=identity.name))
        self.communes_view = CommunesView(session)
        self.receive_view = ReceiveView(session)
        self.board_view = BoardView(session)
        self.consolidation_view = ConsolidationView(session)
        self.receive_view.received.connect(self.refresh)
        self.receive_view.unlocked.connect(self.show_key_state)
        self.communes_view.changed.connect(self.refresh)
        self.pages = QStackedWidget()
        for view in (
            self.communes_view,
            self.receive_view,
            self.board_view,
            self.consolidation_view,
        ):
            self.pages.addWidget(view)
        self.navigation = QListWidget(objectName="navigation")
        self.navigation.addItems([tr(area) for area in AREAS])
        font = QFont(self.navigation.font())
        font.setPointSize(11)  # as STYLE sets it; the style applies only once shown
        words = max(QFontMetrics(font).horizontalAdvance(tr(a)) for a in AREAS)
        self.navigation.setFixedWidth(words + 40)
        self.navigation.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.navigation.setCurrentRow(RECEIVE if communes(session.office) else COMMUNES)

        name = QLabel(identity.name, objectName="officeName")
        kind = tr(OFFICE_KINDS.get(identity.kind, identity.kind))
        details = QLabel(
            tr(
                "{office} — cơ quan nhận báo cáo cấp {kind}, tổng hợp {area}",
                office=identity.office,
                kind=kind,
                area=identity.area,
            )
        )
        body = QHBoxLayout()
        body.addWidget(self.navigation)
        body.addWidget(self.pages, 1)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(name)
        layout.addWidget(details)
        layout.addLayout(body, 1)
        self.setCentralWidget(central)
        self._build_menus()
        self.key_state = QLabel()
        self.statusBar().addWidget(QLabel(tr("Tệp dữ liệu cơ quan: {path}", path=session.path)), 1)
        user = session.user
        self.user_label = QLabel(
            tr("Người dùng: {name} — {roles}", name=user.full_name, roles=user.role_names),
            objectName="user",
        )
        self.statusBar().addPermanentWidget(self.user_label)
        self.statusBar().addPermanentWidget(self.key_state)
        self.show_key_state()

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(tr("&Tệp"))
        receive = QAction(tr("&Nhận gói báo cáo…"), self)
        receive.triggered.connect(self._receive_files)
        register = QAction(tr("Đăng &ký xã…"), self)
        register.triggered.connect(self.communes_view.register)
        if not self.session.user.can("commune_keys"):
            register.setEnabled(False)
            register.setToolTip(refusal(self.session.user, "commune_keys"))
        export = QAction(tr("&Xuất khóa của cơ quan…"), self)
        export.triggered.connect(lambda: export_office_key(self, self.session.office))
        quit_action = QAction(tr("T&hoát"), self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        for action in (receive, register, export):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        users_menu = self.menuBar().addMenu(tr("&Người dùng"))
        self.users_action = QAction(tr("&Quản lý người dùng…"), self)
        self.users_action.triggered.connect(self.manage_users)
        self.users_action.setEnabled(self.session.user.can("administer"))
        password = QAction(tr("Đổi &mật khẩu…"), self)
        password.triggered.connect(
            lambda: ChangePasswordDialog(self.session.office, self.session.user, self).exec()
        )
        users_menu.addAction(self.users_action)
        users_menu.addAction(password)

    def manage_users(self) -> None:
        """The office's accounts (the head or administrator; the core checks it again)."""
        try:
            require(self.session.user, "administer", self.session.office.role_scheme)
        except PermissionDenied as error:
            show_message(self, QMessageBox.Icon.Warning, tr("Không có quyền"), str(error))
            return
        UsersDialog(self.session.office, self.session.user, self).exec()

    def _receive_files(self) -> None:
        self.navigation.setCurrentRow(RECEIVE)
        self.receive_view.choose_files()

    def refresh(self) -> None:
        """Show what changed after packages were received or a commune registered."""
        self.board_view.refresh()
        self.consolidation_view.refresh()
        self.show_key_state()

    def show_key_state(self) -> None:
        fingerprint = office_public_key(self.session.office).fingerprint
        state = tr("đã mở khóa") if self.session.key is not None else tr("chưa mở khóa")
        self.key_state.setText(
            tr("Khóa cơ quan {fingerprint}: {state}", fingerprint=fingerprint, state=state)
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        self.receive_view.stop_watching()
        QThreadPool.globalInstance().waitForDone()  # a package being received is finished
        super().closeEvent(event)


def office_window(session: OfficeSession) -> OfficeWindow:
    """The office window on ``session``, sized to fit the screen (not shown)."""
    window = OfficeWindow(session)
    fit_window(window, MAIN_WINDOW_SIZE)
    return window
