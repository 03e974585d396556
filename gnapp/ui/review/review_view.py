"""The "Rà soát hộ nghèo" area: the round, its steps, the review list, the progress board and
follow-up lists, the meetings, the posting and complaints, the decision and corrections.

A thin layer over gnapp.review (workflow to act, progress to read): every action opens a
dialog of gnapp.ui.review.review_dialogs or calls the core, then the area reads the round again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gnapp.core.vietnamese import fold, format_date, format_number
from gnapp.i18n import tr, tr_noop
from gnapp.progress import Progress
from gnapp.reporting.figures import FiguresError
from gnapp.review import workflow
from gnapp.review.progress import (
    BOARD_COLUMNS,
    FOLLOW_UP,
    HouseholdState,
    board,
    follow_up,
    household_states,
    steps,
)
from gnapp.store import users
from gnapp.store.database import CommuneDatabase, open_database
from gnapp.store.errors import DatabaseError
from gnapp.ui.common.jobs import wait_for
from gnapp.ui.common.messages import ask, ask_yes_no, choose_folder
from gnapp.ui.common.models import LEFT, RIGHT, FlatTableModel, TextRow, TextTableModel
from gnapp.ui.common.qt import (
    QAbstractItemView,
    QAbstractTableModel,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QModelIndex,
    QPushButton,
    QSplitter,
    Qt,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    Signal,
)
from gnapp.ui.common.widgets import FITTED_ROWS, fill_village_filter, fit_columns, table_view
from gnapp.ui.review.review_dialogs import (
    AddHouseholdDialog,
    ApplicationDialog,
    ComplaintDialog,
    CorrectionDialog,
    MeetingDialog,
    OpinionDialog,
    PostingDialog,
    RecheckDialog,
    RecognitionDialog,
    RemoveHouseholdDialog,
    RoundDialog,
    class_text,
    show_message,
    show_refusal,
)
from gnapp.ui.review.review_wizard import QuestionnaireWizard

if TYPE_CHECKING:
    from gnapp.review.xlsform import XlsformFiles

SOURCE_LABELS = {
    "listed": tr_noop("Danh sách năm trước"),
    "applied": tr_noop("Giấy đề nghị"),
    "added": tr_noop("Bổ sung"),
}
QUESTIONNAIRE_LABELS = {
    None: tr_noop("Chưa rà soát"),
    "draft": tr_noop("Chưa hoàn thành"),
    "complete": tr_noop("Hoàn thành"),
}
VOTE_LABELS = {None: "", "agreed": tr_noop("Thống nhất"), "returned": tr_noop("Rà soát lại")}
# The documents of a round: kind (as gnapp.review.documents / tables name it), menu entry.
# The documents menu: gnapp.review.documents' kinds, then the summary tables.
DOCUMENTS = (
    ("list", tr_noop("Danh sách hộ cần rà soát")),
    ("questionnaire", tr_noop("Phiếu rà soát (Phiếu A, Phiếu B)")),
    ("minutes", tr_noop("Biên bản họp dân")),
    ("notice", tr_noop("Thông báo niêm yết công khai")),
    ("decision", tr_noop("Quyết định công nhận")),
    ("certificates", tr_noop("Giấy chứng nhận hộ nghèo, hộ cận nghèo")),
    ("summary_tables", tr_noop("Biểu tổng hợp kết quả rà soát")),
)
BY_VILLAGE = ("list", "questionnaire", "minutes", "certificates")  # narrowed by the village filter
STEP_STYLE = {
    "done": "QLabel { background: #e3f2e5; border: 1px solid #8cc79a; color: #1e5e2c; "
    "border-radius: 3px; padding: 4px; }",
    "current": "QLabel { background: #e3eefb; border: 2px solid #2f6fbf; color: #123f7a; "
    "border-radius: 3px; padding: 4px; }",
    "overdue": "QLabel { background: #fdecea; border: 2px solid #c62828; color: #8e1b1b; "
    "border-radius: 3px; padding: 4px; }",
    "waiting": "QLabel { background: palette(base); border: 1px solid #c8c8c8; color: #555555; "
    "border-radius: 3px; padding: 4px; }",
}
LIST_TAB, PROGRESS_TAB, POSTING_TAB, DECISION_TAB = range(4)


def _previous_text(status: str | None) -> str:
    return class_text(status) if status else "—"


# header, the text of a household's state in that column, right-aligned
LIST_COLUMNS: tuple[tuple[str, Callable[[HouseholdState], str], bool], ...] = (
    (tr_noop("Thôn/Tổ dân phố"), lambda s: s.village_name, False),
    (tr_noop("Mã hộ"), lambda s: s.code, False),
    (tr_noop("Chủ hộ"), lambda s: s.head_name, False),
    (tr_noop("Số khẩu"), lambda s: format_number(s.member_count), True),
    (tr_noop("Năm trước"), lambda s: _previous_text(s.previous_status), False),
    (tr_noop("Nguồn"), lambda s: tr(SOURCE_LABELS.get(s.source, s.source)), False),
    (tr_noop("Phiếu"), lambda s: tr(QUESTIONNAIRE_LABELS[s.questionnaire]), False),
    (tr_noop("Kết quả"), lambda s: class_text(s.result), False),
    (tr_noop("Họp dân"), lambda s: tr(VOTE_LABELS.get(s.vote) or ""), False),
    (tr_noop("Niêm yết"), lambda s: tr("Đã niêm yết") if s.posted else "", False),
    (
        tr_noop("Khiếu nại"),
        lambda s: tr("{count} chưa phúc tra", count=s.open_complaints) if s.disputed else "",
        False,
    ),
)


class ReviewListModel(FlatTableModel):
    """The households on a round's list (gnapp.review.progress.household_states), filtered by
    village and by a search on code and head of household (typed without diacritics too)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._all: list[HouseholdState] = []
        self._shown: list[HouseholdState] = []
        self._village: int | None = None
        self._search = ""

    def set_states(self, states: list[HouseholdState]) -> None:
        self._all = list(states)
        self._apply()

    def set_filter(self, village_id: int | None, search: str) -> None:
        self._village, self._search = village_id, fold(search.strip())
        self._apply()

    def _apply(self) -> None:
        self.beginResetModel()
        self._shown = [
            s
            for s in self._all
            if (self._village is None or s.village_id == self._village)
            and (not self._search or self._search in fold(f"{s.code} {s.head_name}"))
        ]
        self.endResetModel()

    @property
    def total(self) -> int:
        return len(self._all)

    def state(self, row: int) -> HouseholdState:
        return self._shown[row]

    def row_of(self, household_id: int) -> int | None:
        return next(
            (row for row, s in enumerate(self._shown) if s.household_id == household_id), None
        )

    def row_count(self) -> int:
        return len(self._shown)

    def column_count(self) -> int:
        return len(LIST_COLUMNS)

    def cell(self, row: int, column: int, role: int) -> Any:
        _, text, numeric = LIST_COLUMNS[column]
        state = self._shown[row]
        if role == Qt.ItemDataRole.DisplayRole:
            return text(state)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if numeric else LEFT
        if role == Qt.ItemDataRole.ForegroundRole and (state.returned or state.disputed):
            return Qt.GlobalColor.darkRed
        if role == Qt.ItemDataRole.ToolTipRole and state.added_reason:
            return tr("Lý do đưa vào danh sách: {reason}", reason=state.added_reason)
        return None

    def header(self, section: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return tr(LIST_COLUMNS[section][0])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if LIST_COLUMNS[section][2] else LEFT
        return None


def _table(model: QAbstractTableModel, stretch: int | None = None) -> QTableView:
    view = table_view(model)
    view.setTabKeyNavigation(False)
    view.setWordWrap(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setResizeContentsPrecision(FITTED_ROWS)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    else:
        header.setStretchLastSection(True)
    return view


def _button(text: str, tooltip: str, action: Callable[[], Any], name: str = "") -> QPushButton:
    button = QPushButton(text, objectName=name)
    button.setToolTip(tooltip)
    button.clicked.connect(lambda: action())
    return button


class ReviewView(QWidget):
    """The review area of the main window."""

    changed = Signal()  # statuses written (recognition, correction): the overview reads again

    def __init__(
        self,
        cdb: CommuneDatabase,
        user: users.User | None,
        parent: QWidget | None = None,
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__(parent)
        self.cdb, self.user, self.today = cdb, user, today
        self.round: workflow.Round | None = None
        self.list_model = ReviewListModel(self)
        self.board_model = TextTableModel(
            [tr("Thôn/Tổ dân phố"), *(tr(label) for _, label in BOARD_COLUMNS)],
            numeric_columns=range(1, len(BOARD_COLUMNS) + 1),
            parent=self,
        )
        self.complaint_model = TextTableModel(
            [tr("Ngày nhận"), tr("Hộ"), tr("Người khiếu nại"), tr("Nội dung"), tr("Phúc tra")],
            parent=self,
        )
        self.correction_model = TextTableModel(
            [tr("Hộ"), tr("Trước"), tr("Sau"), tr("Lý do"), tr("Quyết định")], parent=self
        )
        self.complaint_rows: list[dict[str, Any]] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._build_round_row())
        self.steps_strip = QHBoxLayout()
        self.steps_strip.setSpacing(4)
        layout.addLayout(self.steps_strip)
        self.round_state = QLabel(objectName="roundState")
        self.round_state.setWordWrap(True)
        layout.addWidget(self.round_state)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_list_tab(), tr("Danh sách rà soát"))
        self.tabs.addTab(self._build_progress_tab(), tr("Tiến độ theo thôn"))
        self.tabs.addTab(self._build_posting_tab(), tr("Niêm yết, khiếu nại"))
        self.tabs.addTab(self._build_decision_tab(), tr("Công nhận, điều chỉnh"))
        layout.addWidget(self.tabs, 1)
        self.refresh()

    # --- construction ---------------------------------------------------------------------

    def _build_round_row(self) -> QHBoxLayout:
        self.round_box = QComboBox(objectName="round")
        self.round_box.setMinimumContentsLength(32)
        self.round_box.currentIndexChanged.connect(lambda _: self.show_round())
        self.open_button = _button(
            tr("Mở đợt rà soát…"),
            tr("Mở đợt rà soát định kỳ của năm hoặc thường xuyên của tháng"),
            self.open_round,
            "openRound",
        )
        self.edit_button = _button(
            tr("Sửa đợt…"),
            tr("Chuẩn nghèo, ngày tham chiếu, tổ rà soát, thời hạn, thời gian niêm yết"),
            self.edit_round,
        )
        self.tablet_button = QPushButton(tr("Máy tính bảng"), objectName="tablets")
        self.tablet_button.setToolTip(
            tr(
                "Biểu mẫu Phiếu B cho máy tính bảng (KoBoToolbox, ODK Collect) và nhập các phiếu "
                "rà soát viên đã điền"
            )
        )
        tablet_menu = QMenu(self.tablet_button)
        form_action = tablet_menu.addAction(tr("Tạo biểu mẫu máy tính bảng…"))
        form_action.triggered.connect(lambda _=False: self.write_tablet_form())
        import_action = tablet_menu.addAction(tr("Nhập phiếu từ máy tính bảng…"))
        import_action.triggered.connect(lambda _=False: self.import_from_tablets())
        self.tablet_button.setMenu(tablet_menu)
        self.documents_button = QPushButton(tr("Tài liệu"), objectName="documents")
        self.documents_button.setToolTip(tr("Lập các văn bản, biểu mẫu của đợt rà soát"))
        menu = QMenu(self.documents_button)
        for kind, label in DOCUMENTS:
            action = menu.addAction(tr(label) + "…")
            action.triggered.connect(lambda _=False, kind=kind: self.export_document(kind))
        self.documents_button.setMenu(menu)
        label = QLabel(tr("Đợt &rà soát:"))
        label.setBuddy(self.round_box)
        row = QHBoxLayout()
        row.addWidget(label)
        row.addWidget(self.round_box, 1)
        for widget in (self.edit_button, self.open_button, self.tablet_button,
                       self.documents_button):  # fmt: skip
            row.addWidget(widget)
        return row

    def _build_list_tab(self) -> QWidget:
        self.village_box = QComboBox(objectName="villageFilter")
        self.village_box.setMinimumContentsLength(14)
        self.search_box = QLineEdit(objectName="search")
        self.search_box.setPlaceholderText(tr("Tìm theo mã hộ hoặc họ tên chủ hộ (gõ không dấu)"))
        self.search_box.setClearButtonEnabled(True)
        self.village_box.currentIndexChanged.connect(lambda _: self._filter())
        self.search_box.textChanged.connect(lambda _: self._filter())
        # Every column as wide as its content (the head's name whole, even in a narrow window:
        # a horizontal scroll bar rather than "Đin…"), the last one taking what is left.
        self.list_view = _table(self.list_model)
        # A round lists up to every household: sized from the first rows, widened by the user.
        self.list_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.list_view.horizontalHeader().setStretchLastSection(True)
        self.list_view.activated.connect(self._row_activated)
        self.list_view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.count_label = QLabel(objectName="countLabel")
        self.build_button = _button(
            tr("Lập danh sách"),
            tr("Đưa vào danh sách các hộ nghèo, cận nghèo năm trước và các hộ có giấy đề nghị"),
            self.build_list,
            "build",
        )
        self.add_button = _button(
            tr("Thêm hộ…"), tr("Đưa một hộ trong sổ hộ vào danh sách, có lý do"), self.add_household
        )
        self.remove_button = _button(
            tr("Đưa ra khỏi danh sách…"),
            tr("Đưa hộ đang chọn ra khỏi danh sách, có lý do"),
            self.remove_household,
        )
        self.application_button = _button(
            tr("Giấy đề nghị…"),
            tr("Ghi giấy đề nghị của hộ (Mẫu số 01 hoặc 04)"),
            self.add_application,
        )
        self.meeting_button = _button(
            tr("Họp dân…"),
            tr("Ghi cuộc họp dân của một thôn và biểu quyết từng hộ"),
            self.hold_meeting,
        )
        self.survey_button = _button(
            tr("Nhập phiếu…"),
            tr("Nhập, sửa phiếu rà soát của hộ đang chọn (hoặc bấm đúp, Enter)"),
            self.open_questionnaire,
            "survey",
        )
        self.survey_button.setDefault(True)
        search_label = QLabel(tr("Tì&m:"))
        search_label.setBuddy(self.search_box)
        filters = QHBoxLayout()
        filters.addWidget(search_label)
        filters.addWidget(self.search_box, 1)
        filters.addWidget(QLabel(tr("Thôn:")))
        filters.addWidget(self.village_box)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count_label, 1)
        for button in (
            self.build_button,
            self.add_button,
            self.remove_button,
            self.application_button,
            self.meeting_button,
            self.survey_button,
        ):
            buttons.addWidget(button)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addLayout(filters)
        layout.addWidget(self.list_view, 1)
        layout.addLayout(buttons)
        return page

    def _build_progress_tab(self) -> QWidget:
        self.board_view = _table(self.board_model, stretch=None)
        header = self.board_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.follow_tabs = QTabWidget(objectName="followUp")
        self.follow_lists: dict[str, QListWidget] = {}
        for key, _ in FOLLOW_UP:
            box = QListWidget(objectName=f"follow_{key}")
            box.itemActivated.connect(self._follow_chosen)
            box.itemClicked.connect(self._follow_chosen)
            self.follow_lists[key] = box
            self.follow_tabs.addTab(box, "")
        board_side = QWidget()
        board_layout = QVBoxLayout(board_side)
        board_layout.setContentsMargins(0, 0, 0, 0)
        board_layout.addWidget(QLabel(tr("Tiến độ theo thôn, tổ dân phố (số hộ)")))
        board_layout.addWidget(self.board_view, 1)
        follow_side = QWidget()
        follow_layout = QVBoxLayout(follow_side)
        follow_layout.setContentsMargins(0, 0, 0, 0)
        follow_layout.addWidget(QLabel(tr("Hộ cần theo dõi (bấm vào hộ để xem trong danh sách)")))
        follow_layout.addWidget(self.follow_tabs, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(board_side)
        splitter.addWidget(follow_side)
        splitter.setChildrenCollapsible(False)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(splitter)
        return page

    def _build_posting_tab(self) -> QWidget:
        self.posting_label = QLabel(objectName="posting")
        self.posting_label.setWordWrap(True)
        self.posting_button = _button(
            tr("Niêm yết…"), tr("Niêm yết công khai kết quả đã họp dân thống nhất"),
            self.open_posting,
        )  # fmt: skip
        self.complaint_view = _table(self.complaint_model, stretch=3)
        self.complaint_view.activated.connect(lambda _: self.recheck())
        self.complaint_button = _button(
            tr("Thêm khiếu nại…"), tr("Ghi khiếu nại về kết quả của một hộ"), self.add_complaint
        )
        self.recheck_button = _button(
            tr("Phúc tra…"), tr("Ghi kết quả phúc tra khiếu nại đang chọn"), self.recheck
        )
        top = QHBoxLayout()
        top.addWidget(self.posting_label, 1)
        top.addWidget(self.posting_button)
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(self.complaint_button)
        buttons.addWidget(self.recheck_button)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addLayout(top)
        layout.addWidget(QLabel(tr("Khiếu nại, phúc tra:")))
        layout.addWidget(self.complaint_view, 1)
        layout.addLayout(buttons)
        return page

    def _build_decision_tab(self) -> QWidget:
        self.decision_label = QLabel(objectName="decision")
        self.decision_label.setWordWrap(True)
        self.recognise_button = _button(
            tr("Công nhận kết quả…"),
            tr("Quyết định công nhận của Chủ tịch UBND xã: ghi tình trạng năm, khóa đợt"),
            self.recognise,
            "recognise",
        )
        self.correct_button = _button(
            tr("Điều chỉnh…"),
            tr("Điều chỉnh tình trạng một hộ sau quyết định công nhận (lãnh đạo phê duyệt)"),
            self.correct,
            "correct",
        )
        self.opinion_button = _button(
            tr("Ý kiến cấp trên…"),
            tr("Ghi ý kiến của cấp trên về kết quả rà soát (bước không bắt buộc)"),
            self.record_opinion,
            "opinion",
        )
        self.correction_view = _table(self.correction_model, stretch=3)
        top = QHBoxLayout()
        top.addWidget(self.decision_label, 1)
        top.addWidget(self.opinion_button)
        top.addWidget(self.recognise_button)
        top.addWidget(self.correct_button)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addLayout(top)
        layout.addWidget(QLabel(tr("Các lần điều chỉnh sau quyết định:")))
        layout.addWidget(self.correction_view, 1)
        return page

    # --- content --------------------------------------------------------------------------

    @property
    def round_id(self) -> int | None:
        return self.round.id if self.round else None

    def refresh(self, round_id: int | None = None) -> None:
        """Read the rounds again (newest first) and show ``round_id``, else the one shown,
        else the newest."""
        wanted = round_id if round_id is not None else self.round_id
        found = workflow.rounds(self.cdb.db)
        self.round_box.blockSignals(True)
        self.round_box.clear()
        for item in found:
            state = tr("đã công nhận") if item.locked else tr("đang thực hiện")
            self.round_box.addItem(f"{item.title_in(tr)} ({state})", item.id)
        index = self.round_box.findData(wanted)
        self.round_box.setCurrentIndex(index if index >= 0 else (0 if found else -1))
        self.round_box.blockSignals(False)
        self._fill_villages()
        self.show_round()

    def _fill_villages(self) -> None:
        fill_village_filter(self.village_box, self.cdb.db)

    def show_round(self) -> None:
        """The chosen round's steps, list, board, posting, complaints and decision."""
        round_id = self.round_box.currentData()
        db = self.cdb.db
        self.round = workflow.get_round(db, round_id) if round_id is not None else None
        selected = self.selected_household()
        self._show_steps()
        states = household_states(db, round_id) if round_id is not None else []
        self.list_model.set_states(states)
        self._filter()
        if selected is not None:
            self.select_household(selected, switch=False)
        self._show_board()
        self._show_posting()
        self._show_decision()
        self._update_buttons()

    def _show_steps(self) -> None:
        while self.steps_strip.count():
            widget = self.steps_strip.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        found = self.round
        if found is None:
            self.round_state.setText(
                tr("Chưa có đợt rà soát nào: bấm “Mở đợt rà soát…” để bắt đầu.")
            )
            return
        for number, step in enumerate(steps(self.cdb.db, found.id, self.today()), start=1):
            if step.done:
                key, mark = "done", "✓ "
            elif step.overdue:
                key, mark = "overdue", "! "
            else:
                key, mark = ("current", "▶ ") if step.current else ("waiting", "")
            when = (
                tr("hạn {date}", date=format_date(date.fromisoformat(step.deadline)))
                if step.deadline
                else tr("không bắt buộc")
                if step.step.optional
                else ""
            )
            states = (
                tr("đã xong") if step.done else "",
                tr("đang làm") if step.current else "",
                tr("quá hạn") if step.overdue else "",
            )
            state = ", ".join(text for text in states if text)
            label = QLabel(
                f"{mark}{number}. {tr(step.name)}\n" + " · ".join(t for t in (when, state) if t),
                objectName=f"step_{step.step.id}",
            )
            label.setWordWrap(True)
            label.setProperty("state", key)
            label.setStyleSheet(STEP_STYLE[key])
            label.setToolTip(tr(step.step.note) if step.step.note else tr(step.name))
            self.steps_strip.addWidget(label, 1)
        parts = [
            tr(
                "Chuẩn: {standard}. Ngày tham chiếu {reference}. Niêm yết {days} ngày làm việc.",
                standard=tr(found.standard.name),
                reference=format_date(found.reference_date),
                days=found.posting_days or workflow.posting_days(self.cdb.db, found.procedure),
            )
        ]
        if found.team:
            parts.append(tr("Tổ rà soát: {team}.", team=", ".join(found.team)))
        if found.locked:
            parts.insert(0, self._decision_text(found) + tr(" — đợt đã khóa, chỉ xem."))
        self.round_state.setText(" ".join(parts))

    @staticmethod
    def _decision_text(found: workflow.Round) -> str:
        decided = (
            format_date(date.fromisoformat(found.decision_date)) if found.decision_date else ""
        )
        return tr(
            "Đã công nhận: Quyết định số {number} ngày {date}",
            number=found.decision_number or "",
            date=decided,
        )

    def _filter(self) -> None:
        self.list_model.set_filter(self.village_box.currentData(), self.search_box.text())
        fit_columns(self.list_view)
        shown, total = self.list_model.rowCount(), self.list_model.total
        if self.round is None:
            text = ""
        elif total == 0:
            text = tr("Danh sách chưa có hộ nào: bấm “Lập danh sách” hoặc “Thêm hộ…”.")
        else:
            text = tr(
                "Đang hiển thị {shown} / {total} hộ trong danh sách",
                shown=format_number(shown),
                total=format_number(total),
            )
        self.count_label.setText(text)
        self._update_buttons()

    def _show_board(self) -> None:
        round_id = self.round_id
        rows = board(self.cdb.db, round_id) if round_id is not None else []
        self.board_model.set_rows(
            TextRow((row.village_name if row.village_id is not None else tr("Toàn xã"),
                     *(format_number(row.counts[key]) for key, _ in BOARD_COLUMNS)))
            for row in rows
        )  # fmt: skip
        lists = follow_up(self.cdb.db, round_id) if round_id is not None else {}
        for index, (key, label) in enumerate(FOLLOW_UP):
            box = self.follow_lists[key]
            box.clear()
            for state in lists.get(key, []):
                item = QListWidgetItem(f"{state.code} — {state.head_name} ({state.village_name})")
                item.setData(Qt.ItemDataRole.UserRole, state.household_id)
                box.addItem(item)
            self.follow_tabs.setTabText(index, f"{tr(label)} ({box.count()})")

    def _show_posting(self) -> None:
        round_id = self.round_id
        posted = workflow.posting(self.cdb.db, round_id) if round_id is not None else None
        if posted is None:
            self.posting_label.setText(tr("Chưa niêm yết kết quả."))
        else:
            self.posting_label.setText(
                tr(
                    "Niêm yết từ ngày {start} đến hết ngày {end} tại: {places}",
                    start=format_date(date.fromisoformat(posted["starts_on"])),
                    end=format_date(date.fromisoformat(posted["ends_on"])),
                    places=posted["places"] or tr("chưa ghi nơi niêm yết"),
                )
            )
        self.complaint_rows = workflow.complaints(self.cdb.db, round_id) if round_id else []
        self.complaint_model.set_rows(
            TextRow(
                (
                    format_date(date.fromisoformat(row["received_on"])),
                    f"{row['code']} — {row['head_name'] or ''}",
                    row["complainant"] or "",
                    row["content"],
                    tr("{date}: {klass} — {result}",
                       date=format_date(date.fromisoformat(row["recheck_on"])),
                       klass=class_text(row["recheck_class"]), result=row["recheck_result"])
                    if row["resolved"]
                    else tr("Chưa phúc tra"),
                ),
                row["content"],
            )
            for row in self.complaint_rows
        )  # fmt: skip

    def _show_decision(self) -> None:
        found = self.round
        if found is None:
            self.decision_label.setText("")
            self.correction_model.set_rows([])
            return
        if found.locked:
            self.decision_label.setText(self._decision_text(found))
        else:
            self.decision_label.setText(
                tr("Chưa có quyết định công nhận. Hạn: {deadline}.",
                   deadline=format_date(date.fromisoformat(found.deadlines["recognition"]))
                   if found.deadlines.get("recognition") else tr("chưa đặt"))
            )  # fmt: skip
        self.correction_model.set_rows(
            TextRow(
                (
                    f"{row['code']} — {row['head_name'] or ''}",
                    class_text(row["old_status"]),
                    class_text(row["new_status"]),
                    row["reason"],
                    tr("Số {number} ngày {date}", number=row["decision_number"],
                       date=format_date(date.fromisoformat(row["decision_date"]))),
                )
            )
            for row in workflow.corrections(self.cdb.db, found.id)
        )  # fmt: skip

    def _update_buttons(self) -> None:
        """Acting on an open round only; a locked round is read-only but for corrections."""
        found = self.round
        open_round = found is not None and not found.locked
        selected = self.selected_state() is not None
        acting = (
            self.edit_button,
            self.tablet_button,
            self.build_button,
            self.add_button,
            self.application_button,
            self.meeting_button,
            self.posting_button,
            self.complaint_button,
            self.recheck_button,
            self.recognise_button,
            self.opinion_button,
        )
        for button in acting:
            button.setEnabled(open_round)
        self.remove_button.setEnabled(open_round and selected)
        self.survey_button.setEnabled(open_round and selected)
        self.correct_button.setEnabled(found is not None and found.locked)
        self.documents_button.setEnabled(found is not None)

    # --- selection --------------------------------------------------------------------------

    def selected_state(self) -> HouseholdState | None:
        rows = self.list_view.selectionModel().selectedRows()
        return self.list_model.state(rows[0].row()) if rows else None

    def selected_household(self) -> int | None:
        state = self.selected_state()
        return state.household_id if state else None

    def select_household(self, household_id: int, *, switch: bool = True) -> bool:
        """Show a household selected in the review list (the filters emptied if they hide it)."""
        if self.list_model.row_of(household_id) is None:
            self.village_box.setCurrentIndex(0)
            self.search_box.clear()
        row = self.list_model.row_of(household_id)
        if row is None:
            return False
        if switch:
            self.tabs.setCurrentIndex(LIST_TAB)
        self.list_view.selectRow(row)
        self.list_view.scrollTo(
            self.list_model.index(row, 0), QAbstractItemView.ScrollHint.PositionAtCenter
        )
        return True

    def _row_activated(self, index: QModelIndex) -> None:
        """Double-click or Enter on a row: that household's questionnaire."""
        self.list_view.selectRow(index.row())
        self.open_questionnaire()

    def _follow_chosen(self, item: QListWidgetItem) -> None:
        self.select_household(item.data(Qt.ItemDataRole.UserRole))
        self.list_view.setFocus()

    # --- actions ----------------------------------------------------------------------------

    def _after(self, dialog: Any) -> bool:
        """Run a dialog; when it saved, read the round again."""
        if dialog.exec():
            self.refresh()
            return True
        return False

    def open_round(self) -> bool:
        dialog = RoundDialog(self.cdb, None, self, self.today())
        if dialog.exec():
            self.refresh(dialog.round_id)
            return True
        return False

    def edit_round(self) -> bool:
        return self.round is not None and self._after(RoundDialog(self.cdb, self.round, self))

    def _run(
        self,
        title: str,
        label: str,
        work: Callable[[CommuneDatabase], Any],
        by: users.User | None = None,
    ) -> Any:
        """Core work off the GUI thread on its own connection, in the change log under ``by``
        (else the signed-in user); None after a refusal (shown)."""
        by = by or self.user
        path, actor = self.cdb.path, by.actor if by else self.cdb.actor

        def job(progress: Progress) -> Any:
            with open_database(path, actor=actor) as own:
                return work(own)

        outcome, value = wait_for(self, title, label, job)
        if outcome == "error":
            if not isinstance(value, (DatabaseError, FiguresError)):
                raise value
            show_refusal(self, value)
            return None
        return value if outcome == "result" else None

    def build_list(self) -> int | None:
        """Put the households of last year's lists and the applicants on the list."""
        round_id = self.round_id
        if round_id is None:
            return None
        added = self._run(
            tr("Lập danh sách rà soát"),
            tr("Đang lập danh sách hộ cần rà soát…"),
            lambda own: workflow.build_list(own, round_id),
        )
        self.refresh()
        if added is not None:
            show_message(
                self,
                tr("Lập danh sách rà soát"),
                tr("Đã đưa thêm {count} hộ vào danh sách (tổng {total} hộ).",
                   count=format_number(added), total=format_number(self.list_model.total)),
                warning=False,
            )  # fmt: skip
        return added

    def add_household(self) -> bool:
        return self.round_id is not None and self._after(
            AddHouseholdDialog(self.cdb, self.round_id, self)
        )

    def remove_household(self) -> bool:
        state = self.selected_state()
        if self.round_id is None or state is None:
            return False
        return self._after(RemoveHouseholdDialog(self.cdb, self.round_id, state, self))

    def add_application(self) -> bool:
        if self.round_id is None:
            return False
        return self._after(
            ApplicationDialog(self.cdb, self.round_id, self.selected_household(), self)
        )

    def open_questionnaire(self) -> None:
        """The questionnaire wizard for the household selected (double-click, Enter)."""
        household_id = self.selected_household()
        if self.round is None or self.round.locked or household_id is None:
            return
        self.questionnaire_wizard(household_id)
        self.refresh()

    def questionnaire_wizard(self, household_id: int) -> None:
        """Open the questionnaire wizard and wait for it to close."""
        QuestionnaireWizard(self.cdb, self.round_id, household_id, self.user, self).exec()

    def write_tablet_form(self) -> XlsformFiles | None:
        """The round's Phiếu B as an XLSForm, with the households to review and last year's
        answers beside it, into a folder the clerk chooses (docs/tablet-form.md)."""
        if self.round_id is None:
            return None
        title = tr("Biểu mẫu máy tính bảng")
        forms = ask(
            self,
            title,
            tr(
                "Biểu mẫu cho máy tính bảng gồm những phiếu nào? Có Phiếu A thì rà soát viên "
                "nhận dạng nhanh trước; hộ không đủ điều kiện thì không hỏi Phiếu B."
            ),
            (
                (tr("Chỉ Phiếu B"), QMessageBox.ButtonRole.AcceptRole),
                (tr("Phiếu A và Phiếu B"), QMessageBox.ButtonRole.AcceptRole),
                (tr("Hủy"), QMessageBox.ButtonRole.RejectRole),
            ),
            default=0,
            escape=2,
        )
        if forms not in (0, 1):
            return None
        folder = choose_folder(self, tr("Chọn thư mục ghi biểu mẫu máy tính bảng"))
        if folder is None:
            return None
        round_id, form_a = self.round_id, forms == 1

        def work(own: CommuneDatabase) -> XlsformFiles:
            from gnapp.review.xlsform import write_xlsform

            return write_xlsform(own.db, round_id, folder, form_a=form_a)

        files = self._run(title, tr("Đang ghi biểu mẫu máy tính bảng…"), work)
        if files is not None:
            written = "\n".join(str(p) for p in (files.form, files.households, files.previous))
            notes = "".join(f"\n• {note}" for note in files.notes)
            text = tr(
                "Đã ghi:\n{files}\n\nMã biểu mẫu: {form_id}, phiên bản {version}; {count} hộ "
                "trong danh sách. Tải cả ba tệp lên KoBoToolbox hoặc ODK Central.{notes}",
                files=written,
                form_id=files.form_id,
                version=files.version,
                count=format_number(files.households_listed),
                notes=notes,
            )
            show_message(self, title, text, warning=False)
        return files

    def import_from_tablets(self) -> None:
        """Questionnaires filled in on tablets (KoBoToolbox, ODK exports)."""
        if self.round_id is None:
            return
        from gnapp.ui.review.questionnaire_import import (
            QuestionnaireImportDialog,  # imports main_window
        )

        QuestionnaireImportDialog(self.cdb, self.round_id, self.user, self).exec()
        self.refresh()

    def hold_meeting(self) -> bool:
        if self.round_id is None:
            return False
        state = self.selected_state()
        village = state.village_id if state else self.village_box.currentData()
        dialog = MeetingDialog(self.cdb, self.round_id, village, self)
        if dialog.village.count() == 0:
            show_message(
                self,
                tr("Họp dân"),
                tr("Chưa có hộ nào hoàn thành phiếu rà soát đang chờ họp dân."),
                warning=False,
            )
            return False
        return self._after(dialog)

    def open_posting(self) -> bool:
        return self.round_id is not None and self._after(
            PostingDialog(self.cdb, self.round_id, self)
        )

    def add_complaint(self) -> bool:
        return self.round_id is not None and self._after(
            ComplaintDialog(self.cdb, self.round_id, self.selected_household(), self)
        )

    def selected_complaint(self) -> dict[str, Any] | None:
        rows = self.complaint_view.selectionModel().selectedRows()
        return self.complaint_rows[rows[0].row()] if rows else None

    def recheck(self) -> bool:
        complaint = self.selected_complaint()
        if complaint is None:
            open_ones = [row for row in self.complaint_rows if not row["resolved"]]
            complaint = open_ones[0] if len(open_ones) == 1 else None
        if complaint is None:
            show_message(self, tr("Phúc tra"), tr("Hãy chọn một khiếu nại trong danh sách."))
            return False
        return self._after(RecheckDialog(self.cdb, complaint, self))

    def recognise(self) -> int | None:
        """The chair's decision (an approver signs in if the user is not one); the statuses
        are written off the GUI thread."""
        round_id = self.round_id
        if round_id is None:
            return None
        dialog = RecognitionDialog(self.cdb, round_id, self.user, self, self.today())
        if not dialog.exec():
            return None
        number, decided_on = dialog.decision()
        approver = dialog.approver
        written = self._run(
            tr("Công nhận kết quả rà soát"),
            tr("Đang ghi tình trạng của các hộ…"),
            lambda own: workflow.recognise(own, round_id, number, decided_on, approver=approver),
            approver,
        )
        self.refresh()
        if written is not None:
            self.changed.emit()
            show_message(
                self,
                tr("Công nhận kết quả rà soát"),
                tr("Đã ghi tình trạng năm {year} của {count} hộ; đợt rà soát đã khóa.",
                   year=self.round.year if self.round else "", count=format_number(written)),
                warning=False,
            )  # fmt: skip
        return written

    def record_opinion(self) -> bool:
        """The optional step: the opinion of the level above, under its name in the settings."""
        if self.round is None or self.round.locked:
            return False
        stages = steps(self.cdb.db, self.round.id, self.today())
        step = next((s for s in stages if s.step.id == "opinion"), None)
        name = step.name if step else tr("Ý kiến cấp trên")
        return self._after(OpinionDialog(self.cdb, self.round.id, name, self))

    def correct(self) -> bool:
        if self.round is None or not self.round.locked:
            return False
        dialog = CorrectionDialog(
            self.cdb, self.round.id, self.user, self.selected_household(), self
        )
        if self._after(dialog):
            self.changed.emit()
            return True
        return False

    def _signing_noted(self, kind: str, label: str) -> bool:
        """Tell the clerk, before writing, of a signer without a name or a legal basis not
        confirmed; whether to go on."""
        from gnapp.review.documents import document_notes

        if kind == "summary_tables" or self.round_id is None:
            return True
        notes = document_notes(self.cdb.db, self.round_id, kind)
        if not notes:
            return True
        text = tr("Trước khi lập văn bản:\n{notes}\n\nVẫn lập văn bản?", notes="\n".join(notes))
        return ask_yes_no(self, label, text, tr("Vẫn lập"))

    def export_document(self, kind: str) -> list[Path] | None:
        """Write one of the round's documents (DOCUMENTS) into a folder the clerk chooses; the
        village chosen above the list narrows the list, questionnaires, minutes, certificates."""
        if self.round_id is None:
            return None
        label = tr(dict(DOCUMENTS)[kind])
        if not self._signing_noted(kind, label):
            return None
        folder = choose_folder(self, tr("Chọn thư mục ghi {document}", document=label.lower()))
        if folder is None:
            return None
        round_id, village = self.round_id, self.village_box.currentData()

        def work(own: CommuneDatabase) -> list[Path]:
            # the writers (and their layouts) load on first use, not when the app starts
            from gnapp.review.documents import write_into_folder
            from gnapp.review.tables import export_summary_tables

            if kind == "summary_tables":
                return list(export_summary_tables(own.db, round_id, folder).files)
            return write_into_folder(
                own.db, round_id, kind, folder,
                village_id=village if kind in BY_VILLAGE else None,
            )  # fmt: skip

        written = self._run(label, tr("Đang lập {document}…", document=label.lower()), work)
        if written is not None:
            files = "\n".join(str(path) for path in written)
            show_message(self, label, tr("Đã ghi:\n{files}", files=files), warning=False)
        return written
