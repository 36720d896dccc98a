"""The Pelican generator: read and validate content, index it, then write every page."""

from __future__ import annotations

from pathlib import Path

from .content import load_site
from .indexes import build_indexes
from .pages import site_pages
from .render import css_bundle, make_env, site_globals, write_site
from .settings import jiandu_settings


class JianduGenerator:
    """Returned from Pelican's `get_generators` signal; Pelican calls the two stages in order."""

    def __init__(self, context, settings, path, theme, output_path, **kwargs):
        self.settings = jiandu_settings(settings)
        self.theme = Path(theme)
        self.output_path = Path(output_path)
        self.site = self.indexes = None

    def generate_context(self) -> None:
        # Raises ContentError with every problem before anything is written.
        self.site = load_site(Path(self.settings["JIANDU_ROOT"]), self.settings)
        self.indexes = build_indexes(self.site)

    def generate_output(self, writer) -> None:
        css = css_bundle(self.theme)
        env = make_env(self.theme)
        pages = site_pages(self.site, self.indexes)
        write_site(self.output_path, pages, env, site_globals(self.site, self.indexes, css), css)
