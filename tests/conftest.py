import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from jiandu.commands.testing import FIXTURE, build_fixture_site

PROJECT = Path(__file__).resolve().parent.parent
CONF = PROJECT / "pelicanconf.py"


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory) -> Path:
    """The fixture site, built once at the fixed as-of date."""
    return build_fixture_site(PROJECT, tmp_path_factory.mktemp("fixture") / "output")


@pytest.fixture
def tree(tmp_path) -> Path:
    """A writable copy of the fixture project (content only), for tests that break things."""
    shutil.copytree(PROJECT / FIXTURE / "content", tmp_path / "content")
    return tmp_path


# The fixture as a bureau could publish it, past the self-inspection that publish runs first: an
# as-of date within the update periods, and a record for the one department that has none.
PUBLISHABLE_AS_OF = "2016-06-10"


def make_publishable(tree: Path) -> Path:
    (tree / "content/column/2016-030.md").write_text(
        "---\ntitle: 市场摊位整改\nnumber: 30\ndate: 2016-06-08\ndepartments: [hy-scjg]\nstatus: 已受理\n---\n"
        "槐荫区市场监管综合执法大队已受理。\n", encoding="utf-8")
    return tree


def parse(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


# Browser fixtures (demo site on 127.0.0.1, Debian's Chromium), shared by the browser tests.
from tests.browser import browser, demo_site, page, screenshots, site_url  # noqa: E402,F401
