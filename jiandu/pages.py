"""The page set: every output file as a Page (template + context) or a DataFile (bytes producer)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from math import ceil

from . import feeds, opendata
from .indexes import LEDGER_STATUSES, STATUS_SLUGS, Indexes
from .model import COLUMN, ENTRY_STATUSES, INQUIRY, KIND_NAMES, Site
from .stats import department_figures, department_stats


@dataclass(frozen=True)
class Page:
    path: str  # output file relative to the site root, e.g. "departments/cgj/index.html"
    template: str
    context: dict = field(default_factory=dict, compare=False)

    @property
    def url(self) -> str:
        return self.path.removesuffix("index.html")


@dataclass(frozen=True)
class DataFile:
    path: str
    produce: Callable[..., bytes]  # a module-level function of (site, idx, *args)
    args: tuple = ()


@dataclass(frozen=True)
class Pagination:
    number: int
    count: int
    base: str  # URL of page 1

    def url(self, number: int) -> str:
        return self.base if number == 1 else f"{self.base}page/{number}/"

    @property
    def previous(self) -> str | None:
        return self.url(self.number - 1) if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.url(self.number + 1) if self.number < self.count else None


# Sortable directory views: (slug, heading, key of DepartmentStats, largest first?)
RANKINGS = (
    ("records", "问政与专栏记录数", "records", True),
    ("commitments", "承诺数", "commitment_total", True),
    ("overdue", "逾期承诺数", "overdue", True),
    ("closed-share", "专栏办结率", "closed_share", True),
    ("median-days", "办结用时中位数", "median_days", False),
)


def site_pages(site: Site, idx: Indexes) -> list[Page | DataFile]:
    stats = {d: department_stats(f, idx) for d, f in idx.by_department.items()}
    pages = [
        Page("index.html", "home.html", {"latest": _latest(site)}),
        Page("404.html", "404.html", {"absolute_urls": True}),
        Page("departments/index.html", "departments.html", {"stats": stats, "rankings": RANKINGS}),
        *_record_pages(site),
        *_department_pages(site, idx, stats),
        *_list_pages(site, idx),
        *_ledger_pages(site, idx),
        *_archive_pages(idx),
        *_data_files(site),
    ]
    html = tuple(sorted(p.url for p in pages if isinstance(p, Page) and p.path != "404.html"))
    pages.append(DataFile("sitemap.xml", opendata.render_sitemap, (html,)))
    return sorted(pages, key=lambda p: p.path)


def _record_pages(site: Site) -> list[Page]:
    return ([Page(f"{r.url}index.html", "inquiry.html", {"record": r}) for r in site.inquiries]
            + [Page(f"{r.url}index.html", "entry.html", {"record": r}) for r in site.entries])


def _department_pages(site: Site, idx: Indexes, stats: dict) -> list:
    pages = []
    for dept in site.departments.values():
        s = stats[dept.id]
        pages.append(Page(f"{dept.url}index.html", "department.html", {
            "facts": idx.by_department[dept.id], "stats": s, "figures": department_figures(s),
            "feed": feeds.feed_path(dept.id)}))
        pages.append(DataFile(feeds.feed_path(dept.id), feeds.render_feed, (dept.id,)))
        if dept.level == "区县":
            pages.append(Page(f"districts/{dept.id}/index.html", "district.html",
                              {"facts": idx.by_department[dept.id],
                               "entries": idx.entries_by_district.get(dept.id, [])}))
    for slug, heading, key, descending in RANKINGS:
        ranked = _ranked(list(site.departments.values()), stats, key, descending)
        pages.append(Page(f"departments/by/{slug}/index.html", "ranking.html",
                          {"ranked": ranked, "heading": heading, "slug": slug, "stats": stats,
                           "rankings": RANKINGS}))
    return pages


def _ranked(departments: list, stats: dict, key: str, descending: bool) -> list:
    """Departments with a value first, in order; those without one (e.g. no entries) last, by id."""
    have = [d for d in departments if getattr(stats[d.id], key) is not None]
    have.sort(key=lambda d: d.id)
    have.sort(key=lambda d: getattr(stats[d.id], key), reverse=descending)
    return have + sorted((d for d in departments if getattr(stats[d.id], key) is None),
                         key=lambda d: d.id)


def _list_pages(site: Site, idx: Indexes) -> list:
    size = site.settings.get("JIANDU_PAGE_SIZE", 50)
    pages = [Page("categories/index.html", "categories.html"),
             Page("status/index.html", "statuses.html")]
    for kind in (INQUIRY, COLUMN):
        pages.append(Page(f"{kind}/index.html", "kind.html", {"kind": kind, "feed": feeds.feed_path(kind)}))
        pages.append(DataFile(feeds.feed_path(kind), feeds.render_feed, (kind,)))
        for year, records in idx.by_year[kind].items():
            pages += _paginated(f"{kind}/{year}/", "records.html", records, size,
                                {"title": f"{year}年{KIND_NAMES[kind]}",
                                 "intro": f"本年共 {len(records)} 期。"})
    for cat in idx.categories.values():
        pages += _paginated(cat.url, "records.html", list(cat.entries), size,
                            {"title": f"问题类别：{cat.name}", "intro": f"共 {len(cat.entries)} 期专栏。"})
    for status in ENTRY_STATUSES:
        entries = idx.entries_by_status[status]
        pages += _paginated(f"status/{STATUS_SLUGS[status]}/", "records.html", entries, size,
                            {"title": f"办理状态：{status}", "intro": f"共 {len(entries)} 期专栏。"})
    return pages


def _ledger_pages(site: Site, idx: Indexes) -> list[Page]:
    size = site.settings.get("JIANDU_PAGE_SIZE", 50)
    views = [("commitments/", None, idx.commitments)] + [
        (f"commitments/{STATUS_SLUGS[s]}/", s, idx.commitments_by_status[s]) for s in LEDGER_STATUSES]
    pages = []
    for base, status, refs in views:
        pages += _paginated(base, "commitments.html", refs, size,
                            {"status": status, "total": len(refs)})
    return pages


def _archive_pages(idx: Indexes) -> list[Page]:
    pages = [Page("archive/index.html", "archive.html", {"years": list(idx.archive)})]
    pages += [Page(f"archive/{year}/index.html", "archive_year.html", {"year": year, "slots": slots})
              for year, slots in idx.archive.items()]
    return pages


def _data_files(site: Site) -> list:
    files = [Page("data/index.html", "data.html", {"fields": opendata.FIELDS}),
             DataFile("robots.txt", opendata.render_robots),
             DataFile(feeds.feed_path("all"), feeds.render_feed, ("all",))]
    for dataset in opendata.FIELDS:
        files.append(DataFile(f"data/{dataset}.json", opendata.render_json, (dataset,)))
        files.append(DataFile(f"data/{dataset}.csv", opendata.render_csv, (dataset,)))
    return files


def _latest(site: Site) -> dict:
    n = site.settings.get("JIANDU_LATEST", 5)
    return {INQUIRY: list(reversed(site.inquiries[-n:])), COLUMN: list(reversed(site.entries[-n:]))}


def _paginated(base: str, template: str, items: list, size: int, context: dict) -> list[Page]:
    count = max(1, ceil(len(items) / size))
    pages = []
    for number in range(1, count + 1):
        pagination = Pagination(number, count, base)
        chunk = items[(number - 1) * size: number * size]
        pages.append(Page(f"{pagination.url(number)}index.html", template,
                          {**context, "items": chunk, "pagination": pagination}))
    return pages
