"""Fixtures shared by the test modules; plain helpers live in tests/support/."""

import shutil
from pathlib import Path

import pytest

from jiandu.commands.testing import FIXTURE, build_fixture_site
from tests.support.project import CONF, PROJECT  # noqa: F401  (CONF: still imported from here by test_search)


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory) -> Path:
    """The fixture site, built once at the fixed as-of date."""
    return build_fixture_site(PROJECT, tmp_path_factory.mktemp("fixture") / "output")


@pytest.fixture
def tree(tmp_path) -> Path:
    """A writable copy of the fixture project (content only), for tests that break things."""
    shutil.copytree(PROJECT / FIXTURE / "content", tmp_path / "content")
    return tmp_path


# Browser fixtures (demo site on 127.0.0.1, Debian's Chromium), shared by the browser tests.
from tests.browser import browser, demo_site, page, screenshots, site_url  # noqa: E402,F401
