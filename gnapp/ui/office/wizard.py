"""Creating a receiving office (``.gnoffice``): its identity for the documents it issues, its
first administrator, where its data lives and the passphrase of its key, then the key's
fingerprint to read out to the communes and its public key file to send them (the fields of
``gnapp office create``)."""

from __future__ import annotations

from pathlib import Path

from gnapp.core.passphrase import DEFAULT_KDF, MIN_PASSPHRASE
from gnapp.core.vietnamese import fold
from gnapp.data import read_form_json
from gnapp.i18n import tr, tr_noop
from gnapp.office.registry import create_office, office_public_key
from gnapp.office.store.database import (
    OFFICE_KINDS,
    OFFICE_ROLES,
    SUFFIX,
    OfficeIdentity,
    open_office,
)
from gnapp.packages.keys import (
    KeyProblem,
    check_new_passphrase,
)
from gnapp.paths import user_data_dir
from gnapp.progress import Progress
from gnapp.store.errors import DatabaseError
from gnapp.store.roles import ADMIN
from gnapp.store.users import DEFAULT_COST
from gnapp.ui.common.discard_guard import AsksBeforeDiscarding
from gnapp.ui.common.jobs import wait_for
from gnapp.ui.common.key_fields import secret_field
from gnapp.ui.common.qt import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSize,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)
from gnapp.ui.common.sign_in import AdminPage
from gnapp.ui.common.widgets import CheckedPage
from gnapp.ui.common.window_size import fit_window
from gnapp.ui.office.common import fingerprint_label
from gnapp.ui.office.communes import export_office_key

KDF = DEFAULT_KDF  # how the office key's passphrase is stretched (tests make it cheap)
COST = DEFAULT_COST  # how the administrator's password is hashed (tests make it cheap)


class OfficeIdentityPage(CheckedPage):
    FIELDS = (
        ("name", tr_noop("Tên cơ quan trong văn bản:"), tr_noop("ví dụ: UBND tỉnh Quảng Ngãi")),
        (
            "parent_body",
            tr_noop("Cơ quan chủ quản (dòng trên):"),
            tr_noop("ví dụ: UBND TỈNH QUẢNG NGÃI"),
        ),
        (
            "office",
            tr_noop("Tên cơ quan (dòng dưới):"),
            tr_noop("ví dụ: SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG"),
        ),
        ("place", tr_noop("Địa danh ghi ngày tháng:"), tr_noop("ví dụ: Quảng Ngãi")),
        ("area", tr_noop("Địa bàn tổng hợp:"), tr_noop("ví dụ: tỉnh Quảng Ngãi")),
    )

    def __init__(self) -> None:
        super().__init__(
            tr("Thông tin cơ quan nhận báo cáo"),
            tr(
                "Dùng cho phần đầu và khối chữ ký của báo cáo tổng hợp; tên cơ quan có trong "
                "tệp khóa gửi các xã."
            ),
        )
        form = QFormLayout(self)
        # made in the order they stand, so that Tab goes down the page
        self.kind = QComboBox(objectName="kind")
        for code, word in OFFICE_KINDS.items():
            self.kind.addItem(tr("Cấp {word}", word=tr(word)), code)
        self.kind.setCurrentIndex(list(OFFICE_KINDS).index("province"))
        form.addRow(tr("Cấp cơ quan:"), self.kind)
        self.fields: dict[str, QLineEdit] = {}
        for name, label, example in self.FIELDS:
            self.fields[name] = QLineEdit(objectName=name, placeholderText=tr(example))
            form.addRow(tr(label), self.fields[name])
        self.province = QComboBox(objectName="province", editable=True)
        provinces = read_form_json("reference", "province-codes.json")["provinces"]
        self.province.addItems(sorted((p["name"] for p in provinces), key=fold))
        self.province.setCurrentIndex(-1)
        self.symbol = QLineEdit("BC", objectName="symbol")
        self.signer_title = QLineEdit(OfficeIdentity.signer_title, objectName="signer_title")
        self.signer_name = QLineEdit(
            objectName="signer_name", placeholderText=tr("có thể để trống")
        )
        form.addRow(tr("Tỉnh, thành phố:"), self.province)
        form.addRow(tr("Ký hiệu văn bản:"), self.symbol)
        form.addRow(tr("Chức danh người ký:"), self.signer_title)
        form.addRow(tr("Họ và tên người ký:"), self.signer_name)
        form.addRow(self.error)

    def identity(self) -> OfficeIdentity:
        def text(widget: QLineEdit) -> str:
            return " ".join(widget.text().split())

        return OfficeIdentity(
            **{name: text(field) for name, field in self.fields.items()},
            kind=self.kind.currentData(),
            province=" ".join(self.province.currentText().split()),
            symbol=text(self.symbol) or "BC",
            signer_title=text(self.signer_title),
            signer_name=text(self.signer_name),
        )

    def problems(self) -> list[str]:
        identity = self.identity()
        labels = dict((name, label) for name, label, _ in self.FIELDS)
        found = [
            tr("Chưa nhập: {field}", field=tr(labels[name]).rstrip(":"))
            for name in labels
            if not getattr(identity, name)
        ]
        if not identity.province:
            found.append(tr("Chưa chọn tỉnh, thành phố."))
        if not identity.signer_title:
            found.append(tr("Chưa nhập chức danh người ký."))
        return found


