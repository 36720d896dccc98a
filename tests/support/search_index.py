"""Reads the search index the way theme/js/search.js does, independently of the code that
writes it: the tests' second implementation of the search, and a decoder of every file."""

from __future__ import annotations

import gzip
import json
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ENTRY = "entry.json"


def unpack(data: bytes) -> bytes:
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def read_lists(data: bytes) -> dict[str, tuple[list[int], list[int] | None]]:
    """A list file: key -> (page numbers, score bytes or None)."""
    at = 0

    def varint() -> int:
        nonlocal at
        value = shift = 0
        while True:
            byte = data[at]
            at += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                return value

    scored, heads = varint() == 1, []
    for _ in range(varint()):
        size = varint()
        key = data[at:at + size].decode()
        at += size
        heads.append((key, varint(), varint()))
    lists = {}
    for key, pages, size in heads:
        end, page, numbers = at + size, 0, []
        while at < end:
            page += varint()
            numbers.append(page)
        assert len(numbers) == pages, key
        scores = list(data[at:at + pages]) if scored else None
        at += pages if scored else 0
        lists[key] = (numbers, scores)
    assert at == len(data), "trailing bytes"
    return lists


@dataclass
class Bundle:
    folder: Path

    @property
    def entry(self) -> dict:
        return json.loads((self.folder / ENTRY).read_text("utf-8"))

    def file(self, name: str) -> bytes:
        return unpack((self.folder / self.entry["id"] / name).read_bytes())

    def word(self, word: str) -> tuple[list[int], list[int]] | None:
        bucket = zlib.crc32(word.encode()) & (self.entry["buckets"] - 1)
        return read_lists(self.file(f"w/{base36(bucket)}.jds")).get(word)

    def result(self, page: int) -> dict:
        per_file = self.entry["results"]
        return json.loads(self.file(f"r/{base36(page // per_file)}.jds"))[page % per_file]

    def search(self, words: list[str], filters: dict[str, str] | None = None) -> list[tuple[int, int]]:
        """(page, score) of every page holding all `words` the index has (more than half of them)
        and matching `filters`, best first, then newest: what the search page lists by relevance."""
        table, found = self.entry["scores"], None
        known = [postings for postings in map(self.word, words) if postings is not None]
        if words and 2 * len(known) <= len(words):
            return []
        for postings in known:
            scores = {p: table[s] for p, s in zip(*postings, strict=True)}
            found = scores if found is None else {p: v + scores[p] for p, v in found.items() if p in scores}
        for name, value in (filters or {}).items():
            pages = set(read_lists(self.file(f"f/{name}.jds")).get(value, ([], None))[0])
            found = ({p: 0 for p in pages} if found is None
                     else {p: v for p, v in found.items() if p in pages})
        return sorted((found or {}).items(), key=lambda item: (-item[1], -item[0]))


def base36(n: int) -> str:
    return np.base_repr(n, 36).lower()
