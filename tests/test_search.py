"""Search on the built demo site, run in Chromium through the search page's own code, scored against the known-answer set tests/search_answers.yml (judged by
reading the records), plus what the search page shows a citizen."""

from __future__ import annotations

import json
import random
import shutil
import unicodedata
import zlib
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from jiandu.site.search_words import query_words
from tests.support.project import CONF, PROJECT
from tests.support.search_index import Bundle, base36
from tests.support.server import QuietHandler, serving

ANSWERS = yaml.safe_load((PROJECT / "tests" / "search_answers.yml").read_text(encoding="utf-8"))
REPORT = PROJECT / "test-output" / "search-quality.json"
TOP = 10

FIND = """async ([query, filters, newest, top]) => {
    const page = await import(new URL('../theme/search.js', document.baseURI).href);
    const found = await page.find(query, filters, newest);
    const shown = await Promise.all(found.results.slice(0, top).map((r) => r.data()));
    return {total: found.results.length, urls: shown.map((d) => d.url.replace(/^\\//, '')),
            meta: shown.map((d) => d.meta)};
}"""


@pytest.fixture(scope="module")
def search_tab(browser, site_url):
    tab = browser.new_page()
    tab.goto(site_url + "search/")
    yield tab
    tab.close()


@pytest.fixture(scope="module")
def search(search_tab):
    """The search page's own find(): query words, Traditional folding, the index."""
    def run(query: str, filters: dict | None = None, newest: bool = False) -> dict:
        return search_tab.evaluate(FIND, [query, filters or {}, newest, TOP])
    return run


def score(urls: list[str], relevant: list[str]) -> tuple[float, float]:
    """recall@10 (of what can fit in ten) and reciprocal rank of the first relevant page."""
    hits = [u for u in urls[:TOP] if u in relevant]
    recall = len(hits) / min(len(relevant), TOP)
    rank = next((i + 1 for i, u in enumerate(urls[:TOP]) if u in relevant), None)
    return recall, 1 / rank if rank else 0.0


def test_known_answer_set_is_well_formed(demo_site):
    kinds = {a["kind"] for a in ANSWERS}
    assert len(ANSWERS) >= 40
    assert {"full name", "short name", "alias", "bare name", "district", "street", "short word",
            "synonym", "traditional", "word", "phrase"} <= kinds
    for answer in ANSWERS:
        assert answer["relevant"], answer["query"]
        assert answer.get("first", answer["relevant"][0]) == answer["relevant"][0], answer["query"]
        for url in answer["relevant"]:
            assert (demo_site / url / "index.html").is_file(), f"{answer['query']}: {url}"


