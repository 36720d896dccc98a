"""Search, run through Pagefind itself in Chromium against the built demo site.

The quality set holds queries with known answers. A page is relevant to a query when the text the
index is given for it (its data-pagefind-body, plus its departments' registry names) contains the
query; Pagefind's ranked results are scored against that, in its top max(10, relevant) results.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.conftest import PROJECT

# (query, kind of query, pages that must be among the top results)
QUALITY_SET = [
    ("济南市交通运输局", "full name", ["departments/jtj/", "column/2016-016/"]),
    ("济南市城市管理局", "full name", ["departments/cgj/"]),
    ("济南市住房保障和房产管理局", "full name", ["departments/fgj/"]),
    ("济南市食品药品监督管理局", "full name", ["departments/spj/"]),
    ("济南市环境保护局", "full name", ["departments/hbj/"]),
    ("市城管局", "short name", ["departments/cgj/"]),
    ("市房管局", "short name", ["departments/fgj/"]),
    ("市食药监局", "short name", ["departments/spj/"]),
    ("市交警支队", "short name", ["departments/jjzd/"]),
    ("交通局", "alias", ["departments/jtj/", "column/2016-016/"]),
    ("建委", "alias", ["departments/cjw/"]),
    ("济南交警", "alias", ["departments/jjzd/"]),
    ("市法制办", "alias", ["departments/zfjd/"]),
    ("槐荫区", "district", ["departments/hyq/", "column/2016-001/"]),
    ("历下区", "district", ["column/2016-041/"]),  # its own page ranks below its records
    ("天桥区", "district", ["departments/tqq/"]),
    ("商河县", "district", ["departments/shx/"]),
    ("道德街街道", "street", ["departments/hy-ddj/", "column/2016-001/"]),
    ("暖气", "2-character word", ["column/2016-001/"]),
    ("拒载", "2-character word", ["column/2016-016/"]),
    ("渣土", "2-character word", []),
    ("油烟", "2-character word", []),
    ("占道经营", "word", ["column/2016-014/"]),
    ("车载监控录像", "phrase from a body", ["column/2016-016/"]),
]
REPORT = PROJECT / "test-output" / "search-quality.json"


def indexed_text(html_path: Path) -> str | None:
    """What the page gives the index as text and registry names; None if it is not indexed."""
    soup = BeautifulSoup(html_path.read_text(encoding="utf-8"), "html.parser")
    body = soup.select_one("[data-pagefind-body]")
    if body is None:
        return None
    for ignored in body.select("[data-pagefind-ignore]"):
        ignored.decompose()
    terms = " ".join(s["data-pagefind-meta"] for s in body.select("[data-pagefind-meta^='terms:']"))
    return body.get_text(" ") + " " + terms


@pytest.fixture(scope="module")
def corpus(demo_site) -> dict[str, str]:
    pages = {}
    for path in sorted(demo_site.rglob("index.html")):
        text = indexed_text(path)
        if text is not None:
            pages[path.parent.relative_to(demo_site).as_posix() + "/"] = text
    return pages


@pytest.fixture(scope="module")
def search(browser, site_url):
    """A function running Pagefind's JS API on the site's search page (lang zh-CN, as users do)."""
    tab = browser.new_page()
    tab.goto(site_url + "search/")

    def run(query: str, filters: dict | None = None) -> list[str]:
        urls = tab.evaluate("""async ([q, filters]) => {
            const pagefind = await import('/pagefind/pagefind.js');
            const found = await pagefind.search(q, {filters});
            return Promise.all(found.results.map(async r => (await r.data()).url));
        }""", [query, filters or {}])
        return [u.lstrip("/") for u in urls]

    yield run
    tab.close()


def test_pagefind_index_is_built_in_chinese(demo_site):
    entry = json.loads((demo_site / "pagefind" / "pagefind-entry.json").read_text())
    assert list(entry["languages"]) == ["zh-cn"]
    assert entry["languages"]["zh-cn"]["page_count"] > 100


def test_search_bundle_is_byte_identical_across_builds(demo_site, tmp_path):
    from jiandu.commands.build import build
    from tests.conftest import CONF

    again = tmp_path / "again"
    build(CONF, again)
    first, second = demo_site / "pagefind", again / "pagefind"
    names = sorted(p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(second).as_posix() for p in second.rglob("*") if p.is_file())
    assert any(n.startswith("filter/") for n in names)
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_pagefind_ui_bundles_are_not_published(demo_site):
    assert not list((demo_site / "pagefind").glob("pagefind-*ui*"))


def test_chrome_is_kept_out_of_the_index(corpus):
    for url, text in corpus.items():
        assert "跳到正文" not in text and "市民服务热线" not in text, url
        assert "搜索全站记录" not in text, url


def test_phrase_from_an_entry_body_returns_that_entry_first(search):
    assert search("车载监控录像")[0] == "column/2016-016/"


def test_department_filter_narrows_results(search, corpus):
    everything = search("占道经营")
    narrowed = search("占道经营", {"department": "济南市城市管理局"})
    assert 0 < len(narrowed) < len(everything)
    assert set(narrowed) <= set(everything)
    for url in narrowed:
        assert "济南市城市管理局" in corpus[url], url


def test_kind_and_year_filters(search):
    columns = search("占道经营", {"kind": "专栏"})
    assert columns and all(u.startswith("column/") for u in columns)
    assert all(u.startswith("inquiry/2016-") for u in search("占道经营", {"kind": "问政", "year": "2016"}))


def test_search_quality(search, corpus):
    assert len(QUALITY_SET) >= 20
    rows, missing = [], []
    for query, kind, must in QUALITY_SET:
        relevant = {url for url, text in corpus.items() if query in text}
        assert relevant, f"no page contains {query}: the quality set is stale"
        results = search(query)
        top = results[:max(10, len(relevant))]
        hits = relevant & set(top)
        rows.append({"query": query, "kind": kind, "relevant": len(relevant), "returned": len(results),
                     "precision": len(hits) / len(top) if top else 0.0,
                     "recall": len(hits) / len(relevant)})
        missing += [f"{query}: {url}" for url in must if url not in top]
    precision = sum(r["precision"] for r in rows) / len(rows)
    recall = sum(r["recall"] for r in rows) / len(rows)
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps({"precision": precision, "recall": recall, "queries": rows},
                                 ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nsearch quality on {len(rows)} queries: precision {precision:.3f}, recall {recall:.3f}")
    for r in rows:
        print(f"  {r['query']:<14} {r['kind']:<18} relevant {r['relevant']:>3} returned {r['returned']:>3}"
              f" P {r['precision']:.2f} R {r['recall']:.2f}")
    assert not missing, "expected pages not in the top results:\n" + "\n".join(missing)
    assert recall >= 0.95, f"recall {recall:.3f}"
