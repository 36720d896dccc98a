"""The search index writer (build/search_index.py), read back by the tests' own reader
(tests/support/search_index.py): every posting where a query looks for it, scores equal to
Pagefind's BM25 worked out here independently, and a bundle that is replaced whole."""

from __future__ import annotations

import json
import math
import random
import re
import unicodedata
import zlib
from collections.abc import Sequence

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from jiandu.build.search_index import FORMAT, RESULTS_PER_FILE, write_search_index
from jiandu.site.search import SearchDoc
from jiandu.site.search_words import PUNCTUATION, index_words, normalize, query_words, spell, words_and_pairs
from tests.support.project import PROJECT
from tests.support.search_index import Bundle, base36, read_lists, unpack

WEIGHTS = [25, 12, 48, 120, 240]  # 24 is weight 1; 25 is the text's
TEXT = "济南市槐荫区道德街暖气供热噪声违章建筑的了是一不ab12 "


def sample_docs(count: int = 45, seed: int = 7, alphabet: str = TEXT) -> list[SearchDoc]:
    rng = random.Random(seed)
    docs = []
    for n in range(count):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
        words = {w: rng.choice(WEIGHTS) for w in index_words(text)} or {"x": 25}
        filters = {"kind": [rng.choice(["问政", "专栏"])], "year": [str(rng.randint(2012, 2016))]}
        docs.append(SearchDoc(f"p{n:02d}/", words, {"title": f"T{n}", "text": text}, filters))
    return docs


def expected_postings(docs: list[SearchDoc]) -> dict[str, dict[int, int]]:
    """word -> page -> weight: each word of a page, and each Han pair's first character with
    the highest weight of the pairs it starts."""
    postings: dict[str, dict[int, int]] = {}
    for page, doc in enumerate(docs):
        for word, weight in doc.words.items():
            forms = [word] + ([word[:4]] if len(word) == 7 and word.startswith("9") else [])
            for form in forms:
                pages = postings.setdefault(form, {})
                pages[page] = max(pages.get(page, 0), weight)
    return postings


def pagefind_score(weight: int, length: int, average: float, pages: int, containing: int) -> float:
    """Pagefind 1.5's BM25 for one exact word (pagefind_web/src/search.rs), term saturation 1.4,
    page length 0.5, term similarity 1.0."""
    k1, b = 1.4, 0.5
    bonus = math.exp(math.exp(-0.5 * 1 / 4) * 1.0) / math.exp(1.0)
    x = weight / 24 * bonus
    idf = math.log((pages - containing + 0.5) / (containing + 0.5) + 1)
    return idf * (k1 + 1) * x / (k1 * (1 - b + b * length / average) + x)


def rounded(count: int) -> int:
    step = max(1, 1 << (count.bit_length() - 3)) if count > 8 else 1
    return max(1, round(count / step) * step)


def every_list(bundle: Bundle) -> dict[str, tuple[list[int], list[int]]]:
    lists = {}
    for file in sorted((bundle.folder / bundle.entry["id"] / "w").iterdir()):
        number = int(file.stem, 36)
        for word, postings in read_lists(unpack(file.read_bytes())).items():
            assert zlib.crc32(word.encode()) & (bundle.entry["buckets"] - 1) == number, word
            assert word not in lists, f"{word} in two files"
            lists[word] = postings
    return lists


# What normalize's quick path replaces, and what could interact with it: full-width forms,
# combining marks, compatibility ideographs, letters that change case, Han text.
FOLDABLE = "".join(mark for mark, _ in PUNCTUATION) + "，。、“”Ａｂ１①\u0301\u0327e\uf900\u2f00ẞİ济南ab "


@given(st.text(alphabet=st.sampled_from(FOLDABLE) | st.characters(), max_size=60))
@example("ｅ，\u0301")
@example("：\u0338")
def test_normalize_equals_nfkc_lowered(text):
    assert normalize(text) == unicodedata.normalize("NFKC", text).lower()


def plain_words_and_pairs(folded: str) -> tuple[list[str], set[str]]:
    """The index words, worked out the plain way: each run's pairs and last character, then Latin."""
    runs = [m.group() for m in re.finditer("[\u3400-\u9fff]+", folded)]
    pairs = [run[i:i + 2] for run in runs for i in range(len(run) - 1)]
    han = list(dict.fromkeys(pairs)) + [c for c in dict.fromkeys(run[-1] for run in runs) if c not in pairs]
    latin = list(dict.fromkeys(re.findall("[0-9a-z]+", folded)))
    return [spell(h) for h in han] + latin, set(pairs)


@given(st.text(alphabet=st.sampled_from(FOLDABLE + "暖气供热。a1 ") | st.characters(), max_size=80))
@example("济南济南市，暖气")
def test_index_words_equal_the_plain_way(text):
    folded = normalize(text)
    words, pairs = words_and_pairs(folded)
    expected_words, expected_pairs = plain_words_and_pairs(folded)
    assert words == expected_words
    assert {p for p in pairs if len(p) == 2} == expected_pairs


