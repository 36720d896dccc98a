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
from array import array
from collections.abc import Iterable
from functools import cache
from itertools import count
from pathlib import Path

import numpy as np

from jiandu.core import routes
from jiandu.site.search import SearchDoc
from jiandu.site.search_words import han_characters, traditional_to_simplified

PAGEFIND_VERSION = "1.5.2"  # the format written here; pyproject.toml pins the same release
LANGUAGE = "zh-cn"
HEADER = b"pagefind_dcd"
CLIENT_FILES = ("pagefind.js", "pagefind-worker.js", "wasm.unknown.pagefind")
CHUNK_POSTINGS = 2000  # postings per index chunk: what a query downloads per word it looks up
CHUNKS_PER_BATCH = 200  # chunks encoded at a time
DEFAULT_UNIT = 25  # the weight Pagefind's client assumes where a posting gives none
LIMITS = [23, 255, 65535]  # largest CBOR integer held in 0, 1 and 2 extra bytes
HASH_LENGTH = 8  # hex digits naming a chunk


class SearchIndexError(RuntimeError):
    pass


def write_search_index(docs: Iterable[SearchDoc], bundle: Path, places: list | None = None) -> None:
    """Write the whole bundle into a new folder, then put it in place of `bundle`. The documents
    are read once and not kept: each leaves its fragment file and its postings. `places` are the
    names the search page suggests when nothing is found (site/search.py's search_places)."""
    fresh = bundle.with_name(bundle.name + ".new")
    shutil.rmtree(fresh, ignore_errors=True)
    for folder in ("fragment", "index", "filter"):
        (fresh / folder).mkdir(parents=True)
    for name in CLIENT_FILES:
        shutil.copyfile(client_folder() / name, fresh / name)
    words, pages, filters = Postings(), [], {}
    for page, doc in enumerate(docs):
        pages.append(_write_fragment(fresh, page, doc))
        words.add(page, doc.words)
        for name, values in doc.filters.items():
            for value in dict.fromkeys(values):
                filters.setdefault(name, {}).setdefault(value, []).append(page)
    chunks, every_word = words.write(fresh)
    # No sort lists: pages come oldest first, so the search page sorts newest first by page
    # number and no phone downloads a list of every page by date (20 KB at 10,000 records).
    meta = [PAGEFIND_VERSION, pages, chunks, _write_filters(fresh, filters), [], []]
    entry = {"version": PAGEFIND_VERSION,
             "languages": {LANGUAGE: {"hash": _write_chunk(fresh, "pagefind.{}.pf_meta", _cbor(meta)),
                                      "wasm": None, "page_count": len(pages)}},
             "include_characters": []}
    (fresh / "pagefind-entry.json").write_text(json.dumps(entry, separators=(",", ":")), "utf-8")
    t2s = traditional_to_simplified(han_characters(every_word))
    for route, data in ((routes.SEARCH_T2S, t2s), (routes.SEARCH_PLACES, places or [])):
        name = route.removeprefix(routes.PAGEFIND)
        (fresh / name).write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), "utf-8")
    _replace(bundle, fresh)


