"""The browser harness never skips silently in CI."""

from pathlib import Path

import pytest

from tests.support import tools


def test_missing_browser_fails_under_ci(monkeypatch):
    monkeypatch.setattr(tools, "CHROMIUM", Path("/nonexistent/chromium"))
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="apt-get install -y chromium"):
        tools.require_browser()


def test_missing_browser_skips_with_the_install_command_outside_ci(monkeypatch):
    monkeypatch.setattr(tools, "CHROMIUM", Path("/nonexistent/chromium"))
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install -y chromium"):
        tools.require_browser()