@pytest.mark.parametrize("bucket_postings", [4000, 7])
def test_every_posting_is_where_a_query_looks_with_pagefinds_score(tmp_path, monkeypatch, bucket_postings):
    import jiandu.build.search_index as writer

    monkeypatch.setattr(writer, "BUCKET_POSTINGS", bucket_postings)
    docs = sample_docs(60)
    write_search_index(docs, tmp_path / "bundle")
    bundle = Bundle(tmp_path / "bundle")
    entry = bundle.entry
    assert entry["pages"] == 60
    assert (entry["buckets"] > 8) == (bucket_postings == 7)
    lists = every_list(bundle)
    expected = expected_postings(docs)
    assert sorted(lists) == sorted(expected)
    lengths = [rounded(len(d.words)) for d in docs]
    average = sum(lengths) / len(lengths)
    for word, pages in expected.items():
        got_pages, got_scores = lists[word]
        assert got_pages == sorted(pages), word
        for page, q in zip(got_pages, got_scores, strict=True):
            score = pagefind_score(pages[page], lengths[page], average, len(docs), len(pages))
            assert q == min(255, round(math.log1p(score) * 64)), (word, page)
    table = entry["scores"]
    assert table == sorted(table) and table[0] == 0 and len(table) == 256


def test_a_query_finds_every_page_holding_it_best_first(tmp_path):
    """Any piece of a page's Han text finds it (Latin words and numbers match whole: below)."""
    docs = sample_docs(80, seed=3, alphabet=TEXT.replace("ab12", ""))
    write_search_index(docs, tmp_path / "bundle")
    bundle = Bundle(tmp_path / "bundle")
    rng = random.Random(5)
    for _ in range(200):
        text = docs[rng.randrange(len(docs))].meta["text"]
        start = rng.randrange(len(text))
        typed = text[start:start + rng.randint(1, 8)]
        words = query_words(typed)
        if not words:
            continue
        found = bundle.search(words)
        holding = {p for p, d in enumerate(docs) if set(words) <= {w for w in expected_postings([d])}}
        assert {p for p, _ in found} == holding, typed
        assert holding, typed  # the text it was cut from holds it
        scores = [s for _, s in found]
        assert scores == sorted(scores, reverse=True)


def test_latin_words_and_numbers_match_whole(tmp_path):
    docs = [SearchDoc("a/", {w: 25 for w in index_words("12345热线 PM2.5")}, {}, {}),
            SearchDoc("b/", {w: 25 for w in index_words("热线 12")}, {}, {})]
    write_search_index(docs, tmp_path / "bundle")
    bundle = Bundle(tmp_path / "bundle")
    assert [p for p, _ in bundle.search(query_words("12345"))] == [0]
    assert [p for p, _ in bundle.search(query_words("ｐｍ２"))] == [0]  # full-width, upper case
    assert [p for p, _ in bundle.search(query_words("12"))] == [1]
    assert bundle.search(query_words("1234")) == []


def test_a_query_word_no_page_holds_is_left_out_while_most_are_found(tmp_path):
    docs = [SearchDoc("a/", {w: 25 for w in index_words("槐荫区 城管局")}, {}, {}),
            SearchDoc("b/", {w: 25 for w in index_words("历下区 城管局")}, {}, {})]
    write_search_index(docs, tmp_path / "bundle")
    bundle = Bundle(tmp_path / "bundle")
    assert [p for p, _ in bundle.search(query_words("槐荫城管"))] == [0]  # 荫城 left out: 2 of 3 found
    assert bundle.search(query_words("槐阴")) == []  # its one pair unknown
    assert bundle.search(query_words("槐阴城")) == []  # one of two found: not enough
    assert bundle.search(query_words("鲲鹏城管局")) == []  # 2 of 4: not most


def test_filters_list_the_pages_of_each_value(tmp_path):
    docs = sample_docs(50)
    write_search_index(docs, tmp_path / "bundle")
    bundle = Bundle(tmp_path / "bundle")
    for name in ("kind", "year"):
        lists = read_lists(bundle.file(f"f/{name}.jds"))
        for value, (pages, scores) in lists.items():
            assert scores is None
            assert pages == [p for p, d in enumerate(docs) if value in d.filters[name]]
    assert {p for p, _ in bundle.search([], {"kind": "专栏", "year": "2014"})} == {
        p for p, d in enumerate(docs) if d.filters["kind"] == ["专栏"] and d.filters["year"] == ["2014"]}


