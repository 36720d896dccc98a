"""The search bundle writer against Pagefind itself: the same pages, indexed once by the pinned
Pagefind binary from HTML and once by build/search_index.py, decode to the same index."""

from __future__ import annotations

import gzip
import json
import random
import subprocess
from pathlib import Path

import cbor2

from jiandu.build.search_index import (
    DEFAULT_UNIT,
    HEADER,
    PAGEFIND_VERSION,
    _rounded_count,
    pagefind_binary,
    write_search_index,
)
from jiandu.site.search import SearchDoc

VOCABULARY = [a + b + "x" for a in "abcdefghij" for b in "klmnop"]  # letters only: Pagefind splits digits off
WEIGHTS = [24, 12, 48, 120, 240]  # Pagefind's units: 24 is data-pagefind-weight 1


def sample_docs(count: int = 45, weights: list[int] = WEIGHTS) -> list[SearchDoc]:
    rng = random.Random(7)
    docs = []
    for n in range(count):
        words = {w: rng.choice(weights) for w in rng.sample(VOCABULARY, rng.randint(1, 25))}
        filters = {"kind": [rng.choice(["问政", "专栏"])], "year": [str(rng.randint(2012, 2016))]}
        docs.append(SearchDoc(f"p{n:02d}/", words, {"title": f"T{n}"}, filters))
    return docs


def as_html(doc: SearchDoc) -> str:
    words = "".join(f'<div data-pagefind-weight="{w / 24}">{word}</div>' for word, w in doc.words.items())
    filters = "".join(f'<span data-pagefind-filter="{k}:{v}"></span>'
                      for k, values in doc.filters.items() for v in values)
    return f'<html lang="zh-cn"><body>{words}{filters}</body></html>'


def decode(bundle: Path) -> dict:
    """The bundle as plain data keyed by URL, independent of page numbering and file names."""
    def read(path: Path):
        raw = gzip.decompress(path.read_bytes())
        assert raw.startswith(HEADER)
        return raw[len(HEADER):]

    entry = json.loads((bundle / "pagefind-entry.json").read_text())
    (language, info), = entry["languages"].items()
    meta = cbor2.loads(read(bundle / f"pagefind.{info['hash']}.pf_meta"))
    urls = [json.loads(read(bundle / "fragment" / f"{h}.pf_fragment"))["url"] for h, _ in meta[1]]
    words = {}
    for low, high, chunk in meta[2]:
        for word, pages, _variants in cbor2.loads(read(bundle / "index" / f"{chunk}.pf_index"))[0]:
            page, postings = 0, []
            for step, locs, _meta_locs in pages:
                page += step  # page numbers are stored as steps from the previous one
                if locs:
                    postings.append((urls[page], located(locs)))
            assert low <= word[:len(low)] and word[:len(high)] <= high, (word, low, high)
            if postings:  # Pagefind also indexes meta values; the writer does not
                words[word] = sorted(postings)
    positions = {}
    for postings in words.values():
        for url, pairs in postings:
            positions.setdefault(url, []).extend(p for _, p in pairs)
    filters = {}
    for _name, chunk in meta[3]:
        filter_name, values = cbor2.loads(read(bundle / "filter" / f"{chunk}.pf_filter"))
        filters[filter_name] = {v: sorted(urls[p] for p in pages) for v, pages in values}
    return {"version": meta[0], "language": language, "page_count": info["page_count"],
            "word_counts": dict(zip(urls, (c for _, c in meta[1]), strict=True)), "words": words,
            "filters": filters, "sorts": {name: [urls[p] for p in pages] for name, pages in meta[4]},
            "weights": {w: [(u, tuple(wt for wt, _ in pairs)) for u, pairs in ps] for w, ps in words.items()},
            "positions": {u: sorted(p) for u, p in positions.items()}}


def located(locs: list[int]) -> tuple:
    """(weight, position) pairs: a negative number sets the weight of the positions after it;
    before any, the weight is the client's default."""
    weight, pairs = DEFAULT_UNIT, []
    for loc in locs:
        if loc < 0:
            weight = -loc - 1
        else:
            pairs.append((weight, loc))
    return tuple(pairs)


def test_writer_matches_the_pagefind_binary(tmp_path):
    docs = sample_docs()
    site = tmp_path / "site"
    for doc in docs:
        (site / doc.url).mkdir(parents=True)
        (site / doc.url / "index.html").write_text(as_html(doc), encoding="utf-8")
    subprocess.run([str(pagefind_binary()), "--site", str(site), "--silent"], check=True, timeout=120)
    write_search_index(docs, tmp_path / "written")
    by_pagefind, written = decode(site / "pagefind"), decode(tmp_path / "written")
    assert written["version"] == by_pagefind["version"] == PAGEFIND_VERSION
    # the same words on the same pages with the same weights; positions are the writer's own
    # (commonest words first), a different order of the same distinct positions on each page
    assert written["weights"] == by_pagefind["weights"]
    assert len(written["words"]) > 50
    assert written["positions"] == by_pagefind["positions"]
    assert all(p == list(range(len(p))) for p in written["positions"].values())
    assert written["word_counts"] == {u: _rounded_count(c) for u, c in by_pagefind["word_counts"].items()}
    assert written["filters"] == by_pagefind["filters"]
    assert written["sorts"] == by_pagefind["sorts"] == {}  # newest first is the page order
    assert written["page_count"] == by_pagefind["page_count"] == len(docs)


