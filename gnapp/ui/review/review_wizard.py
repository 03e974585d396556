"""The questionnaire wizard: one household's Phiếu B (or Phiếu A) page by page, with the
classification (Phiếu A: the outcome) live.

Pages and questions come from the questionnaire definition (gnapp.review.questionnaire); the
roster has one page per member; when a B1 points table is installed, the income page asks its
items under the B1 total and shows their sum.

Everything works from the keyboard: Tab or Enter to the next question, the first letters of a
choice to pick it, Page Down / Page Up (or Alt+→ / Alt+←) for the next and previous page,
Ctrl+N a new member, Ctrl+S the draft, Ctrl+Enter "Hoàn thành".
"""

from __future__ import annotations

import html
from datetime import date, datetime
from typing import Any

from gnapp.core.classify import CLASS_LABELS, STATUS_MARKS, Classification
from gnapp.core.household_checks import (
    ERROR,
    birth_date_text,
    read_birth_date,
    read_citizen_id,
)
from gnapp.core.movements import MOVEMENT_LABELS, movement
from gnapp.core.standards import AREA_LABELS
from gnapp.core.vietnamese import format_decimal, format_money, parse_number
from gnapp.i18n import tr, tr_noop
from gnapp.review.questionnaire import (
    Issue,
    Page,
    Question,
    get_answer,
    new_member,
    save_answers,
    set_answer,
    start_answers,
    survey_for,
)
from gnapp.review.workflow import ReviewError
from gnapp.store.database import CommuneDatabase
from gnapp.store.users import User
from gnapp.ui.common.qt import (
    QCheckBox,
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QKeyCombination,
    QKeySequence,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QScrollArea,
    QShortcut,
    QSize,
    QSplitter,
    QStackedWidget,
    Qt,
    QTextBrowser,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from gnapp.ui.common.widgets import error_label, show_error
from gnapp.ui.common.window_size import fit_window

UNANSWERED = "—"
YES_NO = ((True, tr_noop("Có")), (False, tr_noop("Không")))
_COLOURS = {ERROR: "#b00020", "warning": "#8a5a00"}


class _Row:
    """One question on one page: its label, editor and message."""

    def __init__(self, question: Question, member: int | None, editor: QWidget) -> None:
        self.question = question
        self.member = member
        self.editor = editor
        self.label = QLabel(tr(question.label))
        self.label.setWordWrap(True)
        self.label.setBuddy(editor)
        self.message = QLabel(objectName="message")
        self.message.setWordWrap(True)
        self.message.hide()
        self.help = QLabel(tr(question.help), objectName="help") if question.help else None
        if self.help is not None:
            self.help.setWordWrap(True)
            self.help.setStyleSheet("color: #555;")
        self.text_error = ""

    def widgets(self) -> list[QWidget]:
        return [w for w in (self.label, self.editor, self.message, self.help) if w is not None]


class _PageView(QScrollArea):
    """A page of questions (for one member on the roster)."""

    def __init__(self, page: Page, member: int | None) -> None:
        super().__init__()
        self.page = page
        self.member = member
        self.rows: list[_Row] = []
        self.points_sum: QLabel | None = None  # the B1 sum, under the points table's items
        body = QWidget()
        self.layout_ = QVBoxLayout(body)
        self.title = QLabel(objectName="title")
        self.title.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.layout_.addWidget(self.title)
        if page.note:
            note = QLabel(tr(page.note), objectName="note")
            note.setWordWrap(True)
            note.setStyleSheet("color: #555;")
            self.layout_.addWidget(note)
        self.grid = QGridLayout()
        self.grid.setColumnStretch(1, 1)
        self.grid.setColumnMinimumWidth(0, 220)
        self.layout_.addLayout(self.grid)
        self.layout_.addStretch(1)
        self.setWidget(body)
        self.setWidgetResizable(True)

    def add_row(self, row: _Row) -> None:
        line = self.grid.rowCount()
        self.grid.addWidget(row.label, line, 0, Qt.AlignmentFlag.AlignTop)
        column = QVBoxLayout()
        column.addWidget(row.editor)
        column.addWidget(row.message)
        if row.help is not None:
            column.addWidget(row.help)
        self.grid.addLayout(column, line, 1)
        self.rows.append(row)

    def add_points_sum(self) -> None:
        """The live B1 sum of the points table, under its last item."""
        self.points_sum = QLabel(objectName="points_sum")
        self.points_sum.setWordWrap(True)
        self.points_sum.setTextFormat(Qt.TextFormat.RichText)
        self.grid.addWidget(self.points_sum, self.grid.rowCount(), 1)


class QuestionnaireWizard(QDialog):
    """Fill in (or resume) one household's questionnaire in a review round."""

    def __init__(
        self,
        cdb: CommuneDatabase,
        round_id: int,
        household_id: int,
        user: User | None,
        parent: QWidget | None = None,
        form: str = "B",
    ) -> None:
        super().__init__(parent)
        self.cdb = cdb
        self.round_id = round_id
        self.household_id = household_id
        self.user = user
        self.survey = survey_for(cdb.db, round_id, form)
        start = start_answers(cdb.db, round_id, household_id, form)
        self.answers: dict[str, Any] = start.answers
        self.member_ids = start.member_ids
        self.source = start.source
        self.last_year = start.last_year
        self.previous_status = start.previous_status
        self.earlier_statuses = start.earlier_statuses
        self.tried = False  # "Chưa trả lời" is shown once the clerk has tried to complete
        self.classification: Classification | None = None
        self.views: list[_PageView] = []
        self._filling = False
        self.setWindowTitle(
            tr(
                "{form} — hộ {code}",
                form=tr(self.survey.questionnaire.name),
                code=self.answers.get("household_code", ""),
            )
        )
        self._build()
        self._rebuild_pages(focus=True)
        self._refresh()

    # --- layout -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.page_list = QListWidget(objectName="pages")
        self.page_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.page_list.setMaximumWidth(230)
        self.page_list.currentRowChanged.connect(self._show_page)
        self.stack = QStackedWidget()
        self.panel = QTextBrowser(objectName="panel")
        self.panel.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.panel.setMinimumWidth(380)
        splitter = QSplitter()
        splitter.addWidget(self.page_list)
        splitter.addWidget(self.stack)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(1, 3)
        splitter.setStretchFactor(2, 2)
        self.status = QLabel(objectName="status")
        self.error = error_label()
        self.previous = QPushButton(tr("‹ Trang trước (PgUp)"), objectName="previous")
        self.next = QPushButton(tr("Trang sau (PgDn) ›"), objectName="next")
        self.add_member = QPushButton(tr("Thêm thành viên (Ctrl+N)"), objectName="add_member")
        self.remove_member = QPushButton(tr("Xóa thành viên này"), objectName="remove_member")
        self.save_draft = QPushButton(tr("Lưu nháp (Ctrl+S)"), objectName="save_draft")
        self.finish = QPushButton(tr("Hoàn thành (Ctrl+Enter)"), objectName="finish")
        buttons = QHBoxLayout()
        for button in (self.previous, self.next, self.add_member, self.remove_member):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.status)
        buttons.addWidget(self.save_draft)
        buttons.addWidget(self.finish)
        for button in (*self.findChildren(QPushButton),):
            button.setAutoDefault(False)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.previous.clicked.connect(lambda: self.go(-1))
        self.next.clicked.connect(lambda: self.go(1))
        self.add_member.clicked.connect(self.new_member)
        self.remove_member.clicked.connect(self.drop_member)
        self.save_draft.clicked.connect(self.save)
        self.finish.clicked.connect(self.complete)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        alt, ctrl = Qt.KeyboardModifier.AltModifier, Qt.KeyboardModifier.ControlModifier
        shortcuts = {
            QKeyCombination(Qt.Key.Key_PageDown): lambda: self.go(1),
            QKeyCombination(alt, Qt.Key.Key_Right): lambda: self.go(1),
            QKeyCombination(Qt.Key.Key_PageUp): lambda: self.go(-1),
            QKeyCombination(alt, Qt.Key.Key_Left): lambda: self.go(-1),
            QKeyCombination(ctrl, Qt.Key.Key_N): self.new_member,
            QKeyCombination(ctrl, Qt.Key.Key_S): self.save,
            QKeyCombination(ctrl, Qt.Key.Key_Return): self.complete,
            QKeyCombination(ctrl, Qt.Key.Key_Enter): self.complete,
        }
        for keys, action in shortcuts.items():
            QShortcut(QKeySequence(keys), self, action)
        self.timer = QTimer(self, singleShot=True, interval=0)
        self.timer.timeout.connect(self._refresh)
        fit_window(self, QSize(1300, 680))

    def _editor(self, row_question: Question, member: int | None) -> QWidget:
        question = row_question
        kind = question.kind
        if kind in ("choice", "yes_no"):
            combo = QComboBox()
            combo.addItem(UNANSWERED, None)
            choices = question.choices or YES_NO
            for value, label in choices:
                combo.addItem(tr(label), value)
            combo.setEnabled(not question.readonly)
            combo.currentIndexChanged.connect(
                lambda _=0, c=combo, q=question, m=member: self._answer(q, m, c.currentData())
            )
            return combo
        if kind == "check":
            box = QCheckBox(tr("Có"))
            box.toggled.connect(lambda on, q=question, m=member: self._answer(q, m, on))
            return box
        if kind == "multi":
            holder = QWidget()
            grid = QGridLayout(holder)
            grid.setContentsMargins(0, 0, 0, 0)
            for index, (value, label) in enumerate(question.choices):
                box = QCheckBox(tr(label))
                box.setProperty("value", value)
                box.toggled.connect(
                    lambda _=False, q=question, m=member, h=holder: self._multi(q, m, h)
                )
                grid.addWidget(box, index // 3, index % 3)
            return holder
        line = QLineEdit()
        line.setReadOnly(question.readonly)
        line.textEdited.connect(
            lambda text, q=question, m=member, e=line: self._typed(q, m, e, text)
        )
        return line

    def _entries(self) -> list[tuple[Page, int | None]]:
        entries: list[tuple[Page, int | None]] = []
        for page in self.survey.visible_pages(self.answers):
            if page.roster:
                entries.extend((page, index) for index in range(len(self.answers["members"])))
            else:
                entries.append((page, None))
        return entries

    def _rebuild_pages(self, focus: bool = False) -> None:
        """(Re)create the page views when the pages or the roster changed."""
        entries = self._entries()
        if [(v.page.id, v.member) for v in self.views] == [(p.id, m) for p, m in entries]:
            return
        current = self.stack.currentIndex()
        for view in self.views:
            self.stack.removeWidget(view)
            view.deleteLater()
        self.views = []
        self.page_list.blockSignals(True)
        self.page_list.clear()
        for page, member in entries:
            view = _PageView(page, member)
            questions = self.survey.page_questions(page, self.answers)
            for index, question in enumerate(questions):
                view.add_row(_Row(question, member, self._editor(question, member)))
                following = questions[index + 1] if index + 1 < len(questions) else None
                if question.points_item and not (following and following.points_item):
                    view.add_points_sum()  # under the table's last item
            self.views.append(view)
            self.stack.addWidget(view)
            self.page_list.addItem("")
        self.page_list.blockSignals(False)
        self._fill()
        self.go_to(max(0, min(current, len(self.views) - 1)), focus=focus)

    # --- answers ----------------------------------------------------------------------------

    def _fill(self) -> None:
        """Show the answers in the editors."""
        self._filling = True
        try:
            for view in self.views:
                for row in view.rows:
                    self._show_value(row, get_answer(self.answers, row.question, row.member))
        finally:
            self._filling = False

    def _show_value(self, row: _Row, value: Any) -> None:
        editor, kind = row.editor, row.question.kind
        if isinstance(editor, QComboBox):
            index = editor.findData(value) if value is not None else 0
            editor.setCurrentIndex(max(index, 0))
        elif isinstance(editor, QCheckBox):
            editor.setChecked(bool(value))
        elif isinstance(editor, QLineEdit):
            if kind == "date":
                text = birth_date_text(value) if value else ""
            elif kind in ("number", "integer") and value is not None:
                text = format_decimal(value)
            else:
                text = "" if value is None else str(value)
            editor.setText(text)
        else:
            chosen = set(value or [])
            for box in editor.findChildren(QCheckBox):
                box.setChecked(box.property("value") in chosen)

    def _answer(self, question: Question, member: int | None, value: Any) -> None:
        if self._filling:
            return
        set_answer(self.answers, question, value, member)
        self._changed()

    def _multi(self, question: Question, member: int | None, holder: QWidget) -> None:
        chosen = [
            box.property("value") for box in holder.findChildren(QCheckBox) if box.isChecked()
        ]
        self._answer(question, member, chosen)

    def _typed(self, question: Question, member: int | None, editor: QLineEdit, text: str) -> None:
        row = self._row(editor)
        row.text_error = ""
        try:
            value = self._parse(question, text)
        except ValueError as error:
            row.text_error, value = str(error), None
        self._answer(question, member, value)

    @staticmethod
    def _parse(question: Question, text: str) -> Any:
        kind = question.kind
        if kind == "date":
            return read_birth_date(text)
        if kind == "citizen_id":
            return read_citizen_id(text)
        if kind in ("number", "integer"):
            if not text.strip():
                return None
            try:
                number = parse_number(text)
            except ValueError:
                raise ValueError(tr("Không đọc được số “{text}”", text=text.strip())) from None
            if kind == "integer":
                if number != number.to_integral_value():
                    raise ValueError(tr("Cần một số nguyên"))
                return int(number)
            return int(number) if number == number.to_integral_value() else float(number)
        return text

    def _row(self, editor: QWidget) -> _Row:
        return next(row for view in self.views for row in view.rows if row.editor is editor)

    def _changed(self) -> None:
        self.status.setText("")
        self.timer.start()

    # --- navigation -------------------------------------------------------------------------

    def go(self, step: int) -> None:
        self.go_to(self.stack.currentIndex() + step, focus=True)

    def go_to(self, index: int, focus: bool = False) -> None:
        if not 0 <= index < len(self.views):
            return
        self.page_list.setCurrentRow(index)
        self.stack.setCurrentIndex(index)
        self._update_buttons()
        if focus:
            self._focus_first(self.views[index])

    def _show_page(self, index: int) -> None:
        if 0 <= index < len(self.views):
            self.stack.setCurrentIndex(index)
            self._update_buttons()

    def _focus_first(self, view: _PageView) -> None:
        for row in view.rows:
            if row.editor.isVisibleTo(view) and row.editor.isEnabled():
                target = row.editor
                if not isinstance(target, QComboBox | QLineEdit | QCheckBox):
                    boxes = target.findChildren(QCheckBox)
                    target = boxes[0] if boxes else target
                target.setFocus()
                return

    def _update_buttons(self) -> None:
        index = self.stack.currentIndex()
        view = self.views[index] if 0 <= index < len(self.views) else None
        self.previous.setEnabled(index > 0)
        self.next.setEnabled(index < len(self.views) - 1)
        on_roster = view is not None and view.page.roster
        self.add_member.setVisible(self.survey.roster_page is not None)
        self.remove_member.setVisible(on_roster and len(self.answers["members"]) > 1)

    def keyPressEvent(self, event: Any) -> None:
        """Enter moves on like Tab; on the last question of a page, to the next page."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
            view = self.views[self.stack.currentIndex()]
            editors = [
                w
                for row in view.rows
                if row.editor.isVisibleTo(view) and row.editor.isEnabled()
                for w in (row.editor.findChildren(QCheckBox) or [row.editor])
            ]
            focused = self.focusWidget()
            if editors and focused is editors[-1]:
                self.go(1)
            else:
                self.focusNextChild()
            return
        if event.key() == Qt.Key.Key_Escape:
            return  # never lose a household's answers to a stray Esc: close the window instead
        super().keyPressEvent(event)

    def new_member(self) -> None:
        if self.survey.roster_page is None:
            return
        self.answers["members"].append(new_member())
        self.member_ids.append(None)
        self._rebuild_pages()
        index = next(
            i
            for i, view in enumerate(self.views)
            if view.page.roster and view.member == len(self.answers["members"]) - 1
        )
        self._refresh()
        self.go_to(index, focus=True)

    def drop_member(self) -> None:
        view = self.views[self.stack.currentIndex()]
        if not view.page.roster or len(self.answers["members"]) < 2:
            return
        del self.answers["members"][view.member]
        del self.member_ids[view.member]
        self.views_reset()
        self._changed()

    def views_reset(self) -> None:
        for view in self.views:
            self.stack.removeWidget(view)
            view.deleteLater()
        self.views = []
        self._rebuild_pages(focus=True)

    # --- what the clerk sees change ---------------------------------------------------------

    def issues(self) -> list[Issue]:
        return self.survey.issues(self.answers)

    def _refresh(self) -> None:
        """Skip logic, messages at the fields, page titles and the live panel."""
        self._rebuild_pages()
        issues = self.issues()
        by_place: dict[tuple[str, int | None], list[Issue]] = {}
        for issue in issues:
            by_place.setdefault((issue.key, issue.member), []).append(issue)
        for position, view in enumerate(self.views):
            asked = {q.key for q in self.survey.questions(view.page, self.answers, view.member)}
            errors = 0
            for row in view.rows:
                shown = row.question.key in asked
                for widget in row.widgets():
                    widget.setVisible(shown)
                found = by_place.get((row.question.key, row.member), []) if shown else []
                if row.text_error:
                    found = [Issue(view.page.id, row.member, row.question.key, row.text_error)]
                self._show_messages(row, found, shown)
                errors += sum(issue.is_error for issue in found)
            if view.points_sum is not None:
                self._show_points_sum(view.points_sum)
            view.title.setText(self._title(view))
            mark = f" ({errors})" if errors else ""
            self.page_list.item(position).setText(f"{position + 1}. {self._title(view)}{mark}")
        self.classification = self.survey.classification(self.answers)
        self.panel.setHtml(self.panel_html())
        self._update_buttons()

    def _show_points_sum(self, label: QLabel) -> None:
        b1 = self.survey.table_b1(self.answers)
        label.setVisible(b1 is not None)
        if b1 is None:
            return
        mark = STATUS_MARKS[b1.table.provenance.status]
        total = format_decimal(b1.total)
        text = f"<b>{html.escape(tr('Tổng điểm B1 tính theo bảng: {total} điểm', total=total))}</b>"
        if b1.missing:
            text += html.escape(
                tr(
                    " (tạm tính) — còn {count} mục chưa trả lời: {items}",
                    count=len(b1.missing),
                    items="; ".join(tr(name) for name in b1.missing),
                )
            )
        source = tr("Theo bảng điểm “{name}”", name=b1.table.name)
        if mark:
            source += f" [{tr(mark)}]"
        label.setText(
            tr(
                "{total}<br><span style='color:#555'>{source}</span>",
                total=text,
                source=html.escape(source),
            )
        )

    def _show_messages(self, row: _Row, found: list[Issue], shown: bool) -> None:
        visible = [i for i in found if i.message != tr("Chưa trả lời") or self.tried]
        if not visible or not shown:
            row.message.hide()
            return
        worst = ERROR if any(i.is_error for i in visible) else "warning"
        row.message.setStyleSheet(f"color: {_COLOURS[worst]};")
        row.message.setText("\n".join(dict.fromkeys(i.message for i in visible)))
        row.message.show()

    def _title(self, view: _PageView) -> str:
        if view.member is None:
            return tr(view.page.title)
        member = self.answers["members"][view.member]
        name = (member.get("full_name") or "").strip() or tr("(chưa có tên)")
        return tr(
            "Thành viên {number}/{count}: {name}",
            number=view.member + 1,
            count=len(self.answers["members"]),
            name=name,
        )

    def panel_html(self) -> str:
        """The live classification: class, income against the line, B2, every indicator."""
        result = self.classification
        if self.survey.questionnaire.form == "A":
            return self._screening_html()
        parts = [f"<h3>{html.escape(tr('Kết quả phân loại (tạm tính)'))}</h3>"]
        if result is None:
            parts.append(
                html.escape(
                    tr(
                        "Chưa phân loại được: nhập đủ họ tên, giới tính, ngày sinh, quan hệ của "
                        "các thành viên."
                    )
                )
            )
            return "".join(parts)
        colours = {"poor": "#b00020", "near_poor": "#a35a00", None: "#555"}
        colour = colours.get(result.class_code, "#1b5e20")
        label = html.escape(result.class_label)  # in the interface's language already
        parts.append(
            tr(
                "<p style='font-size:16px; color:{colour}'><b>{label}</b></p>",
                colour=colour,
                label=label,
            )
        )
        area = tr(AREA_LABELS[result.area])
        if result.income_basis == "score":
            parts.append(
                html.escape(
                    tr(
                        "Điểm B1: {value} — ngưỡng {area}: {line} điểm",
                        value=format_decimal(result.income_value),
                        area=area,
                        line=format_decimal(result.income_line),
                    )
                )
            )
        elif result.income_basis == "income":
            parts.append(
                html.escape(
                    tr(
                        "Thu nhập bình quân: {value}/người/tháng — chuẩn {area}: {line}",
                        value=format_money(result.income_value),
                        area=area,
                        line=format_money(result.income_line),
                    )
                )
            )
        else:
            parts.append(html.escape(tr("Thu nhập / điểm B1: chưa nhập")))
        count = len(result.indicators)
        parts.append(
            "<br>"
            + html.escape(
                tr(
                    "Điểm B2: {b2} — thiếu hụt {count}/{total} chỉ số",
                    b2=result.b2_score,
                    count=result.deprivation_count,
                    total=count,
                )
            )
        )
        if result.unknown_count:
            parts.append(
                html.escape(tr(" (chưa đủ dữ liệu: {unknown})", unknown=result.unknown_count))
            )
        parts.append("<br>" + html.escape(self._movement_text(result)))
        parts.append(tr("<table cellspacing='2'>"))
        symbols = {True: ("✗", "#b00020"), False: ("✓", "#1b5e20"), None: ("?", "#8a5a00")}
        for indicator in result.indicators:
            symbol, tint = symbols[indicator.deprived]
            mark = STATUS_MARKS[indicator.status]
            suffix = (
                tr(" <i style='color:#777'>[{mark}]</i>", mark=html.escape(tr(mark)))
                if mark
                else ""
            )
            parts.append(
                tr(
                    "<tr><td style='color:{tint}'><b>{symbol}</b></td><td><b>{name}</b>{suffix}"
                    "<br><span style='color:#444'>{reason}</span></td></tr>",
                    tint=tint,
                    symbol=symbol,
                    name=html.escape(indicator.name),
                    suffix=suffix,
                    reason=html.escape(indicator.reason),
                )
            )
        parts.append("</table>")
        if result.notes:
            parts.append("<ul>")
            parts.extend(f"<li>{html.escape(note)}</li>" for note in result.notes)
            parts.append("</ul>")
        return "".join(parts)

    def _screening_html(self) -> str:
        """Phiếu A: the outcome the reviewer recorded (a household not eligible is not poor)."""
        eligible = (self.answers.get("form_a") or {}).get("eligible_for_form_b")
        outcome = {
            None: tr("Chưa ghi kết quả Phiếu A"),
            True: tr("Đủ điều kiện rà soát Phiếu B: tiếp tục với Phiếu B"),
            False: tr("Không đủ điều kiện rà soát Phiếu B: hộ được xếp hộ không nghèo"),
        }[eligible]
        title = html.escape(tr("Kết quả Phiếu A"))
        return tr(
            "<h3>{title}</h3><p style='font-size:15px'><b>{outcome}</b></p>",
            title=title,
            outcome=html.escape(outcome),
        )

    def _movement_text(self, result: Classification) -> str:
        before = tr(CLASS_LABELS[self.previous_status]) if self.previous_status else tr("không có")
        change = movement(self.previous_status, result.class_code, self.earlier_statuses)
        what = tr(MOVEMENT_LABELS[change]) if change else tr("không thay đổi danh sách")
        if result.class_code is None:
            what = tr("chưa xác định")
        return tr("Năm trước: {before} → biến động: {what}", before=before, what=what)

    # --- saving -----------------------------------------------------------------------------

    def _reviewer(self) -> str | None:
        return self.user.full_name if self.user else None

    def save(self) -> bool:
        """Save the answers as a draft (resumed when the household is opened again)."""
        return self._store(complete=False)

    def complete(self) -> bool:
        """Mark the questionnaire complete: refused, with the problems shown, while invalid."""
        self.timer.stop()
        self._refresh()
        errors = [issue for issue in self.issues() if issue.is_error]
        if errors:
            self.tried = True
            self._refresh()
            first = errors[0]
            target = next(
                (
                    i
                    for i, view in enumerate(self.views)
                    if view.page.id == first.page and view.member in (first.member, None)
                ),
                self.stack.currentIndex(),
            )
            self.go_to(target, focus=True)
            show_error(
                self.error,
                tr(
                    "Chưa hoàn thành được: còn {count} lỗi (trang được đánh số lỗi bên trái). "
                    "Lỗi đầu tiên: {page} — {message}",
                    count=len(errors),
                    page=self._title(self.views[target]),
                    message=first.message,
                ),
            )
            return False
        if self._store(complete=True):
            self.accept()
            return True
        return False

    def _store(self, *, complete: bool) -> bool:
        try:
            save_answers(
                self.cdb,
                self.round_id,
                self.household_id,
                self.survey,
                self.answers,
                self.member_ids,
                complete=complete,
                reviewer=self._reviewer(),
                surveyed_on=date.today().isoformat(),
            )
        except (ReviewError, ValueError) as error:
            show_error(self.error, str(error))
            return False
        show_error(self.error, "")
        self.status.setText(
            tr("Đã lưu nháp lúc {time}", time=datetime.now().strftime("%H:%M"))
            if not complete
            else tr("Đã hoàn thành")
        )
        return True
