"""The main window: the commune and the year in view above, the areas of the app beside them.

Areas: "Tổng quan" (the commune at a glance for the year) and "Hộ gia đình" (the household
list); importing a list opens its wizard. The household form, the import wizard and the export
dialog load on first use. So that the window opens at once on a large register, the other
areas are built when first shown, and the overview's counts are read on a pool thread (with
its own connection) behind "Đang tính…".
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import cast

import gnapp
from gnapp.core.vietnamese import format_date, format_decimal, format_number, format_percent
from gnapp.i18n import LANGUAGES, current_language, tr, tr_noop
from gnapp.preferences import backup_root, remember_database
from gnapp.progress import Progress
from gnapp.store import users
from gnapp.store.backups import default_backup_folder
from gnapp.store.database import CommuneDatabase, open_database
from gnapp.store.errors import DatabaseError
from gnapp.store.overview import VillageFigures, status_years, year_in_view
from gnapp.store.programme import target_kinds, targets
from gnapp.store.register import get_commune, get_setting
from gnapp.store.setup import KINDS
from gnapp.store.users import User
from gnapp.store.year_figures import (
    OFFICIAL,
    YEAR_END,
    YearFigures,
    YearOverview,
    year_overview,
)
from gnapp.ui.common.guide import GuideDialog
from gnapp.ui.common.household_list import HouseholdListPage
from gnapp.ui.common.jobs import COMPUTING, BackgroundWork, Job, in_background
from gnapp.ui.common.messages import ask_path, show_message
from gnapp.ui.common.models import (
    TextTableModel,
    VillageTableModel,
    change_text,
    movement_rows,
    target_rows,
)
from gnapp.ui.common.qt import (
    QAbstractItemView,
    QAction,
    QCloseEvent,
    QComboBox,
    QFont,
    QFontMetrics,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QKeySequence,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    Qt,
    QTableView,
    QVBoxLayout,
    QWidget,
    Signal,
)
from gnapp.ui.common.sign_in import sign_in_to_commune
from gnapp.ui.common.widgets import busy
from gnapp.ui.programme.activities_view import ActivitiesView
from gnapp.ui.programme.dashboard import DashboardView
from gnapp.ui.programme.targets_view import TargetsView
from gnapp.ui.register import edit_household
from gnapp.ui.reports.reports_view import ReportsView
from gnapp.ui.review.review_view import ReviewView
from gnapp.ui.sending.packages_view import PackagesView

# The total row of the village table, by commune kind (a commune when the kind is not declared).
TOTAL_NAMES = {
    "xa": tr_noop("Toàn xã"),
    "phuong": tr_noop("Toàn phường"),
    "dac_khu": tr_noop("Toàn đặc khu"),
    "thi_tran": tr_noop("Toàn thị trấn"),
}
FILE_FILTER = tr_noop("Dữ liệu GNApp (*.gnapp)")
DEMO_BADGE = tr_noop("DỮ LIỆU MẪU — không dùng cho báo cáo thật")
NOT_DECLARED = tr_noop("chưa khai báo")
WINDOW_STYLE = """
QLabel#communeName { font-size: 16pt; font-weight: bold; }
QLabel#demoBadge {
    background: #c0392b; color: white; font-weight: bold; padding: 4px 10px; border-radius: 3px;
}
QFrame#figure { border: 1px solid #c8c8c8; border-radius: 4px; background: palette(base); }
QLabel#figureValue { font-size: 18pt; font-weight: bold; }
QLabel#figureCaption { color: #444444; }
QLabel#emptyNote { color: #555555; font-style: italic; padding: 6px; }
QLabel#figureBasis { color: #555555; font-size: 9pt; }
QTableView::item { padding: 2px 4px; }
QListWidget#navigation { font-size: 11pt; }
QListWidget#navigation::item { padding: 8px 6px; }
"""


def ask_database_path(parent: QWidget, start: Path) -> Path | None:
    """Ask for a .gnapp file to open; None when cancelled."""
    return ask_path(parent, tr("Mở dữ liệu xã"), start, tr(FILE_FILTER))


def _table(model: object, *, sortable: bool = False, stretch_first: bool = False) -> QTableView:
    """A read-only table whose columns fit their contents; ``stretch_first`` gives the first
    column the spare width and wraps its text (long labels stay whole)."""
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(stretch_first)
    rows = view.verticalHeader()
    rows.hide()
    rows.setDefaultSectionSize(view.fontMetrics().height() + 10)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setHighlightSections(False)
    if stretch_first:
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if sortable:
        header.setSortIndicatorClearable(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        view.setSortingEnabled(True)
    return view


def _basis_text(figures: YearFigures) -> str:
    """What a year's figures are counted on, in words: "theo Quyết định số … ngày …",
    "tính đến 31/12/2024" or "đến hôm nay"."""
    if figures.basis == OFFICIAL and figures.decision_number and figures.decision_date:
        text = tr(
            "theo Quyết định số {number} ngày {date}",
            number=figures.decision_number,
            date=format_date(date.fromisoformat(figures.decision_date)),
        )
        return text + (tr(" (quyết định điều chỉnh)") if figures.corrected else "")
    if figures.basis == YEAR_END:
        return tr("tính đến {date}", date=format_date(date(figures.year, 12, 31)))
    return tr("đến hôm nay")


def _note() -> QLabel:
    """Words shown in place of an empty table."""
    note = QLabel(objectName="emptyNote")
    note.setWordWrap(True)
    note.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    return note


class FigureBox(QFrame):
    """One headline figure: a caption, the number, a line of detail."""

    def __init__(self, caption: str) -> None:
        super().__init__()
        self.setObjectName("figure")
        self.caption = QLabel(caption, objectName="figureCaption")
        self.value = QLabel(objectName="figureValue")
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(2)
        for label in (self.caption, self.value, self.detail):
            layout.addWidget(label)
        layout.addStretch()

    def show_figure(self, value: str, detail: str) -> None:
        self.value.setText(value)
        self.detail.setText(detail)


# The areas the navigation shows, in its order: title, shortcut, tooltip.
AREAS = (
    (
        tr_noop("Tổng quan"),
        "Ctrl+1",
        tr_noop("Số liệu của xã trong năm: số hộ, hộ nghèo, cận nghèo theo thôn"),
    ),
    (tr_noop("Hộ gia đình"), "Ctrl+2", tr_noop("Sổ hộ gia đình: tìm, xem, sửa và thêm hộ")),
    (
        tr_noop("Tiến độ"),
        "Ctrl+3",
        tr_noop("Tiến độ thực hiện chỉ tiêu của năm, biểu đồ tỷ lệ nghèo"),
    ),
    (
        tr_noop("Chỉ tiêu"),
        "Ctrl+4",
        tr_noop("Chỉ tiêu giảm nghèo được giao: nhập tay hoặc từ tệp của cấp trên"),
    ),
    (
        tr_noop("Kinh phí"),
        "Ctrl+5",
        tr_noop("Kinh phí, hoạt động, mô hình, người hưởng lợi, chính sách chung"),
    ),
    (
        tr_noop("Báo cáo"),
        "Ctrl+6",
        tr_noop("Báo cáo tiến độ: lập, lưu phiên bản, xem trước, in, ghi ra tệp"),
    ),
    (
        tr_noop("Gửi cấp trên"),
        "Ctrl+7",
        tr_noop("Khóa ký số, lập và ký gói báo cáo gửi cơ quan cấp trên"),
    ),
    (
        tr_noop("Rà soát hộ nghèo"),
        "Ctrl+8",
        tr_noop("Rà soát hộ nghèo, hộ cận nghèo: danh sách, phiếu, họp dân, niêm yết, công nhận"),
    ),
)
OVERVIEW, HOUSEHOLDS, DASHBOARD, TARGETS, ACTIVITIES, REPORTS, PACKAGES, REVIEW = range(len(AREAS))
# The areas built when first shown (each on the database open then).
LATER_AREAS = (DASHBOARD, TARGETS, ACTIVITIES, REPORTS, PACKAGES, REVIEW)


class MainWindow(QMainWindow):
    """The commune's name and the year in view above; the navigation on the left; the
    overview (figures, village table, movements, targets) or the household list beside it."""

    overview_shown = Signal()  # the year's counts have come and are shown

    def __init__(self, cdb: CommuneDatabase, user: User | None = None) -> None:
        super().__init__()
        self.cdb = cdb
        self.user = user
        # run_gui turns these on: a backup once a day and one on closing (not of the demo).
        self.automatic_backups = False
        self.backup_job: Job | None = None
        self.overview_work: BackgroundWork | None = None
        self.views: dict[int, QWidget] = {}  # the LATER_AREAS built so far
        self._backed_up_on_closing = False
        self._close_requested = False
        self.setStyleSheet(WINDOW_STYLE)
        self.village_model = VillageTableModel(self)
        self.movement_model = TextTableModel(
            (tr("Biến động"), tr("Số hộ")), numeric_columns=(1,), parent=self
        )
        self.target_model = TextTableModel(
            (tr("Chỉ tiêu"), tr("Mức giao")), numeric_columns=(1,), parent=self
        )
        self.household_page = HouseholdListPage()
        self.household_page.open_household.connect(self.edit_household)
        self.household_page.add_household.connect(self.add_household)
        self.household_page.export_lists.connect(self.export_lists)
        self._build_menus()
        self.setCentralWidget(self._build_central())
        self.file_label = QLabel()
        self.user_label = QLabel(objectName="userLabel")
        self.user_label.setContentsMargins(0, 0, 16, 0)  # apart from the schema version
        self.schema_label = QLabel()
        self.statusBar().addWidget(self.file_label, 1)
        self.statusBar().addPermanentWidget(self.user_label)
        self.statusBar().addPermanentWidget(self.schema_label)
        self.load()

    # --- construction ---------------------------------------------------------------------

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(tr("&Tệp"))
        self.open_action = QAction(tr("&Mở dữ liệu xã…"), self)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self.open_action.setStatusTip(tr("Mở một tệp dữ liệu GNApp (.gnapp) khác"))
        self.open_action.triggered.connect(self.choose_database)
        file_menu.addAction(self.open_action)
        file_menu.addSeparator()
        self.import_action = QAction(tr("&Nhập danh sách hộ…"), self)
        self.import_action.setShortcut(QKeySequence("Ctrl+I"))
        self.import_action.setStatusTip(
            tr("Nhập danh sách hộ gia đình từ tệp Excel (.xlsx, .xls), .ods hoặc .csv")
        )
        self.import_action.triggered.connect(self.import_lists)
        file_menu.addAction(self.import_action)
        self.export_action = QAction(tr("&Xuất danh sách…"), self)
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_action.setStatusTip(
            tr("Xuất sổ hộ hoặc danh sách hộ nghèo, cận nghèo ra Excel")
        )
        self.export_action.triggered.connect(self.export_lists)
        file_menu.addAction(self.export_action)
        file_menu.addSeparator()
        self.backup_action = QAction(tr("&Sao lưu / Phục hồi…"), self)
        self.backup_action.setStatusTip(
            tr("Sao lưu dữ liệu ngay hoặc ra USB; xem các bản sao lưu và phục hồi từ một bản")
        )
        self.backup_action.triggered.connect(self.open_backups)
        file_menu.addAction(self.backup_action)
        self.settings_action = QAction(tr("&Cài đặt…"), self)
        self.settings_action.setStatusTip(
            tr("Thông tin xã, thôn, người ký văn bản, số bản sao lưu giữ lại (quản trị)")
        )
        self.settings_action.triggered.connect(self.open_settings)
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        self.quit_action = QAction(tr("T&hoát"), self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.setStatusTip(tr("Đóng GNApp"))
        self.quit_action.triggered.connect(self.close)
        file_menu.addAction(self.quit_action)
        household_menu = self.menuBar().addMenu(tr("&Hộ gia đình"))
        self.find_action = QAction(tr("&Tìm hộ"), self)
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.find_action.setStatusTip(tr("Tìm hộ theo họ tên, số CCCD hoặc mã hộ"))
        self.find_action.triggered.connect(self.find_household)
        household_menu.addAction(self.find_action)
        self.add_action = QAction(tr("Thêm &hộ…"), self)
        self.add_action.setShortcut(QKeySequence.StandardKey.New)
        self.add_action.setStatusTip(tr("Nhập một hộ gia đình mới vào sổ"))
        self.add_action.triggered.connect(self.add_household)
        household_menu.addAction(self.add_action)
        self.events_action = QAction(tr("Sự &kiện của hộ…"), self)
        self.events_action.setShortcut(QKeySequence("Ctrl+Shift+K"))
        self.events_action.setStatusTip(
            tr("Ghi hộ chuyển đến, chuyển đi, tách, nhập hộ; sinh, mất, nhập khẩu, rời hộ; "
               "hoàn tác sự kiện ghi nhầm")
        )  # fmt: skip
        self.events_action.triggered.connect(self.household_events)
        household_menu.addAction(self.events_action)
        household_menu.addSeparator()
        self.transition_action = QAction(tr("So sánh &chuẩn nghèo 2027–2030…"), self)
        self.transition_action.setStatusTip(
            tr("Phân loại mọi hộ theo chuẩn hiện hành và chuẩn 2027–2030: hộ nào đổi loại, vì sao")
        )
        self.transition_action.triggered.connect(self.compare_standards)
        household_menu.addAction(self.transition_action)
        for area, (title, shortcut, _) in enumerate(AREAS):
            action = QAction(tr(title), self)
            action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(lambda _=False, area=area: self.show_area(area))
            self.addAction(action)  # a shortcut without a menu entry: the navigation shows it
        user_menu = self.menuBar().addMenu(tr("&Người dùng"))
        self.password_action = QAction(tr("Đổi &mật khẩu…"), self)
        self.password_action.setStatusTip(tr("Đổi mật khẩu của tài khoản đang đăng nhập"))
        self.password_action.triggered.connect(self.change_password)
        user_menu.addAction(self.password_action)
        self.users_action = QAction(tr("&Quản lý người dùng…"), self)
        self.users_action.setStatusTip(tr("Thêm tài khoản, đổi vai trò, khóa tài khoản (quản trị)"))
        self.users_action.triggered.connect(self.manage_users)
        user_menu.addAction(self.users_action)
        help_menu = self.menuBar().addMenu(tr("Trợ &giúp"))
        self.about_action = QAction(tr("&Giới thiệu GNApp"), self)
        self.about_action.triggered.connect(self.show_about)
        help_menu.addAction(self.about_action)
        self.tablet_guide_action = QAction(tr("Hướng dẫn thu phiếu bằng &máy tính bảng…"), self)
        self.tablet_guide_action.setStatusTip(
            tr("Tạo biểu mẫu Phiếu B, thu phiếu trên máy tính bảng (KoBoToolbox, ODK) và nhập về")
        )
        self.tablet_guide_action.triggered.connect(self.show_tablet_guide)
        help_menu.addAction(self.tablet_guide_action)
        self.language_action = QAction(tr("&Ngôn ngữ / Language…"), self)
        self.language_action.setStatusTip(
            tr("Chọn ngôn ngữ giao diện của máy tính này (áp dụng từ lần mở GNApp sau)")
        )
        self.language_action.triggered.connect(self.choose_language)
        help_menu.addAction(self.language_action)

    def _build_header(self) -> QWidget:
        self.name_label = QLabel(objectName="communeName")
        self.demo_badge = QLabel(tr(DEMO_BADGE), objectName="demoBadge")
        self.details_label = QLabel()
        self.details_label.setWordWrap(True)
        self.year_box = QComboBox()
        self.year_box.setMinimumContentsLength(4)
        self.year_box.setToolTip(tr("Chọn năm để xem danh sách hộ nghèo, cận nghèo của năm đó"))
        self.year_box.currentIndexChanged.connect(self._year_chosen)
        year_label = QLabel(tr("&Năm:"))
        year_label.setBuddy(self.year_box)

        title_row = QHBoxLayout()
        title_row.addWidget(self.name_label)
        title_row.addWidget(self.demo_badge)
        title_row.addStretch()
        title_row.addWidget(year_label)
        title_row.addWidget(self.year_box)
        header = QWidget()
        layout = QVBoxLayout(header)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(title_row)
        layout.addWidget(self.details_label)
        return header

    def _build_figures(self) -> QWidget:
        self.households_box = FigureBox(tr("Số hộ"))
        self.members_box = FigureBox(tr("Số nhân khẩu"))
        self.poor_box = FigureBox(tr("Hộ nghèo"))
        self.near_poor_box = FigureBox(tr("Hộ cận nghèo"))
        self.average_box = FigureBox(tr("Hộ có mức sống trung bình"))
        row = QWidget()
        layout = QGridLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        self._figure_boxes = (self.households_box, self.members_box, self.poor_box,
                              self.near_poor_box, self.average_box)  # fmt: skip
        for column, box in enumerate(self._figure_boxes):
            layout.addWidget(box, 0, column)
            layout.setColumnStretch(column, 1)
        return row

    def _build_navigation(self) -> QWidget:
        self.navigation = QListWidget(objectName="navigation")
        for title, shortcut, tooltip in AREAS:
            item = QListWidgetItem(tr(title))
            item.setToolTip(f"{tr(tooltip)} ({shortcut})")
            self.navigation.addItem(item)
        self.navigation.setCurrentRow(OVERVIEW)
        self.import_button = QPushButton(tr("Nhập danh sách…"))
        self.import_button.setToolTip(self.import_action.statusTip())
        self.import_button.clicked.connect(self.import_lists)
        # As narrow as its words: the overview's village table needs the width.
        self.navigation.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        font = QFont(self.navigation.font())
        font.setPointSize(11)  # as WINDOW_STYLE sets it; the style applies only once shown
        metrics = QFontMetrics(font)
        words = max(metrics.horizontalAdvance(tr(title)) for title, _, _ in AREAS) + 28
        self.navigation.setFixedWidth(max(words, self.import_button.sizeHint().width()))
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.navigation, 1)
        layout.addWidget(self.import_button)
        return panel

    def _build_central(self) -> QWidget:
        self.pages = QStackedWidget()
        self.pages.addWidget(self._build_overview())
        self.pages.addWidget(self.household_page)
        for _ in LATER_AREAS:
            self.pages.addWidget(QWidget())  # replaced by the area's view when first shown
        self.navigation_panel = self._build_navigation()
        self.navigation.currentRowChanged.connect(self._show_page)
        body = QHBoxLayout()
        body.addWidget(self.navigation_panel)
        body.addWidget(self.pages, 1)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self._build_header())
        layout.addLayout(body, 1)
        return central

    def _build_overview(self) -> QWidget:
        self.village_view = _table(self.village_model, sortable=True)
        # The splitter then gives the village table the width of its columns first; on a narrow
        # screen the figure columns share what is left rather than scrolling sideways.
        self.village_view.setSizeAdjustPolicy(QAbstractItemView.SizeAdjustPolicy.AdjustToContents)
        header = self.village_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)  # area: whole
        # Headers wrap between words: room for four lines, and for the longest word.
        words = [
            word
            for section in range(self.village_model.columnCount())
            for word in self.village_model.headerData(section, Qt.Orientation.Horizontal,
                                                      Qt.ItemDataRole.DisplayRole).split()
        ]  # fmt: skip
        metrics = header.fontMetrics()
        header.setMinimumSectionSize(max(60, *(metrics.horizontalAdvance(w) + 12 for w in words)))
        header.setMinimumHeight(metrics.lineSpacing() * 4 + 8)
        self.village_group = QGroupBox()
        QVBoxLayout(self.village_group).addWidget(self.village_view)

        self.movement_view = _table(self.movement_model, stretch_first=True)
        self.movement_view.setSizeAdjustPolicy(QAbstractItemView.SizeAdjustPolicy.AdjustToContents)
        self.movement_note = _note()
        self.movement_group = QGroupBox()
        movement_layout = QVBoxLayout(self.movement_group)
        movement_layout.addWidget(self.movement_view)
        movement_layout.addWidget(self.movement_note)

        self.target_view = _table(self.target_model, stretch_first=True)
        self.target_note = _note()
        self.target_group = QGroupBox()
        target_layout = QVBoxLayout(self.target_group)
        target_layout.addWidget(self.target_view)
        target_layout.addWidget(self.target_note)

        side = QSplitter(Qt.Orientation.Vertical)
        side.addWidget(self.movement_group)
        side.addWidget(self.target_group)
        side.setChildrenCollapsible(False)
        side.setStretchFactor(0, 0)
        side.setStretchFactor(1, 1)
        body = QSplitter(Qt.Orientation.Horizontal)
        body.addWidget(self.village_group)
        body.addWidget(side)
        body.setStretchFactor(0, 1)
        body.setStretchFactor(1, 0)
        body.setChildrenCollapsible(False)
        self.overview_splitter = body

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._build_figures())
        self.basis_label = QLabel(objectName="figureBasis")
        self.basis_label.setWordWrap(True)
        layout.addWidget(self.basis_label)
        layout.addWidget(body, 1)
        return page

    # --- content --------------------------------------------------------------------------

    @property
    def is_demo(self) -> bool:
        return bool(get_setting(self.cdb.db, "demo", False))

    def load(self) -> None:
        """Show the open database: identity, years (the latest selected), status bar, and the
        household list without filters."""
        db = self.cdb.db
        commune = get_commune(db) or {}
        name = commune.get("name") or tr("Chưa khai báo thông tin xã")
        kind = KINDS.get(commune.get("kind") or "")
        self.total_name = tr(TOTAL_NAMES.get(commune.get("kind") or "", TOTAL_NAMES["xa"]))
        demo = self.is_demo
        self.setWindowTitle(
            tr("GNApp — {name} — DỮ LIỆU MẪU" if demo else "GNApp — {name}", name=name)
        )
        self.name_label.setText(name)
        self.demo_badge.setVisible(demo)
        self.details_label.setText(
            tr(
                "Loại đơn vị: {kind}   ·   Tỉnh, thành phố: {province}   ·   "
                "Nơi nhận báo cáo: {office}",
                kind=tr(kind or NOT_DECLARED),
                province=commune.get("province") or tr(NOT_DECLARED),
                office=commune.get("receiving_office_name") or tr(NOT_DECLARED),
            )
        )
        self.file_label.setText(tr("Tệp dữ liệu: {path}", path=self.cdb.path.resolve()))
        self.schema_label.setText(tr("Lược đồ dữ liệu v{version}", version=self.cdb.schema_version))
        user = self.user
        self.user_label.setText(
            tr("Người dùng: {name} — {roles}", name=user.full_name, roles=user.role_names)
            if user
            else ""
        )
        self.users_action.setEnabled(user is not None and user.can("administer"))
        self.settings_action.setEnabled(user is not None and user.can("administer"))
        self.password_action.setEnabled(user is not None)

        year = self._fill_years(year_in_view(self.cdb.db))
        self.household_page.set_database(self.cdb, year)
        self.show_year(year)
        self._forget_views()
        self._show_page(self.navigation.currentRow())

    # --- the areas built when first shown --------------------------------------------------

    def _show_page(self, area: int) -> None:
        if area in LATER_AREAS:
            self.area_view(area)
        self.pages.setCurrentIndex(area)

    def area_view(self, area: int) -> QWidget:
        """The view of one of LATER_AREAS on the open database, built if not yet."""
        view = self.views.get(area)
        if view is None:
            with busy():
                view = self.views[area] = self._build_view(area)
            old = self.pages.widget(area)
            self.pages.insertWidget(area, view)
            self.pages.removeWidget(old)
            old.deleteLater()
        return view

    def _build_view(self, area: int) -> QWidget:
        if area == DASHBOARD:
            return DashboardView(self.cdb, self.year)
        if area == TARGETS:
            targets_view = TargetsView(self.cdb, self.year)
            targets_view.changed.connect(self._reload_dashboard)
            targets_view.changed.connect(self.reload)
            return targets_view
        if area == ACTIVITIES:
            activities_view = ActivitiesView(self.cdb, self.year)
            activities_view.changed.connect(self._reload_dashboard)
            return activities_view
        if area == REPORTS:
            return ReportsView(self.cdb)
        if area == PACKAGES:
            packages_view = PackagesView(self.cdb, self.user)
            packages_view.changed.connect(self._refresh_reports)
            return packages_view
        review_view = ReviewView(self.cdb, self.user)
        review_view.changed.connect(self.reload)
        review_view.changed.connect(self._reload_dashboard)
        return review_view

    def _forget_views(self) -> None:
        """Another database: the areas built on the last one are built again when shown."""
        for area, view in self.views.items():
            self.pages.insertWidget(area, QWidget())
            self.pages.removeWidget(view)
            view.deleteLater()
        self.views.clear()

    def _reload_dashboard(self) -> None:
        if DASHBOARD in self.views:
            self.dashboard.load()

    def _refresh_reports(self) -> None:
        if REPORTS in self.views:
            self.reports_view.refresh()

    @property
    def dashboard(self) -> DashboardView:
        return cast(DashboardView, self.area_view(DASHBOARD))

    @property
    def targets_view(self) -> TargetsView:
        return cast(TargetsView, self.area_view(TARGETS))

    @property
    def activities_view(self) -> ActivitiesView:
        return cast(ActivitiesView, self.area_view(ACTIVITIES))

    @property
    def reports_view(self) -> ReportsView:
        return cast(ReportsView, self.area_view(REPORTS))

    @property
    def packages_view(self) -> PackagesView:
        return cast(PackagesView, self.area_view(PACKAGES))

    @property
    def review_view(self) -> ReviewView:
        return cast(ReviewView, self.area_view(REVIEW))

    def reload(self) -> None:
        """Read the database again after a change, keeping the year, the area and the list's
        filters, search and selection."""
        self.household_page.refresh()
        self.show_year(self._fill_years(self.year))

    def _fill_years(self, wanted: int | None) -> int | None:
        """Offer the years that have statuses and select ``wanted`` (else the latest)."""
        self.years = status_years(self.cdb.db)
        self.year_box.blockSignals(True)
        self.year_box.clear()
        for year in self.years:
            self.year_box.addItem(str(year), year)
        index = self.years.index(wanted) if wanted in self.years else len(self.years) - 1
        self.year_box.setCurrentIndex(index)
        self.year_box.blockSignals(False)
        self.year_box.setEnabled(bool(self.years))
        return self.year

    def _year_chosen(self, index: int) -> None:
        if index >= 0:
            self.show_year(self.years[index])

    @property
    def year(self) -> int | None:
        """The year shown (None when the database has no yearly statuses yet)."""
        return self.year_box.currentData()

    def show_year(self, year: int | None) -> None:
        """The overview and the list's statuses for ``year``: the counts are read in the
        background, "Đang tính…" shown until they come."""
        if self.household_page.year != year:
            self.household_page.set_year(year)
        if self.overview_work is not None:
            self.overview_work.cancel()  # its counts would be of another year or database
            self.overview_work = None
        if year is None:
            self._show_no_year()
            return
        index = self.years.index(year)
        previous_year = self.years[index - 1] if index else None
        self._show_computing(year)
        self._show_targets(year)
        path = self.cdb.path

        def read(progress: Progress) -> YearOverview:
            with open_database(path) as own:
                # a past year as of its end, the year under way as of today: as reports count
                return year_overview(own.db, year, previous_year, date.today(), progress)

        work = in_background(
            self, read, lambda overview: self._show_overview(work, overview), self._not_computed
        )
        self.overview_work = work

    def _show_computing(self, year: int) -> None:
        """The placeholder while a year's counts are read."""
        self.village_model.clear()
        self.basis_label.clear()
        self.village_group.setTitle(tr("Số liệu theo thôn, tổ dân phố — năm {year}", year=year))
        for box in self._figure_boxes:
            box.show_figure("…", tr(COMPUTING))
        self.movement_group.setTitle(tr("Biến động hộ nghèo, cận nghèo năm {year}", year=year))
        self.movement_view.hide()
        self.movement_note.setText(tr(COMPUTING))
        self.movement_note.show()

    def _show_overview(self, work: BackgroundWork, overview: YearOverview) -> None:
        if work is not self.overview_work:
            return  # another year or database was chosen meanwhile
        self.overview_work = None
        shown, before = overview.shown, overview.before
        self.village_model.set_figures(shown.villages, total_name=self.total_name)
        self._show_figures(
            self.village_model.total, overview.previous, None if before is None else before.year,
            len(shown.villages),
        )  # fmt: skip
        basis = tr("Số liệu năm {year} {basis}", year=shown.year, basis=_basis_text(shown))
        if before is not None:
            basis += tr("; so sánh với năm {year} {basis}", year=before.year,
                        basis=_basis_text(before))  # fmt: skip
        self.basis_label.setText(basis + ".")
        self._show_movements(shown.year, overview.movements)
        # The village table gets the width of its columns first; the side takes the rest, and
        # there the movements (now known) the height of their rows first.
        village, side = self.village_group.sizeHint().width(), self.overview_splitter.widget(1)
        self.overview_splitter.setSizes([village, side.minimumSizeHint().width()])
        movements = self.movement_group.sizeHint().height()
        side.setSizes([movements, max(side.height() - movements, 0)])
        self.overview_shown.emit()

    def _not_computed(self, error: Exception) -> None:
        self.overview_work = None
        for box in self._figure_boxes:
            box.show_figure("—", "")
        self.movement_note.setText(tr("Không đọc được số liệu: {error}", error=error))

    def _show_figures(
        self,
        total: VillageFigures,
        previous: VillageFigures | None,
        previous_year: int | None,
        village_count: int,
    ) -> None:
        self.households_box.show_figure(
            format_number(total.households),
            tr("trong {count} thôn, tổ dân phố", count=format_number(village_count)),
        )
        per_household = total.members / total.households if total.households else 0
        self.members_box.show_figure(
            format_number(total.members),
            tr("bình quân {people} người/hộ", people=format_decimal(per_household, 1)),
        )
        self.poor_box.show_figure(
            format_number(total.poor),
            tr("tỷ lệ {rate}", rate=format_percent(total.poverty_rate))
            + "\n"
            + change_text(total.poor, previous.poor if previous else None, previous_year),
        )
        self.near_poor_box.show_figure(
            format_number(total.near_poor),
            tr("tỷ lệ {rate}", rate=format_percent(total.near_poverty_rate))
            + "\n"
            + change_text(total.near_poor, previous.near_poor if previous else None, previous_year),
        )
        self.average_box.show_figure(
            format_number(total.average), tr("hộ nông, lâm, ngư, diêm nghiệp")
        )

    def _show_movements(self, year: int, counts: dict[str, int]) -> None:
        rows = movement_rows(counts)
        self.movement_model.set_rows(rows)
        self.movement_view.setVisible(bool(rows))
        self.movement_note.setVisible(not rows)
        self.movement_note.setText(
            tr("Năm {year} không có biến động nào được ghi nhận.", year=year)
        )

    def _show_targets(self, year: int) -> None:
        rows = target_rows(targets(self.cdb.db, year), target_kinds())
        self.target_model.set_rows(rows)
        self.target_group.setTitle(tr("Chỉ tiêu được giao năm {year}", year=year))
        self.target_view.setVisible(bool(rows))
        self.target_note.setVisible(not rows)
        self.target_note.setText(tr("Chưa có chỉ tiêu nào được giao cho năm {year}.", year=year))

    def _show_no_year(self) -> None:
        self.village_model.clear()
        self.basis_label.clear()
        self.village_group.setTitle(tr("Số liệu theo thôn, tổ dân phố"))
        for box in self._figure_boxes:
            box.show_figure("—", "")
        self.poor_box.show_figure("—", tr("chưa có danh sách hộ nghèo, cận nghèo của năm nào"))
        self.movement_group.setTitle(tr("Biến động hộ nghèo, cận nghèo"))
        self.target_group.setTitle(tr("Chỉ tiêu được giao"))
        for view, note in ((self.movement_view, self.movement_note),
                           (self.target_view, self.target_note)):  # fmt: skip
            view.hide()
            note.setText(tr("Chưa có số liệu."))
            note.show()

    # --- actions --------------------------------------------------------------------------

    def choose_database(self) -> None:
        path = ask_database_path(self, self.cdb.path.resolve().parent)
        if path is not None:
            self.open_path(path)

    def open_path(self, path: Path) -> bool:
        """Show another commune database once its user has signed in; on failure or when the
        sign-in is cancelled say why and keep the current one."""
        try:
            cdb = open_database(path)
        except DatabaseError as error:
            show_message(self, QMessageBox.Icon.Critical, tr("Không mở được dữ liệu"), str(error))
            return False
        user = sign_in_to_commune(cdb)
        if user is None:
            cdb.close()
            return False
        self.cdb.close()
        self.cdb, self.user = cdb, user
        self.load()
        if not self.is_demo:
            remember_database(path)
        return True

    def change_password(self) -> None:
        from gnapp.ui.common.users_dialog import ChangePasswordDialog

        if self.user is not None:
            ChangePasswordDialog(self.cdb, self.user, self).exec()

    def open_settings(self) -> None:
        from gnapp.ui.setup.settings_dialog import SettingsDialog

        try:
            dialog = SettingsDialog(self.cdb, self.user, self)
        except users.PermissionDenied as error:
            show_message(self, QMessageBox.Icon.Warning, tr("Không có quyền"), str(error))
            return
        if dialog.exec():
            self.reload()

    def manage_users(self) -> None:
        from gnapp.ui.common.users_dialog import UsersDialog

        try:
            users.require(self.user, "administer")
        except users.PermissionDenied as error:
            show_message(self, QMessageBox.Icon.Warning, tr("Không có quyền"), str(error))
            return
        UsersDialog(self.cdb, self.user, self).exec()

    def show_area(self, area: int) -> None:
        """Show one of AREAS (OVERVIEW, HOUSEHOLDS, DASHBOARD, TARGETS, ACTIVITIES, REPORTS,
        PACKAGES, REVIEW)."""
        self.navigation.setCurrentRow(area)

    def find_household(self) -> None:
        self.show_area(HOUSEHOLDS)
        self.household_page.focus_search()

    def edit_household(self, household_id: int) -> None:
        if edit_household(self, self.cdb, household_id):
            self.reload()

    def household_events(self) -> None:
        """The events of the household chosen in the register list."""
        from gnapp.ui.register.event_dialogs import HouseholdEventsDialog  # loads on first use

        household_id = self.household_page.current_household()
        if household_id is None:
            self.show_area(HOUSEHOLDS)
            show_message(
                self,
                QMessageBox.Icon.Information,
                tr("Sự kiện của hộ"),
                tr("Hãy chọn một hộ trong danh sách trước."),
            )
            return
        dialog = HouseholdEventsDialog(self.cdb, household_id, self)
        dialog.exec()
        if dialog.changed:
            self.reload()

    def add_household(self) -> None:
        """The form for a new household; once saved, the list shows it selected."""
        saved = edit_household(self, self.cdb, None)
        if saved is not None:
            self.reload()
            self.show_area(HOUSEHOLDS)
            self.household_page.show_household(saved)

    def compare_standards(self) -> None:
        from gnapp.ui.review.transition_view import open_transition_window  # loads on first use

        open_transition_window(self, self.cdb)

    def import_lists(self) -> None:
        from gnapp.ui.register.import_wizard import open_import_wizard  # loads on first use

        wizard = open_import_wizard(self, self.cdb)  # not modal: returns at once
        wizard.finished.connect(self.reload)

    def export_lists(self) -> None:
        from gnapp.ui.register.export_dialog import open_export_dialog  # loads on first use

        # Without yearly lists yet the register can still be exported: offer this year.
        open_export_dialog(self, self.cdb, self.year or date.today().year)

    @property
    def backup_folder(self) -> Path:
        """Where the open database's automatic backups go."""
        return default_backup_folder(self.cdb.path, backup_root())

    def open_backups(self) -> None:
        from gnapp.ui.setup.backup_dialog import BackupDialog  # loads on first use

        BackupDialog(self).open()

    def start_automatic_backup(self, *, closing: bool = False) -> None:
        """The backup due now: once a day, and on closing (after which the window closes)."""
        if not self.automatic_backups or self.is_demo or self.backup_job is not None:
            return
        from gnapp.ui.setup.backup_dialog import run_automatic_backup

        def finished() -> None:
            self.backup_job = None
            self._backed_up_on_closing |= closing
            if self._close_requested:
                self.close()

        self.backup_job = run_automatic_backup(self, closing=closing, on_end=finished)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.automatic_backups or self._backed_up_on_closing or self.is_demo:
            super().closeEvent(event)
            return
        event.ignore()  # the window closes when the closing backup has been written
        self._close_requested = True
        if self.backup_job is None:  # else the running backup's end asks again
            self.start_automatic_backup(closing=True)

    def choose_language(self) -> None:
        """Keep the language chosen for this computer; the windows speak it from the next start."""
        from gnapp.ui.common.language import LanguageDialog

        dialog = LanguageDialog(self)
        if dialog.exec() and dialog.chosen != current_language():
            self.statusBar().showMessage(
                tr(
                    "Đã lưu ngôn ngữ {language}: áp dụng từ lần mở GNApp sau.",
                    language=LANGUAGES[dialog.chosen],
                ),
                10_000,
            )

    def show_tablet_guide(self) -> None:
        GuideDialog("may-tinh-bang", tr("Thu phiếu bằng máy tính bảng"), self).exec()

    def show_about(self) -> None:
        show_message(
            self,
            QMessageBox.Icon.Information,
            tr("Giới thiệu GNApp"),
            tr(
                "GNApp phiên bản {version}\n\n"
                "Phần mềm ngoại tuyến giúp công chức cấp xã quản lý hộ nghèo, hộ cận nghèo và "
                "Chương trình mục tiêu quốc gia giảm nghèo bền vững.",
                version=gnapp.__version__,
            ),
        )
