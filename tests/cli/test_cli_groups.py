"""A command builds the parser of its own group only, so that it does not import what the other
groups' options need (reportlab, openpyxl, the review's documents): ``gnapp import file`` starts
in a tenth of the time ``gnapp --help`` takes."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from gnapp.cli import GROUPS, _command_word, build_parser, main


def subcommand_names(parser: argparse.ArgumentParser) -> set[str]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return set(action.choices)


@pytest.mark.parametrize("group", GROUPS, ids=lambda group: group.__name__)
def test_each_group_names_the_commands_it_adds(group):
    parser = argparse.ArgumentParser()
    group.add_commands(parser.add_subparsers())
    assert subcommand_names(parser) == set(group.COMMANDS)


def test_a_command_builds_its_group_and_no_command_builds_all():
    every = {command for group in GROUPS for command in group.COMMANDS}
    assert subcommand_names(build_parser()) == every
    assert subcommand_names(build_parser([])) == every
    assert subcommand_names(build_parser(["import", "file", "x.xlsx"])) == {"import"}
    assert subcommand_names(build_parser(["--language", "en", "receive"])) == {
        "office", "receive", "consolidate"
    }  # fmt: skip
    assert subcommand_names(build_parser(["nhap", "file"])) == every  # refused listing all


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["import", "file", "--db", "x.gnapp"], "import"),
        (["--db", "import", "--demo"], None),  # a file named "import": the GUI
        (["--language", "en", "household", "list"], "household"),
        (["--language=en", "household"], "household"),
        (["--help", "import"], None),
        (["-h"], None),
        (["--demo"], None),
    ],
)
def test_the_command_word(argv, command):
    assert _command_word(argv) == command


def test_an_unknown_command_is_refused_with_every_command_listed(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["nhap"])
    assert exit_.value.code == 2
    assert "'import'" in capsys.readouterr().err


def test_the_import_command_does_not_load_the_documents_modules():
    loaded = subprocess.run(
        [sys.executable, "-c",
         "import sys; from gnapp.cli import build_parser; "
         "build_parser(['import', 'file', 'x.xlsx', '--db', 'x.gnapp']); "
         "from gnapp.importers import apply, plan; "
         "print(*sorted(m for m in sys.modules if m.split('.')[0] in "
         "('reportlab', 'openpyxl', 'jsonschema') or m.startswith('gnapp.review')))"],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    assert loaded == []