def test_many_chunks_cover_every_word_once(tmp_path, monkeypatch):
    import jiandu.build.search_index as writer

    monkeypatch.setattr(writer, "CHUNK_POSTINGS", 20)
    monkeypatch.setattr(writer, "CHUNKS_PER_BATCH", 3)  # encoded in several batches
    docs = sample_docs(60)
    write_search_index(docs, tmp_path / "bundle")
    decoded = decode(tmp_path / "bundle")  # asserts each word lies inside its chunk's bounds
    assert len(list((tmp_path / "bundle" / "index").iterdir())) > 10
    expected, pages_of = {}, {}
    for doc in docs:
        for word, weight in doc.words.items():
            expected.setdefault(word, []).append(("/" + doc.url, (weight,)))
            pages_of[word] = pages_of.get(word, 0) + 1
    assert decoded["weights"] == {w: sorted(p) for w, p in expected.items()}
    for doc in docs:  # positions: 0, 1, … on each page, the words on most pages first
        by_position = sorted((p, w) for w, postings in decoded["words"].items()
                             for url, pairs in postings if url == "/" + doc.url for _, p in pairs)
        assert [p for p, _ in by_position] == list(range(len(doc.words)))
        counts = [pages_of[w] for _, w in by_position]
        assert counts == sorted(counts, reverse=True)


def test_rewriting_replaces_the_bundle_whole(tmp_path):
    bundle = tmp_path / "pagefind"
    write_search_index(sample_docs(30), bundle)
    write_search_index(sample_docs(10), bundle)
    assert decode(bundle)["page_count"] == 10
    assert len(list((bundle / "fragment").iterdir())) == 10  # nothing left of the first index
    assert len(list(bundle.glob("pagefind.*.pf_meta"))) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["pagefind"]  # no staging folder left behind


def test_a_failing_pagefind_leaves_the_published_folder_as_it_was(tmp_path, monkeypatch):
    import io

    from jiandu.build import search_index
    from jiandu.commands.build import build_or_report
    from jiandu.commands.testing import FIXTURE, FIXTURE_SETTINGS
    from tests.support.project import CONF, PROJECT

    output = tmp_path / "output"
    output.mkdir()
    (output / "index.html").write_text("the site as published")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", "/bin/false")
    search_index.client_folder.cache_clear()
    out = io.StringIO()
    try:
        code = build_or_report(CONF, output, PROJECT / FIXTURE, out=out,
                               **{**FIXTURE_SETTINGS, "JIANDU_SEARCH": True})
    finally:
        search_index.client_folder.cache_clear()
    assert code == 1
    assert "运行 Pagefind 失败" in out.getvalue() and "它保持原样" in out.getvalue()
    assert [p.name for p in output.iterdir()] == ["index.html"]
    assert (output / "index.html").read_text() == "the site as published"


def test_pagefind_scores_a_posting_without_weight_as_weight_one(tmp_path, browser):
    """The writer leaves out the weight of weight-1 postings; Pagefind's client must score them
    exactly as it scores the same postings written with the weight."""
    from jiandu.build import search_index
    from tests.support.server import serving

    docs = sample_docs(30, [DEFAULT_UNIT, DEFAULT_UNIT, *WEIGHTS])
    write_search_index(docs, tmp_path / "short" / "pagefind")
    original = search_index.DEFAULT_UNIT
    search_index.DEFAULT_UNIT = -1  # no posting is left without its weight
    try:
        write_search_index(docs, tmp_path / "full" / "pagefind")
    finally:
        search_index.DEFAULT_UNIT = original
    assert (sum(p.stat().st_size for p in (tmp_path / "short").rglob("*.pf_index"))
            < sum(p.stat().st_size for p in (tmp_path / "full").rglob("*.pf_index")))
    scores = {}
    with serving(tmp_path) as server:
        for name in ("short", "full"):
            (tmp_path / name / "index.html").write_text('<html lang="zh-cn"><body></body></html>')
            tab = browser.new_page()
            tab.goto(f"{server.url}/{name}/")
            scores[name] = tab.evaluate("""async (words) => {
                const pagefind = await import('./pagefind/pagefind.js');
                const out = [];
                for (const word of words) {
                    const found = await pagefind.search(word);
                    out.push(found.results.map((r) => [r.id, Math.round(r.score * 1e6)]));
                }
                return out;
            }""", VOCABULARY[:20])
            tab.close()
    assert any(scores["short"]) and scores["short"] == scores["full"]
