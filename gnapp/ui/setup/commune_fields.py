"""The commune's identity and its villages as the setup wizard and the Settings dialog ask for
them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gnapp.core.vietnamese import fold
from gnapp.data import read_form_json
from gnapp.i18n import tr, tr_noop
from gnapp.store.setup import KINDS, RECEIVER_KINDS, CommuneIdentity, VillageEntry
from gnapp.ui.common.models import AREA_LABELS
from gnapp.ui.common.qt import (
    QComboBox,
    QFormLayout,
    QHeaderView,
    QLineEdit,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

VILLAGE_COLUMNS = (tr_noop("Mã thôn"), tr_noop("Tên thôn, tổ dân phố"), tr_noop("Khu vực"))


class CommuneIdentityFields(QWidget):
    """Code, kind, name, province (chosen from the list or typed), the receiving office and
    its level; ``form`` takes the caller's further rows."""

    def __init__(self, commune: Mapping[str, Any] | None = None) -> None:
        super().__init__()
        commune = commune or {}
        self.code = QLineEdit(commune.get("code") or "", objectName="code",
                              placeholderText=tr("5 chữ số, ví dụ 21555"))  # fmt: skip
        self.kind = QComboBox(objectName="kind")
        for code, word in KINDS.items():
            self.kind.addItem(tr(word), code)
        self.kind.setCurrentIndex(list(KINDS).index(commune.get("kind") or "xa"))
        self.name = QLineEdit(commune.get("name") or "", objectName="name",
                              placeholderText=tr("ví dụ: Xã Sơn Minh"))  # fmt: skip
        self.province = QComboBox(objectName="province", editable=True)
        provinces = read_form_json("reference", "province-codes.json")["provinces"]
        self.province.addItems(sorted((p["name"] for p in provinces), key=fold))
        self.province.setCurrentIndex(-1)
        self.province.setEditText(commune.get("province") or "")
        self.receiver = QLineEdit(
            commune.get("receiving_office_name") or "",
            objectName="receiver",
            placeholderText=tr("ví dụ: Sở Nông nghiệp và Môi trường tỉnh …"),
        )
        self.receiver_kind = QComboBox(objectName="receiver_kind")
        for code, label in RECEIVER_KINDS.items():
            self.receiver_kind.addItem(tr(label), code)
        receiver_kind = commune.get("receiving_office_kind") or "province"
        self.receiver_kind.setCurrentIndex(list(RECEIVER_KINDS).index(receiver_kind))
        self.form = QFormLayout(self)
        self.form.addRow(tr("Mã xã (mã đơn vị hành chính):"), self.code)
        self.form.addRow(tr("Loại đơn vị:"), self.kind)
        self.form.addRow(tr("Tên xã, phường:"), self.name)
        self.form.addRow(tr("Tỉnh, thành phố:"), self.province)
        self.form.addRow(tr("Cơ quan nhận báo cáo (“Kính gửi”):"), self.receiver)
        self.form.addRow(tr("Cơ quan đó thuộc:"), self.receiver_kind)

    def identity(self) -> CommuneIdentity:
        """What is typed, white space tidied; a name without its kind gets it ("Sơn Minh" ->
        "Xã Sơn Minh", the document's word whatever the interface's language)."""
        name = " ".join(self.name.text().split())
        word = KINDS[self.kind.currentData()]
        if name and not fold(name).startswith(fold(word)):
            name = f"{word} {name}"
        return CommuneIdentity(
            code=self.code.text().strip(),
            name=name,
            kind=self.kind.currentData(),
            province=" ".join(self.province.currentText().split()),
            receiving_office_name=self.receiver.text().strip(),
            receiving_office_kind=self.receiver_kind.currentData(),
        )


class VillagesTable(QTableWidget):
    """The commune's villages, a row each: code, name, and the area (rural or urban) chosen
    from a list."""

    def __init__(self) -> None:
        super().__init__(0, len(VILLAGE_COLUMNS), objectName="villages")
        self.setHorizontalHeaderLabels([tr(column) for column in VILLAGE_COLUMNS])
        self.verticalHeader().hide()
        self.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)

    def add_row(
        self, code: str = "", name: str = "", area: str = "rural", *, fixed_code: bool = False
    ) -> int:
        """A row at the end (``fixed_code``: the code cannot be edited); its number."""
        row = self.rowCount()
        self.insertRow(row)
        code_item = QTableWidgetItem(code)
        if fixed_code:
            code_item.setFlags(code_item.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self.setItem(row, 0, code_item)
        self.setItem(row, 1, QTableWidgetItem(name))
        areas = QComboBox()
        for value, label in AREA_LABELS.items():
            areas.addItem(tr(label), value)
        areas.setCurrentIndex(list(AREA_LABELS).index(area))
        self.setCellWidget(row, 2, areas)
        return row

    def entry(self, row: int) -> VillageEntry:
        """The village of a row as typed, white space trimmed (code and name empty for a row
        left empty)."""
        code, name = (self.item(row, column) for column in (0, 1))
        return VillageEntry(
            code.text().strip() if code else "",
            name.text().strip() if name else "",
            self.cellWidget(row, 2).currentData(),
        )
