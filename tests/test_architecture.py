"""The architecture's rules hold on the real tree, and each checker catches a planted violation.

The rules (docs/architecture.md): SQL only in the store packages; imports point down the layer map
below; no import cycles between modules, lazy imports included; Qt only through one gate module.
The checkers are in tests/architecture_checks.py.
"""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import gnapp
from tests.architecture_checks import (
    LayerMap,
    cycle_offenders,
    layer_offenders,
    looks_like_sql,
    modules_of,
    qt_gate_offenders,
    sql_offenders,
)

PACKAGE = Path(gnapp.__file__).parent

# Where SQL may be written: the commune database's store and the office database's own store.
SQL_HOMES = ("gnapp.store", "gnapp.office.store")

# Who may import whom, from the bottom up (docs/architecture.md states it in words).
GNAPP_LAYERS = LayerMap(
    layers=(
        ("gnapp", "gnapp.data", "gnapp.paths", "gnapp.progress"),  # version, data files, progress
        ("gnapp.i18n",),  # tr(): the user's words
        ("gnapp.core",),  # rules, standards, classification, Vietnamese text
        ("gnapp.store",),  # the commune database
        (  # the work: each over the store
            "gnapp.importers",
            "gnapp.reporting",
            "gnapp.packages",
            "gnapp.review",
            "gnapp.office",
            "gnapp.preferences",
        ),
        ("gnapp.demo", "gnapp.selftest"),  # the whole, put together
        ("gnapp.cli", "gnapp.ui", "gnapp.__main__", "gnapp.i18n_extract"),  # the ways in
    ),
    sideways={
        "gnapp.office": ("gnapp.packages", "gnapp.reporting"),  # reads packages, consolidates
        "gnapp.packages": ("gnapp.reporting",),  # a package carries a saved report's figures
        "gnapp.review": ("gnapp.importers", "gnapp.reporting"),  # tablet files; documents, tables
        "gnapp.selftest": ("gnapp.demo",),
        "gnapp.cli": ("gnapp.ui",),  # `gnapp` without a command starts the GUI, lazily
        "gnapp.__main__": ("gnapp.cli",),  # python -m gnapp
    },
)


# --- The real tree -------------------------------------------------------------------------------


def test_no_sql_outside_the_store_packages():
    offenders = sql_offenders(PACKAGE, SQL_HOMES)
    assert not offenders, "\n".join(offenders)


def test_imports_point_down_the_layer_map():
    offenders = layer_offenders(PACKAGE, GNAPP_LAYERS)
    assert not offenders, "\n".join(offenders)


def test_no_import_cycles():
    offenders = cycle_offenders(PACKAGE)
    assert not offenders, "\n".join(offenders)


def test_only_the_qt_gate_imports_pyside6():
    offenders = qt_gate_offenders(PACKAGE)
    assert not offenders, "\n".join(offenders)


def test_core_and_store_import_without_pyside6():
    core_modules = [
        *sorted(
            name for name in modules_of(PACKAGE) if name.startswith(("gnapp.core.", "gnapp.store."))
        ),
        "gnapp.demo",
        "gnapp.cli",
        "gnapp.data",
        "gnapp.paths",
    ]
    script = (
        "import sys\n"
        "sys.modules['PySide6'] = None\n"  # any import of PySide6 now raises ImportError
        f"for name in {core_modules!r}:\n"
        "    __import__(name)\n"
        "assert not any(m.startswith('PySide6') for m in sys.modules if sys.modules[m])\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


# --- Planted violations --------------------------------------------------------------------------

PLANTED_LAYERS = LayerMap(
    layers=(("app", "app.core"), ("app.store",), ("app.review", "app.reporting"), ("app.ui",)),
    sideways={"app.review": ("app.reporting",)},
)


def plant(root: Path, files: dict[str, str]) -> Path:
    """A package ``app`` under root with the given modules (path -> source); its folder."""
    package = root / "app"
    for relative in ["__init__.py", *files]:
        path = package / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        (path.parent / "__init__.py").touch()
        path.write_text(textwrap.dedent(files.get(relative, "")), encoding="utf-8")
    return package


CLEAN = {
    "core/rules.py": "LIMIT = 3\n",
    "store/register.py": """\
        from app.core import rules

        def members_of(db, household_id):
            return db.execute(
                "SELECT * FROM members WHERE household_id = ? ORDER BY position LIMIT ?",
                [household_id, rules.LIMIT],
            )
        """,
    "review/workflow.py": """\
        '''Select the households from the register and update them.'''
        import re

        from app.store.register import members_of
        from . import documents

        WORDS = re.compile(r"\\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\\s")
        MESSAGES = ("Update the list", "With the village head", "Delete", "Cập nhật danh sách")

        def heads(db, household_id):
            return documents.first(members_of(db, household_id))
        """,
    "review/documents.py": """\
        def first(rows):
            from app.reporting import tables
            return tables.row(next(iter(rows)))
        """,
    "reporting/tables.py": "def row(values):\n    return list(values)\n",
    "ui/qt.py": "from PySide6.QtWidgets import QWidget\n",
    "ui/window.py": "from app.ui.qt import QWidget\nfrom app.review import workflow\n",
}


def test_a_clean_tree_passes_every_check(tmp_path):
    package = plant(tmp_path, CLEAN)
    assert sql_offenders(package, ("app.store",)) == []
    assert layer_offenders(package, PLANTED_LAYERS) == []
    assert cycle_offenders(package) == []
    assert qt_gate_offenders(package) == []


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * FROM members WHERE household_id = ?",
        "\n    select code\n    from households",
        "SELECT changes()",
        "INSERT INTO households (code) VALUES (?)",
        "INSERT OR REPLACE INTO settings VALUES (?, ?)",
        'UPDATE "x" SET x WHERE rowid = ?',
        "DELETE FROM postings WHERE round_id = ?",
        "WITH x\n SELECT count(*) FROM listed",
        "WITH head AS (SELECT 1) SELECT * FROM head",
        "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE UNIQUE INDEX targets_key ON targets (year)",
        "PRAGMA user_version",
        "PRAGMA foreign_keys = ON",
        "DROP INDEX households_search",
        "ALTER TABLE reports ADD COLUMN header TEXT",
    ],
)
def test_sql_is_recognised(text):
    assert looks_like_sql(text)


