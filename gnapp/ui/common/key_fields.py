"""The fields of a commune key shared by the first run and the keys dialogs: a new passphrase
typed twice, and the receiving office's key checked against the fingerprint read out by phone."""

from __future__ import annotations

from pathlib import Path

from gnapp.core.input_files import read_bytes
from gnapp.core.passphrase import MIN_PASSPHRASE
from gnapp.i18n import tr, tr_noop
from gnapp.packages.keys import (
    AGREEMENT,
    MAX_KEY_FILE_BYTES,
    PUBLIC_KEY_SUFFIX,
    KeyProblem,
    PublicKey,
    check_new_passphrase,
    passphrase_strength,
    read_public_key,
    same_fingerprint,
)
from gnapp.ui.common.qt import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

LOST_PASSPHRASE = tr_noop(
    "Không ai lấy lại được mật khẩu này, kể cả người làm phần mềm: nếu quên, xã phải tạo khóa "
    "mới và cơ quan nhận phải đăng ký lại. Hãy ghi ra giấy và cất nơi an toàn."
)


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
            data = read_bytes(Path(text), MAX_KEY_FILE_BYTES)
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
