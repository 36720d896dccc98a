"""Writes the search bundle (output/pagefind/) from the site's search documents.

The files are in the format of the pinned Pagefind release, and Pagefind's own client
(pagefind.js and its WebAssembly, copied from what the Pagefind binary writes for a one-page site)
searches them in the browser. The words are written here rather than by Pagefind's indexer because
that indexer holds about 0.45 MB per indexed page of this site's text (446 MB at 1,000 pages,
1.3 GB at 3,000, see BENCHMARKS.md): it could not index 10,000 records on a publishing machine.
This writer streams: one pass over the documents, one byte string per word, chunks written in
word order. tests/test_search_index.py checks the files against what the Pagefind binary writes.
"""

from __future__ import annotations

import atexit
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

from jiandu.core import routes
from jiandu.site.search import SearchDoc
from jiandu.site.search_words import spelled_characters, traditional_to_simplified

PAGEFIND_VERSION = "1.5.2"  # the format written here; pyproject.toml pins the same release
LANGUAGE = "zh-cn"
HEADER = b"pagefind_dcd"
CLIENT_FILES = ("pagefind.js", "pagefind-worker.js", "wasm.unknown.pagefind")
CHUNK_POSTINGS = 2000  # postings per index chunk: what a query downloads per word it looks up
WEIGHT_UNIT = 24  # Pagefind stores weight 1.0 as 24
HASH_LENGTH = 7
T2S_NAME = routes.SEARCH_T2S.removeprefix(routes.PAGEFIND)


class SearchIndexError(RuntimeError):
    pass


def write_search_index(docs: list[SearchDoc], bundle: Path) -> None:
    """Write the whole bundle into a new folder, then put it in place of `bundle`."""
    fresh = bundle.with_name(bundle.name + ".new")
    shutil.rmtree(fresh, ignore_errors=True)
    fresh.mkdir(parents=True)
    for name in CLIENT_FILES:
        shutil.copyfile(client_folder() / name, fresh / name)
    pages = _write_fragments(docs, fresh)
    chunks, words = _write_words(docs, fresh)
    meta = [PAGEFIND_VERSION, pages, chunks, _write_filters(docs, fresh), _sorts(docs), []]
    meta_hash = _write_chunk(fresh, "pagefind.{}.pf_meta", _cbor(meta), 13)
    entry = {"version": PAGEFIND_VERSION,
             "languages": {LANGUAGE: {"hash": meta_hash, "wasm": None, "page_count": len(docs)}},
             "include_characters": []}
    (fresh / "pagefind-entry.json").write_text(json.dumps(entry, separators=(",", ":")), "utf-8")
    t2s = traditional_to_simplified(spelled_characters(words))
    (fresh / T2S_NAME).write_text(json.dumps(t2s, ensure_ascii=False, separators=(",", ":")), "utf-8")
    _replace(bundle, fresh)


