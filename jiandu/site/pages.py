"""The page set: every output file as a Page (template + context) or a DataFile (bytes producer).

Each output also names what it shows, so that the live preview re-renders only what an edit
touches: `deps` are the keys of the records whose content appears on it, and `facts` is a small
value holding everything else it shows (order of items, counts, statistics). An output is
rendered again when it is new, when its deps or facts differ, or when one of its deps changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from math import ceil

from jiandu.content.model import Site
from jiandu.core import routes
from jiandu.core.problems import ContentError, Problems
from jiandu.core.vocabulary import CommitmentStatus, EntryStatus, Kind, Level
from jiandu.site import feeds, opendata
from jiandu.site.indexes import Indexes
from jiandu.site.stats import department_figures, department_stats


@dataclass(frozen=True)
class Output:
    path: str  # output file relative to the site root, e.g. "departments/cgj/index.html"
    deps: frozenset = field(default=frozenset(), compare=False)
    facts: tuple = field(default=(), compare=False)

    def stale(self, before: Output | None, changed: set[str]) -> bool:
        """Whether this output must be written again, given its previous version."""
        return (before is None or type(before) is not type(self) or before.deps != self.deps
                or before.facts != self.facts or not self.deps.isdisjoint(changed)
                or self._differs(before))

    def _differs(self, before: Output) -> bool:
        return False


@dataclass(frozen=True)
class Page(Output):
    template: str = ""
    context: dict = field(default_factory=dict, compare=False)

    @property
    def url(self) -> str:
        return routes.url_of(self.path)

    def _differs(self, before: Output) -> bool:
        return before.template != self.template


@dataclass(frozen=True)
class DataFile(Output):
    produce: Callable[..., bytes] | None = None  # a module-level function of (site, idx, *args)
    args: tuple = ()

    def _differs(self, before: Output) -> bool:
        return before.produce is not self.produce or before.args != self.args


@dataclass(frozen=True)
class Pagination:
    number: int
    count: int
    base: str  # URL of page 1

    def url(self, number: int) -> str:
        return routes.page(self.base, number)

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


def keys(records) -> tuple[str, ...]:
    return tuple(r.key for r in records)


def site_pages(site: Site, idx: Indexes) -> list[Output]:
    stats = {d: department_stats(f, idx) for d, f in idx.by_department.items()}
    directory = tuple((d, len(f.segments), len(f.entries), len(f.commitments))
                      for d, f in idx.by_department.items())
    latest = _latest(site)
    pages = [
        Page(routes.output_path(routes.HOME),
             deps=frozenset(keys(latest[Kind.INQUIRY] + latest[Kind.COLUMN])),
             facts=(tuple((y.year, y.inquiries, y.entries) for y in idx.years),),
             template="home.html", context={"latest": latest}),
        Page(routes.NOT_FOUND, template="404.html", context={"absolute_urls": True}),
        Page(routes.output_path(routes.SEARCH), template="search.html",
             facts=(tuple(y.year for y in idx.years), tuple(d.name for d in site.departments.values())),
             context={"statuses": [*EntryStatus, *CommitmentStatus]}),
        Page(routes.output_path(routes.DIRECTORY), facts=directory, template="departments.html",
             context={"stats": stats, "rankings": RANKINGS}),
        *_record_pages(site, idx),
        *_department_pages(site, idx, stats),
        *_list_pages(site, idx),
        *_ledger_pages(site, idx),
        *_archive_pages(site, idx),
        *_data_files(site),
    ]
    html = tuple(sorted(p.url for p in pages if isinstance(p, Page) and p.path != routes.NOT_FOUND))
    pages.append(DataFile(routes.SITEMAP, produce=opendata.render_sitemap, args=(html,)))
    redirects = _redirect_pages(site)
    _check_redirects_collide_with_nothing(site, pages, redirects)
    return sorted(pages + redirects, key=lambda p: p.path)


def _redirect_pages(site: Site) -> list[Page]:
    """One page per old URL of a record, pointing at its current URL (permanent URLs)."""
    return [Page(alias.output_path, deps=frozenset({r.key}), template="redirect.html",
                 context={"record": r, "target": r.url})
            for r in (*site.inquiries, *site.entries) for alias in r.aliases]


def _check_redirects_collide_with_nothing(site: Site, pages: list[Output], redirects: list[Page]) -> None:
    taken = {p.path for p in pages}
    problems = Problems()
    for page in redirects:
        if page.path in taken:
            record = page.context["record"]
            alias = next(a for a in record.aliases if a.output_path == page.path)
            problems.add(record.path, alias.line, f"旧网址 {alias.url} 与网站上现有的页面重复。",
                         "旧网址不能占用现有页面的地址；请删除这一条 aliases，或核对旧网址。")
    if problems:
        raise ContentError(problems)


def _record_pages(site: Site, idx: Indexes) -> list[Page]:
    pages = []
    for r in site.inquiries:
        follow = {e.key for s in r.segments for e in idx.follow_ups.get(routes.segment_key(r.key, s.id), ())}
        pages.append(Page(routes.output_path(r.url), deps=frozenset({r.key, *follow}),
                          template="inquiry.html", context={"record": r}))
    for r in site.entries:
        related = {ref.inquiry.key for ref in idx.evidence_for.get(r.key, ())}
        if r.follow_up:
            related.add(r.follow_up.ref.key)
        pages.append(Page(routes.output_path(r.url), deps=frozenset({r.key, *related}),
                          facts=(tuple(ref.ident for ref in idx.evidence_for.get(r.key, ())),),
                          template="entry.html", context={"record": r}))
    return pages


def _department_pages(site: Site, idx: Indexes, stats: dict) -> list[Output]:
    pages: list[Output] = []
    for dept in site.departments.values():
        facts, s = idx.by_department[dept.id], stats[dept.id]
        shown = [facts] + [idx.by_department[p.id] for p in facts.lineage]
        order = tuple((keys(r.inquiry for r in f.segments), keys(f.entries),
                       tuple(c.ident for c in f.commitments)) for f in shown)
        deps = frozenset(k for part in order for k in part[0] + part[1])
        pages.append(Page(routes.output_path(dept.url), deps=deps, facts=(order, s),
                          template="department.html",
                          context={"facts": facts, "stats": s, "figures": department_figures(s),
                                   "feed": feeds.feed_path(dept.id)}))
        pages.append(_feed(site, idx, dept.id))
        if dept.level == Level.DISTRICT:
            entries = idx.entries_by_district.get(dept.id, [])
            pages.append(Page(routes.output_path(routes.district(dept.id)), deps=frozenset(keys(entries)),
                              facts=(keys(entries),), template="district.html",
                              context={"facts": facts, "entries": entries}))
    all_stats = tuple(stats.items())
    for slug, heading, key, descending in RANKINGS:
        ranked = _ranked(list(site.departments.values()), stats, key, descending)
        pages.append(Page(routes.output_path(routes.ranking(slug)), facts=(all_stats,),
                          template="ranking.html",
                          context={"ranked": ranked, "heading": heading, "slug": slug, "stats": stats,
                                   "rankings": RANKINGS}))
    return pages


def _feed(site: Site, idx: Indexes, scope: str) -> DataFile:
    shown = keys(feeds.feed_records(site, idx, scope))
    return DataFile(feeds.feed_path(scope), deps=frozenset(shown), facts=(shown,),
                    produce=feeds.render_feed, args=(scope,))


def _ranked(departments: list, stats: dict, key: str, descending: bool) -> list:
    """Departments with a value first, in order; those without one (e.g. no entries) last, by id."""
    have = [d for d in departments if getattr(stats[d.id], key) is not None]
    have.sort(key=lambda d: d.id)
    have.sort(key=lambda d: getattr(stats[d.id], key), reverse=descending)
    return have + sorted((d for d in departments if getattr(stats[d.id], key) is None),
                         key=lambda d: d.id)


def _list_pages(site: Site, idx: Indexes) -> list[Output]:
    size = site.settings.get("JIANDU_PAGE_SIZE", 50)
    pages: list[Output] = [
        Page(routes.output_path(routes.CATEGORIES), template="categories.html",
             facts=tuple((c.name, c.slug, len(c.entries)) for c in idx.categories.values())),
        Page(routes.output_path(routes.STATUSES), template="statuses.html", facts=(
            tuple(len(v) for v in idx.entries_by_status.values()),
            tuple(len(v) for v in idx.commitments_by_status.values()))),
    ]
    for kind in Kind:
        years = tuple((y, len(r)) for y, r in idx.by_year[kind].items())
        pages.append(Page(routes.output_path(routes.kind_index(kind)), facts=(years,), template="kind.html",
                          context={"kind": kind, "feed": feeds.feed_path(kind)}))
        pages.append(_feed(site, idx, kind))
        for year, records in idx.by_year[kind].items():
            pages += _record_list(routes.year_list(kind, year), records, size, f"{year}年{kind.label}",
                                  f"本年共 {len(records)} 期。")
    for cat in idx.categories.values():
        pages += _record_list(cat.url, list(cat.entries), size, f"问题类别：{cat.name}",
                              f"共 {len(cat.entries)} 期专栏。")
    for status in EntryStatus:
        entries = idx.entries_by_status[status]
        pages += _record_list(routes.entry_status(status), entries, size, f"办理状态：{status}",
                              f"共 {len(entries)} 期专栏。")
    return pages


def _record_list(base: str, records: list, size: int, title: str, intro: str) -> list[Page]:
    return [Page(page.path, deps=frozenset(keys(page.context["items"])),
                 facts=(keys(page.context["items"]), intro, page.context["pagination"]),
                 template="records.html", context=page.context)
            for page in _paginated(base, "records.html", records, size, {"title": title, "intro": intro})]


def _ledger_pages(site: Site, idx: Indexes) -> list[Page]:
    size = site.settings.get("JIANDU_PAGE_SIZE", 50)
    counts = tuple(len(v) for v in idx.commitments_by_status.values())
    views = [(routes.ledger(), None, idx.commitments)] + [
        (routes.ledger(s), s, idx.commitments_by_status[s]) for s in CommitmentStatus]
    pages = []
    for base, status, refs in views:
        for page in _paginated(base, "commitments.html", refs, size, {"status": status, "total": len(refs)}):
            items = page.context["items"]
            pages.append(Page(page.path, deps=frozenset(r.inquiry.key for r in items),
                              facts=(tuple((r.ident, r.status) for r in items), counts, len(refs),
                                     page.context["pagination"]),
                              template=page.template, context=page.context))
    return pages


def _archive_pages(site: Site, idx: Indexes) -> list[Page]:
    years = tuple((y.year, y.inquiries, y.entries) for y in idx.years)
    pages = [Page(routes.output_path(routes.ARCHIVE), facts=(years, site.editions), template="archive.html",
                  context={"years": list(idx.archive), "packages": list(reversed(site.editions))})]
    for year, slots in idx.archive.items():
        shown = tuple((s.kind, s.number, s.record.key if s.record else None) for s in slots)
        pages.append(Page(routes.output_path(routes.archive_year(year)),
                          deps=frozenset(s.record.key for s in slots if s.record), facts=(shown,),
                          template="archive_year.html", context={"year": year, "slots": slots}))
    return pages


def _data_files(site: Site) -> list[Output]:
    shown = {"records": keys((*site.inquiries, *site.entries)), "commitments": keys(site.inquiries),
             "departments": ()}  # departments.* change only with the registry, which rebuilds all
    files: list[Output] = [
        Page(routes.output_path(routes.DATA), template="data.html", context={"fields": opendata.FIELDS}),
        DataFile(routes.ROBOTS, produce=opendata.render_robots),
        _feed(site, None, "all"),
    ]
    for dataset in opendata.FIELDS:
        for ext, produce in (("json", opendata.render_json), ("csv", opendata.render_csv)):
            files.append(DataFile(routes.data_file(dataset, ext), deps=frozenset(shown[dataset]),
                                  facts=(shown[dataset],), produce=produce, args=(dataset,)))
    return files


def _latest(site: Site) -> dict:
    n = site.settings.get("JIANDU_LATEST", 5)
    return {Kind.INQUIRY: list(reversed(site.inquiries[-n:])), Kind.COLUMN: list(reversed(site.entries[-n:]))}


def _paginated(base: str, template: str, items: list, size: int, context: dict) -> list[Page]:
    count = max(1, ceil(len(items) / size))
    pages = []
    for number in range(1, count + 1):
        pagination = Pagination(number, count, base)
        chunk = items[(number - 1) * size: number * size]
        pages.append(Page(routes.output_path(pagination.url(number)), template=template,
                          context={**context, "items": chunk, "pagination": pagination}))
    return pages
