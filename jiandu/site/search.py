"""Full-text search: what the index holds for each record and department page.

The index is built from the typed records, not by re-reading the written HTML
(build/search_index.py writes it). Each page gives its words in weighted parts: a department's
own names weigh most, then a record's title, the departments it concerns, its text, and last the
synonyms (content/synonyms.yml) of words it uses. site/search_words.py says how text becomes words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html import unescape

from jiandu.content.model import ColumnEntry, Department, Record, Site
from jiandu.core.vocabulary import Kind, Level
from jiandu.site.search_words import HAN, han_pairs, index_words, normalize

CITY_PREFIXES = ("济南市", "市")
SUFFIXES = ("人民政府", "街道办事处", "办事处", "街道", "区", "县", "镇")
DEPARTMENT_KIND = "部门"
TAG = re.compile(r"<[^>]+>")
HAN_PAIR = re.compile(f"[{HAN}]{{2}}")
SUMMARY_LENGTH = 90

# How much a word counts where it stands (Pagefind's data-pagefind-weight scale).
NAME, TITLE, DEPARTMENT, TEXT, RELATED = 10.0, 5.0, 2.0, 1.0, 0.5
PLACE = 5.0  # the district a record happened in: 槐荫区 means its records
PART_NAME = 7.0  # the names of a district's departments and streets: a bare 城管 means the city's
TOP_LEVELS = (Level.CITY, Level.DISTRICT)
PLACE_LEVELS = (Level.DISTRICT, Level.TOWN)


@dataclass(frozen=True, slots=True)
class SearchDoc:
    """One page as the index holds it."""

    url: str
    words: dict[str, float]  # word -> weight
    meta: dict[str, str]  # what a result shows: title, kind, date, departments, status, summary
    filters: dict[str, list[str]]
    date: str | None = None  # for newest-first sorting; department pages have none


def department_names(dept: Department) -> list[str]:
    """Every name a citizen may type for a department: registry names and their bare forms
    (济南市槐荫区人民政府 -> 槐荫区 -> 槐荫; 道德街街道 -> 道德街)."""
    names = [dept.name, *([dept.short] if dept.short else []), *dept.aliases]
    return list(dict.fromkeys(form for n in names for form in _bare_forms(n)))


def _bare_forms(name: str) -> Iterator[str]:
    yield name
    for prefix in CITY_PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix) + 1:
            name = name[len(prefix):]
            yield name
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
    """Pagefind filters of a record page: kind, department (full names), year, status."""
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
        self.payloads: list = []
        ranks: dict[int, int] = {}
        for phrase, payload in phrases.items():
            phrase = normalize(phrase)
            if HAN_PAIR.match(phrase):
                rank = ranks.setdefault(id(payload), len(self.payloads))
                if rank == len(self.payloads):
                    self.payloads.append(payload)
                self.by_pair.setdefault(phrase[:2], []).append((phrase, rank))

    def found(self, text: str) -> list:
        """Payloads of the phrases in normalized `text`, each once, in the order they were given."""
        ranks = {rank for pair in han_pairs(text) & self.by_pair.keys()
                 for phrase, rank in self.by_pair[pair] if phrase in text}
        return [self.payloads[rank] for rank in sorted(ranks)]


@dataclass(frozen=True)
class Vocabulary:
    """What every record's words are checked against: synonym groups and place names."""

    synonyms: Phrases
    places: Phrases

    @classmethod
    def of(cls, site: Site) -> Vocabulary:
        groups = {word: " ".join(group) for group in site.synonyms for word in group}
        places = {name: d for d in site.departments.values() if d.level in PLACE_LEVELS
                  for name in department_names(d)}
        return cls(Phrases(groups), Phrases(places))


class Weighing:
    """Collects a page's words with the highest weight each is given."""

    def __init__(self):
        self.words: dict[str, float] = {}

    def add(self, text: str, weight: float) -> None:
        words = self.words
        for word in index_words(text):
            if words.get(word, 0.0) < weight:
                words[word] = weight

    def limit(self, text: str, weight: float) -> None:
        """Give the words of `text` that the page holds at most `weight`; add them at it."""
        words = self.words
        for word in index_words(text):
            words[word] = min(words.get(word, weight), weight)


def record_doc(record: Record, site: Site, status_of: Callable, vocabulary: Vocabulary) -> SearchDoc:
    depts = record_departments(record, site)
    text = " ".join([record.title, plain_text(record.body_html), *_record_extras(record)])
    folded = normalize(text)
    weighing = Weighing()
    for group in vocabulary.synonyms.found(folded):  # 讨薪 finds the entry that says 拖欠工资
        weighing.add(group, RELATED)
    weighing.add(text, TEXT)
    for dept in depts:  # the departments it concerns, and the districts where it happened
        place = dept.id not in record.departments and dept.level == Level.DISTRICT
        weighing.add(" ".join(department_names(dept)), PLACE if place else DEPARTMENT)
    for dept in vocabulary.places.found(folded):  # districts and streets its text names
        weighing.add(" ".join(department_names(dept)), PLACE)
    weighing.add(record.title, TITLE)
    summary = " ".join(plain_text(record.body_html).split())
    meta = {
        "title": record.title,
        "kind": record.kind.short,
        "date": record.date.isoformat(),
        "edition": record.edition,
        "departments": "、".join(d.label for d in depts[:4]),
        "status": "、".join(record_statuses(record, status_of)),
        "summary": summary[:SUMMARY_LENGTH] + ("……" if len(summary) > SUMMARY_LENGTH else ""),
    }
    return SearchDoc(record.url, weighing.words, meta, record_filters(record, site, status_of),
                     record.date.isoformat())


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
    weighing.add(" ".join(department_names(dept)), NAME if dept.level in TOP_LEVELS else PART_NAME)
    if parent:
        weighing.limit(" ".join(department_names(parent)), TEXT)
    meta = {
        "title": dept.name,
        "kind": "区县" if dept.level == Level.DISTRICT else DEPARTMENT_KIND,
        "departments": "、".join(n for n in (dept.short, parent.label if parent else "") if n),
        "summary": "、".join(dept.domains),
    }
    return SearchDoc(dept.url, weighing.words, meta, department_filters(dept, site))


def search_docs(site: Site, status_of: Callable) -> list[SearchDoc]:
    """Every indexed page: records in edition order, then departments by id."""
    vocabulary = Vocabulary.of(site)
    records = [record_doc(r, site, status_of, vocabulary) for r in (*site.inquiries, *site.entries)]
    return records + [department_doc(d, site) for d in site.departments.values()]


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
    return [{"name": d.name, "url": d.url, "names": department_names(d)}
            for d in site.departments.values() if d.until is None]
