"""In real Chromium with JavaScript off, an old address (an alias) lands on the record's page."""

import functools
import os
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def served(fixture_site):
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(fixture_site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def chromium():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if sync_playwright is None or not CHROMIUM.exists():
        message = "needs Playwright for Python (pip install -e '.[test]') and Debian's chromium (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return sync_playwright


def test_old_address_lands_on_the_record_without_javascript(served, tmp_path):
    sync_playwright = chromium()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 800}).new_page()
            page.goto(f"{served}/column/2016-003/")
            page.wait_for_url(f"{served}/column/2016-004/", timeout=15000)
            assert page.locator("h1").inner_text() == "老旧小区何时有物业"
            page.screenshot(path=str(tmp_path / "landed.png"))
        finally:
            browser.close()