def _replace(bundle: Path, fresh: Path) -> None:
    old = bundle.with_name(bundle.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if bundle.exists():
        bundle.rename(old)
    fresh.rename(bundle)
    shutil.rmtree(old, ignore_errors=True)


# ---- fragments: what a result shows ---------------------------------------------------------

def _write_fragments(docs: list[SearchDoc], folder: Path) -> list:
    (folder / "fragment").mkdir()
    pages, taken = [], set()
    for doc in docs:
        data = json.dumps({"url": "/" + doc.url, "content": doc.meta.get("summary", ""),
                           "word_count": len(doc.words), "filters": doc.filters, "meta": doc.meta,
                           "anchors": []}, ensure_ascii=False, separators=(",", ":")).encode()
        name = _unique_hash(data, taken)
        (folder / "fragment" / f"{name}.pf_fragment").write_bytes(_gzip(HEADER + data))
        pages.append([name, len(doc.words)])
    return pages


def _unique_hash(data: bytes, taken: set[str]) -> str:
    full = f"{LANGUAGE}_{hashlib.sha1(data).hexdigest()}"
    length = len(LANGUAGE) + 1 + HASH_LENGTH
    while full[:length] in taken:
        length += 1
    taken.add(full[:length])
    return full[:length]


# ---- words ----------------------------------------------------------------------------------

def _write_words(docs: list[SearchDoc], folder: Path) -> tuple[list, list[str]]:
    """Postings of every word, in chunks of about CHUNK_POSTINGS; returns the chunk list and
    the words."""
    postings: dict[str, bytearray] = {}
    counts: dict[str, int] = {}
    last: dict[str, int] = {}  # each word's previous page: page numbers are stored as steps
    heads, tails = _cached(lambda step: b"\x83" + _head(0, step)), _cached(_tail)
    for page, doc in enumerate(docs):
        for position, (word, weight) in enumerate(doc.words.items()):
            found = postings.get(word)
            if found is None:
                postings[word] = found = bytearray()
                counts[word] = 0
                last[word] = 0
            found += heads(page - last[word])  # [page step, locations, meta locations]
            found += tails(round(weight * WEIGHT_UNIT), position)
            counts[word] += 1
            last[word] = page
    (folder / "index").mkdir()
    chunks, words, size = [], [], 0
    every_word = sorted(postings)
    for word in every_word:
        words.append(word)
        size += counts[word]
        if size >= CHUNK_POSTINGS:
            chunks.append(_write_index_chunk(folder, words, postings, counts))
            words, size = [], 0
    if words:
        chunks.append(_write_index_chunk(folder, words, postings, counts))
    return _trim_bounds(chunks), every_word


def _tail(weight: int, position: int) -> bytes:
    """[-(weight) - 1, position], then no meta locations."""
    return b"\x82" + _head(1, weight) + _head(0, position) + b"\x80"


def _cached(function):
    return cache(function)  # one cache per index written, dropped with it


def _write_index_chunk(folder: Path, words: list[str], postings, counts) -> list[str]:
    parts = [b"\x81", _head(4, len(words))]
    for word in words:
        parts += [b"\x83", _text(word), _head(4, counts[word]), bytes(postings.pop(word)), b"\x80"]
    name = _write_chunk(folder, "index/{}.pf_index", b"".join(parts), HASH_LENGTH)
    return [words[0], words[-1], name]


def _trim_bounds(chunks: list[list[str]]) -> list[list[str]]:
    """Shorten each chunk's first and last word to the prefixes that still tell chunks apart."""
    for before, after in zip(chunks, chunks[1:], strict=False):
        a, b = before[1], after[0]
        common = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
        before[1], after[0] = a[:common + 1], b[:common + 1]
    return chunks


# ---- filters and sorting --------------------------------------------------------------------

def _write_filters(docs: list[SearchDoc], folder: Path) -> list:
    values: dict[str, dict[str, list[int]]] = {}
    for page, doc in enumerate(docs):
        for name, items in doc.filters.items():
            for value in dict.fromkeys(items):
                values.setdefault(name, {}).setdefault(value, []).append(page)
    (folder / "filter").mkdir()
    listed = []
    for name in sorted(values):
        data = _cbor([name, [[v, pages] for v, pages in sorted(values[name].items())]])
        listed.append([name, _write_chunk(folder, "filter/{}.pf_filter", data, HASH_LENGTH)])
    return listed


def _sorts(docs: list[SearchDoc]) -> list:
    dated = sorted((doc.date, page) for page, doc in enumerate(docs) if doc.date)
    return [["date", [page for _, page in dated]]] if dated else []


# ---- files and CBOR -------------------------------------------------------------------------

def _write_chunk(folder: Path, pattern: str, data: bytes, length: int) -> str:
    name = f"{LANGUAGE}_{hashlib.sha1(data).hexdigest()[:length]}"
    (folder / pattern.format(name)).write_bytes(_gzip(HEADER + data))
    return name


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=6, mtime=0)


def _cbor(value) -> bytes:
    import cbor2

    return cbor2.dumps(value)


def _head(major: int, n: int) -> bytes:
    """A CBOR item head: unsigned (0), negative (1, encodes -1 - n), text (3) or array (4)."""
    if n < 24:
        return bytes([major << 5 | n])
    for extra, size in ((24, 1), (25, 2), (26, 4)):
        if n < 1 << (8 * size):
            return bytes([major << 5 | extra]) + n.to_bytes(size, "big")
    return bytes([major << 5 | 27]) + n.to_bytes(8, "big")


def _text(word: str) -> bytes:
    raw = word.encode()
    return _head(3, len(raw)) + raw


# ---- Pagefind's own client ------------------------------------------------------------------

@cache
def client_folder() -> Path:
    """Pagefind's browser files, as the pinned binary writes them for a one-page site."""
    work = Path(tempfile.mkdtemp(prefix="jiandu-pagefind-"))
    atexit.register(shutil.rmtree, work, ignore_errors=True)
    (work / "index.html").write_text('<html lang="zh-cn"><body><p>jiandu</p></body></html>')
    done = subprocess.run([str(pagefind_binary()), "--site", str(work), "--silent"],
                          capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        said = done.stderr.strip() or done.stdout.strip() or f"退出码 {done.returncode}"
        raise SearchIndexError(f"运行 Pagefind 失败：{said}。")
    entry = json.loads((work / "pagefind" / "pagefind-entry.json").read_text("utf-8"))
    if entry["version"] != PAGEFIND_VERSION:
        raise SearchIndexError(f"Pagefind 版本为 {entry['version']}，本程序按 {PAGEFIND_VERSION} "
                               "的格式写索引。请运行：.venv/bin/pip install -e '.[test]'")
    return work / "pagefind"


def pagefind_binary() -> Path:
    if os.environ.get("PAGEFIND_BINARY_PATH"):
        return Path(os.environ["PAGEFIND_BINARY_PATH"])
    try:
        from pagefind_bin import get_executable
    except ImportError as err:
        raise SearchIndexError("找不到 Pagefind，请运行：.venv/bin/pip install -e '.[test]'"
                               "（pagefind[bin]）") from err
    return get_executable()
