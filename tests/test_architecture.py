"""The core stays free of Qt; Qt enters the GUI through one module."""

import ast
import subprocess
import sys
from pathlib import Path

import gnapp

PACKAGE = Path(gnapp.__file__).parent
QT_GATE = PACKAGE / "ui" / "common" / "qt.py"


def _imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_only_the_qt_gate_imports_pyside6():
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if path != QT_GATE
        and any(name.split(".")[0] in {"PySide6", "shiboken6"} for name in _imported_modules(path))
    ]
    assert offenders == []


def test_nothing_outside_the_ui_imports_the_ui():
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "ui" not in path.relative_to(PACKAGE).parts[:1]
        and path.name != "cli.py"  # the command line starts the GUI, lazily
        and any(name.startswith("gnapp.ui") for name in _imported_modules(path))
    ]
    assert offenders == []


def test_core_and_store_import_without_pyside6():
    core_modules = [
        *sorted(
            ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
            for folder in ("core", "store")
            for path in (PACKAGE / folder).glob("*.py")
            if path.name != "__init__.py"
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
