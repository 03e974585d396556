"""Signing in at start, and creating the first administrator of a file without users (a new
commune's or office's, or an office's made before it had users) — the same for both kinds of
file, their roles from the file's ``role_scheme``."""

from __future__ import annotations

from collections.abc import Mapping

from gnapp.i18n import tr
from gnapp.preferences import remember_language
from gnapp.store import users
from gnapp.store.database import CommuneDatabase, OpenDatabase
from gnapp.store.register import get_commune, get_setting
from gnapp.store.roles import ADMIN, COMMUNE_ROLES
from gnapp.store.setup import AdminAccount
from gnapp.ui.common.discard_guard import AsksBeforeDiscarding
from gnapp.ui.common.language import language_combo
from gnapp.ui.common.qt import (
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from gnapp.ui.common.translations import apply_language
from gnapp.ui.common.widgets import CheckedPage, error_label

# After this many wrong passwords in a row the dialog waits before the next try.
ATTEMPTS_BEFORE_PAUSE = 5
PAUSE_SECONDS = 30


class LoginDialog(QDialog):
    """Username and password; on success ``user`` is set and the database acts as that user.
    ``place`` (the commune's or the office's name) heads it. The language chosen here is this
    computer's from now on (the main window, made after, speaks it at once). Without a database
    yet (the demo commune being made: ``demo``) the dialog shows at once with a progress bar, and
    signs in once ``set_database`` has given it the database."""

    def __init__(
        self,
        cdb: OpenDatabase | None,
        place: str = "GNApp",
        parent: QWidget | None = None,
        *,
        demo: bool = False,
    ) -> None:
        super().__init__(parent)
        self.cdb = cdb
        self.user: users.User | None = None
        self.failures = 0
        self.place = place
        self.title = QLabel()
        self.username = QLineEdit(objectName="username")
        self.password = QLineEdit(objectName="password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.language = language_combo()
        self.language.currentIndexChanged.connect(self.change_language)
        self.error = error_label()
        self.labels = {field: QLabel() for field in (self.username, self.password, self.language)}
        form = QFormLayout()
        for field, label in self.labels.items():
            form.addRow(label, field)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.sign_in)
        self.buttons.rejected.connect(self.reject)
        # owned by the dialog, so it never fires after the dialog is gone
        self.pause_timer = QTimer(self, singleShot=True, interval=PAUSE_SECONDS * 1000)
        self.pause_timer.timeout.connect(
            lambda: self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)
        )
        self.making = QProgressBar(objectName="making")
        self.making.setRange(0, 0)  # busy until the first report of how far it has come
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(form)
        self.demo_hint: QLabel | None = None
        if demo or (cdb is not None and get_setting(cdb.db, "demo", False)):
            from gnapp.demo import DEMO_USERS

            self.demo_hint = QLabel(objectName="demo_hint", wordWrap=True)
            layout.addWidget(self.demo_hint)
            self.username.setText(DEMO_USERS[0][0])
        layout.addWidget(self.making)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)
        self.making.setVisible(cdb is None)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(cdb is not None)
        self._set_texts()
        (self.password if self.username.text() else self.username).setFocus()

    def set_database(self, cdb: CommuneDatabase) -> None:
        """Sign in to ``cdb`` (the demo commune just made)."""
        self.cdb = cdb
        self.place = (get_commune(cdb.db) or {}).get("name") or self.place
        self.making.hide()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)
        self._set_texts()

    def show_making(self, done: int, total: int, _text: str = "") -> None:
        """How far the demo commune has been made."""
        self.making.setMaximum(max(total, 0))
        self.making.setValue(min(done, total))

    def _set_texts(self) -> None:
        """The dialog's words in the current language."""
        self.setWindowTitle(tr("GNApp — Đăng nhập"))
        self.title.setText(tr("<b>{commune}</b><br>Đăng nhập để làm việc", commune=self.place))
        for field, text in (
            (self.username, tr("Tên đăng nhập:")),
            (self.password, tr("Mật khẩu:")),
            (self.language, tr("Ngôn ngữ / Language:")),
        ):
            self.labels[field].setText(text)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Đăng nhập"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Thoát"))
        self.making.setFormat(tr("Đang tạo dữ liệu mẫu… %p%"))
        if self.demo_hint is not None:
            from gnapp.demo import DEMO_PASSWORD, DEMO_USERS

            accounts = ", ".join(
                f"{name} ({', '.join(tr(COMMUNE_ROLES.roles[r]).lower() for r in roles)})"
                for name, _, roles in DEMO_USERS
            )
            self.demo_hint.setText(
                tr(
                    "Dữ liệu mẫu — tài khoản: {accounts}; mật khẩu: {password}",
                    accounts=accounts,
                    password=DEMO_PASSWORD,
                )
            )

    def change_language(self) -> None:
        """Use the chosen language on this computer from now on, starting with this dialog."""
        language = self.language.currentData()
        remember_language(language)
        apply_language(QApplication.instance(), language)
        self.error.hide()
        self._set_texts()

    def sign_in(self) -> None:
        if self.cdb is None:
            return  # the demo commune is still being made (the button is not enabled yet)
        try:
            self.user = users.sign_in(self.cdb, self.username.text(), self.password.text())
        except users.UserError as error:
            self.failures += 1
            self.password.clear()
            self.password.setFocus()
            message = str(error)
            if self.failures % ATTEMPTS_BEFORE_PAUSE == 0:
                message += " " + tr(
                    "Đã sai {failures} lần: hãy chờ {seconds} giây.",
                    failures=self.failures,
                    seconds=PAUSE_SECONDS,
                )
                self._pause()
            self.error.setText(message)
            self.error.show()
            return
        self.accept()

    def _pause(self) -> None:
        button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        button.setEnabled(False)
        self.pause_timer.start()


