"""Finding the user's words in the code: the ``tr()`` texts, and the texts left outside ``tr()``.

Qt-free and reading source only (``ast``), so the catalogue check in the tests and
``tools/i18n_extract.py`` share it.
"""

from __future__ import annotations

import ast
import re
import string
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import gnapp

PACKAGE = Path(gnapp.__file__).parent
UI_FOLDER = PACKAGE / "ui"

# The allow-list: texts with words that the user never reads. SQL statements, Qt style sheets
# ("color: #b00020;", "QLabel#error { … }") and key sequences ("Ctrl+Q", which Qt shows in the
# user's language itself); none of them holds a Vietnamese letter.
NON_USER_TEXTS = (
    re.compile(r"\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\s"),
    re.compile(r"\s*([\w-]+\s*:\s*[^;:]+;\s*)+$"),
    re.compile(r"\s*(Q\w+[^{]*\{[^}]*\}\s*)+$"),
    re.compile(r"((Ctrl|Alt|Shift|Meta)\+)+(\w|F\d+)$"),
)
# Literals that read as words but are not for reading: sample names whose width sizes a column.
NON_USER_LITERALS = {"Nguyễn Thị Phương Thảo", "Thôn Phước Hòa Đông"}


@dataclass(frozen=True)
class Text:
    """One text in the code: where it is and what it says."""

    path: Path
    line: int
    text: str

    def where(self) -> str:
        return f"{self.path.relative_to(PACKAGE.parent)}:{self.line}"


def _docstring_nodes(tree: ast.AST) -> set[int]:
    nodes = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                nodes.add(id(body[0].value))
    return nodes


MARKERS = {"tr", "tr_noop", "translate"}  # translate: a gnapp.i18n.Translate parameter


def _is_tr_call(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in MARKERS
    )


def _is_qt_translate_call(node: ast.AST) -> bool:
    """``QCoreApplication.translate(context, text)``: a lookup of Qt's own (English) source text
    in Qt's catalogue, so its literals are keys, not texts to wrap."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "translate"
    )


def tr_texts(path: Path) -> Iterator[Text]:
    """The literal texts of every ``tr(...)`` and ``tr_noop(...)`` call in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if _is_tr_call(node) and node.args:
            for text in _literals(node.args[0]):
                yield Text(path, node.lineno, text)


def _literals(node: ast.expr) -> Iterator[str]:
    """The texts a ``tr()`` argument can be: a literal, or either literal of ``a if c else b``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.IfExp):
        yield from _literals(node.body)
        yield from _literals(node.orelse)


def has_vietnamese_letters(text: str) -> bool:
    """Whether ``text`` holds a letter outside ASCII ("ư", "đ", "ồ"): what English never does."""
    return any(character.isalpha() and not character.isascii() for character in text)


def looks_user_facing(text: str) -> bool:
    """Whether a literal reads as words for the user: a Vietnamese letter, words with a space,
    or a capitalised word ("Xem").

    Identifiers, keys, object names and file patterns hold no space and no Vietnamese letter, and
    start in lower case or are all capitals ("GNApp", "DTTS").
    """
    if text in NON_USER_LITERALS or not any(character.isalpha() for character in text):
        return False
    vietnamese = has_vietnamese_letters(text)
    if not vietnamese and any(pattern.match(text) for pattern in NON_USER_TEXTS):
        return False
    words = " " in text.strip() and sum(character.isalpha() for character in text) > 1
    return vietnamese or words or re.match(r"[A-Z][a-z]", text) is not None


def untranslated_texts(path: Path) -> Iterator[Text]:
    """String literals and f-strings that read as user text but sit outside any ``tr(...)``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = _docstring_nodes(tree)

    def visit(node: ast.AST) -> Iterator[Text]:
        if _is_tr_call(node):
            for value in node.keywords:  # the fields' values may hold user text of their own
                yield from visit(value.value)
            return
        if id(node) in skipped or _is_qt_translate_call(node):
            return
        if isinstance(node, ast.JoinedStr):
            template = "".join(
                part.value if isinstance(part, ast.Constant) else "{…}" for part in node.values
            )
            if looks_user_facing(template):
                yield Text(path, node.lineno, template)
            for part in node.values:
                if isinstance(part, ast.FormattedValue):
                    yield from visit(part.value)
            return
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if looks_user_facing(node.value):
                yield Text(path, node.lineno, node.value)
            return
        for child in ast.iter_child_nodes(node):
            yield from visit(child)

    yield from visit(tree)