class OfficeFilePage(CheckedPage):
    """Where the office's data lives and its key's passphrase; going on creates the office."""

    def __init__(
        self, identity_page: OfficeIdentityPage, admin_page: AdminPage, path: Path | None = None
    ) -> None:
        super().__init__(
            tr("Nơi lưu dữ liệu và mật khẩu khóa"),
            tr(
                "Dữ liệu của cơ quan (các xã, các gói đã nhận, cả danh sách hộ) nằm trong một "
                "tệp: hãy bảo quản như hồ sơ. Khóa của cơ quan được bảo vệ bằng mật khẩu; mất "
                "mật khẩu thì các xã phải nhận khóa mới."
            ),
        )
        self.identity_page = identity_page
        self.admin_page = admin_page
        self.created: Path | None = None
        self.setCommitPage(True)  # the office exists once this page is left
        self.setButtonText(QWizard.WizardButton.CommitButton, tr("Tạo dữ liệu cơ quan"))
        self.path = QLineEdit(str(path) if path else "", objectName="path")
        browse = QPushButton(tr("Chọn…"))
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.passphrase = secret_field("passphrase")
        self.repeat = secret_field("repeat")
        form = QFormLayout(self)
        form.addRow(tr("Tệp dữ liệu của cơ quan:"), row)
        form.addRow(
            tr("Mật khẩu khóa (ít nhất {count} ký tự):", count=MIN_PASSPHRASE), self.passphrase
        )
        form.addRow(tr("Nhập lại mật khẩu:"), self.repeat)
        form.addRow(self.error)

    def initializePage(self) -> None:
        if not self.path.text():
            stem = fold(self.identity_page.identity().name).replace(" ", "-") or "co-quan"
            self.path.setText(str(user_data_dir() / f"{stem}{SUFFIX}"))

    def browse(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(
            self,
            tr("Lưu dữ liệu cơ quan vào"),
            self.path.text(),
            tr("Dữ liệu cơ quan nhận báo cáo (*.gnoffice)"),
        )
        if chosen:
            self.path.setText(chosen if chosen.endswith(SUFFIX) else f"{chosen}{SUFFIX}")

    def problems(self) -> list[str]:
        found = []
        text = self.path.text().strip()
        if not text:
            found.append(tr("Chưa chọn nơi lưu tệp dữ liệu."))
        elif Path(text).exists():
            found.append(
                tr(
                    "Đã có tệp {path}: hãy chọn tên khác (GNApp không ghi đè dữ liệu có sẵn).",
                    path=text,
                )
            )
        try:
            check_new_passphrase(self.passphrase.text())
        except KeyProblem as problem:
            found.append(str(problem))
        else:
            if self.passphrase.text() != self.repeat.text():
                found.append(tr("Hai lần nhập mật khẩu không giống nhau."))
        return found

    def validatePage(self) -> bool:
        if not super().validatePage():
            return False
        path = Path(self.path.text().strip())
        identity, passphrase = self.identity_page.identity(), self.passphrase.text()
        admin = self.admin_page.account()

        def work(progress: Progress) -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            create_office(path, identity, passphrase, admin, kdf=KDF, cost=COST).close()

        outcome, value = wait_for(self, tr("Tạo dữ liệu cơ quan"), tr("Đang tạo khóa…"), work)
        if outcome == "error":
            self.error.setText(tr("Không tạo được dữ liệu: {reason}", reason=value))
            self.error.show()
            return False
        if outcome != "result":
            return False
        self.created = path
        return True


class OfficeKeyPage(QWizardPage):
    """The new office's key: its fingerprint and the file to send the communes."""

    def __init__(self, file_page: OfficeFilePage) -> None:
        super().__init__()
        self.file_page = file_page
        self.setTitle(tr("Khóa của cơ quan đã được tạo"))
        self.setSubTitle(
            tr(
                "Gửi tệp khóa công khai cho các xã (thư điện tử, USB). Khi xã nhập khóa, xã sẽ "
                "gọi điện để đối chiếu: đọc cho xã dấu vân tay dưới đây."
            )
        )
        self.fingerprint = fingerprint_label()
        export = QPushButton(tr("Xuất khóa của cơ quan…"))
        export.clicked.connect(self.export)
        self.exported = QLabel(objectName="exported")
        self.exported.setWordWrap(True)
        note = QLabel(
            tr(
                "Có thể xuất lại tệp khóa bất cứ lúc nào trong phần “Xã đã đăng ký”. Tiếp theo: "
                "đăng ký các xã bằng tệp khóa công khai (.gnpub) xã gửi lên."
            )
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("Dấu vân tay khóa của cơ quan:")))
        layout.addWidget(self.fingerprint)
        row = QHBoxLayout()
        row.addWidget(export)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.exported)
        layout.addWidget(note)
        layout.addStretch(1)

    def initializePage(self) -> None:
        assert self.file_page.created is not None
        with open_office(self.file_page.created) as office:
            self.fingerprint.setText(office_public_key(office).fingerprint)

    def export(self) -> None:
        assert self.file_page.created is not None
        try:
            with open_office(self.file_page.created) as office:
                path = export_office_key(self, office)
        except DatabaseError as error:
            self.exported.setText(str(error))
            return
        if path is not None:
            self.exported.setText(tr("Đã ghi {path}", path=path))


