"""System tools the tests need, from Debian, never downloaded at run time. Where one is missing a
test skips with the command that installs it, except under CI=true, where it fails: a CI run never
passes by skipping silently."""

import contextlib
import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
INSTALL = "apt-get update && apt-get install -y {}"
PIP_INSTALL = ".venv/bin/pip install -e '.[test]'"


def under_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def require(missing: list[str]) -> None:
    """Fail under CI, skip elsewhere, naming each missing tool with the command that installs it."""
    if missing:
        message = "this test needs " + " and ".join(missing)
        if under_ci():
            pytest.fail(message)
        pytest.skip(message)


def require_command(name: str) -> str:
    """The path of the command `name`, from the Debian package of the same name."""
    path = shutil.which(name)
    if path is None:
        require([f"{name} ({INSTALL.format(name)})"])
    return path


def require_browser() -> None:
    """Debian's Chromium, and Playwright with axe to drive it."""
    missing = [] if CHROMIUM.is_file() else [f"Debian's chromium ({INSTALL.format('chromium')})"]
    try:
        import axe_playwright_python  # noqa: F401
        import playwright  # noqa: F401
    except ImportError:
        missing.append(f"playwright and axe-playwright-python ({PIP_INSTALL})")
    require(missing)


@contextlib.contextmanager
def chromium():
    """Debian's Chromium, launched by Playwright; closed when the block ends."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
