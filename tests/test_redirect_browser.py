"""In real Chromium with JavaScript off, an old address (an alias) lands on the record's page."""

import pytest

from tests.support.server import serving
from tests.support.tools import chromium


@pytest.fixture
def served(fixture_site):
    with serving(fixture_site) as server:
        yield server.url


def test_old_address_lands_on_the_record_without_javascript(served, tmp_path):
    with chromium() as browser:
        page = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 800}).new_page()
        page.goto(f"{served}/column/2016-003/")
        page.wait_for_url(f"{served}/column/2016-004/", timeout=15000)
        assert page.locator("h1").inner_text() == "老旧小区何时有物业"
        page.screenshot(path=str(tmp_path / "landed.png"))
