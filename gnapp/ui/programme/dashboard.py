"""The dashboard of a year in the GUI: the targets' progress as a table and the poverty and
near-poverty rates by year and by village as charts; the figures and their rules are
gnapp.reporting.dashboard's. They are computed in the background (seconds on a large
register), "Đang tính…" shown meanwhile.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from gnapp.core.vietnamese import format_date, format_decimal, format_number, format_percent
from gnapp.i18n import tr, tr_noop
from gnapp.progress import Progress
from gnapp.reporting.dashboard import DashboardFigures, TargetProgress, dashboard_figures
from gnapp.store.database import CommuneDatabase, open_database
from gnapp.store.overview import year_in_view
from gnapp.store.programme import target_years
from gnapp.ui.common.jobs import COMPUTING, BackgroundWork, in_background
from gnapp.ui.common.models import TextRow, TextTableModel, target_value_text
from gnapp.ui.common.qt import (
    QColor,
    QEvent,
    QFont,
    QFontMetrics,
    QHBoxLayout,
    QHelpEvent,
    QLabel,
    QPainter,
    QPaintEvent,
    QPen,
    QRectF,
    Qt,
    QToolTip,
    QVBoxLayout,
    QWidget,
    Signal,
)
from gnapp.ui.programme.targets_view import records_table, year_box

POOR_COLOUR = QColor("#c0392b")
NEAR_POOR_COLOUR = QColor("#e8a33d")
TARGET_HEADERS = (
    tr_noop("Chỉ tiêu"),
    tr_noop("Chỉ tiêu giao"),
    tr_noop("Đạt đến nay"),
    tr_noop("Đạt so với chỉ tiêu"),
    tr_noop("Đánh giá"),
)
# The third heading once the year is over: what the year reached, no longer "so far".
YEAR_OVER_HEADERS = (*TARGET_HEADERS[:2], tr_noop("Kết quả cả năm"), *TARGET_HEADERS[3:])


def _achieved_text(target: TargetProgress) -> str:
    if target.achieved is None:
        return tr("chưa có số liệu trong phần mềm")
    if target.code.endswith("_reduction"):
        achieved = int(target.achieved)
        return (
            tr("giảm {achieved} hộ", achieved=format_number(achieved))
            if achieved >= 0
            else (tr("tăng {achieved} hộ", achieved=format_number(-achieved)))
        )
    if target.unit == "%":
        return format_percent(target.achieved)
    return target_value_text(target.achieved, target.unit)


def _course_text(target: TargetProgress) -> str:
    if target.reached is not None:  # the year is over
        return tr("Đạt") if target.reached else tr("Không đạt")
    if target.on_course is None:
        return ""
    return tr("Đúng tiến độ") if target.on_course else tr("Chậm tiến độ")


def target_rows(figures: DashboardFigures) -> list[TextRow]:
    return [
        TextRow(
            (
                tr(target.label),
                target_value_text(target.target, target.unit),
                _achieved_text(target),
                format_percent(target.share, 1) if target.share is not None else "",
                _course_text(target),
            )
        )
        for target in figures.targets
    ]


class BarChart(QWidget):
    """Grouped bars of the poor and near-poor rates per category, values written on the bars
    where they fit (a commune of 77 villages has bars a few pixels wide): each group's values
    are in its tooltip, and a category's name is cut to its group's width."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.categories: list[str] = []
        self.series: list[tuple[str, QColor, list[float]]] = []
        self.empty_text = tr("Chưa có số liệu để vẽ.")
        self.setMinimumSize(420, 300)
        self.setMouseTracking(True)

    def show_computing(self) -> None:
        """No bars, "Đang tính…" in their place, until ``set_data``."""
        self.set_data([], [], [])
        self.empty_text = tr(COMPUTING)

    def set_data(
        self, categories: Sequence[str], poor: Sequence[float], near_poor: Sequence[float]
    ) -> None:
        self.categories = list(categories)
        self.empty_text = tr("Chưa có số liệu để vẽ.")
        self.series = [
            (tr("Tỷ lệ hộ nghèo"), POOR_COLOUR, list(poor)),
            (tr("Tỷ lệ hộ cận nghèo"), NEAR_POOR_COLOUR, list(near_poor)),
        ]
        self.update()

    def _plot(self) -> tuple[float, float, float, float]:
        """The plotting area: top, bottom, left, right."""
        line = QFontMetrics(self.font()).height()
        return 2 * line + 30, self.height() - 2 * line - 12, 44.0, self.width() - 12.0

    def _group_width(self) -> float:
        _, _, left, right = self._plot()
        return (right - left) / max(len(self.categories), 1)

    def _bar_width(self) -> float:
        return min(48.0, self._group_width() * 0.8 / max(len(self.series), 1))

    def values_fit(self) -> bool:
        """Whether each bar's value can be written above it without running into its
        neighbour's (labels stand one bar's width apart)."""
        metrics = QFontMetrics(self.font())
        widest = max(
            (
                metrics.horizontalAdvance(format_percent(value))
                for _, _, values in self.series
                for value in values
            ),
            default=0,
        )
        return widest + 2 <= self._bar_width()

    def category_at(self, x: float) -> int | None:
        """The category whose group of bars is at ``x`` (widget coordinates)."""
        _, _, left, right = self._plot()
        if not self.categories or not left <= x < right:
            return None
        return min(int((x - left) / self._group_width()), len(self.categories) - 1)

    def tooltip_at(self, x: float) -> str:
        """A group's category and values, the way its bars show them."""
        index = self.category_at(x)
        if index is None:
            return ""
        values = [f"{name}: {format_percent(values[index])}" for name, _, values in self.series]
        return "\n".join([self.categories[index], *values])

    def event(self, event: QEvent) -> bool:
        if isinstance(event, QHelpEvent) and event.type() == QEvent.Type.ToolTip:
            text = self.tooltip_at(event.pos().x())
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        metrics = QFontMetrics(self.font())
        line = metrics.height()
        width = self.width()
        painter.drawText(QRectF(8, 4, width - 16, line + 4), Qt.AlignmentFlag.AlignLeft, self.title)
        painter.setFont(self.font())
        # Legend under the title.
        x = 8.0
        for name, colour, _ in self.series:
            painter.fillRect(QRectF(x, line + 10, 12, 12), colour)
            painter.drawText(QRectF(x + 16, line + 6, 200, line + 4), name)
            x += 24 + metrics.horizontalAdvance(name)
        if not self.categories:
            painter.drawText(QRectF(8, 2 * line + 24, width - 16, line * 2), self.empty_text)
            return
        top, bottom, left, right = self._plot()
        highest = max(max(values, default=0) for _, _, values in self.series)
        step_size = next(s for s in (1, 2, 4, 5, 8, 10, 20) if s * 5 >= highest * 1.1 or s == 20)
        scale_top = step_size * 5.0
        painter.setPen(QPen(QColor("#bbbbbb")))
        for step in range(6):
            value = scale_top * step / 5
            y = bottom - (bottom - top) * step / 5
            painter.drawLine(int(left), int(y), int(right), int(y))
            painter.drawText(
                QRectF(0, y - line / 2, left - 6, line),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                f"{format_decimal(value)}%",
            )
        group, bar, written = self._group_width(), self._bar_width(), self.values_fit()
        for index, category in enumerate(self.categories):
            centre = left + group * (index + 0.5)
            painter.setPen(QPen(QColor("#222222")))
            for number, (_, colour, values) in enumerate(self.series):
                value = values[index]
                x = centre - bar * len(self.series) / 2 + bar * number
                y = bottom - (bottom - top) * value / scale_top
                painter.fillRect(QRectF(x + 1, y, bar - 2, bottom - y), colour)
                if written:
                    painter.drawText(
                        QRectF(x - 10, y - line - 2, bar + 20, line),
                        Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
                        format_percent(value),
                    )
            if group >= metrics.horizontalAdvance("…") + 4:  # else the tooltip names it
                painter.drawText(
                    QRectF(centre - group / 2, bottom + 4, group, 2 * line + 4),
                    Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                    _two_lines(metrics, category, group),
                )
        painter.end()


