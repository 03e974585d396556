"""The "Lập gói báo cáo" dialog: choose a saved report and the options, the approver signs
(signed in already, or signing in here when a clerk hands over), the package is built off the
GUI thread (``packages.build.build_package``), then its file and the e-mail to send with it."""

from __future__ import annotations

from pathlib import Path

from gnapp.core.vietnamese import format_timestamp
from gnapp.i18n import tr
from gnapp.packages.build import BuiltPackage, build_package, choose_report
from gnapp.packages.commune import current_signing_key, mail_recipient, office_key, sent_packages
from gnapp.packages.mail import EmailDraft, email_draft, file_size_text
from gnapp.preferences import load_preferences, save_preference
from gnapp.progress import Progress
from gnapp.reporting.figures import parse_period, report_kind, report_title
from gnapp.store import users
from gnapp.store.database import CommuneDatabase, open_database
from gnapp.store.reports import STATE_LABELS, list_reports
from gnapp.ui.common.jobs import Job, run_job
from gnapp.ui.common.key_fields import secret_field
from gnapp.ui.common.messages import choose_folder
from gnapp.ui.common.qt import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDesktopServices,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSize,
    QStackedWidget,
    Qt,
    QUrl,
    QVBoxLayout,
    QWidget,
)
from gnapp.ui.common.widgets import error_label, show_error, wrapped
from gnapp.ui.common.window_size import fit_window

LAST_FOLDER = "package_folder"  # preference: where the last package went
PACKAGE_FOLDERS = "package_folders"  # preference: package hash -> the folder it was saved in


def last_folder() -> Path | None:
    value = load_preferences().get(LAST_FOLDER)
    return Path(value) if isinstance(value, str) and Path(value).is_dir() else None


def remember_package(built: BuiltPackage) -> None:
    """Remember on this computer where the package went (the database keeps its name only)."""
    folder = str(built.path.parent.resolve())
    folders = load_preferences().get(PACKAGE_FOLDERS)
    folders = folders if isinstance(folders, dict) else {}
    save_preference(PACKAGE_FOLDERS, folders | {built.hash: folder})
    save_preference(LAST_FOLDER, folder)


def package_folder(package_hash: str) -> Path | None:
    folders = load_preferences().get(PACKAGE_FOLDERS)
    value = folders.get(package_hash) if isinstance(folders, dict) else None
    return Path(value) if isinstance(value, str) else None


def open_folder(folder: Path) -> None:
    """Show ``folder`` in the system's file manager."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


def report_label(kind: str, period: str) -> str:
    return report_title(report_kind(kind).name, parse_period(period))


class EmailDraftPanel(QWidget):
    """The e-mail to send with a package: subject and body to copy, the file to attach."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.subject = QLineEdit(objectName="subject", readOnly=True)
        self.body = QPlainTextEdit(objectName="body", readOnly=True)
        self.attachment = QLabel(objectName="attachment")
        self.attachment.setWordWrap(True)
        self.attachment.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.copy_subject = QPushButton(tr("Chép"))
        self.copy_body = QPushButton(tr("Chép"))
        self.open_button = QPushButton(tr("Mở thư mục"))
        self.copy_subject.setToolTip(tr("Chép tiêu đề để dán vào thư"))
        self.copy_body.setToolTip(tr("Chép nội dung để dán vào thư"))
        self.copy_subject.clicked.connect(lambda: self._copy(self.subject.text()))
        self.copy_body.clicked.connect(lambda: self._copy(self.body.toPlainText()))
        self.open_button.clicked.connect(lambda: open_folder(self.draft.attachment.parent))
        subject_row = QHBoxLayout()
        subject_row.addWidget(self.subject, 1)
        subject_row.addWidget(self.copy_subject)
        body_row = QHBoxLayout()
        body_row.addWidget(self.body, 1)
        body_row.addWidget(self.copy_body, 0, Qt.AlignmentFlag.AlignTop)
        attach_row = QHBoxLayout()
        attach_row.addWidget(self.attachment, 1)
        attach_row.addWidget(self.open_button)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(tr("Tiêu đề:"), subject_row)
        form.addRow(tr("Nội dung:"), body_row)
        form.addRow(tr("Đính kèm tệp:"), attach_row)

    def show_draft(self, draft: EmailDraft) -> None:
        self.draft = draft
        self.subject.setText(draft.subject)
        self.subject.setCursorPosition(0)
        self.body.setPlainText(draft.body)
        self.attachment.setText(str(draft.attachment))

    def _copy(self, text: str) -> None:
        QApplication.clipboard().setText(text)


