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


def parse(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


# Browser fixtures (demo site on 127.0.0.1, Debian's Chromium), shared by the browser tests.
from tests.browser import browser, demo_site, page, screenshots, site_url  # noqa: E402,F401
