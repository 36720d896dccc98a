"""The words of the search index, and how a typed query becomes the same words.

Chinese is written without spaces, and no two segmenters agree where its words end: Pagefind's
dictionary cuts 济南市/交通运输/局 while the browser's `Intl.Segmenter` cuts 济南/市/交通/运输局,
so a page is not found by the name it carries. Both sides therefore cut Han text into overlapping
character pairs (bigrams: 交通 通运 运输 输局), the one cut that needs no dictionary and cannot
disagree. A query matches a page when the page holds all of the query's pairs; a query of one
character looks up that character, which the index holds for every pair it starts
(build/search_index.py) and for the last character of each run.

Each Han character is spelled as three ASCII letters or digits after the digit 9 (交通 ->
"9xxxyyy"): the words are plain ASCII on both sides, as long as their UTF-8. The same spelling is
done in theme/js/search.js; tests/test_search.py checks that the two agree.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Set as AbstractSet
from functools import cache

HAN = "\u3400-\u9fff"
ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"
FIRST = 0x3400  # spelled characters: U+3400 to U+9FFF (NFKC folds compatibility ideographs here)
MARK = "9"
HAN_RUN = re.compile(f"[{HAN}]+")
PAIRS = re.compile(f"(?=([{HAN}][{HAN}]))")  # every overlapping pair, found at C speed
RUN_ENDS = re.compile(f"[{HAN}](?![{HAN}])")  # the last character of each Han run
LATIN = re.compile(r"[0-9a-z]+")
MAX_QUERY_WORDS = 16  # a pasted paragraph asks for at most this many index parts (search.js too)


@cache
def _table() -> dict[int, str]:
    size = len(ALPHABET)
    return {cp: ALPHABET[(cp - FIRST) // size ** 2] + ALPHABET[(cp - FIRST) // size % size]
            + ALPHABET[(cp - FIRST) % size] for cp in range(FIRST, 0x9FFF + 1)}


# The full-width punctuation of Chinese prose, each replaced by its one-character NFKC form
# before NFKC itself: the same result, since that form is what NFKC decomposes it to, but the
# text then passes NFKC's quick check, which is a tenth of the time of normalizing it.
PUNCTUATION = [(mark, unicodedata.normalize("NFKC", mark)) for mark in "，：；（）！？　"]


def normalize(text: str) -> str:
    """Full-width letters and digits to ASCII, compatibility ideographs to unified ones, lower case."""
    for mark, plain in PUNCTUATION:
        if mark in text:
            text = text.replace(mark, plain)
    return unicodedata.normalize("NFKC", text).lower()


def spell(han: str) -> str:
    """One or two Han characters as an index word."""
    return MARK + han.translate(_table())


_SPELLED: dict[str, str] = {}  # pair -> word; the few hundred thousand pairs of a site, kept


def index_words(text: str) -> list[str]:
    """Every word of `text` the index holds, once each in the order they first occur: Han pairs,
    each Han run's last character, Latin words and numbers."""
    return words_and_pairs(normalize(text))[0]


def words_and_pairs(folded: str) -> tuple[list[str], AbstractSet[str]]:
    """The index words of normalized text, and its Han pairs unspelled (one pass for both; the
    pairs come with the runs' last characters, which no pair lookup asks for)."""
    han = dict.fromkeys(PAIRS.findall(folded))
    han.update(dict.fromkeys(RUN_ENDS.findall(folded)))
    try:
        words = list(map(_SPELLED.__getitem__, han))
    except KeyError:  # pairs this process has not spelled before
        table = _table()
        _SPELLED.update((h, MARK + h.translate(table)) for h in han.keys() - _SPELLED.keys())
        words = list(map(_SPELLED.__getitem__, han))
    return words + list(dict.fromkeys(LATIN.findall(folded))), han.keys()


def query_words(text: str) -> list[str]:
    """The words a typed query searches for, as theme/js/search.js works them out."""
    words: list[str] = []
    for match in re.finditer(f"[{HAN}]+|[0-9a-z]+", normalize(text)):
        part = match.group()
        if not HAN_RUN.fullmatch(part):
            words.append(part)
        elif len(part) == 1:
            words.append(spell(part))
        else:
            words.extend(spell(part[i:i + 2]) for i in range(len(part) - 1))
    return list(dict.fromkeys(words))[:MAX_QUERY_WORDS]


def han_characters(words) -> set[str]:
    """The Han characters of the index words that were spelled from Han text (a Latin word such as
    "9abc" is left alone even where it reads like a spelling)."""
    text_of = {word: han for han, word in _SPELLED.items()}
    return {char for word in words for char in text_of.get(word, "")}


def traditional_to_simplified(chars: set[str]) -> dict[str, str]:
    """Traditional (and Taiwan and Hong Kong) forms of `chars`, each mapped to its simplified
    character: the table theme/js/search.js folds a typed query with (暖氣 -> 暖气)."""
    import opencc

    ordered = sorted(chars)
    table: dict[str, str] = {}
    for config in ("s2t", "s2tw", "s2hk"):
        converted = opencc.OpenCC(config).convert("\n".join(ordered)).split("\n")
        for simple, other in zip(ordered, converted, strict=False):
            if len(other) == 1 and other != simple and other not in chars:
                table.setdefault(other, simple)
    return dict(sorted(table.items()))
