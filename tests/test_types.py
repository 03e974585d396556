"""The type checker passes: gnapp/core strictly; gnapp/store, gnapp/review, gnapp/packages
and gnapp/office with every function body checked (the configuration, files included, is
[tool.mypy] in pyproject.toml)."""

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mypy", reason="mypy is not installed (pip install -e '.[test]')")

REPOSITORY = Path(__file__).resolve().parents[1]


def test_the_checked_packages_pass_mypy(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path)],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
