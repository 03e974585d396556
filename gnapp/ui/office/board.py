"""The "Bảng theo dõi" area: which commune sent which report for which period."""

from __future__ import annotations

from gnapp.i18n import tr
from gnapp.office.board import board, column_label, received_packages
from gnapp.ui.common.qt import (
    QAbstractItemView,
    QBrush,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from gnapp.ui.common.widgets import fit_columns
from gnapp.ui.office.common import (
    CORRECTED_COLOUR,
    MISSING_COLOUR,
    SENT_COLOUR,
    day,
    report_name,
)
from gnapp.ui.office.session import OfficeSession


class BoardView(QWidget):
    """ "Bảng theo dõi": which commune sent which report for which period."""

    ALL = ""

    def __init__(self, session: OfficeSession) -> None:
        super().__init__()
        self.session = session
        self.kind = QComboBox(objectName="kind")
        self.period = QComboBox(objectName="period")
        for box in (self.kind, self.period):
            box.setMinimumContentsLength(14)
            box.currentIndexChanged.connect(self.show_board)
        self.summary = QLabel(objectName="summary")
        self.summary.setWordWrap(True)
        filters = QHBoxLayout()
        filters.addWidget(QLabel(tr("Loại báo cáo:")))
        filters.addWidget(self.kind)
        filters.addWidget(QLabel(tr("Kỳ:")))
        filters.addWidget(self.period)
        filters.addStretch(1)
        self.table = QTableWidget(objectName="board")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        self.refresh()

    def refresh(self) -> None:
        """Fill the filters from what was received, keeping the choices, and show the board."""
        packages = received_packages(self.session.office)
        kinds = sorted({p.kind for p in packages})
        periods = sorted({p.period for p in packages}, reverse=True)
        for box, values, everything, name in (
            (self.kind, kinds, tr("Mọi loại báo cáo"), report_name),
            (self.period, periods, tr("Mọi kỳ"), str),
        ):
            chosen = box.currentData()
            box.blockSignals(True)
            box.clear()
            box.addItem(everything, self.ALL)
            for value in values:
                box.addItem(name(value), value)
            box.setCurrentIndex(max(box.findData(chosen), 0))
            box.blockSignals(False)
        self.show_board()

    def show_board(self) -> None:
        kind, period = self.kind.currentData(), self.period.currentData()
        shown = board(self.session.office, kind or None)
        columns = [c for c in shown.columns if not period or c[1] == period]
        total = len(shown.communes)
        self.table.clear()
        self.table.setRowCount(total)
        self.table.setColumnCount(len(columns) + 1)
        headers = [tr("Xã, phường")]
        for column in columns:
            sent = total - len(shown.missing(column))
            headers.append(
                tr(
                    "{report}\nđã gửi {sent}/{total} xã",
                    report=column_label(column),
                    sent=sent,
                    total=total,
                )
            )
        self.table.setHorizontalHeaderLabels(headers)
        for row, (code, name) in enumerate(shown.communes):
            self.table.setItem(row, 0, QTableWidgetItem(f"{name} ({code})"))
            for index, column in enumerate(columns, start=1):
                cell = shown.cell(code, column)
                if cell is None:
                    item, colour = QTableWidgetItem(tr("Chưa gửi")), MISSING_COLOUR
                else:
                    item = QTableWidgetItem(cell.text)
                    colour = CORRECTED_COLOUR if cell.versions > 1 else SENT_COLOUR
                    item.setToolTip(
                        tr(
                            "Gói số {sequence}, tệp {file}, lập ngày {created}",
                            sequence=cell.package.sequence,
                            file=cell.package.file_name,
                            created=day(cell.package.created_at),
                        )
                    )
                item.setBackground(QBrush(colour))
                self.table.setItem(row, index, item)
        fit_columns(self.table)
        self.table.horizontalHeader().setStretchLastSection(True)
        if not total:
            self.summary.setText(tr("Chưa đăng ký xã nào: hãy đăng ký các xã trước."))
        elif not columns:
            self.summary.setText(tr("Chưa nhận báo cáo nào."))
        else:
            lines = []
            for column in columns:
                missing = shown.missing(column)
                line = tr(
                    "{report}: đã gửi {sent}/{total} xã",
                    report=column_label(column),
                    sent=total - len(missing),
                    total=total,
                )
                if missing:
                    line += tr("; chưa gửi: {names}", names=", ".join(missing))
                lines.append(line)
            self.summary.setText("\n".join(lines))
