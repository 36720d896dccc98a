"""Shared harness for browser tests: the built demo site on 127.0.0.1 and Debian's Chromium.

No browser is ever downloaded: Playwright drives /usr/bin/chromium. Where it is missing the tests
skip with the install command, except under CI=true, where a missing browser is a failure.
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
INSTALL = "apt-get update && apt-get install -y chromium"
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


def require_browser() -> None:
    """Fail under CI, skip elsewhere, with the command that installs the browser."""
    missing = []
    if not CHROMIUM.is_file():
        missing.append(f"Debian's chromium ({INSTALL})")
    try:
        import axe_playwright_python  # noqa: F401
        import playwright  # noqa: F401
    except ImportError:
        missing.append("playwright and axe-playwright-python (.venv/bin/pip install -e '.[test]')")
    if missing:
        message = "browser tests need " + " and ".join(missing)
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)


class SiteHandler(SimpleHTTPRequestHandler):
    """Serves the site like a static host: 404.html for unknown paths, no request log."""

    def log_message(self, *args):
        pass

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory) -> Path:
    from jiandu.commands.build import build
    from tests.conftest import CONF

    output = tmp_path_factory.mktemp("demo-browser") / "output"
    build(CONF, output)
    return output


@pytest.fixture(scope="session")
def site_url(demo_site):
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(SiteHandler, directory=str(demo_site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    # Module scope: Playwright's sync API runs an event loop while it is open, and other test
    # modules start Playwright of their own.
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


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
