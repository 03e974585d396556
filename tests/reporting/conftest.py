"""Reading back the XLSX files the exports write: formulas evaluated without a spreadsheet."""

import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from openpyxl.utils import column_index_from_string

_CALL = re.compile(r"=(SUM|COUNTA)\((.*)\)")
_RATE = re.compile(r"=IF\(([A-Z]+\d+)=0,0,ROUND\(([A-Z]+\d+)/([A-Z]+\d+)\*100,2\)\)")
_RANGE = re.compile(r"([A-Z]+)(\d+):([A-Z]+)(\d+)")
_CELL = re.compile(r"([A-Z]+)(\d+)")


def _cells(sheet, argument):
    if match := _RANGE.fullmatch(argument):
        first_col, first_row, last_col, last_row = match.groups()
        for row in range(int(first_row), int(last_row) + 1):
            for col in range(
                column_index_from_string(first_col), column_index_from_string(last_col) + 1
            ):
                yield sheet.cell(row, col)
    else:
        col, row = _CELL.fullmatch(argument).groups()
        yield sheet.cell(int(row), column_index_from_string(col))


def evaluate(sheet, cell):
    """The value of a cell, computing the =SUM(...), =COUNTA(...) and rate formulas the writer
    uses (rates rounded half up as Excel's ROUND does)."""
    value = cell.value
    if not (isinstance(value, str) and value.startswith("=")):
        return value
    if rate := _RATE.fullmatch(value):
        whole_ref, part_ref, _ = rate.groups()
        whole = evaluate(sheet, next(_cells(sheet, whole_ref)))
        part = evaluate(sheet, next(_cells(sheet, part_ref)))
        if not whole:
            return 0
        exact = Decimal(part) * 100 / Decimal(whole)
        return float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    match = _CALL.fullmatch(value)
    assert match, f"unexpected formula {value!r} in {cell.coordinate}"
    function, arguments = match.groups()
    cells = [c for argument in arguments.split(",") for c in _cells(sheet, argument)]
    if function == "COUNTA":
        return sum(c.value not in (None, "") for c in cells)
    return sum(evaluate(sheet, c) or 0 for c in cells)


@pytest.fixture
def value_of():
    return evaluate
