"""Full-text search: what the index holds for each record and department page.

The index is built from the typed records, not by re-reading the written HTML
(build/search_index.py writes it). Each page gives its words in weighted parts: a department's
own names weigh most, then a record's title, the departments it concerns, its text, and last the
synonyms (content/synonyms.yml) of words it uses. site/search_words.py says how text becomes words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from html import unescape

from jiandu.content.model import ColumnEntry, Department, Record, Site
from jiandu.core.vocabulary import Kind, Level
from jiandu.site.search_words import HAN, index_words, normalize, words_and_pairs

CITY_PREFIXES = ("济南市", "市")
CITY = "济南"
SUFFIXES = ("人民政府", "街道办事处", "办事处", "街道", "区", "县", "镇")
DEPARTMENT_KIND = "部门"
TAG = re.compile(r"<[^>]+>")
HAN_PAIR = re.compile(f"[{HAN}]{{2}}")
SUMMARY_LENGTH = 70

# How much a word counts where it stands, in units where 24 is weight 1 (Pagefind's, whose BM25
# ranking build/search_index.py works out).
UNIT = 24
NAME, TITLE, DEPARTMENT, RELATED = 10 * UNIT, 5 * UNIT, 2 * UNIT, UNIT // 2
TEXT = 25  # the bulk of words: what the ranking was tuned with (Pagefind's default weight)
PLACE = 5 * UNIT  # the district a record happened in: 槐荫区 means its records
PART_NAME = 7 * UNIT  # the names of a district's departments and streets: a bare 城管 means the city's
TOP_LEVELS = (Level.CITY, Level.DISTRICT)
PLACE_LEVELS = (Level.DISTRICT, Level.TOWN)


@dataclass(frozen=True, slots=True)
class SearchDoc:
    """One page as the index holds it."""

    url: str
    words: dict[str, int]  # word -> weight (UNIT = weight 1)
    meta: dict[str, str]  # what a result shows: title, kind, date, departments, status, summary
    filters: dict[str, list[str]]


def department_names(dept: Department, parent: Department | None = None) -> list[str]:
    """Every name a citizen may type for a department: registry names and their bare forms
    (济南市槐荫区人民政府 -> 槐荫区 -> 槐荫; 道德街街道 -> 道德街; 市城管局 -> 济南城管局), and a
    district's unit run into the district's shorter names (槐荫区城管局 -> 槐荫城管局)."""
    names = [dept.name, *([dept.short] if dept.short else []), *dept.aliases]
    forms = [form for n in names for form in _bare_forms(n)]
    if parent:
        forms += _joined_forms(forms, department_names(parent))
    return list(dict.fromkeys(forms))


def _joined_forms(forms: list[str], parent_forms: list[str]) -> list[str]:
    return [shorter + form[len(prefix):] for form in forms for prefix in parent_forms
            if form.startswith(prefix) and len(form) > len(prefix)
            for shorter in parent_forms if len(shorter) < len(prefix) and prefix.startswith(shorter)]


def _bare_forms(name: str) -> Iterator[str]:
    yield name
    for prefix in CITY_PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix) + 1:
            name = name[len(prefix):]
            yield name
            yield CITY + name  # 济南城管局: the city's name without 市
            break
    stripped = True
    while stripped:
        stripped = False
        for suffix in SUFFIXES:
            if name.endswith(suffix) and len(name) >= len(suffix) + 2:
                name = name[:-len(suffix)]
                stripped = True
                yield name
                break


def record_departments(record: Record, site: Site) -> list[Department]:
    """The record's departments, then the districts they (or the entry) belong to."""
    ids = list(record.departments)
    if isinstance(record, ColumnEntry) and record.district:
        ids.append(record.district)
    ids += [site.departments[i].parent for i in ids if site.departments[i].parent]
    return [site.departments[i] for i in dict.fromkeys(ids)]


def record_filters(record: Record, site: Site, status_of) -> dict[str, list[str]]:
    """Search filters of a record page: kind, department (full names), year, status."""
    return {
        "kind": [record.kind.short],
        "department": [d.name for d in record_departments(record, site)],
        "year": [str(record.year)],
        "status": record_statuses(record, status_of),
    }


