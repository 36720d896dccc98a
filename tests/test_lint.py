"""Lint the code with ruff, and the layers with import-linter, as configured in pyproject.toml."""

import shutil
import subprocess
import sys
from pathlib import Path

from tests.support.project import PROJECT

BIN = Path(sys.executable).parent


def test_ruff_finds_nothing():
    result = subprocess.run([str(BIN / "ruff"), "check", "--no-cache", "."], cwd=PROJECT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def lint_imports(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "lint-imports"), "--no-cache"], cwd=project,
                          capture_output=True, text=True, check=False)


def test_layers_are_kept():
    result = lint_imports(PROJECT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_an_upward_import_breaks_the_layers(tmp_path):
    """The contract can fail: core importing from the build layer is reported with its line."""
    copy = tmp_path / "project"
    shutil.copytree(PROJECT / "jiandu", copy / "jiandu", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PROJECT / "pyproject.toml", copy)
    problems = copy / "jiandu/core/problems.py"
    problems.write_text(problems.read_text(encoding="utf-8") + "\nfrom jiandu.build import render  # noqa\n",
                        encoding="utf-8")
    result = subprocess.run([str(BIN / "lint-imports"), "--no-cache"], cwd=copy, capture_output=True,
                            text=True, check=False, env={"PYTHONPATH": str(copy), "PATH": str(BIN)})
    assert result.returncode == 1, result.stdout + result.stderr
    assert "jiandu.core is not allowed to import jiandu.build" in result.stdout
    assert "jiandu.core.problems -> jiandu.build.render" in result.stdout
