"""build_installer.py's lists, checked without building (CI builds through the README's test
command): every data file ships, and only what GNApp does not use is left out."""

import ast
import importlib.util
from pathlib import Path

import pytest

import gnapp

ROOT = Path(gnapp.__file__).parent.parent


@pytest.fixture(scope="module")
def build():
    spec = importlib.util.spec_from_file_location("build_installer", ROOT / "build_installer.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_file_of_forms_and_resources_is_bundled_where_importlib_finds_it(build, tmp_path):
    package = build.stage_sources(tmp_path / "stage")
    bundled = {f"{folder}/{Path(source).name}" for source, folder in build.data_files(package)}
    expected = {
        f"gnapp/{path.relative_to(ROOT).as_posix()}"
        for name in ("forms", "resources")
        for path in (ROOT / name).rglob("*")
        if path.is_file()
        and "__pycache__" not in path.parts
        and path.suffix not in {".py", ".pyc", ".ts"}
    }
    assert expected <= bundled
    assert {
        "gnapp/forms/standards/2022-2025.json",
        "gnapp/resources/fonts/LiberationSerif-Regular.ttf",
        "gnapp/resources/translations/qtbase_vi.qm",
        "gnapp/resources/icons/gnapp.png",
        "gnapp/resources/demo/names.json",
    } <= bundled
    assert not any(name.endswith((".py", ".ts")) for name in bundled)
    # the data folders are packages of the staged gnapp, found by the hidden imports
    for module in build.HIDDEN_IMPORTS:
        assert (tmp_path / "stage" / module.replace(".", "/") / "__init__.py").is_file()


def test_the_staged_demo_ships_compressed_under_the_name_the_app_reads(build, tmp_path):
    from gnapp.demo import BUNDLED_DEMO_XZ

    package = build.stage_sources(tmp_path / "stage")
    (package / "resources" / "demo" / BUNDLED_DEMO_XZ).write_bytes(b"xz")
    bundled = {Path(source).name: folder for source, folder in build.data_files(package)}
    assert bundled[BUNDLED_DEMO_XZ] == "gnapp/resources/demo"


def test_the_qt_modules_kept_are_those_the_qt_gate_imports(build):
    tree = ast.parse((ROOT / "gnapp" / "ui" / "common" / "qt.py").read_text(encoding="utf-8"))
    imported = {
        node.module.removeprefix("PySide6.")
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module.startswith("PySide6.")
    }
    assert imported == set(build.QT_MODULES)
    assert not {f"PySide6.{name}" for name in imported} & set(build.EXCLUDES)


@pytest.mark.parametrize(
    ("destination", "platform", "kept"),
    [
        ("PySide6/Qt/lib/libQt6Widgets.so.6", "linux", True),
        ("PySide6/Qt/lib/libQt6XcbQpa.so.6", "linux", True),
        ("libQt6Core.so.6", "linux", True),  # the link at the top of the bundle
        ("PySide6/Qt/lib/libQt6Network.so.6", "linux", False),
        ("libQt6WaylandClient.so.6", "linux", False),
        ("PySide6/Qt6PrintSupport.dll", "win32", True),
        ("PySide6/Qt6Network.dll", "win32", False),
        ("PySide6/QtCore.abi3.so", "linux", True),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "linux", True),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", "linux", True),
        ("PySide6/Qt/plugins/platforms/libqwayland.so", "linux", False),
        ("PySide6/plugins/platforms/qwindows.dll", "win32", True),
        ("PySide6/plugins/styles/qmodernwindowsstyle.dll", "win32", True),
        ("PySide6/Qt/plugins/printsupport/libcupsprintersupport.so", "linux", True),
        (
            "PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so",
            "linux",
            True,
        ),
        ("PySide6/Qt/plugins/tls/libqopensslbackend.so", "linux", False),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", "linux", False),
        ("PySide6/Qt/translations/qtbase_de.qm", "linux", False),
        ("PySide6/translations/qtbase_fr.qm", "win32", False),
        ("gnapp/resources/translations/qtbase_vi.qm", "linux", True),
        ("libfontconfig.so.1", "linux", False),
        ("libxcb-cursor.so.0", "linux", False),
        ("libfontconfig.so.1", "win32", True),
        ("libXau-154567c4.so.6.0.0", "linux", True),  # Pillow's own copy, not the desktop's
        ("libsqlite3.so.0", "linux", True),
        ("libpython3.11.so.1.0", "linux", True),
    ],
)
def test_what_is_left_out_of_the_bundle(build, destination, platform, kept):
    assert build.keep_in_bundle(destination, platform) is kept
