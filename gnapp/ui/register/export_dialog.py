"""The export dialog: the register or a year's list, for one village or all, to an XLSX file."""

from __future__ import annotations

from pathlib import Path

from gnapp.core.vietnamese import format_number
from gnapp.i18n import tr, tr_noop
from gnapp.progress import Progress
from gnapp.reporting.lists import EXPORT_LABELS, ExportResult, export_list, export_register
from gnapp.store.database import CommuneDatabase, open_database
from gnapp.store.lists import list_villages
from gnapp.store.overview import status_years
from gnapp.ui.common.jobs import Job, run_job
from gnapp.ui.common.messages import show_message
from gnapp.ui.common.qt import (
    QComboBox,
    QDesktopServices,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSize,
    QSpinBox,
    QUrl,
    QVBoxLayout,
    QWidget,
    Signal,
)
from gnapp.ui.common.window_size import fit_window

FILE_FILTER = tr_noop("Bảng tính Excel (*.xlsx)")
ALL_VILLAGES = tr_noop("Toàn xã (tất cả thôn, tổ dân phố)")


def default_file_name(kind: str, year: int, village: str | None) -> str:
    """ "Danh sách hộ nghèo 2025 - Thôn An Phú.xlsx"."""
    name = f"{EXPORT_LABELS[kind]} {year}"
    if village:
        name += f" - {village}"
    return "".join("-" if ch in '\\/:*?"<>|' else ch for ch in name) + ".xlsx"


class ExportDialog(QDialog):
    """Choose what to export and where, then export off the GUI thread."""

    exported = Signal(object)  # the ExportResult, once the file is written

    def __init__(self, parent: QWidget | None, cdb: CommuneDatabase, year: int) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Xuất danh sách ra Excel"))
        self.database_path = Path(cdb.path)
        self.job: Job | None = None
        self.result_box: QMessageBox | None = None
        self._file_edited = False

        self.kind = QComboBox()
        for kind, label in EXPORT_LABELS.items():
            self.kind.addItem(label, kind)
        self.year = QSpinBox()
        years = status_years(cdb.db)
        self.year.setRange(min([*years, year]) - 5, max([*years, year]) + 5)
        self.year.setValue(year)
        self.year.setGroupSeparatorShown(False)
        self.village = QComboBox()
        self.village.addItem(tr(ALL_VILLAGES), None)
        for village in list_villages(cdb.db):
            self.village.addItem(village.name, village.id)
        self.file = QLineEdit()
        self.file.textEdited.connect(self._mark_edited)
        browse = QPushButton(tr("Chọn…"))
        browse.clicked.connect(self.choose_file)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file, 1)
        file_row.addWidget(browse)

        form = QFormLayout()
        form.addRow(tr("Nội dung:"), self.kind)
        form.addRow(tr("Năm:"), self.year)
        form.addRow(tr("Thôn, tổ dân phố:"), self.village)
        form.addRow(tr("Lưu vào tệp:"), file_row)
        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton(
            tr("Xuất"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.addButton(tr("Đóng"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.start_export)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

        for combo in (self.kind, self.village):
            combo.currentIndexChanged.connect(self._suggest_file)
        self.year.valueChanged.connect(self._suggest_file)
        self._suggest_file()
        fit_window(self, QSize(560, self.sizeHint().height()))

    def _mark_edited(self) -> None:
        self._file_edited = True

    def _suggest_file(self) -> None:
        """Follow the choices with the file name until the clerk types their own."""
        if self._file_edited:
            return
        village = self.village.currentText() if self.village.currentData() is not None else None
        name = default_file_name(self.kind.currentData(), self.year.value(), village)
        folder = Path(self.file.text()).parent if self.file.text() else self.database_path.parent
        self.file.setText(str(folder / name))

    def choose_file(self) -> None:
        dialog = QFileDialog(self, tr("Lưu tệp Excel"), self.file.text(), tr(FILE_FILTER))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("xlsx")
        labels = {
            QFileDialog.DialogLabel.LookIn: tr("Thư mục:"),
            QFileDialog.DialogLabel.FileName: tr("Tên tệp:"),
            QFileDialog.DialogLabel.FileType: tr("Loại tệp:"),
            QFileDialog.DialogLabel.Accept: tr("Lưu"),
            QFileDialog.DialogLabel.Reject: tr("Hủy"),
        }
        for label, text in labels.items():
            dialog.setLabelText(label, text)
        if dialog.exec():
            self.file.setText(dialog.selectedFiles()[0])
            self._file_edited = True

    def _target(self) -> Path | None:
        text = self.file.text().strip()
        if not text:
            return None
        path = Path(text)
        return path if path.suffix.lower() == ".xlsx" else path.with_name(path.name + ".xlsx")

    def start_export(self) -> None:
        path = self._target()
        if path is None or not path.parent.is_dir():
            show_message(
                self,
                QMessageBox.Icon.Warning,
                tr("Chưa chọn tệp"),
                tr("Hãy chọn một thư mục có sẵn và đặt tên tệp để lưu."),
            )
            return
        kind = self.kind.currentData()
        year = self.year.value()
        village_id = self.village.currentData()
        database_path = self.database_path

        def work(progress: Progress) -> ExportResult:
            # The worker thread needs its own connection (SQLite connections stay on one thread).
            with open_database(database_path) as cdb:
                if kind == "register":
                    return export_register(cdb.db, path, year, village_id, progress)
                return export_list(cdb.db, path, year, kind, village_id, progress)

        self.export_button.setEnabled(False)
        self.job = run_job(
            self,
            tr("Xuất danh sách"),
            tr("Đang xuất {what} năm {year}…", what=self.kind.currentText().lower(), year=year),
            work,
            self._done,
            self._failed,
            self._cancelled,
        )

    def _done(self, result: ExportResult) -> None:
        self.export_button.setEnabled(True)
        self.exported.emit(result)
        box = QMessageBox(
            QMessageBox.Icon.Information,
            tr("Đã xuất xong"),
            tr(
                "Đã ghi {households} hộ, {persons} người vào tệp:\n{path}",
                households=format_number(result.households),
                persons=format_number(result.persons),
                path=result.path,
            ),
            QMessageBox.StandardButton.NoButton,
            self,
        )
        open_folder = box.addButton(tr("Mở thư mục"), QMessageBox.ButtonRole.ActionRole)
        box.addButton(tr("Đóng"), QMessageBox.ButtonRole.RejectRole)
        box.buttonClicked.connect(
            lambda button: self.open_folder(result.path) if button is open_folder else None
        )
        self.result_box = box
        box.open()

    def open_folder(self, path: Path) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))

    def _failed(self, error: Exception) -> None:
        self.export_button.setEnabled(True)
        show_message(self, QMessageBox.Icon.Critical, tr("Không xuất được"), str(error))

    def _cancelled(self) -> None:
        self.export_button.setEnabled(True)


def open_export_dialog(parent: QWidget | None, cdb: CommuneDatabase, year: int) -> ExportDialog:
    """Show the export dialog (window-modal, returns at once)."""
    dialog = ExportDialog(parent, cdb, year)
    dialog.open()
    return dialog