def untranslated_refusals(path: Path) -> Iterator[Text]:
    """The texts of ``raise SomeError("…")`` whose message is a Vietnamese literal or f-string
    outside ``tr(...)``: a refusal the user would read in Vietnamese whatever the language."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args:
            message = node.exc.args[0]
            if isinstance(message, ast.Constant) and isinstance(message.value, str):
                text = message.value
            elif isinstance(message, ast.JoinedStr):
                text = "".join(
                    str(part.value) if isinstance(part, ast.Constant) else "{…}"
                    for part in message.values
                )
            else:
                continue
            if has_vietnamese_letters(text):
                yield Text(path, node.lineno, text)


def fields(text: str) -> set[str]:
    """The ``{name}`` fields of a text (with their format specs)."""
    return {
        f"{name}:{spec}" if spec else name
        for _, name, spec, _ in string.Formatter().parse(text)
        if name is not None
    }


def python_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


def code_texts(folder: Path = PACKAGE) -> dict[str, list[Text]]:
    """Every ``tr()`` text under ``folder``, with the places it is used."""
    found: dict[str, list[Text]] = {}
    for path in python_files(folder):
        for text in tr_texts(path):
            found.setdefault(text.text, []).append(text)
    return found


def _programme_texts() -> set[str]:
    """The programmes' names, projects, sub-projects and funding sources, and the words
    naming who gave a target (forms/programmes/)."""
    from gnapp.data import read_form_json
    from gnapp.store.programme import funding_sources, programme, programme_ids, projects

    texts = {
        giver["words"] for giver in read_form_json("programmes", "target-givers.json")["givers"]
    }
    for programme_id in programme_ids():
        texts |= {programme(programme_id)["name"]}
        texts |= set(projects(programme_id).values()) | set(funding_sources(programme_id).values())
    return texts


def _standard_texts() -> set[str]:
    """Each bundled poverty standard's name, its dimensions' and indicators' names, the
    indicators' reason sentences (forms/standards/) and the sources of its unconfirmed rules:
    the classification and the comparison of standards the GUI shows."""
    from gnapp.core.standards import available_standards
    from gnapp.reporting.transition import rule_marks

    texts = set()
    for standard in available_standards():
        texts |= {standard.name} | {dimension.name for dimension in standard.dimensions}
        texts |= {mark.source for mark in rule_marks(standard)}  # the unconfirmed rules' sources
        for indicator in standard.indicators:
            texts |= {indicator.name}
            texts |= {indicator.reason_deprived.text, indicator.reason_not_deprived.text}
    return texts


def _questionnaire_texts() -> set[str]:
    """Each review questionnaire's name, its pages' titles and notes, and its questions' labels,
    help and answers (forms/review/questionnaires/, with the record format's labels)."""
    from gnapp.review.questionnaire import available_questionnaires

    texts = set()
    for questionnaire in available_questionnaires():
        texts |= {questionnaire.name}
        for page in questionnaire.pages:
            texts |= {page.title} | ({page.note} if page.note else set())
            for question in page.questions:
                texts |= {question.label} | ({question.help} if question.help else set())
                texts |= {label for _, label in question.choices}
    return texts


def _document_texts() -> set[str]:
    """The names of the report kinds (forms/reports/kinds/) and of the kinds of official
    document (forms/documents/issuers.json): ``gnapp report list`` and the notes before a
    document is written name them."""
    from gnapp.core.official import DOCUMENT_KIND, document_kinds
    from gnapp.i18n import in_context
    from gnapp.reporting.figures import report_kinds

    return {kind.name for kind in report_kinds().values()} | {
        in_context(DOCUMENT_KIND, kind.name) for kind in document_kinds().values()
    }


def data_texts() -> set[str]:
    """Texts of forms/ that the GUI shows through ``tr()``: every field's label of the
    household-record format, the descriptions of the household groups, the names of the kinds
    of target and their units, the review procedures' steps and their notes, the programmes'
    items, the poverty standards' indicators and reasons, the review questionnaires' pages, the
    import's fields (the labels its column choices show, not the heading words), and the
    names of the kinds of report and of official document."""
    from gnapp.core.record import (
        field_label,
        field_schema,
        household_field_names,
        member_field_names,
    )
    from gnapp.data import form_file, read_form_json

    fields = [f"household.{name}" for name in household_field_names()]
    fields += [f"member.{name}" for name in member_field_names()]
    groups = field_schema("household.groups")["properties"].values()
    kinds = read_form_json("programmes", "target-kinds.json")["kinds"]  # targets' names, units
    import_fields = read_form_json("import", "fields.json")["fields"]
    steps = [  # the review's step cards: each procedure's steps and their notes
        step
        for entry in form_file("review", "procedures").iterdir()
        if entry.name.endswith(".json")
        for step in read_form_json("review", "procedures", entry.name)["steps"]
    ]
    return (
        {field_label(field) for field in fields if "description" in field_schema(field)}
        | {group["description"] for group in groups}
        | {kind["label"] for kind in kinds}
        | {kind["unit"] for kind in kinds if kind["unit"] != "%"}
        | {step["name"] for step in steps}
        | {item["label"] for item in import_fields}
        | {step["note"] for step in steps if "note" in step}
        | _programme_texts()
        | _standard_texts()
        | _questionnaire_texts()
        | _document_texts()
    )


def used_texts() -> set[str]:
    """Every text a catalogue must translate: the code's ``tr()`` texts and the data texts."""
    return set(code_texts()) | data_texts()


@dataclass(frozen=True)
class CatalogueCheck:
    missing: list[str]
    stale: list[str]
    mismatched_fields: list[str]
    empty: list[str]

    @property
    def clean(self) -> bool:
        return not (self.missing or self.stale or self.mismatched_fields or self.empty)


def check_catalogue(catalogue: dict[str, str], used: set[str]) -> CatalogueCheck:
    """Compare a catalogue with the ``tr()`` texts the code uses."""
    return CatalogueCheck(
        missing=sorted(used - catalogue.keys()),
        stale=sorted(catalogue.keys() - used),
        mismatched_fields=sorted(
            source
            for source, translated in catalogue.items()
            if isinstance(translated, str) and fields(source) != fields(translated)
        ),
        empty=sorted(
            source
            for source, translated in catalogue.items()
            if not isinstance(translated, str) or not translated.strip()
        ),
    )


def unfinished_qt_messages(ts_file: Path) -> list[tuple[str, str]]:
    """(context, source) of every message of a Qt ``.ts`` catalogue without a finished,
    non-empty translation."""
    unfinished = []
    for context in ElementTree.parse(ts_file).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            source = message.findtext("source") or ""
            translation = message.find("translation")
            if translation is None:
                unfinished.append((name, source))
                continue
            texts = [form.text for form in translation.iter("numerusform")] or [translation.text]
            if translation.get("type") in {"unfinished", "vanished", "obsolete"} or not all(
                text and text.strip() for text in texts
            ):
                unfinished.append((name, source))
    return unfinished
