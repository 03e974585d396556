"""What a killed GNApp left half written goes when the GUI next starts."""

import os
import time
from pathlib import Path

from gnapp.preferences import KEPT_REPORT_FOLDERS, remember_report_folder, report_folders
from gnapp.ui import app

AN_HOUR_AGO = time.time() - 3600


def _left(folder: Path, *names: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / name for name in names]
    for path in paths:
        path.write_bytes(b"half written")
        os.utime(path, (AN_HOUR_AGO, AN_HOUR_AGO))
    return paths


def test_half_written_reports_in_the_folders_reports_went_to_go_at_the_start(tmp_path):
    first, second, unknown = tmp_path / "bao-cao", tmp_path / "usb", tmp_path / "khac"
    remember_report_folder(first)
    remember_report_folder(second)
    assert report_folders()[:2] == [second.resolve(), first.resolve()]
    half = _left(first, ".bao-cao-nam-2025.pdf.dang-ghi", "..bao-cao-nam-2025.xlsx-9qz1.tmp")
    half += _left(second, "..ke-hoach-nam-2026.pdf.dang-ghi.k3j2x.tmp")
    kept = _left(first, "bao-cao-nam-2025.pdf", "ghi-chu.tmp")
    kept += _left(unknown, ".bao-cao-nam-2024.pdf.dang-ghi")  # not a folder GNApp wrote into
    app._remove_leftovers(tmp_path / "xa.gnapp")
    assert not any(path.exists() for path in half)
    assert all(path.exists() for path in kept)


def test_only_the_last_report_folders_are_remembered(tmp_path):
    for number in range(KEPT_REPORT_FOLDERS + 2):
        remember_report_folder(tmp_path / str(number))
    remember_report_folder(tmp_path / "3")
    folders = report_folders()
    assert len(folders) == KEPT_REPORT_FOLDERS and folders[0] == (tmp_path / "3").resolve()
    assert len(set(folders)) == len(folders)