class EmailDialog(QDialog):
    """The e-mail draft of a package built earlier."""

    def __init__(self, draft: EmailDraft, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Thư điện tử gửi kèm gói báo cáo"))
        self.panel = EmailDraftPanel()
        self.panel.show_draft(draft)
        close = QPushButton(tr("Đóng"))
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(
            wrapped(tr("Mở chương trình thư điện tử, dán tiêu đề và nội dung, đính kèm tệp gói."))
        )
        layout.addWidget(self.panel, 1)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        fit_window(self, QSize(760, 520))


class BuildPackageDialog(QDialog):
    """Choose, sign and build; afterwards ``built`` and ``draft`` hold the result."""

    def __init__(
        self, cdb: CommuneDatabase, user: users.User | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.cdb = cdb
        self.user = user
        self.signer = user if user is not None and user.can("approve") else None
        self.built: BuiltPackage | None = None
        self.draft: EmailDraft | None = None
        self.job: Job | None = None
        self.setWindowTitle(tr("Lập gói báo cáo gửi cấp trên"))
        self.pages = QStackedWidget()
        self.pages.addWidget(self._build_form())
        self.pages.addWidget(self._build_result())
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        fit_window(self, QSize(780, 620))
        self._update()

    # --- the form --------------------------------------------------------------------------

    def _build_form(self) -> QWidget:
        db = self.cdb.db
        self.office = office_key(db)
        self.has_key = current_signing_key(db) is not None
        sent = {p.report_id: p.sequence for p in sent_packages(db)}
        self.reports = list_reports(db)
        self.report_box = QComboBox(objectName="report")
        for report in self.reports:
            values = {
                "title": report_label(report.kind, report.period),
                "version": report.version,
                "state": STATE_LABELS[report.state].lower(),
            }
            text = (
                tr("{title} — phiên bản {version} ({state}, đã gửi gói số {number})",
                   number=sent[report.id], **values)
                if report.id in sent
                else tr("{title} — phiên bản {version} ({state})", **values)
            )  # fmt: skip
            self.report_box.addItem(text, report.id)
        self.households = QCheckBox(
            tr("Kèm danh sách hộ nghèo, cận nghèo"), objectName="households"
        )
        self.encrypt = QCheckBox(tr("Mã hóa gói cho cơ quan nhận"), objectName="encrypt")
        self.encrypt.setChecked(self.office is not None)
        self.households.toggled.connect(self._update)
        self.options_note = wrapped("", "options_note")

        self.passphrase = secret_field("key_passphrase")
        self.signer_label = wrapped("", "signer")
        self.handover = QWidget()
        self.username = QLineEdit(objectName="approver_username")
        self.password = secret_field("approver_password")
        sign_in = QPushButton(tr("Đăng nhập để ký"))
        sign_in.clicked.connect(self.sign_in_approver)
        handover_form = QFormLayout(self.handover)
        handover_form.setContentsMargins(0, 0, 0, 0)
        handover_form.addRow(tr("Tên đăng nhập của lãnh đạo:"), self.username)
        handover_form.addRow(tr("Mật khẩu đăng nhập:"), self.password)
        handover_form.addRow("", sign_in)
        signing = QGroupBox(tr("Ký gói"))
        signing_form = QFormLayout(signing)
        signing_form.addRow(self.signer_label)
        signing_form.addRow(self.handover)
        signing_form.addRow(tr("Mật khẩu khóa ký:"), self.passphrase)

        self.folder = QLineEdit(str(last_folder() or ""), objectName="folder")
        self.folder.setPlaceholderText(tr("thư mục trên máy hoặc ổ USB"))
        browse = QPushButton(tr("Chọn…"))
        browse.clicked.connect(self.browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)

        self.blocked = wrapped("", "blocked")
        self.blocked.setStyleSheet("color: #8a4b00;")
        self.error = error_label()
        self.build_button = QPushButton(tr("Lập và ký gói"), objectName="build")
        self.build_button.setDefault(True)
        self.build_button.clicked.connect(self.build)
        close = QPushButton(tr("Đóng"))
        close.clicked.connect(self.reject)
        actions = QHBoxLayout()
        actions.addStretch()
        actions.addWidget(self.build_button)
        actions.addWidget(close)

        form = QFormLayout()
        form.addRow(tr("Báo cáo đã lưu:"), self.report_box)
        form.addRow("", wrapped(tr("Phiên bản gửi đi sẽ thành bản chính thức (không sửa được).")))
        form.addRow("", self.households)
        form.addRow("", self.encrypt)
        form.addRow("", self.options_note)
        form.addRow(tr("Lưu gói vào thư mục:"), folder_row)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(self.blocked)
        layout.addLayout(form)
        layout.addWidget(signing)
        layout.addStretch()
        layout.addWidget(self.error)
        layout.addLayout(actions)
        return page

    def _update(self) -> None:
        """Options, signer and what blocks the build, in plain words."""
        if self.office is None:
            self.households.setChecked(False)
            self.households.setEnabled(False)
            self.encrypt.setEnabled(False)
            self.options_note.setText(
                tr(
                    "Chưa có khóa của cơ quan nhận: gói không được mã hóa và không kèm được danh "
                    "sách hộ (dữ liệu cá nhân). Lãnh đạo hoặc quản trị nhập khóa ở “Nhập khóa của "
                    "cơ quan nhận…”."
                )
            )
        elif self.households.isChecked():
            self.encrypt.setChecked(True)
            self.encrypt.setEnabled(False)
            self.options_note.setText(
                tr(
                    "Danh sách hộ là dữ liệu cá nhân: gói luôn được mã hóa, chỉ {office} mở được.",
                    office=self.office.owner_name,
                )
            )
        else:
            self.encrypt.setEnabled(True)
            self.options_note.setText(
                tr("Mã hóa: chỉ {office} mở được nội dung gói.", office=self.office.owner_name)
            )
        if self.signer is not None:
            self.signer_label.setText(
                tr(
                    "Người ký: {name} (lãnh đạo phê duyệt). Gõ mật khẩu khóa ký của xã để ký.",
                    name=self.signer.full_name,
                )
            )
        else:
            approvers = [
                u.full_name for u in users.list_users(self.cdb.db) if u.active and u.can("approve")
            ]
            who = ", ".join(approvers) or tr("chưa có tài khoản lãnh đạo nào")
            self.signer_label.setText(
                tr(
                    "Tài khoản {username} không ký được gói: chỉ lãnh đạo phê duyệt mới được ký. "
                    "Nhờ lãnh đạo ({who}) đăng nhập ngay tại đây để ký.",
                    username=self.user.username if self.user else "",
                    who=who,
                )
            )
        self.handover.setVisible(self.signer is None)
        self.passphrase.setEnabled(self.signer is not None)
        blocked = ""
        if not self.has_key:
            blocked = tr(
                "Xã chưa có khóa ký: lãnh đạo hoặc quản trị tạo khóa bằng “Tạo khóa ký…” ở mục "
                "Gửi cấp trên trước khi lập gói."
            )
        elif not self.reports:
            blocked = tr("Chưa có báo cáo nào được lưu: hãy lập báo cáo ở mục Báo cáo trước.")
        self.blocked.setText(blocked)
        self.blocked.setVisible(bool(blocked))
        self.build_button.setEnabled(not blocked and self.signer is not None)

    def sign_in_approver(self) -> None:
        """The approver signs in here (the clerk's session is not changed)."""
        try:
            user = users.authenticate(self.cdb, self.username.text(), self.password.text())
            users.require(user, "approve")
        except users.UserError as error:
            show_error(self.error, str(error))
            return
        self.password.clear()
        show_error(self.error, "")
        self.signer = user
        self._update()
        self.passphrase.setFocus()

    def browse(self) -> None:
        start = Path(self.folder.text()) if self.folder.text().strip() else None
        chosen = choose_folder(self, tr("Chọn thư mục lưu gói báo cáo"), start)
        if chosen is not None:
            self.folder.setText(str(chosen))

    # --- building --------------------------------------------------------------------------

    def build(self) -> None:
        found = []
        folder = Path(self.folder.text().strip()) if self.folder.text().strip() else None
        if self.signer is None:
            found.append(tr("Chưa có người ký: lãnh đạo phê duyệt đăng nhập để ký."))
        if not self.passphrase.text():
            found.append(tr("Chưa nhập mật khẩu khóa ký."))
        if folder is None or not folder.is_dir():
            found.append(tr("Hãy chọn thư mục (hoặc ổ USB) có sẵn để lưu gói."))
        if found:
            show_error(self.error, "\n".join(found))
            return
        show_error(self.error, "")
        signer, passphrase = self.signer, self.passphrase.text()
        path, report_id = self.cdb.path, self.report_box.currentData()
        households, encrypt = self.households.isChecked(), self.encrypt.isChecked()

        def work(progress: Progress) -> tuple[BuiltPackage, EmailDraft]:
            with open_database(path, actor=signer.actor) as own:
                built = build_package(
                    own,
                    choose_report(own, report_id),
                    signer=signer,
                    passphrase=passphrase,
                    folder=folder,
                    with_households=households,
                    encrypt=encrypt,
                    progress=progress,
                )
                recipient = mail_recipient(own.db)
                return built, email_draft(built.manifest, built.path, built.size, recipient)

        self.build_button.setEnabled(False)
        self.job = run_job(
            self,
            tr("Lập gói báo cáo"),
            tr("Đang lập gói…"),
            work,
            self._built,
            self._failed,
            lambda: self._failed(tr("Đã hủy; không có gói nào được lưu.")),
        )

    def _failed(self, error: Exception | str) -> None:
        self.build_button.setEnabled(True)
        show_error(self.error, tr("Chưa lập được gói: {reason}", reason=error))

    def _built(self, result: tuple[BuiltPackage, EmailDraft]) -> None:
        self.built, self.draft = result
        self.passphrase.clear()
        remember_package(self.built)
        manifest = self.built.manifest
        self.result_title.setText(
            tr(
                "Đã lập và ký gói số {number}: {title}.",
                number=manifest.sequence,
                title=report_label(manifest.report_kind, manifest.period),
            )
        )
        details = (
            (tr("Tệp gói:"), str(self.built.path)),
            (tr("Dung lượng:"), file_size_text(self.built.size)),
            (tr("Lập lúc:"), format_timestamp(manifest.created_at)),
            (tr("Người ký:"), manifest.signer_name),
            (tr("Dấu vân tay khóa ký:"), manifest.signing_key),
            (tr("Mã gói (SHA-256):"), manifest.package_hash),
            (
                tr("Mã hóa:"),
                tr("có — kèm danh sách hộ")
                if manifest.households
                else (tr("có") if manifest.encryption else tr("không")),
            ),
        )
        for (caption, value), (left, right) in zip(details, self.result_rows, strict=True):
            left.setText(caption)
            right.setText(value)
        self.email.show_draft(self.draft)
        self.pages.setCurrentIndex(1)

    # --- the result ------------------------------------------------------------------------

    def _build_result(self) -> QWidget:
        self.result_title = QLabel(objectName="result_title")
        self.result_title.setStyleSheet("font-weight: bold; font-size: 12pt;")
        details = QFormLayout()
        self.result_rows = []
        for _ in range(7):
            left, right = QLabel(), QLabel()
            right.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            right.setWordWrap(True)
            details.addRow(left, right)
            self.result_rows.append((left, right))
        self.email = EmailDraftPanel()
        mail = QGroupBox(tr("Thư điện tử gửi kèm (phần mềm không tự gửi)"))
        QVBoxLayout(mail).addWidget(self.email)
        close = QPushButton(tr("Xong"))
        close.clicked.connect(self.accept)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(self.result_title)
        layout.addLayout(details)
        layout.addWidget(mail, 1)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        return page
