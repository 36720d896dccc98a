"""Lint the code with ruff, as configured in pyproject.toml."""

import subprocess
import sys
from pathlib import Path

from tests.conftest import PROJECT


def test_ruff_finds_nothing():
    ruff = Path(sys.executable).with_name("ruff")
    result = subprocess.run([str(ruff), "check", "--no-cache", "."], cwd=PROJECT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
