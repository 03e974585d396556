"""Bundled data files (forms/ and resources/), found with importlib.resources.

The same calls work from a source checkout, an installed wheel and a frozen
build, because forms/ and resources/ ship as the packages gnapp.forms and
gnapp.resources (see pyproject.toml).
"""

from __future__ import annotations

import json
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any


def form_file(*parts: str) -> Traversable:
    """A file or folder under forms/."""
    node = files("gnapp.forms")
    for part in parts:
        node = node / part
    return node


def resource_file(*parts: str) -> Traversable:
    """A file or folder under resources/."""
    node = files("gnapp.resources")
    for part in parts:
        node = node / part
    return node


def read_form_json(*parts: str) -> Any:
    """Parse a JSON file under forms/."""
    return json.loads(form_file(*parts).read_text(encoding="utf-8"))
