"""Questionnaires captured on tablets (KoBoToolbox, ODK) imported into a review round: choose the
export's files, look at the preview (every questionnaire, its expected class and its problems),
then save the good ones in the background."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from gnapp.core.classify import CLASS_LABELS
from gnapp.core.vietnamese import format_number
from gnapp.i18n import tr, tr_noop
from gnapp.importers.reading import ImportFileError
from gnapp.progress import Progress
from gnapp.review.tablet import (
    ERROR,
    SavedMapping,
    TabletPlan,
    TabletResult,
    apply_tablet_import,
    load_mapping,
    plan_tablet_import,
    write_problem_report,
)
from gnapp.review.workflow import get_round
from gnapp.store.database import CommuneDatabase, open_database
from gnapp.store.errors import DatabaseError
from gnapp.store.users import User
from gnapp.ui.common.jobs import run_job, wait_for
from gnapp.ui.common.messages import ask_path, show_message
from gnapp.ui.common.qt import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMessageBox,
    QPushButton,
    QSize,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from gnapp.ui.common.widgets import list_table, wrapped
from gnapp.ui.common.window_size import fit_window

FILE_FILTER = tr_noop("Tệp xuất từ KoBoToolbox, ODK (*.xlsx *.xls *.ods *.csv *.zip);;Mọi tệp (*)")
MAPPING_FILTER = tr_noop("Tệp ghép cột (*.json)")


def _item(text: object) -> QTableWidgetItem:
    """A cell whose whole text also shows on hover (long reasons are cut in the table)."""
    item = QTableWidgetItem("" if text is None else str(text))
    item.setToolTip(item.text())
    return item


class QuestionnaireImportDialog(QDialog):
    """Import tablet questionnaires into one review round."""

    def __init__(
        self, cdb: CommuneDatabase, round_id: int, user: User | None, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.cdb = cdb
        self.round_id = round_id
        self.user = user
        self.files: list[Path] = []
        self.mapping: SavedMapping | None = None
        self.mapping_path: Path | None = None
        self.plan: TabletPlan | None = None
        self.result: TabletResult | None = None
        self.job = None
        self.setWindowTitle(tr("Nhập phiếu rà soát từ máy tính bảng"))

        self.file_list = QListWidget(objectName="files")
        self.file_list.setMaximumHeight(70)
        add = QPushButton(tr("Thêm tệp…"))
        add.clicked.connect(self.choose_file)
        remove = QPushButton(tr("Bỏ tệp đã chọn"))
        remove.clicked.connect(self.remove_file)
        self.mapping_button = QPushButton(tr("Tệp ghép cột…"))
        self.mapping_button.clicked.connect(self.choose_mapping)
        self.preview_button = QPushButton(tr("Xem trước"))
        self.preview_button.clicked.connect(self.preview)
        buttons = QHBoxLayout()
        for button in (add, remove, self.mapping_button, self.preview_button):
            buttons.addWidget(button)
        buttons.addStretch()

        self.summary = wrapped(
            tr(
                "Chọn tệp xuất từ KoBoToolbox hoặc ODK Central (tệp Excel có trang thành viên, "
                "tệp CSV kèm tệp nhóm lặp thành viên, hoặc tệp nén .zip), rồi bấm “Xem trước”. "
                "Chưa có gì được ghi cho đến khi bấm “Nhập phiếu”."
            ),
            "summary",
        )
        self.submissions = list_table(
            [tr("Tệp, trang"), tr("Dòng"), tr("Mã hộ"), tr("Chủ hộ"), tr("Thành viên"),
             tr("Kết quả dự kiến"), tr("Số chỉ số thiếu hụt"), tr("Tình trạng")],
            "submissions",
        )  # fmt: skip
        self.problems = list_table(
            [tr("Tệp"), tr("Trang"), tr("Dòng"), tr("Cột"), tr("Trường"), tr("Mức"), tr("Lý do")],
            "problems",
        )
        self.notes = wrapped("", "notes")
        self.notes.hide()
        self.report_button = QPushButton(tr("Lưu danh sách lỗi ra Excel"))
        self.report_button.clicked.connect(self.save_report)
        self.apply_button = QPushButton(tr("Nhập phiếu"), objectName="apply")
        self.apply_button.clicked.connect(self.start_apply)
        close = QPushButton(tr("Đóng"))
        close.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.report_button)
        bottom.addStretch()
        bottom.addWidget(self.apply_button)
        bottom.addWidget(close)

        layout = QVBoxLayout(self)
        title = QLabel(
            tr("Đợt rà soát: {title}", title=get_round(cdb.db, round_id).title_in(tr)),
            objectName="round",
        )
        title.setStyleSheet("font-weight: bold;")
        layout.addWidget(title)
        layout.addWidget(QLabel(tr("Tệp:")))
        layout.addWidget(self.file_list)
        layout.addLayout(buttons)
        layout.addWidget(self.summary)
        layout.addWidget(self.notes)
        layout.addWidget(QLabel(tr("Các phiếu trong tệp:")))
        layout.addWidget(self.submissions, 3)
        layout.addWidget(QLabel(tr("Lỗi và cảnh báo (tệp, trang, dòng, cột, trường):")))
        layout.addWidget(self.problems, 2)
        layout.addLayout(bottom)
        fit_window(self, QSize(1200, 680))
        self.refresh_buttons()

    # --- choosing --------------------------------------------------------------------------------

    def add_files(self, paths: list[Path]) -> None:
        for path in paths:
            if path not in self.files:
                self.files.append(path)
                self.file_list.addItem(str(path))
        self.plan, self.result = None, None  # another file: a new preview, a new import
        self.refresh_buttons()

    def choose_file(self) -> None:
        start = self.files[-1].parent if self.files else Path.home()
        path = ask_path(self, tr("Chọn tệp phiếu"), start, tr(FILE_FILTER), accept=tr("Chọn"))
        if path is not None:
            self.add_files([path])

    def remove_file(self) -> None:
        row = self.file_list.currentRow()
        if row < 0:
            return
        self.file_list.takeItem(row)
        del self.files[row]
        self.plan, self.result = None, None  # another file: a new preview, a new import
        self.refresh_buttons()

    def choose_mapping(self) -> None:
        start = self.files[-1].parent if self.files else Path.home()
        path = ask_path(self, tr("Chọn tệp ghép cột"), start, tr(MAPPING_FILTER), accept=tr("Chọn"))
        if path is not None:
            self.set_mapping(path)

    def set_mapping(self, path: Path) -> None:
        try:
            self.mapping = load_mapping(path)
        except ImportFileError as error:
            show_message(self, QMessageBox.Icon.Warning, tr("Tệp ghép cột"), str(error))
            return
        self.mapping_path = path
        self.mapping_button.setText(tr("Ghép cột: {name}", name=path.name))
        self.plan, self.result = None, None  # another file: a new preview, a new import
        self.refresh_buttons()

    def refresh_buttons(self) -> None:
        self.preview_button.setEnabled(bool(self.files) and self.result is None)
        good = self.plan.to_save() if self.plan else []
        self.apply_button.setEnabled(bool(good) and self.result is None)
        self.report_button.setEnabled(bool(self.plan and self.plan.all_problems()))

    # --- the preview -----------------------------------------------------------------------------

    def _wait(self, label: str, work: Callable[[Progress], Any]) -> tuple[str, Any]:
        return wait_for(self, tr("Nhập phiếu rà soát"), label, work)

    def preview(self) -> None:
        path, actor, round_id = self.cdb.path, self.cdb.actor, self.round_id
        files, mapping = list(self.files), self.mapping

        def work(progress: Progress) -> TabletPlan:
            with open_database(path, actor=actor) as own:
                return plan_tablet_import(
                    own.db, round_id, files, mapping=mapping, progress=progress
                )

        outcome, value = self._wait(tr("Đang đọc và kiểm tra từng phiếu…"), work)
        if outcome == "error":
            if not isinstance(value, ImportFileError | DatabaseError):
                raise value
            show_message(self, QMessageBox.Icon.Warning, tr("Không đọc được tệp"), str(value))
            return
        if outcome == "result":
            self.show_plan(value)

    def show_plan(self, plan: TabletPlan) -> None:
        self.plan = plan
        good = plan.to_save()
        self.summary.setText(
            tr(
                "Xem trước, chưa ghi gì: {total} phiếu; nhập được {good}; bị loại {rejected}.",
                total=format_number(len(plan.submissions)),
                good=format_number(len(good)),
                rejected=format_number(len(plan.rejected)),
            )
        )
        self.notes.setText("\n".join(plan.notes))
        self.notes.setVisible(bool(plan.notes))
        self.submissions.setRowCount(len(plan.submissions))
        for row, submission in enumerate(plan.submissions):
            if submission.ok:
                warned = any(p.severity != ERROR for p in submission.problems)
                state = tr("Nhập được, có cảnh báo") if warned else tr("Nhập được")
            else:
                state = tr("Bị loại: {count} lỗi", count=len(submission.errors))
            members = len(submission.record["members"]) if submission.record else ""
            values = [
                f"{submission.file} › {submission.sheet}", submission.row, submission.code,
                submission.head_name, members,
                tr(CLASS_LABELS[submission.class_code]) if submission.class_code else "",
                submission.deprivation_count, state,
            ]  # fmt: skip
            for column, value in enumerate(values):
                self.submissions.setItem(row, column, _item(value))
        problems = plan.all_problems()
        self.problems.setRowCount(len(problems))
        for row, problem in enumerate(problems):
            level = tr("Lỗi") if problem.severity == ERROR else tr("Cảnh báo")
            values = [problem.file, problem.sheet, problem.row, problem.column, problem.field,
                      level, problem.message]  # fmt: skip
            for column, value in enumerate(values):
                self.problems.setItem(row, column, _item(value))
        self.refresh_buttons()

    def report_path(self) -> Path:
        first = self.files[0]
        return first.with_name(f"{first.stem}-loi.xlsx")

    def save_report(self) -> None:
        if self.plan is None:
            return
        target = self.report_path()
        try:
            count = write_problem_report(self.plan, target)
        except OSError as error:
            show_message(self, QMessageBox.Icon.Warning, tr("Không lưu được"), str(error))
            return
        show_message(
            self, QMessageBox.Icon.Information, tr("Đã lưu danh sách lỗi"),
            tr("Đã ghi {count} lỗi, cảnh báo vào {path}", count=format_number(count),
               path=str(target)),
        )  # fmt: skip

    # --- saving ----------------------------------------------------------------------------------

    def start_apply(self) -> None:
        plan = self.plan
        if plan is None or not plan.to_save():
            return
        path, actor = self.cdb.path, self.user.actor if self.user else self.cdb.actor
        reviewer = self.user.full_name if self.user else None

        def work(progress: Progress) -> TabletResult:
            with open_database(path, actor=actor) as own:
                return apply_tablet_import(own, plan, reviewer=reviewer, progress=progress)

        self.job = run_job(
            self, tr("Nhập phiếu rà soát"), tr("Đang lưu phiếu…"), work,
            self.finish_apply, self.fail_apply, self.cancelled_apply,
        )  # fmt: skip

    def finish_apply(self, result: TabletResult) -> None:
        self.result = result
        classes = "; ".join(
            f"{tr(CLASS_LABELS[code])}: {format_number(count)}"
            for code, count in result.classes.items()
        )
        self.summary.setText(
            tr(
                "Đã lưu {saved} Phiếu B hoàn thành vào đợt rà soát ({classes}). "
                "Phiếu bị loại chưa được ghi: sửa trong tệp rồi nhập lại.",
                saved=format_number(result.saved),
                classes=classes,
            )
        )
        self.refresh_buttons()

    def fail_apply(self, error: Exception) -> None:
        if not isinstance(error, ImportFileError | DatabaseError):
            raise error
        text = str(error)
        if not isinstance(error, ImportFileError):  # its message says so already
            text = tr("{error}\nChưa có phiếu nào được ghi.", error=text)
        show_message(self, QMessageBox.Icon.Critical, tr("Nhập không thành công"), text)

    def cancelled_apply(self) -> None:
        show_message(
            self, QMessageBox.Icon.Information, tr("Đã hủy"),
            tr("Đã hủy nhập; dữ liệu giữ nguyên như trước."),
        )  # fmt: skip


def open_questionnaire_import(
    cdb: CommuneDatabase, round_id: int, user: User | None, parent: QWidget | None
) -> QuestionnaireImportDialog:
    """Show the dialog (not modal) and return it."""
    dialog = QuestionnaireImportDialog(cdb, round_id, user, parent)
    dialog.show()
    return dialog
