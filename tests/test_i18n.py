import json

import pytest

from gnapp import i18n
from gnapp.data import resource_file


@pytest.fixture(autouse=True)
def back_to_vietnamese():
    yield
    i18n.set_language("vi")


def test_source_language_returns_the_text_itself():
    assert i18n.tr("Lưu") == "Lưu"
    assert i18n.tr("Có {count} hộ", count=3) == "Có 3 hộ"


def test_a_language_reads_its_catalogue(monkeypatch):
    english = {"Có {count} hộ": "{count} households"}
    monkeypatch.setattr(i18n, "load_catalogue", lambda language: english)
    i18n.set_language("en")
    assert i18n.current_language() == "en"
    assert i18n.tr("Có {count} hộ", count=3) == "3 households"
    assert i18n.tr("Chưa dịch") == "Chưa dịch"


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="không được hỗ trợ"):
        i18n.set_language("xx")


def test_shipped_catalogues_are_valid_json_objects():
    for language in i18n.LANGUAGES:
        if language == i18n.SOURCE_LANGUAGE:
            continue
        text = resource_file("translations", i18n.catalogue_name(language)).read_text("utf-8")
        assert isinstance(json.loads(text), dict)
        i18n.set_language(language)


def test_a_sentence_is_shown_in_the_language_and_written_in_vietnamese(monkeypatch):
    english = {"Tệp {name} hỏng: {why}": "File {name} is damaged: {why}", "thiếu": "missing"}
    monkeypatch.setattr(i18n, "load_catalogue", lambda language: english)
    i18n.set_language("en")

    class Damaged(i18n.Refusal, ValueError):
        pass

    error = Damaged("Tệp {name} hỏng: {why}", name="ho.json", why=i18n.Sentence("thiếu"))
    assert str(error) == "File ho.json is damaged: missing"
    assert i18n.written(error) == "Tệp ho.json hỏng: thiếu"
    assert i18n.written(error.sentence) == i18n.written(Damaged(error.sentence))
    assert i18n.written("Xã Sơn Minh") == "Xã Sơn Minh"
    assert i18n.Sentence("{count:,} hộ", count=1200).written() == "1,200 hộ"


def test_words_that_name_two_things_are_told_apart_by_their_context(monkeypatch):
    english = {"Báo cáo": "Reports", "văn bản|Báo cáo": "Report"}
    monkeypatch.setattr(i18n, "load_catalogue", lambda language: english)
    i18n.set_language("en")
    assert i18n.tr("Báo cáo") == "Reports"
    assert i18n.tr_in("văn bản", "Báo cáo") == "Report"
    assert i18n.tr_in("văn bản", "Kế hoạch") == "Kế hoạch"  # no entry: the text itself


def test_a_note_before_a_report_names_it_as_a_document_in_english(demo_db):
    from gnapp.reporting.issuer import signing_warnings
    from gnapp.store.register import set_setting

    set_setting(demo_db, "document.signer_name", "")
    i18n.set_language("en")
    notes = signing_warnings(demo_db.db, "report")
    assert notes[0].startswith("Report: the signer's name")
