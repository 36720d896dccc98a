"""The project under test: its paths, and its built pages as parsed HTML."""

from pathlib import Path

from bs4 import BeautifulSoup

PROJECT = Path(__file__).resolve().parents[2]
CONF = PROJECT / "pelicanconf.py"
PUBLISH_CONF = PROJECT / "publishconf.py"


def parse(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
