"""The office open in the window: its database, the user signed in and, once the passphrase was
typed, its key (kept in memory only for the session, never the passphrase)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from gnapp.i18n import tr
from gnapp.office.registry import (
    unlock_office_key,
)
from gnapp.office.store.database import OfficeDatabase
from gnapp.packages.keys import (
    KeyProblem,
)
from gnapp.store.users import User
from gnapp.ui.common.key_fields import secret_field
from gnapp.ui.common.qt import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSize,
    QWidget,
)
from gnapp.ui.common.widgets import busy, error_label
from gnapp.ui.common.window_size import fit_window


class PassphraseDialog(QDialog):
    """Asks for the office key's passphrase (hidden) and unlocks the key."""

    def __init__(self, parent: QWidget | None, office: OfficeDatabase) -> None:
        super().__init__(parent)
        self.office = office
        self.key: X25519PrivateKey | None = None
        self.setWindowTitle(tr("Mở khóa của cơ quan"))
        intro = QLabel(
            tr(
                "Các gói báo cáo được mã hóa bằng khóa của cơ quan. Nhập mật khẩu khóa một lần; "
                "phần mềm giữ khóa đã mở trong bộ nhớ đến khi đóng cửa sổ."
            )
        )
        intro.setWordWrap(True)
        self.passphrase = secret_field("passphrase")
        self.error = error_label()
        buttons = QDialogButtonBox()
        buttons.addButton(tr("Mở khóa"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(tr("Hủy"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(intro)
        form.addRow(tr("Mật khẩu khóa:"), self.passphrase)
        form.addRow(self.error)
        form.addRow(buttons)
        fit_window(self, QSize(460, self.sizeHint().height()))

    def accept(self) -> None:
        try:
            with busy():
                self.key = unlock_office_key(self.office, self.passphrase.text())
        except KeyProblem as problem:
            self.error.setText(str(problem))
            self.error.show()
            self.passphrase.selectAll()
            return
        super().accept()


@dataclass
class OfficeSession:
    """The office open in the window: its database (GUI thread), the user signed in and, once
    unlocked, its key."""

    path: Path
    office: OfficeDatabase
    user: User
    key: X25519PrivateKey | None = None

    def unlock(self, parent: QWidget | None) -> X25519PrivateKey | None:
        """The office key, asking for the passphrase the first time; None when cancelled."""
        if self.key is None:
            dialog = PassphraseDialog(parent, self.office)
            if dialog.exec():
                self.key = dialog.key
        return self.key
