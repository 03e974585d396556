"""The settings an administrator edits: defaults, checks with the setting's label, all or none."""

from __future__ import annotations

import pytest

from gnapp.reporting.builder import default_header
from gnapp.store.register import get_setting
from gnapp.store.settings import SETTINGS, SettingError, current_settings, save_settings


def test_defaults_until_set(new_db):
    assert current_settings(new_db.db) == {key: s.default for key, s in SETTINGS.items()}


def test_saved_settings_reach_the_report_header(new_db):
    save_settings(
        new_db,
        {
            "document.signer_name": "  Trần  Thị Bích ",
            "document.signer_title": "CHỦ TỊCH",
            "document.recipients": "Như trên\nTT Đảng ủy\nLưu: VT",
            "backup_keep_daily": "10",
        },
    )
    header = default_header(new_db.db, __import__("datetime").date(2026, 1, 5))
    assert header.signer_name == "Trần Thị Bích"
    assert header.recipients == ("Như trên", "TT Đảng ủy", "Lưu: VT")
    assert get_setting(new_db.db, "backup_keep_daily") == 10


def test_bad_values_are_listed_and_nothing_is_kept(new_db):
    with pytest.raises(SettingError) as raised:
        save_settings(
            new_db,
            {
                "document.signer_name": "Trần Thị Bích",
                "document.signer_title": "GIÁM ĐỐC",
                "backup_keep_daily": 0,
                "backup_keep_monthly": "mười",
            },
        )
    assert str(raised.value).splitlines() == [
        "Chức danh người ký: phải là một trong: PHÓ CHỦ TỊCH, CHỦ TỊCH.",
        "Số ngày giữ bản sao lưu hằng ngày: phải là một số nguyên từ 1 đến 60.",
        "Số tháng giữ bản sao lưu hằng tháng: phải là một số nguyên từ 1 đến 120.",
    ]
    assert get_setting(new_db.db, "document.signer_name") is None
    with pytest.raises(SettingError, match="Không có cài đặt: colour"):
        save_settings(new_db, {"colour": "đỏ"})
