"""Freshness: in the live preview (`invoke serve`), a saved edit is findable through the search
page on a 1,000-record site, and the bundle it leaves equals a full build's. The time from save
to findable is reported here and measured in bench/run.py (BENCHMARKS.md); the deadline below
only keeps a broken preview from hanging the suite."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from bench.generate import write_corpus
from jiandu.commands.build import build
from jiandu.commands.serve import Preview
from tests.support.project import CONF, PROJECT
from tests.support.server import serving

AS_OF = "2022-01-01"
NEW_WORDS = "龘靐齉"  # characters in no generated record
DEADLINE = 60
REPORT = PROJECT / "test-output" / "search-freshness.json"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("fresh")
    write_corpus(1000, out)
    return out / "jiandu"


def test_a_saved_edit_is_findable_and_equals_a_full_build(corpus, tmp_path, browser):
    output = tmp_path / "output"
    preview = Preview(CONF, output, root=corpus, out=lambda _: None, JIANDU_AS_OF=AS_OF)
    preview.rebuild_all()
    records = len(list((corpus / "content").rglob("*.md")))
    assert records >= 1000
    entry = sorted((corpus / "content" / "column").glob("*.md"))[7]
    url = f"column/{entry.stem}/"
    stop = threading.Event()
    watcher = threading.Thread(target=preview.watch, args=(stop,), daemon=True)
    watcher.start()
    time.sleep(1)  # let the watcher start
    with serving(output) as server:
        tab = browser.new_page()
        tab.goto(f"{server.url}/search/")
        assert find(tab, NEW_WORDS) == []
        entry.write_text(entry.read_text(encoding="utf-8") + f"\n居民说，{NEW_WORDS}。\n", encoding="utf-8")
        saved = entry.stat().st_mtime
        found = []
        while not found and time.time() - saved < DEADLINE:
            time.sleep(0.1)
            found = find(tab, NEW_WORDS)
        seconds = time.time() - saved
        tab.close()
    stop.set()
    watcher.join(timeout=DEADLINE)
    preview.pipeline.wait_for_search()
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps({"records": records, "save to findable s": round(seconds, 2)}))
    print(f"\n{records} records: findable {seconds:.2f} s after the save")
    assert found[:1] == [url], found
    clean = tmp_path / "clean"
    build(CONF, clean, corpus, JIANDU_AS_OF=AS_OF)
    assert bundle(output) == bundle(clean)


def find(tab, query: str) -> list[str]:
    """A fresh search through the search page's own find() (a new page load each time, so the
    browser reads the bundle as it is now)."""
    tab.reload()
    return tab.evaluate("""async (q) => {
        const page = await import(new URL('../theme/search.js', document.baseURI).href);
        const found = await page.find(q);
        return Promise.all(found.results.slice(0, 3).map(async (r) => (await r.data()).url.slice(1)));
    }""", query)


def bundle(output: Path) -> dict[str, bytes]:
    folder = output / "search-index"
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