def test_search_quality(search):
    """recall@10 >= 0.95 and MRR >= 0.85 over the known-answer set; each own page first."""
    rows, wrong_first = [], []
    for answer in ANSWERS:
        found = search(answer["query"])
        recall, reciprocal = score(found["urls"], answer["relevant"])
        rows.append({"query": answer["query"], "kind": answer["kind"], "recall@10": recall,
                     "reciprocal rank": reciprocal, "top": found["urls"][:3],
                     "missing": [u for u in answer["relevant"][:TOP] if u not in found["urls"]]})
        if "first" in answer and found["urls"][:1] != [answer["first"]]:
            wrong_first.append(f"{answer['query']}: {found['urls'][:1]} instead of {answer['first']}")
    recall = sum(r["recall@10"] for r in rows) / len(rows)
    mrr = sum(r["reciprocal rank"] for r in rows) / len(rows)
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps({"recall@10": recall, "MRR": mrr, "queries": rows},
                                 ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nknown-answer set, {len(rows)} queries: recall@10 {recall:.3f}, MRR {mrr:.3f}")
    for r in rows:
        print(f"  {r['query']:<16} {r['kind']:<12} R@10 {r['recall@10']:.2f} RR {r['reciprocal rank']:.2f}"
              + (f"  missing {r['missing']}" if r["missing"] else ""))
    assert not wrong_first, "a page's own name does not rank it first:\n" + "\n".join(wrong_first)
    assert recall >= 0.95, f"recall@10 {recall:.3f}"
    assert mrr >= 0.85, f"MRR {mrr:.3f}"


def test_query_words_in_the_browser_equal_python_ones(search_tab):
    rng = random.Random(12)
    samples = ["济南市城市管理局", "暖氣 不熱", "ＰＭ２．５超标", "12345热线", "槐", "㐀龥", "道德街街道",
               "“门前三包”", "A 市 b", "", "济南市" * 200]  # a pasted wall of text: 16 words at most
    samples += ["".join(rng.choice("槐荫区城管局暖气噪声 ab1,。濟") for _ in range(rng.randint(1, 12)))
                for _ in range(200)]
    in_browser = search_tab.evaluate("""async (samples) => {
        const page = await import(new URL('../theme/search.js', document.baseURI).href);
        return samples.map((s) => page.queryWords(s));
    }""", samples)
    assert in_browser == [query_words(s) for s in samples]
    assert len(query_words("".join(chr(0x4E00 + i) for i in range(500)))) == 16


def test_the_page_finds_what_the_tests_reader_finds(search_tab, demo_site):
    """The browser's search against a second implementation (tests/support/search_index.py):
    the same pages in the same order, and the same scores, for queries of every kind."""
    bundle = Bundle(demo_site / "search-index")
    rng = random.Random(4)
    queries = [a["query"] for a in ANSWERS] + ["水", "质", "12345", "没有这个词", "市中区 供暖"]
    texts = [m.get_text(" ") for m in (BeautifulSoup((demo_site / f"column/2016-{n:03d}/index.html")
                                                     .read_text("utf-8"), "html.parser").main for n in (1, 7))]
    queries += [t[i:i + rng.randint(1, 6)] for t in texts for i in rng.sample(range(len(t) - 6), 20)]
    filters = [{}, {"kind": "专栏"}, {"department": "济南市城市管理局", "year": "2016"}]
    cases = [[q, rng.choice(filters)] for q in queries]
    in_browser = search_tab.evaluate("""async (cases) => {
        const page = await import(new URL('../theme/search.js', document.baseURI).href);
        const out = [];
        for (const [query, filters] of cases) {
            const found = await page.find(query, filters);
            out.push(found.results.map((r) => [r.page, r.score]));
        }
        return out;
    }""", cases)
    t2s = bundle.entry["t2s"]
    for (query, chosen), found in zip(cases, in_browser, strict=True):
        folded = "".join(t2s.get(ch, ch) for ch in unicodedata.normalize("NFKC", query).lower())
        expected = bundle.search(query_words(folded), chosen)
        assert [tuple(r) for r in found] == expected, (query, chosen)
    assert sum(1 for found in in_browser if found) > len(cases) / 2


def test_traditional_query_finds_what_simplified_finds(search):
    assert search("暖氣")["urls"] == search("暖气")["urls"]
    assert search("濟南市城市管理局")["urls"][0] == "departments/cgj/"


def test_newest_first_sorting_lists_records_by_date(search):
    newest = search("供暖", newest=True)
    dates = [m["date"] for m in newest["meta"]]
    assert len(dates) >= 3 and dates == sorted(dates, reverse=True)
    assert search("供暖")["urls"] != newest["urls"]


def test_filters_narrow_results(search):
    everything = search("占道经营")
    narrowed = search("占道经营", {"department": "济南市城市管理局"})
    assert 0 < narrowed["total"] < everything["total"]
    assert set(narrowed["urls"]) <= set(everything["urls"])
    assert all(u.startswith("column/") for u in search("占道经营", {"kind": "专栏"})["urls"])


def test_result_shows_kind_date_departments_and_status(page, site_url):
    page.goto(site_url + "search/?q=%E8%BD%A6%E8%BD%BD%E7%9B%91%E6%8E%A7%E5%BD%95%E5%83%8F")  # 车载监控录像
    first = page.locator("#search-results li").first
    first.wait_for()
    assert first.locator("a").get_attribute("href").endswith("column/2016-016/")
    facts = first.locator(".jd-result__fact").all_inner_texts()
    assert [f.split("：")[0] for f in facts] == ["类型", "日期", "部门", "状态"]
    assert "日期：2016-02-28" in facts and "状态：已办结" in facts
    assert "共找到 1 条记录" in page.inner_text("#search-status")


def test_nothing_found_suggests_the_closest_names(page, site_url):
    page.goto(site_url + "search/?q=%E6%A7%90%E9%98%B4")  # 槐阴, a misspelt 槐荫
    suggestions = page.locator("#search-suggestions")
    suggestions.wait_for()
    names = suggestions.locator("a").all_inner_texts()
    assert names and names[0] == "济南市槐荫区人民政府", names
    assert "没有找到" in page.inner_text("#search-status")
    page.locator("#search-suggestions a").first.click()
    assert "/departments/" in page.url


def test_a_query_of_two_names_run_together_finds_their_page(page, site_url):
    """槐荫城管: the district's bureau is also indexed as 槐荫城管局; 历下环保: no page holds 下环,
    where the two names meet, so it is left out and the page says so."""
    page.goto(site_url + "search/?q=%E6%A7%90%E8%8D%AB%E5%9F%8E%E7%AE%A1")  # 槐荫城管
    first = page.locator("#search-results li a").first
    first.wait_for()
    assert first.get_attribute("href").endswith("departments/hy-cgj/")
    assert "大部分" not in page.inner_text("#search-status")
    page.goto(site_url + "search/?q=%E5%8E%86%E4%B8%8B%E7%8E%AF%E4%BF%9D")  # 历下环保
    page.locator("#search-results li").first.wait_for()
    assert page.inner_text("#search-status").endswith("没有记录包含输入的全部文字，以下记录包含其中大部分。")
    facts = " ".join(page.locator(".jd-result__meta").all_inner_texts())
    assert "历下" in facts


def test_sort_control_is_a_labelled_form_field(page, site_url):
    page.goto(site_url + "search/?q=%E4%BE%9B%E6%9A%96&sort=date")  # 供暖
    page.locator("#search-results li").first.wait_for()
    assert page.locator("#search-sort").input_value() == "date"
    assert page.get_by_label("排序").count() == 1
    page.keyboard.press("Tab")  # reachable by keyboard like the other fields
    dates = [t.split("：")[1] for t in page.locator(".jd-result__fact").all_inner_texts()
             if t.startswith("日期")]
    assert dates == sorted(dates, reverse=True)


def test_search_bundle_is_byte_identical_across_builds(demo_site, tmp_path):
    from jiandu.commands.build import build

    again = tmp_path / "again"
    build(CONF, again)
    first, second = demo_site / "search-index", again / "search-index"
    names = sorted(p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(second).as_posix() for p in second.rglob("*") if p.is_file())
    assert any("/f/" in n for n in names) and any("/w/" in n for n in names)
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_the_index_is_an_entry_and_one_folder_named_by_its_content(demo_site):
    folder = demo_site / "search-index"
    bundle = Bundle(folder)
    assert sorted(p.name for p in folder.iterdir()) == sorted(["entry.json", bundle.entry["id"]])
    assert sorted(p.name for p in (folder / bundle.entry["id"]).iterdir()) == ["f", "places.jds", "r", "w"]
    per_file = bundle.entry["results"]
    assert -(-bundle.entry["pages"] // per_file) == len(list((folder / bundle.entry["id"] / "r").iterdir()))
    assert not (demo_site / "pagefind").exists()


def test_pages_carry_no_indexing_markup(demo_site):
    """The index is built from the records; pages carry no hidden search text."""
    for path in [demo_site / "column/2016-001/index.html", demo_site / "departments/cgj/index.html"]:
        assert "data-pagefind" not in path.read_text(encoding="utf-8")


def test_results_link_into_a_site_served_from_a_folder(demo_site, tmp_path, page):
    """A bureau may publish the site under a folder of its own server: result links stay in it."""
    (tmp_path / "jiandu").symlink_to(demo_site, target_is_directory=True)
    with serving(tmp_path) as server:
        page.goto(f"{server.url}/jiandu/search/?q=%E5%8D%A0%E9%81%93%E7%BB%8F%E8%90%A5")  # 占道经营
        first = page.locator("#search-results li a").first
        first.wait_for()
        hrefs = page.locator("#search-results li a").evaluate_all("(links) => links.map((a) => a.href)")
        assert hrefs and all(h.startswith(f"{server.url}/jiandu/") for h in hrefs), hrefs
        first.click()
        page.wait_for_load_state()
        assert page.url.startswith(f"{server.url}/jiandu/") and page.locator("h1").count() == 1


def test_a_search_open_while_the_site_is_published_again_searches_the_new_index(demo_site, tmp_path, page):
    """The index's files move to a new folder on each publication: a page that still holds the
    old one searches again instead of failing."""
    site = tmp_path / "site"
    shutil.copytree(demo_site, site)
    with serving(site) as server:
        page.goto(f"{server.url}/search/?kind=%E4%B8%93%E6%A0%8F")  # 专栏: more than ten results
        page.locator("#search-results li").nth(9).wait_for()
        total = page.inner_text("#search-status")
        entry_file = site / "search-index" / "entry.json"
        entry = json.loads(entry_file.read_text("utf-8"))
        (site / "search-index" / entry["id"]).rename(site / "search-index" / "republished")
        entry_file.write_text(json.dumps({**entry, "id": "republished"}), "utf-8")
        page.evaluate("document.getElementById('search-results').firstElementChild.dataset.old = 'yes'")
        page.click("#search-more")  # its results are in the old folder, gone now: searched again
        page.wait_for_function("!document.querySelector('#search-results li[data-old]')")
        page.locator("#search-results li").nth(9).wait_for()
        assert page.inner_text("#search-status") == total
        page.click("#search-more")
        page.locator("#search-results li").nth(19).wait_for()
        urls = page.locator("#search-results li a").evaluate_all("(links) => links.map((a) => a.href)")
        assert len(urls) == len(set(urls)) == 20


def test_a_damaged_index_file_gives_a_message_not_a_hung_page(demo_site, tmp_path, page):
    site = tmp_path / "site"
    shutil.copytree(demo_site, site)
    bundle = Bundle(site / "search-index")
    words = query_words("暖气")
    bucket = zlib.crc32(words[0].encode()) & (bundle.entry["buckets"] - 1)
    path = site / "search-index" / bundle.entry["id"] / "w" / f"{base36(bucket)}.jds"
    raw = bundle.file(f"w/{base36(bucket)}.jds")
    path.write_bytes(raw[:len(raw) // 2] + b"\xff")  # cut short, a continued varint at the end
    with serving(site) as server:
        page.goto(f"{server.url}/search/?q=%E6%9A%96%E6%B0%94")
        page.wait_for_function("document.getElementById('search-status').textContent.includes('无法使用')",
                               timeout=10_000)
    assert page.locator("#search-results li").count() == 0


def test_department_names_include_joined_and_city_forms():
    from types import SimpleNamespace

    from jiandu.site.search import department_names

    district = SimpleNamespace(name="济南市历下区人民政府", short="历下区", aliases=[])
    bureau = SimpleNamespace(name="历下区城市管理局", short="历下区城管局", aliases=[])
    assert department_names(bureau, district) == ["历下区城市管理局", "历下区城管局", "历下城市管理局", "历下城管局"]
    city = SimpleNamespace(name="济南市城市管理局", short="市城管局", aliases=[])
    assert department_names(city) == ["济南市城市管理局", "城市管理局", "济南城市管理局", "市城管局", "城管局",
                                      "济南城管局"]


class FailingOnce(QuietHandler):
    """A phone's network: once armed, the next result file fails, once."""

    armed = False

    def do_GET(self):
        if "/r/" in self.path and FailingOnce.armed:
            FailingOnce.armed = False
            self.send_error(503)
            return None
        return super().do_GET()


def test_more_results_are_asked_for_again_after_a_failed_request(demo_site, page):
    FailingOnce.armed = False
    with serving(demo_site, FailingOnce) as server:
        page.goto(f"{server.url}/search/?kind=%E4%B8%93%E6%A0%8F")  # 专栏: more than ten results
        page.locator("#search-results li").nth(9).wait_for()
        FailingOnce.armed = True  # the file of the eleventh result, newest first, is not yet read
        page.click("#search-more")
        page.wait_for_function("document.getElementById('search-status').textContent.includes('没能加载')")
        assert page.locator("#search-results li").count() == 10 and page.locator("#search-more").is_visible()
        page.click("#search-more")
        page.locator("#search-results li").nth(19).wait_for()
        assert page.inner_text("#search-status").startswith("共找到 50 条记录，已显示前 20 条")


def test_a_page_older_than_the_index_format_asks_to_be_reloaded(demo_site, tmp_path, page):
    """A search page left open while the site is republished with a newer index format: its
    script cannot read the new files, so it says to reload rather than failing on them."""
    site = tmp_path / "site"
    shutil.copytree(demo_site, site, symlinks=True)
    entry = site / "search-index" / "entry.json"
    newer = json.loads(entry.read_text("utf-8"))
    newer["format"] += 1
    entry.write_text(json.dumps(newer, ensure_ascii=False), "utf-8")
    with serving(site) as server:
        page.goto(f"{server.url}/search/?q=%E5%8D%A0%E9%81%93%E7%BB%8F%E8%90%A5")  # 占道经营
        page.wait_for_function("document.getElementById('search-status').textContent.includes('刷新')")
        assert page.inner_text("#search-status") == "网站刚刚更新，请刷新本页后再搜索。"
        assert page.locator("#search-results li").count() == 0


class ReplacedMidSearch(QuietHandler):
    """The site republished while a search runs: when the first word list is asked for, the index
    moves to a folder of a new name (as a new build's does) and that request finds nothing."""

    replaced = False

    def do_GET(self):
        if "/w/" in self.path and not ReplacedMidSearch.replaced:
            ReplacedMidSearch.replaced = True
            folder = Path(self.directory) / "search-index"
            entry = json.loads((folder / "entry.json").read_text("utf-8"))
            (folder / entry["id"]).rename(folder / "0republished")
            entry["id"] = "0republished"
            (folder / "entry.json").write_text(json.dumps(entry, ensure_ascii=False), "utf-8")
        return super().do_GET()


def test_a_search_that_meets_a_newer_index_is_done_again_on_it(demo_site, tmp_path, page):
    site = tmp_path / "site"
    shutil.copytree(demo_site, site, symlinks=True)
    ReplacedMidSearch.replaced = False
    with serving(site, ReplacedMidSearch) as server:
        page.goto(f"{server.url}/search/")
        found = page.evaluate("""async () => {
            const search = await import(new URL('../theme/search.js', document.baseURI).href);
            const found = await search.find('占道经营');
            return Promise.all(found.results.map(async (r) => (await r.data()).url));
        }""")
    assert ReplacedMidSearch.replaced
    expected = Bundle(demo_site / "search-index")
    assert found == [expected.result(p)["url"] for p, _ in expected.search(query_words("占道经营"))]
    assert found
