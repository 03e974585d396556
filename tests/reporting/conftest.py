"""Reading back the XLSX files the exports write: formulas evaluated without a spreadsheet."""

import re

import pytest
from openpyxl.utils import column_index_from_string

_CALL = re.compile(r"=(SUM|COUNTA)\((.*)\)")
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
    """The value of a cell, computing the =SUM(...) and =COUNTA(...) formulas the writer uses."""
    value = cell.value
    if not (isinstance(value, str) and value.startswith("=")):
        return value
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