def record_statuses(record: Record, status_of) -> list[str]:
    if isinstance(record, ColumnEntry):
        return [str(record.status)]
    return sorted({str(status_of(c)) for s in record.segments for c in s.commitments})


def department_filters(dept: Department, site: Site) -> dict[str, list[str]]:
    names = [dept.name] + ([site.departments[dept.parent].name] if dept.parent else [])
    return {"kind": [DEPARTMENT_KIND], "department": names}


def plain_text(html: str) -> str:
    return unescape(TAG.sub(" ", html))


class Phrases:
    """Finds which of many phrases a text holds, checking a phrase only when the text has its
    first character pair (content/synonyms.yml groups, the registry's place names)."""

    def __init__(self, phrases: dict[str, object]):
        self.by_pair: dict[str, list[tuple[str, int]]] = {}
        self.plain: list[tuple[str, int]] = []  # phrases that do not start with two Han characters
        self.payloads: list = []
        ranks: dict[int, int] = {}
        for phrase, payload in phrases.items():
            phrase = normalize(phrase)
            rank = ranks.setdefault(id(payload), len(self.payloads))
            if rank == len(self.payloads):
                self.payloads.append(payload)
            if HAN_PAIR.match(phrase):
                self.by_pair.setdefault(phrase[:2], []).append((phrase, rank))
            else:
                self.plain.append((phrase, rank))

    def found(self, folded: str, pairs: AbstractSet[str]) -> list:
        """Payloads of the phrases in normalized text with Han `pairs`, each once, in the order
        they were given."""
        ranks = {rank for pair in pairs & self.by_pair.keys()
                 for phrase, rank in self.by_pair[pair] if phrase in folded}
        ranks.update(rank for phrase, rank in self.plain if phrase in folded)
        return [self.payloads[rank] for rank in sorted(ranks)]


class Lexicon:
    """What every record's words are checked against (synonym groups, place names), and the
    words of names and groups, worked out once per site."""

    def __init__(self, site: Site):
        groups = {word: " ".join(group) for group in site.synonyms for word in group}
        places = {name: d for d in site.departments.values() if d.level in PLACE_LEVELS
                  for name in department_names(d)}
        self.synonyms, self.places = Phrases(groups), Phrases(places)
        self.departments = site.departments
        self._words: dict[str, list[str]] = {}
        self._names: dict[str, list[str]] = {}

    def words(self, text: str) -> list[str]:
        if text not in self._words:
            self._words[text] = index_words(text)
        return self._words[text]

    def name_words(self, dept: Department) -> list[str]:
        if dept.id not in self._names:
            parent = self.departments.get(dept.parent) if dept.parent else None
            self._names[dept.id] = index_words(" ".join(department_names(dept, parent)))
        return self._names[dept.id]


class Weighing:
    """Collects a page's words with the highest weight each is given."""

    def __init__(self, words: dict[str, int] | None = None):
        self.words: dict[str, int] = words or {}

    def add(self, text: str, weight: int) -> None:
        self.raise_to(index_words(text), weight)

    def raise_to(self, new: list[str], weight: int) -> None:
        words = self.words
        for word in new:
            if words.get(word, 0) < weight:
                words[word] = weight

    def limit(self, text: str, weight: int) -> None:
        """Give the words of `text` that the page holds at most `weight`; add them at it."""
        words = self.words
        for word in index_words(text):
            words[word] = min(words.get(word, weight), weight)


