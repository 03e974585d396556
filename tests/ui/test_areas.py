"""The GUI by area: the main window imports the areas; an area imports only itself and
ui/common; ui/common imports no area."""

from __future__ import annotations

import ast
from pathlib import Path

import gnapp

UI = Path(gnapp.__file__).parent / "ui"
AREAS = ("common", "register", "review", "programme", "reports", "sending", "office", "setup")


def _ui_imports(path: Path) -> set[str]:
    """The gnapp.ui modules and packages a file imports, lazy imports included."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in names if name.startswith("gnapp.ui.")}


def offenders(ui: Path) -> list[str]:
    """``file: import`` for each import of an area (or of common) that leaves its own area
    for another area or for the top of ui/ (the main window, the application)."""
    found = []
    for area in AREAS:
        for path in sorted((ui / area).rglob("*.py")):
            for name in sorted(_ui_imports(path)):
                target = name.split(".")[2]
                if target != area and (area == "common" or target != "common"):
                    found.append(f"{path.relative_to(ui).as_posix()}: {name}")
    return found


def test_areas_import_only_themselves_and_common():
    assert offenders(UI) == []
    assert sorted(path.name for path in UI.iterdir() if path.is_dir() and path.name in AREAS) == (
        sorted(AREAS)
    )


def test_a_planted_import_across_areas_is_caught(tmp_path):
    for area in AREAS:
        (tmp_path / area).mkdir()
    (tmp_path / "review" / "view.py").write_text(
        "from gnapp.ui.common.qt import QWidget\n"
        "def open_form():\n"
        "    from gnapp.ui.register.household_dialog import HouseholdDialog\n"
    )
    (tmp_path / "common" / "widgets.py").write_text("from gnapp.ui.main_window import show\n")
    assert offenders(tmp_path) == [
        "common/widgets.py: gnapp.ui.main_window.show",
        "review/view.py: gnapp.ui.register.household_dialog.HouseholdDialog",
    ]
