"""Settings (administrators): the commune's identity, its villages, the document signer and
recipients, how many backups are kept. Saved together, or not at all with every problem listed.
Apart from them, the interface language of this computer (a preference, not the commune's)."""

from __future__ import annotations

from pathlib import Path

from gnapp import preferences
from gnapp.core.official import (
    BASIS_SLOTS,
    document_kinds,
    legal_acts,
    signer_titles,
    signing_marks,
)
from gnapp.i18n import tr
from gnapp.preferences import preferred_language, remember_language
from gnapp.reporting.issuer import HEADER_SETTINGS, issuer
from gnapp.store import register, users
from gnapp.store.backups import default_backup_folder
from gnapp.store.database import CommuneDatabase
from gnapp.store.errors import DatabaseError
from gnapp.store.settings import SETTINGS, bases_key, current_settings, save_settings
from gnapp.store.setup import (
    CommuneIdentity,
    VillageEntry,
    village_problems,
)
from gnapp.ui.common.discard_guard import AsksBeforeDiscarding
from gnapp.ui.common.language import language_combo
from gnapp.ui.common.qt import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSize,
    QSpinBox,
    Qt,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from gnapp.ui.common.window_size import fit_window
from gnapp.ui.setup.commune_fields import CommuneIdentityFields, VillagesTable


