"""The commune's keys in the GUI: create the signing key, export its public key, keep the
receiving office's key after the fingerprint read out by phone matched, change the key.
Each dialog calls the core function of ``gnapp key …`` (gnapp/packages/commune.py)."""

from __future__ import annotations

from pathlib import Path

from gnapp.core.vietnamese import format_timestamp
from gnapp.i18n import tr, tr_noop
from gnapp.packages import commune
from gnapp.packages.keys import (
    KeyChange,
    KeyProblem,
    PublicKey,
    write_key_change,
)
from gnapp.store.database import CommuneDatabase
from gnapp.ui.common.discard_guard import AsksBeforeDiscarding
from gnapp.ui.common.key_fields import (
    LOST_PASSPHRASE,
    FingerprintCheck,
    PassphraseFields,
    secret_field,
)
from gnapp.ui.common.messages import choose_folder
from gnapp.ui.common.qt import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSize,
    QVBoxLayout,
    QWidget,
)
from gnapp.ui.common.widgets import busy, error_label, show_error, wrapped
from gnapp.ui.common.window_size import fit_window

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


class CreateKeyDialog(AsksBeforeDiscarding, QDialog):
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
        fit_window(self, QSize(560, self.sizeHint().height()))

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


class OfficeKeyDialog(AsksBeforeDiscarding, QDialog):
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
        fit_window(self, QSize(620, self.sizeHint().height()))

    def save(self) -> None:
        try:
            key = self.check.key()
            commune.set_office_key(self.cdb, key)
        except KeyProblem as error:
            show_error(self.error, str(error))
            return
        self.key = key
        self.accept()


class ChangeKeyDialog(AsksBeforeDiscarding, QDialog):
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
        fit_window(self, QSize(600, self.sizeHint().height()))

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
