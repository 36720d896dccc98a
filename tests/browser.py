"""Shared harness for browser tests: the built demo site on 127.0.0.1 and Debian's Chromium.

No browser is ever downloaded: Playwright drives /usr/bin/chromium. Where it is missing the tests
skip with the install command, except under CI=true, where a missing browser is a failure
(tests/support/tools.py).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.project import CONF
from tests.support.server import SiteHandler, serving
from tests.support.tools import chromium

SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-output" / "screenshots"

# One page of every template, by the template's name.
TEMPLATE_PAGES = {
    "home": "",
    "session": "inquiry/2016-03/",
    "entry": "column/2016-014/",
    "department": "departments/cgj/",
    "directory": "departments/",
    "ranking": "departments/by/sent-back/",  # ranked and thin-sample departments
    "bounced": "column/bounced/",
    "ledger": "commitments/",
    "archive": "archive/",
    "search": "search/?q=%E5%8D%A0%E9%81%93%E7%BB%8F%E8%90%A5",
    "404": "no-such-page/",
}


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory) -> Path:
    from jiandu.commands.build import build

    output = tmp_path_factory.mktemp("demo-browser") / "output"
    build(CONF, output)
    return output


@pytest.fixture(scope="session")
def site_url(demo_site):
    with serving(demo_site, SiteHandler) as server:
        yield f"{server.url}/"


@pytest.fixture(scope="module")
def browser():
    # Module scope: Playwright's sync API runs an event loop while it is open, and other test
    # modules start Playwright of their own.
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    return SCREENSHOTS
