"""The "Xã đã đăng ký" area: the registered communes and every key registered for them,
registering a commune (or its key change) once the fingerprint read out by phone matches, and
exporting the office's own key."""

from __future__ import annotations

from pathlib import Path

from gnapp.core.input_files import read_bytes
from gnapp.i18n import tr, tr_noop
from gnapp.office.registry import (
    CommuneKey,
    apply_key_change,
    communes,
    find_commune,
    office_public_key,
    register_commune,
)
from gnapp.office.store.database import OFFICE_ROLES, OfficeDatabase
from gnapp.packages.keys import (
    KEY_CHANGE_SUFFIX,
    MAX_KEY_FILE_BYTES,
    PUBLIC_KEY_SUFFIX,
    SIGNING,
    KeyChange,
    KeyProblem,
    PublicKey,
    read_key_change,
    read_public_key,
    same_fingerprint,
)
from gnapp.store.users import PermissionDenied, User, require
from gnapp.ui.common.discard_guard import AsksBeforeDiscarding
from gnapp.ui.common.messages import show_message
from gnapp.ui.common.qt import (
    QBrush,
    QCheckBox,
    QColor,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
    Signal,
)
from gnapp.ui.common.widgets import error_label, fit_columns
from gnapp.ui.office.common import (
    ask_folder,
    day,
    fill_table,
    fingerprint_label,
    read_only_table,
)
from gnapp.ui.office.session import OfficeSession

KEY_FILTER = tr_noop("Tệp khóa của xã (*.gnpub *.gnkeychange)")