class SettingsDialog(AsksBeforeDiscarding, QDialog):
    def __init__(self, cdb: CommuneDatabase, user: users.User | None, parent: QWidget | None):
        users.require(user, "administer")
        super().__init__(parent)
        self.cdb = cdb
        self.setWindowTitle(tr("Cài đặt"))
        self.tabs = QTabWidget()
        self.tabs.addTab(self._identity_tab(), tr("Thông tin xã"))
        self.tabs.addTab(self._villages_tab(), tr("Thôn, tổ dân phố"))
        self.tabs.addTab(self._document_tab(), tr("Văn bản"))
        self.tabs.addTab(self._backup_tab(), tr("Sao lưu"))
        self.error = QLabel(objectName="error")
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.language = language_combo(preferred_language())
        language_row = QHBoxLayout()
        language_row.addWidget(QLabel(tr("Ngôn ngữ giao diện / Language:")))
        language_row.addWidget(self.language)
        language_row.addWidget(
            QLabel(tr("(riêng máy tính này; áp dụng từ lần mở GNApp sau)"), wordWrap=True), 1
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(language_row)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        fit_window(self, QSize(720, 520))

    # --- tabs ---------------------------------------------------------------------------------

    def _identity_tab(self) -> QWidget:
        self.identity_fields = CommuneIdentityFields(register.get_commune(self.cdb.db))
        return self.identity_fields

    def _villages_tab(self) -> QWidget:
        self.villages = VillagesTable()
        self.village_ids: list[int | None] = []
        for village in register.villages(self.cdb.db):
            self.add_village_row(village["code"], village["name"], village["area"], village["id"])
        add = QPushButton(tr("Thêm thôn"))
        add.clicked.connect(lambda: self.add_village_row())
        note = QLabel(tr("Mã của thôn đã có không đổi được (danh sách và tệp nhập dùng mã này)."))
        note.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addStretch(1)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(self.villages, 1)
        layout.addWidget(note)
        layout.addLayout(row)
        return page

    def add_village_row(
        self, code: str = "", name: str = "", area: str = "rural", village_id: int | None = None
    ) -> None:
        self.villages.add_row(code, name, area, fixed_code=village_id is not None)
        self.village_ids.append(village_id)

    def _document_tab(self) -> QWidget:
        kept = current_settings(self.cdb.db)
        derived = issuer(self.cdb.db, with_settings=False)
        self.header_lines = {}
        for field, key in HEADER_SETTINGS.items():
            line = QLineEdit(kept[key], objectName=key)
            line.setPlaceholderText(getattr(derived, field))
            self.header_lines[key] = line
        self.signer_name = QLineEdit(kept["document.signer_name"], objectName="signer_name")
        self.signer_title = QComboBox(objectName="signer_title")
        self.signer_title.addItems(list(signer_titles()))
        self.signer_title.setCurrentText(kept["document.signer_title"])
        self.signing_blocks = QLabel(objectName="signing_blocks")
        self.signing_blocks.setWordWrap(True)
        self.recipients = QPlainTextEdit(
            "\n".join(kept["document.recipients"]), objectName="recipients"
        )
        self.recipients.setMaximumHeight(90)
        self.signer_title.currentTextChanged.connect(self._show_signing_blocks)
        self._show_signing_blocks(self.signer_title.currentText())
        self.bases = {
            code: QLineEdit(", ".join(kept[bases_key(code)]), objectName=bases_key(code))
            for code, kind in document_kinds().items()
            if kind.bases or kept[bases_key(code)]
        }
        page = QWidget()
        form = QFormLayout(page)
        for key, widget in (
            *self.header_lines.items(),
            ("document.signer_title", self.signer_title),
            ("document.signer_name", self.signer_name),
            ("document.recipients", self.recipients),
        ):
            form.addRow(tr("{label}:", label=tr(SETTINGS[key].label)), widget)
            if key == "document.place":
                note = QLabel(
                    tr(
                        "Để trống ba ô trên thì phần mềm tự lấy theo tên xã và tỉnh (chữ mờ là "
                        "giá trị đó)."
                    )
                )
                note.setWordWrap(True)
                form.addRow(note)
            if key == "document.signer_title":
                form.addRow(tr("Khối chữ ký:"), self.signing_blocks)
        for code, line in self.bases.items():
            label = tr("Căn cứ pháp lý — {kind}:", kind=document_kinds()[code].label)
            form.addRow(label, line)
        acts = QLabel(
            tr(
                "Mã văn bản (cách nhau dấu phẩy): {acts}",
                acts=", ".join([*legal_acts(), *BASIS_SLOTS]),
            )
        )
        acts.setWordWrap(True)
        form.addRow(acts)
        return page

    def _show_signing_blocks(self, title: str) -> None:
        """The signing block of the committee's documents and of the chairman's."""
        blocks = []
        for code in ("report", "decision"):
            lines = " / ".join((*signing_marks(code, title), title))
            blocks.append(f"{document_kinds()[code].label}: {lines}")
        self.signing_blocks.setText("\n".join(blocks))

    def _backup_tab(self) -> QWidget:
        kept = current_settings(self.cdb.db)
        self.keep_daily = QSpinBox(objectName="keep_daily", minimum=1, maximum=60)
        self.keep_daily.setValue(kept["backup_keep_daily"])
        self.keep_monthly = QSpinBox(objectName="keep_monthly", minimum=1, maximum=120)
        self.keep_monthly.setValue(kept["backup_keep_monthly"])
        self.backup_root: Path | None = preferences.backup_root()
        self.backup_folder = QLabel(objectName="backup_folder")
        self.backup_folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.backup_folder.setWordWrap(True)
        self._show_backup_folder()
        choose = QPushButton(tr("Chọn thư mục khác…"), objectName="choose_backup_folder")
        choose.setToolTip(tr("Ví dụ một thư mục trên ổ D: hoặc ổ mạng của UBND (trên máy này)"))
        choose.clicked.connect(self.choose_backup_root)
        default = QPushButton(tr("Dùng thư mục mặc định"), objectName="default_backup_folder")
        default.clicked.connect(lambda: self.set_backup_root(None))
        buttons = QHBoxLayout()
        buttons.addWidget(choose)
        buttons.addWidget(default)
        buttons.addStretch(1)
        page = QWidget()
        form = QFormLayout(page)
        for key, widget in (
            ("backup_keep_daily", self.keep_daily),
            ("backup_keep_monthly", self.keep_monthly),
        ):
            form.addRow(tr("{label}:", label=tr(SETTINGS[key].label)), widget)
        form.addRow(tr("Thư mục sao lưu tự động:"), self.backup_folder)
        form.addRow("", buttons)
        note = QLabel(
            tr(
                "Thư mục sao lưu là của máy tính này (mỗi tệp dữ liệu một thư mục con bên trong). "
                "Các bản sao lưu đã có vẫn ở thư mục cũ."
            )
        )
        note.setWordWrap(True)
        form.addRow(note)
        return page

    def _show_backup_folder(self) -> None:
        root = self.backup_root or preferences.default_backup_root()
        self.backup_folder.setText(str(default_backup_folder(self.cdb.path, root)))

    def choose_backup_root(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, tr("Chọn thư mục sao lưu tự động"), str(self.backup_root or Path.home())
        )
        if chosen:
            self.set_backup_root(Path(chosen))

    def set_backup_root(self, folder: Path | None) -> None:
        """Take ``folder`` (None: the default) as the backup folder when saving, if writable."""
        if folder is not None:
            try:
                folder = preferences.writable_folder(folder)
            except preferences.PreferenceError as error:
                self._show([str(error)])
                return
        self.backup_root = folder
        self._show_backup_folder()

    # --- saving -------------------------------------------------------------------------------

    def identity(self) -> CommuneIdentity:
        return self.identity_fields.identity()

    def village_entries(self) -> list[tuple[int | None, VillageEntry]]:
        entries = [(id_, self.villages.entry(row)) for row, id_ in enumerate(self.village_ids)]
        return [(id_, e) for id_, e in entries if id_ is not None or e.code or e.name]

    def setting_values(self) -> dict[str, object]:
        return {
            **{key: line.text() for key, line in self.header_lines.items()},
            "document.signer_name": self.signer_name.text(),
            "document.signer_title": self.signer_title.currentText(),
            **{bases_key(code): line.text() for code, line in self.bases.items()},
            "document.recipients": self.recipients.toPlainText(),
            "backup_keep_daily": self.keep_daily.value(),
            "backup_keep_monthly": self.keep_monthly.value(),
        }

    def save(self) -> None:
        identity, entries = self.identity(), self.village_entries()
        problems = identity.problems() + village_problems([entry for _, entry in entries])
        if problems:
            self._show(problems)
            return
        try:
            with self.cdb.transaction():
                register.save_commune(
                    self.cdb,
                    code=identity.code,
                    name=identity.name,
                    kind=identity.kind,
                    province=identity.province,
                    receiving_office_name=identity.receiving_office_name or None,
                    receiving_office_kind=identity.receiving_office_kind,
                )
                for village_id, entry in entries:
                    if village_id is None:
                        register.add_village(self.cdb, entry.code, entry.name, entry.area)
                    else:
                        register.update_village(self.cdb, village_id, entry.name, entry.area)
                save_settings(self.cdb, self.setting_values())
        except DatabaseError as error:
            self._show(str(error).splitlines())
            return
        if self.backup_root != preferences.backup_root():
            try:
                preferences.set_backup_root(self.backup_root)
            except preferences.PreferenceError as error:  # the folder went away meanwhile
                self._show([str(error)])
                return
        remember_language(self.language.currentData())
        self.accept()

    def _show(self, problems: list[str]) -> None:
        self.error.setText("\n".join(problems))
        self.error.show()