class OfficeWizard(AsksBeforeDiscarding, QWizard):
    """After ``exec``: ``path`` is the new office database (None when closed before)."""

    def __init__(self, parent: QWidget | None = None, path: Path | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("GNApp — Tạo dữ liệu cơ quan nhận báo cáo"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.identity_page = OfficeIdentityPage()
        self.admin_page = AdminPage(
            tr(
                "Người quản trị (lãnh đạo cơ quan) đăng ký, thay khóa của các xã và thêm tài "
                "khoản cho cán bộ tiếp nhận; người này cũng nhận gói và tổng hợp. Hãy ghi nhớ "
                "mật khẩu: không ai lấy lại được."
            ),
            (ADMIN,),
            OFFICE_ROLES.first_admin_roles,
        )
        self.file_page = OfficeFilePage(self.identity_page, self.admin_page, path)
        self.key_page = OfficeKeyPage(self.file_page)
        for page in (self.identity_page, self.admin_page, self.file_page, self.key_page):
            self.addPage(page)
        self.setButtonText(QWizard.WizardButton.FinishButton, tr("Mở cơ quan"))
        fit_window(self, QSize(760, 600))

    @property
    def path(self) -> Path | None:
        return self.file_page.created

    @property
    def username(self) -> str:
        """The first administrator's user name (signed in when the office opens)."""
        return self.admin_page.account().username