def test_results_and_places_read_back(tmp_path):
    docs = sample_docs(40)
    places = [{"name": "济南市槐荫区人民政府", "url": "departments/hyq/", "names": ["槐荫区", "槐荫"]}]
    write_search_index(docs, tmp_path / "bundle", places)
    bundle = Bundle(tmp_path / "bundle")
    for page in range(40):
        assert bundle.result(page) == {"url": "/" + docs[page].url, "meta": docs[page].meta}
    assert json.loads(bundle.file("places.jds")) == places
    assert bundle.entry["results"] == RESULTS_PER_FILE == 8  # 40 pages: five files of eight
    assert sorted(p.name for p in (bundle.folder / bundle.entry["id"] / "r").iterdir()) == [
        f"{base36(n)}.jds" for n in range(5)]


def test_the_page_reads_the_index_format_it_was_built_with():
    script = (PROJECT / "theme" / "js" / "search.js").read_text(encoding="utf-8")
    assert f"const INDEX_FORMAT = {FORMAT};" in script


def test_rewriting_replaces_the_bundle_whole(tmp_path):
    folder = tmp_path / "search-index"
    write_search_index(sample_docs(30), folder)
    first_id = Bundle(folder).entry["id"]
    write_search_index(sample_docs(10), folder)
    bundle = Bundle(folder)
    assert bundle.entry["pages"] == 10 and bundle.entry["id"] != first_id
    assert sorted(p.name for p in folder.iterdir()) == sorted(["entry.json", bundle.entry["id"]])
    assert len(list((folder / bundle.entry["id"] / "r").iterdir())) == 2  # 10 pages; nothing left of the first
    assert [p.name for p in tmp_path.iterdir()] == ["search-index"]  # no staging folder left behind


def test_the_bundle_is_named_by_its_content(tmp_path):
    write_search_index(sample_docs(30), tmp_path / "a")
    write_search_index(sample_docs(30), tmp_path / "b")
    write_search_index(sample_docs(30, seed=8), tmp_path / "c")
    ids = [Bundle(tmp_path / n).entry["id"] for n in "abc"]
    assert ids[0] == ids[1] != ids[2]
    a, b = tmp_path / "a", tmp_path / "b"
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert all((a / f).read_bytes() == (b / f).read_bytes() for f in files)


def test_one_process_and_two_write_the_same_bytes(tmp_path, monkeypatch):
    import jiandu.build.search_index as writer
    import jiandu.site.search_words as search_words

    class Lazy(Sequence):  # words worked out where the page is asked for, as site/search.py does
        def __init__(self, docs):
            self.docs = docs

        def __len__(self):
            return len(self.docs)

        def __getitem__(self, page):
            doc = self.docs[page]
            text = doc.meta["text"] + ("龙发" if page >= len(self) / 2 else "")  # only in the second part
            return SearchDoc(doc.url, {w: 25 for w in index_words(text)}, doc.meta, doc.filters)

    docs = Lazy(sample_docs(900, seed=11))  # enough for two parts (core/workers.py PARALLEL_MIN)
    monkeypatch.setattr(writer, "BUCKET_POSTINGS", 10)  # and word lists written in two parts
    for workers in ("2", "1"):
        search_words._SPELLED.clear()  # nothing spelled in this process before the parts start
        monkeypatch.setenv("JIANDU_WORKERS", workers)
        write_search_index(docs, tmp_path / ("one" if workers == "1" else "two"))
    one, two = tmp_path / "one", tmp_path / "two"
    files = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(two) for p in two.rglob("*") if p.is_file())
    assert all((one / f).read_bytes() == (two / f).read_bytes() for f in files)
    assert Bundle(two).entry["pages"] == 900 and Bundle(two).entry["buckets"] >= 1024
    # 900 pages: 113 result files, the last of four; each part writes whole files
    assert [Bundle(two).result(page)["url"] for page in range(900)] == ["/" + d.url for d in docs.docs]
    assert {"龍", "發"} <= Bundle(two).entry["t2s"].keys()


def test_a_failing_index_leaves_the_published_folder_as_it_was(tmp_path):
    folder = tmp_path / "search-index"
    write_search_index(sample_docs(20), folder)
    before = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    class Broken(list):
        def __getitem__(self, page):
            if page == 3:
                raise RuntimeError("a document could not be read")
            return super().__getitem__(page)

    with pytest.raises(RuntimeError):
        write_search_index(Broken(sample_docs(5)), folder)
    assert {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["search-index"]


def test_an_index_beyond_what_a_sort_key_holds_is_refused(tmp_path, monkeypatch):
    import jiandu.build.search_index as writer

    monkeypatch.setattr(writer, "MAX_PAGES", 9)
    with pytest.raises(writer.SearchIndexError, match="搜索索引过大：10 个网页"):
        write_search_index(sample_docs(10), tmp_path / "bundle")
    assert list(tmp_path.iterdir()) == []  # nothing half written left behind