def record_doc(record: Record, site: Site, status_of: Callable, lexicon: Lexicon) -> SearchDoc:
    depts = record_departments(record, site)
    body = plain_text(record.body_html)
    folded = normalize(" ".join([record.title, body, *_record_extras(record)]))
    words, pairs = words_and_pairs(folded)
    weighing = Weighing(dict.fromkeys(words, TEXT))
    for group in lexicon.synonyms.found(folded, pairs):  # 讨薪 finds the entry that says 拖欠工资
        weighing.raise_to(lexicon.words(group), RELATED)
    for dept in depts:  # the departments it concerns, and the districts where it happened
        place = dept.id not in record.departments and dept.level == Level.DISTRICT
        weighing.raise_to(lexicon.name_words(dept), PLACE if place else DEPARTMENT)
    for dept in lexicon.places.found(folded, pairs):  # districts and streets its text names
        weighing.raise_to(lexicon.name_words(dept), PLACE)
    weighing.add(record.title, TITLE)
    summary = " ".join(body.split())
    meta = {
        "title": record.title,
        "kind": record.kind.short,
        "date": record.date.isoformat(),
        "departments": "、".join(d.label for d in depts[:4]),
        "status": "、".join(record_statuses(record, status_of)),
        "summary": summary[:SUMMARY_LENGTH] + ("……" if len(summary) > SUMMARY_LENGTH else ""),
    }
    return SearchDoc(record.url, weighing.words, meta, record_filters(record, site, status_of))


def _record_extras(record: Record) -> list[str]:
    if isinstance(record, ColumnEntry):
        return [record.category or ""]
    return [part for s in record.segments for part in (s.topic, *(c.text for c in s.commitments))]


def department_doc(dept: Department, site: Site) -> SearchDoc:
    """A department's page: its names weigh most. A district's own department or street carries
    the district's name in its own (槐荫区城市管理局); the words of that part weigh like text,
    so that 槐荫区 finds the district and its records before everything inside it."""
    parent = site.departments[dept.parent] if dept.parent else None
    weighing = Weighing()
    weighing.add(" ".join(dept.domains), DEPARTMENT)
    weighing.add(" ".join(department_names(dept, parent)), NAME if dept.level in TOP_LEVELS else PART_NAME)
    if parent:
        weighing.limit(" ".join(department_names(parent)), TEXT)
    meta = {
        "title": dept.name,
        "kind": "区县" if dept.level == Level.DISTRICT else DEPARTMENT_KIND,
        "departments": "、".join(n for n in (dept.short, parent.label if parent else "") if n),
        "summary": "、".join(dept.domains),
    }
    return SearchDoc(dept.url, weighing.words, meta, department_filters(dept, site))


class SearchDocs(Sequence):
    """Every indexed page, each worked out when asked for: records oldest first (the search page
    sorts newest first by this order), then departments by id."""

    def __init__(self, site: Site, status_of: Callable):
        self.site, self.status_of, self.lexicon = site, status_of, Lexicon(site)
        self.pages: list[Record | Department] = [*dated_records(site), *site.departments.values()]

    def __len__(self) -> int:
        return len(self.pages)

    def __getitem__(self, page: int) -> SearchDoc:
        item = self.pages[page]
        if isinstance(item, Department):
            return department_doc(item, self.site)
        return record_doc(item, self.site, self.status_of, self.lexicon)


def search_docs(site: Site, status_of: Callable) -> SearchDocs:
    return SearchDocs(site, status_of)


def dated_records(site: Site) -> list[Record]:
    return sorted((*site.inquiries, *site.entries), key=lambda r: (r.date, r.kind, r.number))


def search_options(site: Site, years: list[int], statuses: list[str]) -> dict[str, list[str]]:
    """The choices the search form offers, in the order a citizen scans them."""
    levels = list(Level)
    depts = sorted(site.departments.values(),
                   key=lambda d: (d.until is not None, levels.index(d.level), d.name))
    return {
        "kind": [*(kind.short for kind in Kind), DEPARTMENT_KIND],
        "department": [d.name for d in depts],
        "year": [str(y) for y in sorted(years, reverse=True)],
        "status": list(statuses),
    }


def search_places(site: Site) -> list[dict]:
    """Departments and districts with every name they go by: what the search page suggests when
    a query finds nothing (theme/js/search.js picks the closest names)."""
    return [{"name": d.name, "url": d.url,
             "names": department_names(d, site.departments.get(d.parent) if d.parent else None)}
            for d in site.departments.values() if d.until is None]
