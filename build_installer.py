"""Build GNApp as a PyInstaller one-folder bundle in dist/GNApp/ (see docs/installer.md).

    python build_installer.py              build, then print the bundle's size
    python build_installer.py --self-test  build, then run the built app's --self-test

The build stages gnapp/ with forms/ and resources/ inside it as gnapp.forms and gnapp.resources
(the way pyproject.toml ships them), adds a freshly made demo commune, and runs PyInstaller on
installer/gnapp.spec, which takes its lists from this module: the data files, and what of Qt
and of the system to leave out. On Windows two programs share the bundle: GNApp.exe (the
desktop app, no console window) and gnapp-cli.exe (the same app with a console, for commands
and the self-test); elsewhere GNApp does both.
"""

from __future__ import annotations

import argparse
import lzma
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
SPEC = ROOT / "installer" / "gnapp.spec"
BUILD = ROOT / "build" / "installer"
STAGE = BUILD / "stage"
DIST = ROOT / "dist"
APP_NAME = "GNApp"
CONSOLE_NAME = "gnapp-cli"
ICON = ROOT / "resources" / "icons" / "gnapp.ico"
SIZE_LIMIT_MB = 150
# Debug symbols out of the shared libraries (libpython alone has about 20 MB); Windows has none.
STRIP = sys.platform != "win32"

# Under forms/ and resources/, every file ships except these: the packages' __init__.py are
# compiled in, and qtbase_vi.ts is the source of the qtbase_vi.qm that ships.
SKIPPED_SUFFIXES = frozenset({".py", ".pyc", ".ts"})
# Read through importlib.resources only, so no import statement names them.
HIDDEN_IMPORTS = ["gnapp.forms", "gnapp.resources"]

# The Qt modules GNApp uses (gnapp/ui/common/qt.py); every other PySide6 module is left out.
QT_MODULES = ("QtCore", "QtGui", "QtWidgets", "QtPrintSupport")
PYSIDE_MODULES = (
    "Qt3DAnimation", "Qt3DCore", "Qt3DExtras", "Qt3DInput", "Qt3DLogic", "Qt3DRender",
    "QtAxContainer", "QtBluetooth", "QtCharts", "QtConcurrent", "QtDBus", "QtDataVisualization",
    "QtDesigner", "QtGraphs", "QtHelp", "QtHttpServer", "QtLabsStyleKit", "QtLocation",
    "QtMultimedia", "QtMultimediaWidgets", "QtNetwork", "QtNetworkAuth", "QtNfc", "QtOpenGL",
    "QtOpenGLWidgets", "QtPdf", "QtPdfWidgets", "QtPositioning", "QtQml", "QtQmlFeatures",
    "QtQuick", "QtQuick3D", "QtQuickControls2", "QtQuickTest", "QtQuickWidgets",
    "QtRemoteObjects", "QtScxml", "QtSensors", "QtSerialBus", "QtSerialPort", "QtSpatialAudio",
    "QtSql", "QtStateMachine", "QtSvg", "QtSvgWidgets", "QtTest", "QtTextToSpeech", "QtUiTools",
    "QtWebChannel", "QtWebEngineCore", "QtWebEngineQuick", "QtWebEngineWidgets", "QtWebSockets",
    "QtWebView", "QtXml",
)  # fmt: skip
# Pillow (which reportlab needs) reads images GNApp never makes: AVIF, WebP, Tk.
PILLOW_EXCLUDES = ["PIL._avif", "PIL.AvifImagePlugin", "PIL._webp", "PIL.WebPImagePlugin"]
EXCLUDES = [
    *(f"PySide6.{name}" for name in PYSIDE_MODULES),
    *PILLOW_EXCLUDES,
    "PIL._imagingtk",
    "PIL.ImageTk",
    "tkinter",
]
# The Qt libraries kept: the four modules, what they need (D-Bus on Linux) and X11's platform
# library. Others come in only as dependencies of plugins left out (Network through tls,
# Wayland, EGL, Svg through the SVG icon engine, OpenGL through GL integrations).
QT_LIBRARIES = frozenset({*(name[2:] for name in QT_MODULES), "DBus", "XcbQpa"})
QT_LIBRARY = re.compile(r"^(?:lib)?Qt6(\w+?)(?:\.so|\.dll)")
# Linux: the desktop's own libraries for X11, input, fonts, GLib, D-Bus and printing (CUPS)
# are not bundled. They must match the running desktop, every desktop that runs Qt has them
# (as it has libGL, which PyInstaller never bundles), and the README already asks for the few
# X11 ones a minimal system lacks. The libraries only they needed then go too (without_orphans).
LINUX_DESKTOP_LIBRARY = re.compile(
    r"^lib(?:X11|X11-xcb|Xau|Xdmcp|Xext|Xrender|xkbcommon|xkbcommon-x11|"
    r"xcb-(?:cursor|glx|icccm|image|keysyms|randr|render|render-util|shape|shm|sync|util|"
    r"xfixes|xinerama|xinput|xkb)|"
    r"fontconfig|freetype|harfbuzz|graphite2|glib-2\.0|gio-2\.0|gobject-2\.0|gmodule-2\.0|"
    r"gthread-2\.0|dbus-1|cups|systemd)\.so\."
)

# The Qt plugins kept, by plugin folder: the platforms for Linux (X11), Windows and no
# screen; input methods (Vietnamese is typed through IBus on Linux); printing; the Windows
# style; the common image formats. Folders not named here go whole (tls, networkinformation,
# egl, wayland, platformthemes, …): without the GTK theme Qt draws its own file dialogs, which
# GNApp's Qt catalogue puts in Vietnamese.
QT_PLUGINS = {
    "platforms": {"qxcb", "qoffscreen", "qwindows"},
    "platforminputcontexts": {
        "composeplatforminputcontextplugin",
        "ibusplatforminputcontextplugin",
    },
    "printsupport": {"cupsprintersupport", "windowsprintersupport"},
    "styles": {"qmodernwindowsstyle", "qwindowsvistastyle"},
    "imageformats": {"qico", "qjpeg", "qgif"},
}


def _plugin_name(file_name: str) -> str:
    """``libqxcb.so`` and ``qwindows.dll`` → ``qxcb``, ``qwindows``."""
    stem = file_name.split(".")[0]
    return stem[3:] if stem.startswith("lib") else stem


def keep_in_bundle(destination: str, platform: str = sys.platform) -> bool:
    """Whether a file PyInstaller collected (by its path in the bundle) is kept."""
    parts = Path(destination.replace("\\", "/")).parts
    if platform.startswith("linux") and LINUX_DESKTOP_LIBRARY.match(parts[-1]):
        return False
    library = QT_LIBRARY.match(parts[-1])
    if library is not None:  # also the links to Qt's libraries at the top of the bundle
        return library.group(1) in QT_LIBRARIES
    if "PySide6" not in parts:
        return True
    inside = parts[parts.index("PySide6") + 1 :]
    if "translations" in inside:  # Qt has no Vietnamese; GNApp ships its own qtbase_vi.qm
        return False
    plugin = inside[inside.index("plugins") + 1 :] if "plugins" in inside else ()
    if len(plugin) == 2:
        folder, file_name = plugin
        return _plugin_name(file_name) in QT_PLUGINS.get(folder, set())
    return True


def _is_dependency(destination: str) -> bool:
    """A shared library PyInstaller put at the top of the bundle because another needed it."""
    name = Path(destination).name
    return "/" not in destination.replace("\\", "/") and ".so" in name and "python" not in name


def _needed(path: str) -> list[str]:
    """The libraries an ELF file names as needed (objdump, which PyInstaller needs on Linux
    anyway; ldd would list the system's whole chain, left-out libraries' needs included)."""
    output = subprocess.run(
        ["objdump", "-p", path], capture_output=True, text=True, check=True
    ).stdout
    return [line.split()[1] for line in output.splitlines() if line.strip().startswith("NEEDED")]


def without_orphans(toc: list[tuple]) -> list[tuple]:
    """Linux: drop the libraries at the top of the bundle that no kept binary needs (directly
    or through another): the dependencies of the plugins and libraries left out."""
    files = {dest: source for dest, source, kind in toc if kind != "SYMLINK"}
    needed: set[str] = set()
    pending = [dest for dest in files if not _is_dependency(dest)]
    while pending:
        for name in _needed(files[pending.pop()]):
            if name not in needed:
                needed.add(name)
                if name in files:
                    pending.append(name)
    kept = []
    for entry in toc:
        dest, source, kind = entry
        target = Path(dest).parent.joinpath(source).as_posix() if kind == "SYMLINK" else dest
        if not _is_dependency(dest) or dest in needed or (kind == "SYMLINK" and target in files):
            kept.append(entry)
    return kept


