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
        raise ValueError(tr("Ngôn ngữ không được hỗ trợ: {language}", language=language))
    text = resource_file("translations", catalogue_name(language)).read_text(encoding="utf-8")
    entries = json.loads(text)
    if not isinstance(entries, dict):
        raise ValueError(tr("Tệp bản dịch {name} không đúng dạng", name=catalogue_name(language)))
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


def tr_in(context: str, text: str, /, **values: object) -> str:
    """``text`` as ``context`` means it, where the same Vietnamese words name two things another
    language tells apart ("Báo cáo": the area of reports, a report as a kind of document): the
    catalogue's entry ``context|text``, else ``text``'s own."""
    translated = _catalogue.get(in_context(context, text)) or _catalogue.get(text, text)
    return translated.format(**values) if values else translated


def in_context(context: str, text: str) -> str:
    """The catalogue's key of ``text`` in ``context`` (``tr_in``)."""
    return f"{context}|{text}"


def as_written(text: str, /, **values: object) -> str:
    """``text`` in Vietnamese whatever the language, with its fields filled: the words of
    official documents and of the core's results, where ``tr`` would follow the interface."""
    return text.format(**values) if values else text


# How a core function that writes sentences is told their language: ``as_written`` (the
# default: documents, exports) or ``tr`` (what the GUI shows). Its parameter is named
# ``translate``, and its literal texts count as catalogue texts (gnapp/i18n_extract.py).
Translate = Callable[..., str]


class Sentence:
    """A text and its fields kept apart until read: in the interface's language where it is
    shown (``str()``), in Vietnamese where a record keeps it (``written()``): a package's check
    that failed is shown to the officer and kept in the office's receipts."""

    def __init__(self, text: str, /, **values: object) -> None:
        self.text, self.values = text, values

    def in_language(self, translate: Translate) -> str:
        values = {name: _said(value, translate) for name, value in self.values.items()}
        return translate(self.text, **values)

    def __str__(self) -> str:
        return self.in_language(tr)

    def __repr__(self) -> str:
        return f"Sentence({self.written()!r})"

    def written(self) -> str:
        return self.in_language(as_written)


class Refusal(Exception):
    """An error whose message is a Sentence: ``raise SomeRefusal(tr_noop("… {name}"), name=v)``,
    shown in the interface's language, ``written(error)`` in Vietnamese."""

    def __init__(self, text: str | Sentence, /, **values: object) -> None:
        super().__init__(text if isinstance(text, Sentence) else Sentence(text, **values))

    @property
    def sentence(self) -> Sentence:
        return self.args[0]


def written(said: object) -> str:
    """What ``said`` (a Sentence, a Refusal or any value) says in Vietnamese."""
    return str(_said(said, as_written))


def _said(value: object, translate: Translate) -> object:
    if isinstance(value, Refusal):
        value = value.sentence
    return value.in_language(translate) if isinstance(value, Sentence) else value