def _two_lines(metrics: QFontMetrics, text: str, width: float) -> str:
    """``text`` broken between words onto at most two lines of ``width``, the second cut short
    with "…" if it is still too long."""
    first, rest = "", text
    for word in text.split():
        candidate = f"{first} {word}".strip()
        if first and metrics.horizontalAdvance(candidate) > width:
            break
        first, rest = candidate, text[len(candidate) :].strip()
    if metrics.horizontalAdvance(first) > width:  # one word longer than the group
        return metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(width))
    if not rest:
        return first
    return first + "\n" + metrics.elidedText(rest, Qt.TextElideMode.ElideRight, int(width))


class DashboardView(QWidget):
    """The dashboard of a year (default: the year the app opens on, ``year_in_view``)."""

    computed = Signal()  # the year's figures have come and are shown

    def __init__(
        self,
        cdb: CommuneDatabase,
        year: int | None = None,
        today: date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.cdb = cdb
        self.work: BackgroundWork | None = None
        self.today = today or date.today()
        self.year = year_box(year or year_in_view(cdb.db, self.today))
        self.model = TextTableModel(TARGET_HEADERS, numeric_columns=(1, 2, 3))
        self.table = records_table(self.model)
        self.explanation = QLabel(wordWrap=True)
        self.problem = QLabel(wordWrap=True)
        self.problem.setStyleSheet("color: #b00020;")
        self.by_year = BarChart(tr("Tỷ lệ hộ nghèo, hộ cận nghèo toàn xã qua các năm"))
        self.by_village = BarChart(
            tr("Tỷ lệ hộ nghèo, hộ cận nghèo theo thôn, tổ dân phố (hiện nay)")
        )
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("<b>Tình hình thực hiện chỉ tiêu năm</b>")))
        top.addWidget(self.year)
        top.addStretch(1)
        charts = QHBoxLayout()
        charts.addWidget(self.by_year, 1)
        charts.addWidget(self.by_village, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.problem)
        layout.addWidget(self.table, 2)
        layout.addWidget(self.explanation)
        layout.addLayout(charts, 3)
        self.year.valueChanged.connect(self.load)
        self.load()

    def load(self) -> None:
        """Compute the year's figures in the background, "Đang tính…" shown meanwhile."""
        if self.work is not None:
            self.work.cancel()  # its figures would be of another year
        year, today, path = self.year.value(), self.today, self.cdb.path
        self.model.set_rows([])
        self.problem.hide()
        self.explanation.setText(tr(COMPUTING))
        for chart in (self.by_year, self.by_village):
            chart.show_computing()

        def compute(progress: Progress) -> tuple[DashboardFigures, list[int]]:
            with open_database(path) as own:
                return dashboard_figures(own.db, year, today), target_years(own.db)

        work = in_background(self, compute, lambda found: self._show(work, *found), self._failed)
        self.work = work

    def _failed(self, error: Exception) -> None:
        self.work = None
        self.explanation.setText(tr("Không đọc được số liệu: {error}", error=error))

    def _show(self, work: BackgroundWork, figures: DashboardFigures, years: list[int]) -> None:
        if work is not self.work:
            return  # another year was chosen meanwhile
        self.work = None
        year = figures.year
        self.figures = figures
        self.model.set_rows(
            target_rows(figures), YEAR_OVER_HEADERS if figures.elapsed >= 1 else TARGET_HEADERS
        )
        self.problem.setText(
            tr("Chưa tính được kết quả năm {year}: {problem}", year=year, problem=figures.problem)
            if figures.problem
            else ""
        )
        self.problem.setVisible(figures.problem is not None)
        if not figures.targets and not figures.problem:
            self.problem.setText(
                tr("Năm {year} chưa có chỉ tiêu nào (nhập ở mục Chỉ tiêu).", year=year)
                + (
                    " " + tr("Các năm có chỉ tiêu: {years}.", years=", ".join(map(str, years)))
                    if years
                    else ""
                )
            )
            self.problem.setVisible(True)
        gone = format_percent(figures.elapsed * 100, 0)
        today = format_date(min(self.today, date(year, 12, 31)))
        self.explanation.setText(
            tr(
                "Số liệu tính từ sổ hộ đến ngày {today}. Năm {year} đã qua: “Đạt” khi kết quả "
                "đạt chỉ tiêu (tỷ lệ không cao hơn, số lượng không thấp hơn chỉ tiêu), như báo "
                "cáo năm đánh giá. Với tỷ lệ hộ nghèo, cận nghèo, cột “Đạt so với chỉ tiêu” là "
                "mức giảm từ đầu năm so với mức cần giảm.",
                today=today,
                year=year,
            )
            if figures.elapsed >= 1
            else tr(
                "Số liệu tính từ sổ hộ đến ngày {today}. “Đúng tiến độ”: phần chỉ tiêu đã đạt "
                "không thấp hơn phần thời gian đã qua của năm ({gone}). Với tỷ lệ hộ nghèo, cận "
                "nghèo, phần đã đạt là mức giảm từ đầu năm so với mức cần giảm. Hộ thoát nghèo, "
                "cận nghèo thường chỉ được ghi nhận khi có kết quả rà soát cuối năm.",
                today=today,
                gone=gone,
            )
        )
        self.by_year.set_data(
            [rates.label for rates in figures.years],
            [rates.poor_rate for rates in figures.years],
            [rates.near_poor_rate for rates in figures.years],
        )
        self.by_village.set_data(
            [unit.name for unit in figures.villages],
            [unit.poor.rate for unit in figures.villages],
            [unit.near_poor.rate for unit in figures.villages],
        )
        self.computed.emit()