def password_fields() -> tuple[QLineEdit, QLineEdit]:
    """A new password and its repetition, typed hidden."""
    fields = (QLineEdit(objectName="password"), QLineEdit(objectName="repeat"))
    for field in fields:
        field.setEchoMode(QLineEdit.EchoMode.Password)
    return fields


class AdminFields:
    """The first administrator's account, as rows of ``form``: full name, user name, the password
    twice and, ticked or not, the other ``optional`` roles (role -> (question, ticked at first));
    ``roles`` are always held."""

    def __init__(
        self, roles: tuple[str, ...], optional: Mapping[str, tuple[str, bool]], form: QFormLayout
    ) -> None:
        self.roles = roles
        self.full_name = QLineEdit(objectName="full_name")
        self.username = QLineEdit(objectName="username")
        self.password, self.repeat = password_fields()
        self.also = {
            role: QCheckBox(tr(question), objectName=f"also_{role}", checked=ticked)
            for role, (question, ticked) in optional.items()
        }
        form.addRow(tr("Họ và tên:"), self.full_name)
        form.addRow(tr("Tên đăng nhập:"), self.username)
        form.addRow(
            tr("Mật khẩu (ít nhất {count} ký tự):", count=users.MIN_PASSWORD_LENGTH), self.password
        )
        form.addRow(tr("Nhập lại mật khẩu:"), self.repeat)
        for box in self.also.values():
            form.addRow(box)

    def account(self) -> AdminAccount:
        also = tuple(role for role, box in self.also.items() if box.isChecked())
        return AdminAccount(
            self.username.text().strip(), self.full_name.text(), self.password.text(),
            self.roles + also,
        )  # fmt: skip

    def problems(self) -> list[str]:
        """What is wrong, every item (the account is checked again when it is created)."""
        found = []
        if not self.full_name.text().strip():
            found.append(tr("Chưa nhập họ và tên."))
        username = self.username.text().strip()
        if not username or any(ch.isspace() for ch in username):
            found.append(tr("Tên đăng nhập không được để trống và không có dấu cách."))
        try:
            users.check_new_password(self.password.text())
        except users.UserError as error:
            found.append(str(error))
        else:
            if self.password.text() != self.repeat.text():
                found.append(tr("Hai lần nhập mật khẩu không giống nhau."))
        return found


class AdminPage(CheckedPage):
    """A setup wizard's page for the first administrator (``AdminFields``: ``fields``)."""

    def __init__(
        self, subtitle: str, roles: tuple[str, ...], optional: Mapping[str, tuple[str, bool]]
    ) -> None:
        super().__init__(tr("Tài khoản quản trị"), subtitle)
        form = QFormLayout(self)
        self.fields = AdminFields(roles, optional, form)
        form.addRow(self.error)

    def account(self) -> AdminAccount:
        return self.fields.account()

    def problems(self) -> list[str]:
        return self.fields.problems()


class FirstAdminDialog(AsksBeforeDiscarding, QDialog):
    """A file without users (a new one, or an office's from before it had users): create the
    administrator's account (who then is signed in) before anything else."""

    def __init__(self, cdb: OpenDatabase, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cdb = cdb
        self.user: users.User | None = None
        scheme = cdb.role_scheme
        self.setWindowTitle(tr("GNApp — Tạo tài khoản quản trị"))
        others = ", ".join(tr(name).lower() for role, name in scheme.roles.items() if role != ADMIN)
        intro = QLabel(
            tr(
                "Tệp dữ liệu này chưa có người dùng. Hãy tạo tài khoản quản trị đầu tiên: người "
                "quản trị thêm các tài khoản khác ({others}).",
                others=others,
            )
        )
        intro.setWordWrap(True)
        form = QFormLayout()
        self.fields = AdminFields((ADMIN,), scheme.first_admin_roles, form)
        self.error = error_label()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Tạo tài khoản"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Thoát"))
        buttons.accepted.connect(self.create)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)

    def create(self) -> None:
        found = self.fields.problems()
        if found:
            self._show("\n".join(found))
            return
        account = self.fields.account()
        try:
            users.add_user(
                self.cdb, account.username, account.full_name, account.roles, account.password
            )
            self.user = users.sign_in(self.cdb, account.username, account.password)
        except users.UserError as error:
            self._show(str(error))
            return
        self.accept()

    def _show(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()


def sign_in_at_start(cdb: OpenDatabase, place: str) -> users.User | None:
    """Ask who is working (or create the first administrator) on the file of ``place`` (the
    commune's or office's name); None when the user quits."""
    dialog = LoginDialog(cdb, place) if users.has_users(cdb.db) else FirstAdminDialog(cdb)
    dialog.exec()
    return dialog.user


def sign_in_to_commune(cdb: CommuneDatabase) -> users.User | None:
    """``sign_in_at_start`` on a commune's file, headed with the commune's name."""
    return sign_in_at_start(cdb, (get_commune(cdb.db) or {}).get("name") or "GNApp")
