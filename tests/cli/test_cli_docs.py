"""Every command and subcommand has help text and is named in docs/cli.md (as sqlite-utils'
tests/test_docs.py checks its commands); a planted undocumented command shows the check works."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

from gnapp.cli import build_parser

DOCS = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def commands(parser: argparse.ArgumentParser, path: str = "gnapp") -> Iterator[tuple[str, str]]:
    """(the command as typed, its help text) of every command and subcommand, depth first."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            for name, subparser in action.choices.items():
                command = f"{path} {name}"
                yield command, helps.get(name) or ""
                yield from commands(subparser, command)


def undocumented(parser: argparse.ArgumentParser, docs: str) -> list[str]:
    """What is wrong: a command without help text, or not named (in backticks) in ``docs``."""
    problems = []
    for command, help_text in commands(parser):
        if not help_text.strip():
            problems.append(f"{command}: no help text")
        if f"`{command}`" not in docs:
            problems.append(f"{command}: not in docs/cli.md")
    return problems


def test_every_command_has_help_and_is_documented():
    parser = build_parser()
    assert len(list(commands(parser))) > 90
    assert undocumented(parser, DOCS.read_text(encoding="utf-8")) == []


def test_an_undocumented_or_unexplained_command_is_caught():
    parser = build_parser()
    groups = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    planted = groups.choices["backup"]._subparsers._group_actions[0]
    planted.add_parser("shred", help="xóa mọi bản sao lưu")
    groups.add_parser("secret")
    assert undocumented(parser, DOCS.read_text(encoding="utf-8")) == [
        "gnapp backup shred: not in docs/cli.md",
        "gnapp secret: no help text",
        "gnapp secret: not in docs/cli.md",
    ]
