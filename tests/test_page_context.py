"""A template reads only what its page's plan gave it.

Every page of the fixture is rendered with a Jinja context that records each name a template
(or a component macro) looks up. A name must be in the page's own context or among what every
page shares; anything else means the preview's dependencies, derived from the context, miss it.
"""

import shutil
from pathlib import Path

import pytest
from jinja2.exceptions import UndefinedError
from jinja2.runtime import Context

from jiandu.build.pipeline import Pipeline
from jiandu.build.render import render_page, shared_context
from jiandu.commands.build import read_pelican_settings
from jiandu.commands.testing import FIXTURE, FIXTURE_AS_OF
from jiandu.content.model import Record, Site
from jiandu.core.settings import jiandu_settings
from jiandu.site.indexes import Indexes
from jiandu.site.pages import Page, site_pages
from tests.support.project import CONF, PROJECT

READS: set[str] = set()


class RecordingContext(Context):
    """Notes every name looked up outside the template's own variables (`set`, imports)."""

    def resolve_or_missing(self, key):
        if key not in self.vars:
            READS.add(key)
        return super().resolve_or_missing(key)


def undeclared_reads(theme: Path, output: Path) -> dict[str, set[str]]:
    """page path -> names its templates read that its context does not declare."""
    settings = jiandu_settings(read_pelican_settings(CONF, PROJECT / FIXTURE, JIANDU_AS_OF=FIXTURE_AS_OF))
    pipeline = Pipeline(settings, theme, output)
    site, idx = pipeline.read()
    env = pipeline.env
    env.context_class = RecordingContext
    # The theme's globals are helpers, classes and settings; no site data, so no `idx` or `site`.
    assert not any(isinstance(v, (Site, Indexes, Record, dict, list)) for v in env.globals.values())
    shared = shared_context(site)
    everywhere = set(env.globals) | set(shared) | {"page_path", "page_url"}
    found: dict[str, set[str]] = {}
    pages = [o for o in site_pages(site, idx) if isinstance(o, Page)]
    assert {p.template for p in pages} == {p.name for p in (theme / "templates").glob("*.html")} - {"base.html"}
    for page in pages:
        READS.clear()
        try:
            render_page(env, page, shared)
        except UndefinedError as err:
            READS.add(f"undefined ({err.message})")
        undeclared = READS - page.context.keys() - everywhere
        if undeclared:
            found[page.path] = undeclared
    return found


def test_every_template_reads_only_its_page_context(tmp_path):
    assert undeclared_reads(PROJECT / "theme", tmp_path / "output") == {}


@pytest.mark.parametrize("lookup", [
    "{{ idx.records|length }}",  # the global indexes are not there at all
    "{% if latest is defined %}{{ latest|length }}{% endif %}",  # the home page's data, tested first
])
def test_a_lookup_the_page_did_not_declare_is_reported(tmp_path, lookup):
    theme = tmp_path / "theme"
    shutil.copytree(PROJECT / "theme", theme)
    entry = theme / "templates/entry.html"
    text = entry.read_text(encoding="utf-8")
    entry.write_text(text.replace("{% block content %}", "{% block content %}" + lookup, 1), encoding="utf-8")
    found = undeclared_reads(theme, tmp_path / "output")
    assert found and all(path.startswith("column/") for path in found), found
    assert all("latest" in names or any(n.startswith("undefined") for n in names) for names in found.values())
