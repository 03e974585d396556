"""Managing accounts (administrators) and changing one's own password, in a commune's file or an
office's (the roles offered are the file's ``role_scheme``)."""

from __future__ import annotations

from gnapp.i18n import tr, tr_noop
from gnapp.store import users
from gnapp.store.database import OpenDatabase
from gnapp.store.roles import RoleScheme
from gnapp.ui.common.discard_guard import AsksBeforeDiscarding
from gnapp.ui.common.qt import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QSize,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from gnapp.ui.common.sign_in import password_fields
from gnapp.ui.common.widgets import error_label
from gnapp.ui.common.window_size import fit_window

COLUMNS = (
    tr_noop("Tên đăng nhập"),
    tr_noop("Họ và tên"),
    tr_noop("Vai trò"),
    tr_noop("Trạng thái"),
)
NEW_PASSWORD = tr_noop("Mật khẩu mới (ít nhất {length} ký tự):")


class _FormDialog(AsksBeforeDiscarding, QDialog):
    """A form with an error line and OK/Cancel; ``apply`` does the work or raises UserError."""

    def __init__(self, title: str, ok_text: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.error = error_label()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(440)

    def apply(self) -> None:
        raise NotImplementedError

    def _accept(self) -> None:
        try:
            self.apply()
        except users.UserError as error:
            self.error.setText(str(error))
            self.error.show()
            return
        self.accept()


def _same(password: QLineEdit, repeat: QLineEdit) -> str:
    if password.text() != repeat.text():
        raise users.UserError(tr("Hai lần nhập mật khẩu không giống nhau."))
    return password.text()


class ChangePasswordDialog(_FormDialog):
    """The signed-in user changes their password (the current one is asked first)."""

    def __init__(self, cdb: OpenDatabase, user: users.User, parent: QWidget | None) -> None:
        super().__init__(tr("Đổi mật khẩu"), tr("Đổi mật khẩu"), parent)
        self.cdb, self.user = cdb, user
        self.current = QLineEdit(objectName="current")
        self.current.setEchoMode(QLineEdit.EchoMode.Password)
        self.password, self.repeat = password_fields()
        self.form.addRow(tr("Mật khẩu hiện tại:"), self.current)
        self.form.addRow(tr(NEW_PASSWORD, length=users.MIN_PASSWORD_LENGTH), self.password)
        self.form.addRow(tr("Nhập lại mật khẩu mới:"), self.repeat)

    def apply(self) -> None:
        users.authenticate(self.cdb, self.user.username, self.current.text())
        users.change_password(self.cdb, self.user.username, _same(self.password, self.repeat))


class _RoleBoxes(QWidget):
    def __init__(self, scheme: RoleScheme, chosen: tuple[str, ...]) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.boxes = {}
        for role, name in scheme.roles.items():
            box = QCheckBox(tr(name), objectName=f"role_{role}", checked=role in chosen)
            self.boxes[role] = box
            layout.addWidget(box)

    def chosen(self) -> list[str]:
        return [role for role, box in self.boxes.items() if box.isChecked()]


class AddUserDialog(_FormDialog):
    def __init__(self, cdb: OpenDatabase, parent: QWidget | None) -> None:
        super().__init__(tr("Thêm người dùng"), tr("Thêm"), parent)
        self.cdb = cdb
        self.full_name = QLineEdit(objectName="full_name")
        self.username = QLineEdit(objectName="username")
        self.password, self.repeat = password_fields()
        first_role = next(iter(cdb.role_scheme.roles))  # the everyday role: clerk, officer
        self.roles = _RoleBoxes(cdb.role_scheme, (first_role,))
        self.form.addRow(tr("Họ và tên:"), self.full_name)
        self.form.addRow(tr("Tên đăng nhập:"), self.username)
        self.form.addRow(
            tr("Mật khẩu (ít nhất {length} ký tự):", length=users.MIN_PASSWORD_LENGTH),
            self.password,
        )
        self.form.addRow(tr("Nhập lại mật khẩu:"), self.repeat)
        self.form.addRow(tr("Vai trò:"), self.roles)

    def apply(self) -> None:
        password = _same(self.password, self.repeat)
        users.add_user(
            self.cdb, self.username.text(), self.full_name.text(), self.roles.chosen(), password
        )


class RolesDialog(_FormDialog):
    def __init__(self, cdb: OpenDatabase, user: users.User, parent: QWidget | None) -> None:
        super().__init__(tr("Vai trò của {full_name}", full_name=user.full_name), tr("Lưu"), parent)
        self.cdb, self.user = cdb, user
        self.roles = _RoleBoxes(cdb.role_scheme, user.roles)
        self.form.addRow(tr("Vai trò:"), self.roles)

    def apply(self) -> None:
        users.set_roles(self.cdb, self.user.username, self.roles.chosen())


class ResetPasswordDialog(_FormDialog):
    def __init__(self, cdb: OpenDatabase, user: users.User, parent: QWidget | None) -> None:
        super().__init__(
            tr("Đặt lại mật khẩu cho {full_name}", full_name=user.full_name), tr("Đặt lại"), parent
        )
        self.cdb, self.user = cdb, user
        self.password, self.repeat = password_fields()
        self.form.addRow(tr(NEW_PASSWORD, length=users.MIN_PASSWORD_LENGTH), self.password)
        self.form.addRow(tr("Nhập lại mật khẩu mới:"), self.repeat)

    def apply(self) -> None:
        users.change_password(self.cdb, self.user.username, _same(self.password, self.repeat))


class UsersDialog(QDialog):
    """The accounts of this database; an administrator adds, changes roles, resets passwords
    and locks accounts (accounts are never deleted: the change log names them)."""

    def __init__(self, cdb: OpenDatabase, admin: users.User, parent: QWidget | None) -> None:
        users.require(admin, "administer", cdb.role_scheme)
        super().__init__(parent)
        self.cdb = cdb
        self.setWindowTitle(tr("Quản lý người dùng"))
        self.table = QTableWidget(0, len(COLUMNS), objectName="users")
        self.table.setHorizontalHeaderLabels([tr(column) for column in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.error = error_label()
        buttons = QHBoxLayout()
        self.add_button = QPushButton(tr("Thêm người dùng…"))
        self.roles_button = QPushButton(tr("Đổi vai trò…"))
        self.reset_button = QPushButton(tr("Đặt lại mật khẩu…"))
        self.lock_button = QPushButton(tr("Khóa / mở khóa"))
        close = QPushButton(tr("Đóng"))
        self.add_button.clicked.connect(lambda: self._run(AddUserDialog(self.cdb, self)))
        self.roles_button.clicked.connect(
            lambda: self._run(RolesDialog(self.cdb, self.selected(), self))
        )
        self.reset_button.clicked.connect(
            lambda: self._run(ResetPasswordDialog(self.cdb, self.selected(), self))
        )
        self.lock_button.clicked.connect(self.toggle_lock)
        close.clicked.connect(self.accept)
        for button in (self.add_button, self.roles_button, self.reset_button, self.lock_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        fit_window(self, QSize(760, 360))
        self.load()

    def load(self) -> None:
        self.accounts = users.list_users(self.cdb.db, self.cdb.role_scheme)
        self.table.setRowCount(len(self.accounts))
        for row, account in enumerate(self.accounts):
            values = (
                account.username,
                account.full_name,
                account.role_names,
                tr("Đang dùng") if account.active else tr("Đã khóa"),
            )
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self._selection_changed()

    def selected(self) -> users.User | None:
        rows = self.table.selectionModel().selectedRows()
        return self.accounts[rows[0].row()] if rows else None

    def _selection_changed(self) -> None:
        chosen = self.selected() is not None
        for button in (self.roles_button, self.reset_button, self.lock_button):
            button.setEnabled(chosen)

    def _run(self, dialog: QDialog) -> None:
        if dialog.exec():
            self.error.hide()
            self.load()

    def toggle_lock(self) -> None:
        account = self.selected()
        if account is None:
            return
        try:
            users.set_active(self.cdb, account.username, not account.active)
        except users.UserError as error:
            self.error.setText(str(error))
            self.error.show()
            return
        self.error.hide()
        self.load()
