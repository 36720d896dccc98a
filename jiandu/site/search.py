"""Full-text search: what each record page tells Pagefind, and building the Pagefind index.

Pagefind (the extended binary from the `pagefind[extended]` wheel) segments Chinese text with a
dictionary when it indexes, but the browser segments the query with `Intl.Segmenter`. The two
disagree on long names: the index may hold 济南市/交通运输/局 where the query asks for
济南/市/交通/运输局, so a page that names a department is not found by that name. Each indexed page
therefore carries its departments' registry names (full name, short name, aliases, the name
without the city or district prefix), each written once whole and once split into the words the
query segmenter produces, so that index and query meet on the same words.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cbor2

from jiandu.content.model import Department, Record, Site
from jiandu.core import routes
from jiandu.core.settings import Settings
from jiandu.core.vocabulary import Kind, Level

CITY_PREFIXES = ("济南市",)
DEPARTMENT_KIND = "部门"
TAG = re.compile(r"<[^>]+>")
HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
MAX_WORD = 4  # longest word a query segmenter makes of a department or place name

class SearchIndexError(RuntimeError):
    pass


def department_names(dept: Department) -> list[str]:
    """Every name a citizen may type for a department: registry names and their bare forms."""
    names = [dept.name, *([dept.short] if dept.short else []), *dept.aliases]
    bare = [_strip_prefix(n) for n in names]
    return list(dict.fromkeys(n for n in [*names, *bare] if n))


def _strip_prefix(name: str) -> str:
    for prefix in (*CITY_PREFIXES, "市"):
        if name.startswith(prefix) and len(name) > len(prefix) + 1:
            return name[len(prefix):]
    return name


def record_departments(record: Record, site: Site) -> list[Department]:
    """The record's departments, then the districts they (or the entry) belong to."""
    ids = list(record.departments)
    if record.kind == Kind.COLUMN and record.district:
        ids.append(record.district)
    ids += [site.departments[i].parent for i in ids if site.departments[i].parent]
    return [site.departments[i] for i in dict.fromkeys(ids)]


def search_terms(departments: list[Department]) -> str:
    """The names of `departments` as one line of search-only text for the index.

    Each name is written whole and then as every run of 1 to MAX_WORD characters, so that any way a
    browser's segmenter splits a typed name (槐|荫|区, 市城|管|局) finds the same words in the index.
    """
    names = list(dict.fromkeys(n for d in departments for n in department_names(d)))
    runs = (n[i:i + size] for n in names for size in range(1, MAX_WORD + 1)
            for i in range(len(n) - size + 1))
    return " ".join(dict.fromkeys([*names, *runs]))


def record_filters(record: Record, site: Site, status_of) -> dict[str, list[str]]:
    """Pagefind filters of a record page: kind, department (full names), year, status."""
    depts = record_departments(record, site)
    if record.kind == Kind.COLUMN:
        statuses = [record.status]
    else:
        statuses = sorted({status_of(c) for s in record.segments for c in s.commitments})
    return {
        "kind": [record.kind.short],
        "department": [d.name for d in depts],
        "year": [str(record.year)],
        "status": statuses,
    }


def department_filters(dept: Department, site: Site) -> dict[str, list[str]]:
    names = [dept.name] + ([site.departments[dept.parent].name] if dept.parent else [])
    return {"kind": [DEPARTMENT_KIND], "department": names}


def text_terms(record: Record) -> str:
    """Every 2-character run of the record's title and body, for the same reason as names:
    the query segmenter splits ordinary words (车|载|监|控|录像) finer than the index does
    (车载|监控|录像), and a query word must start an index word to match it."""
    text = record.title + TAG.sub(" ", record.body_html)
    runs: list[str] = []
    for match in HAN_RUN.finditer(text):
        run = match.group()
        runs.extend(map(str.__add__, run, run[1:]))  # each adjacent pair, at C speed
    return " ".join(dict.fromkeys(runs))


@dataclass(frozen=True)
class SearchFields:
    """What templates ask about search, bound to one site: the `search` global of the theme."""

    site: Site
    status_of: Callable

    def record_filters(self, record: Record) -> dict[str, list[str]]:
        return record_filters(record, self.site, self.status_of)

    def record_terms(self, record: Record) -> str:
        return search_terms(record_departments(record, self.site)) + " " + text_terms(record)

    def department_filters(self, dept: Department) -> dict[str, list[str]]:
        return department_filters(dept, self.site)

    def department_terms(self, dept: Department) -> str:
        parent = [self.site.departments[dept.parent]] if dept.parent else []
        return search_terms([dept, *parent])


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


def pagefind_executable() -> Path:
    try:
        from pagefind_bin_extended import get_executable
    except ImportError as err:
        raise SearchIndexError("找不到 Pagefind 扩展版，请运行：.venv/bin/pip install -e '.[test]'"
                               "（pagefind[extended]）") from err
    return get_executable()


def build_search_index(output: Path, settings: Settings) -> None:
    """FINALIZE step: index the written pages into output/pagefind/ (Chinese segmentation)."""
    if not settings.search:
        return
    cmd = [str(pagefind_executable()), "--site", str(output), "--silent"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise SearchIndexError(f"生成搜索索引失败（pagefind）：{done.stderr.strip() or done.stdout.strip()}")
    canonicalize_filters(output / routes.PAGEFIND)
    for unused in ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js",
                   "pagefind-modular-ui.css", "pagefind-component-ui.js", "pagefind-component-ui.css",
                   "pagefind-highlight.js"):
        # The site has its own accessible search page; Pagefind's UI bundles are not published.
        (output / routes.PAGEFIND / unused).unlink(missing_ok=True)


# Pagefind writes the values of each filter, and the list of filters, in hash-map order, which
# changes from run to run. Sorting them and renaming the chunks by their content makes the bundle
# byte-identical for identical input, as the rest of the build is.
PAGEFIND_HEADER = b"pagefind_dcd"


def canonicalize_filters(bundle: Path) -> None:
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for lang, info in sorted(entry["languages"].items()):
        meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
        meta = _read_chunk(meta_path)
        filters = []
        for name, chunk_hash in meta[3]:
            old = bundle / "filter" / f"{chunk_hash}.pf_filter"
            filter_name, values = _read_chunk(old)
            old.unlink()
            data = _chunk_bytes([filter_name, sorted(values, key=lambda v: v[0])])
            new_hash = f"{lang}_{hashlib.sha256(data).hexdigest()[:7]}"
            (bundle / "filter" / f"{new_hash}.pf_filter").write_bytes(data)
            filters.append([name, new_hash])
        meta[3] = sorted(filters)
        data = _chunk_bytes(meta)
        meta_path.unlink()
        info["hash"] = f"{lang}_{hashlib.sha256(data).hexdigest()[:13]}"
        (bundle / f"pagefind.{info['hash']}.pf_meta").write_bytes(data)
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _read_chunk(path: Path):
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(PAGEFIND_HEADER):
        raise SearchIndexError(f"无法识别的 Pagefind 索引文件：{path.name}")
    return cbor2.loads(raw[len(PAGEFIND_HEADER):])


def _chunk_bytes(value) -> bytes:
    return gzip.compress(PAGEFIND_HEADER + cbor2.dumps(value), mtime=0)