def _replace(bundle: Path, fresh: Path) -> None:
    old = bundle.with_name(bundle.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if bundle.exists():
        bundle.rename(old)
    fresh.rename(bundle)
    shutil.rmtree(old, ignore_errors=True)


# ---- fragments: what a result shows ---------------------------------------------------------

def _write_fragment(folder: Path, page: int, doc: SearchDoc) -> list:
    """The page's fragment file, named by the page number in base 36 and one character of the
    content's hash: the list of names that every search downloads (pf_meta) stays small, and a
    changed record almost always gets a new name (browsers cache fragments)."""
    count = _rounded_count(len(doc.words))
    # No content (results show the summary, not Pagefind's excerpt) and no filters (those live in
    # filter/): a phone downloads ten of these for the first ten results.
    data = json.dumps({"url": "/" + doc.url, "content": "", "word_count": count, "filters": {},
                       "meta": doc.meta, "anchors": []},
                      ensure_ascii=False, separators=(",", ":")).encode()
    name = _base36(page) + _base36(int(hashlib.sha1(data).hexdigest()[:8], 16) % 36)
    (folder / "fragment" / f"{name}.pf_fragment").write_bytes(_gzip(HEADER + data))
    return [name, count]


def _base36(n: int) -> str:
    digits = ""
    while True:
        n, digit = divmod(n, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[digit] + digits
        if not n:
            return digits


def _rounded_count(count: int) -> int:
    """Word counts to two significant binary digits: ranking only compares lengths, and the
    rounded numbers compress to a fraction in the list every search downloads."""
    step = max(1, 1 << (count.bit_length() - 3)) if count > 8 else 1
    return max(1, round(count / step) * step)


# ---- words ----------------------------------------------------------------------------------

class Postings:
    """Every (word, page) pair of the site, gathered as flat arrays and encoded at the end, all
    at once with numpy: each word's postings are CBOR [page step, [-(weight) - 1, position], []],
    page numbers stored as steps from the word's previous page (Pagefind's format)."""

    def __init__(self):
        self.ids: dict[str, int] = {}
        self.next_id = count()  # ids need not be dense; one per posting keeps this at C speed
        self.word_ids, self.units, self.lengths = array("I"), array("H"), array("I")

    def add(self, page: int, words: dict[str, int]) -> None:
        self.word_ids.extend(map(self.ids.setdefault, words, self.next_id))
        self.units.extend(words.values())
        self.lengths.append(len(words))

    def write(self, folder: Path) -> tuple[list, list[str]]:
        """Chunks of about CHUNK_POSTINGS postings in word order; the chunk list and the words."""
        words = sorted(self.ids)
        sorted_postings = self._sort(words)
        counts = np.bincount(sorted_postings[0], minlength=len(words))
        ends = np.cumsum(counts)
        bounds, first = [], 0  # [first word, end word) of each chunk
        while first < len(words):
            done = ends[first - 1] if first else 0
            last = min(int(np.searchsorted(ends, done + CHUNK_POSTINGS)), len(words) - 1)
            bounds.append((first, last + 1))
            first = last + 1
        chunks = []
        for batch in range(0, len(bounds), CHUNKS_PER_BATCH):  # encode a batch at a time: bounded memory
            group = bounds[batch:batch + CHUNKS_PER_BATCH]
            low, high = (int(ends[group[0][0] - 1]) if group[0][0] else 0), int(ends[group[-1][1] - 1])
            data, posting_ends = _cbor_postings([(major, v[low:high]) for major, v in
                                                 zip((0, 1, 0), sorted_postings[1:], strict=True)])
            word_bounds = np.r_[0, posting_ends[ends[group[0][0]:group[-1][1]] - low - 1]]
            for first, end in group:
                chunks.append(_write_index_chunk(folder, words, first, end, data,
                                                 word_bounds - word_bounds[0], counts, group[0][0]))
        return _trim_bounds(chunks), words

    def _sort(self, words: list[str]):
        """Word rank, page step, weight and position of every posting, by word then page."""
        rank = np.zeros(len(self.word_ids), dtype=np.uint32)
        rank[np.fromiter((self.ids[w] for w in words), np.int64, len(words))] = np.arange(
            len(words), dtype=np.uint32)
        lengths = np.frombuffer(self.lengths, dtype=np.uint32)
        word = rank[np.frombuffer(self.word_ids, dtype=np.uint32)]
        del rank
        positions = _positions_by_frequency(word, lengths)
        order = np.argsort(word, kind="stable")
        word = word[order]
        pages = np.repeat(np.arange(len(lengths), dtype=np.uint32), lengths)[order]
        steps = pages.copy()
        steps[1:] -= np.where(word[1:] == word[:-1], pages[:-1], 0).astype(np.uint32)
        del pages
        units = np.frombuffer(self.units, dtype=np.uint16)[order]
        return word, steps, units, positions[order]


def _positions_by_frequency(word: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Each posting's position on its page: distinct on the page (Pagefind merges a page's words
    at one position), the commonest words first. Common words have the longest posting lists, and
    a position under 24 takes one byte instead of two or three: the chunks a phone fetches for
    everyday words are smaller."""
    pages_of_word = np.bincount(word)
    most = int(pages_of_word.max(initial=0))
    key = np.repeat(np.arange(len(lengths), dtype=np.uint64) * (most + 1), lengths)
    key += (most - pages_of_word)[word].astype(np.uint64)  # page, then commonest word first
    by_page = np.argsort(key, kind="stable")
    del key
    positions = np.arange(len(word), dtype=np.uint32)
    positions -= np.repeat((np.cumsum(lengths, dtype=np.uint64) - lengths).astype(np.uint32), lengths)
    placed = np.empty(len(word), dtype=np.uint32)
    placed[by_page] = positions
    positions = placed
    return positions


def _write_index_chunk(folder: Path, words: list[str], first: int, end: int, data: bytes,
                       bounds, counts, offset: int) -> list[str]:
    """One pf_index file; `bounds` are the byte ranges in `data` of words from `offset` on."""
    parts = [b"\x81", _head(4, end - first)]
    for i in range(first, end):
        parts += [b"\x83", _text(words[i]), _head(4, int(counts[i])),
                  data[bounds[i - offset]:bounds[i - offset + 1]], b"\x80"]
    return [words[first], words[end - 1], _write_chunk(folder, "index/{}.pf_index", b"".join(parts))]


def _cbor_postings(fields) -> tuple[bytes, np.ndarray]:
    """Each posting as [step, [-weight - 1, position], []] in shortest CBOR, one after another,
    the weight left out where it is Pagefind's default; returns the bytes and where each ends."""
    (_, steps), (_, units), (_, positions) = fields
    size = np.array([1, 2, 3, 5], dtype=np.uint8)
    step_size, position_size = (size[np.searchsorted(LIMITS, v, side="right")] for v in (steps, positions))
    weighted = units != DEFAULT_UNIT
    weight_size = np.where(weighted, size[np.searchsorted(LIMITS, units, side="right")], 0)
    length = 3 + step_size.astype(np.int64) + weight_size + position_size  # 0x83 … 0x81/0x82 … 0x80
    ends = np.cumsum(length)
    at = ends - length
    out = np.zeros(int(ends[-1]) if len(ends) else 0, dtype=np.uint8)
    out[at] = 0x83
    _put_uint(out, at + 1, 0, steps, step_size)
    at += 1 + step_size
    out[at] = np.where(weighted, 0x82, 0x81)
    at += 1
    _put_uint(out, at[weighted], 1, units[weighted], weight_size[weighted])
    at += weight_size
    _put_uint(out, at, 0, positions, position_size)
    out[at + position_size] = 0x80
    return out.tobytes(), ends


def _put_uint(out, at, major: int, value, size) -> None:
    top = major << 5
    for width, marker in ((1, None), (2, 24), (3, 25), (5, 26)):
        here = size == width
        where, v = at[here], value[here].astype(np.int64)
        if marker is None:
            out[where] = top | v
            continue
        out[where] = top | marker
        for k in range(width - 1):
            out[where + 1 + k] = (v >> (8 * (width - 2 - k))) & 0xFF


def _trim_bounds(chunks: list[list[str]]) -> list[list[str]]:
    """Shorten each chunk's first and last word to the prefixes that still tell chunks apart."""
    for before, after in zip(chunks, chunks[1:], strict=False):
        a, b = before[1], after[0]
        common = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
        before[1], after[0] = a[:common + 1], b[:common + 1]
    return chunks


# ---- filters and sorting --------------------------------------------------------------------

def _write_filters(folder: Path, values: dict[str, dict[str, list[int]]]) -> list:
    listed = []
    for name in sorted(values):
        data = _cbor([name, [[v, pages] for v, pages in sorted(values[name].items())]])
        listed.append([name, _write_chunk(folder, "filter/{}.pf_filter", data)])
    return listed


# ---- files and CBOR -------------------------------------------------------------------------

def _write_chunk(folder: Path, pattern: str, data: bytes) -> str:
    name = hashlib.sha1(data).hexdigest()[:HASH_LENGTH]
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
