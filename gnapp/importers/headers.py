"""Finding the header under title rows and suggesting which field each column holds.

Headings are matched by their words: each field of forms/import/fields.json gives the
words (and runs of words) that identify it with a weight; a column scores every field,
and each field goes to the column it fits best (``understand_columns``). Ties and weak
matches are left for the clerk, with the reason.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from gnapp.core.vietnamese import fold
from gnapp.data import read_form_json
from gnapp.i18n import tr
from gnapp.importers.reading import ImportFileError, Sheet, column_letter

IGNORE = "ignore"
_SCAN_ROWS = 40
_NON_WORD = re.compile(r"[^0-9a-z]+")
_PARENTHESISED = re.compile(r"[(\[]([^)\]]*)[)\]]")
# A column's number under its heading: "1", "(1)", "A", "(A)", "(12a)"; not a word ("Mai").
_COLUMN_NUMBER = re.compile(r"\([0-9a-zA-Z]{1,3}\)|[0-9]{1,3}[a-zA-Z]?|[a-zA-Z]")


@functools.lru_cache(maxsize=8192)  # the same few words fill whole columns (Nam, Nữ, Con, ...)
def heading_key(text: str) -> str:
    """ "Số CCCD/CMND" -> "so cccd cmnd"."""
    return " ".join(_NON_WORD.sub(" ", fold(text)).split())


@dataclass(frozen=True)
class ImportField:
    id: str
    label: str
    level: str  # "household", "member" or "none"


@functools.cache
def _catalogue() -> dict[str, Any]:
    return read_form_json("import", "fields.json")


@functools.cache
def import_fields() -> tuple[ImportField, ...]:
    """The fields a column can be mapped to, in the order offered to the clerk."""
    return tuple(ImportField(f["id"], f["label"], f["level"]) for f in _catalogue()["fields"])


def field_label(field_id: str | None) -> str:
    """A field's label as the user reads it (the labels of forms/import/fields.json are
    catalogue texts: gnapp.i18n_extract.data_texts)."""
    for item in import_fields():
        if item.id == field_id:
            return tr(item.label)
    return tr("(chưa chọn)")


def _words_of(text: str) -> tuple[str, ...]:
    return tuple(heading_key(text).split())


@dataclass(frozen=True)
class _Rules:
    """fields.json ready for matching: words folded, runs of words as tuples."""

    threshold: float
    upper_weight: float
    stop_words: frozenset[str]
    note_words: frozenset[str]
    runs: dict[str, dict[tuple[str, ...], float]]  # field -> run of words -> weight
    exact: dict[str, frozenset[str]]  # field -> headings that alone name it
    pairs: dict[str, tuple[str, frozenset[str]]]  # field -> (field of the upper heading, subs)
    pairs_written: dict[str, frozenset[str]]  # field -> its subs in lower case, with diacritics
    longest: int


@functools.cache
def _rules() -> _Rules:
    catalogue = _catalogue()
    runs = {
        f["id"]: {_words_of(w): float(weight) for w, weight in f.get("words", {}).items()}
        for f in catalogue["fields"]
    }
    return _Rules(
        threshold=float(catalogue["threshold"]),
        upper_weight=float(catalogue["upper_weight"]),
        stop_words=frozenset(heading_key(w) for w in catalogue["stop_words"]),
        note_words=frozenset(heading_key(w) for w in catalogue["notes"]["words"]),
        runs=runs,
        exact={
            f["id"]: frozenset(heading_key(h) for h in f["exact"])
            for f in catalogue["fields"]
            if "exact" in f
        },
        pairs={
            f["id"]: (f["over"], frozenset(heading_key(h) for h in f["under"]))
            for f in catalogue["fields"]
            if "over" in f
        },
        pairs_written={
            f["id"]: frozenset(" ".join(h.lower().split()) for h in f["under"])
            for f in catalogue["fields"]
            if "over" in f
        },
        longest=max(len(run) for field_runs in runs.values() for run in field_runs),
    )


# A legend in a heading: codes and what each means, "(1: Nam; 0: Nữ)", "(1 = Nghèo, 2 = Cận nghèo)".
_LEGEND_PAIR = re.compile(r"(?:^|[,;/]|\s)\s*([0-9]{1,2})\s*[:=\-]\s*([^,;:=/()0-9]+)")
_LEGEND_PAIR_AFTER = re.compile(r"([^,;:=/()0-9]+?)\s*[:=\-]\s*([0-9]{1,2})\b")  # "Nam: 1"


@functools.lru_cache(maxsize=1024)
def heading_legend(text: str) -> dict[str, str]:
    """The codes a heading's legend gives ("Giới tính (1: Nam; 0: Nữ)" or "(Nam: 1, Nữ: 0)"
    -> {"1": "Nam", "0": "Nữ"}): two codes at least, in parentheses; empty when none."""
    for inside in _PARENTHESISED.findall(text):
        pairs = {code: word.strip() for code, word in _LEGEND_PAIR.findall(inside)}
        if len(pairs) < 2:
            pairs = {code: word.strip() for word, code in _LEGEND_PAIR_AFTER.findall(inside)}
        if len(pairs) >= 2 and all(pairs.values()):
            return pairs
    return {}


def _without_legend(text: str) -> str:
    return _PARENTHESISED.sub(
        lambda match: " " if heading_legend(match.group(0)) else match.group(0), text
    )


@functools.lru_cache(maxsize=4096)
def heading_words(text: str) -> tuple[str, ...]:
    """The words of a heading that can identify a field: folded, without the notes in
    parentheses ("(*)", "(dd/mm/yyyy)", "(Nam/Nữ)") and without stop words ("và", "với")."""
    rules = _rules()

    def without_note(match: re.Match[str]) -> str:
        inside = heading_key(match.group(1)).split()
        is_note = not any(ch.isalpha() for ch in "".join(inside)) or set(inside) <= rules.note_words
        return " " if is_note else f" {match.group(1)} "

    words = heading_key(_PARENTHESISED.sub(without_note, _without_legend(text))).split()
    return tuple(word for word in words if word not in rules.stop_words)


def _run_score(words: tuple[str, ...], runs: dict[tuple[str, ...], float]) -> float:
    """The weights of the runs found in ``words``: the longest run first at each place, each
    run counted once."""
    found: dict[tuple[str, ...], float] = {}
    position = 0
    longest = _rules().longest
    while position < len(words):
        for size in range(min(longest, len(words) - position), 0, -1):
            run = words[position : position + size]
            if run in runs:
                found.setdefault(run, runs[run])
                position += size
                break
        else:
            position += 1
    return sum(found.values())


@functools.lru_cache(maxsize=4096)
def _text_scores(text: str) -> dict[str, float]:
    words = heading_words(text)
    scores = {}
    for field_id, runs in _rules().runs.items():
        if score := _run_score(words, runs):
            scores[field_id] = score
    return scores


def column_scores(parts: tuple[str, ...]) -> dict[str, float]:
    """How well each field fits a column headed ``parts`` (top header row first): the words
    of its own heading, those of the group headings above at a lower weight, the sub-headings
    that alone name a field, and the pairs of sub-columns (\"Năm sinh\" over \"Nam\")."""
    if not parts:
        return {}
    rules = _rules()
    parts = _sub_heading_split(parts)
    scores = dict(_text_scores(parts[-1]))
    for part in parts[:-1]:
        for field_id, score in _text_scores(part).items():
            scores[field_id] = scores.get(field_id, 0.0) + score * rules.upper_weight
    if len(parts) > 1:
        # a sub-heading that is the first words of its group heading ("Họ" under "Họ và tên")
        # is a part of the group's own field
        own, group = heading_words(parts[-1]), heading_words(parts[-2])
        if own and len(own) < len(group) and group[: len(own)] == own:
            for field_id, score in _text_scores(parts[-2]).items():
                scores[field_id] = max(scores.get(field_id, 0.0), score)
    last = " ".join(heading_words(parts[-1])) or heading_key(parts[-1])
    for field_id, keys in rules.exact.items():
        if last in keys:
            scores[field_id] = scores.get(field_id, 0.0) + 2 * rules.threshold
    # "Năm" (the year's column) and "Nam" (the male one) fold alike: written with its
    # diacritics, a sub-heading picks its own field
    written = " ".join(parts[-1].lower().split())
    as_written = {f for f, subs in rules.pairs_written.items() if written in subs}
    for field_id, (over, keys) in rules.pairs.items():
        above = sum(_text_scores(part).get(over, 0.0) for part in parts[:-1])
        if last in keys and above > 0 and (not as_written or field_id in as_written):
            scores[field_id] = 2 * rules.threshold + above
    return {f: score for f, score in scores.items() if score > 0}


def _sub_heading_split(parts: tuple[str, ...]) -> tuple[str, ...]:
    """A heading ending with a sub-heading's word, written in one cell ("Giới tính Nam",
    "Năm sinh (Nữ)"), read as that heading over the sub-heading."""
    *words, last = heading_key(_without_legend(parts[-1])).split() or [""]
    rules = _rules()
    subs = set().union(*rules.exact.values(), *(keys for _, keys in rules.pairs.values()))
    # "Giới tính (Nam/Nữ)" lists both sub-headings: a note, not one of them; "Họ và tên" is
    # one heading, not "Họ và" over "Tên"
    whole = tuple(w for w in [*words, last] if w not in rules.stop_words)
    if any(whole in runs for runs in rules.runs.values()):
        return parts
    if words and last in subs and words[-1] not in subs and _text_scores(" ".join(words)):
        return (*parts[:-1], " ".join(words), last)
    return parts


def recognised_field(heading: str) -> str | None:
    """The field a heading alone names clearly (above the threshold, no tie), if any."""
    ranked = sorted(column_scores((heading,)).values(), reverse=True)
    if not ranked or ranked[0] < _rules().threshold or ranked[1:2] == ranked[:1]:
        return None
    scores = column_scores((heading,))
    return max(scores, key=lambda field_id: scores[field_id])


def _is_heading(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    scores = column_scores((value,))
    return bool(scores) and max(scores.values()) >= _rules().threshold


@dataclass(frozen=True)
class Column:
    index: int
    parts: tuple[str, ...]  # heading texts from the top header row down

    @property
    def letter(self) -> str:
        return column_letter(self.index)

    @property
    def text(self) -> str:
        return " / ".join(self.parts)


@dataclass(frozen=True)
class Header:
    first_row: int  # 0-based rows of the header block
    last_row: int
    data_row: int  # first data row (after a row of column numbers, if any)
    columns: tuple[Column, ...]

    @property
    def signature(self) -> str:
        """Identifies files of the same shape: the folded headings in order."""
        return "|".join(heading_key(column.text) for column in self.columns)


def _score(row: list[Any]) -> int:
    return sum(1 for value in row if _is_heading(value))


def _texts(row: list[Any]) -> list[Any]:
    return [value for value in row if value is not None]


def _merged_down_from(sheet: Sheet, row: int) -> bool:
    return any(r0 == row and r1 > row for r0, _, r1, _ in sheet.merged)


def _merged_across(sheet: Sheet, row: int, column: int) -> bool:
    return any(
        r0 <= row <= r1 and c0 <= column <= c1 and c1 > c0 for r0, c0, r1, c1 in sheet.merged
    )


def _is_sub_heading(sheet: Sheet, header_row: int, column: int, value: Any) -> bool:
    """A heading read under the group heading above it ("Họ" under "Họ và tên")."""
    if not isinstance(value, str):
        return False
    origin = _merged_origin(sheet, header_row, column)
    above = _cell_text(sheet.cell(*origin) if origin else sheet.cell(header_row, column))
    scores = column_scores((above, value)) if above else {}
    return bool(scores) and max(scores.values()) >= _rules().threshold


def _continues_header(sheet: Sheet, header_row: int, row: int) -> bool:
    """The row below the header holds its sub-headings (Nam / Nữ): every cell is a heading,
    and one at least stands under a group heading, a cell merged across or left empty for the
    group heading on its left. A data row whose cells happen to read as headings (a member
    called "Sinh", sex "Nam", village "Thôn 1") stands under headings of its own."""
    cells = sheet.rows[row] if row < len(sheet.rows) else []
    values = _texts(cells)
    if not values or not all(
        _is_heading(value) or _is_sub_heading(sheet, header_row, column, value)
        for column, value in enumerate(cells)
        if value is not None
    ):
        return False
    return any(
        value is not None
        and (sheet.cell(header_row, column) is None or _merged_across(sheet, header_row, column))
        for column, value in enumerate(cells)
    )


def _is_column_numbers(row: list[Any]) -> bool:
    values = _texts(row)
    return len(values) >= 2 and all(
        _COLUMN_NUMBER.fullmatch(str(int(v) if isinstance(v, float) and v.is_integer() else v))
        for v in values
    )


def find_header(sheet: Sheet) -> Header:
    """The header block: the row with the most known headings, with the header rows above
    (group headings, cells merged down into it) and below (sub-headings such as Nam / Nữ)."""
    scores = [(_score(row), -index) for index, row in enumerate(sheet.rows[:_SCAN_ROWS])]
    best, negative = max(scores, default=(0, 0))
    if best < 2:
        raise ImportFileError(
            tr(
                "Không tìm thấy dòng tiêu đề cột (ví dụ “Họ và tên”, “Ngày sinh”, “Số CCCD”) "
                "trong {rows} dòng đầu của trang tính “{sheet}”.",
                rows=_SCAN_ROWS,
                sheet=sheet.name,
            )
        )
    first = last = -negative
    above = sheet.rows[first - 1] if first > 0 else []
    if len(_texts(above)) >= 2 and (_merged_down_from(sheet, first - 1) or _score(above) >= 1):
        first -= 1
    if last + 1 < len(sheet.rows) and _continues_header(sheet, last, last + 1):
        last += 1
    data_row = last + 1
    if data_row < len(sheet.rows) and _is_column_numbers(sheet.rows[data_row]):
        data_row += 1
    return Header(first, last, data_row, _columns(sheet, first, last))


def _merged_origin(sheet: Sheet, row: int, column: int) -> tuple[int, int] | None:
    for r0, c0, r1, c1 in sheet.merged:
        if r0 <= row <= r1 and c0 <= column <= c1:
            return r0, c0
    return None


def _columns(sheet: Sheet, first: int, last: int) -> tuple[Column, ...]:
    width = max(len(sheet.rows[row]) for row in range(first, last + 1))
    grid = [[sheet.cell(row, column) for column in range(width)] for row in range(first, last + 1)]
    for level, row in enumerate(range(first, last + 1)):
        for column in range(width):
            if grid[level][column] is not None:
                continue
            origin = _merged_origin(sheet, row, column)
            if origin is not None:
                grid[level][column] = sheet.cell(*origin)
            elif (
                not sheet.merged
                and level < last - first
                and column > 0
                and grid[level + 1][column] is not None
                and grid[level + 1][column - 1] is not None
            ):
                # No merge information (CSV, some .xls): a group heading spans the
                # sub-headings to its right.
                grid[level][column] = grid[level][column - 1]
    columns = []
    for column in range(width):
        parts: list[str] = []
        for level in range(len(grid)):
            value = grid[level][column]
            text = _cell_text(value)
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        columns.append(Column(column, tuple(parts)))
    while columns and not columns[-1].parts:
        columns.pop()
    return tuple(columns)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass(frozen=True)
class ColumnGuess:
    """What a column was understood to hold, and why (when it was left for the clerk)."""

    column: Column
    field: str | None
    score: float
    reason: str  # why no field was chosen ("" when one was)


def understand_columns(header: Header) -> list[ColumnGuess]:
    """The best consistent assignment of fields to columns: the pairs (column, field) taken
    by falling score, each field to one column at most (any number may be ignored), each
    column to one field. A column whose best fields tie, or whose best is below the
    threshold, is left for the clerk with the reason."""
    rules = _rules()
    scored = {column.index: column_scores(column.parts) for column in header.columns}
    reasons: dict[int, str] = {}
    pairs: list[tuple[float, int, str]] = []
    for column in header.columns:
        ranked = sorted(scored[column.index].items(), key=lambda item: -item[1])
        if not column.parts:
            continue
        if not ranked:
            reasons[column.index] = tr("không nhận ra tiêu đề")
            continue
        (best, top), *rest = ranked
        if top < rules.threshold:
            reasons[column.index] = tr("tiêu đề chỉ gần giống “{field}”", field=field_label(best))
            continue
        tied = [field for field, score in rest if score == top]
        if tied:
            names = tr(" hay ").join(f"“{field_label(f)}”" for f in (best, *tied))
            reasons[column.index] = tr("không rõ là {names}", names=names)
            continue
        pairs += [(score, column.index, f) for f, score in ranked if score >= rules.threshold]
    chosen: dict[int, str] = {}
    used: set[str] = set()
    pairs.sort(key=lambda pair: (-pair[0], pair[1]))
    for position, (score, index, field_id) in enumerate(pairs):
        if index in chosen or (field_id in used and field_id != IGNORE):
            continue
        rivals = [
            other
            for other_score, other, other_field in pairs[position + 1 :]
            if other_field == field_id and other_score == score and other not in chosen
        ]
        if rivals and field_id != IGNORE:
            letters = ", ".join(column_letter(c) for c in (index, *rivals))
            for column in (index, *rivals):
                reasons[column] = tr(
                    "các cột {letters} đều có thể là “{field}”",
                    letters=letters,
                    field=field_label(field_id),
                )
            used.add(field_id)
            continue
        chosen[index] = field_id
        used.add(field_id)
    _village_from_address(header, scored, chosen)
    return [
        ColumnGuess(
            column,
            chosen.get(column.index),
            scored[column.index].get(chosen.get(column.index, ""), 0.0),
            _reason(column, chosen, reasons, scored),
        )
        for column in header.columns
        if column.parts
    ]


def _reason(
    column: Column,
    chosen: dict[int, str],
    reasons: dict[int, str],
    scored: dict[int, dict[str, float]],
) -> str:
    if column.index in chosen:
        return ""
    if column.index in reasons:
        return reasons[column.index]
    best = max(scored[column.index].items(), key=lambda item: item[1])[0]
    return tr("“{field}” đã ghép với cột khác", field=field_label(best))


def _village_from_address(
    header: Header, scored: dict[int, dict[str, float]], chosen: dict[int, str]
) -> None:
    """With no village column, the address column is where the village is written."""
    if "household.village" in chosen.values():
        return
    for index, field_id in chosen.items():
        if field_id == "household.address" and scored[index].get("household.village", 0) > 0:
            chosen[index] = "household.village"
            return


def suggest_mapping(header: Header) -> dict[int, str]:
    """Column index -> field id for the columns whose heading is recognised; each field once."""
    return {g.column.index: g.field for g in understand_columns(header) if g.field is not None}
