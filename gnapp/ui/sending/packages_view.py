"""The "Gửi cấp trên" area: the state of the commune's signing key and of the receiving
office's key (with what to do next), the packages built so far, and the actions on them."""

from __future__ import annotations

from pathlib import Path

from gnapp.core.vietnamese import format_timestamp
from gnapp.i18n import tr, tr_noop
from gnapp.packages.build import PackageError, sent_manifest
from gnapp.packages.commune import (
    SentPackage,
    current_key_change,
    current_signing_key,
    mail_recipient,
    office_key,
    require_signing_key,
    sent_packages,
)
from gnapp.packages.keys import KeyProblem, write_key_change, write_public_key
from gnapp.packages.mail import EmailDraft, email_draft
from gnapp.store import users
from gnapp.store.database import CommuneDatabase
from gnapp.ui.common.messages import choose_folder
from gnapp.ui.common.qt import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from gnapp.ui.common.widgets import add_list, fill_list, list_table, selected_row, wrapped
from gnapp.ui.sending.key_dialogs import ChangeKeyDialog, CreateKeyDialog, OfficeKeyDialog
from gnapp.ui.sending.package_dialog import (
    BuildPackageDialog,
    EmailDialog,
    last_folder,
    open_folder,
    package_folder,
    report_label,
)

COLUMNS = (
    tr_noop("Số gói"),
    tr_noop("Báo cáo"),
    tr_noop("Lập lúc"),
    tr_noop("Người ký"),
    tr_noop("Tệp"),
    tr_noop("Mã hóa"),
    tr_noop("Kèm danh sách hộ"),
)


def _yes_no(value: bool) -> str:
    return tr("Có") if value else tr("Không")


