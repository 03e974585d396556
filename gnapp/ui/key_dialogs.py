"""The commune's keys in the GUI: create the signing key, export its public key, keep the
receiving office's key after the fingerprint read out by phone matched, change the key.
Each dialog calls the core function of ``gnapp key …`` (gnapp/packages/commune.py)."""

from __future__ import annotations

from pathlib import Path

from gnapp.core.vietnamese import format_timestamp
from gnapp.i18n import tr, tr_noop
from gnapp.packages import commune
from gnapp.packages.keys import (
    AGREEMENT,
    MIN_PASSPHRASE,
    PUBLIC_KEY_SUFFIX,
    KeyChange,
    KeyProblem,
    PublicKey,
    check_new_passphrase,
    passphrase_strength,
    read_public_key,
    same_fingerprint,
    write_key_change,
)
from gnapp.store.database import CommuneDatabase
from gnapp.ui.qt import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from gnapp.ui.report_wizard import choose_folder
from gnapp.ui.widgets import busy, error_label, show_error, wrapped

LOST_PASSPHRASE = tr_noop(
    "Không ai lấy lại được mật khẩu này, kể cả người làm phần mềm: nếu quên, xã phải tạo khóa "
    "mới và cơ quan nhận phải đăng ký lại. Hãy ghi ra giấy và cất nơi an toàn."
)
REPLACING = tr_noop(
    "Xã đã có khóa ký ({fingerprint}, tạo lúc {created}). Chỉ tạo khóa mới khi đã quên mật "
    "khẩu: khóa cũ bị bỏ, cơ quan nhận sẽ từ chối các gói ký bằng khóa mới cho đến khi đăng ký "
    "lại khóa mới (gửi tệp khóa công khai mới và đọc dấu vân tay qua điện thoại). Còn nhớ mật "
    "khẩu thì dùng “Đổi khóa ký…”: cơ quan nhận chỉ cần nhận tệp đổi khóa."
)


def buttons(accept: str) -> QDialogButtonBox:
    """OK (named ``accept``) and Qt's own Cancel, translated with Qt's texts."""
    standard = QDialogButtonBox.StandardButton
    box = QDialogButtonBox(standard.Ok | standard.Cancel)
    box.button(standard.Ok).setText(accept)
    return box


def secret_field(name: str) -> QLineEdit:
    field = QLineEdit(objectName=name)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


class PassphraseFields(QWidget):
    """A new key passphrase typed twice, with a hint of its strength as it is typed."""

    def __init__(self, parent: QWidget | None = None, *, new: bool = False) -> None:
        super().__init__(parent)
        self.first = secret_field("passphrase")
        self.repeat = secret_field("passphrase_repeat")
        self.strength = QLabel(objectName="strength")
        self.first.textChanged.connect(self._show_strength)
        self.form = QFormLayout(self)  # a dialog may add its own rows, aligned with these
        self.form.setContentsMargins(0, 0, 0, 0)
        first = (
            tr("Mật khẩu khóa mới (ít nhất {count} ký tự):", count=MIN_PASSPHRASE)
            if new
            else tr("Mật khẩu khóa (ít nhất {count} ký tự):", count=MIN_PASSPHRASE)
        )
        self.form.addRow(first, self.first)
        self.form.addRow(tr("Nhập lại mật khẩu khóa:"), self.repeat)
        self.form.addRow(tr("Độ mạnh:"), self.strength)
        self._show_strength()

    def _show_strength(self) -> None:
        text = self.first.text()
        self.strength.setText(passphrase_strength(text) if text else "")

    def passphrase(self) -> str:
        return self.first.text()

    def problems(self) -> list[str]:
        try:
            check_new_passphrase(self.first.text())
        except KeyProblem as error:
            return [str(error)]
        if self.first.text() != self.repeat.text():
            return [tr("Hai lần nhập mật khẩu khóa không giống nhau.")]
        return []


