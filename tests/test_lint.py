"""Lint the code with ruff, and the layers with import-linter, as configured in pyproject.toml; and
the tests: no test module imports another."""

import ast
import re
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


def imported_test_modules(source: str) -> list[str]:
    """The test modules (tests/test_*.py) a Python source imports, in any spelling."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            found += [module] + [f"{module}.{alias.name}".replace("..", ".") for alias in node.names]
    return sorted({name for name in found if re.search(r"(^|\.)test_\w+$", name)})


def test_the_check_finds_every_spelling_of_a_test_module_import():
    source = ("import tests.test_a\nfrom tests.test_b import x\nfrom tests import test_c\n"
              "from .test_d import y\nfrom . import test_e\nfrom tests.support.content import write\n")
    assert imported_test_modules(source) == [
        ".test_d", ".test_e", "tests.test_a", "tests.test_b", "tests.test_c"]


def test_no_test_module_imports_another():
    """Shared helpers live in tests/support/, fixtures in conftest.py: a test module that imports
    another runs that module's tests' setup and ties the two together."""
    offenders = {path.relative_to(PROJECT).as_posix(): names for path in sorted((PROJECT / "tests").rglob("*.py"))
                 if (names := imported_test_modules(path.read_text(encoding="utf-8")))}
    assert offenders == {}
