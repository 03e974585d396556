"""The user's own preferences on this computer (not the commune's data): the database opened
last, so starting GNApp without arguments opens it again; the language of the interface; the
folder automatic backups go to (kept here, not in the database, so the recovery at start finds
it even when the database is damaged)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from gnapp.core import input_files
from gnapp.i18n import LANGUAGES, SOURCE_LANGUAGE, tr
from gnapp.paths import user_data_dir

FILE_NAME = "tuy-chon.json"


class PreferenceError(ValueError):
    """A preference that cannot be kept (Vietnamese message)."""


def preferences_file() -> Path:
    return user_data_dir() / FILE_NAME


def load_preferences() -> dict[str, Any]:
    """The saved preferences; an unreadable file counts as none (it only holds conveniences)."""
    try:
        data = input_files.read_json(preferences_file())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_preference(key: str, value: Any) -> None:
    """Set one preference, rewriting the file whole (a temporary file renamed over it)."""
    data = load_preferences() | {key: value}
    target = preferences_file()
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        json.dump(data, file, ensure_ascii=False, indent=2)
    os.replace(temporary, target)


def last_database() -> Path | None:
    """The database opened last, if it still exists."""
    value = load_preferences().get("last_database")
    path = Path(value) if isinstance(value, str) else None
    return path if path is not None and path.is_file() else None


def remember_database(path: Path) -> None:
    save_preference("last_database", str(Path(path).resolve()))


def default_backup_root() -> Path:
    return user_data_dir() / "sao-luu"


def backup_root() -> Path:
    """The folder holding every commune's automatic backups (one subfolder per database)."""
    value = load_preferences().get("backup_root")
    return Path(value) if isinstance(value, str) and value else default_backup_root()


def writable_folder(folder: Path) -> Path:
    """``folder`` made absolute and created if needed; PreferenceError when GNApp cannot write
    in it."""
    folder = Path(folder).expanduser().resolve()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".gnapp-thu-ghi-"):
            pass
    except OSError as error:
        raise PreferenceError(
            tr(
                "Không ghi được vào thư mục sao lưu {folder}: {error}. Hãy chọn thư mục khác "
                "(ví dụ trong Tài liệu của bạn hoặc ổ đĩa D:).",
                folder=folder,
                error=error.strerror or error,
            )
        ) from None
    return folder


def set_backup_root(folder: Path | None) -> Path:
    """Keep automatic backups under ``folder`` from now on (None: the default folder); the folder
    must be one GNApp can write in. Returns the folder in use."""
    if folder is None:
        save_preference("backup_root", None)
        return default_backup_root()
    folder = writable_folder(folder)
    save_preference("backup_root", str(folder))
    return folder


def preferred_language() -> str:
    """The language chosen on this computer; Vietnamese unless another known one was chosen."""
    value = load_preferences().get("language")
    return value if value in LANGUAGES else SOURCE_LANGUAGE


def remember_language(language: str) -> None:
    if language not in LANGUAGES:
        raise ValueError(tr("Ngôn ngữ không được hỗ trợ: {language}", language=language))
    save_preference("language", language)


def window_size(name: str) -> tuple[int, int] | None:
    """The size (width, height) the clerk last gave the window ``name``, if any."""
    sizes = load_preferences().get("window_sizes")
    value = sizes.get(name) if isinstance(sizes, dict) else None
    if isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value):
        return value[0], value[1]
    return None


def remember_window_size(name: str, width: int, height: int) -> None:
    sizes = load_preferences().get("window_sizes")
    sizes = sizes if isinstance(sizes, dict) else {}
    save_preference("window_sizes", sizes | {name: [width, height]})


REPORT_FOLDERS = "report_folders"  # the folders reports were last written into, newest first
KEPT_REPORT_FOLDERS = 5


def report_folders() -> list[Path]:
    """The folders reports were last written into on this computer (where a killed GNApp may
    have left a half-written report to remove at the next start)."""
    folders = load_preferences().get(REPORT_FOLDERS)
    return [Path(f) for f in folders if isinstance(f, str)] if isinstance(folders, list) else []


def remember_report_folder(folder: Path) -> None:
    kept = [str(f) for f in report_folders() if f != folder.resolve()]
    save_preference(REPORT_FOLDERS, [str(folder.resolve()), *kept][:KEPT_REPORT_FOLDERS])