@pytest.mark.parametrize(
    "text",
    [
        "Update the list",
        "Updated: 3 households",
        "With the village head present",
        "Select a household",
        "Delete",
        "Select all (Ctrl+A)",
        "Create a new round",
        "Drop the file here",
        "Cập nhật danh sách hộ",
        r"\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\s",  # gnapp/i18n_extract.py's pattern
        "SELECT|INSERT",
        "",
    ],
)
def test_prose_and_patterns_are_not_sql(text):
    assert not looks_like_sql(text)


def test_sql_outside_the_store_is_caught(tmp_path):
    package = plant(
        tmp_path,
        {
            **CLEAN,
            "review/workflow.py": """\
                def round_of(db, table, round_id):
                    return db.execute(f"SELECT * FROM {table} WHERE id = ?", [round_id])
                """,
            "ui/dashboard.py": """\
                QUERY = (
                    "SELECT year, count(*) "
                    "FROM household_status GROUP BY year"
                )
                LATER = "UPDATE households " + "SET code = ?"
                """,
        },
    )
    assert sql_offenders(package, ("app.store",)) == [
        "app.review.workflow:2: SELECT * FROM x WHERE id = ?",
        "app.ui.dashboard:2: SELECT year, count(*) FROM household_status GROUP BY year",
        "app.ui.dashboard:5: UPDATE households SET code = ?",
    ]


def test_an_upward_import_is_caught(tmp_path):
    package = plant(
        tmp_path,
        {
            **CLEAN,
            "store/register.py": """\
                def members_of(db, household_id):
                    from app.review.workflow import heads
                    return heads(db, household_id)
                """,
            "reporting/figures.py": "from ..review import workflow\n",
            "tools.py": "",
        },
    )
    assert layer_offenders(package, PLANTED_LAYERS) == [
        "app.reporting.figures:1 imports app.review.workflow (app.reporting -> app.review)",
        "app.store.register:2 imports app.review.workflow (app.store -> app.review)",
        "app.tools: in no layer of the map",
    ]


def test_a_lazy_import_cycle_is_caught(tmp_path):
    package = plant(
        tmp_path,
        {
            **CLEAN,
            "review/a.py": "def run():\n    from app.review import b\n    return b.VALUE\n",
            "review/b.py": "import app.review.a\nVALUE = 1\n",
        },
    )
    assert cycle_offenders(package) == [
        "app.review.a -> app.review.b -> app.review.a (the group: app.review.a, app.review.b)"
    ]


def test_pyside6_outside_the_gate_is_caught(tmp_path):
    package = plant(
        tmp_path, {**CLEAN, "ui/dialog.py": "def show():\n    from PySide6 import QtWidgets\n"}
    )
    assert qt_gate_offenders(package) == ["app.ui.dialog:2 imports PySide6"]


def test_the_gate_may_move_to_ui_common_but_stays_single(tmp_path):
    common_gate = {"ui/common/qt.py": CLEAN["ui/qt.py"]}
    moved = {name: source for name, source in CLEAN.items() if name != "ui/qt.py"}
    moved["ui/window.py"] = "from app.ui.common.qt import QWidget\n"
    assert qt_gate_offenders(plant(tmp_path / "moved", {**moved, **common_gate})) == []
    assert qt_gate_offenders(plant(tmp_path / "both", {**CLEAN, **common_gate})) == [
        "2 Qt gates (ui/…/qt.py), want 1: ['app.ui.common.qt', 'app.ui.qt']"
    ]