class CreateKeyDialog(QDialog):
    """Create the commune's signing key (replacing the current one only when confirmed)."""

    def __init__(self, cdb: CommuneDatabase, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cdb = cdb
        self.key: commune.SigningKey | None = None
        self.current = commune.current_signing_key(cdb.db)
        self.setWindowTitle(tr("Tạo khóa ký của xã"))
        self.fields = PassphraseFields()
        self.error = error_label()
        self.replace = QCheckBox(tr("Tôi hiểu: bỏ khóa cũ, tạo khóa mới"), objectName="replace")
        layout = QVBoxLayout(self)
        layout.addWidget(
            wrapped(
                tr(
                    "Khóa ký dùng để ký các gói báo cáo gửi cấp trên: cơ quan nhận biết chắc gói "
                    "do xã lập và không bị sửa. Khóa được cất trong tệp dữ liệu, bảo vệ bằng mật "
                    "khẩu riêng (khác mật khẩu đăng nhập)."
                )
            )
        )
        if self.current is not None:
            warning = wrapped(
                tr(
                    REPLACING,
                    fingerprint=self.current.public.fingerprint,
                    created=format_timestamp(self.current.created_at),
                ),
                "warning",
            )
            warning.setStyleSheet("color: #8a4b00;")
            layout.addWidget(warning)
            layout.addWidget(self.replace)
        layout.addWidget(self.fields)
        layout.addWidget(wrapped(tr(LOST_PASSPHRASE), "lost"))
        layout.addWidget(self.error)
        box = buttons(tr("Tạo khóa"))
        box.accepted.connect(self.create)
        box.rejected.connect(self.reject)
        layout.addWidget(box)
        self.resize(560, self.sizeHint().height())

    def create(self) -> None:
        found = self.fields.problems()
        if self.current is not None and not self.replace.isChecked():
            found.insert(0, tr("Xã đã có khóa ký: hãy đánh dấu ô xác nhận bỏ khóa cũ."))
        if found:
            show_error(self.error, "\n".join(found))
            return
        try:
            with busy():
                self.key = commune.create_signing_key(
                    self.cdb, self.fields.passphrase(), replace=self.current is not None
                )
        except KeyProblem as error:
            show_error(self.error, str(error))
            return
        self.accept()


class FingerprintCheck(QWidget):
    """The receiving office's public key file and the fingerprint its staff read out by phone;
    ``key()`` is the key only once both match (the check of ``gnapp key office``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.file = QLineEdit(objectName="office_key_file")
        self.file.setPlaceholderText(tr("tệp khóa-ma-hoa-….gnpub do cơ quan nhận gửi"))
        browse = QPushButton(tr("Chọn tệp…"))
        browse.clicked.connect(self.browse)
        self.owner = QLabel(objectName="owner")
        self.owner.setWordWrap(True)
        self.typed = QLineEdit(objectName="typed_fingerprint")
        self.typed.setPlaceholderText("XXXXX-XXXXX-XXXXX-XXXXX")
        self.file.textChanged.connect(self._show_owner)
        row = QHBoxLayout()
        row.addWidget(self.file, 1)
        row.addWidget(browse)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(tr("Tệp khóa công khai:"), row)
        form.addRow(tr("Khóa của:"), self.owner)
        form.addRow(tr("Dấu vân tay đọc qua điện thoại:"), self.typed)

    def browse(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self,
            tr("Chọn tệp khóa công khai của cơ quan nhận"),
            self.file.text() or str(Path.home()),
            tr("Khóa công khai GNApp (*{suffix})", suffix=PUBLIC_KEY_SUFFIX),
        )
        if chosen:
            self.file.setText(chosen)

    def read(self) -> PublicKey:
        """The key in the chosen file (KeyProblem with the reason otherwise)."""
        text = self.file.text().strip()
        if not text:
            raise KeyProblem(tr("Chưa chọn tệp khóa công khai của cơ quan nhận."))
        try:
            data = Path(text).read_bytes()
        except OSError as error:
            raise KeyProblem(
                tr("Không đọc được tệp {path}: {reason}", path=text, reason=error.strerror)
            ) from None
        return read_public_key(data, AGREEMENT)

    def _show_owner(self) -> None:
        try:
            self.owner.setText(self.read().owner_name)
        except KeyProblem as error:
            self.owner.setText(str(error) if self.file.text().strip() else "")

    def key(self) -> PublicKey:
        """The key, once the typed fingerprint is its own; KeyProblem otherwise."""
        key = self.read()
        if not self.typed.text().strip():
            raise KeyProblem(
                tr("Hãy gọi điện cho cơ quan nhận, nhờ đọc dấu vân tay khóa và gõ vào ô trên.")
            )
        if not same_fingerprint(self.typed.text(), key.fingerprint):
            raise KeyProblem(
                tr(
                    "Dấu vân tay không khớp: khóa chưa được lưu. Hãy kiểm tra lại từng ký tự với "
                    "cơ quan nhận; nếu vẫn khác, tệp có thể không phải của họ — đừng dùng tệp này."
                )
            )
        return key


class OfficeKeyDialog(QDialog):
    """Keep the receiving office's public key, after the fingerprint check."""

    def __init__(self, cdb: CommuneDatabase, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cdb = cdb
        self.key: PublicKey | None = None
        self.setWindowTitle(tr("Nhập khóa của cơ quan nhận báo cáo"))
        self.check = FingerprintCheck()
        self.error = error_label()
        layout = QVBoxLayout(self)
        layout.addWidget(
            wrapped(
                tr(
                    "Cơ quan nhận (huyện, tỉnh) gửi tệp khóa công khai để xã mã hóa gói báo cáo "
                    "cho họ. Gọi điện cho cán bộ của cơ quan nhận, nhờ đọc dấu vân tay khóa "
                    "(20 chữ và số) và gõ lại ở đây: có khớp thì khóa mới được lưu."
                )
            )
        )
        current = commune.office_key(cdb.db)
        if current is not None:
            layout.addWidget(
                wrapped(
                    tr(
                        "Khóa đang dùng: {name} ({fingerprint}); khóa mới sẽ thay khóa này.",
                        name=current.owner_name,
                        fingerprint=current.fingerprint,
                    ),
                    "current",
                )
            )
        layout.addWidget(self.check)
        layout.addWidget(self.error)
        box = buttons(tr("Lưu khóa"))
        box.accepted.connect(self.save)
        box.rejected.connect(self.reject)
        layout.addWidget(box)
        self.resize(620, self.sizeHint().height())

    def save(self) -> None:
        try:
            key = self.check.key()
            commune.set_office_key(self.cdb, key)
        except KeyProblem as error:
            show_error(self.error, str(error))
            return
        self.key = key
        self.accept()


class ChangeKeyDialog(QDialog):
    """Change the signing key while its passphrase is known: the key-change file for the
    office is written to a chosen folder."""

    def __init__(
        self, cdb: CommuneDatabase, folder: Path | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.cdb = cdb
        self.change: KeyChange | None = None
        self.path: Path | None = None
        current = commune.require_signing_key(cdb.db)
        self.setWindowTitle(tr("Đổi khóa ký của xã"))
        self.old = secret_field("old_passphrase")
        self.fields = PassphraseFields(new=True)
        self.folder = QLineEdit(str(folder) if folder else "", objectName="folder")
        browse = QPushButton(tr("Chọn…"))
        browse.clicked.connect(self.browse)
        self.error = error_label()
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        self.fields.form.insertRow(0, tr("Mật khẩu khóa hiện tại:"), self.old)
        self.fields.form.addRow(tr("Ghi tệp đổi khóa vào thư mục:"), row)
        layout = QVBoxLayout(self)
        layout.addWidget(
            wrapped(
                tr(
                    "Đổi khóa khi còn nhớ mật khẩu (ví dụ đổi người giữ mật khẩu). Khóa hiện tại "
                    "({fingerprint}) ký xác nhận khóa mới vào một tệp đổi khóa (.gnkeychange): "
                    "gửi tệp đó cho cơ quan nhận và đọc dấu vân tay khóa mới qua điện thoại. "
                    "Các gói lập sau đó ký bằng khóa mới.",
                    fingerprint=current.public.fingerprint,
                )
            )
        )
        layout.addWidget(self.fields)
        layout.addWidget(wrapped(tr(LOST_PASSPHRASE), "lost"))
        layout.addWidget(self.error)
        box = buttons(tr("Đổi khóa"))
        box.accepted.connect(self.change_key)
        box.rejected.connect(self.reject)
        layout.addWidget(box)
        self.resize(600, self.sizeHint().height())

    def browse(self) -> None:
        chosen = choose_folder(self, tr("Chọn thư mục ghi tệp đổi khóa"))
        if chosen is not None:
            self.folder.setText(str(chosen))

    def change_key(self) -> None:
        found = [] if self.old.text() else [tr("Chưa nhập mật khẩu khóa hiện tại.")]
        found += self.fields.problems()
        folder = Path(self.folder.text().strip()) if self.folder.text().strip() else None
        if folder is None or not folder.is_dir():
            found.append(tr("Hãy chọn thư mục (hoặc ổ USB) có sẵn để ghi tệp đổi khóa."))
        if found:
            show_error(self.error, "\n".join(found))
            return
        try:
            with busy():
                change = commune.change_signing_key(
                    self.cdb, self.old.text(), self.fields.passphrase()
                )
        except KeyProblem as error:
            show_error(self.error, str(error))
            return
        self.change = change
        try:
            self.path = write_key_change(change, folder)
        except KeyProblem as error:
            # The key is changed already; the statement stays in the database (signing_keys).
            show_error(
                self.error,
                tr(
                    "Đã đổi khóa nhưng không ghi được tệp đổi khóa: {reason}. Đóng cửa sổ này "
                    "rồi bấm “Ghi lại tệp đổi khóa…” để ghi vào thư mục khác.",
                    reason=error,
                ),
            )
            return
        self.accept()
