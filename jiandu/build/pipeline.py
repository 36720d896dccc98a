"""The build, stage by stage: read and validate, index, plan the outputs, render and write.

One Pipeline serves both a full build and the live preview, which keeps it between edits and
writes again only the outputs that an edit touches.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from jiandu.build.manifest import FileEntry, remember_written, written_entry
from jiandu.build.render import css_bundle, make_env, render_output, shared_context
from jiandu.build.search_index import Gathered, SearchIndexError, finish_search_index, gather_search_index
from jiandu.content.model import Site
from jiandu.content.tree import ContentTree
from jiandu.core import routes, staging
from jiandu.core.files import write_if_changed
from jiandu.core.settings import Settings
from jiandu.core.workers import run_split_beside
from jiandu.site.indexes import Indexes, build_indexes, effective_status
from jiandu.site.pages import Output, site_pages
from jiandu.site.search import search_docs, search_places

SEARCH_LOCK_WAIT = 60  # seconds the preview's search writer waits for the output's lock


@dataclass
class Update:
    written: list[str]
    removed: list[str]
    seconds: float


class Pipeline:
    def __init__(self, settings: Settings, theme: Path, output: Path, progress=None):
        self.settings = settings
        self.theme = theme
        self.output = output
        self.progress = progress
        self.tree = ContentTree(settings.root, settings)
        self.site: Site | None = None
        self.outputs: dict[str, Output] = {}
        self.search_process = None  # the preview's search bundle being written, if any
        self._plan: tuple | None = None  # (site, idx, outputs) of the last plan
        self.css = css_bundle(theme)
        self.env = make_env(theme, settings, self.css)  # the theme does not change under a pipeline
        for name in self.env.list_templates():  # compile once, before workers fork
            self.env.get_template(name)

    def read(self) -> tuple[Site, Indexes]:
        """Re-read what changed and validate the whole tree; raises ContentError."""
        self.tree.refresh(self.progress)
        site = self.tree.site()
        return site, build_indexes(site)

    def build(self) -> Update:
        """Write every output."""
        started = time.monotonic()
        written = self.write_all(*self.read())
        return Update(written, [], time.monotonic() - started)

    def adopt(self) -> None:
        """Take over an output folder that a full build of the same tree just wrote."""
        site, idx = self.read()
        self._remember(site, site_pages(site, idx))

    def plan(self, site: Site, idx: Indexes) -> list[Output]:
        """The page plan of a read: made once, for the address check before writing and for the
        writing itself."""
        if self._plan is None or self._plan[0] is not site or self._plan[1] is not idx:
            self._plan = (site, idx, site_pages(site, idx))
        return self._plan[2]

    def write_all(self, site: Site, idx: Indexes) -> list[str]:
        """Write every page and the search index. The index's first half (every page's words, and
        the result files) is worked out by a page worker before it takes pages, so that no core
        waits; the word lists come after the pages, not beside them: a forked writer of the whole
        index next to the page workers took the build to 673 MB at 10,000 records (BENCHMARKS.md)."""
        outputs = self.plan(site, idx)
        gather = self._search_gatherer(site)
        written, gathered = self._write(site, outputs, beside=gather)
        if gather:
            written += self._write_search(site, gathered=gathered)
        remember_written(self.output, written)
        self._remember(site, outputs)
        return [o.path for o in outputs]

    def update(self, search_later: bool = False) -> Update:
        """Write again only what changed since the last build or update. With `search_later`
        (the live preview) the search bundle is rewritten in a forked process after the pages,
        so a save shows its pages at once and is findable seconds later."""
        started = time.monotonic()
        before_registry = self.tree.registry_stamp
        site, idx = self.read()
        outputs = site_pages(site, idx)
        if self.site is None or site.as_of != self.site.as_of or before_registry != self.tree.registry_stamp:
            stale = outputs  # what every page shows (department names, as-of date) changed
        else:
            changed = changed_keys(self.site, site)
            stale = [o for o in outputs if o.stale(self.outputs.get(o.path), changed)]
        removed = sorted(set(self.outputs) - {o.path for o in outputs})
        for path in removed:
            (self.output / path).unlink(missing_ok=True)
        self._write(site, stale)
        if stale or removed or self.site is None or site.synonyms != self.site.synonyms:
            self._search_in_background(site, report=True) if search_later else self._write_search(site)
        self._remember(site, outputs)
        return Update([o.path for o in stale], removed, time.monotonic() - started)

    def _write(self, site: Site, outputs: list[Output], beside=None) -> tuple[list[FileEntry], object]:
        """Write the theme's assets and `outputs`; what each file now holds, hashed, and what
        `beside` returned (run_split_beside) if given."""
        assets = [(routes.CSS_BUNDLE, self.css)]
        assets += [(routes.asset(script.name), script.read_bytes())  # search, and the 长辈版 switch
                   for script in sorted((self.theme / "js").glob("*.js"))]
        assets += [(routes.image(image.name), image.read_bytes())  # the site's own images, no CDN
                   for image in sorted((self.theme / "images").glob("*.*"))]
        env, shared = self.env, shared_context(site)

        def write(output: Output) -> FileEntry:
            return self._write_file(output.path, render_output(env, output, site, shared))

        written = [self._write_file(path, data) for path, data in assets]
        pages, result = run_split_beside(beside, write, outputs, progress=self.progress, label="生成页面")
        return written + pages, result

    def _write_file(self, path: str, data: bytes) -> FileEntry:
        """Write one output unless it holds these bytes already (keeping its mtime)."""
        write_if_changed(os.path.join(self.output, path), data)
        return written_entry(path, data)

    def _search_gatherer(self, site: Site):
        """The search index's first half for `site` (search_index.gather_search_index), to run
        beside the pages; None if the site has no search."""
        if not self.settings.search:
            return None
        status_of = partial(effective_status, as_of=site.as_of)
        bundle = self.output / routes.SEARCH_INDEX
        return partial(gather_search_index, search_docs(site, status_of), bundle)

    def _write_search(self, site: Site, report: bool = False,
                      gathered: Gathered | None = None) -> list[FileEntry]:
        """Write the search index (if the site has search), from its first half if `gathered`;
        the files written, hashed."""
        if not self.settings.search:
            return []
        started = time.monotonic()
        gathered = gathered or self._search_gatherer(site)()
        written = finish_search_index(gathered, self.output / routes.SEARCH_INDEX, search_places(site))
        if report:
            print(f"搜索索引已更新，用时 {time.monotonic() - started:.3f} 秒", flush=True)
        return [e.under(routes.SEARCH_INDEX) for e in written]

    def _search_in_background(self, site: Site, report: bool = False) -> None:
        """Write the search bundle in a forked process; wait_for_search() collects it."""
        self.wait_for_search(cancel=True)  # a newer save supersedes a bundle still being written
        if not self.settings.search:
            return
        self.search_process = multiprocessing.get_context("fork").Process(
            target=self._search_child, args=(site, report), daemon=True)
        self.search_process.start()

    def _search_child(self, site: Site, report: bool) -> None:
        """Writes the bundle holding the output's lock, once the update that started it let go."""
        try:
            with staging.hold(staging.output_lock(self.output), wait=SEARCH_LOCK_WAIT):
                self._write_search(site, report)
        except (SearchIndexError, staging.LockHeld) as err:
            print(err, file=sys.stderr, flush=True)
            sys.exit(1)

    def wait_for_search(self, cancel: bool = False) -> None:
        """Wait for the search bundle (or stop it); SearchIndexError if writing it failed."""
        process, self.search_process = self.search_process, None
        if process is None:
            return
        if cancel:
            process.terminate()
        process.join()
        if process.exitcode and not cancel:
            raise SearchIndexError(f"生成搜索索引失败（退出码 {process.exitcode}）。")

    def _remember(self, site: Site, outputs: list[Output]) -> None:
        self.site = site
        self.outputs = {o.path: o for o in outputs}


def changed_keys(before: Site, after: Site) -> set[str]:
    """Keys of records added, removed or different (unchanged files keep the same objects)."""
    old = {r.key: r for r in (*before.inquiries, *before.entries)}
    new = {r.key: r for r in (*after.inquiries, *after.entries)}
    return {k for k in old.keys() | new.keys() if old.get(k) is not new.get(k) and old.get(k) != new.get(k)}
