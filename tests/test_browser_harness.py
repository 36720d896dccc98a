"""The harness for system tools never skips silently in CI: a missing browser or command fails
there, and skips elsewhere, with the command that installs it."""

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


def test_missing_command_fails_under_ci_and_skips_elsewhere(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"rsync \(apt-get update && apt-get install -y rsync\)"):
        tools.require_command("rsync")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="apt-get install -y rsync"):
        tools.require_command("rsync")
    monkeypatch.undo()
    assert Path(tools.require_command("rsync")).name == "rsync"  # found on the real PATH
