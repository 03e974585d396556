"""What the report wizard and the plan dialog show under a document's number and signer: the
number as it will print and the signing block the issuer gives that title."""

from __future__ import annotations

from gnapp.core.official import OfficialDataError, full_number, signer_title, signing_marks
from gnapp.i18n import tr


def number_as_printed(typed: str, symbol: str) -> str:
    """ "In ra: Số: 45/BC-UBND" for "45" or "45/BC-UBND"; the refusal when it is no number."""
    try:
        full = full_number(typed, symbol)
    except OfficialDataError as error:
        return str(error)
    if full:
        return tr("In ra: Số: {number}", number=full)
    return tr("In ra: Số: …/{symbol}", symbol=symbol)


def signing_block_html(kind: str, title: str) -> str:
    """The signing marks of ``kind`` for a signer of ``title``, then the title, in bold lines."""
    lines = [*signing_marks(kind, title), signer_title(title)]
    return "<br>".join(f"<b>{line}</b>" for line in lines if line)
