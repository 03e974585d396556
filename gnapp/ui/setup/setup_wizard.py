"""The first-run wizard: set up the commune (identity, villages, administrator, optionally the
signing key and the receiving office's key, document signer, where the data file lives), or
open the demo commune to look around first."""

from __future__ import annotations

from pathlib import Path

from gnapp.core.official import signer_titles, signing_marks
from gnapp.core.vietnamese import fold
from gnapp.i18n import tr
from gnapp.packages.commune import setup_keys
from gnapp.packages.keys import KeyProblem, PublicKey
from gnapp.paths import user_data_dir
from gnapp.store import users
from gnapp.store.database import CommuneDatabase
from gnapp.store.errors import DatabaseError
from gnapp.store.roles import COMMUNE_ROLES
from gnapp.store.setup import (
    CommuneIdentity,
    DocumentSettings,
    VillageEntry,
    create_commune_database,
    village_problems,
)
from gnapp.ui.common.discard_guard import AsksBeforeDiscarding
from gnapp.ui.common.key_fields import LOST_PASSPHRASE, FingerprintCheck, PassphraseFields
from gnapp.ui.common.qt import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSize,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)
from gnapp.ui.common.sign_in import AdminPage
from gnapp.ui.common.widgets import CheckedPage
from gnapp.ui.common.window_size import fit_window
from gnapp.ui.setup.commune_fields import CommuneIdentityFields, VillagesTable


class ModePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(tr("Chào mừng đến với GNApp"))
        self.setSubTitle(
            tr(
                "Phần mềm quản lý Chương trình mục tiêu quốc gia giảm nghèo bền vững. Máy tính "
                "này chưa có dữ liệu nào: chọn nơi dùng GNApp."
            )
        )
        self.commune = QRadioButton(
            tr("Xã/phường (lập và gửi báo cáo): thiết lập dữ liệu cho xã, phường của tôi"),
            checked=True,
        )
        self.office = QRadioButton(
            tr("Cơ quan nhận báo cáo (huyện/tỉnh: nhận, kiểm tra, tổng hợp)"), objectName="office"
        )
        self.demo = QRadioButton(
            tr("Mở xã mẫu để làm quen trước (dữ liệu giả định, không phải thật)")
        )
        layout = QVBoxLayout(self)
        for choice in (self.commune, self.office, self.demo):
            layout.addWidget(choice)
        layout.addStretch(1)

    def nextId(self) -> int:
        return -1 if self.isFinalPage() else super().nextId()

    def isFinalPage(self) -> bool:
        """The demo opens at once; an office is created by the office wizard (office_setup)."""
        return self.demo.isChecked() or self.office.isChecked()


class IdentityPage(CheckedPage):
    def __init__(self) -> None:
        super().__init__(
            tr("Thông tin xã, phường"),
            tr("Dùng cho phần đầu văn bản, báo cáo và để cấp trên nhận biết dữ liệu của xã."),
        )
        self.fields = CommuneIdentityFields()
        self.fields.form.addRow(self.error)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.fields)

    def identity(self) -> CommuneIdentity:
        return self.fields.identity()

    def problems(self) -> list[str]:
        return self.identity().problems()


class VillagesPage(CheckedPage):
    def __init__(self) -> None:
        super().__init__(
            tr("Các thôn, tổ dân phố"),
            tr(
                "Mỗi dòng một thôn hoặc tổ dân phố, với khu vực nông thôn hay thành thị (chuẩn "
                "nghèo khác nhau theo khu vực). Có thể thêm sau trong phần mềm."
            ),
        )
        self.table = VillagesTable()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.resizeSection(0, 90)
        header.resizeSection(2, 130)
        add = QPushButton(tr("Thêm thôn"))
        remove = QPushButton(tr("Xóa dòng đang chọn"))
        add.clicked.connect(lambda: self.add_row())
        remove.clicked.connect(self.remove_row)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.error)
        self.add_row()

    def add_row(self, code: str = "", name: str = "", area: str = "rural") -> None:
        row = self.table.add_row(code or f"{self.table.rowCount() + 1:02d}", name, area)
        self.table.setCurrentCell(row, 1)

    def remove_row(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        for row in rows:
            self.table.removeRow(row)

    def villages(self) -> list[VillageEntry]:
        entries = (self.table.entry(row) for row in range(self.table.rowCount()))
        return [entry for entry in entries if entry.code or entry.name]  # empty rows left out

    def problems(self) -> list[str]:
        return village_problems(self.villages())


class SigningKeyPage(CheckedPage):
    """Optional: the commune's signing key, created with the database."""

    def __init__(self) -> None:
        super().__init__(
            tr("Khóa ký số"),
            tr(
                "Khóa ký dùng để ký các gói báo cáo gửi cấp trên, bảo vệ bằng một mật khẩu riêng "
                "do lãnh đạo giữ. Có thể tạo sau ở mục “Gửi cấp trên”."
            ),
        )
        self.now = QRadioButton(tr("Tạo khóa ký ngay"), objectName="key_now")
        self.later = QRadioButton(tr("Để sau"), objectName="key_later", checked=True)
        self.fields = PassphraseFields()
        self.lost = QLabel(tr(LOST_PASSPHRASE))
        self.lost.setWordWrap(True)
        self.now.toggled.connect(self._show_fields)
        layout = QVBoxLayout(self)
        layout.addWidget(self.now)
        layout.addWidget(self.later)
        layout.addWidget(self.fields)
        layout.addWidget(self.lost)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self._show_fields()

    def _show_fields(self) -> None:
        for widget in (self.fields, self.lost):
            widget.setVisible(self.now.isChecked())

    def passphrase(self) -> str | None:
        return self.fields.passphrase() if self.now.isChecked() else None

    def problems(self) -> list[str]:
        return self.fields.problems() if self.now.isChecked() else []


class OfficeKeyPage(CheckedPage):
    """Optional: the receiving office's public key, kept once its fingerprint matched."""

    def __init__(self) -> None:
        super().__init__(
            tr("Khóa của cơ quan nhận báo cáo"),
            tr(
                "Nếu cơ quan nhận (huyện, tỉnh) đã gửi tệp khóa công khai (.gnpub): chọn tệp, gọi "
                "điện nhờ họ đọc dấu vân tay và gõ lại. Có thể làm sau ở mục “Gửi cấp trên”."
            ),
        )
        self.now = QRadioButton(tr("Nhập khóa của cơ quan nhận ngay"), objectName="office_now")
        self.later = QRadioButton(tr("Để sau"), objectName="office_later", checked=True)
        self.check = FingerprintCheck()
        self.now.toggled.connect(self.check.setVisible)
        layout = QVBoxLayout(self)
        layout.addWidget(self.now)
        layout.addWidget(self.later)
        layout.addWidget(self.check)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.check.hide()

    def key(self) -> PublicKey | None:
        return self.check.key() if self.now.isChecked() else None

    def problems(self) -> list[str]:
        try:
            self.key()
        except KeyProblem as error:
            return [str(error)]
        return []


class DocumentPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(tr("Người ký văn bản"))
        self.setSubTitle(
            tr(
                "Khối chữ ký ở cuối báo cáo. Có thể để trống họ tên để ký tay; đổi được khi lập "
                "từng báo cáo."
            )
        )
        self.signer_name = QLineEdit(objectName="signer_name")
        self.signer_title = QComboBox(objectName="signer_title")
        self.signer_title.addItems(list(signer_titles()))
        self.preview = QLabel(objectName="signature_preview")
        self.signer_title.currentTextChanged.connect(self._show_marks)
        self.signer_name.textChanged.connect(self._show_marks)
        form = QFormLayout(self)
        form.addRow(tr("Chức danh người ký:"), self.signer_title)
        form.addRow(tr("Họ và tên người ký:"), self.signer_name)
        form.addRow(tr("Khối chữ ký:"), self.preview)
        self._show_marks()

    def settings(self) -> DocumentSettings:
        return DocumentSettings.signed_by(self.signer_name.text(), self.signer_title.currentText())

    def _show_marks(self) -> None:
        chosen = self.settings()
        lines = [
            *signing_marks("report", chosen.signer_title),
            chosen.signer_title,
            "",
            chosen.signer_name or tr("(ký tay)"),
        ]
        self.preview.setText("<br>".join(f"<b>{line}</b>" if line else "" for line in lines))


class FilePage(CheckedPage):
    def __init__(self) -> None:
        super().__init__(
            tr("Nơi lưu dữ liệu"),
            tr(
                "Toàn bộ dữ liệu của xã nằm trong một tệp. Phần mềm tự sao lưu tệp này mỗi ngày "
                "và khi đóng."
            ),
        )
        self.path = QLineEdit(objectName="path")
        browse = QPushButton(tr("Chọn…"))
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("Tệp dữ liệu của xã:")))
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addStretch(1)

    def initializePage(self) -> None:
        identity = self.wizard().identity_page.identity()
        if not self.path.text():
            stem = fold(identity.name).replace(" ", "-") or "xa"
            self.path.setText(str(user_data_dir() / f"{identity.code}-{stem}.gnapp"))

    def browse(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(
            self, tr("Lưu dữ liệu xã vào"), self.path.text(), tr("Dữ liệu GNApp (*.gnapp)")
        )
        if chosen:
            self.path.setText(chosen if chosen.endswith(".gnapp") else f"{chosen}.gnapp")

    def problems(self) -> list[str]:
        text = self.path.text().strip()
        if not text:
            return [tr("Chưa chọn nơi lưu tệp dữ liệu.")]
        if Path(text).exists():
            return [
                tr(
                    "Đã có tệp {path}: hãy chọn tên khác (GNApp không ghi đè dữ liệu có sẵn).",
                    path=text,
                )
            ]
        return []

    def validatePage(self) -> bool:
        if not super().validatePage():
            return False
        return self.wizard().create()


class SetupWizard(AsksBeforeDiscarding, QWizard):
    """After ``exec``: ``open_demo`` or ``create_office`` is set, or ``cdb`` holds the new
    commune's database with its administrator signed in as ``user``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("GNApp — Thiết lập lần đầu"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, False)
        self.cdb: CommuneDatabase | None = None
        self.user: users.User | None = None
        self.mode_page = ModePage()
        self.identity_page = IdentityPage()
        self.villages_page = VillagesPage()
        self.admin_page = AdminPage(
            tr(
                "Người quản trị thêm tài khoản cho cán bộ nhập liệu và lãnh đạo phê duyệt, thay "
                "đổi cài đặt và phục hồi dữ liệu. Hãy ghi nhớ mật khẩu: không ai lấy lại được."
            ),
            ("admin", "clerk"),
            {"approver": COMMUNE_ROLES.first_admin_roles["approver"]},
        )
        self.signing_key_page = SigningKeyPage()
        self.office_key_page = OfficeKeyPage()
        self.document_page = DocumentPage()
        self.file_page = FilePage()
        for page in (
            self.mode_page,
            self.identity_page,
            self.villages_page,
            self.admin_page,
            self.signing_key_page,
            self.office_key_page,
            self.document_page,
            self.file_page,
        ):
            self.addPage(page)
        self.setButtonText(QWizard.WizardButton.FinishButton, tr("Hoàn tất"))
        for choice in (self.mode_page.office, self.mode_page.demo):
            choice.toggled.connect(self._mode_chosen)
        fit_window(self, QSize(760, 560))

    @property
    def open_demo(self) -> bool:
        return self.mode_page.demo.isChecked()

    @property
    def create_office(self) -> bool:
        """The receiving office was chosen: the office wizard creates it next."""
        return self.mode_page.office.isChecked()

    def _mode_chosen(self) -> None:
        self.setButtonText(
            QWizard.WizardButton.FinishButton,
            tr("Tiếp >") if self.create_office else tr("Hoàn tất"),
        )
        if self.currentPage() is self.mode_page:
            self.restart()  # QWizard chooses between Next and Finish only on entering a page

    def create(self) -> bool:
        path = Path(self.file_page.path.text().strip())
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.cdb = create_commune_database(
                path,
                self.identity_page.identity(),
                self.villages_page.villages(),
                self.admin_page.account(),
                self.document_page.settings(),
                keys=setup_keys(self.signing_key_page.passphrase(), self.office_key_page.key()),
            )
        except (DatabaseError, KeyProblem, OSError) as error:
            self.file_page.error.setText(tr("Không tạo được dữ liệu: {reason}", reason=error))
            self.file_page.error.show()
            return False
        self.user = users.get_user(self.cdb.db, self.admin_page.account().username)
        return True
