"""Every command and subcommand has help text and is named in docs/cli.md, and every option and
argument has help text (as sqlite-utils' tests/test_docs.py checks its commands); planted
undocumented commands and an unexplained option show that the check works."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

from gnapp.cli import build_parser

DOCS = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def commands(
    parser: argparse.ArgumentParser, path: str = "gnapp"
) -> Iterator[tuple[str, str, argparse.ArgumentParser]]:
    """(the command as typed, its help text, its parser) of every command and subcommand."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            for name, subparser in action.choices.items():
                command = f"{path} {name}"
                yield command, helps.get(name) or "", subparser
                yield from commands(subparser, command)


def unexplained(parser: argparse.ArgumentParser) -> list[str]:
    """The options and arguments of ``parser`` without help text."""
    return [
        (action.option_strings or [action.dest])[0]
        for action in parser._actions
        if not isinstance(action, argparse._SubParsersAction) and not (action.help or "").strip()
    ]


def undocumented(parser: argparse.ArgumentParser, docs: str) -> list[str]:
    """What is wrong: a command without help text or not named (in backticks) in ``docs``, an
    option or argument without help text."""
    problems = [f"gnapp {option}: no help text" for option in unexplained(parser)]
    for command, help_text, subparser in commands(parser):
        if not help_text.strip():
            problems.append(f"{command}: no help text")
        if f"`{command}`" not in docs:
            problems.append(f"{command}: not in docs/cli.md")
        problems += [f"{command} {option}: no help text" for option in unexplained(subparser)]
    return problems


def test_every_command_and_option_has_help_and_every_command_is_documented():
    parser = build_parser()
    assert len(list(commands(parser))) > 90
    assert undocumented(parser, DOCS.read_text(encoding="utf-8")) == []


def test_an_undocumented_or_unexplained_command_is_caught():
    parser = build_parser()
    groups = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    backup_commands = groups.choices["backup"]._subparsers._group_actions[0]
    shred = backup_commands.add_parser("shred", help="xóa mọi bản sao lưu")
    shred.add_argument("--all", action="store_true")
    groups.add_parser("secret")
    assert undocumented(parser, DOCS.read_text(encoding="utf-8")) == [
        "gnapp backup shred: not in docs/cli.md",
        "gnapp backup shred --all: no help text",
        "gnapp secret: no help text",
        "gnapp secret: not in docs/cli.md",
    ]
