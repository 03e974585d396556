"""User text in a spreadsheet cell stays text: no formula injection in any XLSX export.

Excel and LibreOffice run a cell starting with ``=`` as a formula (``=HYPERLINK(...)``, DDE such
as ``=cmd|' /C calc'!A0``), and take ``+``, ``-``, ``@``, a tab or a carriage return as its start
when the cell is edited. ``keep_text`` makes such a cell a plain string cell (``data_type``
``"s"``, which openpyxl writes as a string, not a formula) with the quote prefix that Excel's
leading apostrophe sets, so the sheet shows exactly what was typed and editing keeps it text.
Numbers stay numbers; every XLSX writer puts its values through ``keep_text``.

XML 1.0, and so XLSX, cannot hold the control characters other than tab, line feed and carriage
return: openpyxl raises IllegalCharacterError for a cell holding one (text read from a file, such
as an ESC in a name). ``cell_value`` shows each as "\ufffd" instead, before the cell is made.
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_NOT_IN_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # openpyxl's ILLEGAL_CHARACTERS_RE


def cell_value(value: Any) -> Any:
    """``value`` as an XLSX cell can hold it: text without the control characters XML cannot
    carry (each shown as "\ufffd"); anything else as it is."""
    if isinstance(value, str) and _NOT_IN_XLSX.search(value):
        return _NOT_IN_XLSX.sub("\ufffd", value)
    return value


def starts_like_formula(value: Any) -> bool:
    """Whether ``value`` is text a spreadsheet could take as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def keep_text(cell: Any) -> Any:
    """Make an openpyxl cell holding formula-like text an inert string cell; return the cell.
    Call it after the cell's value and style are set (a named style resets the quote prefix)."""
    if starts_like_formula(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell
