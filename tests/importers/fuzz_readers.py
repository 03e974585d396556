"""Random and mutated files fed to every reader (run in a child process by
test_hostile_files, under a memory limit): only ImportFileError, or a sheet, may come out."""

from __future__ import annotations

import io
import re
import sys
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gnapp.importers.reading import ImportFileError, read_sheet, sheet_names
from gnapp.importers.targets import read_targets
from gnapp.review.tablet.reading import read_export
from tests.importers import files

HEADINGS = ["Mã hộ", "Họ và tên", "Ngày sinh"]
ROWS = [["H001", "Nguyễn Văn Được", "05/03/1970"], ["H002", "Lê Thị Bình", 1960]]
EXAMPLES_PER_SEED = 150


def seeds(folder: Path) -> dict[str, bytes]:
    """Small valid files of every kind the readers take."""
    made = {
        ".csv": files.write_csv(folder / "s.csv", HEADINGS, ROWS, "utf-8", ","),
        ".xlsx": files.write_xlsx(folder / "s.xlsx", HEADINGS, ROWS),
        ".xls": files.write_xls(folder / "s.xls", HEADINGS, ROWS),
        ".html.xls": files.write_html_xls(folder / "h.xls", ROWS),
        ".xml.xls": files.write_spreadsheet_xml(folder / "x.xls", HEADINGS, ROWS),
        ".ods": files.write_ods(folder / "s.ods", HEADINGS, ROWS),
    }
    return {kind: path.read_bytes() for kind, path in made.items()}


NUMBERS = [b"0", b"-1", b"abc", b"", b"999", b"1048576", b"2000000000", b"99999999999999999999"]


def mutated(data: bytes, draw: st.DrawFn) -> bytes:
    """``data`` with its numbers (indexes, spans, cell references) changed and a few bytes
    replaced, inserted or removed; a ZIP (xlsx, ods) mutated inside, its members' own bytes."""
    if data.startswith(b"PK") and draw(st.booleans()):
        return _mutated_members(data, draw)
    numbers = list(re.finditer(rb"[0-9]+", data))
    for _ in range(draw(st.integers(0, 3)) if numbers else 0):
        found = draw(st.sampled_from(numbers))
        data = data[: found.start()] + draw(st.sampled_from(NUMBERS)) + data[found.end() :]
        numbers = list(re.finditer(rb"[0-9]+", data)) or numbers
    buffer = bytearray(data)
    for _ in range(draw(st.integers(1, 8))):
        if not buffer:
            break
        at = draw(st.integers(0, len(buffer) - 1))
        action = draw(st.sampled_from(["replace", "insert", "delete", "digits", "cut"]))
        if action == "replace":
            buffer[at] = draw(st.integers(0, 255))
        elif action == "insert":
            buffer[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif action == "delete":
            del buffer[at : at + draw(st.integers(1, 16))]
        elif action == "digits":  # large numbers where indexes and spans are written
            buffer[at:at] = draw(st.sampled_from([b"9999999999", b"-1", b"0", b'"', b"abc"]))
        else:
            del buffer[at:]
    return bytes(buffer)


def _mutated_members(data: bytes, draw: st.DrawFn) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    chosen = draw(st.sampled_from(sorted(members)))
    members[chosen] = mutated(members[chosen], draw)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def read_everything(path: Path) -> None:
    """Every reading entry point on one file: only ImportFileError may come out."""
    for read in (
        lambda: [read_sheet(path, name) for name in sheet_names(path)],
        lambda: read_targets(path),
        lambda: read_export([path]),
    ):
        try:
            read()
        except ImportFileError as error:
            # A reader out of memory would be converted too: that is a failure here.
            assert not isinstance(error.__context__, MemoryError), error


def main(folder: str) -> None:
    work = Path(folder)
    valid = seeds(work)
    count = 0

    @settings(
        max_examples=EXAMPLES_PER_SEED * (len(valid) + 1),
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def fuzz(data: st.DataObject) -> None:
        nonlocal count
        kind = data.draw(st.sampled_from([*valid, "random"]))
        if kind == "random":
            content = data.draw(st.binary(max_size=4096))
            suffix = data.draw(st.sampled_from([".csv", ".xlsx", ".xls", ".ods"]))
        else:
            content = mutated(valid[kind], data.draw)
            suffix = kind.removeprefix(".html").removeprefix(".xml")
        path = work / f"fuzz{suffix}"
        path.write_bytes(content)
        read_everything(path)
        count += 1

    fuzz()
    print(f"examples: {count}")


if __name__ == "__main__":
    main(sys.argv[1])
