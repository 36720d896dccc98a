"""The fixture site shared by the test suite and the task that regenerates its expected tree."""

from __future__ import annotations

import shutil
from pathlib import Path

from jiandu.commands.build import build

FIXTURE = Path("tests/fixtures/site")
EXPECTED = Path("tests/expected")
FIXTURE_AS_OF = "2016-06-30"


def build_fixture_site(project: Path, output: Path, root: Path | None = None, **overrides) -> Path:
    overrides.setdefault("JIANDU_AS_OF", FIXTURE_AS_OF)
    # Pagefind writes its filter chunks in a different order on each run, so the byte-for-byte
    # fixture tree leaves the search bundle out; search is tested on the demo site in Chromium.
    overrides.setdefault("JIANDU_SEARCH", False)
    build(project / "pelicanconf.py", output, root or project / FIXTURE, **overrides)
    return output


def regenerate_expected_tree(project: Path) -> None:
    target = project / EXPECTED
    shutil.rmtree(target, ignore_errors=True)
    build_fixture_site(project, target)
    print(f"已重新生成 {target}")