class PackagesView(QWidget):
    """Keys and packages of the open commune, for the signed-in ``user``."""

    changed = Signal()

    def __init__(self, cdb: CommuneDatabase, user: users.User | None) -> None:
        super().__init__()
        self.cdb = cdb
        self.user = user
        self.packages: list[SentPackage] = []
        self.dialog: BuildPackageDialog | None = None
        title = wrapped(
            tr(
                "<b>Gửi báo cáo lên cấp trên</b> — mỗi gói chứa một báo cáo đã lưu, có chữ ký số "
                "của xã; cơ quan nhận kiểm tra chữ ký trước khi nhận."
            )
        )
        self.signing_state = wrapped("", "signing_state")
        self.office_state = wrapped("", "office_state")
        self.permission_note = wrapped("", "permission_note")
        self.permission_note.setStyleSheet("color: #8a4b00;")
        self.create_button = QPushButton(tr("Tạo khóa ký…"))
        self.export_button = QPushButton(tr("Xuất khóa công khai…"))
        self.office_button = QPushButton(tr("Nhập khóa của cơ quan nhận…"))
        self.change_button = QPushButton(tr("Đổi khóa ký…"))
        self.change_file_button = QPushButton(tr("Ghi lại tệp đổi khóa…"))
        self.change_file_button.setToolTip(
            tr("Ghi lại tệp đổi khóa (.gnkeychange) của lần đổi khóa gần nhất để gửi cơ quan nhận")
        )
        self.change_file_button.clicked.connect(lambda: self.write_change_file())
        self.create_button.clicked.connect(lambda: self.create_key())
        self.export_button.clicked.connect(lambda: self.export_key())
        self.office_button.clicked.connect(lambda: self.import_office_key())
        self.change_button.clicked.connect(lambda: self.change_key())
        self.export_button.setToolTip(
            tr("Ghi tệp khóa công khai của xã ra thư mục hoặc USB để gửi cơ quan nhận đăng ký")
        )
        keys = QGroupBox(tr("Khóa ký số"))
        form = QFormLayout()
        form.addRow(tr("Khóa ký của xã:"), self.signing_state)
        form.addRow(tr("Khóa của cơ quan nhận:"), self.office_state)
        key_buttons = QHBoxLayout()
        for button in (self.create_button, self.export_button, self.office_button,
                       self.change_button, self.change_file_button):  # fmt: skip
            key_buttons.addWidget(button)
        key_buttons.addStretch()
        key_layout = QVBoxLayout(keys)
        key_layout.addLayout(form)
        key_layout.addWidget(self.permission_note)
        key_layout.addLayout(key_buttons)

        self.build_button = QPushButton(tr("Lập gói báo cáo…"))
        self.folder_button = QPushButton(tr("Mở thư mục"))
        self.email_button = QPushButton(tr("Soạn thư điện tử"))
        self.build_button.clicked.connect(self.build_package)
        self.folder_button.clicked.connect(lambda: self.open_selected_folder())
        self.email_button.clicked.connect(lambda: self.email_selected())
        self.folder_button.setToolTip(tr("Mở thư mục chứa tệp của gói đang chọn"))
        self.email_button.setToolTip(tr("Tiêu đề và nội dung thư gửi kèm gói đang chọn"))
        self.table = list_table([tr(c) for c in COLUMNS], "packages")
        self.table.itemSelectionChanged.connect(self.update_actions)
        self.empty = wrapped(
            tr("Chưa lập gói nào. Chọn “Lập gói báo cáo…” để gửi một báo cáo đã lưu."),
            "emptyNote",
        )
        package_buttons = QHBoxLayout()
        for button in (self.build_button, self.folder_button, self.email_button):
            package_buttons.addWidget(button)
        package_buttons.addStretch()
        sent = QGroupBox(tr("Các gói đã lập"))
        sent_layout = QVBoxLayout(sent)
        sent_layout.addLayout(package_buttons)
        add_list(sent_layout, self.table, self.empty)

        self.status = wrapped("", "status")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(keys)
        layout.addWidget(sent, 1)
        layout.addWidget(self.status)
        self.refresh()

    # --- content ---------------------------------------------------------------------------

    def refresh(self) -> None:
        db = self.cdb.db
        key = current_signing_key(db)
        office = office_key(db)
        if key is None:
            self.signing_state.setText(
                tr(
                    "Chưa có. Lãnh đạo hoặc quản trị bấm “Tạo khóa ký…”, rồi “Xuất khóa công "
                    "khai…” gửi cơ quan nhận, và gọi điện đọc dấu vân tay để họ đăng ký khóa."
                )
            )
        else:
            self.signing_state.setText(
                tr(
                    "Có — dấu vân tay <b>{fingerprint}</b>, tạo lúc {created} ({by}).",
                    fingerprint=key.public.fingerprint,
                    created=format_timestamp(key.created_at),
                    by=key.created_by,
                )
            )
        if office is None:
            self.office_state.setText(
                tr(
                    "Chưa nhập. Xin cơ quan nhận tệp khóa công khai (.gnpub), bấm “Nhập khóa của "
                    "cơ quan nhận…” và gõ dấu vân tay họ đọc qua điện thoại. Chưa có khóa này thì "
                    "gói không được mã hóa và không kèm được danh sách hộ."
                )
            )
        else:
            self.office_state.setText(
                tr(
                    "Đã nhập — {name}, dấu vân tay <b>{fingerprint}</b>.",
                    name=office.owner_name,
                    fingerprint=office.fingerprint,
                )
            )
        may_manage = self.user is not None and self.user.can("keys")
        if may_manage:
            self.permission_note.hide()
        else:
            try:
                users.require(self.user, "keys")
            except users.PermissionDenied as error:
                self.permission_note.setText(
                    tr("{reason} Nhờ lãnh đạo hoặc quản trị làm các việc về khóa.", reason=error)
                )
            self.permission_note.show()
        self.create_button.setEnabled(may_manage)
        self.create_button.setText(tr("Tạo khóa ký mới…") if key else tr("Tạo khóa ký…"))
        self.change_button.setEnabled(may_manage and key is not None)
        self.office_button.setEnabled(may_manage)
        self.export_button.setEnabled(key is not None)
        self.change_file_button.setVisible(current_key_change(db) is not None)
        self._fill_table()

    def _fill_table(self) -> None:
        keep = self.selected()
        self.packages = sent_packages(self.cdb.db)
        rows = [
            (
                str(package.sequence),
                report_label(package.kind, package.period),
                format_timestamp(package.created_at),
                package.signer_name,
                package.file_name,
                _yes_no(package.encrypted),
                _yes_no(package.households),
            )
            for package in self.packages
        ]
        hashes = [p.hash for p in self.packages]
        kept = hashes.index(keep.hash) if keep is not None and keep.hash in hashes else None
        fill_list(self.table, self.empty, rows, centred=(0, 5, 6), select=kept)
        self.update_actions()

    def selected(self) -> SentPackage | None:
        row = selected_row(self.table)
        return self.packages[row] if row is not None and self.packages else None

    def update_actions(self) -> None:
        chosen = self.selected() is not None
        self.folder_button.setEnabled(chosen)
        self.email_button.setEnabled(chosen)

    # --- keys ------------------------------------------------------------------------------

    def create_key(self) -> CreateKeyDialog:
        dialog = CreateKeyDialog(self.cdb, self)
        dialog.accepted.connect(lambda: self._key_created(dialog))
        dialog.open()
        return dialog

    def _key_created(self, dialog: CreateKeyDialog) -> None:
        self.refresh()
        self.status.setText(
            tr(
                "Đã tạo khóa ký. Dấu vân tay: {fingerprint}. Bước tiếp: “Xuất khóa công khai…”, "
                "gửi tệp cho cơ quan nhận và gọi điện đọc dấu vân tay này.",
                fingerprint=dialog.key.public.fingerprint,
            )
        )

    def export_key(self, folder: Path | None = None) -> Path | None:
        """Write the public key file into ``folder`` (asked for when None)."""
        folder = folder or choose_folder(
            self, tr("Chọn thư mục (hoặc ổ USB) ghi khóa công khai"), last_folder()
        )
        if folder is None:
            return None
        try:
            key = require_signing_key(self.cdb.db).public
            path = write_public_key(key, folder)
        except KeyProblem as error:
            self.status.setText(tr("Không ghi được khóa công khai: {reason}", reason=error))
            return None
        self.status.setText(
            tr(
                "Đã ghi {path}. Gửi tệp này cho cơ quan nhận, rồi gọi điện đọc dấu vân tay "
                "{fingerprint} để họ gõ lại khi đăng ký.",
                path=path,
                fingerprint=key.fingerprint,
            )
        )
        return path

    def import_office_key(self) -> OfficeKeyDialog:
        dialog = OfficeKeyDialog(self.cdb, self)
        dialog.accepted.connect(lambda: self._office_key_saved(dialog))
        dialog.open()
        return dialog

    def _office_key_saved(self, dialog: OfficeKeyDialog) -> None:
        self.refresh()
        self.status.setText(tr("Đã lưu khóa mã hóa của {name}.", name=dialog.key.owner_name))

    def change_key(self) -> ChangeKeyDialog:
        dialog = ChangeKeyDialog(self.cdb, last_folder(), self)
        dialog.accepted.connect(lambda: self._key_changed(dialog))
        dialog.open()
        return dialog

    def _key_changed(self, dialog: ChangeKeyDialog) -> None:
        self.refresh()
        change = dialog.change
        self.status.setText(
            tr(
                "Đã đổi khóa ký: {old} → {new}, dùng từ gói số {number}. Gửi tệp {path} cho cơ "
                "quan nhận và gọi điện đọc dấu vân tay khóa mới.",
                old=change.old_key.fingerprint,
                new=change.new_key.fingerprint,
                number=change.from_sequence,
                path=dialog.path,
            )
        )

    def write_change_file(self, folder: Path | None = None) -> Path | None:
        """Write the last key change's file again into ``folder`` (asked for when None)."""
        change = current_key_change(self.cdb.db)
        folder = folder or choose_folder(
            self, tr("Chọn thư mục (hoặc ổ USB) ghi tệp đổi khóa"), last_folder()
        )
        if change is None or folder is None:
            return None
        try:
            path = write_key_change(change, folder)
        except KeyProblem as error:
            self.status.setText(tr("Không ghi được tệp đổi khóa: {reason}", reason=error))
            return None
        self.status.setText(
            tr(
                "Đã ghi {path}. Gửi tệp này cho cơ quan nhận và gọi điện đọc dấu vân tay khóa "
                "mới {fingerprint}.",
                path=path,
                fingerprint=change.new_key.fingerprint,
            )
        )
        return path

    # --- packages --------------------------------------------------------------------------

    def build_package(self) -> BuildPackageDialog:
        self.dialog = BuildPackageDialog(self.cdb, self.user, self)
        self.dialog.finished.connect(self._dialog_closed)
        self.dialog.open()
        return self.dialog

    def _dialog_closed(self) -> None:
        if self.dialog is not None and self.dialog.built is not None:
            self.refresh()
            self.status.setText(tr("Đã lưu gói {path}.", path=self.dialog.built.path))
            self.changed.emit()

    def _package_file(self, package: SentPackage) -> Path | None:
        """Where the package's file is: the folder it was saved in on this computer, else the
        clerk points to it (moved to a USB stick, another folder)."""
        folder = package_folder(package.hash)
        if folder is not None and (folder / package.file_name).is_file():
            return folder / package.file_name
        chosen, _ = QFileDialog.getOpenFileName(
            self,
            tr("Tìm tệp {name}", name=package.file_name),
            str(folder or last_folder() or Path.home()),
            tr("Gói báo cáo GNApp (*.gnpkg)"),
        )
        return Path(chosen) if chosen else None

    def open_selected_folder(self) -> None:
        package = self.selected()
        path = self._package_file(package) if package else None
        if path is not None:
            open_folder(path.parent)

    def email_selected(self) -> EmailDialog | None:
        package = self.selected()
        path = self._package_file(package) if package else None
        if path is None:
            return None
        try:
            draft = self.draft_for(package, path)
        except (OSError, PackageError) as error:
            self.status.setText(tr("Không đọc được gói {path}: {reason}", path=path, reason=error))
            return None
        dialog = EmailDialog(draft, self)
        dialog.open()
        return dialog

    def draft_for(self, package: SentPackage, path: Path) -> EmailDraft:
        manifest = sent_manifest(path.read_bytes(), package.hash)
        return email_draft(manifest, path, package.size, mail_recipient(self.cdb.db))