def trimmed(toc: list[tuple], *, binaries: bool = False) -> list[tuple]:
    """A PyInstaller table of contents (destination, source, kind) without the files
    keep_in_bundle() leaves out and, for binaries on Linux, the orphans that leaves; says how
    much was left out."""
    kept = [entry for entry in toc if keep_in_bundle(entry[0])]
    if binaries and sys.platform.startswith("linux"):
        kept = without_orphans(kept)
    left_out = [entry for entry in toc if entry not in kept]
    size = sum(Path(source).stat().st_size for _, source, kind in left_out if kind != "SYMLINK")
    print(f"Bỏ {len(left_out)} tệp không dùng ({size / 1e6:.1f} MB).", flush=True)
    return kept


def stage_sources(stage: Path = STAGE) -> Path:
    """Copy gnapp/, forms/ and resources/ into ``stage`` as the package gnapp with its
    subpackages gnapp.forms and gnapp.resources; return the package's folder."""
    if stage.exists():
        shutil.rmtree(stage)
    package = stage / "gnapp"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "gnapp", package, ignore=ignore)
    for name in ("forms", "resources"):
        shutil.copytree(ROOT / name, package / name, ignore=ignore)
    return package


def add_demo(package: Path) -> Path:
    """Put the demo commune, compressed, into the staged resources, where the frozen app's
    ``gnapp --demo`` and self-test find it. The demo is made by the generator (once, then
    taken from the user's cache: gnapp.demo.fresh_demo_copy)."""
    from gnapp.demo import BUNDLED_DEMO, BUNDLED_DEMO_XZ, fresh_demo_copy

    made = BUILD / BUNDLED_DEMO
    made.unlink(missing_ok=True)  # left by a build that was stopped
    fresh_demo_copy(made)
    try:
        bundled = package / "resources" / "demo" / BUNDLED_DEMO_XZ
        bundled.write_bytes(lzma.compress(made.read_bytes()))
    finally:
        made.unlink()
    return bundled


def data_files(package: Path) -> list[tuple[str, str]]:
    """(file, folder in the bundle) for every data file of the staged gnapp.forms and
    gnapp.resources."""
    found = []
    for name in ("forms", "resources"):
        for path in sorted((package / name).rglob("*")):
            if path.is_file() and path.suffix not in SKIPPED_SUFFIXES:
                found.append((str(path), path.parent.relative_to(package.parent).as_posix()))
    return found


def bundle_size(folder: Path) -> int:
    """Bytes in ``folder``, links (PyInstaller links shared libraries on Linux) not counted."""
    return sum(
        path.lstat().st_size
        for path in folder.rglob("*")
        if path.is_file() and not path.is_symlink()
    )


def programs() -> list[tuple[str, bool]]:
    """(name, with a console) of each program in the bundle: on Windows the desktop app has no
    console window, so the commands and the self-test get a twin with one; elsewhere one
    program does both (each program carries its own copy of the compiled Python code)."""
    if sys.platform == "win32":
        return [(APP_NAME, False), (CONSOLE_NAME, True)]
    return [(APP_NAME, True)]


def command_program() -> Path:
    """The program that runs commands and prints to the console."""
    name = programs()[-1][0]
    return DIST / APP_NAME / (f"{name}.exe" if sys.platform == "win32" else name)


def build() -> Path:
    """Stage, freeze, and return the bundle's folder."""
    import PyInstaller.__main__

    started = time.perf_counter()
    package = stage_sources()
    demo = add_demo(package)
    print(f"Đã chuẩn bị mã nguồn và xã mẫu nén ({demo.stat().st_size / 1e6:.1f} MB).", flush=True)
    PyInstaller.__main__.run(
        [
            str(SPEC),
            "--noconfirm",
            "--clean",
            "--log-level=WARN",
            f"--distpath={DIST}",
            f"--workpath={BUILD / 'work'}",
        ]
    )
    folder = DIST / APP_NAME
    size_mb = bundle_size(folder) / 1e6
    print(f"Bộ cài một thư mục: {folder}")
    print(f"Dung lượng: {size_mb:.1f} MB (giới hạn {SIZE_LIMIT_MB} MB)")
    print(f"Thời gian đóng gói: {time.perf_counter() - started:.0f} s")
    if size_mb > SIZE_LIMIT_MB:
        raise SystemExit(f"Bộ cài vượt {SIZE_LIMIT_MB} MB.")
    return folder


def self_test() -> int:
    """Run the frozen app's --self-test without a screen; its exit status."""
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    command = [str(command_program()), "--self-test"]
    print("+ " + " ".join(command), flush=True)
    return subprocess.run(command, env=environment, check=False).returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--self-test", action="store_true", help="chạy --self-test của bản đã đóng gói"
    )
    args = parser.parse_args()
    build()
    if not args.self_test:
        return 0
    status = self_test()
    if status != 0:
        print(f"Bản đóng gói không qua tự kiểm tra (mã {status}).", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
