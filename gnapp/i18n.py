"""The words the user reads: written in Vietnamese in the source, other languages from catalogues.

Vietnamese is the source language, so it is complete by construction; English (and any later
language) is a catalogue ``resources/translations/gnapp_<code>.json`` mapping each Vietnamese
text to its translation. Qt-free, so the core, the command line and the GUI share it.

>>> tr("Lưu")
'Lưu'
>>> tr("Đang hiển thị {shown} / {total} hộ", shown=3, total=10)
'Đang hiển thị 3 / 10 hộ'
"""

from __future__ import annotations

import json
from collections.abc import Callable

from gnapp.data import resource_file

SOURCE_LANGUAGE = "vi"
LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}

_catalogue: dict[str, str] = {}
_language = SOURCE_LANGUAGE


def catalogue_name(language: str) -> str:
    return f"gnapp_{language}.json"


def load_catalogue(language: str) -> dict[str, str]:
    """The catalogue of ``language`` (empty for the source language)."""
    if language == SOURCE_LANGUAGE:
        return {}
    if language not in LANGUAGES:
        raise ValueError(f"Ngôn ngữ không được hỗ trợ: {language}")
    text = resource_file("translations", catalogue_name(language)).read_text(encoding="utf-8")
    entries = json.loads(text)
    if not isinstance(entries, dict):
        raise ValueError(f"Tệp bản dịch {catalogue_name(language)} không đúng dạng")
    return {key: value for key, value in entries.items() if isinstance(value, str) and value}


def set_language(language: str) -> None:
    """Show every later ``tr()`` text in ``language``."""
    global _language, _catalogue
    _catalogue = load_catalogue(language)
    _language = language


def current_language() -> str:
    return _language


def tr_noop(text: str, /) -> str:
    """Mark ``text`` for the catalogue where it is defined before the language is chosen (module
    constants); it is shown through ``tr(TEXT)`` where it is used."""
    return text


def tr(text: str, /, **values: object) -> str:
    """``text`` in the current language, with ``{name}`` fields filled from ``values``."""
    translated = _catalogue.get(text, text)
    return translated.format(**values) if values else translated


def as_written(text: str, /, **values: object) -> str:
    """``text`` in Vietnamese whatever the language, with its fields filled: the words of
    official documents and of the core's results, where ``tr`` would follow the interface."""
    return text.format(**values) if values else text


# How a core function that writes sentences is told their language: ``as_written`` (the
# default: documents, exports) or ``tr`` (what the GUI shows). Its parameter is named
# ``translate``, and its literal texts count as catalogue texts (gnapp/i18n_extract.py).
Translate = Callable[..., str]
