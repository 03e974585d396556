"""What a clerk chooses for a report beyond its text: the figure sets of an ad-hoc report (their
sentences, sections and tables), the document header kept with a saved version, files written
whole or not at all, and the command line for saved reports."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import date

import pytest
from openpyxl import load_workbook

from gnapp.cli import main
from gnapp.progress import Cancelled
from gnapp.reporting.builder import (
    DocumentHeader,
    ReportBuildError,
    annex_tables,
    build_document,
    chosen_figure_sets,
    default_header,
    header_choices,
    keep_header_defaults,
    outline_sections,
    saved_header,
    section_sentence_keys,
    write_report_files,
    write_saved_report,
)
from gnapp.reporting.document import SectionHeading, TextParagraph
from gnapp.reporting.figures import (
    FIGURE_SET_LABELS,
    FIGURE_SETS,
    SENTENCE_KEYS,
    SENTENCE_SETS,
    report_figures,
    report_tables,
    sentence_figure_sets,
    sentences,
    table_figure_sets,
)
from gnapp.reporting.report_xlsx import SHEET_NAMES
from gnapp.store.database import open_database
from gnapp.store.migrations import LATEST_VERSION, REPORT_CHOICES
from gnapp.store.reports import list_reports, load_report, new_draft_from, save_report

ON = date(2026, 1, 5)


@pytest.fixture
def ad_hoc(demo_db):
    return report_figures(demo_db.db, "ad_hoc", "2023")


def test_every_sentence_and_table_belongs_to_known_figure_sets():
    assert set(SENTENCE_SETS) == set(SENTENCE_KEYS)
    assert set(SENTENCE_SETS.values()) <= set(FIGURE_SETS)
    assert tuple(FIGURE_SET_LABELS) == FIGURE_SETS
    for table_id in report_tables():
        assert table_figure_sets(table_id) and table_figure_sets(table_id) <= set(FIGURE_SETS)
    assert sentence_figure_sets("budget.2021-2025.DA3.1") == {"budget"}
    assert sentence_figure_sets("target.poverty_rate", ["clean_water_share"]) == {"targets"}
    assert sentence_figure_sets("target.clean_water_share", ["clean_water_share"]) == {
        "targets",
        "services",
    }


def _shown(figures, figure_sets):
    """The sentence keys the document shows, by section key."""
    written = sentences(figures)
    return {
        s.key: section_sentence_keys(s, figures, written, figure_sets)
        for s in outline_sections(figures.kind, figure_sets)
    }


def test_all_sets_are_the_whole_report(demo_db, ad_hoc):
    header = default_header(demo_db.db, ON)
    everything = build_document(demo_db.db, "ad_hoc", "2023", {}, [], header, ad_hoc)
    chosen = build_document(
        demo_db.db, "ad_hoc", "2023", {}, [], header, ad_hoc, figure_sets=FIGURE_SETS
    )
    assert chosen == everything
    assert [t.id for t in annex_tables(ad_hoc)] == [
        t.id for t in annex_tables(ad_hoc, figure_sets=FIGURE_SETS)
    ]


def test_only_the_budget(demo_db, ad_hoc):
    shown = _shown(ad_hoc, ["budget"])
    keys = [k for section in shown.values() for k in section]
    assert keys and all(k.startswith("budget") or k == "capital" for k in keys)
    assert [t.id for t in annex_tables(ad_hoc, figure_sets=["budget"])] == ["budget", "capital"]
    # II.3 (lists) and II.4 (targets) have nothing left and no text of the clerk: dropped,
    # and II.5 is numbered 3 in their place; narrative keys stay those of the outline
    headings = {s.key: s.heading for s in outline_sections("ad_hoc", ["budget"])}
    assert "II.3" not in headings and "II.4" not in headings
    assert headings["II.5"] == "3. Công tác kiểm tra, giám sát"
    header = default_header(demo_db.db, ON)
    document = build_document(
        demo_db.db,
        "ad_hoc",
        "2023",
        {"II.5": "Đã kiểm tra 3 thôn."},
        [],
        header,
        ad_hoc,
        figure_sets=["budget"],
    )
    texts = [b.text for b in document.body if isinstance(b, TextParagraph | SectionHeading)]
    assert "3. Công tác kiểm tra, giám sát" in texts and "Đã kiểm tra 3 thôn." in texts
    written = sentences(ad_hoc)
    assert written["end_lists"] not in texts and written["commune"] not in texts
    assert not any(type(b).__name__ == "Chart" for b in document.body)
    assert [a.title for a in document.annexes] == [
        t.title for t in annex_tables(ad_hoc, (), ["budget"])
    ]
    assert "(Chi tiết tại Phụ lục I, II kèm theo)" in texts  # by project, by kind of capital


def test_services_alone_keep_the_targets_services_measure(ad_hoc):
    services = {s.code for s in ad_hoc.services}
    shown = _shown(ad_hoc, ["services"])
    assert shown["II.4"] == [
        f"target.{c}" for c in (t.code for t in ad_hoc.targets) if c in services
    ]
    table = annex_tables(ad_hoc, figure_sets=["services"])[0]
    labels = {t.label for t in ad_hoc.targets if t.code in services}
    assert table.id == "targets" and {r.values["label"] for r in table.body} == labels


def test_lists_at_the_end_without_movements(ad_hoc):
    shown = _shown(ad_hoc, ["end_lists"])
    assert shown["II.3"] == ["end_lists", "ethnic_minority"]
    assert shown["I"] == []  # kept: the clerk writes there
    assert [t.id for t in annex_tables(ad_hoc, figure_sets=["end_lists"])] == ["lists_by_village"]


def test_no_figures_leaves_the_clerks_sections(ad_hoc):
    sections = outline_sections("ad_hoc", [])
    assert all(s.narrative or s.level == 1 for s in sections)
    assert annex_tables(ad_hoc, figure_sets=[]) == ()


@pytest.mark.parametrize(
    ("kind", "sets", "message"),
    [
        ("annual", ["budget"], "không chọn bớt được"),
        ("ad_hoc", ["budget", "weather"], "không có nhóm số liệu: weather"),
    ],
)
def test_figure_sets_a_kind_cannot_take_are_refused(kind, sets, message):
    with pytest.raises(ReportBuildError, match=message):
        chosen_figure_sets(kind, sets)
    assert chosen_figure_sets("annual", FIGURE_SETS) == set(FIGURE_SETS)


def test_files_of_a_subset_hold_only_its_tables(demo_db, ad_hoc, tmp_path):
    header = default_header(demo_db.db, ON)
    built = write_report_files(
        demo_db.db,
        "ad_hoc",
        "2023",
        {},
        [],
        header,
        tmp_path,
        figures=ad_hoc,
        figure_sets=["movements", "groups"],
    )
    ids = ["poor_movements", "near_poor_movements", "groups"]
    assert load_workbook(built.xlsx).sheetnames == [SHEET_NAMES[i] for i in ids]


# --- written whole or not at all ---------------------------------------------------------------


def test_a_cancel_while_writing_leaves_the_folder_as_it_was(demo_db, tmp_path):
    header = default_header(demo_db.db, ON)
    out = tmp_path / "out"
    out.mkdir()
    (out / "bao-cao-nam-2025.pdf").write_bytes(b"old")

    def cancel_in_excel(done, total, text):
        if text.startswith("Đang ghi bảng"):
            raise Cancelled

    with pytest.raises(Cancelled):
        write_report_files(
            demo_db.db, "annual", "2025", {}, [], header, out, progress=cancel_in_excel
        )
    assert [p.name for p in out.iterdir()] == ["bao-cao-nam-2025.pdf"]
    assert (out / "bao-cao-nam-2025.pdf").read_bytes() == b"old"


# --- saved with the report ---------------------------------------------------------------------


def test_a_saved_report_keeps_its_header_and_figure_sets(demo_db, ad_hoc):
    signed = DocumentHeader(
        number="9",
        date=ON,
        signer_name="Lê Văn Tám",
        signer_title="CHỦ TỊCH",
        recipients=("Như trên", "Lưu: VT"),
    )
    report_id = save_report(
        demo_db,
        "ad_hoc",
        "2023",
        ad_hoc.to_dict(),
        {"I": "Văn bản"},
        header=header_choices(signed),
        figure_sets=["budget", "targets"],
        number="9",
        document_date=ON,
    )
    saved = load_report(demo_db.db, report_id)
    assert saved.figure_sets == ("budget", "targets")
    assert saved_header(demo_db.db, saved.number, ON, saved.header) == signed
    copy = load_report(demo_db.db, new_draft_from(demo_db, report_id))
    assert (copy.header, copy.figure_sets, copy.version) == (saved.header, saved.figure_sets, 2)
    plain = load_report(demo_db.db, save_report(demo_db, "annual", "2025", ad_hoc.to_dict(), {}))
    assert (plain.header, plain.figure_sets) == ({}, None)
    # a header saved without choices is the settings' one
    assert saved_header(demo_db.db, None, ON, {}) == default_header(demo_db.db, ON)


def test_the_header_can_become_the_default(demo_db):
    chosen = DocumentHeader(None, ON, "Phạm Thị Lan", "CHỦ TỊCH", ("Như trên",))
    assert default_header(demo_db.db, ON) != chosen
    keep_header_defaults(demo_db, chosen)
    later = date(2027, 1, 1)
    assert default_header(demo_db.db, later, "3") == replace(chosen, date=later, number="3")


def test_a_saved_report_is_written_from_its_saved_figures(demo_db, ad_hoc, tmp_path):
    report_id = save_report(
        demo_db, "ad_hoc", "2023", ad_hoc.to_dict(), {}, figure_sets=["budget"], document_date=ON
    )
    # the register moves on; the report does not
    demo_db.db.execute("DELETE FROM disbursements")
    demo_db.db.execute("DELETE FROM budgets")
    built = write_saved_report(demo_db.db, load_report(demo_db.db, report_id), tmp_path)
    assert built.figures == ad_hoc
    assert load_workbook(built.xlsx).sheetnames == [SHEET_NAMES["budget"], SHEET_NAMES["capital"]]


def test_reports_saved_before_the_choices_open_after_the_migration(tmp_path):
    path = tmp_path / "cu.gnapp"
    old = open_database(path, create=True, target_version=REPORT_CHOICES.version - 1)
    save = "INSERT INTO reports (kind, period, version, state, figures, created_at, updated_at)"
    old.db.execute(f"{save} VALUES ('annual', '2025', 1, 'draft', '{{}}', 'x', 'x')")
    old.db.conn.commit()
    old.close()
    with open_database(path) as cdb:
        (saved,) = list_reports(cdb.db)
        assert (saved.header, saved.figure_sets) == ({}, None)
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION


# --- command line ------------------------------------------------------------------------------


def test_cli_chooses_sets_finalises_drafts_and_rewrites(demo_db, tmp_path, capsys):
    path = demo_db.path
    demo_db.close()
    out = tmp_path / "out"
    out.mkdir()
    argv = ["report", "build", "--db", str(path), "--kind", "ad_hoc", "--period", "2023"]
    assert main([*argv, "--out", str(out), "--figure-sets", "budget, groups"]) == 0
    with open_database(path) as cdb:
        (saved,) = list_reports(cdb.db)
        assert saved.figure_sets == ("budget", "groups")
        assert saved.header["signer_title"] == "PHÓ CHỦ TỊCH"
    db = ["--db", str(path)]
    assert main(["report", "finalise", str(saved.id), *db]) == 0
    assert main(["report", "finalise", str(saved.id), *db]) == 1
    assert "đã là bản chính thức" in capsys.readouterr().err
    assert main(["report", "draft", str(saved.id), *db]) == 0
    again = tmp_path / "again"
    again.mkdir()
    assert main(["report", "files", str(saved.id), *db, "--out", str(again)]) == 0
    sheets = load_workbook(again / "bao-cao-dot-xuat-2023.xlsx").sheetnames
    assert sheets == [SHEET_NAMES["groups"], SHEET_NAMES["budget"], SHEET_NAMES["capital"]]
    with open_database(path) as cdb:
        states = [(r.version, r.state) for r in list_reports(cdb.db)]
    assert states == [(2, "draft"), (1, "final")]
    assert main(["report", "files", "99", *db, "--out", str(again)]) == 1
    assert "Không tìm thấy báo cáo đã lưu số 99" in capsys.readouterr().err