class RegisterDialog(AsksBeforeDiscarding, QDialog):
    """Register a commune from its public key file (.gnpub), or take in its key change
    (.gnkeychange), once the officer has typed the fingerprint read out by phone."""

    def __init__(self, parent: QWidget | None, office: OfficeDatabase, user: User) -> None:
        super().__init__(parent)
        self.office, self.user = office, user
        self.key: PublicKey | None = None
        self.change: KeyChange | None = None
        self.content = b""
        # the file's fingerprint, shown only once the one typed from the phone call matches
        # it, so that it cannot be copied into the box instead of asked for
        self.expected = ""
        self.setWindowTitle(tr("Đăng ký xã"))
        self.file_label = QLabel(tr("Chưa chọn tệp."), objectName="file")
        self.file_label.setWordWrap(True)
        choose = QPushButton(tr("Chọn tệp khóa…"))
        choose.clicked.connect(self.choose_file)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_label, 1)
        file_row.addWidget(choose)
        self.about = QLabel(objectName="about")
        self.about.setWordWrap(True)
        self.fingerprint = fingerprint_label()
        self.typed = QLineEdit(objectName="typed", placeholderText="XXXXX-XXXXX-XXXXX-…")
        self.replace = QCheckBox(
            tr("Xã đã tạo khóa mới vì quên mật khẩu: thay khóa cũ (khóa cũ bị thu hồi)")
        )
        self.replace_note = QLabel(
            tr(
                "Xã này đã được đăng ký với một khóa khác. Chỉ thay khi xã báo đã quên mật khẩu "
                "khóa cũ: các gói ký bằng khóa cũ sẽ bị từ chối từ nay. Nếu xã chỉ đổi khóa "
                "(còn nhớ mật khẩu), hãy dùng tệp đổi khóa (.gnkeychange) do xã gửi."
            )
        )
        self.replace_note.setWordWrap(True)
        for widget in (self.replace, self.replace_note):
            widget.hide()
        self.error = error_label()
        steps = QLabel(
            tr(
                "1. Chọn tệp khóa công khai (.gnpub) hoặc tệp đổi khóa (.gnkeychange) xã gửi.\n"
                "2. Gọi điện cho xã, nhờ cán bộ xã đọc dấu vân tay khóa của xã.\n"
                "3. Gõ lại dấu vân tay nghe được: GNApp so với dấu vân tay trong tệp (chỉ hiện "
                "sau khi khớp) và chỉ đăng ký khi khớp."
            )
        )
        steps.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.register_button = self.buttons.addButton(
            tr("Đăng ký"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.register_button.setEnabled(False)
        self.buttons.addButton(tr("Hủy"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(steps)
        form.addRow(tr("Tệp:"), file_row)
        form.addRow(self.about)
        form.addRow(tr("Dấu vân tay trong tệp:"), self.fingerprint)
        form.addRow(tr("Dấu vân tay xã đọc qua điện thoại:"), self.typed)
        form.addRow(self.replace)
        form.addRow(self.replace_note)
        form.addRow(self.error)
        form.addRow(self.buttons)
        self.setMinimumWidth(680)

    def choose_file(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, tr("Chọn tệp khóa của xã"), str(Path.home()), tr(KEY_FILTER)
        )
        if chosen:
            self.load(Path(chosen))

    def _say(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))
        self.adjustSize()

    def load(self, path: Path) -> bool:
        """Read the key file and show what it holds; False (with the reason) when unreadable."""
        self.key, self.change = None, None
        self.register_button.setEnabled(False)
        self.expected = ""
        self.fingerprint.clear()
        self.about.clear()
        self.replace.setChecked(False)
        for widget in (self.replace, self.replace_note):
            widget.hide()
        self.file_label.setText(path.name)
        self.file_label.setToolTip(str(path))
        try:
            self.content = read_bytes(path, MAX_KEY_FILE_BYTES)
            if path.suffix == KEY_CHANGE_SUFFIX:
                self.change = read_key_change(self.content)
            elif path.suffix == PUBLIC_KEY_SUFFIX:
                self.key = read_public_key(self.content, SIGNING)
            else:
                raise KeyProblem(
                    tr(
                        "Cần tệp {public} hoặc {change}: {name}",
                        public=PUBLIC_KEY_SUFFIX,
                        change=KEY_CHANGE_SUFFIX,
                        name=path.name,
                    )
                )
        except OSError as error:
            reason = error.strerror or error
            self._say(tr("Không đọc được tệp {name}: {reason}", name=path.name, reason=reason))
            return False
        except KeyProblem as problem:
            self._say(str(problem))
            return False
        self._say("")
        if self.change is not None:
            change = self.change
            self.about.setText(
                tr(
                    "Tệp đổi khóa của {commune} (mã {code}): khóa cũ {old} được thay bằng khóa "
                    "mới, dùng từ gói số {sequence}.",
                    commune=change.commune_name,
                    code=change.commune_code,
                    old=change.old_key.fingerprint,
                    sequence=change.from_sequence,
                )
            )
            self.expected = change.new_key.fingerprint
        else:
            assert self.key is not None
            known = find_commune(self.office, self.key.owner_code)
            self.about.setText(
                tr(
                    "Khóa ký của {commune} (mã {code}).",
                    commune=self.key.owner_name,
                    code=self.key.owner_code,
                )
            )
            self.expected = self.key.fingerprint
            for widget in (self.replace, self.replace_note):
                widget.setVisible(known is not None)
        self.fingerprint.setText(tr("(hiện sau khi so khớp)"))
        self.register_button.setEnabled(True)
        self.adjustSize()
        return True

    def accept(self) -> None:
        expected = self.expected
        if not expected:
            return
        if not same_fingerprint(self.typed.text(), expected):
            self._say(
                tr(
                    "Dấu vân tay gõ vào không khớp với khóa trong tệp: không đăng ký. Hãy hỏi "
                    "lại xã; nếu vẫn khác, có thể tệp đã bị thay đổi trên đường gửi."
                )
            )
            return
        self.fingerprint.setText(expected)
        try:
            if self.change is not None:
                apply_key_change(self.office, self.change, self.content, self.user)
            else:
                assert self.key is not None
                register_commune(self.office, self.key, self.user, replace=self.replace.isChecked())
        except (KeyProblem, PermissionDenied) as problem:
            self._say(str(problem).replace("--replace", tr("“thay khóa cũ”")))
            return
        super().accept()


def export_office_key(parent: QWidget | None, office: OfficeDatabase) -> Path | None:
    """Write the office's public key file into a folder the officer chooses."""
    key = office_public_key(office)
    folder = ask_folder(parent, tr("Xuất khóa của cơ quan vào thư mục"), tr("Chọn"))
    if folder is None:
        return None
    path = folder / key.file_name()
    if path.exists():
        show_message(
            parent,
            QMessageBox.Icon.Warning,
            tr("Không ghi đè"),
            tr("Đã có tệp {path}: không ghi đè.", path=path),
        )
        return None
    try:
        path.write_bytes(key.file_bytes())
    except OSError as error:
        show_message(parent, QMessageBox.Icon.Critical, tr("Không ghi được"), str(error))
        return None
    show_message(
        parent,
        QMessageBox.Icon.Information,
        tr("Đã xuất khóa của cơ quan"),
        tr(
            "Đã ghi {path}.\n\nGửi tệp này cho các xã. Khi xã nhập khóa, đọc cho xã dấu vân tay:"
            "\n{fingerprint}",
            path=path,
            fingerprint=key.fingerprint,
        ),
    )
    return path


def _key_range(key: CommuneKey) -> str:
    if key.until_sequence is None:
        return tr("từ gói số {first}", first=key.from_sequence)
    last = key.until_sequence - 1
    if last < key.from_sequence:
        return tr("không gói nào")  # changed again before it signed a package
    if last == key.from_sequence:
        return tr("gói số {first}", first=key.from_sequence)
    return tr("gói số {first}–{last}", first=key.from_sequence, last=last)


def _key_state(key: CommuneKey) -> str:
    if key.revoked_at is not None:
        return tr("Đã thu hồi {day}", day=day(key.revoked_at))
    if key.until_sequence is not None:
        return tr("Đã đổi sang khóa mới")
    return tr("Đang dùng")


KEY_SOURCES = {
    "file": tr_noop("Tệp khóa công khai"),
    "change": tr_noop("Tệp đổi khóa"),
    "replacement": tr_noop("Đăng ký lại (quên mật khẩu)"),
}


def refusal(user: User, action: str) -> str:
    """Why ``user`` may not do the office's ``action`` (the core's own message)."""
    try:
        require(user, action, OFFICE_ROLES)
    except PermissionDenied as denied:
        return str(denied)
    return ""


class CommunesView(QWidget):
    """ "Xã đã đăng ký": the communes and every key registered for them."""

    changed = Signal()

    def __init__(self, session: OfficeSession) -> None:
        super().__init__()
        self.session = session
        key_box = QGroupBox(tr("Khóa mã hóa của cơ quan (gửi cho các xã)"))
        self.office_fingerprint = fingerprint_label()
        export = QPushButton(tr("Xuất khóa của cơ quan…"))
        export.clicked.connect(lambda: export_office_key(self, self.session.office))
        key_row = QHBoxLayout(key_box)
        key_row.addWidget(QLabel(tr("Dấu vân tay:")))
        key_row.addWidget(self.office_fingerprint, 1)
        key_row.addWidget(export)
        self.register_button = QPushButton(tr("Đăng ký xã…"))
        self.register_button.clicked.connect(self.register)
        if not session.user.can("commune_keys"):
            self.register_button.setEnabled(False)
            self.register_button.setToolTip(refusal(session.user, "commune_keys"))
        self.count = QLabel()
        top = QHBoxLayout()
        top.addWidget(self.count, 1)
        top.addWidget(self.register_button)
        self.table = read_only_table(
            [
                tr("Mã xã"),
                tr("Tên xã"),
                tr("Dấu vân tay khóa ký"),
                tr("Đăng ký ngày"),
                tr("Nguồn"),
                tr("Dùng cho"),
                tr("Trạng thái"),
                tr("Người đăng ký"),
            ]
        )
        layout = QVBoxLayout(self)
        layout.addWidget(key_box)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.refresh()

    def refresh(self) -> None:
        self.office_fingerprint.setText(office_public_key(self.session.office).fingerprint)
        rows = []
        registered = communes(self.session.office)
        for commune in registered:
            for key in commune.keys:
                rows.append(
                    [
                        commune.code,
                        commune.name,
                        key.public.fingerprint,
                        day(key.registered_at),
                        tr(KEY_SOURCES[key.source]),
                        _key_range(key),
                        _key_state(key),
                        key.registered_by or "—",
                    ]
                )
        fill_table(self.table, rows)
        for row, values in enumerate(rows):
            if values[6] != tr("Đang dùng"):
                for column in range(len(values)):
                    self.table.item(row, column).setForeground(QBrush(QColor("#777777")))
        fit_columns(self.table)
        self.count.setText(tr("{count} xã đã đăng ký", count=len(registered)))

    def register(self) -> RegisterDialog:
        dialog = RegisterDialog(self, self.session.office, self.session.user)
        dialog.accepted.connect(self._registered)
        dialog.open()
        return dialog

    def _registered(self) -> None:
        self.refresh()
        self.changed.emit()
