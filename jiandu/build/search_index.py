"""Writes the search index (output/search-index/) that theme/js/search.js searches in the browser.

The index is made for a phone on a slow network: a search downloads the small entry file, one
word list per query word and one file per result shown, and nothing whose size grows with the
site. (Pagefind's client and its list of every page cost 122 KB at 10,000 records before a word
was looked up; BENCHMARKS.md.) Scores are worked out here, once: Pagefind's BM25 ranking, with
the site's weights, for every (word, page).

    search-index/entry.json            every search reads it first (no-cache): the bundle's id,
                                        page and bucket counts, the score table, the Traditional table
    search-index/<id>/w/<bucket>.jds   the pages and scores of the words whose CRC-32 falls there
    search-index/<id>/f/<filter>.jds   the pages of each value of a filter
    search-index/<id>/r/<n>.jds        what results show (JSON), pages 8n to 8n + 7, n in base 36
    search-index/<id>/places.jds       the names suggested when nothing is found (JSON)

Everything under <id>/ is named by its content, so a browser may keep it. Each .jds file is
gzip; a list file holds, after a flags varint (1: one score byte per page) and a count, each
list's key (length-prefixed UTF-8), page count and byte size, then each list: the page numbers as
steps from the previous one (unsigned LEB128), then its score bytes.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import os
import shutil
import zlib
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from itertools import count
from pathlib import Path
from typing import NamedTuple

import numpy as np

from jiandu.build.manifest import FileEntry, written_entry
from jiandu.core import routes
from jiandu.core.files import write
from jiandu.core.workers import PARALLEL_MIN, run_parts
from jiandu.site.search import SearchDoc
from jiandu.site.search_words import MARK, han_characters, traditional_to_simplified

FORMAT = 2  # 2: result files hold RESULTS_PER_FILE pages each (1: one page each)
# Pagefind's ranking as the site tuned it: term saturation 1.4, page length 0.5, and an exact
# word's length bonus (term similarity 1.0); weights in units where 24 is weight 1.
TERM_SATURATION, PAGE_LENGTH, UNIT = 1.4, 0.5, 24
EXACT_BONUS = math.exp(math.exp(-0.125)) / math.e
SCORE_STEPS = 64  # a score byte q stands for expm1(q / 64): 2-3 % steps, up to a score of 53
SCORE_TABLE = [round(math.expm1(q / SCORE_STEPS) * 1000) for q in range(256)]
# Results shown together share a file: a result costs its file's 1.5 KB rather than 0.4 KB, and
# the build writes an eighth of the files (each new file costs a build 0.1-0.2 ms; BENCHMARKS.md).
RESULTS_PER_FILE = 8
BUCKET_POSTINGS = 4000  # postings per word-list file on average: the bytes a query word costs besides its own
MAX_PAGES, MAX_WORDS = (1 << 24) - 1, (1 << 24) - 1  # 24 bits each in a posting's sort key
BLOCK = 1 << 18  # postings per step of the numpy work: bounds its temporary arrays
SPELLED_CHAR, SPELLED_PAIR = 1 + 3, 1 + 2 * 3  # "9" and one or two spelled characters (search_words.py)


class SearchIndexError(RuntimeError):
    pass


def write_search_index(docs: Sequence[SearchDoc], bundle: Path,
                       places: list | None = None) -> list[FileEntry]:
    """Write the whole index into a new folder, then put it in place of `bundle`; returns the
    files written, hashed, with paths inside `bundle`. `places` are the names the search page
    suggests when nothing is found (site/search.py's search_places)."""
    return finish_search_index(gather_search_index(docs, bundle), bundle, places)


@dataclass
class Gathered:
    """The first half of an index: its result files written, the postings and filters of every
    page, and the Traditional forms of the characters they hold."""

    files: Files
    words: Postings
    filters: dict[str, dict[str, list[int]]]
    t2s: dict[str, str]


def gather_search_index(docs: Sequence[SearchDoc], bundle: Path) -> Gathered:
    """Work out every document, in parts, one per core, and keep none of them: each leaves its
    result file (in a new folder beside `bundle`) and its postings. A full build runs this half
    in a page worker before it takes pages (build/pipeline.py)."""
    fresh = _fresh(bundle)
    shutil.rmtree(fresh, ignore_errors=True)
    try:
        return _gather_into(fresh, docs)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise


def finish_search_index(gathered: Gathered, bundle: Path, places: list | None = None) -> list[FileEntry]:
    """The second half: the word lists, filters and entry written, and the new folder put in
    place of `bundle`."""
    fresh = _fresh(bundle)
    try:
        written = _write_into(fresh, gathered, places or [])
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    _replace(bundle, fresh)
    return written


def _fresh(bundle: Path) -> Path:
    return bundle.with_name(bundle.name + ".new")


def _gather_into(fresh: Path, docs: Sequence[SearchDoc]) -> Gathered:
    files = Files.made(fresh / "bundle")
    words, filters, characters = Postings(), {}, set()
    groups = -(-len(docs) // RESULTS_PER_FILE)
    parts = run_parts(partial(_gather, docs, files), groups, minimum=PARALLEL_MIN // RESULTS_PER_FILE)
    for part, part_filters, written in parts:
        words.extend(part)
        files.written += written
        characters |= part.characters
        for name, lists in part_filters.items():
            for value, pages in lists.items():
                filters.setdefault(name, {}).setdefault(value, []).extend(pages)
    return Gathered(files, words, filters, traditional_to_simplified(characters))


def _write_into(fresh: Path, gathered: Gathered, places: list) -> list[FileEntry]:
    files, words = gathered.files, gathered.words
    buckets = words.write(files)
    for name, lists in sorted(gathered.filters.items()):
        files.add(f"f/{name}.jds", _list_file(sorted(lists.items())))
    files.add("places.jds", _json(places))
    bundle_id = files.finish()
    entry = {"format": FORMAT, "id": bundle_id, "pages": words.pages, "buckets": buckets,
             "results": RESULTS_PER_FILE, "scores": SCORE_TABLE, "t2s": gathered.t2s}
    entry_name = routes.SEARCH_ENTRY.removeprefix(routes.SEARCH_INDEX)
    data = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode()
    write(os.path.join(fresh, entry_name), data)
    return [*(w.entry.under(f"{bundle_id}/") for w in files.written),
            written_entry(entry_name, data)]


def _gather(docs: Sequence[SearchDoc], files: Files, start: int, end: int):
    """Result files start..end written, and the postings and filters of their pages gathered."""
    words, filters, written = Postings(), {}, []
    for group in range(start, end):
        results = []
        for page in range(group * RESULTS_PER_FILE, min((group + 1) * RESULTS_PER_FILE, len(docs))):
            doc = docs[page]
            results.append({"url": "/" + doc.url, "meta": doc.meta})
            words.add(doc.words)
            for name, values in doc.filters.items():
                for value in dict.fromkeys(values):
                    filters.setdefault(name, {}).setdefault(value, []).append(page)
        written.append(files.write(f"r/{_base36(group)}.jds", _json(results)))
    words.characters = han_characters(words.ids)  # known to the process that spelled them
    return words, filters, written


class Written(NamedTuple):
    entry: FileEntry  # the file as written, for the manifest
    digest: str  # SHA-1 of the content before compression: names the bundle


class Files:
    """Writes the bundle's files and names the bundle by all of them."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.written: list[Written] = []  # from every process

    @classmethod
    def made(cls, folder: Path) -> Files:
        """Files in a new folder, with its subfolders made."""
        for sub in ("w", "f", "r"):
            (folder / sub).mkdir(parents=True)
        return cls(folder)

    def write(self, name: str, data: bytes) -> Written:
        packed = gzip.compress(data, compresslevel=6, mtime=0)
        write(os.path.join(self.folder, name), packed)
        return Written(written_entry(name, packed), hashlib.sha1(data).hexdigest())

    def add(self, name: str, data: bytes) -> None:
        self.written.append(self.write(name, data))

    def finish(self) -> str:
        listing = "".join(sorted(f"{w.entry.path} {w.digest}\n" for w in self.written))
        bundle_id = hashlib.sha1(listing.encode()).hexdigest()[:12]
        self.folder.rename(self.folder.with_name(bundle_id))
        return bundle_id


def _replace(bundle: Path, fresh: Path) -> None:
    old = bundle.with_name(bundle.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if bundle.exists():
        bundle.rename(old)
    fresh.rename(bundle)
    shutil.rmtree(old, ignore_errors=True)


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _base36(n: int) -> str:
    return np.base_repr(n, 36).lower()


def bucket_of(word: str, buckets: int) -> int:
    """The word-list file a word is in (theme/js/search.js works it out the same way)."""
    return zlib.crc32(word.encode()) & (buckets - 1)


def rounded_length(words: int) -> int:
    """A page's length to two significant binary digits, as the index was tuned with."""
    step = max(1, 1 << (words.bit_length() - 3)) if words > 8 else 1
    return max(1, round(words / step) * step)


# ---- words ----------------------------------------------------------------------------------

class Postings:
    """Every (word, page) pair of the site, gathered as flat arrays and scored and encoded at the
    end, all at once with numpy. A single Han character is a word of its own: the pages whose
    pairs start with it (a query of one character looks it up)."""

    def __init__(self):
        self.characters: set[str] = set()  # the Han characters of the words
        self.ids: dict[str, int] = {}
        self.next_id = count()  # ids need not be dense; one per posting keeps this at C speed
        self.word_ids, self.units, self.lengths = array("I"), array("H"), array("I")

    @property
    def pages(self) -> int:
        return len(self.lengths)

    def add(self, words: dict[str, int]) -> None:
        """The next page's words."""
        self.word_ids.extend(map(self.ids.setdefault, words, self.next_id))
        self.units.extend(words.values())
        self.lengths.append(len(words))

    def extend(self, other: Postings) -> None:
        """The pages of `other`, after this one's."""
        ids = np.zeros(max(other.ids.values(), default=-1) + 1, dtype=np.uint32)
        for word, i in other.ids.items():
            ids[i] = self.ids.setdefault(word, next(self.next_id))
        self.word_ids.frombytes(_raw(ids[np.asarray(other.word_ids)]))
        self.units.frombytes(_raw(other.units))
        self.lengths.frombytes(_raw(other.lengths))

    def __getstate__(self):
        # As numpy views: sent between processes out of band, without a copy (core/workers.py);
        # received, they stay numpy arrays, which everything after the gathering reads alike.
        arrays = (np.asarray(a) for a in (self.word_ids, self.units, self.lengths))
        return self.characters, self.ids, *arrays

    def __setstate__(self, state):
        self.characters, self.ids, self.word_ids, self.units, self.lengths = state
        self.next_id = count(max(self.ids.values(), default=-1) + 1)

    def write(self, files: Files) -> int:
        """Score every posting and write the word-list files; returns how many there are. The
        files are written in parts, one per core, each from the postings of its own words."""
        words, word_buckets, buckets, rank, first_rank = self._vocabulary()
        first_word = np.searchsorted(word_buckets, np.arange(buckets + 1))
        write_part = partial(self._write_files, files, words, first_word, rank, first_rank)
        files.written += [entry for part in run_parts(write_part, buckets) for entry in part]
        return buckets

    def _vocabulary(self):
        """The words in file order (by bucket, then word), their buckets, the bucket count, and
        each word id's rank in that order and its first character's rank (-1: none). A Han
        pair's first character is a word of its own."""
        buckets = _bucket_count(len(self.word_ids))
        first_of = {w: first for w in self.ids if (first := _first_character(w))}
        by_bucket = sorted((bucket_of(w, buckets), w) for w in self.ids.keys() | set(first_of.values()))
        words = [w for _, w in by_bucket]
        word_buckets = np.fromiter((b for b, _ in by_bucket), np.int64, len(by_bucket))
        del by_bucket
        if len(words) > MAX_WORDS or self.pages > MAX_PAGES:  # what one sort key per posting holds
            raise SearchIndexError(f"搜索索引过大：{self.pages} 个网页、{len(words)} 个词，"
                                   f"最多 {MAX_PAGES} 个网页、{MAX_WORDS} 个词。")
        rank_of = {w: i for i, w in enumerate(words)}
        size = max(self.ids.values(), default=-1) + 1
        rank, first_rank = np.zeros(size, np.uint64), np.full(size, -1, np.int64)
        for w, i in self.ids.items():
            rank[i] = rank_of[w]
            if w in first_of:
                first_rank[i] = rank_of[first_of[w]]
        return words, word_buckets, buckets, rank, first_rank

    def _write_files(self, files: Files, words: list[str], first_word: np.ndarray, rank: np.ndarray,
                     first_rank: np.ndarray, start: int, end: int) -> list[Written]:
        """Word-list files start..end, from the postings of their words. The numpy work goes a
        block of postings at a time, which bounds its temporary arrays."""
        low, high = int(first_word[start]), int(first_word[end])
        key = self._sorted_keys(rank, first_rank, low, high)
        word, page = _field(key, 40, 0xFFFFFF, np.uint32), _field(key, 16, 0xFFFFFF, np.uint32)
        lighter = _field(key, 0, 0xFFFF, np.uint16)  # 0xFFFF less the weight
        del key
        word -= low
        scores = _scores(word, page, lighter, np.frombuffer(self.lengths, dtype=np.uint32), high - low)
        del lighter
        starts = np.flatnonzero(np.r_[True, word[1:] != word[:-1]])
        _steps_in_place(page, word)
        del word
        data, word_bytes = _varints(page, starts)
        del page
        lists = WordLists(words[low:high], np.r_[starts, len(scores)], data.tobytes(),
                          np.r_[0, np.cumsum(word_bytes)], scores.tobytes(),
                          first_word[start:end + 1] - low, start)
        return lists.write(files, start, end)

    def _sorted_keys(self, rank: np.ndarray, first_rank: np.ndarray, low: int, high: int) -> np.ndarray:
        """One sorted number per posting of the words ranked low..high: word rank, page, and
        weight (highest first), each (word, page) once. A pair's first character takes the
        highest weight of the pairs it starts."""
        ids, units = np.frombuffer(self.word_ids, dtype=np.uint32), np.frombuffer(self.units, dtype=np.uint16)
        page_ends = np.cumsum(np.frombuffer(self.lengths, dtype=np.uint32), dtype=np.int64)
        blocks = [(ranks, at) for ranks in (rank, first_rank) for at in range(0, len(ids), BLOCK)]

        def mine(ranks: np.ndarray, at: int) -> tuple[np.ndarray, np.ndarray]:
            of = ranks[ids[at:at + BLOCK]]
            return of, np.flatnonzero((of >= low) & (of < high))

        key = np.empty(sum(len(mine(*block)[1]) for block in blocks), dtype=np.uint64)  # counted first
        filled = 0
        for ranks, at in blocks:
            of, some = mine(ranks, at)
            key[filled:filled + len(some)] = _key(of[some].astype(np.uint64), _page_of(some + at, page_ends),
                                                  units[some + at])
            filled += len(some)
        key.sort()
        return _first_of_each(key)


def _raw(values) -> memoryview:
    """An array's bytes, without a copy (numpy's or the array module's)."""
    return memoryview(np.ascontiguousarray(values)).cast("B")


def _page_of(postings: np.ndarray, page_ends: np.ndarray) -> np.ndarray:
    return np.searchsorted(page_ends, postings, side="right").astype(np.uint32)


def _first_of_each(key: np.ndarray) -> np.ndarray:
    """The sorted keys with each (word, page) once, at its highest weight: moved forward within
    the same array, a block at a time (a kept key never moves past one not yet read)."""
    kept = 0
    for at in range(0, len(key), BLOCK):
        end = min(at + BLOCK, len(key))
        first = np.ones(end - at, dtype=bool)
        first[1:] = (key[at + 1:end] >> 16) != (key[at:end - 1] >> 16)
        if at:
            first[0] = (key[at] >> 16) != (key[at - 1] >> 16)
        block = key[at:end][first]
        key[kept:kept + len(block)] = block
        kept += len(block)
    key.resize(kept, refcheck=False)  # in place: the memory past `kept` is given back
    return key


def _key(rank: np.ndarray, pages: np.ndarray, units: np.ndarray) -> np.ndarray:
    return (rank << 40) | (pages.astype(np.uint64) << 16) | (0xFFFF - units.astype(np.uint64))


def _field(key: np.ndarray, shift: int, mask: int, dtype) -> np.ndarray:
    out = np.empty(len(key), dtype=dtype)
    for at in range(0, len(key), BLOCK):
        out[at:at + BLOCK] = (key[at:at + BLOCK] >> shift) & mask
    return out


def _steps_in_place(page: np.ndarray, word: np.ndarray) -> None:
    """Each page number less the word's previous page (a word's first stays as it is); blocks
    from the end, so that what a block reads is not yet changed."""
    for at in reversed(range(1, len(page), BLOCK)):
        end = min(at + BLOCK, len(page))
        same = word[at:end] == word[at - 1:end - 1]
        page[at:end] -= np.where(same, page[at - 1:end - 1], 0).astype(np.uint32)


def _bucket_count(postings: int) -> int:
    """Word-list files for about this many postings: a power of two (theme/js/search.js masks)."""
    return 1 << max(0, math.ceil(math.log2(max(1, postings / BUCKET_POSTINGS))))


@dataclass(frozen=True)
class WordLists:
    """Every word's encoded list, in file order: word k's postings are bounds[k]..bounds[k + 1],
    with page steps steps[step_at[k]:step_at[k + 1]] and one score byte each in scores; file
    first_file + b holds words first_word[b]..first_word[b + 1]."""

    words: list[str]
    bounds: np.ndarray
    steps: bytes
    step_at: np.ndarray
    scores: bytes
    first_word: np.ndarray
    first_file: int = 0  # the number of the file whose first word is words[0]

    def write(self, files: Files, start: int, end: int) -> list[Written]:
        """Write files start..end."""
        written = []
        for number in range(start, end):
            at = number - self.first_file
            low, high = int(self.first_word[at]), int(self.first_word[at + 1])
            bounds, step_at = self.bounds[low:high + 1].tolist(), self.step_at[low:high + 1].tolist()
            lists = [(self.words[low + k], bounds[k + 1] - bounds[k], self.steps[step_at[k]:step_at[k + 1]],
                      self.scores[bounds[k]:bounds[k + 1]]) for k in range(high - low)]
            written.append(files.write(f"w/{_base36(number)}.jds", _encoded_lists(lists, scored=True)))
        return written


def _first_character(word: str) -> str | None:
    """The word of a spelled Han pair's first character (9abcdef -> 9abc)."""
    return word[:SPELLED_CHAR] if len(word) == SPELLED_PAIR and word.startswith(MARK) else None


def _scores(word, page, lighter, lengths, words: int) -> np.ndarray:
    """Pagefind's BM25 score of each posting, as a score byte (SCORE_TABLE)."""
    length = np.array([rounded_length(int(n)) for n in lengths], dtype=np.float64)
    average = float(length.mean()) if len(length) else 1.0
    containing = np.bincount(word, minlength=words).astype(np.float64)
    idf = np.log((len(length) - containing + 0.5) / (containing + 0.5) + 1.0)
    k1, b = TERM_SATURATION, PAGE_LENGTH
    scores = np.empty(len(word), dtype=np.uint8)
    for at in range(0, len(word), BLOCK):
        part = slice(at, at + BLOCK)
        weighted = (0xFFFF - lighter[part].astype(np.float64)) / UNIT * EXACT_BONUS
        tf = (k1 + 1) * weighted / (k1 * (1 - b + b * length[page[part]] / average) + weighted)
        scores[part] = np.clip(np.rint(np.log1p(idf[word[part]] * tf) * SCORE_STEPS), 0, 255)
    return scores


def _varints(values: np.ndarray, starts: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Unsigned LEB128 of each value (below 2**35), one after another, a block at a time; and the
    bytes of each list of values beginning at `starts` (all one list if None)."""
    size = np.ones(len(values), dtype=np.uint8)
    for bits in (7, 14, 21, 28):
        size += values >= (1 << bits)
    starts = np.zeros(1, dtype=np.int64) if starts is None else starts
    list_bytes = np.add.reduceat(size, starts, dtype=np.int64) if len(values) else np.zeros(0, np.int64)
    out = np.zeros(int(list_bytes.sum()), dtype=np.uint8)
    done = 0
    for at in range(0, len(values), BLOCK):
        v, n = values[at:at + BLOCK].astype(np.uint64), size[at:at + BLOCK]
        ends = np.cumsum(n, dtype=np.int64) + done
        first = ends - n
        for k in range(5):
            here = n > k
            more = (n[here] > k + 1).astype(np.uint64) << 7
            out[first[here] + k] = ((v[here] >> (7 * k)) & 0x7F) | more
        done = int(ends[-1])
    return out, list_bytes


def _list_file(lists: list[tuple[str, list[int]]]) -> bytes:
    """A filter's file: each value's pages, without scores."""
    encoded = []
    for key, pages in lists:
        steps = np.diff(np.asarray(pages, dtype=np.int64), prepend=0)
        encoded.append((key, len(pages), _varints(steps)[0].tobytes(), b""))
    return _encoded_lists(encoded, scored=False)


def _encoded_lists(lists: list[tuple[str, int, bytes, bytes]], scored: bool) -> bytes:
    head = [_varint(int(scored)), _varint(len(lists))]
    for key, pages, steps, _ in lists:
        raw = key.encode()
        head += [_varint(len(raw)), raw, _varint(pages), _varint(len(steps))]
    return b"".join(head + [part for _, _, steps, scores in lists for part in (steps, scores)])


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)
